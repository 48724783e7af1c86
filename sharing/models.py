"""Lending: hubs, lendable items with their identical units, and reservations of a unit for a
period. The database, not Python, guarantees that no unit is booked twice for overlapping time
(an exclusion constraint over the active reservations)."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from core.photos import PhotoBase
from core.search import SEARCH_CONFIG
from places.models import HoursExceptionBase, WeeklyHoursBase


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a period that includes its start and not its end, so a
    booking that ends at 12:00 and the next that starts at 12:00 do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Hub(models.Model):
    """A lending hub ("utlånssentral"): run by the municipality, a library, a club or volunteers.
    Its location is public (an organisation's premises, not a home)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=200)
    location = models.PointField(_("location"), geography=True, srid=4326)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    rules = models.TextField(_("rules"), blank=True, help_text=_("What borrowers agree to."))
    max_active_per_user = models.PositiveSmallIntegerField(
        _("active bookings per borrower"),
        default=3,
        help_text=_("How many pending, confirmed or borrowed bookings one person may hold at this hub."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="HubStaff", related_name="staffed_hubs", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lending hub")
        verbose_name_plural = _("lending hubs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HubStaff(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_memberships"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hub staff member")
        verbose_name_plural = _("hub staff members")
        constraints = [models.UniqueConstraint(fields=["hub", "user"], name="hubstaff_once_per_hub")]


class HubHours(WeeklyHoursBase):
    """The hub's weekly opening hours (the shared component in places): pickups and returns
    happen while it is open."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="weekly_hours")

    class Meta(WeeklyHoursBase.Meta):
        indexes = [models.Index(fields=["hub", "weekday"], name="hub_hours_day")]


class HubHoursException(HoursExceptionBase):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="hours_exceptions")

    class Meta(HoursExceptionBase.Meta):
        indexes = [models.Index(fields=["hub", "start_date", "end_date"], name="hub_hours_exception")]


class Item(models.Model):
    """Something to borrow. It belongs to a hub or to a resident ("personal"), never both. A hub
    may have several identical units of it; a booking takes any free unit."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        IN_REPAIR = "in_repair", _("In repair")
        RETIRED = "retired", _("Retired")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="items")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lent_items",
        help_text=_("For a resident's own item, instead of a hub."),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="lendable_items")
    max_loan_days = models.PositiveSmallIntegerField(_("longest loan (days)"), default=7)
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=0)
    deposit = models.CharField(
        _("deposit"), max_length=200, blank=True, help_text=_("Agreed at pickup; no payments in Sirkel.")
    )
    age_limit = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    required_proof = models.CharField(
        _("required proof"),
        max_length=200,
        blank=True,
        help_text=_("For example a wet card (våttkort) for kayaks: confirmed at booking, checked at pickup."),
    )
    accessories = models.JSONField(_("accessories"), default=list, blank=True)
    pledge = models.CharField(
        _("pledge"),
        max_length=300,
        blank=True,
        help_text=_("What the borrower promises in return, for example to pick up litter from the fjord."),
    )
    requires_approval = models.BooleanField(
        _("needs approval"), default=False, help_text=_("Personal items always need the owner's approval.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    # A hub's item is at the hub (public). A personal item's exact point is private and its
    # public point fuzzed once, as for listings (ARCHITECTURE.md).
    location = models.PointField(_("location"), geography=True, srid=4326)
    public_location = models.PointField(_("public location"), geography=True, srid=4326)
    fuzz_seed = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("description", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("lendable item")
        verbose_name_plural = _("lendable items")
        indexes = [
            GinIndex(fields=["search_vector"], name="item_search_gin"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="item_title_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hub__isnull=False, owner__isnull=True) | Q(hub__isnull=True, owner__isnull=False),
                name="item_hub_or_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.hub_id is None

    @property
    def needs_approval(self) -> bool:
        return self.is_personal or self.requires_approval


class Unit(models.Model):
    """One physical copy of an item ("Kajakk 3")."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        IN_REPAIR = "in_repair", _("In repair")
        RETIRED = "retired", _("Retired")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="units")
    label = models.CharField(_("label"), max_length=60)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.AVAILABLE)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["item", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "label"], name="unit_label_once_per_item")]

    def __str__(self) -> str:
        return self.label


class Reservation(models.Model):
    """A unit booked for [start, end). Pending (awaiting approval), confirmed and checked-out
    reservations hold their period; the exclusion constraint refuses any overlap among them."""

    class Status(models.TextChoices):
        HELD = "held", _("Held for you")
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_OUT = "checked_out", _("Borrowed")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")

    class Condition(models.TextChoices):
        OK = "ok", _("OK")
        WORN = "worn", _("Worn")
        DAMAGED = "damaged", _("Damaged")
        MISSING_PARTS = "missing_parts", _("Missing parts")

    # Held: offered to the first on the waitlist, kept for them until `hold_until`.
    ACTIVE = (Status.HELD, Status.PENDING, Status.CONFIRMED, Status.CHECKED_OUT)

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reservations")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reservations")
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    pledge_accepted = models.BooleanField(_("pledge accepted"), default=False)
    proof_confirmed = models.BooleanField(_("proof confirmed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)
    # Check-out: who handed out which unit when, with which accessories, proof seen.
    checked_out_at = models.DateTimeField(_("handed out"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accessories_out = models.JSONField(_("accessories handed out"), default=list, blank=True)
    proof_verified = models.BooleanField(_("proof checked"), default=False)
    # Check-in: condition report.
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_condition = models.CharField(
        _("condition on return"), max_length=16, choices=Condition.choices, blank=True
    )
    return_notes = models.TextField(_("notes on return"), blank=True)
    accessories_in = models.JSONField(_("accessories returned"), default=list, blank=True)
    # The pledge's outcome (e.g. litter picked from the fjord), for the impact statistics.
    pledge_bags = models.PositiveSmallIntegerField(_("bags of litter collected"), null=True, blank=True)
    pledge_kg = models.DecimalField(
        _("kg of litter collected"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(fields=["borrower", "status"], name="reservation_borrower_status"),
            # The active bookings meeting a period, whatever the unit: the item search's busy
            # set (sharing.selectors.item_search). The exclusion index leads with the unit.
            GistIndex(
                TsTzRange("start", "end", Value("[)")),
                name="reservation_active_period",
                condition=Q(status__in=["held", "pending", "confirmed", "checked_out"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="reservation_starts_before_end"),
            ExclusionConstraint(
                name="reservation_no_overlap",
                expressions=[
                    ("unit", RangeOperators.EQUAL),
                    (TsTzRange("start", "end", Value("[)")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["held", "pending", "confirmed", "checked_out"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.start:%Y-%m-%d}–{self.end:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status == self.Status.CHECKED_OUT and self.end < timezone.now()

    @property
    def returned_late(self) -> bool:
        return self.returned_at is not None and self.returned_at > self.end


class ItemPhoto(PhotoBase):
    """One of an item's photos (at most MAX_ITEM_PHOTOS); the first by position is the cover."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")

    class Meta(PhotoBase.Meta):
        verbose_name = _("item photo")
        verbose_name_plural = _("item photos")

    def __str__(self) -> str:
        return self.alt_text or self.item.title


class ReturnPhoto(PhotoBase):
    """A photo taken at check-in (the condition report): seen by the hub's staff or the owner."""

    reservation = models.ForeignKey("Reservation", on_delete=models.CASCADE, related_name="return_photos")

    class Meta(PhotoBase.Meta):
        verbose_name = _("photo on return")
        verbose_name_plural = _("photos on return")

    def __str__(self) -> str:
        return self.alt_text or str(self.reservation)


MAX_ITEM_PHOTOS = 8
MAX_RETURN_PHOTOS = 8


class WaitlistEntry(models.Model):
    """ "Tell me when it's free": someone who wants the item for a period in which no unit is
    free. When a booking is cancelled, the first in line whose period now fits is offered it: a
    held reservation they confirm before `hold_until`, else the next in line gets the offer."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        BOOKED = "booked", _("Booked")
        EXPIRED = "expired", _("Offer expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (Status.WAITING, Status.OFFERED)

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    # Staff may reorder the queue; lower goes first, then the earlier entry.
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    pledge_accepted = models.BooleanField(default=False)
    proof_confirmed = models.BooleanField(default=False)
    offer = models.OneToOneField(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["position", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="waitlist_starts_before_end"),
            models.UniqueConstraint(
                fields=["item", "user", "start", "end"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_once_per_period",
            ),
        ]
