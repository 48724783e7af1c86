"""Template tags for the <head> of every page (title, description, canonical, hreflang, Open
Graph, JSON-LD); base.html uses them so every page type and app view gets them. See cms/seo.py."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from wagtail.models import Page

from cms import seo
from core.structured_data import json_ld_script

register = template.Library()


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)  # so {% block %}s inside stay overridable by child templates

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}...{% endcapture %}`: render the contents (already escaped) into a
    variable, whitespace collapsed, to use it more than once (the title in <title> and og:title)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def page_title(context):
    """A CMS page's SEO title (or its title); empty for other views, which set their own."""
    return seo.page_title(context.get("page"))


@register.simple_tag(takes_context=True)
def page_description(context):
    return seo.page_description(context.get("page"))


@register.simple_tag
def json_ld(data):
    """`{% json_ld data %}`: a dict (see core/structured_data.py) as a JSON-LD script element."""
    return json_ld_script(data)


@register.inclusion_tag("includes/seo_head.html", takes_context=True)
def seo_head(context, title, description):
    """Canonical link, hreflang alternates with x-default, Open Graph and Twitter card tags and
    a CMS page's own structured data (a page type defines `get_structured_data(request)` to
    return a dict, e.g. core.structured_data.event(...), and `get_og_image_url(request)`)."""
    request = context["request"]
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    versions = seo.versions(request, page)
    current = seo.current_language(request)
    alternates = [(v.code, seo.absolute(request, v.url)) for v in versions if v.url]
    default = next((url for code, url in alternates if code == settings.LANGUAGE_CODE), None)
    image = page.get_og_image_url(request) if page and hasattr(page, "get_og_image_url") else ""
    structured = page.get_structured_data(request) if page and hasattr(page, "get_structured_data") else None
    canonical = seo.absolute(request, seo.canonical_path(request))
    return {
        "canonical": canonical,
        "alternates": alternates,
        "x_default": default,
        "title": title,
        "description": description,
        "og_type": getattr(page, "og_type", "website") if page else "website",
        "og_locale": seo.OG_LOCALES.get(current, current),
        "og_locale_alternates": [seo.OG_LOCALES.get(code, code) for code, _ in alternates if code != current],
        "image": seo.absolute(request, image) if image else "",
        "structured_data": json_ld_script(structured) if structured else "",
    }


@register.simple_tag(takes_context=True)
def untranslated_original(context):
    """On a 404 under /en/: {"url", "title", "language"} of the Norwegian page at that path."""
    request = context.get("request")
    found = seo.untranslated_original(request) if request is not None else None
    if found is None:
        return None
    page, url = found
    code = page.locale.language_code
    return {"url": url, "title": page.title, "code": code, "language": dict(settings.LANGUAGES)[code]}
