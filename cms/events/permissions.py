"""Who may see an event's registration list: the organiser's account named on the event, and
editors who may edit the event page in Wagtail. Used by the page route and its admin button."""

from cms.events.models import EventPage


def can_see_registrations(user, event: EventPage) -> bool:
    if not user.is_authenticated:
        return False
    if event.organiser_user_id is not None and event.organiser_user_id == user.pk:
        return True
    return event.permissions_for_user(user).can_edit()
