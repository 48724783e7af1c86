from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import BaseModel, model_validator

from accounts.api import auth
from catalog.models import Category
from core.api import ApiError, CleanStr, ErrorOut, PageNumberPagination
from marketplace.filters import ListingFilter
from marketplace.models import Listing
from marketplace.permissions import can_edit_listing, can_view_listing
from marketplace.services import (
    ListingData,
    ListingError,
    listing_create,
    listing_image_add,
    listing_image_prepare,
    listing_update,
    listing_withdraw,
)
from places.geo import make_point
from places.selectors import place_get_by_name

router = Router(tags=["listings"])


class ListingQuery(Schema):
    q: str = ""
    kind: str = ""
    category: str = ""
    condition: str = ""
    near: str = ""
    place: str = ""
    radius_km: str = ""
    ordering: str = ""


class ListingOut(BaseModel):
    """Validated from the dicts listing_out builds: a plain pydantic model skips the attribute
    lookups ninja's Schema adds for ORM objects (a third of a search request's Python)."""

    id: int
    title: str
    kind: str
    category: str
    condition: str
    status: str
    lat: float = Field(description="The public (fuzzed) point, never the exact one.")
    lon: float
    area: str | None = None
    distance_km: float | None = None
    created_at: datetime
    url: str
    image_url: str | None = None


class OwnerOut(Schema):
    display_name: str


class ImageOut(Schema):
    id: int
    url: str
    alt: str
    width: int
    height: int


class ListingDetailOut(ListingOut):
    description: str
    wants: str
    pickup_notes: str
    expires_at: datetime | None
    owner: OwnerOut
    images: list[ImageOut]


class ListingIn(Schema):
    title: CleanStr = Field(min_length=1, max_length=100)
    description: CleanStr = Field("", max_length=5000)
    kind: Listing.Kind
    category: str
    condition: Listing.Condition | None = None
    wants: CleanStr = Field("", max_length=200)
    pickup_notes: CleanStr = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    place: str | None = None

    @model_validator(mode="after")
    def _location_and_condition(self):
        has_point = self.lat is not None and self.lon is not None
        if has_point == bool(self.place):
            raise ValueError(_("Give either lat and lon, or place."))
        if (self.lat is None) != (self.lon is None):
            raise ValueError(_("Give both lat and lon."))
        if self.kind != Listing.Kind.WANTED and not self.condition:
            raise ValueError(_("Condition is required for give-away and swap listings."))
        return self


