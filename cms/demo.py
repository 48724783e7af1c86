"""Demo pages for people to click around in (`manage.py load_demo`); tests never use these.
Idempotent: a page whose slug already exists under its parent is left as it is (an editor may
have changed it)."""

import json
import uuid
from datetime import date

from django.db import transaction

from catalog.models import Category
from cms.models import GuidePage, HomePage, NewsIndexPage, NewsPage, StandardPage, TopicIndexPage


def _block(kind: str, value) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def _p(*paragraphs: str) -> dict:
    return _block("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))


def _h(text: str) -> dict:
    return _block("heading", {"text": text, "level": "h2"})


def _steps(heading: str, steps: list[tuple[str, str]]) -> dict:
    return _block(
        "steps",
        {
            "heading": heading,
            "steps": [
                {"title": title, "text": f"<p>{text}</p>", "image": None, "alt_text": ""}
                for title, text in steps
            ],
        },
    )


def _callout(kind: str, title: str, text: str) -> dict:
    return _block("callout", {"kind": kind, "title": title, "text": f"<p>{text}</p>"})


def _faq(items: list[tuple[str, str]], heading: str = "Spørsmål og svar") -> dict:
    return _block(
        "faq",
        {
            "heading": heading,
            "items": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in items],
        },
    )


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _related(slugs: list[str], heading: str) -> dict | None:
    ids = list(Category.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    if not ids:
        return None
    return _block(
        "related_categories",
        {"heading": heading, "categories": ids, "show": ["listings", "repairers", "items"]},
    )


GUIDES = [
    {
        "slug": "slik-reparerer-du-sykkelslangen",
        "title": "Slik reparerer du sykkelslangen",
        "intro": (
            "En punktering er den vanligste sykkelreparasjonen, og du klarer den selv på en "
            "halvtime med et lappesett til under hundre kroner."
        ),
        "steps": [
            (
                "Ta av hjulet",
                (
                    "Åpne bremsen hvis du har felgbrems, løsne hurtigkoblingen eller mutrene og løft hjulet"
                    " ut. På bakhjulet legger du kjedet på det minste tannhjulet først."
                ),
            ),
            (
                "Ta ut slangen",
                (
                    "Slipp ut resten av luften. Bruk to dekkspaker og vipp dekkkanten over felgen på den "
                    "ene siden. Trekk ut slangen, ventilen sist."
                ),
            ),
            (
                "Finn hullet",
                (
                    "Pump litt luft i slangen og lytt, eller hold den under vann og se etter bobler. Kjenn "
                    "også etter glass eller stifter på innsiden av dekket – ellers punkterer du igjen."
                ),
            ),
            (
                "Lapp slangen",
                (
                    "Rugg opp området rundt hullet med sandpapiret, stryk på et tynt lag solusjon og vent "
                    "til det er matt, cirka fem minutter. Press lappen godt på."
                ),
            ),
            (
                "Monter og pump",
                (
                    "Legg inn slangen med litt luft i, ventilen først, og bruk fingrene til å få dekket på "
                    "plass. Pump til trykket som står på dekksiden."
                ),
            ),
        ],
        "tip": (
            "tip",
            "Lapp i stedet for å kaste",
            (
                "En slange kan lappes mange ganger. Hver nye slange du slipper å kjøpe sparer gummi, "
                "emballasje og frakt."
            ),
        ),
        "faq": [
            (
                "Hvor mye luft skal det være i dekket?",
                (
                    "Trykket står på siden av dekket, ofte mellom 3 og 6 bar for bysykler. Er du i tvil, "
                    "velg midten av intervallet."
                ),
            ),
            (
                "Når bør jeg heller kjøpe ny slange?",
                (
                    "Når hullet er større enn en lapp, eller sitter helt inntil ventilen. Da kan en "
                    "sykkelreparatør hjelpe deg."
                ),
            ),
            (
                "Kan jeg lappe en slange til elsykkel?",
                (
                    "Ja, slangen er den samme. Bakhjulet på en elsykkel med navmotor er tyngre å ta av; se "
                    "bruksanvisningen eller få hjelp."
                ),
            ),
        ],
        "related": ["bikes"],
    },
    {
        "slug": "mindre-matsvinn",
        "title": "Mindre matsvinn",
        "intro": (
            "En vanlig norsk husholdning kaster mat for tusenvis av kroner i året. Med litt "
            "planlegging blir det mindre svinn og mer penger igjen."
        ),
        "steps": [
            (
                "Se i kjøleskapet før du handler",
                (
                    "Ta et bilde av kjøleskapet eller skriv en liste. Planlegg middagene ut fra det som må "
                    "brukes først."
                ),
            ),
            (
                "Forstå datomerkingen",
                (
                    "«Best før» betyr at maten ofte er god lenge etter datoen: se, lukt og smak. «Siste "
                    "forbruksdag» gjelder ferskt kjøtt og fisk og skal følges."
                ),
            ),
            (
                "Oppbevar riktig",
                (
                    "Kjøleskapet skal holde 4 grader. Legg det som må spises først, fremst. Frys brød, "
                    "rester og moden frukt i porsjoner."
                ),
            ),
            (
                "Bruk restene",
                "Lag en fast «restemiddag» i uka: suppe, omelett, wok eller pizza tar det meste.",
            ),
        ],
        "tip": (
            "tip",
            "Del det du ikke rekker",
            (
                "Har du mat som ikke blir spist før du reiser bort? Gi den til en nabo eller et kjøleskap "
                "for deling i nærmiljøet."
            ),
        ),
        "faq": [
            (
                "Er det trygt å spise mat etter best før-datoen?",
                (
                    "Som regel ja, hvis emballasjen er hel og maten ser, lukter og smaker som den skal. Det"
                    " gjelder ikke mat merket «siste forbruksdag»."
                ),
            ),
            (
                "Hvordan tiner jeg mat trygt?",
                "I kjøleskapet over natten, eller i mikrobølgeovnen rett før du lager mat av den.",
            ),
        ],
        "related": ["kitchen"],
    },
    {
        "slug": "laan-i-stedet-for-aa-kjoepe",
        "title": "Lån i stedet for å kjøpe",
        "intro": (
            "En drill brukes i snitt noen få minutter i løpet av hele sin levetid. Mye utstyr "
            "kan du låne gratis på utlånssentralene i Bærum eller av naboen."
        ),
        "steps": [
            (
                "Søk etter det du trenger",
                "Søk på Sirkel under «Lån». Du ser hva som er ledig nær deg og når.",
            ),
            (
                "Reserver en periode",
                (
                    "Velg dager i kalenderen. Noe utstyr må godkjennes av utlåneren før reservasjonen er "
                    "bekreftet."
                ),
            ),
            (
                "Hent og sjekk",
                (
                    "Hent utstyret i åpningstiden. Se over det sammen med den som låner ut, og meld fra om "
                    "skader med en gang."
                ),
            ),
            (
                "Lever tilbake i tide",
                "Rengjør utstyret og lever det til avtalt tid, så neste låner får det som avtalt.",
            ),
        ],
        "tip": (
            "warning",
            "Husk verneutstyr",
            (
                "Bruk vernebriller og hørselvern når du låner elektroverktøy. Spør utlånssentralen om du er"
                " usikker på bruken."
            ),
        ),
        "faq": [
            (
                "Koster det noe å låne?",
                (
                    "Utlånssentralene i Bærum låner ut gratis. Naboer som låner ut på Sirkel gjør det også "
                    "gratis."
                ),
            ),
            (
                "Hva skjer hvis noe går i stykker?",
                "Meld fra til utlåneren når du leverer. Vanlig slitasje er ikke ditt ansvar.",
            ),
        ],
        "related": ["tools", "sports-outdoor"],
    },
    {
        "slug": "gi-klaer-nytt-liv",
        "title": "Gi klærne nytt liv",
        "intro": (
            "Klær og sko står for en stor del av klimaavtrykket til en vanlig husholdning. Det "
            "beste du kan gjøre er å bruke dem lenger, reparere og gi bort det du ikke bruker."
        ),
        "steps": [
            (
                "Sorter garderoben",
                (
                    "Legg i tre hauger: beholde, reparere og gi bort. Det du ikke har brukt på et år, "
                    "gleder kanskje noen andre."
                ),
            ),
            (
                "Reparer det som kan fikses",
                "Sy i knapper, lapp hull og bytt glidelås. Et skomakerverksted kan sole sko og skifte hæler.",
            ),
            ("Vask og gjør klart", "Gi bort klær rene og hele. Ta et bilde i dagslys når du legger dem ut."),
            (
                "Legg ut på Sirkel",
                "Velg «Gi bort» eller «Bytte», kategori og område. Hentested vises bare omtrentlig.",
            ),
        ],
        "tip": (
            "tip",
            "Bytt barneklær",
            "Barn vokser fort. Bytt klær i neste størrelse med andre foreldre i nabolaget.",
        ),
        "faq": [
            (
                "Hva gjør jeg med klær som er utslitt?",
                (
                    "Lever dem som tekstil på gjenbruksstasjonen. Hele klær kan også leveres til innsamling"
                    " for ombruk."
                ),
            ),
            ("Kan jeg gi bort sko?", "Ja, hvis de er hele og rene. Skriv størrelse og hvor mye de er brukt."),
        ],
        "related": ["clothes-shoes", "children"],
    },
    {
        "slug": "reparer-elektronikken",
        "title": "Reparer elektronikken før du kjøper ny",
        "intro": (
            "En knust skjerm eller et svakt batteri betyr sjelden at telefonen er ferdig. Å "
            "reparere er ofte billigere enn du tror og sparer mye utslipp fra produksjon."
        ),
        "steps": [
            (
                "Finn ut hva som er galt",
                (
                    "Skriv ned hva som skjer og når. Ta sikkerhetskopi av innholdet før du leverer til "
                    "reparasjon."
                ),
            ),
            (
                "Sjekk garantien og reklamasjonsretten",
                (
                    "Etter forbrukerkjøpsloven har du reklamasjonsrett i inntil fem år på ting som skal "
                    "vare lenge. Kontakt butikken først."
                ),
            ),
            (
                "Få et pristilbud",
                "Finn en reparatør på Sirkel og be om pristilbud. Mange bytter batteri og skjerm samme dag.",
            ),
            (
                "Lever gammel elektronikk riktig",
                "Det som ikke kan repareres, leverer du gratis i butikken eller på gjenbruksstasjonen.",
            ),
        ],
        "tip": (
            "warning",
            "Ikke åpne det som står i strøm",
            (
                "Trekk ut kontakten før du åpner et apparat. Mikrobølgeovner og TV-er kan ha farlig "
                "spenning også når de er koblet fra."
            ),
        ),
        "faq": [
            (
                "Lønner det seg å reparere en gammel vaskemaskin?",
                (
                    "Ofte ja: en ny pumpe eller et nytt lager koster langt mindre enn en ny maskin. Be om "
                    "pristilbud før du bestemmer deg."
                ),
            ),
            (
                "Hva er reklamasjonsrett?",
                (
                    "Retten til å få en feil rettet når varen er mangelfull, inntil to år, eller fem år for"
                    " varer som skal vare vesentlig lenger."
                ),
            ),
        ],
        "related": ["electronics", "white-goods"],
    },
    {
        "slug": "gjenbruk-av-moebler",
        "title": "Gjenbruk av møbler",
        "intro": (
            "Møbler er store, tunge og ofte laget for å vare. Et brukt møbel kan pusses opp for "
            "en brøkdel av prisen på nytt, og gir mindre avfall."
        ),
        "steps": [
            (
                "Se etter kvalitet",
                (
                    "Heltre og finér tåler sliping og maling. Sjekk at skuffer går lett og at stoler ikke "
                    "vakler."
                ),
            ),
            (
                "Rengjør og reparer",
                "Vask med grønnsåpe. Lim løse sprosser med trelim og bruk tvinge til limet har herdet.",
            ),
            ("Puss opp", "Slip lett, grunn og mal. Bytt knotter eller trekk for å gi møbelet nytt uttrykk."),
            (
                "Gi bort det du ikke trenger",
                "Legg ut møbler du ikke bruker på Sirkel. Skriv mål og om det må hentes med bil.",
            ),
        ],
        "tip": (
            "tip",
            "Lån tilhenger og verktøy",
            "Utlånssentralene låner ut slipemaskin, tvinger og ofte også tilhenger.",
        ),
        "faq": [
            (
                "Kan jeg gi bort en sofa med flekker?",
                "Ja, hvis du beskriver den ærlig. Mange trekker om eller renser selv.",
            ),
            (
                "Hvordan frakter jeg store møbler?",
                "Lån en tilhenger eller avtal at den som henter tar med bil.",
            ),
        ],
        "related": ["furniture", "tools"],
    },
]

NEWS = [
    {
        "slug": "sirkel-er-lansert",
        "title": "Sirkel er lansert: gi bort, reparer og lån i Bærum",
        "date": date(2026, 11, 2),
        "intro": "Bærum kommune lanserer Sirkel, en felles møteplass for gjenbruk, reparasjon og utlån.",
        "body": [
            _p(
                "Fra i dag kan innbyggere i Bærum gi bort og bytte ting, finne en reparatør som har "
                "åpent og låne utstyr på utlånssentralene – alt på ett sted.",
                "Sirkel er utviklet som åpen kildekode og er laget for å være universelt utformet. "
                "Tjenesten viser aldri din nøyaktige adresse til andre.",
            )
        ],
    },
    {
        "slug": "ny-utlaanssentral-paa-fornebu",
        "title": "Ny utlånssentral på Fornebu",
        "date": date(2026, 11, 16),
        "intro": "Den nye utlånssentralen på Fornebu låner ut verktøy, friluftsutstyr og elsykler gratis.",
        "body": [
            _p(
                "Utlånssentralen holder åpent tirsdag til lørdag. Du reserverer på Sirkel og henter "
                "i åpningstiden.",
                "Sentralen tar gjerne imot utstyr i god stand som gaver.",
            )
        ],
    },
    {
        "slug": "reparasjonskafe-i-sandvika",
        "title": "Reparasjonskafé i Sandvika hver første lørdag",
        "date": date(2026, 11, 24),
        "intro": "Frivillige hjelper deg å reparere klær, sykler og småelektronikk – gratis.",
        "body": [
            _p(
                "Ta med det som er ødelagt, så reparerer vi det sammen. Kaffe og verktøy står klart.",
                "Reparasjonskafeen er et samarbeid mellom kommunen, biblioteket og frivillige.",
            )
        ],
    },
]

# The privacy notice is not one of these: /personvernerklaering/ is built from what each app
# stores (accounts.views.privacy, docs/decisions/0017), and the footer links it.
STANDARD_PAGES = [
    {
        "slug": "om-sirkel",
        "title": "Om Sirkel",
        "intro": "Sirkel er Bærum kommunes tjeneste for sirkulær økonomi i hverdagen.",
        "body": [
            _p(
                "Med Sirkel kan du gi bort, bytte og ønske deg ting, finne en reparatør i nærheten "
                "som har åpent nå, og låne utstyr på utlånssentralene eller av naboen.",
                "Målet er at ting skal brukes lenger og av flere, slik at vi kjøper mindre nytt og "
                "kaster mindre. Sirkel viser hvor mye vi sparer sammen, regnet ut fra fullførte "
                "utlån, gaver og reparasjoner.",
            ),
            _h("Åpen kildekode og åpne data"),
            _p(
                "Sirkel er åpen kildekode. Data om reparatører, utlånssentraler og annonser (uten "
                "personopplysninger) er tilgjengelige gjennom et åpent API."
            ),
        ],
    },
    {
        "slug": "vilkar",
        "title": "Vilkår for bruk",
        "intro": "Reglene som gjelder når du bruker Sirkel.",
        "body": [
            _block(
                "paragraph",
                _ul(
                    "Du må være minst 15 år for å opprette en konto.",
                    "Du kan bare legge ut ting du selv eier og har rett til å gi bort, bytte eller låne ut.",
                    "Ikke legg ut våpen, legemidler, alkohol, tobakk, levende dyr eller farlige stoffer.",
                    "Vær høflig i meldinger. Trakassering og svindel fører til at kontoen stenges.",
                    "Avtaler om henting og utlån er mellom deg og den andre parten. Kommunen er ikke "
                    "part i avtalen, men moderatorer følger opp det som rapporteres.",
                ),
            ),
        ],
    },
    {
        "slug": "tilgjengelighetserklaering",
        "title": "Tilgjengelighetserklæring",
        "intro": (
            "Alle skal kunne bruke Sirkel, uansett funksjonsevne. Her står det hvilke krav "
            "tjenesten skal oppfylle, hva som ennå ikke er på plass, og hvordan du sier fra."
        ),
        "body": [
            _h("Kravene Sirkel skal oppfylle"),
            _p(
                "Sirkel er en nettløsning fra Bærum kommune. Etter likestillings- og "
                "diskrimineringsloven § 18 og forskrift om universell utforming av informasjons- og "
                "kommunikasjonsteknologiske (IKT)-løsninger skal den være universelt utformet. For "
                "offentlige virksomheter betyr det at nettstedet skal følge de suksesskriteriene i "
                "WCAG 2.1 på nivå A og AA som forskriften viser til, og at kommunen skal publisere "
                "en tilgjengelighetserklæring som denne.",
                "Kommunen fyller også ut erklæringen for Sirkel i Digitaliseringsdirektoratets "
                "løsning uustatus.no, der den vises sammen med erklæringene for kommunens andre "
                "nettsteder.",
            ),
            _h("Slik har vi kontrollert tjenesten"),
            _p(
                "Sirkel er bygget med Designsystemet, det felles designsystemet for offentlig "
                "sektor. Hver side i tjenesten kontrolleres automatisk med verktøyet axe for "
                "WCAG 2.1 A og AA hver gang koden endres, og de viktigste oppgavene – gi bort, "
                "låne, finne en reparatør, melde seg på et arrangement – testes med tastatur og "
                "skjermleser før de tas i bruk.",
                "Vi vurderer at tjenesten i hovedsak oppfyller kravene. Manglene vi kjenner til, "
                "står nedenfor.",
            ),
            _h("Kjente mangler"),
            _block(
                "paragraph",
                _ul(
                    "Kartene over annonser, reparatører og miljøbilens stopp er vanskelige å bruke "
                    "med skjermleser og uten mus. Alt som vises i et kart, finnes også som liste på "
                    "samme side.",
                    "Bilder som innbyggere laster opp i annonser, har ikke alltid en god "
                    "tekstbeskrivelse. Vi ber om en beskrivelse når bildet lastes opp.",
                    "Enkelte PDF-dokumenter fra eldre kampanjer er ikke universelt utformet. Be om "
                    "innholdet i et annet format, så sender vi det.",
                ),
            ),
            _h("Si fra om problemer"),
            _p(
                "Får du ikke brukt en del av Sirkel, eller trenger du innhold i et annet format? "
                "Skriv til sirkel@baerum.kommune.no eller ring kommunens servicetorg på "
                "67 50 40 50. Fortell gjerne hvilken side det gjelder og hva som ikke virket. Vi "
                "svarer så raskt vi kan, og senest innen tre uker.",
            ),
            _h("Klage og tilsyn"),
            _p(
                "Er du ikke fornøyd med svaret, eller får du ikke svar, kan du klage til Tilsynet "
                "for universell utforming av IKT (Uu-tilsynet) i Digitaliseringsdirektoratet "
                "(Digdir). Tilsynet kontrollerer at offentlige nettsteder følger regelverket. "
                'Du melder fra på <a href="https://www.uutilsynet.no/">uutilsynet.no</a>.',
                "Gjelder det forskjellsbehandling på grunn av funksjonsnedsettelse, kan du også "
                "klage til Diskrimineringsnemnda, og du kan få gratis veiledning hos Likestillings- "
                "og diskrimineringsombudet.",
                "Erklæringen ble sist gjennomgått 1. desember 2026.",
            ),
        ],
    },
]


def _add(parent, page):
    existing = type(page).objects.child_of(parent).filter(slug=page.slug).first()
    if existing is not None:
        return existing, False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


GUIDE_HEADINGS = {
    "nb": {"steps": "Slik gjør du", "faq": "Spørsmål og svar", "related": "Dette finner du på Sirkel"},
    "en": {"steps": "How to do it", "faq": "Questions and answers", "related": "What you find on Sirkel"},
}


def _guide_body(spec: dict, language: str = "nb") -> list[dict]:
    headings = GUIDE_HEADINGS[language]
    kind, title, text = spec["tip"]
    body = [
        _steps(headings["steps"], spec["steps"]),
        _callout(kind, title, text),
        _faq(spec["faq"], heading=headings["faq"]),
    ]
    related = _related(spec["related"], headings["related"])
    if related:
        body.append(related)
    return body


@transaction.atomic
def demo_pages_ensure(home: HomePage) -> int:
    """The demo guides, news and standard pages under the Norwegian home page; returns how
    many pages were made."""
    made = 0
    guides, created = _add(
        home,
        TopicIndexPage(
            title="Guider",
            slug="guider",
            intro="Praktiske råd for å reparere, gjenbruke og kaste mindre.",
        ),
    )
    made += created
    for spec in GUIDES:
        page = GuidePage(
            title=spec["title"], slug=spec["slug"], intro=spec["intro"], body=json.dumps(_guide_body(spec))
        )
        made += _add(guides, page)[1]
    news, created = _add(
        home, NewsIndexPage(title="Nyheter", slug="nyheter", intro="Nytt om gjenbruk og Sirkel i Bærum.")
    )
    made += created
    for spec in NEWS:
        page = NewsPage(
            title=spec["title"],
            slug=spec["slug"],
            date=spec["date"],
            intro=spec["intro"],
            body=json.dumps(spec["body"]),
        )
        made += _add(news, page)[1]
    for spec in STANDARD_PAGES:
        # In menus: the footer links them on every page (the accessibility statement must be).
        page = StandardPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            body=json.dumps(spec["body"]),
            show_in_menus=True,
        )
        made += _add(home, page)[1]
    return made


