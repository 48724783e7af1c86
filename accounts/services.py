from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import APIToken

from accounts.models import Profile, Role, User
from places.models import Place

# Roles that work in the Wagtail admin (/cms/). What they may do there is granted by the apps
# that own the content (cms.services.site_ensure gives editors the page tree).
ADMIN_ROLES = (Role.EDITOR, Role.MODERATOR)


def roles_ensure() -> None:
    """Create the role groups if they are missing, with admin access for editors and
    moderators (idempotent)."""
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if role in ADMIN_ROLES:
            group.permissions.add(access_admin)


def user_add_role(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)


@transaction.atomic
def profile_ensure(*, user: User, display_name: str = "", preferred_language: str = "nb") -> Profile:
    profile, created = Profile.objects.get_or_create(
        user=user,
        defaults={
            "display_name": display_name or user.email.split("@")[0],
            "preferred_language": preferred_language,
        },
    )
    if created:
        user_add_role(user=user, role=Role.RESIDENT)
    return profile


def profile_update(
    *,
    profile: Profile,
    display_name: str,
    preferred_language: str,
    home_place: Place | None,
    email_on_unread: bool = True,
) -> Profile:
    profile.display_name = display_name
    profile.preferred_language = preferred_language
    profile.home_place = home_place
    profile.email_on_unread = email_on_unread
    profile.full_clean()
    profile.save()
    return profile


def api_token_create(*, user: User, name: str) -> tuple[APIToken, str]:
    """A personal API token (Wagtail's APIToken: only a salted digest is stored). Returns the
    row and the plaintext, which is shown once and never again."""
    return APIToken.create_token(user=user, name=name)


def api_token_revoke(*, user: User, token_id: int) -> bool:
    token = APIToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        return False
    token.revoke()
    return True
