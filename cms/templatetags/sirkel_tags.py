from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in every language: the translated Wagtail page when one exists,
    otherwise the same address with the other language prefix."""
    request = context["request"]
    page = context.get("page")
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    links = []
    for code, _name in settings.LANGUAGES:
        # Each language in its own name ("English", "Norsk (bokmål)"), whatever the page's language.
        local = get_language_info(code)["name_local"]
        name = local[:1].upper() + local[1:]
        url = None
        if isinstance(page, Page):
            locale = Locale.objects.filter(language_code=code).first()
            translation = page.get_translation_or_none(locale) if locale else None
            if translation is not None and translation.live:
                url = translation.get_url(request)
        if url is None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
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
