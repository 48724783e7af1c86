"""Writes for event registration: sign up (a place or the waitlist), cancel (the first waiting
moves up and is emailed), reminders the day before. Capacity is enforced under a row lock on
the event, so concurrent sign-ups never overfill it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.events.models import OSLO, EventPage, EventRegistration
from core.errors import RefusedChange

Status = EventRegistration.Status

# Sign-ups and cancellations per person per hour: enough for any honest use.
RATE_LIMIT_ACTIONS = 20
RATE_LIMIT_WINDOW = 3600


class RegistrationError(RefusedChange):
    """A refused registration or cancellation (core.errors)."""


@dataclass(frozen=True)
class RegistrationData:
    item: str = ""
    problem: str = ""
    category_id: int | None = None


def event_source(event: EventPage) -> EventPage:
    """The page registrations belong to: the default-language version of the event."""
    if event.locale.language_code == Locale.get_default().language_code:
        return event
    source = event.get_translation_or_none(Locale.get_default())
    return source.specific if source is not None else event


def _rate_limit(user) -> None:
    key = f"events:actions:{user.pk}"
    cache.add(key, 0, timeout=RATE_LIMIT_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_LIMIT_WINDOW)
        count = 1
    if count > RATE_LIMIT_ACTIONS:
        raise RegistrationError(_("Too many sign-ups and cancellations. Try again in an hour."), status=429)


def _lock(event: EventPage) -> EventPage:
    # Only the event's own row: sign-ups queue behind each other, editors are not blocked.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def registration_create(
    *, event: EventPage, user, data: RegistrationData, now: datetime | None = None
) -> EventRegistration:
    """A place when one is free, otherwise the waitlist. Raises RegistrationError."""
    now = now or timezone.now()
    event = event_source(event)
    if not event.live:
        raise RegistrationError(_("This event is not published."), status=404)
    if not event.takes_registrations:
        raise RegistrationError(_("This event has no registration: just come."))
    if event.start <= now:
        raise RegistrationError(_("This event has already started; registration is closed."))
    if event.asks_for_item and not data.item.strip():
        raise RegistrationError(_("Tell us what you will bring."))
    _rate_limit(user)
    try:
        with transaction.atomic():
            event = _lock(event)
            if (
                EventRegistration.objects.filter(event=event, user=user)
                .exclude(status=Status.CANCELLED)
                .exists()
            ):
                raise RegistrationError(_("You are already signed up for this event."), status=409)
            confirmed = EventRegistration.objects.filter(event=event, status=Status.CONFIRMED).count()
            return EventRegistration.objects.create(
                event=event,
                user=user,
                status=Status.CONFIRMED if confirmed < event.capacity else Status.WAITLISTED,
                item=data.item.strip(),
                problem=data.problem.strip(),
                category_id=data.category_id,
            )
    except IntegrityError as error:
        if "cms_eventregistration_one_active_per_person" not in str(error):
            raise
        raise RegistrationError(_("You are already signed up for this event."), status=409) from None


def registration_cancel(*, event: EventPage, user, now: datetime | None = None) -> EventRegistration | None:
    """Cancel this person's registration; a freed place goes to the first on the waitlist,
    who is emailed once the change is committed. Returns the promoted registration."""
    now = now or timezone.now()
    event = event_source(event)
    _rate_limit(user)
    with transaction.atomic():
        event = _lock(event)
        mine = (
            EventRegistration.objects.select_for_update()
            .filter(event=event, user=user)
            .exclude(status=Status.CANCELLED)
            .first()
        )
        if mine is None:
            raise RegistrationError(_("You are not signed up for this event."), status=404)
        was_confirmed = mine.status == Status.CONFIRMED
        mine.status, mine.cancelled_at = Status.CANCELLED, now
        mine.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_waiting(event, now=now) if was_confirmed and event.end > now else []
    for registration in promoted:
        transaction.on_commit(lambda r=registration: _send(r, "cms/email/event_promoted"))
    return promoted[0] if promoted else None


def registrations_promote(*, event: EventPage, now: datetime | None = None) -> list[EventRegistration]:
    """Fill free places from the waitlist (after an editor raises the capacity)."""
    now = now or timezone.now()
    with transaction.atomic():
        promoted = _promote_waiting(_lock(event_source(event)), now=now)
    for registration in promoted:
        transaction.on_commit(lambda r=registration: _send(r, "cms/email/event_promoted"))
    return promoted


def _promote_waiting(event: EventPage, *, now: datetime) -> list[EventRegistration]:
    """With the event locked: move the first waiting people into free places, in order."""
    if event.capacity is None:
        return []
    free = event.capacity - EventRegistration.objects.filter(event=event, status=Status.CONFIRMED).count()
    if free <= 0:
        return []
    waiting = list(
        EventRegistration.objects.filter(event=event, status=Status.WAITLISTED)
        .select_related("user__profile")
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status, registration.promoted_at = Status.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
    return waiting


def _send(registration: EventRegistration, template: str) -> None:
    from accounts.notify import absolute_url, send_to_user, user_language

    event = registration.event
    locale = Locale.objects.filter(language_code=user_language(registration.user)).first()
    translated = event.get_translation_or_none(locale) if locale else None
    shown = (translated or event).specific  # the page in the person's language, when there is one
    send_to_user(
        user=registration.user,
        template=template,
        context={
            "registration": registration,
            "event": shown,
            "event_url": absolute_url(shown.get_url() or "/"),
        },
    )


def registrations_remind_due(*, now: datetime | None = None) -> int:
    """People with a place at an event that starts tomorrow (Norwegian date) get one reminder.
    Each is claimed before sending, so two workers never send the same one. Run hourly."""
    now = now or timezone.now()
    tomorrow = now.astimezone(OSLO).date() + timedelta(days=1)
    day_start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=OSLO)
    day_end = datetime.combine(tomorrow + timedelta(days=1), datetime.min.time(), tzinfo=OSLO)
    due = EventRegistration.objects.filter(
        status=Status.CONFIRMED,
        reminded_at__isnull=True,
        event__live=True,
        event__start__gte=day_start,
        event__start__lt=day_end,
    ).select_related("event", "user__profile")
    sent = 0
    for registration in due:
        if EventRegistration.objects.filter(
            pk=registration.pk, status=Status.CONFIRMED, reminded_at__isnull=True
        ).update(reminded_at=now):
            _send(registration, "cms/email/event_reminder")
            sent += 1
    return sent
