import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.photos import PhotoBase
from core.search import SEARCH_CONFIG

LISTING_LIFETIME = timedelta(days=30)
# Retention (docs/decisions/0017): the photos of an expired or withdrawn listing are deleted this
# long after it ended (marketplace.privacy.listing_photos_purge_due; the privacy page says so).
LISTING_PHOTO_RETENTION = timedelta(days=90)
MAX_IMAGES = 8


class Listing(models.Model):
    """Something given away, offered in a swap or wanted. The exact point is private; every
    public use (pins, distances, radius, ordering) goes through `public_location`."""

    class Kind(models.TextChoices):
        GIVE = "give", _("Give away")
        SWAP = "swap", _("Swap")
        WANTED = "wanted", _("Wanted")

    class Condition(models.TextChoices):
        AS_NEW = "as_new", _("As new")
        GOOD = "good", _("Good")
        USED = "used", _("Used")
        NEEDS_REPAIR = "needs_repair", _("Needs repair")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RESERVED = "reserved", _("Reserved")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="listings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="listings"
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, blank=True)
    wants = models.CharField(
        _("wanted in return"),
        max_length=200,
        blank=True,
        help_text=_("For swaps: what you would like in return."),
    )
    pickup_notes = models.CharField(_("pickup notes"), max_length=300, blank=True)

    # Private: never leaves the server. Public: fuzzed once from it (places.geo.fuzz_point).
    location = models.PointField(_("exact location"), geography=True, srid=4326, spatial_index=False)
    public_location = models.PointField(_("public location"), geography=True, srid=4326)
    # Seed of the deterministic fuzzing: the same listing always gets the same public point.
    fuzz_seed = models.UUIDField(default=uuid.uuid4, editable=False)
    area = models.ForeignKey(
        "places.Place",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The named place nearest to the listing, shown instead of an address."),
    )

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    reserved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reserved_listings",
    )
    hidden_at = models.DateTimeField(_("hidden by a moderator at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("description", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [
            GinIndex(fields=["search_vector"], name="listing_search_gin"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="listing_title_trgm"),
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
            models.Index(fields=["expires_at"], condition=Q(status="active"), name="listing_active_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="reserved") | Q(reserved_for__isnull=False),
                name="listing_reserved_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.RESERVED) and self.hidden_at is None

    @property
    def public_lat(self) -> float:
        return self._public_coordinates()[0]

    @property
    def public_lon(self) -> float:
        return self._public_coordinates()[1]

    def _public_coordinates(self) -> tuple[float, float]:
        """(lat, lon) of the public point. Search results bring them with their row
        (`coordinates_read`) for the point as read, so they need not parse it; a point assigned
        since is read afresh."""
        read = self.__dict__.get("coordinates_read")
        if read is not None and read[0] is self.__dict__.get("public_location"):
            return read[1], read[2]
        return self.public_location.y, self.public_location.x

    @cached_property
    def cover(self):
        """The first photo, or None (search results set it from their own join)."""
        images = self.images.all()
        return images[0] if images else None


class ListingImage(PhotoBase):
    """One of a listing's photos (at most MAX_IMAGES); the first by position is the cover."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="images")

    class Meta(PhotoBase.Meta):
        verbose_name = _("listing photo")
        verbose_name_plural = _("listing photos")

    def __str__(self) -> str:
        return self.alt_text or self.listing.title


class Favourite(models.Model):
    """A listing the user saved ("lagre") to come back to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "listing"], name="favourite_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.listing_id}"


class HiddenListing(models.Model):
    """A listing the user does not want to see in results any more."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "listing"], name="hidden_listing_once")]

    def __str__(self) -> str:
        return f"{self.user_id} hides listing {self.listing_id}"


class HiddenOwner(models.Model):
    """A poster whose listings the user does not want to see in results any more."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "owner"], name="hidden_owner_once")]

    def __str__(self) -> str:
        return f"{self.user_id} hides owner {self.owner_id}"


class SavedSearch(models.Model):
    """A search the user wants to hear about: new matching listings are emailed at once or in a
    daily digest. `params` are the search's query parameters, run through the same FilterSet."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("At once")
        DAILY = "daily", _("Daily digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    params = models.JSONField(default=dict)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name


class SavedSearchHit(models.Model):
    """A listing found for a saved search: announced at most once (unique), `sent_at` when the
    email went out."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "listing"], name="saved_search_hit_once")
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.listing_id}"


class ListingReport(models.Model):
    """A signed-in user tells the moderators something is wrong with a listing, or one of the
    site's checks does (`automatic`, with no reporter): its code is stored, and its text is
    translated when the moderators read it."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        PROHIBITED = "prohibited", _("Not allowed to give away (weapons, medicines, animals …)")
        OFFENSIVE = "offensive", _("Offensive or discriminatory")
        FRAUD = "fraud", _("Looks like fraud")
        WRONG = "wrong", _("Wrong category or misleading")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Waiting")
        HIDDEN = "hidden", _("Listing hidden")
        DISMISSED = "dismissed", _("No action needed")

    class Automatic(models.TextChoices):
        NEW_ACCOUNT_LINK = "new_account_link", _("Automatic: a new account's listing contains a link.")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("what is wrong?"), max_length=1000, blank=True)
    automatic = models.CharField(_("automatic check"), max_length=30, choices=Automatic.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("listing report")
        verbose_name_plural = _("listing reports")
        indexes = [models.Index(fields=["outcome", "created_at"], name="report_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.listing}"


FEEDBACK_BLIND_PERIOD = timedelta(days=14)


class ExchangeFeedback(models.Model):
    """After a completed exchange each party rates the other. A rating is published when both
    have rated or after 14 days, so neither can answer the other's rating in kind."""

    class Rating(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_received"
    )
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    text = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("exchange feedback")
        verbose_name_plural = _("exchange feedback")
        constraints = [
            models.UniqueConstraint(fields=["listing", "author"], name="feedback_once_per_exchange")
        ]

    def __str__(self) -> str:
        return f"{self.rating} for {self.subject_id} ({self.listing_id})"