# --- English versions of the main demo pages (cms.demo_translations, by Norwegian slug) --------

_BIKE_GUIDE_EN = {
    "steps": [
        (
            "Take the wheel off",
            (
                "Open the brake if you have rim brakes, undo the quick release or the nuts and lift the "
                "wheel out. For the rear wheel, shift the chain onto the smallest sprocket first."
            ),
        ),
        (
            "Take the tube out",
            (
                "Let out the rest of the air. Use two tyre levers to lift one edge of the tyre over the "
                "rim. Pull the tube out, the valve last."
            ),
        ),
        (
            "Find the hole",
            (
                "Pump a little air into the tube and listen, or hold it under water and look for "
                "bubbles. Also feel the inside of the tyre for glass or staples, or you will puncture "
                "again."
            ),
        ),
        (
            "Patch the tube",
            (
                "Roughen the area around the hole with the sandpaper, spread a thin layer of rubber "
                "solution and wait until it looks dull, about five minutes. Press the patch on firmly."
            ),
        ),
        (
            "Refit and pump",
            (
                "Put the tube back with a little air in it, valve first, and work the tyre back onto "
                "the rim with your fingers. Pump to the pressure printed on the side of the tyre."
            ),
        ),
    ],
    "tip": (
        "tip",
        "Patch instead of throwing away",
        (
            "A tube can be patched many times. Every new tube you do not have to buy saves rubber, "
            "packaging and transport."
        ),
    ),
    "faq": [
        (
            "How much air should the tyre have?",
            (
                "The pressure is printed on the side of the tyre, often between 3 and 6 bar for city "
                "bikes. If in doubt, choose the middle of the range."
            ),
        ),
        (
            "When should I buy a new tube instead?",
            (
                "When the hole is bigger than a patch, or right next to the valve. A bike repairer can "
                "help you then."
            ),
        ),
        (
            "Can I patch the tube of an e-bike?",
            (
                "Yes, the tube is the same. The rear wheel of an e-bike with a hub motor is heavier to "
                "take off; read the manual or get help."
            ),
        ),
    ],
    "related": ["bikes"],
}

