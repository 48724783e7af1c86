"""Every write to repairer profiles. Keyword-only arguments; side effects on commit."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, Role
from accounts.notify import absolute_url, reverse_in, send_to_user
from accounts.services import audit_record, user_add_role
from catalog.models import Category
from catalog.services import impact_record
from core.errors import RefusedChange
from core.images import (
    ImageRejected,
    SanitizedImage,
    delete_files_on_commit,
    sanitize_upload,
)
from core.photos import files_removed_on_failure, photo_add, photo_delete, photo_store
from core.reports import REPORTS_PER_DAY, report_limit_reached
from places.opening_hours import Interval
from places.selectors import place_nearest
from repair.models import (
    MAX_PHOTOS,
    MAX_SERVICES,
    OwnershipClaim,
    QuoteRequest,
    QuoteRequestPhoto,
    Repairer,
    RepairerHours,
    RepairerPhoto,
    RepairLog,
    Review,
    ReviewReport,
    Service,
)
from repair.validators import normalise_org_number

# What owners (and editors) edit; status, badge and owners change through their own services.
EDITABLE_FIELDS = (
    "name",
    "short_description",
    "description",
    "address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
    "website",
    "languages",
    "access",
    "access_note",
    "house_calls",
    "pickup",
    "org_number",
    "warranty_months",
)
MAX_DRAFTS_PER_OWNER = 5
# Paths of the dashboard under /reparasjon/ that a profile slug must not take.
RESERVED_SLUGS = {"mine", "kart", "data", "logg", "pristilbud", "invitasjon"}


class RepairerError(RefusedChange):
    """A refused change, with a message for the user; `status` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None):
        super().__init__(message, status=status)
        self.field = field


@dataclass(frozen=True)
class RepairerData:
    name: str
    short_description: str
    address: str
    postal_code: str
    postal_town: str
    location: Point
    categories: Sequence[Category]
    description: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    languages: Sequence[str] = field(default_factory=list)
    access: str = ""
    access_note: str = ""
    house_calls: bool = False
    pickup: bool = False
    org_number: str = ""
    warranty_months: int | None = None


@dataclass(frozen=True)
class ServiceData:
    name: str
    price_from: int | None = None
    price_note: str = ""


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a"))[:120] or "verksted"
    if base in RESERVED_SLUGS:
        base = f"{base}-verksted"
    slug, n = base, 1
    taken = Repairer.objects.exclude(pk=exclude_pk) if exclude_pk else Repairer.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate(repairer: Repairer) -> None:
    """Model validation (lengths, postal code, the organisation number's check digit) as a
    RepairerError naming the first bad field."""
    repairer.org_number = normalise_org_number(repairer.org_number)
    try:
        repairer.full_clean(exclude=["slug", "location", "search_vector"])
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise RepairerError(messages[0], field=field_name) from None


def _set_location(repairer: Repairer, point: Point) -> None:
    repairer.location = point
    repairer.area = place_nearest(point)


@transaction.atomic
def repairer_create(*, owner, data: RepairerData) -> Repairer:
    """A new profile as a draft, owned by `owner`, who gets the repairer role. With `owner`
    None (the municipality seeding its directory) the profile waits for its business to claim
    it (claim_create)."""
    if not data.categories:
        raise RepairerError(_("Choose at least one thing you repair."), field="categories")
    drafts = Repairer.objects.filter(owners=owner, status=Repairer.Status.DRAFT).count() if owner else 0
    if drafts >= MAX_DRAFTS_PER_OWNER:
        raise RepairerError(
            _("You have %(n)s unfinished drafts: finish or delete one first.") % {"n": drafts}, status=429
        )
    repairer = Repairer(**{f: getattr(data, f) for f in EDITABLE_FIELDS})
    repairer.languages = list(data.languages)
    _set_location(repairer, data.location)
    _validate(repairer)
    repairer.slug = _unique_slug(repairer.name)
    repairer.save()
    repairer.categories.set(data.categories)
    if owner is not None:
        repairer.owners.add(owner)
        user_add_role(user=owner, role=Role.REPAIRER)
    return repairer


