"""Norwegian organisation numbers (Enhetsregisteret): nine digits, the last a mod-11 check
digit with weights 3 2 7 6 5 4 3 2."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalise_org_number(value: str) -> str:
    """Digits only: "974 760 673" and "NO 974760673 MVA" become "974760673"."""
    return "".join(ch for ch in (value or "") if ch.isdigit())


def org_number_check_digit(first_eight: str) -> int | None:
    """The check digit for eight digits, or None when no ninth digit can make them valid
    (a remainder of 1 gives 10, which Enhetsregisteret never hands out)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def validate_org_number(value: str) -> None:
    digits = normalise_org_number(value)
    if len(digits) != 9:
        raise ValidationError(_("An organisation number has nine digits."), code="length")
    if org_number_check_digit(digits[:8]) != int(digits[8]):
        raise ValidationError(
            _("%(value)s is not a valid organisation number: the check digit does not match."),
            code="check_digit",
            params={"value": digits},
        )
