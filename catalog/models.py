from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """One node of the shared two-level taxonomy (marketplace, repair and sharing use it)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty for a main category."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nb

    def clean(self):
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own parent.")})
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("Only two levels: choose a main category as parent.")})
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": _("A category with subcategories must stay a main category.")}
                )


class ImpactEntry(models.Model):
    """One completed exchange, loan or repair: the ledger the impact counters add up (with the
    factors per category the CMS issue adds). Apps write here through catalog.services."""

    class Kind(models.TextChoices):
        REUSE = "reuse", _("Reused item")
        LOAN = "loan", _("Completed loan")
        REPAIR = "repair", _("Logged repair")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("date"))
    # The town or area of the thing (the gazetteer place nearest its public point), for the
    # dashboard's figures per town. Never the exact location.
    area = models.ForeignKey(
        "places.Place",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Loans only: how long it was out, and what the borrower's pledge brought in.
    loan_days = models.PositiveSmallIntegerField(_("days borrowed"), null=True, blank=True)
    pledge_bags = models.PositiveSmallIntegerField(_("bags of litter collected"), null=True, blank=True)
    pledge_kg = models.DecimalField(
        _("kg of litter collected"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    # Where it came from, e.g. ("marketplace.listing", 42): at most one entry per source.
    source = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("impact entry")
        verbose_name_plural = _("impact entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="impact_entry_once_per_source")
        ]
        indexes = [models.Index(fields=["kind", "category", "occurred_on"], name="impact_by_kind_category")]

    def __str__(self) -> str:
        return f"{self.kind} {self.category_id} {self.occurred_on}"


class ImpactFactor(models.Model):
    """What one reused item, one loan and one repair in a category avoid, in kg CO2e and kg of
    waste. Editors keep them (Wagtail snippet) with the source of every figure; the dashboard
    multiplies the ledger by them at read time, so a changed factor changes every figure. A
    category without a factor of its own uses its main category's."""

    category = models.OneToOneField(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="impact_factor"
    )
    reuse_kg_co2e = models.DecimalField(
        _("kg CO2e avoided per reused item"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    reuse_kg_waste = models.DecimalField(
        _("kg waste avoided per reused item"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    loan_kg_co2e = models.DecimalField(
        _("kg CO2e avoided per loan"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    loan_kg_waste = models.DecimalField(
        _("kg waste avoided per loan"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    repair_kg_co2e = models.DecimalField(
        _("kg CO2e avoided per repair"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    repair_kg_waste = models.DecimalField(
        _("kg waste avoided per repair"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.TextField(
        _("source"),
        help_text=_(
            "Where the figures come from: the publication or method, what figure was taken from it "
            "and how it was turned into these numbers. Shown on the public “how we count” page."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["category__sort_order"]
        verbose_name = _("impact factor")
        verbose_name_plural = _("impact factors")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    reuse_kg_co2e__gte=0,
                    reuse_kg_waste__gte=0,
                    loan_kg_co2e__gte=0,
                    loan_kg_waste__gte=0,
                    repair_kg_co2e__gte=0,
                    repair_kg_waste__gte=0,
                ),
                name="impact_factor_not_negative",
            ),
            models.CheckConstraint(condition=~models.Q(source=""), name="impact_factor_has_source"),
        ]

    def __str__(self) -> str:
        return str(self.category)

    def clean(self):
        if not (self.source or "").strip():
            raise ValidationError({"source": _("Say where the figures come from.")})
