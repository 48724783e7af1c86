"""Every write to listings. Keyword-only arguments; side effects on commit."""

import dataclasses
import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notify import absolute_url, reverse_in, send_to_user
from accounts.selectors import audit_entries_for
from accounts.services import audit_record
from catalog.models import Category
from catalog.services import impact_record
from chat.selectors import conversation_between
from chat.services import message_send_system, user_sockets_close
from core.errors import RefusedChange
from core.images import (
    ImageRejected,
    SanitizedImage,
    sanitize_upload,
)
from core.photos import photo_add, photo_delete
from core.reports import REPORTS_PER_DAY, report_limit_reached
from marketplace.models import (
    FEEDBACK_BLIND_PERIOD,
    LISTING_LIFETIME,
    MAX_IMAGES,
    ExchangeFeedback,
    Favourite,
    HiddenListing,
    HiddenOwner,
    Listing,
    ListingImage,
    ListingReport,
    SavedSearch,
    SavedSearchHit,
)
from places.geo import fuzz_point
from places.selectors import place_nearest

MAX_NEW_LISTINGS_PER_DAY = 20
EDITABLE_FIELDS = ("kind", "title", "description", "category", "condition", "wants", "pickup_notes")


class ListingError(RefusedChange):
    """A refused change, with a message for the user; `status` is the HTTP status to answer."""

    def __init__(
        self, message: str, *, status: int = 400, field: str | None = None, retry_after: int | None = None
    ):
        super().__init__(message, status=status)
        self.field = field
        self.retry_after = retry_after


@dataclass(frozen=True)
class ListingData:
    kind: str
    title: str
    category: Category
    location: Point
    description: str = ""
    condition: str = ""
    wants: str = ""
    pickup_notes: str = ""


def _check_daily_limit(owner) -> None:
    since = timezone.now() - timedelta(days=1)
    recent = Listing.objects.filter(owner=owner, created_at__gte=since).order_by("created_at")
    if recent.count() >= MAX_NEW_LISTINGS_PER_DAY:
        oldest = recent.first().created_at
        retry_after = max(1, int((oldest + timedelta(days=1) - timezone.now()).total_seconds()))
        raise ListingError(
            _("You can create at most %(n)s listings a day. Try again later.")
            % {"n": MAX_NEW_LISTINGS_PER_DAY},
            status=429,
            retry_after=retry_after,
        )


def _set_location(listing: Listing, point: Point) -> None:
    listing.location = point
    # The key is fixed per listing, so moving the exact point a little does not let anyone
    # average several public points back to the exact one.
    listing.public_location = fuzz_point(point, key=f"listing:{listing.fuzz_seed}")
    listing.area = place_nearest(point)


@transaction.atomic
def listing_create(
    *, owner, data: ListingData, publish: bool = True, enforce_daily_limit: bool = True
) -> Listing:
    if enforce_daily_limit:
        _check_daily_limit(owner)
    listing = Listing(owner=owner, **{f: getattr(data, f) for f in EDITABLE_FIELDS})
    if listing.kind != Listing.Kind.SWAP:
        listing.wants = ""
    _set_location(listing, data.location)
    if publish:
        _publish(listing)
    listing.save()
    _hold_if_spam_like(listing)
    return listing


# --- Spam heuristic: a new account's first listings with links wait for a moderator -------------

NEW_ACCOUNT_LISTINGS = 3  # an account's first this many listings are checked
_LINK = re.compile(
    r"(https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|info|biz|io|xyz|top|ru|cn|shop|site|online|no)\b)",
    re.IGNORECASE,
)


def contains_link(*texts: str) -> bool:
    return any(_LINK.search(text or "") for text in texts)


def _hold_if_spam_like(listing: Listing) -> None:
    """Hide the listing until a moderator looks, when a new account puts links in it. It goes
    into the moderators' queue as an automatic report (reporter empty); restoring it there
    publishes it."""
    if listing.hidden_at is not None:
        return
    if not contains_link(listing.title, listing.description, listing.wants, listing.pickup_notes):
        return
    if Listing.objects.filter(owner_id=listing.owner_id).count() > NEW_ACCOUNT_LISTINGS:
        return
    if audit_entries_for(listing).filter(action="restore_listing").exists():
        return  # a moderator has looked at it already
    listing.hidden_at = timezone.now()
    listing.hidden_reason = _("Waiting for a moderator: new accounts' listings with links are checked first.")
    listing.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    ListingReport.objects.create(
        listing=listing,
        reporter=None,
        reason=ListingReport.Reason.SPAM,
        automatic=ListingReport.Automatic.NEW_ACCOUNT_LINK,
    )


