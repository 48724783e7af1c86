"""Reading a page's <head> the way a crawler does: title, meta, link and JSON-LD elements."""

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Head:
    html_lang: str = ""
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # name or property -> content
    meta_all: list[tuple[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    json_ld: list = field(default_factory=list)  # parsed JSON of each ld+json script

    def alternates(self) -> dict[str, str]:
        return {link["hreflang"]: link["href"] for link in self.links if link.get("rel") == "alternate"}

    def canonical(self) -> str | None:
        return next((link["href"] for link in self.links if link.get("rel") == "canonical"), None)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.head = Head()
        self._in_title = False
        self._in_ld = False
        self._ld_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.head.html_lang = attrs.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("name") or attrs.get("property")
            self.head.meta.setdefault(key, attrs.get("content", ""))
            self.head.meta_all.append((key, attrs.get("content", "")))
        elif tag == "link":
            self.head.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld, self._ld_text = True, ""

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "script" and self._in_ld:
            self._in_ld = False
            self.head.json_ld.append(json.loads(self._ld_text))

    def handle_data(self, data):
        if self._in_title:
            self.head.title += data
        elif self._in_ld:
            self._ld_text += data


def parse_head(html: str | bytes) -> Head:
    parser = _Parser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.head
