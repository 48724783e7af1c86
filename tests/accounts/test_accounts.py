import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Role, User
from tests.factories import TEST_PASSWORD, UserFactory

EN = {"accept-language": "en"}


def test_email_is_the_login_and_is_normalised(db):
    user = User.objects.create_user(email="Kari.Nordmann@Example.TEST", password=TEST_PASSWORD)
    assert user.email == "kari.nordmann@example.test"
    assert User.USERNAME_FIELD == "email"
    assert user.username is None


def test_signup_creates_a_resident_profile_and_sends_a_verification_email(client, roles):
    response = client.post(
        "/en/konto/signup/",
        {
            "display_name": "Kari",
            "email": "kari@example.test",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="kari@example.test")
    assert user.profile.display_name == "Kari"
    assert user.profile.preferred_language == "en"
    assert list(user.groups.values_list("name", flat=True)) == [Role.RESIDENT.value]
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert re.search(r"/konto/confirm-email/[\w:-]+/", mail.outbox[0].body)


def test_unverified_user_cannot_log_in(client, db):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_verified_user_logs_in_and_out(client, db):
    user = UserFactory()
    response = client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/en/konto/logout/")
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_throttle_the_account(client, db):
    user = UserFactory()
    for _ in range(5):
        response = client.post(
            "/en/konto/login/", {"login": user.email, "password": "wrong password"}, headers=EN
        )
        assert response.status_code == 200
        assert b"not correct" in response.content
    # Now even the right password is refused for a while.
    response = client.post("/en/konto/login/", {"login": user.email, "password": TEST_PASSWORD}, headers=EN)
    assert response.status_code in (200, 429)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, db):
    user = UserFactory()
    client.force_login(user)
    client.get("/en/konto/logout/")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_settings_page_needs_login(client, db):
    response = client.get("/konto/innstillinger/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_settings_update_profile(client, places):
    user = UserFactory()
    client.force_login(user)
    from places.models import Place

    jar = Place.objects.get(name="Jar")
    response = client.post(
        "/konto/innstillinger/", {"display_name": "Ny Navn", "preferred_language": "en", "home_place": jar.pk}
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert (user.profile.display_name, user.profile.preferred_language, user.profile.home_place) == (
        "Ny Navn",
        "en",
        jar,
    )


def test_settings_refuse_an_empty_display_name(client, db):
    user = UserFactory(profile__display_name="Kari")
    client.force_login(user)
    response = client.post("/en/konto/innstillinger/", {"display_name": "", "preferred_language": "nb"})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Kari"


def test_api_token_is_shown_once_and_works(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/en/konto/innstillinger/tokens/", {"name": "my script"})
    key = re.search(rb'<code class="token">([^<]+)</code>', response.content).group(1).decode()
    client.logout()
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).json()["id"] == user.pk
    client.force_login(user)
    settings_page = client.get("/en/konto/innstillinger/").content.decode()
    assert "my script" in settings_page and key not in settings_page


def test_home_place_is_never_shown_to_others(client, places):
    from places.models import Place

    owner = UserFactory(profile__display_name="Kari")
    owner.profile.home_place = Place.objects.get(name="Jar")
    owner.profile.save()
    client.force_login(UserFactory())
    assert "Jar" not in client.get("/api/v1/me").content.decode()


@pytest.mark.parametrize("path", ["/konto/login/", "/konto/signup/", "/konto/password/reset/"])
def test_account_pages_render_in_both_languages(client, db, path):
    assert client.get(path).status_code == 200
    assert client.get("/en" + path).status_code == 200


def test_password_reset_by_email(client, db):
    user = UserFactory()
    response = client.post("/en/konto/password/reset/", {"email": user.email})
    assert response.status_code == 302
    link = re.search(r"https?://[^/]+(/en/konto/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]  # allauth moves the key into the session first
    new_password = "a-new-long-password-77"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_answers_the_same_for_unknown_addresses(client, db):
    known = client.post("/en/konto/password/reset/", {"email": UserFactory().email})
    unknown = client.post("/en/konto/password/reset/", {"email": "nobody@example.test"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert "password/reset/key" not in mail.outbox[-1].body  # no reset link for a non-account


def test_password_change_needs_the_old_password(client, db):
    user = UserFactory()
    client.force_login(user)
    new_password = "another-long-password-88"
    response = client.post(
        "/en/konto/password/change/",
        {"oldpassword": "wrong", "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    client.post(
        "/en/konto/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": new_password, "password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_admin_login_goes_through_the_throttled_login(client, db):
    response = client.get("/cms/login/?next=/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=/cms/"
