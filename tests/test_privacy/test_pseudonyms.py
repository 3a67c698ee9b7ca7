import hashlib
import hmac
import re

import pytest

from pipelines.privacy.pseudonyms import (
    Pseudonymizer,
    canonical_cpf,
    canonical_email,
    canonical_name,
    canonical_phone,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def expected_token(key: bytes, canonical: str) -> str:
    return "P-" + hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()[:12]


@pytest.mark.parametrize(
    "identifier",
    ["tel:+5511912345678", "email:ana@x.com.br", "cpf:12345678909", "name:directory:ana souza"],
)
def test_token_is_truncated_hmac_sha256(identifier):
    token = Pseudonymizer(KEY).token(identifier)
    assert re.fullmatch(r"P-[0-9a-f]{12}", token)
    assert token == expected_token(KEY, identifier)
    assert Pseudonymizer(KEY).token(identifier) == token  # stable across instances


def test_different_key_different_token():
    assert Pseudonymizer(KEY).token("tel:+5511912345678") != Pseudonymizer(OTHER_KEY).token(
        "tel:+5511912345678"
    )


@pytest.mark.parametrize(
    ("func", "args", "expected"),
    [
        (canonical_phone, ("+5511912345678",), "tel:+5511912345678"),
        (canonical_phone, (" +5511912345678 ",), "tel:+5511912345678"),
        (canonical_email, ("  Ana.Souza@Escritorio.COM.br ",), "email:ana.souza@escritorio.com.br"),
        (canonical_cpf, ("123.456.789-09",), "cpf:12345678909"),
        (canonical_cpf, ("12345678909",), "cpf:12345678909"),
        (
            canonical_name,
            ("directory", "  JOÃO   da  Conceição "),
            "name:directory:joao da conceicao",
        ),
        (canonical_name, ("chat-1", "Ana Souza"), "name:chat-1:ana souza"),
    ],
)
def test_canonical_forms(func, args, expected):
    assert func(*args) == expected


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (canonical_phone, ("(11) 91234-5678",)),
        (canonical_phone, ("5511912345678",)),
        (canonical_email, ("not-an-address",)),
        (canonical_cpf, ("123.456.789",)),
        (canonical_name, ("directory", "   ")),
    ],
)
def test_canonical_forms_reject_bad_input_without_echo(func, args):
    with pytest.raises(ValueError) as info:
        func(*args)
    if args[-1].strip():
        assert args[-1].strip() not in str(info.value)


@pytest.mark.parametrize(
    "variants",
    [
        ["+55 11 91234-5678", "(11) 91234-5678", "11912345678", "011912345678", "5511912345678"],
        ["+55 85 8204-7737", "(85) 98204-7737", "85982047737"],
    ],
)
def test_phone_formatting_variants_share_a_token(variants):
    p = Pseudonymizer(KEY)
    tokens = {p.token_for_phone(v) for v in variants}
    assert len(tokens) == 1
    assert None not in tokens


def test_invalid_phone_has_no_token():
    assert Pseudonymizer(KEY).token_for_phone("1234") is None


@pytest.mark.parametrize(
    "variants",
    [
        ["ana@x.com.br", "ANA@X.COM.BR", "  Ana@x.com.br\n"],
        ["123.456.789-09", "12345678909"],
    ],
)
def test_email_and_cpf_variants_share_a_token(variants):
    p = Pseudonymizer(KEY)
    method = p.token_for_email if "@" in variants[0] else p.token_for_cpf
    assert len({method(v) for v in variants}) == 1


def test_name_variants_share_a_token_within_scope_only():
    p = Pseudonymizer(KEY)
    same = {
        p.token_for_name("directory", n)
        for n in ["João da Silva", "joao da silva", "JOÃO  DA SILVA"]
    }
    assert len(same) == 1
    assert p.token_for_name("chat-9", "João da Silva") not in same


def test_alias_gives_the_aliased_identity_token():
    phone = "tel:+5511912345678"
    p = Pseudonymizer(KEY, aliases={"email:ana@x.com.br": phone, "cpf:12345678909": phone})
    assert p.token_for_email("ANA@x.com.br") == p.token(phone)
    assert p.token_for_cpf("123.456.789-09") == p.token(phone)
    assert p.token_for_email("bia@x.com.br") != p.token(phone)


def test_alias_applies_one_level_only():
    p = Pseudonymizer(KEY, aliases={"a:1": "a:2", "a:2": "a:3"})
    assert p.token("a:1") == expected_token(KEY, "a:2")
    assert p.token("a:2") == expected_token(KEY, "a:3")


@pytest.mark.parametrize(
    "identifier",
    ["tel:+5511912345678", "email:ana@x.com.br", "cpf:12345678909", "name:directory:ana"],
)
def test_token_never_contains_the_input(identifier):
    token = Pseudonymizer(KEY).token(identifier)
    value = identifier.rsplit(":", 1)[1]
    assert value not in token


@pytest.mark.parametrize("key", [b"", b"short", "a" * 32])
def test_bad_key_rejected(key):
    with pytest.raises(ValueError):
        Pseudonymizer(key)
