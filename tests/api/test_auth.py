import pytest

from accounts.services import api_token_create, api_token_revoke
from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(profile__display_name="Kari")


def test_anonymous_is_401_with_the_error_shape(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_session_authenticates(client, user):
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["email"] == user.email and body["display_name"] == "Kari"


def test_personal_token_authenticates(client, user):
    _, key = api_token_create(user=user, name="script")
    response = client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["id"] == user.pk


def test_revoked_token_is_refused(client, user):
    token, key = api_token_create(user=user, name="script")
    assert api_token_revoke(user=user, token_id=token.pk)
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code == 401


def test_token_of_an_inactive_user_is_refused(client, user):
    _, key = api_token_create(user=user, name="script")
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code == 401


def test_garbage_token_is_refused(client, db):
    assert client.get("/api/v1/me", headers={"authorization": "Bearer nonsense"}).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(user):
    token, _ = api_token_create(user=user, name="script")
    assert not api_token_revoke(user=UserFactory(), token_id=token.pk)
