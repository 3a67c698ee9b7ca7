"""Placeholders and pseudonyms for every entity type; one value, one token, however written."""

import hashlib
import hmac
import re

import pytest

from models.analyzer import build_analyzer
from pipelines.privacy.pseudonyms import (
    Pseudonymizer,
    canonical_bank_account,
    canonical_cnpj,
    canonical_oab,
    canonical_rg,
    canonical_text,
)
from pipelines.privacy.redaction import redact, redact_many_with_spans

KEY = b"0123456789abcdef0123456789abcdef"
UUID = "123e4567-e89b-42d3-a456-426614174000"


def tok(canonical: str) -> str:
    return "P-" + hmac.new(KEY, canonical.encode(), hashlib.sha256).hexdigest()[:12]


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer()


@pytest.fixture(scope="module")
def pseudonymizer():
    return Pseudonymizer(KEY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cnpj 11.222.333/0001-81", f"cnpj [CNPJ {tok('cnpj:11222333000181')}]"),
        ("cnpj 11222333000181", f"cnpj [CNPJ {tok('cnpj:11222333000181')}]"),
        ("RG 12.345.678-2", f"RG [RG {tok('rg:123456782')}]"),
        ("advogada OAB/SP 123.456", f"advogada [OAB {tok('oab:SP:123456')}]"),
        ("advogado 123456/SP", f"advogado [OAB {tok('oab:SP:123456')}]"),
        ("processo 1058757-31.2024.8.26.0033",
         f"processo [PROCESSO {tok('cnj:10587573120248260033')}]"),
        ("CEP 01310-100", f"CEP [CEP {tok('cep:01310100')}]"),
        (f"chave pix {UUID}", f"chave pix [PIX {tok('pix:' + UUID)}]"),
        ("meu pix é Ana@X.com.br", f"meu pix é [PIX {tok('email:ana@x.com.br')}]"),
        ("pix: 529.982.247-25", f"pix: [PIX {tok('cpf:52998224725')}]"),
        ("pix (11) 91234-5678", f"pix [PIX {tok('tel:+5511912345678')}]"),
        ("agência 1234 conta 12345-6", f"agência [CONTA_BANCARIA {tok('bank:1234:123456')}]"),
        ("cartão 4111 1111 1111 1111", f"cartão [CARTAO {tok('card:4111111111111111')}]"),
        ("nasci em 12/03/1985", f"nasci em [NASCIMENTO {tok('date:1985-03-12')}]"),
        ("DN: 12.03.85", f"DN: [NASCIMENTO {tok('date:1985-03-12')}]"),
        ("moro na Rua das Flores, 123",
         f"moro na [ENDERECO {tok('address:rua das flores 123')}]"),
    ],
)  # fmt: skip
def test_placeholder_and_token_per_entity(analyzer, pseudonymizer, text, expected):
    assert redact(text, analyzer, pseudonymizer) == expected


def test_pix_key_shares_the_token_of_what_it_is(analyzer, pseudonymizer):
    out = redact("meu pix é ana@x.com.br; email ana@x.com.br", analyzer, pseudonymizer)
    tokens = re.findall(r"P-[0-9a-f]{12}", out)
    assert out.startswith("meu pix é [PIX ") and "[EMAIL " in out
    assert len(tokens) == 2 and tokens[0] == tokens[1]


def test_spans_are_offsets_into_the_input(analyzer, pseudonymizer):
    text = "cnpj 11.222.333/0001-81, cep 01310-100 e cartão 4111 1111 1111 1111"
    [(redacted, spans)] = redact_many_with_spans([text], analyzer, pseudonymizer)
    assert [text[s.start : s.end] for s in spans] == [
        "11.222.333/0001-81", "01310-100", "4111 1111 1111 1111"
    ]  # fmt: skip
    for secret in ("11.222", "01310", "4111"):
        assert secret not in redacted


@pytest.mark.parametrize(
    ("helper", "spellings"),
    [
        (canonical_cnpj, ["11.222.333/0001-81", "11222333000181", "11222333/0001-81"]),
        (canonical_rg, ["12.345.678-2", "123456782", "MG-12.345.678-2"]),
        (canonical_oab, ["OAB/SP 123.456", "OAB-SP nº 123456", "123.456/SP", "oab sp 123456"]),
        (canonical_bank_account, ["ag 1234 cc 12345-6", "1234 conta 12345-6"]),
        (lambda v: canonical_text("address", v), ["Rua das Flores, 123", "rua das flores 123"]),
    ],
)
def test_canonical_forms_are_spelling_independent(helper, spellings):
    assert len({helper(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("helper", "value"),
    [(canonical_cnpj, "123"), (canonical_oab, "sem número"), (canonical_rg, "abc"),
     (canonical_bank_account, "conta"), (lambda v: canonical_text("org", v), " - ")],
)  # fmt: skip
def test_canonical_helpers_reject_what_they_cannot_normalise(helper, value):
    with pytest.raises(ValueError):
        helper(value)
