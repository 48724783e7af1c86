"""An offline check against the patterns leaked passwords are made of.

Django's CommonPasswordValidator already refuses the 20,000 most common leaked passwords (a list
shipped with Django, no network). This adds what that list cannot hold: the shapes around them —
a common word or a word about this service with digits or symbols around it ("Sommer2024!",
"sirkel123456"), keyboard walks ("qwertyuiop", "1qaz2wsx"), long runs of one character, and
sequences ("abcdefgh", "98765432")."""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KEYBOARD_ROWS = (
    "1234567890",
    "qwertyuiopå",
    "asdfghjkløæ",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
LOCAL_WORDS = ("sirkel", "baerum", "bærum", "sandvika", "norge", "norway", "oslo", "passord", "password")
_SEQUENCE_MIN = 6


def _core(password: str) -> str:
    """The password without the digits and symbols people put around a word."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def _is_walk(text: str) -> bool:
    """A keyboard walk or alphabet/number sequence, forwards or backwards, of the whole text."""
    if len(text) < _SEQUENCE_MIN:
        return False
    sources = (*KEYBOARD_ROWS, "abcdefghijklmnopqrstuvwxyzæøå", "01234567890")
    return any(text in source or text in source[::-1] for source in sources)


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


class CommonPatternValidator:
    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        core = _core(password)
        if len(set(lowered)) <= 2:
            raise ValidationError(_("This password repeats the same characters."), code="password_repetitive")
        if _is_walk(lowered) or (core and _is_walk(core)):
            raise ValidationError(
                _("This password is a keyboard pattern or a sequence."), code="password_keyboard_pattern"
            )
        if core and (core in LOCAL_WORDS or core in _common_words()) and len(core) >= 4:
            raise ValidationError(
                _("This password is a common word with digits or symbols around it."),
                code="password_common_pattern",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a common word with digits around it, or a keyboard pattern.")
