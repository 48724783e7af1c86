"""Events (repair cafés, bike-service days, swap markets, municipal events) as Wagtail pages,
registrations with capacity and a waitlist as plain rows, and the mobile reuse station's
schedule. Re-exported by cms/models.py. docs/decisions/0006-events.md says why pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.events.widgets import LatLonWidget

OSLO = ZoneInfo("Europe/Oslo")

POINT_HELP = _(
    "Latitude, longitude of the entrance, for example 59.9184, 10.5874. Empty: the centre of the place above."
)


class EventKind(models.TextChoices):
    REPAIR_CAFE = "repair_cafe", _("Repair café")
    BIKE_SERVICE = "bike_service", _("Bike service day")
    SWAP_MARKET = "swap_market", _("Swap market")
    MUNICIPAL = "municipal", _("Municipal event")


# Kinds where people bring something to be fixed: the sign-up asks what and what is wrong.
KINDS_WITH_ITEMS = {EventKind.REPAIR_CAFE, EventKind.BIKE_SERVICE}


def _location_from_place(obj) -> None:
    """A venue point given, or the gazetteer place's point; one of the two is required."""
    if obj.location is None:
        if obj.place_id is None:
            raise ValidationError({"place": _("Choose a place or give the venue's coordinates.")})
        obj.location = obj.place.point


class EventIndexPage(RoutablePageMixin, Page):
    """Upcoming and past events, filtered by kind; an iCalendar feed of what is coming."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    template = "cms/event_index_page.html"

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        from cms.events.views import event_index_context

        return {**super().get_context(request, *args, **kwargs), **event_index_context(request, self)}

    @path("")
    def index_route(self, request, *args, **kwargs):
        response = super().index_route(request, *args, **kwargs)
        response.status_code = response.context_data.get("status", 200)  # a bad filter: 400
        return response

    @path("ics/", name="ics")
    def ics(self, request):
        from cms.events.views import event_index_ics

        return event_index_ics(request, self)


class EventPage(RoutablePageMixin, Page):
    """One event. Registration (when it has a capacity) attaches to the page in the default
    language, so translations share one list of places."""

    # Places left change with every sign-up: never from the page cache.
    page_cache_seconds = 0

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    start = models.DateTimeField(_("starts"), help_text=_("Norwegian time."))
    end = models.DateTimeField(_("ends"))
    intro = models.TextField(_("summary"), max_length=300, help_text=_("One or two sentences for lists."))
    body = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=120)
    organiser_email = models.EmailField(_("organiser's email"), blank=True)
    organiser_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("This person may see the registration list on the site."),
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    venue = models.CharField(_("venue"), max_length=120, help_text=_("For example Bekkestua bibliotek."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(
        _("venue point"), geography=True, srid=4326, blank=True, help_text=POINT_HELP
    )
    repair_categories = ParentalManyToManyField(
        "catalog.Category",
        verbose_name=_("what can be repaired or swapped"),
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("How many can sign up. Empty: no registration, everyone is welcome."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("When")),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("place"),
                FieldPanel("location", widget=LatLonWidget),
            ],
            heading=_("Where"),
        ),
        FieldPanel("repair_categories", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("organiser_email"), FieldPanel("organiser_user")],
            heading=_("Organiser"),
        ),
        FieldPanel("capacity"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("venue"),
        index.SearchField("organiser"),
        index.FilterField("kind"),
        index.FilterField("start"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []
    template = "cms/event_page.html"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The event must end after it starts.")})
        _location_from_place(self)

    @property
    def asks_for_item(self) -> bool:
        return self.kind in KINDS_WITH_ITEMS

    @property
    def takes_registrations(self) -> bool:
        return self.capacity is not None

    def get_context(self, request, *args, **kwargs):
        from cms.events.views import event_page_context

        return {**super().get_context(request, *args, **kwargs), **event_page_context(request, self)}

    @path("ics/", name="ics")
    def ics(self, request):
        from cms.events.views import event_ics

        return event_ics(request, self)

    @path("pamelding/", name="register")
    def register(self, request):
        from cms.events.views import event_register

        return event_register(request, self)

    @path("avmelding/", name="cancel")
    def cancel(self, request):
        from cms.events.views import event_cancel

        return event_cancel(request, self)

    @path("pameldte/", name="registrations")
    def registrations_route(self, request):
        from cms.events.views import event_registrations

        return event_registrations(request, self)


class EventRegistration(models.Model):
    """One person's place (or place in the queue) at an event, with what they bring."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    item = models.CharField(_("what you bring"), max_length=120, blank=True)
    problem = models.TextField(_("what is wrong with it"), max_length=1000, blank=True)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved up from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~models.Q(status="cancelled"),
                name="cms_eventregistration_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="cms_eventreg_queue")]

    def __str__(self) -> str:
        return f"{self.user} – {self.event} ({self.status})"


class StationSchedulePage(RoutablePageMixin, Page):
    """Where the mobile reuse and recycling station stops, when, and what it takes."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("stops", heading=_("Stops"), label=_("Stop")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    template = "cms/station_schedule_page.html"

    class Meta:
        verbose_name = _("mobile station schedule")

    def get_context(self, request, *args, **kwargs):
        from cms.events.views import station_context

        return {**super().get_context(request, *args, **kwargs), **station_context(request, self)}

    @path("")
    def index_route(self, request, *args, **kwargs):
        response = super().index_route(request, *args, **kwargs)
        response.status_code = response.context_data.get("status", 200)  # a bad filter: 400
        return response

    @path("ics/", name="ics")
    def ics(self, request):
        from cms.events.views import station_ics

        return station_ics(request, self)


class StationStop(Orderable):
    page = ParentalKey(StationSchedulePage, on_delete=models.CASCADE, related_name="stops")
    date = models.DateField(_("date"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    venue = models.CharField(
        _("where exactly"), max_length=120, help_text=_("For example the car park at Bekkestua.")
    )
    location = models.PointField(_("point"), geography=True, srid=4326, blank=True, help_text=POINT_HELP)
    accepted = models.TextField(
        _("what is accepted"),
        max_length=600,
        help_text=_("For example small electrical items, textiles, books."),
    )

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("starts"), FieldPanel("ends")]),
        FieldPanel("venue"),
        FieldPanel("place"),
        FieldPanel("location", widget=LatLonWidget),
        FieldPanel("accepted"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("station stop")
        verbose_name_plural = _("station stops")
        ordering = ["date", "starts", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.starts:%H:%M}–{self.ends:%H:%M} {self.venue}"

    def clean(self):
        super().clean()
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The stop must end after it starts.")})
        _location_from_place(self)

    @property
    def start_at(self) -> datetime:
        """Aware start in Norwegian time (zoneinfo applies summer time for that date)."""
        return datetime.combine(self.date, self.starts, tzinfo=OSLO)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.date, self.ends, tzinfo=OSLO)


__all__ = [
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "EventRegistration",
    "StationSchedulePage",
    "StationStop",
]
