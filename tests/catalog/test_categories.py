import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from catalog.models import Category
from catalog.selectors import category_choices, category_with_descendants
from catalog.services import DATA_FILE, categories_load

MAIN_SLUGS = [
    "furniture",
    "clothes-shoes",
    "children",
    "sports-outdoor",
    "bikes",
    "electronics",
    "white-goods",
    "tools",
    "garden",
    "books-media",
    "kitchen",
    "interior",
    "hobby",
    "other",
]


def test_migration_loads_the_whole_taxonomy(db):
    data = json.loads(DATA_FILE.read_text())["categories"]
    expected = len(data) + sum(len(row["children"]) for row in data)
    assert Category.objects.count() == expected
    assert list(Category.objects.filter(parent=None).values_list("slug", flat=True)) == MAIN_SLUGS


def test_loading_again_creates_nothing_and_keeps_edited_names(db):
    Category.objects.filter(slug="bikes").update(name_nb="Sykler og sparkesykler")
    assert categories_load() == 0
    assert Category.objects.get(slug="bikes").name_nb == "Sykler og sparkesykler"


def test_category_includes_its_children(db):
    ids = category_with_descendants("bikes")
    slugs = set(Category.objects.filter(pk__in=ids).values_list("slug", flat=True))
    assert {"bikes", "e-bikes", "childrens-bikes", "cargo-bikes"} <= slugs
    assert "toys" not in slugs
    assert category_with_descendants("e-bikes") == [Category.objects.get(slug="e-bikes").pk]
    assert category_with_descendants("no-such-category") is None


def test_only_two_levels(db):
    grandchild = Category(slug="x", name_nb="x", name_en="x", parent=Category.objects.get(slug="e-bikes"))
    with pytest.raises(ValidationError):
        grandchild.full_clean()


def test_a_main_category_with_children_cannot_become_a_child(db):
    bikes = Category.objects.get(slug="bikes")
    bikes.parent = Category.objects.get(slug="other")
    with pytest.raises(ValidationError):
        bikes.full_clean()


def test_choices_group_children_under_their_main_category(db):
    with translation.override("nb"):
        groups = dict(category_choices())
    assert ("bikes", "Sykler") in groups["Sykler"]


@pytest.mark.parametrize(("language", "name"), [("nb", "Elsykler"), ("en", "E-bikes")])
def test_api_lists_categories_in_the_requested_language(client, db, language, name):
    body = client.get("/api/v1/categories", headers={"accept-language": language}).json()
    e_bikes = next(c for c in body if c["slug"] == "e-bikes")
    assert e_bikes == {"slug": "e-bikes", "name": name, "parent": "bikes"}
    assert next(c for c in body if c["slug"] == "bikes")["parent"] is None


def test_editor_can_edit_categories_in_the_admin(client, site):
    from accounts.models import Role
    from accounts.services import roles_ensure, user_add_role
    from tests.factories import StaffFactory, UserFactory

    roles_ensure()
    editor = StaffFactory()  # the admin requires MFA
    user_add_role(user=editor, role=Role.EDITOR)
    client.force_login(editor)
    bikes = Category.objects.get(slug="bikes")
    assert client.get(f"/cms/snippets/catalog/category/edit/{bikes.pk}/").status_code == 200
    resident = UserFactory()
    client.force_login(resident)
    assert client.get(f"/cms/snippets/catalog/category/edit/{bikes.pk}/").status_code == 302