class ListingPatch(Schema):
    title: CleanStr | None = Field(None, min_length=1, max_length=100)
    description: CleanStr | None = Field(None, max_length=5000)
    kind: Listing.Kind | None = None
    category: str | None = None
    condition: Listing.Condition | None = None
    wants: CleanStr | None = Field(None, max_length=200)
    pickup_notes: CleanStr | None = Field(None, max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    place: str | None = None


def _category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ApiError(
            _("Invalid input."),
            errors={"category": [_("Unknown category “%(slug)s”.") % {"slug": slug[:60]}]},
        )
    return category


def _point(lat: float | None, lon: float | None, place: str | None):
    if place:
        found = place_get_by_name(place)
        if found is None:
            raise ApiError(
                _("Invalid input."),
                errors={"place": [_("No place called “%(name)s” was found.") % {"name": place[:100]}]},
            )
        return found.point
    return make_point(lat, lon)


def _image_url(origin: str, listing: Listing) -> str | None:
    image = listing.cover
    if image is None:
        return None
    name = image.renditions.get("card", {}).get("jpeg") or image.original.name
    url = image.original.storage.url(name)
    return origin + url if url.startswith("/") else url  # MEDIA_URL may be absolute (a CDN)


def listing_out(request: HttpRequest, listing: Listing, origin: str | None = None) -> dict:
    """One listing as a list entry; `distance_km` is the search's (None without a point).
    `origin` is the request's scheme and host, when the caller has it already."""
    origin = origin or request.build_absolute_uri("/")[:-1]
    return {
        "id": listing.pk,
        "title": listing.title,
        "kind": listing.kind,
        "category": listing.category.slug,
        "condition": listing.condition,
        "status": listing.status,
        "lat": round(listing.public_lat, 5),
        "lon": round(listing.public_lon, 5),
        "area": listing.area.name if listing.area_id else None,
        "distance_km": getattr(listing, "distance", None),
        "created_at": listing.published_at or listing.created_at,
        "url": f"{origin}/api/v1/listings/{listing.pk}",
        "image_url": _image_url(origin, listing),
    }


def listing_detail_out(request: HttpRequest, listing: Listing) -> dict:
    return {
        **listing_out(request, listing),
        "description": listing.description,
        "wants": listing.wants,
        "pickup_notes": listing.pickup_notes,
        "expires_at": listing.expires_at,
        "owner": {"display_name": listing.owner.display_name},
        "images": [
            {
                "id": image.pk,
                "url": request.build_absolute_uri(image.original.storage.url(image.original.name)),
                "alt": image.alt_text or listing.title,
                "width": image.width,
                "height": image.height,
            }
            for image in listing.images.all()
        ],
    }


def _raise(error: ListingError):
    raise ApiError(
        error.message,
        status=error.status,
        errors={error.field: [error.message]} if error.field else None,
        retry_after=error.retry_after,
    )


@router.get("", response={200: list[ListingOut], 400: ErrorOut, 404: ErrorOut}, auth=None)
@paginate(PageNumberPagination)
def listing_list(request: HttpRequest, filters: Query[ListingQuery]):
    """Active listings. `q` searches title and description (Norwegian stemming, accents and
    typos forgiven); `category` includes subcategories; with `near`/`place` results carry
    `distance_km` and come nearest first unless `ordering` says otherwise."""
    filterset = ListingFilter(request.GET, queryset=Listing.objects.none(), request=request)
    if not filterset.is_valid():
        errors = {field: [str(m) for m in messages] for field, messages in filterset.errors.items()}
        raise ApiError(
            _("Invalid search parameters."), status=404 if filterset.not_found else 400, errors=errors
        )
    origin = request.build_absolute_uri("/")[:-1]
    return _ListingPage(filterset, lambda listing: listing_out(request, listing, origin))


class _ListingPage:
    """A queryset that serialises lazily: only the page that is sliced out is turned into dicts
    (and only its distances computed). Its count stops at 1000 (`count_capped`)."""

    def __init__(self, filterset: ListingFilter, serialise):
        self.queryset = filterset.qs
        self.filterset = filterset
        self.serialise = serialise
        self.count_capped = False

    def count(self) -> int:
        count, self.count_capped = self.filterset.count_capped()
        return count

    def __getitem__(self, item):
        return [self.serialise(listing) for listing in self.queryset[item]]


@router.get("/{int:listing_id}", response={200: ListingDetailOut, 404: ErrorOut}, auth=None)
def listing_detail(request: HttpRequest, listing_id: int):
    listing = get_object_or_404(
        Listing.objects.select_related("owner__profile", "category", "area"), pk=listing_id
    )
    if not can_view_listing(request.user, listing):
        raise ApiError(_("Not found."), status=404)
    return listing_detail_out(request, listing)


@router.post("", response={201: ListingDetailOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut}, auth=auth)
def listing_create_endpoint(request: HttpRequest, payload: ListingIn):
    data = ListingData(
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        category=_category(payload.category),
        condition=payload.condition or "",
        wants=payload.wants,
        pickup_notes=payload.pickup_notes,
        location=_point(payload.lat, payload.lon, payload.place),
    )
    try:
        listing = listing_create(owner=request.user, data=data)
    except ListingError as error:
        _raise(error)
    return Status(201, listing_detail_out(request, listing))


def _owned_listing(request: HttpRequest, listing_id: int) -> Listing:
    listing = get_object_or_404(Listing.objects.select_related("owner__profile"), pk=listing_id)
    if not can_edit_listing(request.user, listing):
        # Someone else's public listing: 403; one they cannot even see: 404.
        if can_view_listing(request.user, listing):
            raise ApiError(_("Only the owner can change this listing."), status=403)
        raise ApiError(_("Not found."), status=404)
    return listing


@router.patch(
    "/{int:listing_id}",
    response={200: ListingDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=auth,
)
def listing_patch(request: HttpRequest, listing_id: int, payload: ListingPatch):
    listing = _owned_listing(request, listing_id)
    changes = payload.dict(exclude_unset=True)
    for field in ("title", "kind"):
        if field in changes and changes[field] is None:
            raise ApiError(_("Invalid input."), errors={field: [_("This field cannot be empty.")]})
    if "category" in changes:
        changes["category"] = _category(changes["category"] or "")
    if "condition" in changes:
        changes["condition"] = changes["condition"] or ""
    if {"lat", "lon", "place"} & changes.keys():
        lat, lon, place = changes.pop("lat", None), changes.pop("lon", None), changes.pop("place", None)
        if (lat is None or lon is None) == (not place):
            raise ApiError(
                _("Invalid input."), errors={"location": [_("Give either lat and lon, or place.")]}
            )
        changes["location"] = _point(lat, lon, place)
    listing = listing_update(listing=listing, changes=changes)
    return listing_detail_out(request, listing)


@router.delete(
    "/{int:listing_id}", response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}, auth=auth
)
def listing_delete(request: HttpRequest, listing_id: int):
    """Withdraw the listing (it disappears from search; the owner still sees it)."""
    listing = _owned_listing(request, listing_id)
    try:
        listing_withdraw(listing=listing)
    except ListingError as error:
        _raise(error)
    return Status(204, None)


class ImageIn(Schema):
    """The multipart fields beside the photo."""

    alt: CleanStr = Field("", max_length=200)


class ImageCreatedOut(Schema):
    id: int
    url: str


@router.post(
    "/{int:listing_id}/images",
    response={201: ImageCreatedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=auth,
)
def listing_image_upload(
    request: HttpRequest, listing_id: int, image: File[UploadedFile], fields: Form[ImageIn]
):
    """Add a photo (multipart field `image`, optional `alt`). JPEG, PNG, WebP or HEIC up to
    15 MB and 50 megapixels; it is decoded, turned upright, stripped of all metadata (GPS
    included) and re-encoded before anything is stored."""
    listing = _owned_listing(request, listing_id)
    try:
        stored = listing_image_add(listing=listing, image=listing_image_prepare(image), alt_text=fields.alt)
    except ListingError as error:
        _raise(error)
    return Status(
        201,
        {
            "id": stored.pk,
            "url": request.build_absolute_uri(stored.original.storage.url(stored.original.name)),
        },
    )
