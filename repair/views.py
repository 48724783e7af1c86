"""The public directory, the profile page and the owners' dashboard. Thin: parse, authorise,
call a service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import category_choices
from core.pagination import CappedPaginator
from places.forms import WeeklyHoursForm
from places.geo import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, distance_km
from places.models import Place
from repair import services
from repair.filters import ORDERING_CHOICES, RepairerFilter
from repair.forms import HoursExceptionFormSet, PhotoUploadForm, RepairerForm, ReviewForm, ServiceFormSet
from repair.models import MAX_PHOTOS, Repairer, RepairerPhoto, Review
from repair.permissions import (
    can_answer_review,
    can_create_repairer,
    can_edit_repairer,
    can_review,
    can_view_repairer,
    is_owner,
)
from repair.selectors import opening_hours_of, opening_of, repairers_of_owner, review_by, reviews_of

PAGE_SIZE = 20
RADIUS_CHOICES = (1, 2, 5, 10, 25, 50)
WIDER_RADII = (10, 25, 50)


def _search_params(request):
    """The query string, centred on the user's home area when no place was given."""
    params = request.GET.copy()
    params.pop("page", None)
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    home = profile.home_place if profile else None
    if home is not None and not params.get("near") and not params.get("place") and "anywhere" not in params:
        params["place"] = home.name
    return params


def repairer_list(request):
    params = _search_params(request)
    now = timezone.now()
    filterset = RepairerFilter(params, queryset=Repairer.objects.none(), request=request, at=now)
    context = {
        "filterset": filterset,
        "params": params,
        "category_groups": category_choices(),
        "radii": RADIUS_CHOICES,
        "place_names": Place.objects.order_by("name").values_list("name", flat=True),
        "orderings": ORDERING_CHOICES,
    }
    if not filterset.is_valid():
        return render(
            request, "repair/repairer_list.html", context, status=404 if filterset.not_found else 400
        )
    search = filterset.search
    page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for repairer in page.object_list:
        repairer.distance = distance_km(search.geo.point, repairer.location) if search.geo else None
        repairer.opening_state = opening_hours_of(repairer).state_at(now)
    radius = search.geo.radius_km if search.geo else DEFAULT_RADIUS_KM
    context.update(
        searched=True,
        page=page,
        search=search,
        wider_radii=[r for r in WIDER_RADII if radius < r <= MAX_RADIUS_KM] if search.geo else [],
        query_without_page=params.urlencode(),
    )
    return render(request, "repair/repairer_list.html", context)


