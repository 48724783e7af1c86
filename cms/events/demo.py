"""Demo events and the mobile station's next 8 weeks, for people clicking around (not tests).
Idempotent: pages that exist (by slug) are left as they are."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import Category
from cms.events.models import OSLO, EventIndexPage, EventKind, EventPage, StationSchedulePage, StationStop
from places.models import Place

EVENTS = [
    # slug, title, kind, days ahead (moved to a Saturday), hours, place, venue, address,
    # capacity, categories, summary
    (
        "reparasjonskafe-bekkestua",
        "Reparasjonskafé på Bekkestua bibliotek",
        EventKind.REPAIR_CAFE,
        5,
        (time(12), time(15)),
        "Bekkestua",
        "Bekkestua bibliotek",
        "Gamle Ringeriksvei 44, 1357 Bekkestua",
        12,
        ("small-appliances", "lamps", "crafts-sewing", "womens-clothes", "tv-audio"),
        "Ta med brødristeren som ikke varmer, lampa som blinker eller buksa med hull. Frivillige "
        "reparatører hjelper deg å fikse den selv. Kaffe og vafler.",
    ),
    (
        "gratis-sykkelservice-sandvika",
        "Gratis sykkelservice i Sandvika",
        EventKind.BIKE_SERVICE,
        12,
        (time(10), time(15)),
        "Sandvika",
        "Rådhustorget i Sandvika",
        "Arnold Haukelands plass 10, 1338 Sandvika",
        30,
        ("bicycles", "childrens-bikes", "e-bikes"),
        "Sykkelmekanikere justerer gir og bremser, skifter slanger og smører kjeden. Meld på "
        "sykkelen og fortell hva som er galt, så har vi delene klare.",
    ),
    (
        "byttemarked-barneklaer-fornebu",
        "Byttemarked for barneklær og leker på Fornebu",
        EventKind.SWAP_MARKET,
        19,
        (time(11), time(14)),
        "Fornebu",
        "Fornebu S, torget i 2. etasje",
        "Rolfsbuktveien 4, 1364 Fornebu",
        None,
        ("childrens-clothes", "toys", "outerwear"),
        "Ta med rene klær og hele leker barna har vokst fra, og ta med deg det du trenger. "
        "Ingen påmelding – bare kom.",
    ),
    (
        "reparasjonskafe-rykkinn",
        "Reparasjonskafé på Rykkinn: elektronikk og sykler",
        EventKind.REPAIR_CAFE,
        26,
        (time(12), time(16)),
        "Rykkinn",
        "Rykkinn bydelshus",
        "Berger Torg 2, 1349 Rykkinn",
        10,
        ("phones-tablets", "computers", "small-appliances", "bicycles"),
        "Sprukket skjerm, treg PC eller en sykkel som trenger stell? Frivillige fra Rykkinn "
        "hjelper deg. Ta med laderen.",
    ),
]

# The mobile reuse station's round: weekday (0 = Monday), place, venue, hours.
STATION_ROUND = [
    (1, "Bekkestua", "Parkeringsplassen ved Bekkestua bibliotek", time(14), time(19)),
    (2, "Rykkinn", "Rykkinn senter, nedre parkering", time(14), time(19)),
    (3, "Fornebu", "Fornebu S, ved Snarøyveien", time(14), time(19)),
    (5, "Sandvika", "Kadettangen, ved båthavna", time(10), time(15)),
    (1, "Østerås", "Østerås senter", time(14), time(19)),
    (2, "Bærums Verk", "Bærums Verk, parkeringen ved Verksgata", time(14), time(19)),
    (3, "Stabekk", "Stabekk kino, parkeringen", time(14), time(19)),
    (5, "Kolsås", "Kolsås senter", time(10), time(15)),
]
ACCEPTED = (
    "Hele klær, sko og tekstiler, bøker, leker og småting til gjenbruk; småelektronikk, "
    "lyspærer og batterier; maling og spraybokser (farlig avfall). Ikke møbler eller hvitevarer."
)


def _next_saturday(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


@transaction.atomic
def demo_events_ensure(home) -> int:
    """The event index with 4 upcoming events and the station schedule for the next 8 weeks.
    Returns how many pages were made."""
    made = 0
    index = EventIndexPage.objects.child_of(home).filter(slug="arrangementer").first()
    if index is None:
        index = home.add_child(
            instance=EventIndexPage(
                title="Arrangementer",
                slug="arrangementer",
                intro="Reparasjonskafeer, sykkelservice og byttemarkeder i Bærum – gratis og for alle.",
            )
        )
        index.save_revision().publish()
        made += 1
    today = timezone.localdate()
    for slug, title, kind, ahead, (
        starts,
        ends,
    ), place, venue, address, capacity, categories, intro in EVENTS:
        if EventPage.objects.filter(slug=slug).exists():
            continue
        day = _next_saturday(today + timedelta(days=ahead))
        place_obj = Place.objects.get(name=place)
        event = EventPage(
            title=title,
            slug=slug,
            kind=kind,
            start=datetime.combine(day, starts, tzinfo=OSLO),
            end=datetime.combine(day, ends, tzinfo=OSLO),
            intro=intro,
            organiser="Bærum kommune, Klima og miljø",
            organiser_email="gjenbruk@baerum.kommune.no",
            place=place_obj,
            venue=venue,
            address=address,
            location=place_obj.point,
            capacity=capacity,
        )
        index.add_child(instance=event)
        event.repair_categories.set(Category.objects.filter(slug__in=categories))
        event.save_revision().publish()
        made += 1
    if not StationSchedulePage.objects.child_of(home).filter(slug="miljobilen").exists():
        page = StationSchedulePage(
            title="Miljøbilen",
            slug="miljobilen",
            intro=(
                "Miljøbilen er Bærum kommunes mobile gjenbruksstasjon. Den kommer til nærmiljøet ditt "
                "og tar imot ting til gjenbruk, småelektronikk og farlig avfall. Gratis for innbyggere."
            ),
        )
        monday = today - timedelta(days=today.weekday())
        n = 0
        for week in range(8):
            for offset in range(4):  # four stops a week, alternating between the two halves of the round
                weekday, place, venue, starts, ends = STATION_ROUND[(week * 4 + offset) % len(STATION_ROUND)]
                day = monday + timedelta(weeks=week, days=weekday)
                if day < today:
                    continue
                place_obj = Place.objects.get(name=place)
                page.stops.add(
                    StationStop(
                        date=day,
                        starts=starts,
                        ends=ends,
                        place=place_obj,
                        venue=venue,
                        location=place_obj.point,
                        accepted=ACCEPTED,
                        sort_order=n,
                    )
                )
                n += 1
        home.add_child(instance=page)
        page.save_revision().publish()
        made += 1
    return made
