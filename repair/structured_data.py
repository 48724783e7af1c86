"""schema.org LocalBusiness for a repairer's public profile (core.structured_data)."""

from __future__ import annotations

from core import structured_data as sd
from repair.models import Repairer


def _photo_urls(repairer: Repairer, absolute) -> list[str]:
    urls = []
    for photo in repairer.photos.all():
        full = (photo.renditions or {}).get("full")
        if full and full.get("jpeg"):
            urls.append(absolute(photo.original.storage.url(full["jpeg"])))
    return urls


def repairer_local_business(repairer: Repairer, *, url: str, absolute=lambda path: path) -> dict:
    """The profile as schema.org LocalBusiness: address, coordinates (the trading address, which
    is public), contact, weekly opening hours, photos and the review average. Uses the
    prefetched `weekly_hours` and `photos`; `absolute` turns a path into an absolute URL."""
    return sd.local_business(
        name=repairer.name,
        url=url,
        description=repairer.short_description,
        address=sd.postal_address(
            street=repairer.address, postal_code=repairer.postal_code, town=repairer.postal_town
        ),
        location=sd.geo(repairer.lat, repairer.lon),
        telephone=repairer.phone,
        email=repairer.email,
        website=repairer.website,
        hours=sd.opening_hours(sorted((h.weekday, h.opens, h.closes) for h in repairer.weekly_hours.all())),
        images=_photo_urls(repairer, absolute),
        rating=repairer.rating_avg,
        rating_count=repairer.rating_count,
    )
