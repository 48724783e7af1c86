"""English translations of the main demo pages, by slug of the Norwegian page.

`demo_translations_ensure()` translates each listed page that exists in Norwegian and has no
English version yet (Wagtail's copy_for_translation, then the English fields below, then
publish); pages not there yet are skipped, so pages that other demo steps add later are
translated on the next `load_demo`. Existing translations are never overwritten (an editor may
have changed them). Parents are translated before children (the list is processed top-down),
and a page whose parent has no English version is skipped with a note.

Each entry gives the English value of the page's text fields: `title`, `seo_title`,
`search_description` and the page type's own fields (`intro`, `body` as a list of
(block type, value) pairs for a StreamField, ...). Fields the page type does not have are
reported, not silently ignored."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page

from cms.demo import english_translations
from cms.services import HOME_CONTENT

DEMO_TRANSLATIONS: dict[str, dict] = {
    # The home page (its English version is also made by site_ensure).
    "home": HOME_CONTENT["en"],
    # Demo pages added by later demo steps go here with the English of every text field they
    # have (a title alone would leave Norwegian body text under /en/); the guides, news and
    # standard pages' come from cms.demo.english_translations() (their StreamField bodies as
    # JSON, built when the categories they refer to exist).
}


def _fields_set(page: Page, values: dict) -> list[str]:
    """Set the English values on the copy; return the names the page type does not have."""
    missing = []
    field_names = {f.name for f in page._meta.get_fields()}
    for name, value in values.items():
        if name not in field_names:
            missing.append(name)
            continue
        setattr(page, name, value)
    return missing


@transaction.atomic
def demo_translations_ensure(translations: dict[str, dict] | None = None, language: str = "en") -> list[str]:
    """Translate the listed Norwegian pages that exist and are untranslated. Returns notes
    (what was translated or skipped and why) for the command's output."""
    if translations is None:
        translations = {**DEMO_TRANSLATIONS, **english_translations()}
    target, _ = Locale.objects.get_or_create(language_code=language)
    source = Locale.get_default()
    notes = []
    pages = Page.objects.filter(locale=source, slug__in=translations.keys()).order_by("depth", "path")
    found = set()
    for page in pages.specific():
        found.add(page.slug)
        if page.get_translation_or_none(target) is not None:
            continue
        if page.depth > 2 and page.get_parent().get_translation_or_none(target) is None:
            notes.append(f"skipped {page.slug!r}: its parent has no {language} version")
            continue
        copy = page.copy_for_translation(target)
        missing = _fields_set(copy, translations[page.slug])
        if missing:
            notes.append(f"{page.slug!r}: {type(page).__name__} has no field(s) {', '.join(missing)}")
        revision = copy.save_revision()
        if page.live:
            revision.publish()
        notes.append(f"translated {page.slug!r} to {language}")
    for slug in translations.keys() - found:
        notes.append(f"no page {slug!r} yet: not translated")
    return notes
