"""Demo repair businesses for people to click around in (`manage.py load_demo`); tests never
use these. Names are invented; addresses are plausible streets in Bærum's town centres."""

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import profile_ensure
from catalog.models import Category
from places.geo import make_point
from places.models import Place
from places.opening_hours import Interval, parse_day_hours
from repair.models import Repairer, RepairerHoursException
from repair.services import (
    RepairerData,
    ServiceData,
    repairer_create,
    repairer_hours_set,
    repairer_services_set,
)

MON_FRI = range(5)


def _week(*spans) -> list[Interval]:
    """_week((days, "09-17"), ...): weekly intervals, written as owners write them."""
    return [
        Interval(day, opens, closes)
        for days, text in spans
        for day in ([days] if isinstance(days, int) else days)
        for opens, closes in parse_day_hours(text)
    ]


SHOP = _week((MON_FRI, "09:00-17:00"), (5, "10:00-15:00"))
LATE = _week((MON_FRI, "10:00-18:00"), (3, "18:00-20:00"), (5, "10:00-16:00"))
LUNCH = _week((MON_FRI, "08:00-11:30"), (MON_FRI, "12:00-16:00"))
WEEKDAYS = _week((MON_FRI, "08:00-16:00"))
SATURDAYS = _week((5, "11:00-15:00"))
EVENINGS = _week(((1, 3), "17:00-21:00"), (6, "12:00-16:00"))