@transaction.atomic
def repairer_update(*, repairer: Repairer, changes: dict) -> Repairer:
    """Apply a partial update: fields of EDITABLE_FIELDS, `location` and `categories`."""
    for name in EDITABLE_FIELDS:
        if name in changes:
            setattr(repairer, name, list(changes[name]) if name == "languages" else changes[name])
    if "location" in changes:
        _set_location(repairer, changes["location"])
    if "categories" in changes and not changes["categories"]:
        raise RepairerError(_("Choose at least one thing you repair."), field="categories")
    _validate(repairer)
    repairer.save()
    if "categories" in changes:
        repairer.categories.set(changes["categories"])
    return repairer


def repairer_submit(*, repairer: Repairer) -> Repairer:
    """The owner asks for publication: a draft goes to the editors' queue."""
    if repairer.status != Repairer.Status.DRAFT:
        raise RepairerError(_("Only a draft can be sent for approval."), status=409)
    repairer.status = Repairer.Status.PENDING
    repairer.submitted_at = timezone.now()
    repairer.status_reason = ""
    repairer.save(update_fields=["status", "submitted_at", "status_reason", "updated_at"])
    return repairer


def _tell_owners(repairer: Repairer, template: str) -> None:
    owners = list(repairer.owners.select_related("profile"))

    def send():
        for owner in owners:
            send_to_user(
                user=owner,
                template=template,
                context={
                    "repairer": repairer,
                    "url": absolute_url(reverse_in(owner, "repair:dashboard_edit", repairer.pk)),
                },
            )

    transaction.on_commit(send)


@transaction.atomic
def repairer_approve(*, editor, repairer: Repairer) -> Repairer:
    if repairer.status != Repairer.Status.PENDING:
        raise RepairerError(_("Only a profile waiting for approval can be approved."), status=409)
    repairer.status = Repairer.Status.PUBLISHED
    repairer.published_at = repairer.published_at or timezone.now()
    repairer.status_reason = ""
    repairer.save(update_fields=["status", "published_at", "status_reason", "updated_at"])
    audit(editor, "approve", repairer=repairer)
    _tell_owners(repairer, "repair/email/approved")
    return repairer


@transaction.atomic
def repairer_reject(*, editor, repairer: Repairer, reason: str) -> Repairer:
    """Send a pending profile back to its owners as a draft, saying why."""
    if repairer.status != Repairer.Status.PENDING:
        raise RepairerError(_("Only a profile waiting for approval can be sent back."), status=409)
    if not reason.strip():
        raise RepairerError(_("Say what needs to change: the owners will be told."), field="reason")
    repairer.status = Repairer.Status.DRAFT
    repairer.status_reason = reason.strip()[:500]
    repairer.save(update_fields=["status", "status_reason", "updated_at"])
    audit(editor, "reject", repairer=repairer, note=reason)
    _tell_owners(repairer, "repair/email/rejected")
    return repairer


@transaction.atomic
def repairer_suspend(*, editor, repairer: Repairer, reason: str) -> Repairer:
    if not reason.strip():
        raise RepairerError(_("Say why the profile is suspended: the owners will be told."), field="reason")
    repairer.status = Repairer.Status.SUSPENDED
    repairer.status_reason = reason.strip()[:500]
    repairer.save(update_fields=["status", "status_reason", "updated_at"])
    audit(editor, "suspend", repairer=repairer, note=reason)
    _tell_owners(repairer, "repair/email/suspended")
    return repairer


