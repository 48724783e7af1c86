from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import category_choices
from chat.selectors import partners_about
from core import crosslinks
from core.forms import PhotoDescriptionForm, errors_as_messages
from core.pagination import CappedPaginator
from marketplace import services
from marketplace.filters import ORDERING_CHOICES, ListingFilter
from marketplace.forms import FeedbackForm, ListingForm, PhotoUploadForm, ReportForm, SavedSearchForm
from marketplace.models import MAX_IMAGES, Listing, ListingImage, SavedSearch
from marketplace.permissions import can_edit_listing, can_view_listing
from marketplace.selectors import (
    exchange_reputation,
    favourites_of,
    feedback_pending_for,
    is_favourite,
    listings_of_owner,
    repairers_for,
)
from places.geo import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from places.models import Place

PAGE_SIZE = 20
WIDER_RADII = (10, 25, 50)
RADIUS_CHOICES = (1, 2, 5, 10, 25, 50)


def _home_place(user):
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile.home_place if profile else None


def _search_params(request):
    """The query string, centred on the user's home area when no place was given."""
    params = request.GET.copy()
    params.pop("page", None)
    home = _home_place(request.user)
    if home is not None and not params.get("near") and not params.get("place") and "anywhere" not in params:
        params["place"] = home.name
    return params


def listing_list(request):
    params = _search_params(request)
    filterset = ListingFilter(params, queryset=Listing.objects.none(), request=request)
    context = {
        "filterset": filterset,
        "params": params,
        "category_groups": category_choices(),
        "kinds": Listing.Kind.choices,
        "conditions": Listing.Condition.choices,
        "radii": RADIUS_CHOICES,
        "place_names": Place.objects.order_by("name").values_list("name", flat=True),
        "orderings": ORDERING_CHOICES,
    }
    if not filterset.is_valid():
        return render(
            request, "marketplace/listing_list.html", context, status=404 if filterset.not_found else 400
        )
    search = filterset.search
    page = CappedPaginator(filterset.qs, PAGE_SIZE, counter=filterset.count_capped).get_page(
        request.GET.get("page")
    )
    radius = search.geo.radius_km if search.geo else DEFAULT_RADIUS_KM
    context.update(
        searched=True,
        page=page,
        search=search,
        wider_radii=[r for r in WIDER_RADII if r > radius and r <= MAX_RADIUS_KM] if search.geo else [],
        borrow_instead=crosslinks.offers(
            crosslinks.BORROW_INSTEAD,
            q=search.q,
            category_ids=search.category_ids,
            point=search.geo.point if search.geo else None,
        ),
        query_without_page=params.urlencode(),
    )
    return render(request, "marketplace/listing_list.html", context)


def _map_config(centre=None, radius_km=None) -> dict:
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre": [centre.y, centre.x] if centre else [59.9139, 10.5700],
        "radius_km": radius_km,
    }


def listing_map(request):
    """The same search as the list, as pins at public points (the list stays the fallback)."""
    params = _search_params(request)
    filterset = ListingFilter(params, queryset=Listing.objects.none(), request=request)
    if not filterset.is_valid():
        return redirect(f"{reverse('marketplace:list')}?{request.GET.urlencode()}")
    listings = list(filterset.qs[: settings.MAP_MAX_PINS])
    pins = [
        {
            "lat": round(listing.public_lat, 5),
            "lon": round(listing.public_lon, 5),
            "title": listing.title,
            "kind": listing.get_kind_display(),
            "url": reverse("marketplace:detail", args=[listing.pk]),
        }
        for listing in listings
    ]
    search = filterset.search
    centre = search.geo.point if search.geo else None
    context = {
        "pins": pins,
        "listings": listings,
        "map_config": _map_config(centre, search.geo.radius_km if search.geo else None),
        "truncated": len(listings) == settings.MAP_MAX_PINS,
        "query": params.urlencode(),
    }
    return render(request, "marketplace/listing_map.html", context)


def listing_detail(request, listing_id: int):
    listing = get_object_or_404(
        Listing.objects.select_related("owner__profile", "category__parent", "area").prefetch_related(
            "images"
        ),
        pk=listing_id,
    )
    if not can_view_listing(request.user, listing):
        raise Http404
    return render(request, "marketplace/listing_detail.html", _detail_context(request, listing))


def _detail_context(request, listing: Listing) -> dict:
    can_edit = can_edit_listing(request.user, listing)
    partners = partners_about(listing, listing.owner) if can_edit else []
    return {
        "listing": listing,
        "can_edit": can_edit,
        "partners": partners,
        "is_favourite": is_favourite(request.user, listing),
        "reputation": exchange_reputation(listing.owner),
        "can_give_feedback": feedback_pending_for(request.user, listing),
        "repairers": repairers_for(listing),
        "borrow_instead": crosslinks.offers(
            crosslinks.BORROW_INSTEAD,
            q=listing.title,
            category_ids=[listing.category_id],
            point=listing.public_location,
        )
        if can_edit and listing.kind == Listing.Kind.WANTED
        else [],
    }