@transaction.atomic
def listing_update(*, listing: Listing, changes: dict) -> Listing:
    """Apply a partial update (fields of EDITABLE_FIELDS and `location`)."""
    for field in EDITABLE_FIELDS:
        if field in changes:
            setattr(listing, field, changes[field])
    if "location" in changes:
        _set_location(listing, changes["location"])
    if listing.kind != Listing.Kind.SWAP:
        listing.wants = ""
    listing.save()
    _hold_if_spam_like(listing)
    return listing


def _publish(listing: Listing) -> None:
    now = timezone.now()
    if listing.published_at is None:
        # New to the public: tell the saved searches it matches, after the commit.
        transaction.on_commit(lambda: _enqueue_matching(listing.pk))
    listing.status = Listing.Status.ACTIVE
    listing.published_at = listing.published_at or now
    listing.expires_at = now + LISTING_LIFETIME
    listing.reminded_at = None


def _enqueue_matching(listing_id: int) -> None:
    from marketplace.tasks import saved_searches_match

    saved_searches_match.enqueue(listing_id)


def listing_publish(*, listing: Listing) -> Listing:
    if listing.status not in (Listing.Status.DRAFT, Listing.Status.EXPIRED, Listing.Status.WITHDRAWN):
        raise ListingError(_("Only drafts, expired and withdrawn listings can be published."), status=409)
    _publish(listing)
    listing.save()
    return listing


def listing_renew(*, listing: Listing) -> Listing:
    """One-click renewal: another 30 days from now for an active or expired listing."""
    if listing.status not in (Listing.Status.ACTIVE, Listing.Status.EXPIRED):
        raise ListingError(_("Only active or expired listings can be renewed."), status=409)
    _publish(listing)
    listing.save()
    return listing


def listing_withdraw(*, listing: Listing) -> Listing:
    if listing.status == Listing.Status.COMPLETED:
        raise ListingError(_("A completed listing cannot be withdrawn."), status=409)
    listing.status = Listing.Status.WITHDRAWN
    listing.reserved_for = None
    listing.save()
    return listing


@transaction.atomic
def listing_reserve(*, listing: Listing, partner) -> Listing:
    """Reserve for a conversation partner, and tell them in that conversation."""
    if listing.status not in (Listing.Status.ACTIVE, Listing.Status.RESERVED):
        raise ListingError(_("Only an active listing can be reserved."), status=409)
    if partner.pk == listing.owner_id:
        raise ListingError(_("You cannot reserve your own listing for yourself."), field="partner")
    listing.status = Listing.Status.RESERVED
    listing.reserved_for = partner
    listing.save()
    conversation = conversation_between(listing.owner, partner, listing)
    if conversation is not None:
        message_send_system(
            conversation=conversation,
            body=_("“%(title)s” is reserved for %(name)s.")
            % {"title": listing.title, "name": partner.display_name},
        )
    return listing


def listing_unreserve(*, listing: Listing) -> Listing:
    if listing.status != Listing.Status.RESERVED:
        raise ListingError(_("The listing is not reserved."), status=409)
    listing.status = Listing.Status.ACTIVE
    listing.reserved_for = None
    listing.save()
    return listing


@transaction.atomic
def listing_complete(*, listing: Listing) -> Listing:
    """Given away / swapped / received: one entry in the impact ledger (category and date)."""
    if listing.status not in (Listing.Status.ACTIVE, Listing.Status.RESERVED):
        raise ListingError(_("Only an active or reserved listing can be completed."), status=409)
    listing.status = Listing.Status.COMPLETED
    listing.completed_at = timezone.now()
    listing.save()
    impact_record(
        kind="reuse",
        category=listing.category,
        occurred_on=timezone.localdate(listing.completed_at),
        source="marketplace.listing",
        source_id=listing.pk,
        area=listing.area,
        point=listing.public_location,
    )
    return listing


# --- Photos ------------------------------------------------------------------------------------


def listing_image_prepare(upload) -> SanitizedImage:
    """Decode, check and clean an upload (core.images); a ListingError with the reason if it is
    not a safe photo within the limits. Nothing is stored."""
    try:
        return sanitize_upload(upload)
    except ImageRejected as rejected:
        raise ListingError(str(rejected.message), field="image") from None