def repairer_reinstate(*, editor, repairer: Repairer) -> Repairer:
    if repairer.status != Repairer.Status.SUSPENDED:
        raise RepairerError(_("Only a suspended profile can be reinstated."), status=409)
    repairer.status = Repairer.Status.PUBLISHED if repairer.published_at else Repairer.Status.DRAFT
    repairer.status_reason = ""
    repairer.save(update_fields=["status", "status_reason", "updated_at"])
    audit(editor, "reinstate", repairer=repairer)
    return repairer


def repairer_set_verified(*, editor, repairer: Repairer, verified: bool) -> Repairer:
    """The "verified by the municipality" badge. Callers check `can_set_verified` first; this
    refuses anyone else too, so no path can set it by accident."""
    from repair.permissions import can_set_verified

    if not can_set_verified(editor):
        raise RepairerError(_("Only the municipality's editors can verify a repairer."), status=403)
    repairer.verified = verified
    repairer.verified_at = timezone.now() if verified else None
    repairer.verified_by = editor if verified else None
    repairer.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
    return repairer


def repairer_owner_add(*, repairer: Repairer, user) -> None:
    repairer.owners.add(user)
    user_add_role(user=user, role=Role.REPAIRER)


def repairer_owner_remove(*, repairer: Repairer, user) -> None:
    if repairer.owners.count() <= 1:
        raise RepairerError(_("A profile needs at least one owner."), status=409)
    repairer.owners.remove(user)


@transaction.atomic
def repairer_delete_draft(*, repairer: Repairer) -> None:
    if repairer.status != Repairer.Status.DRAFT or repairer.published_at is not None:
        raise RepairerError(_("Only a draft that was never published can be deleted."), status=409)
    files = [name for photo in repairer.photos.all() for name in photo.stored_files()]
    repairer.delete()
    delete_files_on_commit(files)


# --- Services (what they offer) and opening hours -----------------------------------------------


@transaction.atomic
def repairer_services_set(*, repairer: Repairer, services: Iterable[ServiceData]) -> list[Service]:
    """Replace the list of services, in the given order."""
    services = [s for s in services if s.name.strip()]
    if len(services) > MAX_SERVICES:
        raise RepairerError(_("At most %(n)s services.") % {"n": MAX_SERVICES}, field="services")
    repairer.services.all().delete()
    return Service.objects.bulk_create(
        Service(
            repairer=repairer,
            name=s.name.strip()[:120],
            price_from=s.price_from,
            price_note=s.price_note.strip()[:80],
            position=n,
        )
        for n, s in enumerate(services, start=1)
    )


@transaction.atomic
def repairer_hours_set(*, repairer: Repairer, intervals: Iterable[Interval]) -> None:
    """Replace the weekly hours (validated by places.forms.WeeklyHoursForm)."""
    repairer.weekly_hours.all().delete()
    RepairerHours.objects.bulk_create(
        RepairerHours(repairer=repairer, weekday=i.weekday, opens=i.opens, closes=i.closes) for i in intervals
    )
    Repairer.objects.filter(pk=repairer.pk).update(updated_at=timezone.now())


# --- Photos ----------------------------------------------------------------------------------------


def repairer_photo_prepare(upload) -> SanitizedImage:
    """Decode, check and clean an upload with the same limits as listings (core.images)."""
    try:
        return sanitize_upload(upload)
    except ImageRejected as rejected:
        raise RepairerError(str(rejected.message), field="image") from None


def repairer_photo_add(*, repairer: Repairer, image: SanitizedImage, alt_text: str = "") -> RepairerPhoto:
    return photo_add(
        repairer.photos,
        image,
        limit=MAX_PHOTOS,
        refused=lambda: RepairerError(
            _("A profile can have at most %(n)s photos.") % {"n": MAX_PHOTOS}, field="image"
        ),
        folder=f"repairers/{repairer.pk}",
        alt_text=alt_text,
        repairer=repairer,
    )


def repairer_photo_delete(*, photo: RepairerPhoto) -> None:
    photo_delete(photo)


# --- Reviews -------------------------------------------------------------------------------------


