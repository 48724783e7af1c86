import json
import tempfile
import uuid
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.models import APIToken

from accounts import privacy
from accounts.models import (
    DATA_EXPORT_INTERVAL,
    DATA_EXPORT_LIFETIME,
    AuditEntry,
    DataExport,
    Profile,
    Role,
    User,
)
from accounts.notify import absolute_url, reverse_in, send_to_user
from core.errors import RefusedChange
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


# --- Privacy rights: export and deletion (docs/decisions/0017) ----------------------------------


class PrivacyError(RefusedChange):
    """A refused export or deletion step (core.errors)."""


EXPORT_SIGNING_SALT = "accounts.data_export"
README_TEMPLATE = "accounts/privacy/export_readme_nb.txt"


def deleted_email(user_id: int) -> str:
    """The placeholder address of a deleted account: unique, and never deliverable (.invalid)."""
    return f"slettet-{user_id}@slettet.invalid"


@transaction.atomic
def data_export_request(*, user: User, now=None) -> DataExport:
    """Ask for a copy of one's data: at most one request per DATA_EXPORT_INTERVAL (a failed build
    does not count). The ZIP is built by a background task after the commit."""
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # two requests at once: one waits
    recent = (
        DataExport.objects.filter(user=user, requested_at__gt=now - DATA_EXPORT_INTERVAL)
        .exclude(status=DataExport.Status.FAILED)
        .order_by("-requested_at")
        .first()
    )
    if recent is not None:
        raise PrivacyError(
            _("You can ask for a copy of your data once a day. You can ask again after %(time)s.")
            % {
                "time": date_format(
                    timezone.localtime(recent.requested_at + DATA_EXPORT_INTERVAL), "j. F H:i"
                )
            },
            status=429,
        )
    export = DataExport.objects.create(user=user)

    def enqueue() -> None:
        from accounts.tasks import data_export_build_task

        data_export_build_task.enqueue(export.pk)

    transaction.on_commit(enqueue)
    return export


def _export_archive(user: User, now, out) -> None:
    """Write the ZIP to the file object `out`."""
    from django.core.files.storage import default_storage

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        parts = [(provider, provider.export(user)) for provider in privacy.providers()]
        with translation.override("nb"):
            readme = render_to_string(
                README_TEMPLATE,
                {"user": user, "now": now, "parts": [p for p, _part in parts], "site_url": absolute_url("/")},
            )
        archive.writestr("README.txt", readme)
        for provider, part in parts:
            archive.writestr(
                f"{provider.name}.json",
                json.dumps(part.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            for file in part.files:
                try:
                    with default_storage.open(file.storage_name, "rb") as source:
                        archive.writestr(file.archive_name, source.read(), compress_type=zipfile.ZIP_STORED)
                except FileNotFoundError:
                    continue  # the row outlived its file: nothing to copy


def export_token(export: DataExport) -> str:
    return signing.dumps(export.pk, salt=EXPORT_SIGNING_SALT)


def data_export_build(*, export_id: int, now=None) -> DataExport | None:
    """Build the ZIP of a pending export, store it privately and email the person a link that
    works for DATA_EXPORT_LIFETIME."""
    now = now or timezone.now()
    export = DataExport.objects.select_related("user__profile").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING or export.user.erased_at:
        return export
    user = export.user
    # Photos make it large: spooled to disk past a few MB rather than held in memory.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        try:
            _export_archive(user, now, out)
        except Exception:
            DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED, finished_at=now)
            raise
        size = out.tell()
        out.seek(0)
        name = storages["private"].save(f"exports/{user.pk}/{uuid.uuid4().hex}.zip", File(out))
    export.file_name, export.size = name, size
    export.status, export.finished_at = DataExport.Status.READY, now
    export.expires_at = now + DATA_EXPORT_LIFETIME
    export.save(update_fields=["file_name", "size", "status", "finished_at", "expires_at"])
    send_to_user(
        user=user,
        template="accounts/email/data_export_ready",
        context={
            "url": absolute_url(reverse_in(user, "account_data_export_download", export_token(export))),
            "expires_at": export.expires_at,
        },
    )
    return export


def data_export_for_download(*, user: User, token: str, now=None) -> DataExport:
    """The export a link points at, for the person it belongs to. Raises PrivacyError 404 for a
    link that is not theirs or not ours, 410 for one that has expired."""
    now = now or timezone.now()
    try:
        export_id = signing.loads(token, salt=EXPORT_SIGNING_SALT, max_age=DATA_EXPORT_LIFETIME)
    except signing.SignatureExpired:
        raise PrivacyError(_("This download link has expired."), status=410) from None
    except signing.BadSignature:
        raise PrivacyError(_("Not found."), status=404) from None
    export = (
        DataExport.objects.filter(pk=export_id, user=user).first() if isinstance(export_id, int) else None
    )
    if export is None:
        raise PrivacyError(_("Not found."), status=404)
    if export.status != DataExport.Status.READY or export.expires_at is None or export.expires_at <= now:
        raise PrivacyError(_("This download link has expired."), status=410)
    return export


def data_exports_purge_due(*, now=None) -> int:
    """Retention: delete the files of exports past their expiry. Idempotent."""
    now = now or timezone.now()
    count = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now):
        if export.file_name:
            storages["private"].delete(export.file_name)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, file_name="", size=0)
        count += 1
    return count


