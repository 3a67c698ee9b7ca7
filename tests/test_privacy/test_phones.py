import pytest

from pipelines.privacy.phones import to_e164


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+55 11 91234-5678", "+5511912345678"),
        ("+55 (11) 9 1234-5678", "+5511912345678"),
        ("(11) 91234-5678", "+5511912345678"),
        ("11912345678", "+5511912345678"),
        ("11 9 1234-5678", "+5511912345678"),
        ("011912345678", "+5511912345678"),  # trunk prefix 0 + area code, as dialled
        ("5511912345678", "+5511912345678"),  # country code without plus, as dialled
        ("+5511912345678", "+5511912345678"),
        ("  (11) 3333-4444 ", "+551133334444"),  # landline
        ("(55) 99123-4567", "+5555991234567"),  # area code 55 is not the country code
        ("+55 85 8204-7737", "+5585982047737"),  # legacy 8-digit mobile gets its ninth digit
        ("(85) 8204-7737", "+5585982047737"),
        ("0800 123 4567", "+558001234567"),
        ("+1 650 253 0000", "+16502530000"),
        ("+351 912 345 678", "+351912345678"),
    ],
)
def test_valid_numbers_normalise_to_e164(raw, expected):
    assert to_e164(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "1234",
        "91234-5678",  # no area code
        "12345678909",  # 11 digits, but no valid area code + mobile
        "(11) 1234-5678",  # landlines do not start with 1
        "31/12/2024",
        "R$ 1.234,56",
        "0001234-56.2024.8.26.0100",
        "+55 11 91234-567812345",
        "9" * 80,
    ],
)
def test_invalid_numbers_give_none(raw):
    assert to_e164(raw) is None


def test_default_region_applies_to_national_numbers():
    assert to_e164("912 345 678", default_region="PT") == "+351912345678"
    assert to_e164("(650) 253-0000", default_region="US") == "+16502530000"