def ratings_refresh(repairer_id: int) -> None:
    """Recompute the average and count kept on the profile from its visible reviews. Runs
    after every review write and after every review deletion, including the ones a deleted
    account cascades to (repair.apps connects it to Review's post_delete)."""
    stats = Review.objects.filter(repairer_id=repairer_id, hidden_at__isnull=True).aggregate(
        avg=Avg("rating"), count=Count("pk")
    )
    Repairer.objects.filter(pk=repairer_id).update(
        rating_avg=round(stats["avg"], 2) if stats["avg"] is not None else None, rating_count=stats["count"]
    )


@transaction.atomic
def review_save(*, repairer: Repairer, author, rating: int, text: str) -> tuple[Review, bool]:
    """Write or change the author's review of a published profile; returns it and whether it
    is new. The owners of the profile cannot review it."""
    from repair.permissions import is_owner

    if not repairer.is_public:
        raise RepairerError(_("Only published repairers can be reviewed."), status=409)
    if is_owner(author, repairer):
        raise RepairerError(_("You cannot review your own business."), status=403)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise RepairerError(_("Give a rating from 1 to 5."), field="rating")
    text = text.strip()
    if not text:
        raise RepairerError(_("Tell others about your experience."), field="text")
    existing = Review.objects.filter(repairer=repairer, author=author).first()
    if existing is not None and existing.hidden_at is not None:
        raise RepairerError(
            _("A moderator has hidden your review of this business, so it cannot be changed."), status=409
        )
    # One writer at a time per profile, so the kept average is never stale.
    Repairer.objects.select_for_update().filter(pk=repairer.pk).first()
    review, created = Review.objects.update_or_create(
        repairer=repairer, author=author, defaults={"rating": rating, "text": text[:2000]}
    )
    ratings_refresh(repairer.pk)
    return review, created


@transaction.atomic
def review_delete(*, review: Review) -> None:
    repairer = review.repairer
    Repairer.objects.select_for_update().filter(pk=repairer.pk).first()
    review.delete()  # the post_delete receiver refreshes the average


def review_answer(*, review: Review, owner, text: str) -> Review:
    """The business answers a review publicly, once."""
    from repair.permissions import is_owner

    if not is_owner(owner, review.repairer):
        raise RepairerError(_("Only the business can answer its reviews."), status=403)
    text = text.strip()
    if not text:
        raise RepairerError(_("Write the answer."), field="answer")
    answered = Review.objects.filter(pk=review.pk, answered_at__isnull=True).update(
        answer=text[:2000], answered_at=timezone.now(), answered_by=owner
    )
    if not answered:
        raise RepairerError(_("This review has already been answered."), status=409)
    review.refresh_from_db()
    return review


# --- Review reports and moderation ---------------------------------------------------------------

MAX_REPORTS_PER_DAY = REPORTS_PER_DAY


def audit(
    actor, action: str, *, repairer: Repairer | None = None, review: Review | None = None, note: str = ""
) -> None:
    """Record who did what (every editor and moderator action on profiles and reviews, and
    owners' invitations) in the site's one audit log (accounts.AuditEntry). A review's entry
    concerns its author; audit_log_of(repairer=...) finds it through the review."""
    if review is not None:
        audit_record(
            actor=actor,
            action=action,
            target=review,
            subject=review.author,
            note=note,
            label=f"{review.repairer.name}: {review.rating}/5",
        )
    else:
        audit_record(actor=actor, action=action, target=repairer, note=note)


