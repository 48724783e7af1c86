from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class RepairerPhoto(models.Model):
    """A sanitized photo (core.images) and its renditions, named by content hash."""

    repairer = models.ForeignKey(Repairer, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(_("image description"), max_length=200, blank=True)
    original = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    renditions = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
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
