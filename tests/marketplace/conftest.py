import pytest

from tests.factories import UserFactory
from tests.support import login


@pytest.fixture
def owner(db):
    """The resident whose listings a test is about."""
    return UserFactory(profile__display_name="Kari")


@pytest.fixture
def owner_client(owner):
    return login(owner)
