"""Repair: the person's part of their data export and of their account's deletion
(accounts.privacy)."""

from django.utils.translation import gettext_lazy as _

from accounts.privacy import ExportPart, Notice, Provider, photo_files
from core.images import delete_files_on_commit
from repair.models import (
    OwnershipClaim,
    QuoteRequest,
    QuoteRequestPhoto,
    Repairer,
    RepairLog,
    Review,
    ReviewReport,
)


def export_user(user) -> ExportPart:
    quotes = list(
        QuoteRequest.objects.filter(requester=user)
        .select_related("repairer", "category")
        .prefetch_related("photos")
    )
    photos = [photo for quote in quotes for photo in quote.photos.all()]
    data = {
        "reviews": [
            {
                "repairer": r.repairer.name,
                "rating": r.rating,
                "text": r.text,
                "created_at": r.created_at,
                "updated_at": r.updated_at,
                "answer": r.answer,
                "hidden": r.hidden_at is not None,
            }
            for r in Review.objects.filter(author=user).select_related("repairer")
        ],
        "quote_requests": [
            {
                "id": q.pk,
                "repairer": q.repairer.name,
                "category": q.category.slug,
                "text": q.text,
                "created_at": q.created_at,
                "photos": [p.pk for p in q.photos.all()],
            }
            for q in quotes
        ],
        "repair_logs": [
            {
                "product": log.product,
                "brand": log.brand,
                "model": log.model_name,
                "category": log.category.slug,
                "problem": log.problem,
                "outcome": log.outcome,
                "barrier": log.barrier,
                "repaired_on": log.repaired_on,
                "logged_as": log.logged_as,
            }
            for log in RepairLog.objects.filter(logged_by=user).select_related("category")
        ],
        "businesses_you_own": [
            {"name": r.name, "slug": r.slug} for r in Repairer.objects.filter(owners=user)
        ],
        "ownership_claims": [
            {
                "repairer": c.repairer.name,
                "message": c.message,
                "status": c.status,
                "created_at": c.created_at,
            }
            for c in OwnershipClaim.objects.filter(claimant=user).select_related("repairer")
        ],
        "review_reports_you_made": [
            {"review": r.review_id, "reason": r.reason, "text": r.text, "created_at": r.created_at}
            for r in ReviewReport.objects.filter(reporter=user)
        ],
    }
    return ExportPart(data, photo_files("reparasjon", "pristilbud", photos))


def erase_user(user) -> None:
    """Reviews stay, from "deleted user" (docs/decisions/0017: they describe a business, count in
    its average and may carry its answer); the photos of quote requests are deleted (their text
    stays in the business's conversation, which is kept for the other party like any other);
    logged repairs stay as anonymous open data; claims go; the person stops owning businesses."""
    photos = list(QuoteRequestPhoto.objects.filter(quote__requester=user))
    names = [name for photo in photos for name in photo.stored_files()]
    QuoteRequestPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    delete_files_on_commit(names)
    RepairLog.objects.filter(logged_by=user).update(logged_by=None)
    OwnershipClaim.objects.filter(claimant=user).delete()
    OwnershipClaim.objects.filter(decided_by=user).update(decided_by=None)
    Repairer.owners.through.objects.filter(user=user).delete()
    Repairer.objects.filter(verified_by=user).update(verified_by=None)
    Review.objects.filter(answered_by=user).update(answered_by=None)
    ReviewReport.objects.filter(reporter=user).update(reporter=None)
    ReviewReport.objects.filter(handled_by=user).update(handled_by=None)


def provider() -> Provider:
    return Provider(
        name="reparasjon",
        title=_("Repair"),
        export=export_user,
        erase=erase_user,
        covers=(
            "repair.Review.author",
            "repair.Review.answered_by",
            "repair.ReviewReport.reporter",
            "repair.ReviewReport.handled_by",
            "repair.QuoteRequest.requester",
            "repair.RepairLog.logged_by",
            "repair.OwnershipClaim.claimant",
            "repair.OwnershipClaim.decided_by",
            "repair.Repairer_owners.user",
            "repair.Repairer.verified_by",
        ),
        notices=(
            Notice(
                what=_("Reviews you wrote of repair businesses."),
                why=_("To help other residents choose a repairer."),
                basis=_("Legitimate interest (GDPR art. 6(1)(f))."),
                kept=_(
                    "Until you delete the review. When you delete your account, your reviews stay, "
                    "shown as from “deleted user”: delete them first if you do not want that."
                ),
            ),
            Notice(
                what=_("Quote requests you sent (text and photos) and repairs you logged."),
                why=_("So a business can answer you, and so the municipality can count repairs."),
                basis=_("Agreement (GDPR art. 6(1)(b)); logged repairs: public interest (art. 6(1)(e))."),
                kept=_(
                    "Photos of quote requests are deleted with your account; logged repairs stay in the "
                    "open repair data, which never says who logged them."
                ),
            ),
        ),
    )
