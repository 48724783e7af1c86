"""Folding of place names and queries so that "barums verk", "BÆRUMS VERK" and "Baerums-Verk"
all find Bærums Verk."""

import re
import unicodedata

# Norwegian letters people replace when they have no Norwegian keyboard; both the letter and its
# two-letter spelling fold to the same plain letter.
_NORWEGIAN = str.maketrans({"æ": "a", "ø": "o", "å": "a"})
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("aa", "a"))


def fold(text: str) -> str:
    text = text.casefold().translate(_NORWEGIAN)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()