# name, town, street, postal code, categories, short description, services, hours, extras
BUSINESSES = [
    (
        "Sandvika Sykkelverksted",
        "Sandvika",
        "Rådhustorget 4",
        "1337",
        ["bikes"],
        "Service og reparasjon av alle slags sykler, også el- og lastesykler.",
        [("Lapping av slange", 150, ""), ("Vårservice", 890, ""), ("Bytte girwire", 250, "pluss deler")],
        LATE,
        {"verified": True, "languages": ["nb", "en"]},
    ),
    (
        "Bekkestua Sykkel & Ski",
        "Bekkestua",
        "Gamle Ringeriksvei 41",
        "1357",
        ["bikes", "skiing"],
        "Sykler om sommeren, ski om vinteren: slip, smøring og reparasjon.",
        [("Skislip", 450, ""), ("Sykkelservice", 790, "")],
        SHOP,
        {"languages": ["nb"]},
    ),
    (
        "Elsykkelklinikken Fornebu",
        "Fornebu",
        "Snarøyveien 30",
        "1364",
        ["e-bikes", "cargo-bikes"],
        "Spesialister på elsykler, batteri og motor.",
        [("Batteridiagnose", 350, ""), ("Motorservice", 1200, "fra")],
        LATE,
        {"house_calls": True, "pickup": True, "languages": ["nb", "en", "pl"]},
    ),
    (
        "Kolsås Skomaker",
        "Kolsås",
        "Brynsveien 2",
        "1352",
        ["shoes", "bags-accessories"],
        "Såler, hæler, glidelåser og vesker. Nøkkelkopiering.",
        [("Nye hæler", 290, ""), ("Ny glidelås i støvel", 450, "")],
        SHOP,
        {"verified": True},
    ),
    (
        "Stabekk Skomakeri",
        "Stabekk",
        "Stabekkveien 1",
        "1369",
        ["shoes"],
        "Tradisjonelt skomakerhåndverk siden 1987.",
        [("Halvsåling", 550, ""), ("Strekking av sko", 200, "")],
        LUNCH,
        {},
    ),
    (
        "Sy og Fiks Sandvika",
        "Sandvika",
        "Sandviksveien 12",
        "1337",
        ["womens-clothes", "mens-clothes", "outerwear"],
        "Omsøm, lapping og nye glidelåser i jakker.",
        [("Legge opp bukser", 250, ""), ("Ny glidelås i jakke", 650, "")],
        SHOP,
        {"languages": ["nb", "ar", "so"]},
    ),
    (
        "Bekkestua Skredder",
        "Bekkestua",
        "Claude Monets allé 5",
        "1338",
        ["womens-clothes", "mens-clothes"],
        "Skredder for dress, kjole og hverdagsklær.",
        [("Ta inn dress", 900, "fra")],
        LUNCH,
        {"languages": ["nb", "tr"]},
    ),
    (
        "Mobilfiks Sandvika",
        "Sandvika",
        "Brodtkorbsgate 7",
        "1338",
        ["phones-tablets"],
        "Skjermbytte og batteribytte mens du venter.",
        [("Skjermbytte", 1290, "fra"), ("Batteribytte", 690, "")],
        LATE,
        {"verified": True, "languages": ["nb", "en", "ur"]},
    ),
    (
        "Data-doktoren Bekkestua",
        "Bekkestua",
        "Kirkeveien 2",
        "1357",
        ["computers", "phones-tablets"],
        "PC og Mac: oppgradering, virus, ny harddisk og datagjenoppretting.",
        [("Feilsøking", 490, "per time"), ("Bytte til SSD", 1490, "inkl. disk")],
        SHOP,
        {"pickup": True},
    ),
    (
        "Lysaker Elektronikkservice",
        "Lysaker",
        "Lysaker torg 8",
        "1366",
        ["tv-audio", "cameras"],
        "Reparasjon av TV, forsterkere, platespillere og kameraer.",
        [("Diagnose", 400, "trekkes fra reparasjonen")],
        WEEKDAYS,
        {},
    ),
    (
        "Hvitevareservice Bærum",
        "Rykkinn",
        "Rykkinnveien 98",
        "1349",
        ["white-goods"],
        "Vi kommer hjem og reparerer vaskemaskin, oppvaskmaskin og komfyr.",
        [("Hjemmebesøk", 795, "pluss deler")],
        WEEKDAYS,
        {"house_calls": True, "verified": True},
    ),
    (
        "Østerås Kjøl og Frys",
        "Østerås",
        "Østerås senter 1",
        "1361",
        ["fridges-freezers", "washing-machines"],
        "Kjøleskap og frysere: termostat, pakninger og kompressor.",
        [("Ny dørpakning", 600, "")],
        LUNCH,
        {"house_calls": True},
    ),
    (
        "Møbelverkstedet Bærums Verk",
        "Bærums Verk",
        "Verksgata 10",
        "1353",
        ["furniture"],
        "Stoppeverksted og møbelsnekker: trekker om, limer og restaurerer.",
        [("Trekke om stolsete", 900, "fra")],
        SHOP,
        {"access": "step_free"},
    ),
    (
        "Høvik Møbelpolstring",
        "Høvik",
        "Ramstadsletta 3",
        "1363",
        ["sofas", "tables-chairs"],
        "Ny stoff og nye puter i sofaen din.",
        [("Ny sofapute", 1200, "fra")],
        WEEKDAYS,
        {},
    ),
    (
        "Jar Urmaker",
        "Jar",
        "Jarveien 20",
        "1358",
        ["watches-jewellery"],
        "Batteribytte, rens og reparasjon av ur og smykker.",
        [("Batteribytte klokke", 250, ""), ("Lodding av kjede", 350, "")],
        LUNCH,
        {"verified": True},
    ),
    (
        "Gullsmed Sandvika",
        "Sandvika",
        "Løkketangen 12",
        "1337",
        ["watches-jewellery"],
        "Gullsmed som fikser ringer, kjeder og øredobber.",
        [("Endre ringstørrelse", 600, "fra")],
        SHOP,
        {},
    ),
    (
        "Gressklipperservice Gjettum",
        "Gjettum",
        "Gjettumveien 45",
        "1346",
        ["lawn-mowers", "garden-tools"],
        "Småmotorer: gressklippere, trimmere og snøfresere.",
        [("Vårservice gressklipper", 890, ""), ("Sliping av kniv", 250, "")],
        _week((MON_FRI, "09:00-16:00"), (5, "09:00-13:00")),
        {"pickup": True},
    ),
    (
        "Slependen Småmotor",
        "Slependen",
        "Slependveien 52",
        "1341",
        ["lawn-mowers", "power-tools"],
        "Motorsager, gressklippere og elektroverktøy.",
        [("Service motorsag", 750, "")],
        WEEKDAYS,
        {},
    ),
    (
        "Haslum Verktøyservice",
        "Haslum",
        "Haslumveien 30",
        "1344",
        ["power-tools", "hand-tools"],
        "Reparasjon og sliping av verktøy.",
        [("Sliping av sagblad", 200, "")],
        LUNCH,
        {},
    ),
    (
        "Blommenholm Instrumentverksted",
        "Blommenholm",
        "Blommenholmveien 5",
        "1362",
        ["instruments"],
        "Gitar, fiolin og piano: stell og reparasjon.",
        [("Strenging av gitar", 350, "pluss strenger")],
        EVENINGS,
        {},
    ),
    (
        "Eiksmarka Symaskinservice",
        "Eiksmarka",
        "Eiksveien 80",
        "1361",
        ["crafts-sewing", "small-appliances"],
        "Service av symaskiner og små kjøkkenmaskiner.",
        [("Service symaskin", 690, "")],
        SHOP,
        {},
    ),
    (
        "Snarøya Båt og Friluft",
        "Snarøya",
        "Snarøyveien 120",
        "1367",
        ["water-sports", "camping-hiking"],
        "Lapping av kajakk, telt og våtdrakt.",
        [("Lapping av kajakk", 800, "fra")],
        _week((range(3, 6), "10:00-18:00")),
        {},
    ),
    (
        "Reparasjonskafé Sandvika bibliotek",
        "Sandvika",
        "Rådhustorget 2",
        "1337",
        ["other", "small-appliances", "womens-clothes"],
        "Frivillige hjelper deg å fikse ting selv. Gratis, kaffe på huset.",
        [("Hjelp til å fikse", 0, "gratis")],
        SATURDAYS,
        {"access": "step_free", "languages": ["nb", "en", "uk"]},
    ),
    (
        "Fornebu Reparasjonskafé",
        "Fornebu",
        "Rolfsbuktveien 4",
        "1364",
        ["other", "bikes", "computers"],
        "Månedlig reparasjonskafé for sykler, elektronikk og klær.",
        [("Hjelp til å fikse", 0, "gratis")],
        EVENINGS,
        {"access": "step_free"},
    ),
    (
        "Stabekk Sport Service",
        "Stabekk",
        "Gamle Drammensvei 150",
        "1369",
        ["sports-outdoor", "skiing"],
        "Ski, skøyter og sportsutstyr: sliping og reparasjon.",
        [("Skøytesliping", 150, "")],
        LATE,
        {},
    ),
]
# Two waiting for the editors, so the queue has something in it.
PENDING = {"Stabekk Sport Service", "Haslum Verktøyservice"}