def review_report_create(*, reporter, review: Review, reason: str, text: str = "") -> ReviewReport:
    """Tell the moderators a review breaks the rules. Its author cannot report it, one open
    report per person and review, and at most REPORTS_PER_DAY a day."""
    if reason not in ReviewReport.Reason.values:
        raise RepairerError(_("Choose a reason."), field="reason")
    if review.author_id == reporter.pk:
        raise RepairerError(_("You cannot report your own review."), status=403)
    if review.reports.filter(reporter=reporter, outcome=ReviewReport.Outcome.OPEN).exists():
        raise RepairerError(
            _("You have already reported this review. A moderator will look at it."), status=409
        )
    if report_limit_reached(ReviewReport.objects, reporter=reporter, per_day=MAX_REPORTS_PER_DAY):
        raise RepairerError(
            _("You can send at most %(n)s reports a day.") % {"n": MAX_REPORTS_PER_DAY}, status=429
        )
    return ReviewReport.objects.create(
        review=review, reporter=reporter, reason=reason, text=text.strip()[:1000]
    )


@transaction.atomic
def review_moderate_hide(*, moderator, review: Review, reason: str) -> Review:
    """Hide a review from everyone (it no longer counts in the average) and close its reports."""
    if not reason.strip():
        raise RepairerError(_("Say why the review is hidden: its author will be told."), field="reason")
    Repairer.objects.select_for_update().filter(pk=review.repairer_id).first()
    review.hidden_at = timezone.now()
    review.hidden_reason = reason.strip()[:300]
    review.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    review.reports.filter(outcome=ReviewReport.Outcome.OPEN).update(
        outcome=ReviewReport.Outcome.HIDDEN, handled_by=moderator, handled_at=timezone.now()
    )
    ratings_refresh(review.repairer_id)
    audit(moderator, "hide_review", review=review, note=reason)
    author, repairer = review.author, review.repairer
    transaction.on_commit(
        lambda: send_to_user(
            user=author,
            template="repair/email/review_hidden",
            context={
                "review": review,
                "repairer": repairer,
                "url": absolute_url(reverse_in(author, "repair:detail", repairer.slug)),
            },
        )
    )
    return review


@transaction.atomic
def review_moderate_restore(*, moderator, review: Review) -> Review:
    Repairer.objects.select_for_update().filter(pk=review.repairer_id).first()
    review.hidden_at = None
    review.hidden_reason = ""
    review.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    ratings_refresh(review.repairer_id)
    audit(moderator, "restore_review", review=review)
    return review


@transaction.atomic
def review_reports_dismiss(*, moderator, review: Review) -> int:
    count = review.reports.filter(outcome=ReviewReport.Outcome.OPEN).update(
        outcome=ReviewReport.Outcome.DISMISSED, handled_by=moderator, handled_at=timezone.now()
    )
    audit(moderator, "dismiss_review_reports", review=review, note=str(count))
    return count


# --- Quote requests ("Be om pristilbud") --------------------------------------------------------

MAX_QUOTE_PHOTOS = 4
QUOTES_PER_DAY = 5
QUOTES_PER_REPAIRER_PER_DAY = 1


