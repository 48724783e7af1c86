from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from places.text import fold


class Place(models.Model):
    """A named place in Bærum that people search by ("Sandvika", "Bærums Verk")."""

    class Kind(models.TextChoices):
        TOWN_CENTRE = "town_centre", _("Town centre")
        AREA = "area", _("Area")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AREA)
    point = models.PointField(_("point"), geography=True, srid=4326)
    # Case- and accent-folded name ("barums verk"), kept in step with `name` by the services.
    search_key = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived column: a pure function of `name`, so it is kept here and not in a service.
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def lat(self) -> float:
        return self.point.y

    @property
    def lon(self) -> float:
        return self.point.x
