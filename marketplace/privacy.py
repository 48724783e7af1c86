"""Give away and swap: the person's part of their data export and of their account's deletion
(accounts.privacy), and the retention of listing photos."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.privacy import ExportPart, Notice, Provider, photo_files, point
from core.images import delete_files_on_commit
from marketplace.models import (
    LISTING_LIFETIME,
    LISTING_PHOTO_RETENTION,
    ExchangeFeedback,
    Favourite,
    HiddenListing,
    HiddenOwner,
    Listing,
    ListingImage,
    ListingReport,
    SavedSearch,
)


def _listing(listing: Listing) -> dict:
    return {
        "id": listing.pk,
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "category": listing.category.slug,
        "condition": listing.condition,
        "wants": listing.wants,
        "pickup_notes": listing.pickup_notes,
        "status": listing.status,
        # The person's own points: the exact one they gave and the public one others saw.
        "location": point(listing.location),
        "public_location": point(listing.public_location),
        "area": listing.area.name if listing.area else None,
        "created_at": listing.created_at,
        "published_at": listing.published_at,
        "expires_at": listing.expires_at,
        "completed_at": listing.completed_at,
        "photos": [
            {"id": image.pk, "alt_text": image.alt_text, "width": image.width, "height": image.height}
            for image in listing.images.all()
        ],
    }


def export_user(user) -> ExportPart:
    listings = list(
        Listing.objects.filter(owner=user).select_related("category", "area").prefetch_related("images")
    )
    images = [image for listing in listings for image in listing.images.all()]
    data = {
        "listings": [_listing(listing) for listing in listings],
        "reserved_for_you": [
            {"id": listing.pk, "title": listing.title, "status": listing.status}
            for listing in Listing.objects.filter(reserved_for=user)
        ],
        "favourites": [
            {"listing": f.listing_id, "title": f.listing.title, "created_at": f.created_at}
            for f in Favourite.objects.filter(user=user).select_related("listing")
        ],
        "hidden_listings": list(HiddenListing.objects.filter(user=user).values_list("listing_id", flat=True)),
        "hidden_posters": HiddenOwner.objects.filter(user=user).count(),
        "saved_searches": [
            {
                "name": s.name,
                "params": s.params,
                "frequency": s.frequency,
                "active": s.active,
                "created_at": s.created_at,
            }
            for s in SavedSearch.objects.filter(user=user)
        ],
        "reports_you_made": [
            {
                "listing": r.listing_id,
                "reason": r.reason,
                "text": r.text,
                "created_at": r.created_at,
                "outcome": r.outcome,
            }
            for r in ListingReport.objects.filter(reporter=user)
        ],
        "feedback_you_gave": [
            {"listing": f.listing_id, "rating": f.rating, "text": f.text, "created_at": f.created_at}
            for f in ExchangeFeedback.objects.filter(author=user)
        ],
        # Ratings others gave you: what they said, not who they are.
        "feedback_about_you": [
            {"listing": f.listing_id, "rating": f.rating, "text": f.text, "published_at": f.published_at}
            for f in ExchangeFeedback.objects.filter(subject=user, published_at__isnull=False)
        ],
    }
    return ExportPart(data, photo_files("gi-bort", "annonser", images))


def _delete_images(images) -> int:
    images = list(images)
    names = [name for image in images for name in image.stored_files()]
    ListingImage.objects.filter(pk__in=[image.pk for image in images]).delete()
    delete_files_on_commit(names)
    return len(images)


def erase_user(user) -> None:
    """Listings withdrawn (completed ones stay: the other party's exchange), every photo deleted,
    exact points replaced by the public ones, free text emptied; saved searches, favourites and
    hidden lists deleted; a listing reserved for the person is free again."""
    mine = Listing.objects.filter(owner=user)
    _delete_images(ListingImage.objects.filter(listing__owner=user))
    for listing in mine.exclude(status__in=(Listing.Status.COMPLETED, Listing.Status.WITHDRAWN)):
        listing.status = Listing.Status.WITHDRAWN
        listing.reserved_for = None
        listing.save(update_fields=["status", "reserved_for", "updated_at"])
    for listing in mine:
        listing.location = listing.public_location
        listing.description = listing.pickup_notes = listing.wants = ""
        listing.save(update_fields=["location", "description", "pickup_notes", "wants", "updated_at"])
    Listing.objects.filter(reserved_for=user, status=Listing.Status.RESERVED).update(
        status=Listing.Status.ACTIVE, reserved_for=None
    )
    Listing.objects.filter(reserved_for=user).update(reserved_for=None)
    Favourite.objects.filter(user=user).delete()
    HiddenListing.objects.filter(user=user).delete()
    HiddenOwner.objects.filter(Q(user=user) | Q(owner=user)).delete()
    SavedSearch.objects.filter(user=user).delete()  # with their hits
    ListingReport.objects.filter(reporter=user).update(reporter=None)
    ListingReport.objects.filter(handled_by=user).update(handled_by=None)
    # Ratings given stay with the exchange, from "deleted user"; ratings about the person go.
    ExchangeFeedback.objects.filter(subject=user).delete()


@transaction.atomic
def listing_photos_purge_due(*, now=None) -> int:
    """Retention: the photos of listings that ended (expired or withdrawn) more than
    LISTING_PHOTO_RETENTION ago are deleted. Returns how many photos. Idempotent."""
    now = now or timezone.now()
    cutoff = now - LISTING_PHOTO_RETENTION
    ended = Q(listing__status=Listing.Status.EXPIRED, listing__expires_at__lt=cutoff) | Q(
        listing__status=Listing.Status.WITHDRAWN, listing__updated_at__lt=cutoff
    )
    return _delete_images(ListingImage.objects.filter(ended))


def provider() -> Provider:
    return Provider(
        name="gi-bort",
        title=_("Give away and swap"),
        export=export_user,
        erase=erase_user,
        covers=(
            "marketplace.Listing.owner",
            "marketplace.Listing.reserved_for",
            "marketplace.Favourite.user",
            "marketplace.HiddenListing.user",
            "marketplace.HiddenOwner.user",
            "marketplace.HiddenOwner.owner",
            "marketplace.SavedSearch.user",
            "marketplace.ListingReport.reporter",
            "marketplace.ListingReport.handled_by",
            "marketplace.ExchangeFeedback.author",
            "marketplace.ExchangeFeedback.subject",
        ),
        notices=(
            Notice(
                what=_(
                    "Your listings: text, category, photos, the exact point you gave (never shown) and "
                    "the public point moved about 250 m."
                ),
                why=_("To show your listing to neighbours without revealing where you live."),
                basis=_("Agreement (GDPR art. 6(1)(b))."),
                kept=format_lazy(
                    _(
                        "A listing is shown for {lifetime} days at a time. The photos of an expired or "
                        "withdrawn listing are deleted {days} days after it ended; the listing itself "
                        "until you delete your account."
                    ),
                    lifetime=LISTING_LIFETIME.days,
                    days=LISTING_PHOTO_RETENTION.days,
                ),
            ),
            Notice(
                what=_("Saved searches, favourites, listings and posters you hid, reports you made."),
                why=_("To send you the alerts you asked for and to keep your results as you want them."),
                basis=_(
                    "Agreement (GDPR art. 6(1)(b)); reports: the municipality's legitimate interest in a "
                    "safe service."
                ),
                kept=_("Until you delete them or your account; reports stay without your name."),
            ),
            Notice(
                what=_("Ratings after an exchange, given and received."),
                why=_("So neighbours can trust each other."),
                basis=_("Legitimate interest (GDPR art. 6(1)(f))."),
                kept=_(
                    "Ratings about you are deleted with your account; ratings you gave stay without your "
                    "name."
                ),
            ),
        ),
    )
