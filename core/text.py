"""What user text may not contain, wherever it comes in (forms and the API alike): control
characters (NUL, which PostgreSQL refuses, and the others, which only ever hide things) and the
Unicode controls that override the direction of text ("Trojan Source" tricks that make a title
or a link read differently from what it is). Newlines and tabs are text; the direction marks
(U+200E, U+200F) are harmless and stay, as does right-to-left text itself."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}

HIDDEN_CHARACTERS_MESSAGE = _("Control characters are not allowed.")


def has_hidden_characters(value: str) -> bool:
    for ch in value:
        code = ord(ch)
        if (code < 32 or 0x7F <= code <= 0x9F) and ch not in _ALLOWED_CONTROLS:
            return True
        if ch in _BIDI_CONTROLS:
            return True
    return False


def reject_hidden_characters(value) -> None:
    """A Django validator."""
    if isinstance(value, str) and has_hidden_characters(value):
        raise ValidationError(HIDDEN_CHARACTERS_MESSAGE, code="hidden_characters")
