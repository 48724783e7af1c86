"""Thin handlers behind the event and station pages' routes (cms/events/models.py): parse,
authorise, call one service or selector, render."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.events import ical
from cms.events.forms import EventFilterForm, RegistrationForm, StopSearchForm
from cms.events.models import EventIndexPage, EventPage, StationSchedulePage
from cms.events.permissions import can_see_registrations
from cms.events.selectors import (
    events_for_index,
    events_upcoming,
    registration_summary,
    registrations_for_organiser,
    stop_next_near,
    stops_upcoming,
)
from cms.events.services import (
    RegistrationData,
    RegistrationError,
    event_source,
    registration_cancel,
    registration_create,
)

EVENTS_PER_PAGE = 20


def _map_config(centre=None) -> dict:
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre": [centre.y, centre.x] if centre else [59.9139, 10.5700],
        "radius_km": None,
    }


def _pin(*, point, title: str, kind: str, url: str) -> dict:
    return {"lat": round(point.y, 5), "lon": round(point.x, 5), "title": title, "kind": kind, "url": url}


def _subpage_url(page, name: str, request) -> str:
    return page.get_url(request) + page.reverse_subpage(name)


# --- the event index --------------------------------------------------------------------------


EVENT_LIST_SECONDS = 60  # an event moves from upcoming to past at most this late in the list


def event_index_context(request, index: EventIndexPage) -> dict:
    """The filter form, and the list as a fragment: the template's {% wagtailpagecache %} keeps it
    EVENT_LIST_SECONDS per page-tree generation (an event published, moved or unpublished),
    language, filter and page number, and asks for `event_list` only without a copy."""
    from cms.page_cache import generation

    form = EventFilterForm(request.GET)
    context = {"filter_form": form, "ics_url": _subpage_url(index, "ics", request)}
    if not form.is_valid():
        invalid = {"event_list": {"events": []}, "event_list_key": "invalid", "event_list_seconds": 0}
        return {**context, **invalid, "status": 400}
    kind, past = form.cleaned_data["kind"], form.cleaned_data["when"] == "past"
    number = request.GET.get("page", "")
    number = number if number.isdigit() and len(number) <= 5 else ""
    return {
        **context,
        "event_list": lambda: _event_list(request, index, kind=kind, past=past, number=number),
        "event_list_key": f"{generation()}:{kind}:{int(past)}:{number}",
        "event_list_seconds": EVENT_LIST_SECONDS,
        "past": past,
    }


def _event_list(request, index: EventIndexPage, *, kind: str, past: bool, number: str) -> dict:
    page = Paginator(events_for_index(index=index, kind=kind, past=past), EVENTS_PER_PAGE).get_page(number)
    events = list(page.object_list)
    pins = [
        _pin(point=e.location, title=e.title, kind=e.get_kind_display(), url=e.get_url(request))
        for e in events
        if not past
    ]
    return {
        "events": events,
        "page_obj": page,
        "query_without_page": urlencode(
            {k: v for k, v in {"kind": kind, "when": "past" if past else ""}.items() if v}
        ),
        "pins": pins,
        "map_config": _map_config(),
    }


def event_index_ics(request, index: EventIndexPage):
    body = ical.events_calendar(
        events_upcoming(index=index),
        name=index.title,
        url_for=lambda event: request.build_absolute_uri(event.get_url(request)),
    )
    return ical.ics_response(body, filename="sirkel-events.ics", attachment=False)


# --- one event ----------------------------------------------------------------------------------


def event_page_context(request, event: EventPage) -> dict:
    source = event_source(event)
    summary = registration_summary(event=event, user=request.user)
    return {
        "summary": summary,
        "registration_form": RegistrationForm(event=source) if source.takes_registrations else None,
        "is_past": event.end <= timezone.now(),
        "has_started": event.start <= timezone.now(),
        "can_see_registrations": can_see_registrations(request.user, source),
        "categories": list(source.repair_categories.all()),
        "register_url": _subpage_url(event, "register", request),
        "cancel_url": _subpage_url(event, "cancel", request),
        "ics_url": _subpage_url(event, "ics", request),
        "registrations_url": _subpage_url(event, "registrations", request),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': event.get_url(request)})}",
        "pins": [_pin(point=event.location, title=event.venue, kind=event.get_kind_display(), url="#where")],
        "map_config": _map_config(event.location),
    }


def _render_event(request, event: EventPage, *, status: int, **extra):
    context = {**event.get_context(request), **extra}
    return TemplateResponse(request, event.get_template(request), context, status=status)


def event_ics(request, event: EventPage):
    body = ical.events_calendar(
        [event], name=event.title, url_for=lambda e: request.build_absolute_uri(e.get_url(request))
    )
    return ical.ics_response(body, filename=f"{event.slug}.ics", attachment=True)


def event_register(request, event: EventPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': event.get_url(request)})}")
    source = event_source(event)
    form = RegistrationForm(request.POST, event=source)
    if not form.is_valid():
        return _render_event(request, event, status=400, registration_form=form)
    data = RegistrationData(
        item=form.cleaned_data.get("item", ""),
        problem=form.cleaned_data.get("problem", ""),
        category_id=form.cleaned_data.get("category"),
    )
    try:
        registration = registration_create(event=event, user=request.user, data=data)
    except RegistrationError as error:
        return _render_event(
            request, event, status=error.status, registration_form=form, registration_error=error.message
        )
    if registration.status == registration.Status.CONFIRMED:
        messages.success(request, _("You are signed up. Welcome!"))
    else:
        messages.info(
            request,
            _("The event is full, so you are on the waitlist. We will email you if a place becomes free."),
        )
    return redirect(event.get_url(request))


def event_cancel(request, event: EventPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': event.get_url(request)})}")
    try:
        registration_cancel(event=event, user=request.user)
    except RegistrationError as error:
        return _render_event(request, event, status=error.status, registration_error=error.message)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(event.get_url(request))


def event_registrations(request, event: EventPage):
    """The organiser's list: who comes, what they bring, who waits."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
    source = event_source(event)
    if not can_see_registrations(request.user, source):
        raise PermissionDenied
    registrations = list(registrations_for_organiser(event=source))
    context = {
        "page": event,
        "registrations": registrations,
        "confirmed": [r for r in registrations if r.status == r.Status.CONFIRMED],
        "waiting": [r for r in registrations if r.status == r.Status.WAITLISTED],
    }
    response = TemplateResponse(request, "cms/event_registrations.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the mobile station -----------------------------------------------------------------------


def station_context(request, page: StationSchedulePage) -> dict:
    params = request.GET.copy()
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    home = profile.home_place if profile else None
    from_home = home is not None and not params.get("near") and not params.get("place")
    if from_home:
        params["place"] = home.name  # the home area's public centre, never an address
    form = StopSearchForm(params)
    stops = stops_upcoming(page=page)
    context = {
        "search_form": form,
        "stops": stops,
        "from_home": from_home,
        "ics_url": _subpage_url(page, "ics", request),
        "pins": [
            _pin(
                point=s.location,
                title=s.venue,
                kind=f"{s.date:%d.%m.} {s.starts:%H:%M}–{s.ends:%H:%M}",
                url=f"#stop-{s.pk}",
            )
            for s in stops
        ],
        "map_config": _map_config(),
    }
    if not form.is_valid():
        return {**context, "status": 404 if form.not_found else 400}
    geo = form.cleaned_data["geo"]
    if geo is not None:
        context["near"] = stop_next_near(page=page, geo=geo)
        context["geo"] = geo
    return context


def station_ics(request, page: StationSchedulePage):
    body = ical.stops_calendar(
        stops_upcoming(page=page),
        name=page.title,
        summary=page.title,
        url=request.build_absolute_uri(page.get_url(request)),
    )
    return ical.ics_response(body, filename="sirkel-mobile-station.ics", attachment=False)
