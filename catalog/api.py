from django.http import HttpRequest
from ninja import Router, Schema

from catalog.selectors import category_list

router = Router(tags=["categories"])


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None


@router.get("", response=list[CategoryOut], auth=None)
def categories(request: HttpRequest):
    """The shared taxonomy: main categories (`parent` null) and their subcategories, with names
    in the language of `Accept-Language` (nb or en)."""
    return [
        CategoryOut(slug=c.slug, name=c.name, parent=c.parent.slug if c.parent_id else None)
        for c in category_list()
    ]
