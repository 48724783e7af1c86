from django import template

from catalog.selectors import impact_totals_cached

register = template.Library()


@register.inclusion_tag("components/impact_counters.html")
def impact_counters(heading: str = "", method_url: str = ""):
    """The impact totals as counters, e.g. on the home page:
    `{% load impact_tags %}{% impact_counters method_url=... %}` (one query per version of the
    ledger and factors)."""
    return {"totals": impact_totals_cached(), "heading": heading, "method_url": method_url}
