"""Phone normalisation to E.164 with the `phonenumbers` library.

Accepts numbers the way people type and dial them in Brazil: "+55 (11) 9 1234-5678",
"(11) 91234-5678", "11912345678", trunk-prefixed "011912345678", country code without plus
"5511912345678". Legacy 8-digit mobile numbers ("+55 85 8204-7737", still shown by WhatsApp for
old accounts, and the Cloud API ``wa_id`` "558588887777" of +55 85 98888-7777) get the ninth
digit that every Brazilian mobile number has carried since 2016, so every spelling normalises to
the same E.164 number and hence the same pseudonym. Only area code + 8 digits starting with 6-9
(mobile ranges) get it, also where the `phonenumbers` metadata still accepts the 8-digit form
(old 7xxx-xxxx radio numbers); landlines (2-5) never do.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

_BR_COUNTRY_CODE = 55
_MAX_RAW_LENGTH = 64  # anything longer is not a phone number; keeps parsing cheap


def _parse(raw: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except NumberParseException:
        return None


def _with_ninth_digit(number: PhoneNumber) -> PhoneNumber | None:
    """Brazilian legacy mobile: 2-digit area code + 8 digits starting with 6-9 -> insert a 9."""
    national = str(number.national_number)
    if number.country_code != _BR_COUNTRY_CODE or len(national) != 10 or national[2] not in "6789":
        return None
    fixed = PhoneNumber(
        country_code=_BR_COUNTRY_CODE, national_number=int(national[:2] + "9" + national[2:])
    )
    return fixed if phonenumbers.is_valid_number(fixed) else None


def parse_valid(raw: str, default_region: str = "BR") -> PhoneNumber | None:
    """The valid `PhoneNumber` for `raw`, or None."""
    raw = raw.strip()
    if not raw or len(raw) > _MAX_RAW_LENGTH:
        return None
    candidates: list[PhoneNumber] = []
    number = _parse(raw, default_region)
    if number is not None:
        candidates.append(number)
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not raw.startswith("+") and digits.startswith("55") and len(digits) in (12, 13):
        # "5511912345678": country code typed without the plus
        alt = _parse("+" + digits, None)
        if alt is not None:
            candidates.append(alt)
    for candidate in candidates:
        fixed = _with_ninth_digit(candidate)
        if fixed is not None:
            return fixed
    for candidate in candidates:
        if phonenumbers.is_valid_number(candidate):
            return candidate
    return None


def to_e164(raw: str, default_region: str = "BR") -> str | None:
    """E.164 form ("+5511912345678") of a typed or dialled number; None when not a valid number."""
    number = parse_valid(raw, default_region)
    if number is None:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