ENGLISH = {
    "guider": {
        "title": "Guides",
        "intro": "Practical advice on repairing, reusing and throwing away less.",
    },
    "slik-reparerer-du-sykkelslangen": {
        "title": "How to repair a bicycle inner tube",
        "intro": (
            "A puncture is the most common bike repair, and you can fix it yourself in half an hour "
            "with a patch kit that costs less than a hundred kroner."
        ),
        "body": lambda: json.dumps(_guide_body(_BIKE_GUIDE_EN, language="en")),
    },
    "nyheter": {"title": "News", "intro": "News about reuse and Sirkel in Bærum."},
    "sirkel-er-lansert": {
        "title": "Sirkel is launched: give away, repair and borrow in Bærum",
        "intro": "Bærum municipality launches Sirkel, one meeting place for reuse, repair and lending.",
        "body": lambda: json.dumps(
            [
                _p(
                    "From today, residents of Bærum can give away and swap things, find a repairer who "
                    "is open and borrow equipment from the lending hubs – all in one place.",
                    "Sirkel is open source and designed to be usable by everyone. It never shows your "
                    "exact address to others.",
                )
            ]
        ),
    },
    "om-sirkel": {
        "title": "About Sirkel",
        "intro": "Sirkel is Bærum municipality's service for a circular economy in everyday life.",
        "body": lambda: json.dumps(
            [
                _p(
                    "With Sirkel you can give away, swap and ask for things, find a repairer nearby "
                    "who is open now, and borrow equipment from the lending hubs or from a neighbour.",
                    "The aim is that things are used longer and by more people, so that we buy less "
                    "new and throw away less. Sirkel shows how much we save together, computed from "
                    "completed loans, giveaways and repairs.",
                ),
                _h("Open source and open data"),
                _p(
                    "Sirkel is open source. Data about repairers, lending hubs and listings (without "
                    "personal data) is available through an open API."
                ),
            ]
        ),
    },
    "tilgjengelighetserklaering": {
        "title": "Accessibility statement",
        "intro": (
            "Everyone should be able to use Sirkel, whatever their abilities. This page says which "
            "requirements the service must meet, what is not in place yet, and how to tell us."
        ),
        "body": lambda: json.dumps(
            [
                _h("The requirements Sirkel must meet"),
                _p(
                    "Sirkel is a web service of Bærum municipality. Under section 18 of the Norwegian "
                    "Equality and Anti-Discrimination Act (likestillings- og diskrimineringsloven) and "
                    "the regulations on universal design of ICT solutions, it must be universally "
                    "designed. For public bodies this means that the site must meet the WCAG 2.1 "
                    "level A and AA success criteria the regulations refer to, and that the "
                    "municipality must publish an accessibility statement like this one.",
                    "The municipality also files the statement for Sirkel in the Norwegian "
                    "Digitalisation Agency's service uustatus.no, next to the statements for its other "
                    "websites.",
                ),
                _h("How we checked the service"),
                _p(
                    "Sirkel is built with Designsystemet, the shared design system for the Norwegian "
                    "public sector. Every page is checked automatically with the axe tool for WCAG 2.1 "
                    "A and AA whenever the code changes, and the main tasks – giving away, borrowing, "
                    "finding a repairer, signing up for an event – are tested with a keyboard and a "
                    "screen reader before they are released.",
                    "We consider that the service mostly meets the requirements. The shortcomings we "
                    "know of are listed below.",
                ),
                _h("Known shortcomings"),
                _block(
                    "paragraph",
                    _ul(
                        "The maps of listings, repairers and the mobile station's stops are hard to use "
                        "with a screen reader and without a mouse. Everything shown on a map is also "
                        "listed on the same page.",
                        "Photos that residents upload with listings do not always have a good text "
                        "description. We ask for one when a photo is uploaded.",
                        "Some PDF documents from older campaigns are not universally designed. Ask for "
                        "the content in another format and we will send it.",
                    ),
                ),
                _h("Tell us about problems"),
                _p(
                    "Can you not use part of Sirkel, or do you need content in another format? Write "
                    "to sirkel@baerum.kommune.no or call the municipality's service centre on "
                    "67 50 40 50. Please tell us which page it is and what did not work. We answer as "
                    "soon as we can, and within three weeks at the latest.",
                ),
                _h("Complaints and supervision"),
                _p(
                    "If you are not satisfied with our answer, or get none, you can complain to the "
                    "Authority for Universal Design of ICT (Uu-tilsynet) at the Norwegian "
                    "Digitalisation Agency (Digdir), which checks that public websites follow the "
                    'rules. You report at <a href="https://www.uutilsynet.no/">uutilsynet.no</a>.',
                    "If it is about being treated differently because of a disability, you can also "
                    "complain to the Anti-Discrimination Tribunal (Diskrimineringsnemnda), and the "
                    "Equality and Anti-Discrimination Ombud gives free guidance.",
                    "This statement was last reviewed on 1 December 2026.",
                ),
            ]
        ),
    },
}


def english_translations() -> dict[str, dict]:
    """The English field values of the main demo pages, by Norwegian slug (bodies built now:
    the related-categories block refers to categories by their database ids)."""
    return {
        slug: {name: value() if callable(value) else value for name, value in fields.items()}
        for slug, fields in ENGLISH.items()
    }
