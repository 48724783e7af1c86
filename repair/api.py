"""Repairers in the public API: the directory search, one profile, the open-data GeoJSON and
the owners' PATCH. Same FilterSet, selectors, services and permissions as the HTML pages."""

import hashlib
import json
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.api import auth
from catalog.models import Category
from core.api import ApiError, CleanStr, ErrorOut, PageNumberPagination, non_json_answer
from core.pagination import CappedPaginator
from places.geo import distance_km, make_point
from repair.filters import RepairerFilter
from repair.models import Repairer
from repair.permissions import can_edit_repairer, can_view_repairer
from repair.selectors import opening_hours_of, repairers_geojson_rows, repairers_last_change, reviews_of
from repair.services import RepairerError, repairer_update, review_save

router = Router(tags=["repairers"])
GEOJSON_MAX_AGE = 300


class RepairerQuery(Schema):
    q: str = ""
    category: str = ""
    open_now: str = Field("", description="true: only those open right now; false or empty: all.")
    near: str = ""
    place: str = ""
    radius_km: str = ""
    ordering: str = Field("", description="distance, name, rating (best rated first) or relevance.")


class RepairerOut(Schema):
    id: int
    name: str
    slug: str
    short_description: str
    categories: list[str] = Field(description="Category slugs of the shared taxonomy.")
    address: str
    area: str | None = None
    lat: float = Field(description="The trading address (businesses are not fuzzed).")
    lon: float
    distance_km: float | None = None
    open_now: bool
    opening_state: str = Field(description="For people: “Open until 17:00”, “Closed – opens …”.")
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    rating_avg: float | None = Field(None, description="Average of 1–5 reviews; null without reviews.")
    rating_count: int = 0
    verified: bool
    url: str
    web_url: str


class ServiceOut(Schema):
    name: str
    price_from: int | None
    price_note: str


class HoursOut(Schema):
    weekday: int = Field(description="0 = Monday.")
    opens: str
    closes: str = Field(description="Earlier than or equal to `opens`: the next day.")


class RepairerDetailOut(RepairerOut):
    description: str
    phone: str
    email: str
    website: str
    languages: list[str]
    access: str
    access_note: str
    house_calls: bool
    pickup: bool
    org_number: str
    services: list[ServiceOut]
    hours: list[HoursOut]


class RepairerPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    short_description: CleanStr | None = Field(None, min_length=1, max_length=200)
    description: CleanStr | None = Field(None, max_length=5000)
    phone: CleanStr | None = Field(None, max_length=30)
    email: CleanStr | None = Field(None, max_length=254)
    website: CleanStr | None = Field(None, max_length=200)
    house_calls: bool | None = None
    pickup: bool | None = None
    org_number: CleanStr | None = Field(None, max_length=20)
    categories: list[str] | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


def repairer_out(request: HttpRequest, repairer: Repairer, *, geo=None, at: datetime) -> dict:
    state = opening_hours_of(repairer).state_at(at)
    return {
        "id": repairer.pk,
        "name": repairer.name,
        "slug": repairer.slug,
        "short_description": repairer.short_description,
        "categories": [c.slug for c in repairer.categories.all()],
        "address": repairer.full_address,
        "area": repairer.area.name if repairer.area_id else None,
        "lat": round(repairer.lat, 6),
        "lon": round(repairer.lon, 6),
        "distance_km": distance_km(geo.point, repairer.location) if geo else None,
        "open_now": state.is_open,
        "opening_state": state.label,
        "closes_at": state.closes_at,
        "opens_at": state.opens_at,
        "rating_avg": float(repairer.rating_avg) if repairer.rating_avg is not None else None,
        "rating_count": repairer.rating_count,
        "verified": repairer.verified,
        "url": request.build_absolute_uri(f"/api/v1/repairers/{repairer.pk}"),
        "web_url": request.build_absolute_uri(reverse("repair:detail", args=[repairer.slug])),
    }


