"""Demo lending data for people to click around in (`manage.py load_demo`); tests never use it.
Three hubs, their catalogues (the fjord kayaks carry the litter pledge), a few neighbours' own
things and some bookings in the coming weeks. Idempotent: hubs are keyed by slug."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import profile_ensure
from catalog.models import Category
from places.geo import make_point
from places.models import Place
from places.opening_hours import Interval
from sharing.models import Hub, HubStaff, Item
from sharing.services import ItemData, ReservationError, hub_hours_set, item_create, reservation_create

# Weekdays 08–20, Saturdays 10–16: the demo bookings (10:00 to 10:00) fall inside on weekdays.
DEMO_HOURS = [Interval(day, time(8), time(20)) for day in range(5)] + [Interval(5, time(10), time(16))]
FJORD_PLEDGE = "Plukk søppel fra fjorden mens du er ute, og meld hvor mye du fikk med deg når du leverer."
HUBS = [
    {
        "slug": "fornebu-utlan",
        "name": "Fornebu utlånssentral",
        "place": "Fornebu",
        "address": "Rolfsbuktveien 4",
        "description": "Kajakker, robåter og søppelplukkere ved fjorden. Gratis for alle som bor i Bærum.",
        "rules": "Vis legitimasjon ved henting. Utstyret leveres rent og tørt. Skader meldes ved levering.",
        "staff": "utlan@sirkel.test",
        "items": [
            (
                "Havkajakk",
                "water-sports",
                6,
                {
                    "pledge": FJORD_PLEDGE,
                    "required_proof": "våttkort",
                    "accessories": ("Åre", "Redningsvest", "Spruttrekk"),
                    "max_loan_days": 2,
                },
            ),
            (
                "Robåt for tre",
                "water-sports",
                2,
                {
                    "pledge": FJORD_PLEDGE,
                    "accessories": ("Årer", "Redningsvester"),
                    "max_loan_days": 1,
                    "age_limit": 18,
                },
            ),
            ("Søppelplukker med pose", "garden-tools", 20, {"max_loan_days": 14}),
            ("SUP-brett", "water-sports", 3, {"pledge": FJORD_PLEDGE, "accessories": ("Padleåre", "Leash")}),
        ],
    },
    {
        "slug": "sandvika-utlan",
        "name": "Sandvika utlånssentral",
        "place": "Sandvika",
        "address": "Rådmann Halmrasts vei 5",
        "description": "Elsykler, lastesykler, verktøy og tur- og campingutstyr midt i Sandvika.",
        "rules": "Lån i inntil en uke. Elsykler lades før levering.",
        "staff": "utlan@sirkel.test",
        "items": [
            ("Elsykkel", "e-bikes", 4, {"accessories": ("Lader", "Lås", "Hjelm"), "max_loan_days": 7}),
            (
                "Lastesykkel med kasse",
                "cargo-bikes",
                2,
                {
                    "requires_approval": True,
                    "min_notice_hours": 24,
                    "accessories": ("Lader", "Regntrekk", "Barnebelter"),
                    "deposit": "Legitimasjon ved henting",
                },
            ),
            ("Slagdrill", "power-tools", 3, {"accessories": ("Borsett", "Koffert")}),
            ("Stige 6 meter", "ladders", 1, {"max_loan_days": 3}),
            ("Telt for fire", "camping-hiking", 3, {"accessories": ("Plugger", "Bardun")}),
            ("Sovepose, vinter", "camping-hiking", 6, {}),
        ],
    },
    {
        "slug": "bekkestua-utlan",
        "name": "Bekkestua bibliotek – utlån av ting",
        "place": "Bekkestua",
        "address": "Gamle Ringeriksvei 44",
        "description": "Bibliotekets tingutlån: sport, musikk, hobby og hage.",
        "rules": "Samme regler som for bøker: lånekort ved henting.",
        "staff": None,
        "items": [
            ("Langrennski for barn", "skiing", 5, {"accessories": ("Staver",), "max_loan_days": 14}),
            (
                "Høyttaleranlegg",
                "tv-audio",
                1,
                {"requires_approval": True, "accessories": ("Mikrofon", "Kabler")},
            ),
            ("Symaskin", "crafts-sewing", 2, {}),
            ("Hekksaks", "garden-tools", 2, {"max_loan_days": 3}),
        ],
    },
]
NEIGHBOUR_ITEMS = [
    (
        "nabo.tilhenger@sirkel.test",
        "Siv",
        "Høvik",
        "Tilhenger, 750 kg",
        "tools",
        "Henges på kulen; du trenger B-lappen.",
    ),
    ("nabo.vasker@sirkel.test", "Tor", "Jar", "Høytrykksvasker", "power-tools", "Fin til terrassen."),
    ("nabo.grill@sirkel.test", "Mona", "Haslum", "Stor kullgrill", "garden", "Til selskap og gatefest."),
]


def _point(place_name: str):
    place = Place.objects.get(name=place_name)
    return make_point(place.point.y, place.point.x)


def _neighbour(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    profile_ensure(user=user, display_name=name)
    return user


@transaction.atomic
def demo_lending_ensure() -> int:
    """Create what is missing; returns how many items were made."""
    made = 0
    categories = {c.slug: c for c in Category.objects.all()}
    for spec in HUBS:
        if Hub.objects.filter(slug=spec["slug"]).exists():
            continue
        hub = Hub.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            address=spec["address"],
            description=spec["description"],
            rules=spec["rules"],
            location=_point(spec["place"]),
        )
        hub_hours_set(hub=hub, intervals=DEMO_HOURS)
        if spec["staff"] and (staff := User.objects.filter(email=spec["staff"]).first()):
            HubStaff.objects.get_or_create(hub=hub, user=staff)
        for title, category, units, extra in spec["items"]:
            item_create(
                data=ItemData(title=title, category=categories[category], **extra), hub=hub, units=units
            )
            made += 1
    for email, name, place, title, category, description in NEIGHBOUR_ITEMS:
        owner = _neighbour(email, name)
        if Item.objects.filter(owner=owner).exists():
            continue
        item_create(
            data=ItemData(
                title=title, category=categories[category], description=description, max_loan_days=3
            ),
            owner=owner,
            location=_point(place),
        )
        made += 1
    if made:
        _demo_bookings()
    return made


def _demo_bookings() -> None:
    """A few bookings in the coming weeks, so calendars are not empty."""
    resident = User.objects.filter(email="innbygger@sirkel.test").first()
    neighbours = list(User.objects.filter(email__startswith="nabo."))
    borrowers = [u for u in [resident, *neighbours] if u is not None]
    if not borrowers:
        return
    today = timezone.localdate()
    for n, item in enumerate(Item.objects.filter(hub__isnull=False).order_by("pk")):
        for k in range(2):
            day = today + timedelta(days=2 + (n + 3 * k) % 12)
            start = timezone.make_aware(datetime.combine(day, time(10)))
            length = timedelta(days=min(item.max_loan_days, 1 + (n + k) % 3))
            try:
                reservation_create(
                    item=item,
                    borrower=borrowers[(n + k) % len(borrowers)],
                    start=start,
                    end=start + length,
                    pledge_accepted=True,
                    proof_confirmed=True,
                )
            except ReservationError:
                continue  # a demo borrower at their limit, or the period taken: fine for a demo
