from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.photos import PhotoBase
from core.search import SEARCH_CONFIG
from places.models import HoursExceptionBase, WeeklyHoursBase
from repair.validators import validate_org_number

MAX_PHOTOS = 8
MAX_SERVICES = 30

LANGUAGE_CHOICES = [
    ("nb", pgettext_lazy("language spoken", "Norwegian")),
    ("en", pgettext_lazy("language spoken", "English")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("pl", _("Polish")),
    ("lt", _("Lithuanian")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("fa", _("Persian")),
    ("ur", _("Urdu")),
    ("tr", _("Turkish")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("fr", _("French")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("zh", _("Chinese")),
]


class Repairer(models.Model):
    """A repair business's profile, kept by its owners. Businesses are public: the location is
    the trading address itself, not fuzzed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for approval")
        PUBLISHED = "published", _("Published")
        SUSPENDED = "suspended", _("Suspended")

    class Access(models.TextChoices):
        UNKNOWN = "", _("Not stated")
        STEP_FREE = "step_free", _("Step-free entrance")
        ASSISTED = "assisted", _("Accessible with help (ramp or bell)")
        NOT_ACCESSIBLE = "not_accessible", _("Not accessible for wheelchairs")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    short_description = models.CharField(
        _("short description"), max_length=200, help_text=_("One sentence shown in search results.")
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("what they repair"), related_name="repairers"
    )

    address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(
        _("postal code"),
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("A postal code has four digits."))],
    )
    postal_town = models.CharField(_("postal town"), max_length=60)
    location = models.PointField(_("location"), geography=True, srid=4326)
    area = models.ForeignKey(
        "places.Place",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=5, choices=LANGUAGE_CHOICES),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    access = models.CharField(
        _("accessibility of the premises"), max_length=20, choices=Access.choices, blank=True
    )
    access_note = models.CharField(_("more about accessibility"), max_length=300, blank=True)
    house_calls = models.BooleanField(_("makes house calls"), default=False)
    pickup = models.BooleanField(_("picks up and delivers"), default=False)
    org_number = models.CharField(
        _("organisation number"), max_length=9, blank=True, validators=[validate_org_number]
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty on repairs (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("How long you guarantee a repair. Empty if you give no warranty."),
    )

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.CharField(
        _("reason"), max_length=500, blank=True, help_text=_("Why it was sent back or suspended.")
    )
    verified = models.BooleanField(_("verified by the municipality"), default=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("owners"), related_name="repairers"
    )
    # Kept by repair.services from the reviews (under a row lock), so the directory shows and
    # orders by them without aggregating.
    rating_avg = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_count = models.PositiveIntegerField(_("number of reviews"), default=0, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("short_description", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("repairer")
        verbose_name_plural = _("repairers")
        indexes = [
            GinIndex(fields=["search_vector"], name="repairer_search_gin"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="repairer_name_trgm"),
            models.Index(fields=["status", "name"], name="repairer_status_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def lat(self) -> float:
        return self.location.y

    @property
    def lon(self) -> float:
        return self.location.x

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postal_code} {self.postal_town}"

    def get_languages_display(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names[code]) for code in self.languages if code in names]


class Service(models.Model):
    """What they offer, in their own words, with an indicative price ("Lapping av slange, fra
    150 kr")."""

    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("service"), max_length=120)
    price_from = models.PositiveIntegerField(_("price from (NOK)"), null=True, blank=True)
    price_note = models.CharField(
        _("about the price"),
        max_length=80,
        blank=True,
        help_text=_("For example “per hour” or “plus parts”."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class RepairerPhoto(PhotoBase):
    """One of a repairer profile's photos (at most MAX_PHOTOS)."""

    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="photos")

    class Meta(PhotoBase.Meta):
        verbose_name = _("repairer photo")
        verbose_name_plural = _("repairer photos")

    def __str__(self) -> str:
        return self.alt_text or self.repairer.name


class RepairerHours(WeeklyHoursBase):
    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="weekly_hours")

    class Meta(WeeklyHoursBase.Meta):
        indexes = [models.Index(fields=["repairer", "weekday"], name="repairer_hours_day")]


class RepairerHoursException(HoursExceptionBase):
    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="hours_exceptions")

    class Meta(HoursExceptionBase.Meta):
        indexes = [
            models.Index(fields=["repairer", "start_date", "end_date"], name="repairer_hours_exception")
        ]


class Review(models.Model):
    """A resident's rating (1–5) and text about a repairer: one per person and repairer, which
    they can change. The business may answer once, publicly."""

    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="repair_reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=[(n, str(n)) for n in range(1, 6)])
    text = models.TextField(_("your experience"), max_length=2000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    answer = models.TextField(_("answer from the business"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Hidden by a moderator after a report: shown to no one and not counted in the average.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["repairer", "author"], name="review_once_per_repairer"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.repairer_id} by {self.author_id}"

    @property
    def was_edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() > 60


class ReviewReport(models.Model):
    """A signed-in user tells the moderators that a review breaks the rules."""

    class Reason(models.TextChoices):
        FAKE = "fake", _("Not a real customer's experience")
        OFFENSIVE = "offensive", _("Offensive or discriminatory")
        PERSONAL = "personal", _("Reveals personal information")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Waiting")
        HIDDEN = "hidden", _("Review hidden")
        DISMISSED = "dismissed", _("No action needed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("what is wrong?"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        indexes = [models.Index(fields=["outcome", "created_at"], name="review_report_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.review_id}"


class QuoteRequest(models.Model):
    """ "Be om pristilbud": a resident describes a problem to a business; it opens (or reopens)
    the chat conversation with them, where the request is the first message."""

    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="quote_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="repair_quote_requests"
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("what is it?"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("what is the problem?"), max_length=2000)
    conversation = models.ForeignKey(
        "chat.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quote request")
        verbose_name_plural = _("quote requests")
        indexes = [models.Index(fields=["requester", "created_at"], name="quote_request_rate")]

    def __str__(self) -> str:
        return f"{self.repairer_id}: {self.text[:40]}"


class QuoteRequestPhoto(PhotoBase):
    """A photo of the broken thing, shown only to the two parties."""

    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="photos")

    class Meta(PhotoBase.Meta):
        verbose_name = _("quote request photo")
        verbose_name_plural = _("quote request photos")

    def __str__(self) -> str:
        return f"{self.quote_id}/{self.position}"


class RepairLog(models.Model):
    """One repair attempt someone logged (a resident, a business for its profile or a repair
    café). Each one is a "repair" entry in the impact ledger and a row of the open data export
    (Open Repair Data Standard); who logged it is never exported."""

    class LoggedAs(models.TextChoices):
        RESIDENT = "resident", _("I repaired it, or had it repaired")
        BUSINESS = "business", _("Our business repaired it")
        REPAIR_CAFE = "repair_cafe", _("At a repair café or repair event")

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        REPAIRABLE = "repairable", _("Repairable (needs more work or parts)")
        END_OF_LIFE = "end_of_life", _("End of life (not worth or possible to repair)")

    class Barrier(models.TextChoices):
        # The ORDS repair barrier list, in its order.
        NO_PARTS = "parts_not_available", _("Spare parts not available")
        PARTS_EXPENSIVE = "parts_too_expensive", _("Spare parts too expensive")
        CANNOT_OPEN = "cannot_open", _("No way to open the product")
        NO_INFORMATION = "no_information", _("Repair information not available")
        NO_EQUIPMENT = "no_equipment", _("Lack of equipment")
        WORN_OUT = "worn_out", _("Product too worn out")

    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="repair_logs"
    )
    logged_as = models.CharField(_("who repaired it"), max_length=12, choices=LoggedAs.choices)
    repairer = models.ForeignKey(
        Repairer,
        verbose_name=_("business"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_logs",
    )
    event_name = models.CharField(
        _("repair café or event"),
        max_length=120,
        blank=True,
        help_text=_("For example “Reparasjonskafé Bekkestua”."),
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.CharField(_("what was it?"), max_length=100, help_text=_("For example “coffee maker”."))
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    model_name = models.CharField(_("model"), max_length=60, blank=True)
    year_of_manufacture = models.PositiveSmallIntegerField(_("year made (about)"), null=True, blank=True)
    problem = models.TextField(_("what was wrong?"), max_length=1000)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    barrier = models.CharField(
        _("why it could not be repaired"), max_length=24, choices=Barrier.choices, blank=True
    )
    repaired_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-repaired_on", "-pk"]
        verbose_name = _("logged repair")
        verbose_name_plural = _("logged repairs")
        indexes = [models.Index(fields=["logged_by", "created_at"], name="repair_log_rate")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(barrier="") | models.Q(outcome="end_of_life"),
                name="repair_log_barrier_eol",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.get_outcome_display()})"


class OwnershipClaim(models.Model):
    """A business asks to take over a profile nobody owns yet (one the municipality seeded);
    an editor approves or refuses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="repair_claims"
    )
    message = models.TextField(
        _("how can we see that the business is yours?"),
        max_length=1000,
        help_text=_("For example your role in the business, or an email address at its domain."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ownership claim")
        verbose_name_plural = _("ownership claims")
        constraints = [
            models.UniqueConstraint(
                fields=["repairer", "claimant"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_claimant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claimant_id} → {self.repairer_id} ({self.status})"