def listing_image_add(*, listing: Listing, image: SanitizedImage, alt_text: str = "") -> ListingImage:
    """Store a prepared photo and its renditions under content-hash names, last in order. The
    files are written first and removed again if the row cannot be saved."""
    return photo_add(
        listing.images,
        image,
        limit=MAX_IMAGES,
        refused=lambda: ListingError(
            _("A listing can have at most %(n)s photos.") % {"n": MAX_IMAGES}, field="image"
        ),
        folder=f"listings/{listing.pk}",
        alt_text=alt_text,
        listing=listing,
    )


def listing_image_delete(*, image: ListingImage) -> None:
    photo_delete(image)


def listing_image_move(*, image: ListingImage, offset: int) -> None:
    """Move a photo one step earlier (-1) or later (+1); the first photo is the cover."""
    images = list(image.listing.images.order_by("position", "pk"))
    index = images.index(image)
    target = index + offset
    if 0 <= target < len(images):
        images[index], images[target] = images[target], images[index]
        for position, item in enumerate(images, start=1):
            ListingImage.objects.filter(pk=item.pk).update(position=position)


def listing_image_describe(*, image: ListingImage, alt_text: str) -> ListingImage:
    image.alt_text = alt_text.strip()[:200]
    image.save(update_fields=["alt_text"])
    return image


# --- Expiry --------------------------------------------------------------------------------------

REMIND_BEFORE = timedelta(days=3)
RENEWAL_LINK_MAX_AGE = timedelta(days=14)
_RENEWAL_SALT = "sirkel.marketplace.renew"


def renewal_token(listing: Listing) -> str:
    """A signed token that renews this listing without signing in (the email's one-click link)."""
    return signing.dumps({"listing": listing.pk}, salt=_RENEWAL_SALT, compress=True)


