"""Who must use two-factor authentication (allauth MFA: TOTP + recovery codes), and the
middleware that sends them to set it up before they reach a staff screen.

Everyone may turn MFA on (Account settings → Two-factor authentication). It is required for
superusers, staff, anyone with access to the Wagtail admin, editors, moderators, hub staff
(Role.HUB_STAFF, and whoever a feature app says is staff through `register_staff_check`, e.g.
sharing's HubStaff rows). Staff screens are the Wagtail admin (`MFA_REQUIRED_URL_PREFIXES`) and
the views named in `MFA_REQUIRED_VIEW_NAMES` (the hub desk)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import Role

STAFF_ROLES = (Role.EDITOR, Role.MODERATOR, Role.HUB_STAFF)

_staff_checks: list[Callable] = []


def register_staff_check(check: Callable) -> None:
    """A feature app adds `check(user) -> bool` for staff it knows about (AppConfig.ready)."""
    if check not in _staff_checks:
        _staff_checks.append(check)


def mfa_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return True
    if user.groups.filter(name__in=[role.value for role in STAFF_ROLES]).exists():
        return True
    return any(check(user) for check in _staff_checks)


def mfa_enabled(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def is_staff_screen(request) -> bool:
    if request.path_info.startswith(tuple(getattr(settings, "MFA_REQUIRED_URL_PREFIXES", ("/cms/",)))):
        return True
    match = getattr(request, "resolver_match", None)
    return bool(match and match.view_name in getattr(settings, "MFA_REQUIRED_VIEW_NAMES", ()))


class StaffMfaMiddleware:
    """After AuthenticationMiddleware. A staff member without MFA who opens a staff screen is
    sent to set up an authenticator app first, and comes back afterwards (?next=)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_staff_screen(request):
            return None
        if not mfa_required(user) or mfa_enabled(user):
            return None
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
