"""Account security: MFA available to everyone and required for staff screens, session keys
rotated at login, the offline password patterns, login throttling per account and per IP."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from accounts.passwords import CommonPatternValidator
from accounts.security import mfa_required
from tests.factories import TEST_PASSWORD, UserFactory, mfa_enable, totp_code

EN = {"accept-language": "en"}


def _with_role(role: Role):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


# --- who must use MFA ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(is_superuser=True, is_staff=True),
        lambda: UserFactory(is_staff=True),
        lambda: _with_role(Role.EDITOR),
        lambda: _with_role(Role.MODERATOR),
        lambda: _with_role(Role.HUB_STAFF),
    ],
    ids=["superuser", "staff", "editor", "moderator", "hub_staff_role"],
)
def test_staff_roles_must_use_mfa(db, make):
    assert mfa_required(make())


def test_residents_may_but_need_not_use_mfa(db):
    assert not mfa_required(UserFactory())


def test_someone_staffing_a_hub_must_use_mfa(db):
    from places.geo import make_point
    from sharing.models import Hub, HubStaff

    user = UserFactory()
    hub = Hub.objects.create(name="Hub", slug="hub", address="Vei 1", location=make_point(59.9, 10.6))
    HubStaff.objects.create(hub=hub, user=user)
    assert mfa_required(user)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.MODERATOR])
def test_staff_without_mfa_are_sent_to_set_it_up_before_the_admin(client, db, role):
    from django.contrib.auth.models import Permission

    user = _with_role(role)
    Group.objects.get(name=role.value).permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/cms/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/2fa/totp/activate/?next=%2Fcms%2Fpages%2F")


def test_superuser_without_mfa_cannot_reach_the_admin(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/cms/")
    assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]


def test_staff_with_mfa_reach_the_admin(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    mfa_enable(admin)
    client.force_login(admin)
    assert client.get("/cms/").status_code == 200


def test_hub_desk_requires_mfa(client, db):
    from places.geo import make_point
    from sharing.models import Hub, HubStaff

    user = UserFactory()
    hub = Hub.objects.create(name="Hub", slug="hubben", address="Vei 1", location=make_point(59.9, 10.6))
    HubStaff.objects.create(hub=hub, user=user)
    client.force_login(user)
    response = client.get("/en/laan/sentral/hubben/")
    assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]
    mfa_enable(user)
    assert client.get("/en/laan/sentral/hubben/").status_code == 200


def test_a_resident_opening_the_admin_is_not_asked_for_mfa(client, db):
    client.force_login(UserFactory())
    response = client.get("/cms/")
    assert "/2fa/" not in response.get("Location", "")


def test_every_user_can_set_up_totp_and_gets_recovery_codes(client, db):
    user = UserFactory()
    client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    # Setting up a second factor asks for the password again (allauth's reauthentication).
    assert "/reauthenticate/" in client.get("/en/konto/2fa/totp/activate/")["Location"]
    client.post("/en/konto/reauthenticate/?next=/en/konto/2fa/totp/activate/", {"password": TEST_PASSWORD})
    page = client.get("/en/konto/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/en/konto/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_login_with_mfa_needs_the_code(client, db):
    user = UserFactory()
    secret = mfa_enable(user)
    response = client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session
    wrong = client.post(
        "/en/konto/2fa/authenticate/", {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post("/en/konto/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_settings_page_links_to_two_factor_authentication(client, db):
    client.force_login(UserFactory())
    with translation.override("en"):
        response = client.get("/en/konto/innstillinger/")
    assert b"/konto/2fa/" in response.content


# --- sessions ------------------------------------------------------------------------------------


def test_login_rotates_the_session_key(client, db):
    user = UserFactory()
    client.get("/en/konto/login/")
    session = client.session
    session["before_login"] = "x"
    session.save()
    before = session.session_key
    client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before
    # The old key is no longer a session at all.
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore(session_key=before).exists(before)


# --- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Sommer2024!",
        "sirkel123456",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "aaaaaaaaaaaa",
        "abcdefghijk",
        "9876543210",
        "!!Passord2025",
    ],
)
def test_common_patterns_are_refused(password):
    with pytest.raises(ValidationError):
        CommonPatternValidator().validate(password)


@pytest.mark.parametrize("password", [TEST_PASSWORD, "kaffe-ved-fjorden-7", "Tr0ll-Sykkel-Bro"])
def test_ordinary_passphrases_pass(password):
    CommonPatternValidator().validate(password)


def test_signup_refuses_a_common_pattern_with_a_message(client, db):
    response = client.post(
        "/en/konto/signup/",
        {"email": "ny@example.test", "password1": "Sommer2024!", "password2": "Sommer2024!"},
        headers=EN,
    )
    assert response.status_code == 200
    assert b"common word" in response.content


# --- login throttling ------------------------------------------------------------------------------


class _Clock:
    def __init__(self):
        import time

        self.offset = 0.0
        self._time = time

    def time(self):
        return self._time.time() + self.offset

    def monotonic(self):
        return self._time.monotonic()

    def sleep(self, seconds):
        return self._time.sleep(seconds)


def test_failed_logins_are_throttled_per_ip_and_recover(client, db, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)
    users = [UserFactory() for _ in range(5)]
    # 20 failures from one address, spread over accounts so no account hits its own limit.
    for n in range(20):
        client.post("/en/konto/login/", {"login": users[n % 5].email, "password": f"wrong {n}"})
    fresh = UserFactory()
    blocked = client.post("/en/konto/login/", {"login": fresh.email, "password": TEST_PASSWORD}, headers=EN)
    assert "_auth_user_id" not in client.session
    assert blocked.status_code == 429 or b"Too many failed login attempts" in blocked.content
    # Another address is not affected.
    other = client.post(
        "/en/konto/login/", {"login": fresh.email, "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302
    client.post("/en/konto/logout/")
    clock.offset = 5 * 60 + 1
    recovered = client.post("/en/konto/login/", {"login": fresh.email, "password": TEST_PASSWORD})
    assert recovered.status_code == 302 and client.session["_auth_user_id"] == str(fresh.pk)


def test_account_throttle_recovers_after_five_minutes(client, db, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)
    user = UserFactory()
    for _ in range(5):
        client.post("/en/konto/login/", {"login": user.email, "password": "wrong password"})
    client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    clock.offset = 5 * 60 + 1
    client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_allauth_counts_in_the_shared_redis_cache(client, db):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    user = UserFactory()
    client.post("/en/konto/login/", {"login": user.email, "password": "wrong password"})
    keys = cache._cache.get_client().keys(f"{cache.key_prefix}:*allauth:rl:*login_failed*")
    assert keys


# --- the audit log -------------------------------------------------------------------------------


def test_moderator_actions_are_in_the_audit_log_in_the_admin(client, db, places):
    from marketplace.services import listing_moderate_hide, user_suspend
    from tests.factories import make_listing

    moderator = _with_role(Role.MODERATOR)
    from accounts.services import roles_ensure

    roles_ensure()
    mfa_enable(moderator)
    owner = UserFactory()
    listing = make_listing(owner=owner, title="Selges billig")
    listing_moderate_hide(moderator=moderator, listing=listing, reason="Reklame")
    user_suspend(moderator=moderator, user=owner, reason="Spam")
    from accounts.models import AuditEntry

    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.actor, e.action, e.subject) for e in entries] == [
        (moderator, "hide_listing", owner),
        (moderator, "suspend_user", owner),
    ]
    assert entries[0].target_label == "Selges billig" and entries[0].note == "Reklame"
    assert entries[0].created_at is not None
    client.force_login(moderator)
    with translation.override("en"):
        page = client.get("/cms/audit-log/")
    assert page.status_code == 200
    assert b"hide_listing" in page.content and b"suspend_user" in page.content


def test_reading_a_reported_conversation_is_audit_logged(db):
    from accounts.models import AuditEntry
    from chat.services import conversation_open, conversation_open_for_moderation, conversation_report

    a, b, moderator = UserFactory(), UserFactory(), _with_role(Role.MODERATOR)
    conversation, _created = conversation_open(user=a, other=b)
    conversation_report(reporter=a, conversation=conversation, text="Trakassering")
    conversation_open_for_moderation(moderator=moderator, conversation_id=conversation.pk)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_id) == (
        moderator,
        "read_conversation",
        str(conversation.pk),
    )


def test_residents_cannot_read_the_audit_log_and_nobody_can_edit_it(client, db):
    from accounts.services import audit_record

    entry = audit_record(actor=None, action="hide_listing", note="x")
    admin = UserFactory(is_superuser=True, is_staff=True)
    mfa_enable(admin)
    client.force_login(admin)
    assert client.get("/cms/audit-log/").status_code == 200
    assert client.get(f"/cms/audit-log/edit/{entry.pk}/").status_code in (302, 403, 404)
    assert client.get(f"/cms/audit-log/delete/{entry.pk}/").status_code in (302, 403, 404)
    assert client.get("/cms/audit-log/new/").status_code in (302, 403, 404)
    editor = _with_role(Role.EDITOR)
    mfa_enable(editor)
    client.force_login(editor)
    assert client.get("/cms/audit-log/").status_code in (302, 403)


def test_every_view_of_the_hub_desk_requires_mfa(settings):
    from sharing.urls import urlpatterns

    desk = {f"sharing:{p.name}" for p in urlpatterns if str(p.pattern).startswith("sentral/")}
    assert desk and desk <= set(settings.MFA_REQUIRED_VIEW_NAMES)


def test_hub_staff_need_mfa_to_edit_their_hubs_items_but_residents_do_not(client, db):
    from places.geo import make_point
    from sharing.models import Hub, HubStaff
    from tests.sharing.conftest import make_item

    staff = UserFactory()
    hub = Hub.objects.create(name="Hub", slug="hubben", address="Vei 1", location=make_point(59.9, 10.6))
    HubStaff.objects.create(hub=hub, user=staff)
    hub_item = make_item(hub=hub)
    client.force_login(staff)
    response = client.get(f"/en/laan/{hub_item.pk}/endre/")
    assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]
    mfa_enable(staff)
    assert client.get(f"/en/laan/{hub_item.pk}/endre/").status_code == 200

    resident = UserFactory()
    own_item = make_item(owner=resident)
    client.force_login(resident)
    assert client.get(f"/en/laan/{own_item.pk}/endre/").status_code == 200


def test_deleting_an_account_removes_its_second_factors_and_its_address_from_the_audit_log(db):
    from accounts.models import AuditEntry
    from accounts.services import account_delete, audit_record

    moderator, invited = UserFactory(), UserFactory()
    mfa_enable(moderator)
    audit_record(actor=moderator, action="invite_owner", note=invited.email)
    email = moderator.email
    account_delete(user=moderator)
    account_delete(user=invited)
    assert not Authenticator.objects.filter(user=moderator).exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action) == (moderator, "invite_owner")  # the emptied account
    assert email not in entry.actor_label and entry.note == ""