def listing_from_renewal_token(token: str) -> Listing | None:
    try:
        data = signing.loads(token, salt=_RENEWAL_SALT, max_age=RENEWAL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Listing.objects.filter(pk=data.get("listing")).first()


def listings_expire_due(*, now=None) -> int:
    """Active listings past their date become expired (reserved ones are being handed over and
    stay). Returns how many."""
    now = now or timezone.now()
    return Listing.objects.filter(status=Listing.Status.ACTIVE, expires_at__lte=now).update(
        status=Listing.Status.EXPIRED
    )


def listings_remind_due(*, now=None) -> int:
    """One email per listing that expires within three days, with a one-click renewal link.
    Returns how many were sent."""
    now = now or timezone.now()
    due = Listing.objects.filter(
        status=Listing.Status.ACTIVE,
        expires_at__lte=now + REMIND_BEFORE,
        expires_at__gt=now,
        reminded_at__isnull=True,
    ).select_related("owner__profile")
    sent = 0
    for listing in due:
        # Claim the reminder first, so two workers never send the same one.
        if not Listing.objects.filter(pk=listing.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        send_to_user(
            user=listing.owner,
            template="marketplace/email/expiry_reminder",
            context={
                "listing": listing,
                "renew_url": absolute_url(
                    reverse_in(listing.owner, "marketplace:renew", listing.pk, renewal_token(listing))
                ),
            },
        )
        sent += 1
    return sent


# --- Favourites and hiding -----------------------------------------------------------------------


def favourite_toggle(*, user, listing: Listing) -> bool:
    """Save or unsave a listing; returns whether it is saved now."""
    deleted, _ = Favourite.objects.filter(user=user, listing=listing).delete()
    if deleted:
        return False
    Favourite.objects.get_or_create(user=user, listing=listing)
    return True


def listing_hide_for(*, user, listing: Listing) -> None:
    HiddenListing.objects.get_or_create(user=user, listing=listing)


def owner_hide_for(*, user, owner) -> None:
    if owner.pk == user.pk:
        raise ListingError(_("You cannot hide your own listings."))
    HiddenOwner.objects.get_or_create(user=user, owner=owner)


def hidden_clear(*, user) -> None:
    """Show everything again."""
    HiddenListing.objects.filter(user=user).delete()
    HiddenOwner.objects.filter(user=user).delete()


# --- Saved searches ------------------------------------------------------------------------------

SAVED_SEARCH_PARAMS = ("q", "kind", "category", "condition", "near", "place", "radius_km")
MAX_SAVED_SEARCHES = 20
_UNSUBSCRIBE_SALT = "sirkel.marketplace.saved-search"


def saved_search_create(*, user, name: str, params: dict, frequency: str) -> SavedSearch:
    """Save a search; only search parameters are kept, and they must form a valid search."""
    from marketplace.filters import ListingFilter  # the filter module imports the selectors

    clean = {k: str(params[k])[:200] for k in SAVED_SEARCH_PARAMS if params.get(k)}
    filterset = ListingFilter(clean, queryset=Listing.objects.none())
    if not filterset.is_valid():
        raise ListingError(_("This search cannot be saved: check its parameters."), field="params")
    if SavedSearch.objects.filter(user=user, active=True).count() >= MAX_SAVED_SEARCHES:
        raise ListingError(_("You can have at most %(n)s saved searches.") % {"n": MAX_SAVED_SEARCHES})
    if frequency not in SavedSearch.Frequency.values:
        raise ListingError(_("Choose how often you want to hear about new listings."), field="frequency")
    name = name.strip()[:100] or clean.get("q") or _("My search")
    return SavedSearch.objects.create(user=user, name=name, params=clean, frequency=frequency)


def saved_search_unsubscribe_token(saved: SavedSearch) -> str:
    return signing.dumps({"saved_search": saved.pk}, salt=_UNSUBSCRIBE_SALT, compress=True)


def saved_search_from_token(token: str) -> SavedSearch | None:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.filter(pk=data.get("saved_search")).first()


def saved_search_deactivate(*, saved: SavedSearch) -> None:
    SavedSearch.objects.filter(pk=saved.pk).update(active=False)


def _saved_search_matches(saved: SavedSearch, listing: Listing) -> bool:
    from marketplace.filters import ListingFilter
    from marketplace.selectors import listing_search

    filterset = ListingFilter(saved.params, queryset=Listing.objects.none())
    if not filterset.is_valid():
        return False
    search = dataclasses.replace(filterset.search, viewer_id=saved.user_id, ordering="-created")
    return listing_search(search).queryset().filter(pk=listing.pk).exists()


def saved_searches_match_listing(*, listing: Listing) -> int:
    """Record the listing for every saved search it matches (once per search, whoever runs
    this and however often) and email instant ones now. Returns how many new hits."""
    if not listing.is_public:
        return 0
    new_hits = 0
    for saved in (
        SavedSearch.objects.filter(active=True)
        .exclude(user_id=listing.owner_id)
        .select_related("user__profile")
    ):
        if not _saved_search_matches(saved, listing):
            continue
        hit, created = SavedSearchHit.objects.get_or_create(saved_search=saved, listing=listing)
        if not created:
            continue
        new_hits += 1
        if saved.frequency == SavedSearch.Frequency.INSTANT:
            _send_hits(saved, [hit])
    return new_hits


def saved_searches_send_digests() -> int:
    """One email per daily saved search with the listings found since the last one."""
    sent = 0
    for saved in SavedSearch.objects.filter(
        active=True, frequency=SavedSearch.Frequency.DAILY
    ).select_related("user__profile"):
        hits = list(saved.hits.filter(sent_at__isnull=True).select_related("listing").order_by("pk"))
        hits = [hit for hit in hits if hit.listing.is_public]
        if hits:
            _send_hits(saved, hits)
            sent += 1
    return sent


def _send_hits(saved: SavedSearch, hits: list) -> None:
    # Claim the hits first, so a hit is never announced twice even with two workers.
    claimed = SavedSearchHit.objects.filter(pk__in=[h.pk for h in hits], sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return
    user = saved.user
    send_to_user(
        user=user,
        template="marketplace/email/saved_search",
        context={
            "saved": saved,
            "listings": [
                {
                    "title": h.listing.title,
                    "url": absolute_url(reverse_in(user, "marketplace:detail", h.listing_id)),
                }
                for h in hits
            ],
            "unsubscribe_url": absolute_url(
                reverse_in(user, "marketplace:unsubscribe", saved_search_unsubscribe_token(saved))
            ),
        },
    )


# --- Moderation ----------------------------------------------------------------------------------

MAX_REPORTS_PER_DAY = REPORTS_PER_DAY


def report_create(*, reporter, listing: Listing, reason: str, text: str = "") -> ListingReport:
    if reason not in ListingReport.Reason.values:
        raise ListingError(_("Choose a reason."), field="reason")
    if listing.owner_id == reporter.pk:
        raise ListingError(_("You cannot report your own listing."))
    if report_limit_reached(ListingReport.objects, reporter=reporter, per_day=MAX_REPORTS_PER_DAY):
        raise ListingError(
            _("You can send at most %(n)s reports a day.") % {"n": MAX_REPORTS_PER_DAY},
            status=429,
            retry_after=3600,
        )
    return ListingReport.objects.create(
        listing=listing, reporter=reporter, reason=reason, text=text.strip()[:1000]
    )


def _log(moderator, action: str, *, listing=None, user=None, note: str = "") -> None:
    """Into the site's one audit log (accounts.AuditEntry): the listing, or else the user, is
    what was acted on; the user is who it concerns."""
    audit_record(
        actor=moderator,
        action=action,
        target=listing if listing is not None else user,
        subject=user,
        note=note,
    )


@transaction.atomic
def listing_moderate_hide(*, moderator, listing: Listing, reason: str) -> Listing:
    """Hide a listing from everyone but its owner and the moderators; the owner is told why."""
    if not reason.strip():
        raise ListingError(_("Say why the listing is hidden: the owner will be told."), field="reason")
    listing.hidden_at = timezone.now()
    listing.hidden_reason = reason.strip()[:300]
    listing.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    listing.reports.filter(outcome=ListingReport.Outcome.OPEN).update(
        outcome=ListingReport.Outcome.HIDDEN, handled_by=moderator, handled_at=timezone.now()
    )
    _log(moderator, "hide_listing", listing=listing, user=listing.owner, note=reason)
    owner = listing.owner
    transaction.on_commit(
        lambda: send_to_user(
            user=owner,
            template="marketplace/email/listing_hidden",
            context={
                "listing": listing,
                "url": absolute_url(reverse_in(owner, "marketplace:detail", listing.pk)),
            },
        )
    )
    return listing


@transaction.atomic
def listing_moderate_restore(*, moderator, listing: Listing) -> Listing:
    listing.hidden_at = None
    listing.hidden_reason = ""
    listing.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _log(moderator, "restore_listing", listing=listing, user=listing.owner)
    return listing


@transaction.atomic
def reports_dismiss(*, moderator, listing: Listing) -> int:
    count = listing.reports.filter(outcome=ListingReport.Outcome.OPEN).update(
        outcome=ListingReport.Outcome.DISMISSED, handled_by=moderator, handled_at=timezone.now()
    )
    _log(moderator, "dismiss_reports", listing=listing)
    return count


def user_warn(*, moderator, user, message: str, listing: Listing | None = None) -> None:
    if not message.strip():
        raise ListingError(_("Write the warning."), field="message")
    _log(moderator, "warn_user", listing=listing, user=user, note=message)
    send_to_user(user=user, template="marketplace/email/warning", context={"message": message.strip()})


@transaction.atomic
def user_suspend(*, moderator, user, reason: str) -> None:
    """Suspend an account: it cannot sign in (an inactive user's session stops working at the
    next request) and its active listings are hidden."""
    if user.is_superuser or user.pk == moderator.pk:
        raise ListingError(_("This account cannot be suspended here."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    Listing.objects.filter(owner=user, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_reason=_("The account is suspended.")
    )
    _log(moderator, "suspend_user", user=user, note=reason)
    transaction.on_commit(lambda: user_sockets_close(user.pk))


# --- Feedback after an exchange ------------------------------------------------------------------


@transaction.atomic
def feedback_give(*, author, listing: Listing, rating: str, text: str = "") -> ExchangeFeedback:
    """The owner rates the person it went to, or that person rates the owner, once. When both
    have rated, both ratings are published."""
    if listing.status != Listing.Status.COMPLETED or listing.reserved_for_id is None:
        raise ListingError(_("Feedback can be given after a completed exchange."), status=409)
    if author.pk == listing.owner_id:
        subject_id = listing.reserved_for_id
    elif author.pk == listing.reserved_for_id:
        subject_id = listing.owner_id
    else:
        raise ListingError(_("Only the two who made the exchange can give feedback."), status=403)
    if rating not in ExchangeFeedback.Rating.values:
        raise ListingError(_("Choose positive, neutral or negative."), field="rating")
    if ExchangeFeedback.objects.filter(listing=listing, author=author).exists():
        raise ListingError(_("You have already given feedback on this exchange."), status=409)
    feedback = ExchangeFeedback.objects.create(
        listing=listing, author=author, subject_id=subject_id, rating=rating, text=text.strip()[:300]
    )
    if ExchangeFeedback.objects.filter(listing=listing).count() == 2:
        ExchangeFeedback.objects.filter(listing=listing, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        feedback.refresh_from_db()
    return feedback


def feedback_publish_due(*, now=None) -> int:
    """Publish ratings whose other half did not come within 14 days."""
    now = now or timezone.now()
    return ExchangeFeedback.objects.filter(
        published_at__isnull=True, created_at__lte=now - FEEDBACK_BLIND_PERIOD
    ).update(published_at=now)
