from django.db.models import QuerySet

from catalog.models import Category


def category_list() -> QuerySet[Category]:
    """Main categories, each followed by its subcategories, in editorial order."""
    return Category.objects.select_related("parent").order_by("sort_order", "slug")


def category_with_descendants(slug: str) -> list[int] | None:
    """Ids of the category and its subcategories (what "category=bikes" means in a search);
    None for an unknown slug."""
    ids = list(Category.objects.filter(slug=slug).values_list("pk", flat=True))
    if not ids:
        return None
    return ids + list(Category.objects.filter(parent_id=ids[0]).values_list("pk", flat=True))


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for forms: (main category name, [(slug, name), ...]) with the main
    category itself first in its group."""
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for category in category_list():
        if category.parent_id is None:
            groups[category.pk] = (category.name, [(category.slug, category.name)])
        elif category.parent_id in groups:
            groups[category.parent_id][1].append((category.slug, f"– {category.name}"))
    return list(groups.values())
