"""The analyzer's batch path: repeated texts and the cache, screening for the NER model, merging
of nested spans of one entity (models/analyzer.py, models/span_merging.py)."""

from __future__ import annotations

import pytest

from models.analyzer import Analyzer, Slot, build_analyzer
from models.recognizers.base import PiiSpan, Recognizer
from models.span_merging import merge_spans, screen


class _Words(Recognizer):
    """PERSON for every capitalised word; remembers every text it was asked about."""

    ENTITY = "PERSON"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def find(self, text):
        self.seen.append(text)
        out, pos = [], 0
        for word in text.split(" "):
            if word[:1].isupper():
                out.append(PiiSpan(pos, pos + len(word), "PERSON", word, 0.5))
            pos += len(word) + 1
        return out


def _analyzer(cache_size: int) -> tuple[Analyzer, _Words]:
    words = _Words()
    return Analyzer([words], {"PERSON": "PESSOA"}, cache_size=cache_size), words


def test_repeated_texts_are_analysed_once_and_cached_across_batches():
    analyzer, words = _analyzer(cache_size=100)
    first = analyzer.analyze_many(["ok", "oi Ana", "ok", "oi Ana"])
    assert sorted(words.seen) == ["oi Ana", "ok"]
    second = analyzer.analyze_many(["oi Ana", "tchau Bia"])
    assert sorted(words.seen) == ["oi Ana", "ok", "tchau Bia"]  # "oi Ana" from the cache
    assert first[1] == first[3] == second[0] == [PiiSpan(3, 6, "PERSON", "Ana", 0.5)]


def test_without_cache_every_message_is_analysed_and_results_are_the_same():
    cached, _ = _analyzer(cache_size=100)
    uncached, words = _analyzer(cache_size=0)
    texts = ["ok", "oi Ana", "ok", "oi Ana", "Bia e Caio", ""]
    assert uncached.analyze_many(texts) == cached.analyze_many(texts)
    assert len(words.seen) == 5  # every non-empty message, repeats included
    uncached.analyze_many(texts)
    assert len(words.seen) == 10


def test_the_cache_keeps_the_most_recent_short_texts():
    analyzer, words = _analyzer(cache_size=2)
    long_text = "Ana " * 60
    analyzer.analyze_many(["a", "b", "c", long_text])
    analyzer.analyze_many(["a", "c", long_text])
    # "a" was evicted (size 2 keeps b, c), "c" cached, long texts are never cached
    assert words.seen[4:] == ["a", long_text]


def test_real_analyzer_gives_the_same_answers_with_and_without_cache():
    texts = ["ok", "meu cpf é 529.982.247-25", "ok", "fala com a Ana Souza", "bom dia"] * 3
    with_cache = build_analyzer(["Ana Souza"])
    without = build_analyzer(["Ana Souza"], cache_size=0)
    assert with_cache.analyze_many(texts) == without.analyze_many(texts)
    assert [with_cache.analyze(t) for t in texts] == without.analyze_many(texts)


def span(start, end, entity="PERSON", score=0.5, text=None):
    return PiiSpan(start, end, entity, text or "x" * (end - start), score)


@pytest.mark.parametrize(
    ("text", "inner", "outer", "winner"),
    [
        # a longer name of the model holds a directory name: the longer one, whatever priority
        ("Alícia Souza Pinto", (0, 12), (0, 18), "outer"),
        ("Maria Laura Montenegro", (6, 22), (0, 22), "outer"),
        # only an honorific more: the directory name keeps its person's token
        ("Dra. Ana Souza", (5, 14), (0, 14), "inner"),
        ("dona Cida", (5, 9), (0, 9), "inner"),
        ("o Dr Paulo", (5, 10), (0, 10), "inner"),
    ],
)
def test_a_span_inside_a_longer_one_of_its_entity(text, inner, outer, winner):
    short = PiiSpan(*inner, "PERSON", text[inner[0] : inner[1]], 0.9)
    long = PiiSpan(*outer, "PERSON", text[outer[0] : outer[1]], 0.85)
    merged = merge_spans([(0, short), (-1, long)])
    assert merged == [long if winner == "outer" else short]


def test_nesting_across_entities_is_left_to_priority():
    cnj = span(0, 25, "CNJ_PROCESS", 0.9)
    phone = span(3, 14, "PHONE", 0.7)
    assert merge_spans([(1, cnj), (0, phone)]) == [cnj]
    assert merge_spans([(0, cnj), (1, phone)]) == [phone]
    same = span(0, 9)
    assert merge_spans([(0, same), (-1, span(0, 9, score=0.99))]) == [same]  # equal extent


@pytest.mark.parametrize(
    ("text", "tagged", "priority", "expected"),
    [
        ("fala com Ana Souza", [(0, span(9, 18))], -1, "fala com          "),
        ("fala com Ana Souza", [(0, span(9, 18))], 0, "fala com Ana Souza"),  # same priority
        ("CPF 123 e Bia", [(0, span(0, 7, "CPF")), (1, span(4, 7, "CPF"))], -1, "        e Bia"),
        ("abc", [], -1, "abc"),
    ],
)
def test_screen_blanks_higher_priority_spans(text, tagged, priority, expected):
    assert screen(text, tagged, priority) == expected
    assert len(screen(text, tagged, priority)) == len(text)


def test_ner_skips_texts_whose_names_are_all_directory_matches():
    analyzer = build_analyzer(["Ana Souza"])
    ner = analyzer.recognizers[-1]
    assert getattr(ner, "SCREEN_COVERED", False)
    ran: list[str] = []
    original = ner.nlp.pipe

    def spy(texts, **kwargs):
        texts = list(texts)
        ran.extend(texts)
        return original(texts, **kwargs)

    ner.nlp.pipe = spy
    try:
        spans = analyzer.analyze_many(["fala com a Ana Souza", "fala com a Ana Souza e o Paulo"])
    finally:
        del ner.nlp.pipe
    assert ran == ["fala com a Ana Souza e o Paulo"]
    assert [s.text for s in spans[0]] == ["Ana Souza"]
    assert [s.text for s in spans[1]] == ["Ana Souza", "Paulo"]


def test_slots_keep_only_the_entities_the_registry_lists():
    slot = Slot(_Words(), entities=frozenset({"LOCATION"}))
    assert slot.keep([span(0, 3)]) == []