@login_required
@require_POST
def listing_reserve(request, listing_id: int):
    """Reserve for someone the owner has talked to about this listing."""
    listing = _owned(request, listing_id)
    partner = partners_about(listing, listing.owner).filter(pk=request.POST.get("partner") or 0).first()
    if partner is None:
        messages.error(request, _("Choose someone you have talked to about this listing."))
        return redirect("marketplace:detail", listing_id=listing.pk)
    try:
        services.listing_reserve(listing=listing, partner=partner)
    except services.ListingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reserved for %(name)s.") % {"name": partner.display_name})
    return redirect("marketplace:detail", listing_id=listing.pk)


@login_required
def listing_create(request):
    form = ListingForm(request.POST or None, request.FILES or None, home_place=_home_place(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                listing = services.listing_create(
                    owner=request.user,
                    data=services.ListingData(
                        **{f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS},
                        location=form.cleaned_data["location"],
                    ),
                    publish="save_draft" not in request.POST,
                )
                for photo in form.cleaned_data["photos"]:
                    services.listing_image_add(listing=listing, image=photo)
        except services.ListingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your listing is published.") if listing.is_public else _("Draft saved.")
            )
            return redirect("marketplace:detail", listing_id=listing.pk)
    return render(
        request,
        "marketplace/listing_form.html",
        {"form": form, "creating": True, "map_config": _map_config()},
        status=400 if form.is_bound else 200,
    )


def _owned(request, listing_id: int) -> Listing:
    listing = get_object_or_404(Listing, pk=listing_id)
    if not can_edit_listing(request.user, listing):
        if can_view_listing(request.user, listing):
            raise PermissionDenied
        raise Http404
    return listing


@login_required
def listing_edit(request, listing_id: int):
    listing = _owned(request, listing_id)
    form = _edit_form(listing, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS}
        if form.has_changed() and {"place", "point"} & set(form.changed_data):
            changes["location"] = form.cleaned_data["location"]
        services.listing_update(listing=listing, changes=changes)
        messages.success(request, _("Your changes are saved."))
        return redirect("marketplace:detail", listing_id=listing.pk)
    return _edit_page(request, listing, form, status=400 if form.is_bound else 200)


def _edit_form(listing: Listing, data=None) -> ListingForm:
    initial = {f: getattr(listing, f) for f in services.EDITABLE_FIELDS}
    initial.update(category=listing.category.slug, place=listing.area.name if listing.area_id else None)
    return ListingForm(data, initial=initial, with_photos=False)


def _edit_page(request, listing: Listing, form: ListingForm, *, status: int):
    context = {
        "form": form,
        "listing": listing,
        "creating": False,
        "photo_form": PhotoUploadForm(room=_room(listing)),
    }
    return render(request, "marketplace/listing_form.html", context, status=status)


def _room(listing: Listing) -> int:
    return max(0, MAX_IMAGES - listing.images.count())


@login_required
@require_POST
def listing_photos(request, listing_id: int):
    """Add, describe, reorder and delete photos (plain forms; the edit page shows them)."""
    listing = _owned(request, listing_id)
    action = request.POST.get("action", "add")
    if action == "add":
        form = PhotoUploadForm(request.POST, request.FILES, room=_room(listing))
        if form.is_valid():
            with transaction.atomic():
                for photo in form.cleaned_data["photos"]:
                    services.listing_image_add(listing=listing, image=photo)
            messages.success(request, _("The photos are added."))
        else:
            for error in form.errors.get("photos", []):
                messages.error(request, error)
        return redirect("marketplace:edit", listing_id=listing.pk)
    image = get_object_or_404(ListingImage, pk=request.POST.get("image") or 0, listing=listing)
    if action == "delete":
        services.listing_image_delete(image=image)
        messages.success(request, _("The photo is deleted."))
    elif action in ("earlier", "later"):
        services.listing_image_move(image=image, offset=-1 if action == "earlier" else 1)
    elif action == "describe":
        form = PhotoDescriptionForm(request.POST)
        if not form.is_valid():
            errors_as_messages(request, form)
            return _edit_page(request, listing, _edit_form(listing), status=400)
        services.listing_image_describe(image=image, alt_text=form.cleaned_data["alt_text"])
        messages.success(request, _("The description is saved."))
    else:
        raise Http404
    return redirect("marketplace:edit", listing_id=listing.pk)


STATUS_ACTIONS = {
    "publish": (services.listing_publish, _("The listing is published.")),
    "renew": (services.listing_renew, _("The listing is renewed for 30 days.")),
    "withdraw": (services.listing_withdraw, _("The listing is withdrawn.")),
    "unreserve": (services.listing_unreserve, _("The reservation is cancelled.")),
    "complete": (services.listing_complete, _("Marked as completed. Thank you for reusing!")),
}


@login_required
@require_POST
def listing_action(request, listing_id: int, action: str):
    listing = _owned(request, listing_id)
    if action not in STATUS_ACTIONS:
        raise Http404
    service, done = STATUS_ACTIONS[action]
    try:
        service(listing=listing)
    except services.ListingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("marketplace:detail", listing_id=listing.pk)


MY_TABS = [
    ("active", _("Active")),
    ("reserved", _("Reserved")),
    ("draft", _("Drafts")),
    ("completed", _("Completed")),
    ("expired", _("Expired")),
    ("withdrawn", _("Withdrawn")),
]


@login_required
def my_listings(request):
    status = request.GET.get("status", "active")
    if status not in dict(MY_TABS):
        status = "active"
    listings = listings_of_owner(owner=request.user, status=status)
    page = CappedPaginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "marketplace/my_listings.html", {"page": page, "tabs": MY_TABS, "status": status})


