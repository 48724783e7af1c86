import pytest

from accounts.models import Role
from accounts.services import roles_ensure, user_add_role
from tests.factories import StaffFactory, UserFactory
from tests.support import login


@pytest.fixture
def owner(db):
    roles_ensure()
    return UserFactory(profile__display_name="Rune")


@pytest.fixture
def owner_client(owner):
    return login(owner)


@pytest.fixture
def editor(db):
    roles_ensure()
    user = StaffFactory(profile__display_name="Eli")  # the admin requires MFA
    user_add_role(user=user, role=Role.EDITOR)
    return user
