from django.core.exceptions import ValidationError
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