def repairer_detail_out(request: HttpRequest, repairer: Repairer) -> dict:
    return {
        **repairer_out(request, repairer, at=timezone.now()),
        "description": repairer.description,
        "phone": repairer.phone,
        "email": repairer.email,
        "website": repairer.website,
        "languages": list(repairer.languages),
        "access": repairer.access,
        "access_note": repairer.access_note,
        "house_calls": repairer.house_calls,
        "pickup": repairer.pickup,
        "org_number": repairer.org_number,
        "services": [
            {"name": s.name, "price_from": s.price_from, "price_note": s.price_note}
            for s in repairer.services.all()
        ],
        "hours": [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in repairer.weekly_hours.all()
        ],
    }


class _Page:
    """Serialises only the page that is sliced out; the count stops at 1000."""

    def __init__(self, queryset, serialise):
        self.queryset = queryset
        self.serialise = serialise
        self.count_capped = False

    def count(self) -> int:
        paginator = CappedPaginator(self.queryset, 1)
        count, self.count_capped = paginator.count, paginator.count_capped
        return count

    def __getitem__(self, item):
        return [self.serialise(repairer) for repairer in self.queryset[item]]


@router.get("/repairers", response={200: list[RepairerOut], 400: ErrorOut, 404: ErrorOut}, auth=None)
@paginate(PageNumberPagination)
def repairer_list(request: HttpRequest, filters: Query[RepairerQuery]):
    """Published repair businesses. `q` searches name and descriptions (Norwegian stemming,
    accents and typos forgiven); `category` includes its subcategories (and repairers of its
    main category); `open_now=true` keeps those open at this moment (Europe/Oslo hours); with
    `near`/`place` results carry `distance_km` and come nearest first."""
    at = timezone.now()
    filterset = RepairerFilter(request.GET, queryset=Repairer.objects.none(), request=request, at=at)
    if not filterset.is_valid():
        errors = {field: [str(m) for m in messages] for field, messages in filterset.errors.items()}
        raise ApiError(
            _("Invalid search parameters."), status=404 if filterset.not_found else 400, errors=errors
        )
    geo = filterset.search.geo
    return _Page(filterset.qs, lambda repairer: repairer_out(request, repairer, geo=geo, at=at))


GEOJSON_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {"type": "object"}},
    },
}