def _map_config(repairer: Repairer | None = None) -> dict:
    """Leaflet settings: centred on the profile (zoomed in), else on Bærum."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre": [repairer.lat, repairer.lon] if repairer else [59.9139, 10.5700],
        "radius_km": 1 if repairer else None,
    }


def repairer_detail(request, slug: str):
    repairer = get_object_or_404(
        Repairer.objects.select_related("area").prefetch_related(
            "categories", "services", "photos", "weekly_hours", "hours_exceptions"
        ),
        slug=slug,
    )
    if not can_view_repairer(request.user, repairer):
        raise Http404
    pin = {
        "lat": round(repairer.lat, 6),
        "lon": round(repairer.lon, 6),
        "title": repairer.name,
        "kind": repairer.full_address,
        "url": request.path,
    }
    reviews = list(reviews_of(repairer)) if repairer.is_public else []
    owner = is_owner(request.user, repairer)
    for review in reviews:
        review.can_answer = owner and not review.answered_at
    mine = review_by(request.user, repairer)
    context = {
        "repairer": repairer,
        "opening": opening_of(repairer),
        "can_edit": can_edit_repairer(request.user, repairer),
        "pins": [pin],
        "map_config": _map_config(repairer),
        "reviews": reviews,
        "is_owner": owner,
        "my_review": mine,
        "can_review": can_review(request.user, repairer),
        "review_form": ReviewForm(initial={"rating": mine.rating, "text": mine.text} if mine else None),
    }
    return render(request, "repair/repairer_detail.html", context)


# --- The owners' dashboard -----------------------------------------------------------------------


def _owned(request, repairer_id: int) -> Repairer:
    """The profile if this user may edit it: someone else's public profile is 403, one they
    cannot even see is 404."""
    repairer = get_object_or_404(Repairer, pk=repairer_id)
    if not can_edit_repairer(request.user, repairer):
        if can_view_repairer(request.user, repairer):
            raise PermissionDenied
        raise Http404
    return repairer


@login_required
def dashboard(request):
    return render(request, "repair/dashboard.html", {"repairers": repairers_of_owner(request.user)})


@login_required
def dashboard_create(request):
    if not can_create_repairer(request.user):
        raise PermissionDenied
    form = RepairerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.data_changes()
        try:
            repairer = services.repairer_create(
                owner=request.user,
                data=services.RepairerData(
                    **{k: data[k] for k in (*services.EDITABLE_FIELDS, "location", "categories")}
                ),
            )
        except services.RepairerError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Draft saved. Add opening hours, services and photos, then send it for approval.")
            )
            return redirect("repair:dashboard_edit", repairer_id=repairer.pk)
    return render(
        request,
        "repair/dashboard_form.html",
        {"form": form, "creating": True, "map_config": _map_config()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def dashboard_edit(request, repairer_id: int):
    repairer = _owned(request, repairer_id)
    form = RepairerForm(request.POST or None, repairer=repairer)
    if request.method == "POST" and form.is_valid():
        try:
            services.repairer_update(repairer=repairer, changes=form.data_changes())
        except services.RepairerError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("repair:dashboard_edit", repairer_id=repairer.pk)
    return render(
        request,
        "repair/dashboard_form.html",
        {"form": form, "repairer": repairer, "map_config": _map_config(repairer)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def dashboard_hours(request, repairer_id: int):
    repairer = _owned(request, repairer_id)
    rows = list(repairer.weekly_hours.all())
    week = WeeklyHoursForm(request.POST or None, rows=rows, prefix="week")
    exceptions = HoursExceptionFormSet(
        request.POST or None,
        queryset=repairer.hours_exceptions.filter(end_date__gte=timezone.localdate()),
        prefix="special",
    )
    if request.method == "POST" and week.is_valid() and exceptions.is_valid():
        with transaction.atomic():
            services.repairer_hours_set(repairer=repairer, intervals=week.intervals())
            for exception in exceptions.save(commit=False):
                exception.repairer = repairer
                exception.save()
            for removed in exceptions.deleted_objects:
                removed.delete()
        messages.success(request, _("Opening hours saved."))
        return redirect("repair:dashboard_hours", repairer_id=repairer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "repair/dashboard_hours.html",
        {"repairer": repairer, "week": week, "exceptions": exceptions, "opening": opening_of(repairer)},
        status=status,
    )


@login_required
def dashboard_services(request, repairer_id: int):
    repairer = _owned(request, repairer_id)
    initial = [
        {"name": s.name, "price_from": s.price_from, "price_note": s.price_note}
        for s in repairer.services.all()
    ]
    formset = ServiceFormSet(request.POST or None, initial=initial, prefix="services")
    if request.method == "POST" and formset.is_valid():
        try:
            services.repairer_services_set(
                repairer=repairer,
                services=[
                    services.ServiceData(
                        name=f.cleaned_data.get("name", ""),
                        price_from=f.cleaned_data.get("price_from"),
                        price_note=f.cleaned_data.get("price_note", ""),
                    )
                    for f in formset.forms
                    if f.cleaned_data
                ],
            )
        except services.RepairerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Services saved."))
            return redirect("repair:dashboard_services", repairer_id=repairer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "repair/dashboard_services.html", {"repairer": repairer, "formset": formset}, status=status
    )


@login_required
def dashboard_photos(request, repairer_id: int):
    repairer = _owned(request, repairer_id)
    photos = list(repairer.photos.all())
    form = PhotoUploadForm(request.POST or None, request.FILES or None, room=MAX_PHOTOS - len(photos))
    if request.method == "POST":
        if "delete" in request.POST:
            photo_id = request.POST["delete"]
            photo = get_object_or_404(
                RepairerPhoto, pk=int(photo_id) if photo_id.isdigit() else 0, repairer=repairer
            )
            services.repairer_photo_delete(photo=photo)
            messages.success(request, _("Photo removed."))
            return redirect("repair:dashboard_photos", repairer_id=repairer.pk)
        if form.is_valid():
            try:
                services.repairer_photo_add(
                    repairer=repairer,
                    image=form.cleaned_data["photo"],
                    alt_text=form.cleaned_data["alt_text"],
                )
            except services.RepairerError as error:
                form.add_error("photo", error.message)
            else:
                messages.success(request, _("Photo added."))
                return redirect("repair:dashboard_photos", repairer_id=repairer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "repair/dashboard_photos.html",
        {"repairer": repairer, "photos": photos, "form": form, "max_photos": MAX_PHOTOS},
        status=status,
    )


@login_required
@require_POST
def dashboard_submit(request, repairer_id: int):
    repairer = _owned(request, repairer_id)
    try:
        services.repairer_submit(repairer=repairer)
    except services.RepairerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sent for approval. We will email you when an editor has looked at it."))
    return redirect("repair:dashboard_edit", repairer_id=repairer.pk)


# --- Reviews -------------------------------------------------------------------------------------


def _public(slug: str) -> Repairer:
    repairer = get_object_or_404(Repairer, slug=slug)
    if not repairer.is_public:
        raise Http404
    return repairer


@login_required
@require_POST
def review_save(request, slug: str):
    repairer = _public(slug)
    if not can_review(request.user, repairer):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('repair:detail', args=[slug])}#reviews")
    try:
        _review, created = services.review_save(
            repairer=repairer,
            author=request.user,
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
    except services.RepairerError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you for your review.") if created else _("Your review is changed.")
        )
    return redirect(f"{reverse('repair:detail', args=[slug])}#reviews")


@login_required
@require_POST
def review_delete(request, slug: str):
    repairer = _public(slug)
    review = get_object_or_404(Review, repairer=repairer, author=request.user)
    services.review_delete(review=review)
    messages.success(request, _("Your review is deleted."))
    return redirect(f"{reverse('repair:detail', args=[slug])}#reviews")


@login_required
@require_POST
def review_answer(request, slug: str, review_id: int):
    repairer = _public(slug)
    review = get_object_or_404(Review, pk=review_id, repairer=repairer)
    if not can_answer_review(request.user, review):
        raise PermissionDenied
    try:
        services.review_answer(review=review, owner=request.user, text=request.POST.get("answer", ""))
    except services.RepairerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer is published."))
    return redirect(f"{reverse('repair:detail', args=[slug])}#review-{review.pk}")
