"""Registration with capacity: a place or the waitlist, cancellation promotes the first
waiting person (emailed), reminders the day before, and concurrent sign-ups on the real
database never overfill an event."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from cms.events.models import EventRegistration
from cms.events.services import (
    RATE_LIMIT_ACTIONS,
    RegistrationData,
    RegistrationError,
    registration_cancel,
    registration_create,
    registrations_promote,
    registrations_remind_due,
)
from tests.factories import UserFactory
from tests.factories.events import days_ahead, make_event, make_event_index, oslo

Status = EventRegistration.Status
TOASTER = RegistrationData(item="Brødrister", problem="Blir ikke varm")


@pytest.fixture
def index(site):
    return make_event_index(site)


def _register(event, user=None, data=TOASTER):
    return registration_create(event=event, user=user or UserFactory(), data=data)


def test_sign_ups_take_places_then_join_the_waitlist_in_order(index):
    event = make_event(index, capacity=2)
    first, second, third, fourth = (_register(event) for _ in range(4))
    assert [r.status for r in (first, second)] == [Status.CONFIRMED, Status.CONFIRMED]
    assert [r.status for r in (third, fourth)] == [Status.WAITLISTED, Status.WAITLISTED]
    assert first.item == "Brødrister" and first.problem == "Blir ikke varm"


def test_one_active_registration_per_person(index):
    event = make_event(index, capacity=5)
    user = UserFactory()
    _register(event, user)
    with pytest.raises(RegistrationError) as error:
        _register(event, user)
    assert error.value.status == 409
    assert EventRegistration.objects.filter(event=event, user=user).count() == 1


def test_a_repair_cafe_sign_up_must_say_what_is_brought(index):
    event = make_event(index)
    with translation.override("en"), pytest.raises(RegistrationError, match="what you will bring"):
        _register(event, data=RegistrationData(item="  "))


def test_a_swap_market_sign_up_needs_no_item(index):
    event = make_event(index, kind="swap_market", title="Byttemarked")
    assert _register(event, data=RegistrationData()).status == Status.CONFIRMED


def test_sign_up_is_refused_once_the_event_has_started(index):
    event = make_event(index, start=timezone.now() - timedelta(minutes=5))
    with pytest.raises(RegistrationError):
        _register(event)


def test_sign_up_is_refused_for_an_event_without_registration(index):
    event = make_event(index, capacity=None)
    with pytest.raises(RegistrationError):
        _register(event)


def test_sign_up_is_refused_for_an_unpublished_event(index):
    event = make_event(index, live=False)
    with pytest.raises(RegistrationError) as error:
        _register(event)
    assert error.value.status == 404


def test_cancelling_a_place_promotes_the_first_waiting_and_emails_them(
    index, django_capture_on_commit_callbacks
):
    event = make_event(index, capacity=1, title="Reparasjonskafé i Sandvika")
    holder = _register(event, UserFactory(profile__display_name="Kari"))
    first_waiting = UserFactory(profile__display_name="Per")
    second_waiting = UserFactory()
    _register(event, first_waiting)
    _register(event, second_waiting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(event=event, user=holder.user)
    assert promoted.user == first_waiting
    statuses = dict(EventRegistration.objects.filter(event=event).values_list("user_id", "status"))
    assert statuses == {
        holder.user_id: Status.CANCELLED,
        first_waiting.pk: Status.CONFIRMED,
        second_waiting.pk: Status.WAITLISTED,
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [first_waiting.email]
    assert "Reparasjonskafé i Sandvika" in mail.outbox[0].subject
    assert "/arrangementer/" in mail.outbox[0].body


def test_leaving_the_waitlist_promotes_nobody(index, django_capture_on_commit_callbacks):
    event = make_event(index, capacity=1)
    _register(event)
    waiting = _register(event)
    behind = _register(event)
    with django_capture_on_commit_callbacks(execute=True):
        assert registration_cancel(event=event, user=waiting.user) is None
    behind.refresh_from_db()
    assert behind.status == Status.WAITLISTED
    assert mail.outbox == []


def test_cancelling_without_a_registration_is_a_404(index):
    event = make_event(index)
    with pytest.raises(RegistrationError) as error:
        registration_cancel(event=event, user=UserFactory())
    assert error.value.status == 404


def test_a_person_can_sign_up_again_after_cancelling(index):
    event = make_event(index, capacity=3)
    user = UserFactory()
    _register(event, user)
    registration_cancel(event=event, user=user)
    assert _register(event, user).status == Status.CONFIRMED


def test_raising_the_capacity_promotes_waiting_people(index, django_capture_on_commit_callbacks):
    event = make_event(index, capacity=1)
    _register(event)
    waiting = [_register(event) for _ in range(3)]
    event.capacity = 3
    event.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registrations_promote(event=event)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert len(mail.outbox) == 2


def test_registrations_on_a_translation_share_the_source_events_places(index):
    from wagtail.models import Locale

    event = make_event(index, capacity=1)
    index_en = index.copy_for_translation(Locale.objects.get(language_code="en"))
    index_en.save_revision().publish()
    event_en = event.copy_for_translation(Locale.objects.get(language_code="en"))
    event_en.save_revision().publish()
    _register(event)
    assert _register(event_en).status == Status.WAITLISTED
    assert EventRegistration.objects.filter(event=event).count() == 2


def test_sign_ups_are_rate_limited(index):
    user = UserFactory()
    events = [make_event(index, capacity=50, title=f"Kafé {n}") for n in range(RATE_LIMIT_ACTIONS + 1)]
    for event in events[:RATE_LIMIT_ACTIONS]:
        _register(event, user)
    with pytest.raises(RegistrationError) as error:
        _register(events[-1], user)
    assert error.value.status == 429


# --- reminders -------------------------------------------------------------------------------


def test_reminders_go_the_day_before_once_to_people_with_a_place(index):
    tomorrow = make_event(index, capacity=1, start=oslo(days_ahead(1), 18), title="I morgen")
    later = make_event(index, capacity=5, start=oslo(days_ahead(3), 18), title="Senere")
    coming = _register(tomorrow)
    _register(tomorrow)  # waitlisted: no reminder
    _register(later)
    mail.outbox.clear()
    assert registrations_remind_due() == 1
    assert mail.outbox[0].to == [coming.user.email]
    assert "I morgen" in mail.outbox[0].subject
    assert registrations_remind_due() == 0  # claimed: never twice


def test_reminder_day_follows_norwegian_dates_across_the_dst_change(index):
    # Sunday 31 October 2027 the clocks go back; an event at 00:30 on Monday, Oslo time, is
    # Sunday 23:30 UTC. "Tomorrow" is judged in Oslo: the reminder goes on Sunday, not Saturday.
    from datetime import date

    event = make_event(index, start=oslo(date(2027, 11, 1), 0, 30), title="Nattkafé")
    registration_create(event=event, user=UserFactory(), data=TOASTER, now=oslo(date(2027, 10, 1), 12))
    mail.outbox.clear()
    assert registrations_remind_due(now=oslo(date(2027, 10, 30), 23, 30)) == 0
    assert registrations_remind_due(now=oslo(date(2027, 10, 31), 9)) == 1


def test_the_reminder_task_is_registered_to_run_hourly():
    from core.periodic import registered

    entry = registered()["cms.events.tasks.event_reminders_send"]
    assert entry.every == timedelta(hours=1)


# --- concurrency on the real database -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_capacity():
    from cms.services import site_ensure

    home = site_ensure()
    event = make_event(make_event_index(home), capacity=3)
    users = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    errors = []

    def sign_up(user):
        try:
            barrier.wait()
            registration_create(event=event, user=user, data=TOASTER)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = EventRegistration.objects.filter(event=event)
    assert rows.filter(status=Status.CONFIRMED).count() == 3
    assert rows.filter(status=Status.WAITLISTED).count() == 9
