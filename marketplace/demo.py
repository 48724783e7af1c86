"""Demo listings for people to click around in (`manage.py load_demo`); tests never use these."""

import io
import random

from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import User
from accounts.services import profile_ensure
from catalog.models import Category
from marketplace.models import Listing
from marketplace.services import ListingData, listing_create, listing_image_add, listing_image_prepare
from places.geo import make_point
from places.models import Place

DEMO_COUNT = 300
NEIGHBOURS = [
    "Anne",
    "Bjørn",
    "Camilla",
    "Dag",
    "Eva",
    "Fredrik",
    "Grete",
    "Hassan",
    "Ida",
    "Jonas",
    "Kari",
    "Lars",
]
# (category slug, titles, description)
ITEMS = [
    ("sofas", ["Grå sofa, tre-seter", "Lenestol i skinn", "Sovesofa"], "Pent brukt, røykfritt hjem."),
    (
        "tables-chairs",
        ["Spisebord i eik", "Fire kjøkkenstoler", "Lite salongbord"],
        "Noen riper, ellers fin.",
    ),
    ("beds", ["Barneseng 70x160", "Madrass 90 cm", "Køyeseng"], "Må hentes, kan ikke levere."),
    ("storage", ["Bokhylle Billy", "Kommode med tre skuffer", "Garderobeskap"], "Demonteres av henter."),
    ("womens-clothes", ["Vinterjakke str M", "Kjoler str 38", "Strikkegenser"], "Vasket og klar."),
    ("shoes", ["Joggesko str 42", "Gummistøvler str 30", "Vintersko str 37"], "Lite brukt."),
    ("toys", ["Lego-kasse", "Dukkehus", "Brettspill for barn"], "Alle deler med, så vidt vi vet."),
    ("prams-car-seats", ["Barnevogn", "Bilstol 0-13 kg", "Sportsvogn"], "Fungerer fint."),
    ("childrens-clothes", ["Barneklær str 92", "Parkdress str 104", "Ullundertøy str 110"], "Pose med mye."),
    (
        "skiing",
        ["Langrennski 170 cm", "Slalåmstøvler str 26", "Barneski med bindinger"],
        "Klar for sesongen.",
    ),
    ("camping-hiking", ["Telt for to", "Sovepose", "Tursekk 50 liter"], "Brukt noen turer."),
    ("water-sports", ["Kajakk med åre", "Redningsvest voksen", "Våtdrakt str L"], "Hentes på Fornebu."),
    ("bicycles", ["Sykkel 28 tommer", "Damesykkel med kurv", "Terrengsykkel"], "Trenger ny slange."),
    (
        "childrens-bikes",
        ["Barnesykkel 16 tommer", "Balansesykkel", "Sykkel 20 tommer"],
        "Barna har vokst fra den.",
    ),
    ("bike-parts", ["Sykkelhjelm str M", "Sykkelveske", "Dekk 700c"], "Som ny."),
    ("phones-tablets", ["Nettbrett, eldre modell", "Mobillader", "iPhone med sprukket skjerm"], "Virker."),
    ("computers", ["Bærbar PC", "Skjerm 24 tommer", "Tastatur og mus"], "Tilbakestilt."),
    ("tv-audio", ["Radio", "Høyttalere", "Platespiller"], "Fungerer."),
    ("washing-machines", ["Vaskemaskin", "Tørketrommel"], "Må bæres fra kjeller."),
    ("fridges-freezers", ["Kjøleskap", "Fryseboks"], "Virker, litt bråkete."),
    ("power-tools", ["Drill", "Stikksag", "Slipemaskin"], "Med lader."),
    ("hand-tools", ["Verktøykasse", "Hagesaks", "Skrutrekkersett"], "Diverse."),
    ("garden-furniture", ["Hagebord med fire stoler", "Solseng"], "Trenger olje."),
    (
        "plants-seeds",
        ["Stiklinger av monstera", "Tomatplanter", "Frø fra egen hage"],
        "Gratis til den som vil.",
    ),
    ("lawn-mowers", ["Gressklipper", "Trimmer"], "Startet i fjor."),
    ("books", ["Krimbøker", "Kokebøker", "Barnebøker"], "En eske full."),
    ("music-vinyl", ["LP-plater", "CD-samling"], "Blandet musikk."),
    ("kitchenware", ["Stekepanner", "Kjeler", "Kjøkkenmaskin"], "Brukt, men fine."),
    ("tableware", ["Servise for seks", "Vinglass", "Kaffekopper"], "Noen skår."),
    ("lamps", ["Taklampe", "Leselampe", "Lyslenke"], "Med pære."),
    ("textiles-rugs", ["Teppe 160x230", "Gardiner", "Puter"], "Rent."),
    ("instruments", ["Gitar", "Keyboard", "Blokkfløyte"], "Stemt i fjor."),
    ("crafts-sewing", ["Symaskin", "Garnrester", "Stoffrester"], "Til hobbybruk."),
    ("board-games", ["Puslespill 1000 biter", "Sjakk", "Monopol"], "Komplett."),
]
KINDS = ["give"] * 6 + ["swap"] * 2 + ["wanted"]
CONDITIONS = ["as_new", "good", "good", "used", "used", "needs_repair"]
COLOURS = [(196, 90, 60), (60, 120, 170), (90, 150, 90), (200, 170, 60), (130, 90, 160), (80, 80, 80)]