@transaction.atomic
def quote_request_send(
    *, requester, repairer: Repairer, category: Category, text: str, photos: Sequence[SanitizedImage] = ()
) -> QuoteRequest:
    """Describe a problem to a business: opens (or reopens) the chat conversation with it and
    posts the request as the first message, and a second one linking the photos (shown only to
    the two parties). At most QUOTES_PER_DAY requests a day, one a day to the same business."""
    from chat.services import ChatError, conversation_open, message_send

    text = text.strip()
    if not text:
        raise RepairerError(_("Describe the problem."), field="text")
    if len(text) > 1500:
        raise RepairerError(_("Keep the description under %(n)s characters.") % {"n": 1500}, field="text")
    if len(photos) > MAX_QUOTE_PHOTOS:
        raise RepairerError(_("At most %(n)s photos.") % {"n": MAX_QUOTE_PHOTOS}, field="photos")
    since = timezone.now() - timedelta(days=1)
    recent = QuoteRequest.objects.filter(requester=requester, created_at__gte=since)
    if (
        recent.count() >= QUOTES_PER_DAY
        or recent.filter(repairer=repairer).count() >= QUOTES_PER_REPAIRER_PER_DAY
    ):
        raise RepairerError(
            _("You have sent as many quote requests as you can for today. Continue in the chat."), status=429
        )
    try:
        conversation, _created = conversation_open(user=requester, subject=repairer)
    except ChatError as error:
        raise RepairerError(error.message, status=error.status) from None
    quote = QuoteRequest.objects.create(
        repairer=repairer, requester=requester, category=category, text=text, conversation=conversation
    )
    try:
        with files_removed_on_failure() as written:
            for position, image in enumerate(photos, start=1):
                photo = photo_store(
                    QuoteRequestPhoto, image, folder=f"quotes/{quote.pk}", quote=quote, position=position
                )
                written += photo.stored_files()
            body = _("Quote request: %(category)s\n\n%(text)s") % {"category": category.name, "text": text}
            message_send(conversation=conversation, sender=requester, body=body)
            if photos:
                links = "\n".join(
                    absolute_url(reverse("repair:quote_photo", args=[quote.pk, photo.pk]))
                    for photo in quote.photos.all()
                )
                message_send(conversation=conversation, sender=requester, body=_("Photos:") + "\n" + links)
    except ChatError as error:  # the rows roll back with the transaction, the files are gone
        raise RepairerError(error.message, status=error.status) from None
    return quote


# --- Repair log (impact ledger + ORDS open data) -------------------------------------------------

REPAIR_LOGS_PER_DAY = 30


@dataclass(frozen=True)
class RepairLogData:
    logged_as: str
    category: Category
    product: str
    problem: str
    outcome: str
    repaired_on: date
    brand: str = ""
    model_name: str = ""
    year_of_manufacture: int | None = None
    barrier: str = ""
    repairer: Repairer | None = None
    event_name: str = ""


@transaction.atomic
def repair_log_create(*, user, data: RepairLogData) -> RepairLog:
    """Log one repair attempt and add it to the impact ledger (kind "repair"). A business
    logs for a profile it owns; a repair café names the event."""
    from repair.permissions import is_owner

    if data.logged_as not in RepairLog.LoggedAs.values:
        raise RepairerError(_("Say who repaired it."), field="logged_as")
    if data.outcome not in RepairLog.Outcome.values:
        raise RepairerError(_("Choose the outcome."), field="outcome")
    if data.barrier and data.outcome != RepairLog.Outcome.END_OF_LIFE:
        raise RepairerError(_("A reason it could not be repaired fits only “end of life”."), field="barrier")
    if data.barrier and data.barrier not in RepairLog.Barrier.values:
        raise RepairerError(_("Choose a reason from the list."), field="barrier")
    today = timezone.localdate()
    if data.repaired_on > today:
        raise RepairerError(_("The date cannot be in the future."), field="repaired_on")
    if data.repaired_on < today - timedelta(days=5 * 365):
        raise RepairerError(_("Log repairs of the last five years."), field="repaired_on")
    if data.year_of_manufacture is not None and not 1900 <= data.year_of_manufacture <= data.repaired_on.year:
        raise RepairerError(
            _("The year made must be between 1900 and the year of the repair."), field="year_of_manufacture"
        )
    repairer = data.repairer
    if data.logged_as == RepairLog.LoggedAs.BUSINESS:
        if repairer is None:
            raise RepairerError(_("Choose the business that repaired it."), field="repairer")
        if not is_owner(user, repairer):
            raise RepairerError(
                _("You can log repairs only for a business you own."), status=403, field="repairer"
            )
    else:
        repairer = None
    event_name = data.event_name.strip()[:120] if data.logged_as == RepairLog.LoggedAs.REPAIR_CAFE else ""
    if data.logged_as == RepairLog.LoggedAs.REPAIR_CAFE and not event_name:
        raise RepairerError(_("Name the repair café or event."), field="event_name")
    if not data.product.strip():
        raise RepairerError(_("Say what was repaired."), field="product")
    if not data.problem.strip():
        raise RepairerError(_("Say what was wrong."), field="problem")
    if (
        RepairLog.objects.filter(logged_by=user, created_at__gte=timezone.now() - timedelta(days=1)).count()
        >= REPAIR_LOGS_PER_DAY
    ):
        raise RepairerError(
            _("You can log at most %(n)s repairs a day.") % {"n": REPAIR_LOGS_PER_DAY}, status=429
        )
    entry = RepairLog.objects.create(
        logged_by=user,
        logged_as=data.logged_as,
        repairer=repairer,
        event_name=event_name,
        category=data.category,
        product=data.product.strip()[:100],
        brand=data.brand.strip()[:60],
        model_name=data.model_name.strip()[:60],
        year_of_manufacture=data.year_of_manufacture,
        problem=data.problem.strip()[:1000],
        outcome=data.outcome,
        barrier=data.barrier,
        repaired_on=data.repaired_on,
    )
    impact_record(
        kind="repair",
        category=data.category,
        occurred_on=data.repaired_on,
        source="repair.log",
        source_id=entry.pk,
    )
    return entry


