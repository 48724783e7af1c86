from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms import seo

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in every language (cms.seo.versions): a CMS page's live translation,
    an app page under the other prefix (query string kept). A CMS page with no translation
    links to that language's home page and says so, in that language."""
    request = context["request"]
    page = context.get("page")
    links = []
    for version in seo.versions(request, page if isinstance(page, Page) else None):
        url, note = version.url, ""
        if url is None:
            url = seo.home_url(version.code)
            with translation.override(version.code):
                language = str(dict(settings.LANGUAGES).get(seo.current_language(request), ""))
                note = _("This page is only available in %(language)s. The link goes to the home page.") % {
                    "language": language
                }
        elif not isinstance(page, Page) and request.GET:
            url = f"{url}?{request.GET.urlencode()}"
        links.append(
            {"code": version.code, "name": version.name, "url": url, "current": version.current, "note": note}
        )
    return {"links": links}


@register.filter
def ds_widget(field):
    """Render a form field's widget with Designsystemet classes and the ARIA links to its help
    text and errors."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    css = "ds-input" if input_type not in ("checkbox", "radio") else "ds-input ds-input--choice"
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}_help")
    if field.errors:
        described.append(f"{field.id_for_label}_error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def rendition(image, size: str):
    """URLs and size of one stored rendition of a sanitized photo (any model with `renditions`
    as written by core.images and a storage-backed `original`): for <picture> with a WebP
    source and a JPEG fallback. None if that size is missing."""
    data = (getattr(image, "renditions", None) or {}).get(size)
    if not data:
        return None
    storage = image.original.storage
    return {
        "webp_url": storage.url(data["webp"]),
        "jpeg_url": storage.url(data["jpeg"]),
        "width": data["width"],
        "height": data["height"],
    }


@register.filter(needs_autoescape=True)
def user_links(text, autoescape=True):
    """Escape user text and make its web addresses links that pass no ranking or opener to the
    target (rel="nofollow noopener ugc"), opening in the same tab."""
    from django.utils.html import urlize

    html = urlize(text, nofollow=False, autoescape=autoescape)
    return mark_safe(html.replace("<a href=", '<a rel="nofollow noopener ugc" href='))  # noqa: S308


@register.simple_tag
def footer_links() -> list[tuple[str, str]]:
    """(title, URL) of the standard pages directly under a home page that editors marked "Show
    in menus" (about, privacy, terms and the accessibility statement, which the rules for public
    websites want one link away from every page), in the current language. From the page-tree
    cache (cms.page_cache.tree_cached): no query once computed."""
    from cms.page_cache import public_pages, tree_cached
    from cms.pages import StandardPage

    language = translation.get_language()

    def compute():
        pages = (
            public_pages(StandardPage.objects.live())
            .in_menu()
            .filter(depth=3, locale__language_code=language)
            .order_by("path")
        )
        return [(page.title, page.get_url()) for page in pages]

    return tree_cached(f"footer:{language}", compute)
