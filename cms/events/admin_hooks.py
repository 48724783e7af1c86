"""Wagtail admin: an event page's menus link to its registration list (the front-end page the
organiser also uses). Imported by CmsConfig.ready, so cms/wagtail_hooks.py stays free for the
rest of the content app."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from cms.events.models import EventPage
from cms.events.permissions import can_see_registrations


def _registrations_button(page, user, *, priority: int):
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page.specific
    if not isinstance(specific, EventPage) or not specific.takes_registrations or not specific.live:
        return
    if not can_see_registrations(user, specific):
        return
    url = specific.get_url()
    if url:
        yield Button(
            _("Registrations"),
            url=url + specific.reverse_subpage("registrations"),
            icon_name="group",
            priority=priority,
        )


@hooks.register("register_page_listing_more_buttons")
def event_registrations_listing_button(page, user, next_url=None):
    yield from _registrations_button(page, user, priority=45)


@hooks.register("register_page_header_buttons")
def event_registrations_header_button(page, user, view_name, next_url=None):
    yield from _registrations_button(page, user, priority=45)
