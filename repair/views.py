"""The public directory, the profile page and the owners' dashboard. Thin: parse, authorise,
call a service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import category_choices
from core.forms import errors_as_messages
from core.pagination import CappedPaginator
from places.forms import WeeklyHoursForm
from places.geo import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, distance_km
from places.models import Place
from repair import services
from repair.filters import ORDERING_CHOICES, RepairerFilter
from repair.forms import (
    ClaimForm,
    HoursExceptionFormSet,
    InviteOwnerForm,
    PhotoUploadForm,
    QuoteRequestForm,
    RepairerForm,
    RepairLogForm,
    ReviewAnswerForm,
    ReviewForm,
    ReviewReportForm,
    ServiceFormSet,
)
from repair.models import MAX_PHOTOS, QuoteRequestPhoto, Repairer, RepairerPhoto, Review
from repair.ords import ords_csv_lines
from repair.permissions import (
    can_answer_review,
    can_claim,
    can_create_repairer,
    can_edit_repairer,
    can_report_review,
    can_request_quote,
    can_review,
    can_view_repairer,
    is_editor,
    is_owner,
)
from repair.selectors import (
    badge_criteria,
    opening_hours_of,
    opening_of,
    repair_logs_export,
    repair_logs_last_change,
    repair_logs_of,
    repairers_of_owner,
    review_by,
    reviews_of,
)
from repair.structured_data import repairer_local_business

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
    return render(request, "repair/repairer_detail.html", _detail_context(request, repairer))


def _detail_context(request, repairer: Repairer, *, review_form: ReviewForm | None = None) -> dict:
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
        review.can_report = can_report_review(request.user, review)
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
        "review_form": review_form
        or ReviewForm(initial={"rating": mine.rating, "text": mine.text} if mine else None),
        "badge_criteria": badge_criteria(repairer),
        "can_request_quote": can_request_quote(request.user, repairer),
        "can_claim": can_claim(request.user, repairer),
        "unclaimed": repairer.is_public and not repairer.owners.exists(),
        # schema.org LocalBusiness for search engines, only for public profiles
        "structured_data": repairer_local_business(
            repairer, url=request.build_absolute_uri(request.path), absolute=request.build_absolute_uri
        )
        if repairer.is_public
        else None,
    }
    return context


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
    if not form.is_valid():  # the page again, with what was typed and why it was refused
        context = _detail_context(request, repairer, review_form=form)
        return render(request, "repair/repairer_detail.html", context, status=400)
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
    form = ReviewAnswerForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return render(request, "repair/repairer_detail.html", _detail_context(request, repairer), status=400)
    try:
        services.review_answer(review=review, owner=request.user, text=form.cleaned_data["answer"])
    except services.RepairerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer is published."))
    return redirect(f"{reverse('repair:detail', args=[slug])}#review-{review.pk}")


@login_required
def review_report(request, slug: str, review_id: int):
    repairer = _public(slug)
    review = get_object_or_404(Review, pk=review_id, repairer=repairer, hidden_at__isnull=True)
    if not can_report_review(request.user, review):
        raise PermissionDenied
    form = ReviewReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.review_report_create(reporter=request.user, review=review, **form.cleaned_data)
            except services.RepairerError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you. A moderator will look at the review."))
                return redirect(f"{reverse('repair:detail', args=[slug])}#review-{review.pk}")
    return render(
        request,
        "repair/review_report.html",
        {"form": form, "review": review, "repairer": repairer},
        status=status,
    )


# --- Quote requests --------------------------------------------------------------------------------


@login_required
def quote_request(request, slug: str):
    repairer = _public(slug)
    if not can_request_quote(request.user, repairer):
        raise PermissionDenied
    form = QuoteRequestForm(request.POST or None, request.FILES or None, repairer=repairer)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                quote = services.quote_request_send(
                    requester=request.user,
                    repairer=repairer,
                    category=form.cleaned_data["category"],
                    text=form.cleaned_data["text"],
                    photos=form.cleaned_data["photos"],
                )
            except services.RepairerError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(
                    request, _("Your request is sent. The business answers you here in the chat.")
                )
                return redirect("chat:thread", conversation_id=quote.conversation_id)
    return render(request, "repair/quote_request.html", {"form": form, "repairer": repairer}, status=status)


@login_required
def quote_photo(request, quote_id: int, photo_id: int):
    """A quote request's photo, for the person who asked and the business's owners only."""
    photo = get_object_or_404(
        QuoteRequestPhoto.objects.select_related("quote__repairer"), pk=photo_id, quote_id=quote_id
    )
    quote = photo.quote
    if request.user.pk != quote.requester_id and not is_owner(request.user, quote.repairer):
        raise Http404
    name = photo.renditions.get("full", {}).get("jpeg") or photo.original.name
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Repair log and ORDS export --------------------------------------------------------------------


@login_required
def repair_log(request):
    businesses = list(repairers_of_owner(request.user).exclude(status=Repairer.Status.SUSPENDED))
    form = RepairLogForm(
        request.POST or None, businesses=businesses, initial={"repaired_on": timezone.localdate()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.repair_log_create(
                    user=request.user, data=services.RepairLogData(**form.cleaned_data_for_log())
                )
            except services.RepairerError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you! The repair is logged."))
                return redirect("repair:log")
    page = CappedPaginator(repair_logs_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "repair/repair_log.html", {"form": form, "page": page}, status=status)


def ords_export(request):
    """The repair log as Open Repair Data Standard CSV (open data: CORS, cacheable)."""
    changed = repair_logs_last_change()
    response = StreamingHttpResponse(
        ords_csv_lines(repair_logs_export().iterator(chunk_size=1000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="sirkel-ords.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=900"
    if changed:
        response["Last-Modified"] = http_date(changed.timestamp())
    return response


# --- Map of the directory --------------------------------------------------------------------------


def repairer_map(request):
    """The same search as the list (RepairerFilter, repair.selectors.repairer_search), as pins at
    the businesses' addresses; the list stays the fallback."""
    params = _search_params(request)
    filterset = RepairerFilter(params, queryset=Repairer.objects.none(), request=request, at=timezone.now())
    if not filterset.is_valid():
        return redirect(f"{reverse('repair:list')}?{request.GET.urlencode()}")
    repairers = list(filterset.qs[: settings.MAP_MAX_PINS])
    pins = [
        {
            "lat": round(r.lat, 6),
            "lon": round(r.lon, 6),
            "title": r.name,
            "kind": r.full_address,
            "url": reverse("repair:detail", args=[r.slug]),
        }
        for r in repairers
    ]
    search = filterset.search
    config = _map_config()
    if search.geo:
        config.update(centre=[search.geo.point.y, search.geo.point.x], radius_km=search.geo.radius_km)
    context = {
        "pins": pins,
        "repairers": repairers,
        "map_config": config,
        "truncated": len(repairers) == settings.MAP_MAX_PINS,
        "query": params.urlencode(),
    }
    return render(request, "repair/repairer_map.html", context)