def _photo(title: str, rng: random.Random) -> bytes:
    """A simple drawn picture: a coloured background, a shape and the item's name."""
    image = Image.new("RGB", (800, 600), rng.choice(COLOURS))
    draw = ImageDraw.Draw(image)
    x, y = rng.randint(150, 350), rng.randint(120, 250)
    draw.rounded_rectangle((x, y, x + 300, y + 220), radius=40, fill=(240, 240, 235))
    draw.ellipse((x + 90, y + 50, x + 210, y + 170), fill=rng.choice(COLOURS))
    draw.text((40, 540), title, fill=(255, 255, 255), font_size=32)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _neighbours() -> list[User]:
    users = []
    for number, name in enumerate(NEIGHBOURS, start=1):
        email = f"nabo{number}@sirkel.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None
        )
        profile_ensure(user=user, display_name=name)
        users.append(user)
    return users


@transaction.atomic
def demo_listings_ensure(*, count: int = DEMO_COUNT, seed: int = 2026) -> int:
    """Create demo listings until there are `count`; returns how many were made now."""
    owners = _neighbours()
    existing = Listing.objects.filter(owner__in=owners).count()
    if existing >= count:
        return 0
    rng = random.Random(seed + existing)  # noqa: S311  (demo content, not security)
    places = list(Place.objects.all())
    categories = {c.slug: c for c in Category.objects.all()}
    made = 0
    for _ in range(count - existing):
        slug, titles, description = rng.choice(ITEMS)
        title = rng.choice(titles)
        kind = rng.choice(KINDS)
        place = rng.choice(places)
        # Spread around the place, as homes are (about 1.5 km).
        lat, lon = place.lat + rng.uniform(-0.012, 0.012), place.lon + rng.uniform(-0.025, 0.025)
        listing = listing_create(
            owner=owners[made % len(owners)],
            data=ListingData(
                kind=kind,
                title=title if kind != "wanted" else f"Ønskes: {title.lower()}",
                description=description,
                category=categories[slug],
                condition="" if kind == "wanted" else rng.choice(CONDITIONS),
                wants="Kaffe eller kake" if kind == "swap" else "",
                location=make_point(lat, lon),
            ),
            enforce_daily_limit=False,
        )
        if kind != "wanted" and rng.random() < 0.7:
            listing_image_add(listing=listing, image=listing_image_prepare(_photo(title, rng)))
        made += 1
    return made
