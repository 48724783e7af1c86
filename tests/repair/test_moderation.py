"""Reported reviews: residents report, moderators hide or dismiss in the Wagtail admin, every
action is audited, and the kept average follows (also when an account is deleted)."""

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import Role
from accounts.selectors import audit_entries_for
from accounts.services import user_add_role
from repair.models import Review, ReviewReport
from repair.selectors import reviews_of, reviews_reported
from repair.services import (
    MAX_REPORTS_PER_DAY,
    RepairerError,
    review_moderate_hide,
    review_moderate_restore,
    review_report_create,
    review_reports_dismiss,
    review_save,
)
from tests.factories import StaffFactory, UserFactory
from tests.factory_repair import make_repairer
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


@pytest.fixture
def moderator(roles):
    user = StaffFactory(profile__display_name="Mona")  # the admin requires MFA
    user_add_role(user=user, role=Role.MODERATOR)
    return user


def _reviewed(rating=1, text="Svindel!"):
    repairer = make_repairer()
    author = UserFactory(profile__display_name="Per")
    review, _ = review_save(repairer=repairer, author=author, rating=rating, text=text)
    return repairer, review


def test_deleting_an_account_recomputes_the_average_of_the_repairers_it_reviewed(db):
    repairer = make_repairer()
    kari, ola = UserFactory(), UserFactory()
    review_save(repairer=repairer, author=kari, rating=5, text="Rask.")
    review_save(repairer=repairer, author=ola, rating=1, text="Treg.")
    ola.delete()
    repairer.refresh_from_db()
    assert (float(repairer.rating_avg), repairer.rating_count) == (5.0, 1)
    kari.delete()
    repairer.refresh_from_db()
    assert (repairer.rating_avg, repairer.rating_count) == (None, 0)


def test_a_report_needs_a_reason_and_not_from_the_author(db):
    _, review = _reviewed()
    with pytest.raises(RepairerError) as refused:
        review_report_create(reporter=UserFactory(), review=review, reason="nonsense")
    assert refused.value.field == "reason"
    with pytest.raises(RepairerError) as refused:
        review_report_create(reporter=review.author, review=review, reason="fake")
    assert refused.value.status == 403
    assert not ReviewReport.objects.exists()


def test_one_open_report_per_person_and_review_and_a_daily_limit(db):
    reporter = UserFactory()
    _, review = _reviewed()
    review_report_create(reporter=reporter, review=review, reason="fake")
    with pytest.raises(RepairerError) as refused:
        review_report_create(reporter=reporter, review=review, reason="spam")
    assert refused.value.status == 409
    for _n in range(MAX_REPORTS_PER_DAY - 1):
        review_report_create(reporter=reporter, review=_reviewed()[1], reason="spam")
    with pytest.raises(RepairerError) as refused:
        review_report_create(reporter=reporter, review=_reviewed()[1], reason="spam")
    assert refused.value.status == 429
    assert ReviewReport.objects.filter(reporter=reporter).count() == MAX_REPORTS_PER_DAY


def test_hiding_a_review_removes_it_from_the_page_and_the_average_and_tells_the_author(
    moderator, django_capture_on_commit_callbacks
):
    repairer, review = _reviewed(rating=1)
    review_save(repairer=repairer, author=UserFactory(), rating=5, text="Flott.")
    review_report_create(reporter=UserFactory(), review=review, reason="fake")
    with pytest.raises(RepairerError):
        review_moderate_hide(moderator=moderator, review=review, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        review_moderate_hide(moderator=moderator, review=review, reason="Ikke en ekte kunde.")
    repairer.refresh_from_db()
    assert (float(repairer.rating_avg), repairer.rating_count) == (5.0, 1)
    assert review not in reviews_of(repairer)
    assert review.reports.get().outcome == ReviewReport.Outcome.HIDDEN
    assert review.reports.get().handled_by == moderator
    assert mail.outbox[0].to == [review.author.email] and "Ikke en ekte kunde." in mail.outbox[0].body
    assert not reviews_reported().exists()
    review_moderate_restore(moderator=moderator, review=review)
    repairer.refresh_from_db()
    assert (float(repairer.rating_avg), repairer.rating_count) == (3.0, 2)
    actions = list(audit_entries_for(review).values_list("actor", "action"))
    assert actions == [(moderator.pk, "restore_review"), (moderator.pk, "hide_review")]


def test_the_author_cannot_change_a_hidden_review_back_in(moderator):
    repairer, review = _reviewed()
    review_moderate_hide(moderator=moderator, review=review, reason="Personangrep.")
    with pytest.raises(RepairerError) as refused:
        review_save(repairer=repairer, author=review.author, rating=1, text="Nytt forsøk")
    assert refused.value.status == 409
    assert Review.objects.get().text == "Svindel!"


def test_dismissing_closes_the_reports_and_keeps_the_review(moderator):
    repairer, review = _reviewed()
    review_report_create(reporter=UserFactory(), review=review, reason="offensive")
    assert review_reports_dismiss(moderator=moderator, review=review) == 1
    assert review.reports.get().outcome == ReviewReport.Outcome.DISMISSED
    assert review in reviews_of(repairer)
    assert audit_entries_for(review).get().action == "dismiss_review_reports"


def test_a_resident_reports_a_review_from_the_profile_page(db):
    repairer, review = _reviewed()
    client = login(UserFactory())
    page = client.get(f"/reparasjon/{repairer.slug}/").content.decode()
    assert f"/reparasjon/{repairer.slug}/vurdering/{review.pk}/rapporter/" in page
    url = f"/reparasjon/{repairer.slug}/vurdering/{review.pk}/rapporter/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"reason": "", "text": ""})
    assert bad.status_code == 400
    done = client.post(url, {"reason": "fake", "text": "Butikken var stengt den dagen."})
    assert done.status_code == 302
    assert ReviewReport.objects.get().text == "Butikken var stengt den dagen."


def test_reporting_needs_sign_in_and_the_author_gets_403(db):
    repairer, review = _reviewed()
    url = f"/reparasjon/{repairer.slug}/vurdering/{review.pk}/rapporter/"
    from django.test import Client

    assert Client().post(url, {"reason": "fake"}).status_code == 302  # to sign-in
    assert login(review.author).post(url, {"reason": "fake"}).status_code == 403
    assert not ReviewReport.objects.exists()


def test_moderators_hide_in_the_wagtail_admin_and_others_are_refused(moderator):
    repairer, review = _reviewed()
    review_report_create(reporter=UserFactory(), review=review, reason="fake")
    with translation.override("en"):
        queue = login(moderator).get("/cms/reparatorer/vurderinger/")
    assert queue.status_code == 200 and review.text in queue.content.decode()
    assert login(UserFactory()).get("/cms/reparatorer/vurderinger/").status_code in (302, 403)
    assert login(repairer.owners.get()).post(
        f"/cms/reparatorer/vurderinger/{review.pk}/", {"action": "hide", "reason": "x"}
    ).status_code in (302, 403)
    review.refresh_from_db()
    assert review.hidden_at is None
    response = login(moderator).post(
        f"/cms/reparatorer/vurderinger/{review.pk}/", {"action": "hide", "reason": "Falsk."}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.hidden_reason == "Falsk."
    page = login(moderator).get(f"/cms/reparatorer/vurderinger/{review.pk}/").content.decode()
    assert "hide_review" in page and "Falsk." in page