# --- Claims and co-owners --------------------------------------------------------------------------


@login_required
def claim(request, slug: str):
    repairer = _public(slug)
    if not can_claim(request.user, repairer):
        raise PermissionDenied
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.claim_create(
                    claimant=request.user, repairer=repairer, message=form.cleaned_data["message"]
                )
            except services.RepairerError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you. An editor will look at your claim and email you."))
                return redirect("repair:detail", slug=repairer.slug)
    return render(request, "repair/claim.html", {"form": form, "repairer": repairer}, status=status)


@login_required
def dashboard_owners(request, repairer_id: int):
    repairer = _owned(request, repairer_id)
    form = InviteOwnerForm(request.POST if "invite" in request.POST else None)
    status = 200
    if request.method == "POST":
        status = 400
        if "remove" in request.POST:
            user_id = request.POST["remove"]
            user = get_object_or_404(repairer.owners, pk=int(user_id) if user_id.isdigit() else 0)
            try:
                services.coowner_remove(owner=request.user, repairer=repairer, user=user)
            except services.RepairerError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Removed."))
                if user.pk == request.user.pk and not is_editor(request.user):
                    return redirect("repair:dashboard")
            return redirect("repair:dashboard_owners", repairer_id=repairer.pk)
        if form.is_valid():
            try:
                services.coowner_invite(
                    owner=request.user, repairer=repairer, email=form.cleaned_data["email"]
                )
            except services.RepairerError as error:
                form.add_error("email" if error.field == "email" else None, error.message)
                status = error.status
            else:
                messages.success(request, _("The invitation is sent. It is valid for 14 days."))
                return redirect("repair:dashboard_owners", repairer_id=repairer.pk)
    owners = repairer.owners.select_related("profile").order_by("pk")
    return render(
        request,
        "repair/dashboard_owners.html",
        {"repairer": repairer, "owners": owners, "form": form},
        status=status,
    )


@login_required
def coowner_accept(request, token: str):
    if request.method != "POST":
        return render(request, "repair/coowner_accept.html", {"token": token})
    try:
        repairer = services.coowner_accept(user=request.user, token=token)
    except services.RepairerError as error:
        return render(
            request,
            "repair/coowner_accept.html",
            {"token": token, "error": error.message},
            status=error.status,
        )
    messages.success(request, _("You are now an owner of %(name)s.") % {"name": repairer.name})
    return redirect("repair:dashboard_edit", repairer_id=repairer.pk)