@router.get(
    "/repairers.geojson",
    response={200: None, 304: None},
    auth=None,
    openapi_extra=non_json_answer("application/geo+json", "A GeoJSON FeatureCollection.", GEOJSON_SCHEMA),
)
def repairer_geojson(request: HttpRequest):
    """Every published repairer as a GeoJSON FeatureCollection (RFC 7946: coordinates are
    longitude, latitude). Open data: any site may fetch it (CORS), and it is cacheable (ETag,
    Last-Modified, 5 minutes)."""
    last_change = repairers_last_change()
    features = [
        {
            "type": "Feature",
            "id": repairer.pk,
            "geometry": {"type": "Point", "coordinates": [round(repairer.lon, 6), round(repairer.lat, 6)]},
            "properties": {
                "name": repairer.name,
                "short_description": repairer.short_description,
                "categories": [c.slug for c in repairer.categories.all()],
                "address": repairer.full_address,
                "phone": repairer.phone,
                "email": repairer.email,
                "website": repairer.website,
                "verified": repairer.verified,
                "url": request.build_absolute_uri(reverse("repair:detail", args=[repairer.slug])),
            },
        }
        for repairer in repairers_geojson_rows()
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    last_modified = int(last_change.timestamp()) if last_change else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={GEOJSON_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _visible(request: HttpRequest, repairer_id: int) -> Repairer:
    repairer = get_object_or_404(
        Repairer.objects.select_related("area").prefetch_related(
            "categories", "services", "weekly_hours", "hours_exceptions"
        ),
        pk=repairer_id,
    )
    if not can_view_repairer(request.user, repairer):
        raise ApiError(_("Not found."), status=404)
    return repairer


@router.get("/repairers/{int:repairer_id}", response={200: RepairerDetailOut, 404: ErrorOut}, auth=None)
def repairer_detail(request: HttpRequest, repairer_id: int):
    return repairer_detail_out(request, _visible(request, repairer_id))


@router.patch(
    "/repairers/{int:repairer_id}",
    response={200: RepairerDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=auth,
)
def repairer_patch(request: HttpRequest, repairer_id: int, payload: RepairerPatch):
    """The owners (or an editor) change a profile. Someone else's published profile: 403; one
    they cannot see: 404."""
    repairer = _visible(request, repairer_id)
    if not can_edit_repairer(request.user, repairer):
        raise ApiError(_("Only the profile's owners can change it."), status=403)
    changes = payload.dict(exclude_unset=True)
    for name in ("name", "short_description", "house_calls", "pickup"):
        if name in changes and changes[name] is None:
            raise ApiError(_("Invalid input."), errors={name: [_("This field cannot be empty.")]})
    for name in ("description", "phone", "email", "website", "org_number"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "categories" in changes:
        slugs = changes["categories"] or []
        found = list(Category.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {c.slug for c in found})
        if unknown:
            raise ApiError(
                _("Invalid input."),
                errors={"categories": [_("Unknown category “%(slug)s”.") % {"slug": unknown[0][:60]}]},
            )
        changes["categories"] = found
    if {"lat", "lon"} & changes.keys():
        lat, lon = changes.pop("lat", None), changes.pop("lon", None)
        if lat is None or lon is None:
            raise ApiError(_("Invalid input."), errors={"location": [_("Give both lat and lon.")]})
        changes["location"] = make_point(lat, lon)
    try:
        repairer_update(repairer=repairer, changes=changes)
    except RepairerError as error:
        raise ApiError(
            error.message, status=error.status, errors={error.field: [error.message]} if error.field else None
        ) from None
    return repairer_detail_out(request, _visible(request, repairer_id))


class ReviewOut(Schema):
    id: int
    rating: int
    text: str
    author: str = Field(description="The author's display name.")
    created_at: datetime
    updated_at: datetime
    answer: str | None = Field(None, description="The business's public answer.")
    answered_at: datetime | None = None


class ReviewIn(Schema):
    rating: int = Field(ge=1, le=5)
    text: CleanStr = Field(min_length=1, max_length=2000)


def review_out(review) -> dict:
    return {
        "id": review.pk,
        "rating": review.rating,
        "text": review.text,
        "author": review.author.display_name,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
        "answer": review.answer or None,
        "answered_at": review.answered_at,
    }


@router.get(
    "/repairers/{int:repairer_id}/reviews",
    response={200: list[ReviewOut], 400: ErrorOut, 404: ErrorOut},
    auth=None,
)
@paginate(PageNumberPagination)
def repairer_reviews(request: HttpRequest, repairer_id: int):
    """Reviews of a published repairer, newest first, with the business's answers."""
    repairer = _visible(request, repairer_id)
    return [review_out(review) for review in reviews_of(repairer)]


@router.post(
    "/repairers/{int:repairer_id}/reviews",
    response={
        200: ReviewOut,
        201: ReviewOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    auth=auth,
)
def repairer_review_save(request: HttpRequest, repairer_id: int, payload: ReviewIn):
    """Write your review (201) or change it (200): one per person and repairer. The business's
    owners cannot review it (403)."""
    repairer = _visible(request, repairer_id)
    try:
        review, created = review_save(
            repairer=repairer, author=request.user, rating=payload.rating, text=payload.text
        )
    except RepairerError as error:
        raise ApiError(
            error.message, status=error.status, errors={error.field: [error.message]} if error.field else None
        ) from None
    return Status(201 if created else 200, review_out(review))
