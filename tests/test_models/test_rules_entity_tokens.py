"""Placeholders and money amounts become single tokens; offsets still point into the original."""

import pytest

from models.rules.entity_tokens import AMOUNT, PERCENT, match_form


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("fala com [PESSOA P-3f9a1c2b0d4e] amanhã", ["<pessoa>"]),
        ("me chama no [TELEFONE P-aaaaaaaaaaaa]!", ["<telefone>"]),
        ("os autos do [PROCESSO P-0123456789ab]:urgente", ["<processo>"]),
        ("conta [CONTA_BANCARIA P-5f9a0d3e7b26]", ["<conta_bancaria>"]),
        ("o juiz quer R$ 5 mil", [AMOUNT]),
        ("R$5.000,00 no envelope", [AMOUNT]),
        ("paga 10k pro cara", [AMOUNT]),
        ("dez conto pro guarda", [AMOUNT]),
        ("separa 20 paus", [AMOUNT]),
        ("cinco mil e resolve", [AMOUNT]),
        ("five grand to the clerk", [AMOUNT]),
        ("$200 and 50 bucks", [AMOUNT, AMOUNT]),
        ("diez mil pesos al juez", [AMOUNT]),
        ("usd 500 ok", [AMOUNT]),
        ("o cartorário cobra 500 por certidão", [AMOUNT]),
        ("15% pra mim", [PERCENT]),
        ("dez por cento pra ele", [PERCENT]),
        ("5 mil e [PESSOA P-0a1b2c3d4e5f] resolve com 10%", [AMOUNT, "<pessoa>", PERCENT]),
    ],
)
def test_entities_and_amounts_become_one_token_each(text, tokens):
    form, _, _ = match_form(text)
    assert [w for w in form.split() if w.startswith("<")] == tokens


@pytest.mark.parametrize(
    "text",
    [
        "um conto de fadas",  # "um conto" is a short story, not money
        "às 14h30 do dia 12/03",
        "processo 2024 na 2ª vara",
        "5km de fila",
        "paga 3 parcelas",  # a count after a price verb is not an amount
        "custa 15 dias de prazo",
        "[pessoa sem token]",  # not a pipeline placeholder
        "ano 2024",
    ],
)
def test_look_alikes_stay_as_they_are(text):
    form, offsets, labels = match_form(text)
    assert "<" not in form and labels == set()


@pytest.mark.parametrize(
    ("text", "token", "original"),
    [
        ("Oi [PESSOA P-3f9a1c2b0d4e], tudo?", "<pessoa>", "[PESSOA P-3f9a1c2b0d4e]"),
        ("quer R$ 5 mil,ok", AMOUNT, "R$ 5 mil"),
        ("Ação: 10% pra mim", PERCENT, "10%"),
        ("x[EMAIL P-0a1b2c3d4e5f]y", "<email>", "[EMAIL P-0a1b2c3d4e5f]"),
    ],
)
def test_offset_map_points_back_into_the_original(text, token, original):
    form, offsets, _ = match_form(text)
    assert offsets is not None and len(offsets) == len(form) + 1
    start = form.index(token)
    end = start + len(token)
    assert text[offsets[start] : offsets[end]] == original


def test_placeholder_labels_are_reported():
    _, _, labels = match_form("[PESSOA P-3f9a1c2b0d4e] e [EMAIL P-0a1b2c3d4e5f] e R$ 5")
    assert labels == {"<pessoa>", "<email>"}


def test_text_without_entities_keeps_the_fold_map():
    assert match_form("Você") == ("voce", None, set())