def listing_renew_by_link(request, listing_id: int, token: str):
    """The email's one-click renewal: works without signing in, for this listing only."""
    listing = services.listing_from_renewal_token(token)
    if listing is None or listing.pk != listing_id:
        return render(request, "marketplace/renew.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            services.listing_renew(listing=listing)
        except services.ListingError as error:
            return render(
                request, "marketplace/renew.html", {"listing": listing, "error": error.message}, status=409
            )
        return render(request, "marketplace/renew.html", {"listing": listing, "renewed": True})
    return render(request, "marketplace/renew.html", {"listing": listing})


@login_required
@require_POST
def listing_favourite(request, listing_id: int):
    listing = get_object_or_404(Listing, pk=listing_id)
    if not can_view_listing(request.user, listing):
        raise Http404
    saved = services.favourite_toggle(user=request.user, listing=listing)
    messages.success(request, _("Saved to your favourites.") if saved else _("Removed from your favourites."))
    return redirect("marketplace:detail", listing_id=listing.pk)


@login_required
@require_POST
def listing_hide(request, listing_id: int, what: str):
    """Leave this listing, or everything from its poster, out of my results."""
    listing = get_object_or_404(Listing.objects.select_related("owner__profile"), pk=listing_id)
    if not can_view_listing(request.user, listing):
        raise Http404
    try:
        if what == "annonse":
            services.listing_hide_for(user=request.user, listing=listing)
            messages.success(request, _("You will not see this listing in your results again."))
        elif what == "annonsor":
            services.owner_hide_for(user=request.user, owner=listing.owner)
            messages.success(
                request,
                _("You will not see listings from %(name)s in your results again.")
                % {"name": listing.owner.display_name},
            )
        else:
            raise Http404
    except services.ListingError as error:
        messages.error(request, error.message)
        return redirect("marketplace:detail", listing_id=listing.pk)
    return redirect("marketplace:list")


@login_required
def saved(request):
    """Favourites and saved searches."""
    if request.method == "POST":
        if request.POST.get("action") == "unhide":
            services.hidden_clear(user=request.user)
            messages.success(request, _("Hidden listings and posters are shown again."))
        elif request.POST.get("action") == "delete_search":
            SavedSearch.objects.filter(user=request.user, pk=request.POST.get("search") or 0).delete()
            messages.success(request, _("The saved search is deleted."))
        return redirect("marketplace:saved")
    return _saved_page(request)


def _saved_page(request, *, status: int = 200):
    context = {
        "favourites": favourites_of(request.user)[:100],
        "searches": SavedSearch.objects.filter(user=request.user, active=True),
    }
    return render(request, "marketplace/saved.html", context, status=status)


@login_required
@require_POST
def saved_search_create(request):
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return _saved_page(request, status=400)
    try:
        services.saved_search_create(
            user=request.user,
            name=form.cleaned_data["name"],
            params=form.params(),
            frequency=request.POST.get("frequency", SavedSearch.Frequency.INSTANT),
        )
    except services.ListingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Search saved. We will email you about new listings."))
    return redirect("marketplace:saved")


def saved_search_unsubscribe(request, token: str):
    """The email's unsubscribe link: no sign-in needed."""
    saved_search = services.saved_search_from_token(token)
    if saved_search is None:
        return render(request, "marketplace/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.saved_search_deactivate(saved=saved_search)
        return render(request, "marketplace/unsubscribe.html", {"saved": saved_search, "done": True})
    return render(request, "marketplace/unsubscribe.html", {"saved": saved_search})


@login_required
def listing_report(request, listing_id: int):
    listing = get_object_or_404(Listing, pk=listing_id)
    if not can_view_listing(request.user, listing):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, listing=listing, **form.cleaned_data)
        except services.ListingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. A moderator will look at the listing."))
            return redirect("marketplace:detail", listing_id=listing.pk)
    return render(
        request,
        "marketplace/report.html",
        {"form": form, "listing": listing},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def listing_feedback(request, listing_id: int):
    listing = get_object_or_404(Listing, pk=listing_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        if not can_view_listing(request.user, listing):
            raise PermissionDenied
        errors_as_messages(request, form)
        context = _detail_context(request, listing)
        return render(request, "marketplace/listing_detail.html", context, status=400)
    try:
        services.feedback_give(
            author=request.user,
            listing=listing,
            rating=request.POST.get("rating", ""),
            text=form.cleaned_data["text"],
        )
    except services.ListingError as error:
        if error.status == 403:
            raise PermissionDenied from None
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you! Your rating is shown when both have rated, or after 14 days.")
        )
    return redirect("marketplace:detail", listing_id=listing.pk)
