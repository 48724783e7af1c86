from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Privacy rights (docs/decisions/0017): how long the download link of an export works (its file
# is deleted after that), and how often one may ask for a new one.
DATA_EXPORT_LIFETIME = timedelta(days=7)
DATA_EXPORT_INTERVAL = timedelta(days=1)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person or business account; the email address is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    # Set when the person deleted their account: the row stays (conversations, past loans and
    # reviews point at it) but holds nothing about them any more (accounts.services.account_delete).
    erased_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        if self.erased_at is not None:
            return gettext("deleted user")
        profile = getattr(self, "profile", None)
        return (profile.display_name if profile else "") or self.email.split("@")[0]


class Role(models.TextChoices):
    """Roles are Django Groups with these names (see accounts.services.roles_ensure)."""

    RESIDENT = "resident", _("Resident")
    REPAIRER = "repairer", _("Repairer")
    HUB_STAFF = "hub_staff", _("Lending hub staff")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(
        _("display name"), max_length=60, help_text=_("Shown to others instead of your email address.")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    # Private: used as the default centre of searches and listings, never shown to anyone.
    home_place = models.ForeignKey(
        "places.Place",
        verbose_name=_("home area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used to show what is near you. Never shown to others."),
    )

    email_on_unread = models.BooleanField(
        _("email me about unread messages"),
        default=True,
        help_text=_("One email when a message has waited 10 minutes and you are not on the site."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name


class DataExport(models.Model):
    """A copy of everything Sirkel keeps about a person, built as a ZIP by a background task and
    stored in the private storage (never under MEDIA), downloadable by that person only until
    `expires_at`, when the retention job deletes the file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A name in the "private" storage chosen by us (user id and a random part), never by the user.
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["user", "requested_at"], name="data_export_user_requested")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.requested_at:%Y-%m-%d} ({self.status})"


class AuditEntry(models.Model):
    """Who did what to what, and when: every moderator and staff action (hiding a listing,
    suspending an account, reading a reported conversation …), whatever the app. Written by
    accounts.services.audit_record; shown read-only in the Wagtail admin."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept when the account is deleted, so the record still says who it was.
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(_("what"), max_length=200, blank=True)
    # The person the action concerns (a listing's owner, a suspended user), if any.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concerning"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