def _owners() -> list[User]:
    users = []
    for number in range(1, 6):
        email = f"verksted{number}@sirkel.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None
        )
        profile_ensure(user=user, display_name=f"Verksted {number}")
        users.append(user)
    return users


@transaction.atomic
def demo_repairers_ensure(*, demo_owner: User | None = None) -> int:
    """Create the demo businesses that are missing (by name); returns how many were made now.
    `demo_owner` (the demo repairer account) owns the first two."""
    owners = _owners()
    categories = {c.slug: c for c in Category.objects.all()}
    places = {p.name: p for p in Place.objects.all()}
    today = timezone.localdate()
    christmas = date(today.year, 12, 24)
    made = 0
    for number, (name, town, street, code, slugs, short, offered, hours, extras) in enumerate(BUSINESSES):
        if Repairer.objects.filter(name=name).exists():
            continue
        place = places.get(town) or places["Sandvika"]
        # A little off the place's centre, deterministically, as shops are.
        lat = place.lat + ((number * 37) % 11 - 5) * 0.0008
        lon = place.lon + ((number * 53) % 13 - 6) * 0.0012
        owner = demo_owner if demo_owner is not None and number < 2 else owners[number % len(owners)]
        extras = dict(extras)
        verified = extras.pop("verified", False)
        repairer = repairer_create(
            owner=owner,
            data=RepairerData(
                name=name,
                short_description=short,
                address=street,
                postal_code=code,
                postal_town=town,
                location=make_point(lat, lon),
                categories=[categories[s] for s in slugs if s in categories],
                phone=f"67 {10 + number:02d} {20 + number:02d} {30 + number:02d}",
                email=f"post{number}@verksted.example",
                warranty_months=(3, 1, None)[number % 3],
                **extras,
            ),
        )
        repairer_hours_set(repairer=repairer, intervals=hours)
        repairer_services_set(repairer=repairer, services=[ServiceData(n, p, note) for n, p, note in offered])
        RepairerHoursException.objects.create(
            repairer=repairer, start_date=christmas, end_date=christmas + timedelta(days=2), note="Jul"
        )
        if number % 4 == 0:
            RepairerHoursException.objects.create(
                repairer=repairer,
                start_date=today + timedelta(days=10),
                end_date=today + timedelta(days=10),
                opens=time(10),
                closes=time(14),
                note="Varetelling",
            )
        now = timezone.now()
        if name in PENDING:
            Repairer.objects.filter(pk=repairer.pk).update(status=Repairer.Status.PENDING, submitted_at=now)
        else:
            Repairer.objects.filter(pk=repairer.pk).update(
                status=Repairer.Status.PUBLISHED,
                submitted_at=now,
                published_at=now,
                verified=verified,
                verified_at=now if verified else None,
            )
        made += 1
    if made:
        _demo_unclaimed_ensure(categories)
        _demo_logs_ensure(categories)
    return made


