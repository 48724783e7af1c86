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


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyHoursBase(models.Model):
    """One weekly opening interval (places.opening_hours). Apps concretise it with a foreign
    key to what is open (`repairer`, `hub`), so SQL can ask "open now" with Exists
    subqueries (places.opening_hours.open_at_condition). `closes <= opens` closes the next day."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("Earlier than the opening time: the next day."))

    class Meta:
        abstract = True
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="%(app_label)s_%(class)s_weekday"
            ),
            models.CheckConstraint(
                condition=~models.Q(opens=models.F("closes")) | models.Q(opens="00:00"),
                name="%(app_label)s_%(class)s_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursExceptionBase(models.Model):
    """Dates with other hours than the weekly ones: closed (no times) or open only at the
    given times. Several rows covering a date add intervals; a closed one wins."""

    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("For example “Christmas”."))

    class Meta:
        abstract = True
        ordering = ["start_date", "opens"]
        verbose_name = _("special opening hours")
        verbose_name_plural = _("special opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(opens__isnull=True, closes__isnull=True)
                | models.Q(opens__isnull=False, closes__isnull=False),
                name="%(app_label)s_%(class)s_both_times_or_none",
            ),
        ]

    @property
    def closed(self) -> bool:
        return self.opens is None

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}"
