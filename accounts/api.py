from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth
from wagtail.api.v3.auth import BearerTokenAuth

# Every app's authenticated endpoints use this: a personal token (`Authorization: Bearer ...`,
# created on the account settings page) or the browser session (with CSRF on unsafe methods).
# Either way the endpoint reads the user from `request.user`.
auth = [BearerTokenAuth(), django_auth]

router = Router(tags=["account"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str
    roles: list[str]


@router.get("", response=MeOut, auth=auth)
def me(request: HttpRequest):
    """The signed-in user (session or token)."""
    user = request.user
    return MeOut(
        id=user.pk,
        email=user.email,
        display_name=user.display_name,
        preferred_language=getattr(getattr(user, "profile", None), "preferred_language", "nb"),
        roles=sorted(user.groups.values_list("name", flat=True)),
    )
