"""The privacy notice: what is stored, why, on which basis and for how long, with the periods the
retention jobs use (rendered from the same constants), linked from every page's footer."""

import pytest
from django.utils import translation

from accounts.models import DATA_EXPORT_LIFETIME
from chat.models import DELETED_USER_MESSAGES_KEPT
from marketplace.models import LISTING_LIFETIME, LISTING_PHOTO_RETENTION


@pytest.fixture
def page(client, site):
    with translation.override("en"):
        response = client.get("/en/personvernerklaering/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_states_the_retention_periods_the_jobs_use(page):
    assert f"deleted {LISTING_PHOTO_RETENTION.days} days after it ended" in page
    assert f"shown for {LISTING_LIFETIME.days} days at a time" in page
    assert f"your messages are deleted {DELETED_USER_MESSAGES_KEPT.days} days later" in page
    assert f"The file is deleted {DATA_EXPORT_LIFETIME.days} days after it is ready." in page


def test_it_has_a_section_per_app_with_what_why_basis_and_how_long(page):
    for heading in ("Account and profile", "Give away and swap", "Repair", "Lending", "Messages", "Events"):
        assert f">{heading}</h2>" in page
    for column in ("What we store", "Why", "Legal basis", "How long"):
        assert f'<th scope="col">{column}</th>' in page
    assert "GDPR art. 6(1)(b)" in page


def test_the_footer_links_to_it(client, site):
    assert 'href="/personvernerklaering/"' in client.get("/").content.decode()