# --- Badge, claims and co-owners -------------------------------------------------------------------


def repairer_set_verified_checked(*, editor, repairer: Repairer, verified: bool, note: str = "") -> Repairer:
    """The badge as editors set it in the admin: recorded in the audit log with the criteria
    the system saw at that moment."""
    from repair.selectors import badge_criteria

    repairer_set_verified(editor=editor, repairer=repairer, verified=verified)
    met = ", ".join(
        f"{c.key}={'yes' if c.met else ('?' if c.met is None else 'no')}" for c in badge_criteria(repairer)
    )
    audit(editor, "verify" if verified else "unverify", repairer=repairer, note=f"{met} {note}".strip())
    return repairer


def claim_create(*, claimant, repairer: Repairer, message: str) -> OwnershipClaim:
    """A business account asks to own a profile that has no owner yet."""
    if repairer.owners.exists():
        raise RepairerError(_("This profile already has an owner: ask them to add you."), status=409)
    if repairer.status == Repairer.Status.SUSPENDED:
        raise RepairerError(_("This profile cannot be claimed now."), status=409)
    if not message.strip():
        raise RepairerError(_("Tell the editors how they can see the business is yours."), field="message")
    if OwnershipClaim.objects.filter(claimant=claimant, status=OwnershipClaim.Status.PENDING).count() >= 3:
        raise RepairerError(_("Wait for an editor to answer your other claims first."), status=429)
    claim, created = OwnershipClaim.objects.get_or_create(
        repairer=repairer,
        claimant=claimant,
        status=OwnershipClaim.Status.PENDING,
        defaults={"message": message.strip()[:1000]},
    )
    if not created:
        raise RepairerError(_("You have already claimed this profile. An editor will answer."), status=409)
    return claim


@transaction.atomic
def claim_decide(*, editor, claim: OwnershipClaim, approve: bool, note: str = "") -> OwnershipClaim:
    """An editor approves (the claimant becomes an owner, other claims are refused) or
    refuses a claim; the claimant is told either way."""
    claim = OwnershipClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != OwnershipClaim.Status.PENDING:
        raise RepairerError(_("This claim has already been decided."), status=409)
    if approve and claim.repairer.owners.exists():
        raise RepairerError(_("The profile got an owner in the meantime."), status=409)
    now = timezone.now()
    claim.status = OwnershipClaim.Status.APPROVED if approve else OwnershipClaim.Status.REFUSED
    claim.decided_by, claim.decided_at, claim.decision_note = editor, now, note.strip()[:500]
    claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    repairer = claim.repairer
    if approve:
        repairer_owner_add(repairer=repairer, user=claim.claimant)
        OwnershipClaim.objects.filter(repairer=repairer, status=OwnershipClaim.Status.PENDING).update(
            status=OwnershipClaim.Status.REFUSED, decided_by=editor, decided_at=now
        )
    audit(editor, "approve_claim" if approve else "refuse_claim", repairer=repairer, note=note)
    claimant = claim.claimant
    transaction.on_commit(
        lambda: send_to_user(
            user=claimant,
            template="repair/email/claim_approved" if approve else "repair/email/claim_refused",
            context={
                "repairer": repairer,
                "note": claim.decision_note,
                "url": absolute_url(reverse_in(claimant, "repair:dashboard")),
            },
        )
    )
    return claim


