"""schema.org structured data (JSON-LD) for search engines: builders that return plain dicts
and one way to put a dict into a page (`json_ld_script`, used by the `{% json_ld %}` template
tag in cms/templatetags/seo_tags.py). Apps build their dicts here (repair's LocalBusiness,
the CMS's Event pages) so the markup is the same everywhere.

Values that are None or empty are left out, so callers pass what they have."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from django.utils.safestring import SafeString, mark_safe

SCHEMA = "https://schema.org"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Inside <script> only "</script" or "<!--" can end or confuse the element: escape <, > and &
# as JSON unicode escapes (still the same JSON for any parser).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _clean(value: Any) -> Any:
    """Drop None/empty values recursively; dates and times as ISO 8601."""
    if isinstance(value, Mapping):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list | tuple):
        return [c for c in (_clean(v) for v in value) if c not in (None, "", [], {})]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def json_ld_script(data: Mapping[str, Any] | None) -> SafeString:
    """`<script type="application/ld+json">` holding `data` ("@context" added), or "" for no
    data. Safe to put into HTML whatever the strings contain."""
    if not data:
        return mark_safe("")
    payload = {"@context": SCHEMA, **_clean(data)}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def postal_address(*, street: str, postal_code: str = "", town: str = "", country: str = "NO") -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "postalCode": postal_code,
        "addressLocality": town,
        "addressCountry": country,
    }


def geo(lat: float | None, lon: float | None) -> dict | None:
    if lat is None or lon is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": round(lat, 6), "longitude": round(lon, 6)}


def opening_hours(intervals: Iterable[tuple[int, time, time]]) -> list[dict]:
    """OpeningHoursSpecification for (weekday 0 = Monday, opens, closes) wall-clock intervals."""
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"{SCHEMA}/{WEEKDAYS[weekday]}",
            "opens": opens,
            "closes": closes,
        }
        for weekday, opens, closes in intervals
    ]


def local_business(
    *,
    name: str,
    url: str,
    description: str = "",
    address: dict | None = None,
    location: dict | None = None,
    telephone: str = "",
    email: str = "",
    website: str = "",
    hours: list[dict] | None = None,
    images: Iterable[str] = (),
    rating: float | None = None,
    rating_count: int = 0,
    business_type: str = "LocalBusiness",
) -> dict:
    """schema.org LocalBusiness (or a subtype such as "AutoRepair")."""
    data = {
        "@type": business_type,
        "@id": url,
        "name": name,
        "url": url,
        "description": description,
        "address": address,
        "geo": location,
        "telephone": telephone,
        "email": email,
        "sameAs": [website] if website else None,
        "openingHoursSpecification": hours,
        "image": list(images),
    }
    if rating is not None and rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(float(rating), 2),
            "reviewCount": rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


def event(
    *,
    name: str,
    url: str,
    start: datetime | date,
    end: datetime | date | None = None,
    description: str = "",
    place_name: str = "",
    address: dict | None = None,
    location: dict | None = None,
    image: str = "",
    organizer: str = "Bærum kommune",
    organizer_url: str = "https://www.baerum.kommune.no/",
    free: bool = True,
    cancelled: bool = False,
    online_url: str = "",
) -> dict:
    """schema.org Event. Pass aware datetimes (they are written with their UTC offset) or
    dates for all-day events. A place (name/address/geo) makes it an offline event; an
    `online_url` alone makes it an online one."""
    place = None
    if place_name or address or location:
        place = {"@type": "Place", "name": place_name, "address": address, "geo": location}
    attendance = "OnlineEventAttendanceMode" if online_url and not place else "OfflineEventAttendanceMode"
    return {
        "@type": "Event",
        "@id": url,
        "name": name,
        "url": url,
        "description": description,
        "startDate": start,
        "endDate": end,
        "eventStatus": f"{SCHEMA}/{'EventCancelled' if cancelled else 'EventScheduled'}",
        "eventAttendanceMode": f"{SCHEMA}/{attendance}",
        "location": place or ({"@type": "VirtualLocation", "url": online_url} if online_url else None),
        "image": [image] if image else None,
        "organizer": {"@type": "Organization", "name": organizer, "url": organizer_url},
        "isAccessibleForFree": free,
        "offers": {"@type": "Offer", "price": 0, "priceCurrency": "NOK", "url": url} if free else None,
    }