# A business the municipality put in the directory itself: nobody owns it until it is claimed.
UNCLAIMED = "Skomaker Olsen"

# category, product, brand, problem, outcome, barrier, days ago, who
DEMO_LOGS = [
    ("small-appliances", "Kaffetrakter", "Moccamaster", "Lekker vann under kannen", "fixed", "", 3, "cafe"),
    ("phones-tablets", "Mobiltelefon", "Samsung", "Knust skjerm", "fixed", "", 5, "business"),
    ("bicycles", "Bysykkel", "DBS", "Slakk kjede og slitte bremser", "fixed", "", 8, "business"),
    (
        "tv-audio",
        "Bluetooth-høyttaler",
        "JBL",
        "Lader ikke",
        "end_of_life",
        "parts_not_available",
        12,
        "cafe",
    ),
    ("outerwear", "Vinterjakke", "Bergans", "Ødelagt glidelås", "fixed", "", 15, "resident"),
    ("lamps", "Leselampe", "", "Løs ledning", "fixed", "", 20, "cafe"),
    ("computers", "Bærbar PC", "Lenovo", "Starter ikke", "repairable", "", 25, "resident"),
    ("toys", "Fjernstyrt bil", "", "Motoren går ikke", "end_of_life", "cannot_open", 30, "cafe"),
]


def _demo_unclaimed_ensure(categories) -> None:
    if Repairer.objects.filter(name=UNCLAIMED).exists():
        return
    place = Place.objects.filter(name="Stabekk").first() or Place.objects.first()
    repairer = repairer_create(
        owner=None,
        data=RepairerData(
            name=UNCLAIMED,
            short_description="Skoreparasjon, nye hæler og lapping av vesker.",
            address="Stabekkveien 2",
            postal_code="1369",
            postal_town="Stabekk",
            location=make_point(place.lat, place.lon),
            categories=[categories["shoes"]],
        ),
    )
    repairer_hours_set(repairer=repairer, intervals=SHOP)
    now = timezone.now()
    Repairer.objects.filter(pk=repairer.pk).update(
        status=Repairer.Status.PUBLISHED, submitted_at=now, published_at=now
    )


def _demo_logs_ensure(categories) -> None:
    """A few logged repairs (impact ledger and the ORDS export), by the demo businesses'
    owners, a repair café and residents."""
    from repair.models import RepairLog
    from repair.services import RepairLogData, repair_log_create

    if RepairLog.objects.exists():
        return
    shops = list(
        Repairer.objects.filter(status=Repairer.Status.PUBLISHED).exclude(owners=None).order_by("pk")[:2]
    )
    residents = list(User.objects.filter(repairers=None, is_superuser=False).order_by("pk")[:2])
    today = timezone.localdate()
    for n, (slug, product, brand, problem, outcome, barrier, days, who) in enumerate(DEMO_LOGS):
        if slug not in categories:
            continue
        shop = shops[n % len(shops)] if shops else None
        if who == "business" and shop is not None:
            user, logged_as = shop.owners.order_by("pk").first(), "business"
        elif who == "cafe":
            user, logged_as = (residents or [None])[0], "repair_cafe"
        else:
            user, logged_as = (residents or [None])[-1], "resident"
        if user is None:
            continue
        repair_log_create(
            user=user,
            data=RepairLogData(
                logged_as=logged_as,
                category=categories[slug],
                product=product,
                brand=brand,
                problem=problem,
                outcome=outcome,
                barrier=barrier,
                repaired_on=today - timedelta(days=days),
                repairer=shop if logged_as == "business" else None,
                event_name="Reparasjonskafé Bekkestua bibliotek" if logged_as == "repair_cafe" else "",
            ),
        )