def account_delete(*, user: User) -> None:
    """Delete an account: every app erases or anonymises what it keeps about the person (the
    privacy registry), in one transaction; accounts' own part runs last. The User row stays,
    deactivated and emptied, so the other party's conversations and a hub's past loans keep
    their shape ("deleted user"). Safe to run again."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        for provider in privacy.providers():
            provider.erase(user)


# The accounts app's own part of the registry (registered in AccountsConfig.ready).


def _accounts_export(user: User) -> privacy.ExportPart:
    profile = getattr(user, "profile", None)
    return privacy.ExportPart(
        {
            "account": {
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "email_addresses": [
                    {"email": a.email, "verified": a.verified, "primary": a.primary}
                    for a in EmailAddress.objects.filter(user=user).order_by("pk")
                ],
                "roles": sorted(user.groups.values_list("name", flat=True)),
            },
            "profile": {
                "display_name": profile.display_name,
                "preferred_language": profile.preferred_language,
                "home_area": profile.home_place.name if profile.home_place else None,
                "email_on_unread": profile.email_on_unread,
            }
            if profile
            else None,
            # The token's name and dates; never its digest.
            "api_tokens": [
                {
                    "name": t.name,
                    "prefix": t.prefix,
                    "created": t.created,
                    "last_used_at": t.last_used_at,
                    "revoked_at": t.revoked_at,
                }
                for t in APIToken.objects.filter(user=user).order_by("pk")
            ],
            "data_exports": [
                {"requested_at": e.requested_at, "status": e.status, "expires_at": e.expires_at}
                for e in DataExport.objects.filter(user=user).order_by("pk")
            ],
            # Which second factors are set up and when; never their secrets or codes.
            "two_factor_authentication": [
                {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
                for a in Authenticator.objects.filter(user=user).order_by("pk")
            ],
        }
    )


def _accounts_erase(user: User) -> None:
    from django.core.files.storage import default_storage
    from wagtail.admin.models import EditingSession, FormState
    from wagtail.models import PageSubscription
    from wagtail.users.models import UserProfile

    now = timezone.now()
    for export in DataExport.objects.filter(user=user).exclude(file_name=""):
        name = export.file_name
        transaction.on_commit(lambda name=name: storages["private"].delete(name))
    DataExport.objects.filter(user=user).delete()
    APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    EmailAddress.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).update(display_name="", home_place=None, email_on_unread=False)
    user.groups.clear()
    user.user_permissions.clear()
    for wagtail_profile in UserProfile.objects.filter(user=user):
        if wagtail_profile.avatar:
            avatar = wagtail_profile.avatar.name
            transaction.on_commit(lambda avatar=avatar: default_storage.delete(avatar))
        wagtail_profile.delete()
    EditingSession.objects.filter(user=user).delete()
    FormState.objects.filter(user=user).delete()
    PageSubscription.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # The audit log keeps what was done and by which (emptied) account, not the address.
    AuditEntry.objects.filter(actor=user).update(actor_label=deleted_email(user.pk))
    if user.email:
        AuditEntry.objects.filter(note__icontains=user.email).update(note="")
    user.email = deleted_email(user.pk)
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    # A new (unusable) password changes the session hash, so every session the person still has
    # elsewhere is refused at its next request (django.contrib.auth.get_user), and an inactive
    # user cannot sign in again.
    user.set_unusable_password()
    user.erased_at = user.erased_at or now
    user.save()
    if hasattr(user, "profile"):
        user.profile.refresh_from_db()


ACCOUNTS_COVERS = (
    "accounts.Profile.user",
    "accounts.DataExport.user",
    "accounts.User_groups.user",
    "accounts.User_user_permissions.user",
    "account.EmailAddress.user",
    "wagtailcore.APIToken.user",
    "wagtailusers.UserProfile.user",
    "wagtailadmin.EditingSession.user",
    "wagtailadmin.FormState.user",
    "wagtailcore.PageSubscription.user",
    "mfa.Authenticator.user",
)

_EDITORIAL = (
    "The municipality's editorial record of its own content (staff accounts only); "
    "the account it points at is emptied."
)
ACCOUNTS_KEPT = {
    "accounts.AuditEntry.actor": (
        "Moderators', editors' and staff members' actions are audit-logged (who, what, when); the "
        "account is emptied and the recorded address replaced."
    ),
    "accounts.AuditEntry.subject": (
        "The record that a moderator acted on an account or its content; it names only the emptied account."
    ),
    "wagtailcore.Page.owner": _EDITORIAL,
    "wagtailcore.Page.locked_by": _EDITORIAL,
    "wagtailcore.Revision.user": _EDITORIAL,
    "wagtailcore.PageLogEntry.user": _EDITORIAL,
    "wagtailcore.ModelLogEntry.user": _EDITORIAL,
    "wagtailcore.WorkflowState.requested_by": _EDITORIAL,
    "wagtailcore.TaskState.finished_by": _EDITORIAL,
    "wagtailcore.Comment.user": _EDITORIAL,
    "wagtailcore.Comment.resolved_by": _EDITORIAL,
    "wagtailcore.CommentReply.user": _EDITORIAL,
    "wagtailcore.UploadedFile.uploaded_by_user": _EDITORIAL,
    "wagtailimages.Image.uploaded_by_user": _EDITORIAL,
    "wagtaildocs.Document.uploaded_by_user": _EDITORIAL,
}


def accounts_provider() -> privacy.Provider:
    return privacy.Provider(
        name="konto",
        title=_lazy("Account and profile"),
        export=_accounts_export,
        erase=_accounts_erase,
        covers=ACCOUNTS_COVERS,
        kept=ACCOUNTS_KEPT,
        order=100,
        notices=(
            privacy.Notice(
                what=_lazy(
                    "Your email address, password (as a salted hash), display name, language, home area "
                    "and email settings."
                ),
                why=_lazy(
                    "To let you sign in, show others a name instead of your address, and show what is "
                    "near you."
                ),
                basis=_lazy("Agreement: the service you signed up for (GDPR art. 6(1)(b))."),
                kept=_lazy("Until you delete your account."),
            ),
            privacy.Notice(
                what=_lazy("Personal API tokens (name and dates; the token itself only as a digest)."),
                why=_lazy("So your own programs can use the API on your behalf."),
                basis=_lazy("Agreement (GDPR art. 6(1)(b))."),
                kept=_lazy("Until you delete the token; revoked when you delete your account."),
            ),
            privacy.Notice(
                what=_lazy("Copies of your data that you asked for (a ZIP file)."),
                why=_lazy("Your right of access and to data portability (GDPR art. 15 and 20)."),
                basis=_lazy("Legal obligation (GDPR art. 6(1)(c))."),
                kept=format_lazy(
                    _lazy("The file is deleted {days} days after it is ready."),
                    days=DATA_EXPORT_LIFETIME.days,
                ),
            ),
        ),
    )


def _target_label(target) -> str:
    """What an entry names its target by when the row is gone. A person is named by number
    only: `subject` links to them while the account exists, and nothing here keeps their
    email after they delete it."""
    if target is None:
        return ""
    if isinstance(target, User):
        return f"user #{target.pk}"
    return str(target)


def audit_record(
    *, actor, action: str, target=None, subject=None, note: str = "", label: str | None = None
) -> AuditEntry:
    """Record a moderator's or staff member's action (the one audit log of every app).
    `target` is any model instance the action was done to (`label` names it, str(target) by
    default); `subject` the person it concerns."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.create(
        actor=actor,
        actor_label=(getattr(actor, "email", "") or "")[:254],
        action=action[:40],
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=(label if label is not None else _target_label(target))[:200],
        subject=subject,
        note=(note or "").strip()[:500],
    )
