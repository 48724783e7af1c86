"""Events: the person's part of their data export and of their account's deletion
(accounts.privacy)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.privacy import ExportPart, Notice, Provider
from cms.events.models import EventPage, EventRegistration


def export_user(user) -> ExportPart:
    registrations = EventRegistration.objects.filter(user=user).select_related("event", "category")
    return ExportPart(
        {
            "registrations": [
                {
                    "event": r.event.title,
                    "start": r.event.start,
                    "status": r.status,
                    "item": r.item,
                    "problem": r.problem,
                    "category": r.category.slug if r.category else None,
                    "created_at": r.created_at,
                    "cancelled_at": r.cancelled_at,
                }
                for r in registrations
            ],
            "events_you_organise": list(
                EventPage.objects.filter(organiser_user=user).values_list("title", flat=True)
            ),
        }
    )


def erase_user(user) -> None:
    """Registrations deleted; a place freed at a coming event goes to the first on its waitlist
    (who is emailed), as when someone cancels."""
    from cms.events.services import registrations_promote

    now = timezone.now()
    coming = list(
        EventPage.objects.filter(
            registrations__user=user,
            registrations__status=EventRegistration.Status.CONFIRMED,
            end__gt=now,
        ).distinct()
    )
    EventRegistration.objects.filter(user=user).delete()
    for event in coming:
        registrations_promote(event=event, now=now)
    EventPage.objects.filter(organiser_user=user).update(organiser_user=None)


def provider() -> Provider:
    return Provider(
        name="arrangementer",
        title=_("Events"),
        export=export_user,
        erase=erase_user,
        covers=("cms.EventRegistration.user", "cms.EventPage.organiser_user"),
        notices=(
            Notice(
                what=_("Your sign-ups for events, and what you bring to a repair café."),
                why=_("So the organiser knows who comes and can plan the help."),
                basis=_("Agreement (GDPR art. 6(1)(b))."),
                kept=_("Until you delete your account."),
            ),
        ),
    )
