from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.models import Role
from cms.models import HomePage, SecondEditorApprovalTask

HOME_CONTENT = {
    "nb": {
        "title": "Sirkel",
        "hero_title": "Gi bort, bytt, reparer og lån – i Bærum",
        "hero_text": (
            "Sirkel er Bærum kommunes møteplass for gjenbruk. Gi bort det du ikke trenger, "
            "finn en reparatør i nærheten og lån utstyr i stedet for å kjøpe nytt."
        ),
        "search_description": "Gi bort, bytt, reparer og lån i Bærum: kommunens møteplass for gjenbruk.",
    },
    "en": {
        "title": "Sirkel",
        "hero_title": "Give away, swap, repair and borrow – in Bærum",
        "hero_text": (
            "Sirkel is Bærum municipality's meeting place for reuse. Give away what you do not "
            "need, find a repairer nearby and borrow equipment instead of buying new."
        ),
        "search_description": (
            "Give away, swap, repair and borrow in Bærum: the municipality's meeting place for reuse."
        ),
    },
}


def _locale(code: str) -> Locale:
    locale, _ = Locale.objects.get_or_create(language_code=code)
    return locale


@transaction.atomic
def site_ensure() -> HomePage:
    """Make sure the page tree has a Norwegian HomePage with an English translation as the
    default site's root. Idempotent; used by `load_demo` and by tests after a flush."""
    nb, en = _locale("nb"), _locale("en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=nb))

    home = HomePage.objects.filter(depth=2, locale=nb).first()
    if home is None:
        # Wagtail's first migration leaves a plain "Welcome" page with the slug we want.
        Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
        root.refresh_from_db()
        home = root.add_child(instance=HomePage(slug="home", locale=nb, **HOME_CONTENT["nb"]))
        home.save_revision().publish()

    if not HomePage.objects.filter(translation_key=home.translation_key, locale=en).exists():
        translation = home.copy_for_translation(en)
        for field, value in HOME_CONTENT["en"].items():
            setattr(translation, field, value)
        translation.save_revision().publish()

    _editors_ensure(home)
    for locale_home in home.get_translations(inclusive=True):
        _workflow_ensure(locale_home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Sirkel"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


# No "publish_page": an editor's page goes live only through the workflow, when a second editor
# approves it (cms.workflow.SecondEditorApprovalTask). Administrators may still publish directly.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
# Shared vocabulary the editors maintain in the admin (model permissions).
EDITOR_MODEL_PERMISSIONS = (
    ("catalog", "add_category"),
    ("catalog", "change_category"),
    ("catalog", "add_impactfactor"),
    ("catalog", "change_impactfactor"),
    ("sharing", "add_hub"),
    ("sharing", "change_hub"),
    ("sharing", "add_item"),
    ("sharing", "change_item"),
    # "Translate" in the page menu: copies a page into the other language for editing.
    ("simple_translation", "submit_translation"),
)
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def _editors_ensure(home: Page) -> None:
    """Editors write and translate pages under the home page in every language and approve
    each other's (the workflow publishes: they have no publish permission of their own), manage
    images and documents and the category taxonomy. Moderators get no page permissions: they
    must not publish (and editors get none of the moderators' views of reports and
    conversations)."""
    editors, _created = Group.objects.get_or_create(name=Role.EDITOR.value)
    for app_label, codename in EDITOR_MODEL_PERMISSIONS:
        editors.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    # Each language has its own tree under its home page: editors work in all of them.
    for locale_home in home.get_translations(inclusive=True):
        # Earlier set-ups let editors publish directly; the workflow replaces that.
        GroupPagePermission.objects.filter(
            group=editors, page=locale_home, permission__codename="publish_page"
        ).delete()
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editors,
                page=locale_home,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for app_label, codename in EDITOR_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=editors,
            collection=root_collection,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )


IMPACT_CONTENT = {
    "nb": {
        "dashboard": {
            "title": "Effekten av gjenbruk i Bærum",
            "slug": "effekt",
            "intro": (
                "Hva gjenbruk, utlån og reparasjon gjennom Sirkel har spart av klimagassutslipp og avfall, "
                "regnet ut fra det som faktisk er gitt bort, lånt og reparert."
            ),
        },
        "method": {
            "title": "Slik teller vi",
            "slug": "slik-teller-vi",
            "intro": "Metoden bak tallene, og faktorene vi bruker for hver kategori, med kilder.",
        },
    },
    "en": {
        "dashboard": {
            "title": "The impact of reuse in Bærum",
            "slug": "effekt",
            "intro": (
                "What reuse, lending and repair through Sirkel have saved in greenhouse gas emissions and "
                "waste, computed from what has actually been given away, borrowed and repaired."
            ),
        },
        "method": {
            "title": "How we count",
            "slug": "slik-teller-vi",
            "intro": "The method behind the figures, and the factors we use for each category, with sources.",
        },
    },
}


@transaction.atomic
def impact_pages_ensure(home: HomePage | None = None):
    """The impact dashboard under the home page and the "how we count" page under it, in
    Norwegian with English translations, published. Idempotent (demo data, tests)."""
    from cms.impact_pages import ImpactDashboardPage, ImpactMethodPage

    home = home or site_ensure()
    nb, en = _locale("nb"), _locale("en")
    dashboard = ImpactDashboardPage.objects.child_of(home).filter(locale=nb).first()
    if dashboard is None:
        dashboard = home.add_child(
            instance=ImpactDashboardPage(locale=nb, **IMPACT_CONTENT["nb"]["dashboard"])
        )
        dashboard.save_revision().publish()
    method = ImpactMethodPage.objects.child_of(dashboard).filter(locale=nb).first()
    if method is None:
        method = dashboard.add_child(instance=ImpactMethodPage(locale=nb, **IMPACT_CONTENT["nb"]["method"]))
        method.save_revision().publish()
    for page, content in (
        (dashboard, IMPACT_CONTENT["en"]["dashboard"]),
        (method, IMPACT_CONTENT["en"]["method"]),
    ):
        if page.get_translation_or_none(en) is None:
            translation = page.copy_for_translation(en, copy_parents=True)
            for field, value in content.items():
                setattr(translation, field, value)
            translation.save_revision().publish()
    return dashboard, method


# Names are data the editors see in the admin (Norwegian, like the content).
WORKFLOW_NAME = "En annen redaktør godkjenner"
TASK_NAME = "Godkjenning av en annen redaktør"


def _workflow_ensure(home: Page) -> Workflow:
    """The editorial workflow on the whole tree under `home`: one task that editors approve,
    but never their own page (idempotent)."""
    editors = Group.objects.get(name=Role.EDITOR.value)
    task, _created = SecondEditorApprovalTask.objects.get_or_create(name=TASK_NAME)
    task.groups.add(editors)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