INVITE_MAX_AGE = 14 * 24 * 3600
_INVITE_SALT = "repair.coowner-invite"


def coowner_invite_token(*, repairer: Repairer, email: str) -> str:
    return signing.dumps({"r": repairer.pk, "e": email.strip().lower()}, salt=_INVITE_SALT, compress=True)


def coowner_invite(*, owner, repairer: Repairer, email: str) -> None:
    """Invite a co-owner by email: a link that makes whoever signs in with that (verified)
    email address an owner. Nothing is said about whether the address has an account."""
    from repair.permissions import is_owner

    if not is_owner(owner, repairer):
        raise RepairerError(_("Only an owner can invite co-owners."), status=403)
    email = email.strip().lower()
    if not email or "@" not in email:
        raise RepairerError(_("Enter an email address."), field="email")
    if repairer.owners.filter(email__iexact=email).exists():
        raise RepairerError(_("That person is already an owner."), field="email")
    since = timezone.now() - timedelta(days=1)
    if AuditEntry.objects.filter(actor=owner, action="invite_owner", created_at__gte=since).count() >= 10:
        raise RepairerError(_("You can send at most %(n)s invitations a day.") % {"n": 10}, status=429)
    audit(owner, "invite_owner", repairer=repairer, note=email)
    url = absolute_url(
        reverse("repair:coowner_accept", args=[coowner_invite_token(repairer=repairer, email=email)])
    )
    context = {"repairer": repairer, "inviter": owner, "url": url, "site_url": absolute_url("/")}
    subject = " ".join(render_to_string("repair/email/coowner_invite_subject.txt", context).split())
    body = render_to_string("repair/email/coowner_invite.txt", context)
    transaction.on_commit(
        lambda: send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [email])
    )


@transaction.atomic
def coowner_accept(*, user, token: str) -> Repairer:
    """The invited person, signed in with the invited address, becomes an owner."""
    try:
        data = signing.loads(token, salt=_INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.SignatureExpired:
        raise RepairerError(_("The invitation has expired: ask for a new one."), status=410) from None
    except signing.BadSignature:
        raise RepairerError(_("The invitation link is not valid."), status=400) from None
    if user.email.strip().lower() != data["e"] or not _email_verified(user):
        raise RepairerError(
            _("Sign in with the verified email address the invitation was sent to."), status=403
        )
    repairer = Repairer.objects.filter(pk=data["r"]).first()
    if repairer is None or repairer.status == Repairer.Status.SUSPENDED:
        raise RepairerError(_("The profile is no longer available."), status=410)
    repairer_owner_add(repairer=repairer, user=user)
    audit(user, "accept_owner_invite", repairer=repairer)
    return repairer


def _email_verified(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


@transaction.atomic
def coowner_remove(*, owner, repairer: Repairer, user) -> None:
    """An owner removes a co-owner (or leaves); never the last owner."""
    from repair.permissions import is_editor, is_owner

    if not (is_owner(owner, repairer) or is_editor(owner)):
        raise RepairerError(_("Only an owner can remove owners."), status=403)
    Repairer.objects.select_for_update().filter(pk=repairer.pk).first()
    if not repairer.owners.filter(pk=user.pk).exists():
        raise RepairerError(_("That person is not an owner."), status=404)
    repairer_owner_remove(repairer=repairer, user=user)
    audit(owner, "remove_owner", repairer=repairer, note=str(user.pk))
