"""Full-text search conventions shared by every app that searches text."""

import re

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

# A PostgreSQL text search configuration: Norwegian stemming after unaccent, created by
# catalog/migrations/0003_search_configuration.py. "sykler" finds "sykkel", "barnevógn" finds
# "barnevogn". Fixed to an immutable regconfig so it can be used in generated columns.
SEARCH_CONFIG = "sirkel_norwegian"

# Longest free-text query accepted; longer input is cut, never an error.
MAX_QUERY_LENGTH = 200

_WORD = re.compile(r"\w+", re.UNICODE)
_VOWELS = "aeiouyæøå"
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40


def _variants(word: str) -> list[str]:
    """The word plus the forms the Snowball stemmer does not connect: Norwegian nouns in -el
    lose the e (and a doubled consonant) in the plural, "sykkel" / "sykler", "nøkkel" / "nøkler",
    "himmel" / "himler"; the stems differ ('sykkel', 'sykl'), so each form is searched too."""
    forms = [word]
    plural = re.fullmatch(r"(.*[^" + _VOWELS + r"])l(er|ene|a|ane)", word)
    if plural:
        stem = plural.group(1)
        forms += [stem + "el", stem + stem[-1] + "el"]
    singular = re.fullmatch(r"(.*?)([^" + _VOWELS + r"])\2?el(en)?", word)
    if singular:
        forms.append(singular.group(1) + singular.group(2) + "ler")
    return list(dict.fromkeys(forms))


def word_forms(word: str) -> list[str]:
    """Every form of one word a search should try (the word and its -el plural/singular)."""
    return _variants(word)


def query_words(text: str) -> list[str]:
    """The words of a free-text query, lower-cased; only word characters survive, so nothing a
    user types can become tsquery or SQL syntax."""
    return [w.lower()[:MAX_WORD_LENGTH] for w in _WORD.findall(text[:MAX_QUERY_LENGTH])][:MAX_QUERY_WORDS]


def word_tsquery(word: str) -> str:
    """A raw tsquery matching any form of one word: "(sykler | sykel | sykkel)"."""
    return "(" + " | ".join(_variants(word)) + ")"


def text_match(*, table: str, vector: str, title: str, text: str) -> RawSQL | None:
    """A condition for free text: every word must match, either through the stored search
    vector (stemmed, unaccented, any of its forms) or, for typos and parts of compound words,
    by trigram word similarity to the title ("kajak" finds "Kajakk", "hjelm" finds
    "Sykkelhjelm"). Stop words ("og", "til") match everything: numnode() of their tsquery is 0,
    a constant the planner folds away. None when the text has no words."""
    words = query_words(text)
    if not words:
        return None
    quote = connection.ops.quote_name
    vector_col, title_col = f"{quote(table)}.{quote(vector)}", f"{quote(table)}.{quote(title)}"
    parts, params = [], []
    for word in words:
        parts.append(
            f"(numnode(to_tsquery(%s::regconfig, %s)) = 0"
            f" OR {vector_col} @@ to_tsquery(%s::regconfig, %s)"
            f" OR {title_col} %%> %s)"
        )
        params += [SEARCH_CONFIG, word_tsquery(word), SEARCH_CONFIG, word_tsquery(word), word]
    # User text only ever travels as parameters; the SQL holds quoted column names.
    return RawSQL("(" + " AND ".join(parts) + ")", params, output_field=BooleanField())  # noqa: S611


def rank_query(text: str) -> str | None:
    """A raw tsquery of all words (any form of each) for ranking by relevance."""
    words = query_words(text)
    return " & ".join(word_tsquery(w) for w in words) if words else None
