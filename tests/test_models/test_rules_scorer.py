import unicodedata
from pathlib import Path

import pytest

from models.rules.loader import load_rules
from models.rules.scorer import RuleHit, RuleScorer, category_scores, score, severity_of


@pytest.fixture(scope="module")
def scorer() -> RuleScorer:
    return RuleScorer.from_directory()


POSITIVES = [
    # bribery
    ("Quanto de propina ele quer pra assinar?", {"bribery"}),
    ("o fiscal cobra 5 mil por fora, sem nota", {"bribery"}),
    ("dá pra resolver de outro jeito, se é que me entende", {"bribery"}),
    ("tem que molhar a mão do pessoal da prefeitura", {"bribery"}),
    ("leva um cafezinho pro delegado que ele esquece o caso", {"bribery"}),
    # judicial corruption: something of value for a judicial actor is bribery too (the labelling
    # convention of tests/fixtures/rules/README.md); influence alone is not
    ("aquele agrado pro cartório, lembra?", {"bribery", "judicial_corruption"}),
    ("fica tranquilo que o desembargador é nosso", {"judicial_corruption"}),
    ("um presentinho pra escrivã e ela agiliza o processo", {"bribery", "judicial_corruption"}),
    ("o assessor do juiz quer 30 mil", {"bribery", "judicial_corruption"}),
    # threat
    ("sei onde você mora", {"threat"}),
    ("Sei onde vc mora e onde seus filhos estudam", {"threat"}),
    ("você vai se arrepender, doutor", {"threat"}),
    ("se não pagar até sexta eu vou espalhar as fotos", {"threat"}),
    ("vou te quebrar a cara", {"threat"}),
    # harassment
    ("você é uma incompetente, qualquer estagiário faria melhor", {"harassment"}),
    ("cala a boca e faz o que eu mandei", {"harassment"}),
    ("manda nude", {"harassment"}),
    ("se jantar comigo a efetivação sai", {"harassment"}),
    # off-channel
    ("me chama no telegram", {"off_channel"}),
    ("Me chama no Telegram que lá é mais seguro", {"off_channel"}),
    ("apaga essa conversa", {"off_channel"}),
    ("apaga essa msg depois de ler", {"off_channel"}),
    ("liga do outro celular", {"off_channel"}),
    ("não escreve isso aqui", {"off_channel"}),
    ("N ESCREVE ISSO AQUI", {"off_channel"}),
    ("cuidado, esse número é monitorado", {"off_channel"}),
    # discrimination
    ("só podia ser mulher", {"discrimination"}),
    ("não contrata grávida, dá problema", {"discrimination"}),
    ("isso é coisa de viado", {"discrimination"}),
    # confidentiality breach
    ("encaminha os autos pro meu gmail", {"confidentiality_breach"}),
    ("passa em off pro repórter o acordo do cliente", {"confidentiality_breach"}),
    ("te mando a cópia do processo em segredo de justiça", {"confidentiality_breach"}),
]

NEGATIVES = [
    # the innocent uses the rules must not flag
    "o prazo está me matando",
    "recebi uma ameaça",
    "Recebi uma ameaça do ex-marido da cliente, vou registrar boletim de ocorrência",
    "notícia sobre propina",
    "Viu a notícia sobre propina na prefeitura?",
    "apagar o arquivo duplicado",
    "pode apagar a mensagem errada que mandei no grupo",
    "o juiz marcou a sentença",
    "o juiz marcou a sentença para sexta, 14h",
    # ordinary law-firm chat
    "Bom dia, Dr. Carlos! Segue a petição em anexo.",
    "Pagamos as custas e o processo já andou",
    "paga a guia do cartório hoje, por favor",
    "o juiz fixou honorários de R$ 5 mil",
    "o perito cobrou 5 mil de honorários",
    "tô por fora, o que aconteceu na reunião?",
    "vamos tomar um cafezinho amanhã?",
    "obrigado pelo presente de natal!",
    "liga no meu celular que estou na rua",
    "meu celular está sem bateria, liga no outro celular",
    "você não vai se arrepender da contratação",
    "que idiota eu, esqueci o anexo",
    "o juízo é incompetente para julgar a causa",
    "que delícia esse bolo da copa",
    "me passa seu e-mail pessoal pro convite do churrasco",
    "a foto em preto e branco ficou ótima",
    "pedi prioridade de tramitação pra agilizar o processo, cliente idoso",
    "vou pessoalmente ao fórum amanhã",
    "te pego às 8 no aeroporto",
    "vc viu o lixo que deixaram na sala?",
    "o processo corre em segredo de justiça",
    "Você pode mandar o contrato por e-mail?",
    "",
]


@pytest.mark.parametrize(("text", "categories"), POSITIVES)
def test_positive_messages_hit_the_expected_categories(scorer, text, categories):
    assert {h.category for h in scorer.hits(text)} == categories


@pytest.mark.parametrize("text", NEGATIVES)
def test_innocent_messages_hit_nothing(scorer, text):
    assert scorer.hits(text) == []


def _examples(kind: str):
    for rule in load_rules():
        for text in getattr(rule, f"examples_{kind}"):
            yield pytest.param(rule.id, text, id=f"{rule.id}:{text[:30]}")


@pytest.mark.parametrize(("rule_id", "text"), list(_examples("match")))
def test_rule_file_examples_match(scorer, rule_id, text):
    assert rule_id in {h.rule_id for h in scorer.hits(text)}


@pytest.mark.parametrize(("rule_id", "text"), list(_examples("no_match")))
def test_rule_file_counter_examples_do_not_match(scorer, rule_id, text):
    assert rule_id not in {h.rule_id for h in scorer.hits(text)}


@pytest.mark.parametrize(
    ("text", "rule_id", "snippet"),
    [
        (
            "Olá! Não escreve isso aqui, tá?",
            "off_channel.pt.nao_por_escrito",
            "Não escreve isso aqui",
        ),
        ("Tudo bem?\nSEI ONDE VOCÊ MORA.", "threat.pt.sei_onde_mora", "SEI ONDE VOCÊ MORA"),
        ("👍🏽👍🏽 apaga essa conversa", "off_channel.pt.apagar_registro", "apaga essa conversa"),
        ("é só molhar a mão", "bribery.pt.molhar_a_mao", "molhar a mão"),
        # decomposed accents (NFD) are kept inside the span
        (
            unicodedata.normalize("NFD", "ação: não escreve isso aqui"),
            "off_channel.pt.nao_por_escrito",
            unicodedata.normalize("NFD", "não escreve isso aqui"),
        ),
    ],
)
def test_offsets_point_into_the_original_text(scorer, text, rule_id, snippet):
    [hit] = [h for h in scorer.hits(text) if h.rule_id == rule_id]
    assert text[hit.start : hit.end] == snippet


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("você sabe como funciona", True),
        ("vc sabe como funciona", True),
        ("VC SABE COMO FUNCIONA", True),
        ("voce sabe como funciona", True),
        ("vcs sabem como funciona", False),
        ("ele sabe como funciona", False),
    ],
)
def test_abbreviations_and_accents_fold_to_the_same_words(scorer, text, matches):
    hit = "bribery.pt.se_e_que_me_entende" in {h.rule_id for h in scorer.hits(text)}
    assert hit is matches


def test_hits_many_equals_hits(scorer):
    texts = [t for t, _ in POSITIVES] + NEGATIVES
    assert scorer.hits_many(texts) == [scorer.hits(t) for t in texts]


def test_a_repeated_word_gives_one_hit_per_span(scorer):
    hits = scorer.hits("propina, propina e mais propina")
    assert [(h.start, h.end) for h in hits] == [(0, 7), (9, 16), (24, 31)]


RULES_WITH_EXCLUSIONS = """\
category: threat
language: pt-BR
exclusions: ["boletim de ocorrência"]
rules:
  - id: threat.t.ameaca
    description: test
    severity: medium
    phrases: ["te mato"]
    exclusions: ["de rir"]
  - id: threat.t.arrepender
    description: test
    severity: low
    phrases: ["vai se arrepender"]
    exclusion_patterns:
      - [{NORM: nao}, {NORM: vai}]
"""


@pytest.mark.parametrize(
    ("text", "rule_ids"),
    [
        ("te mato", ["threat.t.ameaca"]),
        ("te mato de rir", []),  # rule exclusion
        ("ele disse 'te mato', fiz boletim de ocorrência", []),  # file-level exclusion
        ("te mato e vai se arrepender", ["threat.t.ameaca", "threat.t.arrepender"]),
        ("te mato de rir e vai se arrepender", ["threat.t.arrepender"]),  # only the rule excluded
        ("não vai se arrepender", []),  # exclusion pattern
    ],
)
def test_exclusions_suppress_only_their_rule(tmp_path: Path, text, rule_ids):
    (tmp_path / "threat.pt-BR.yaml").write_text(RULES_WITH_EXCLUSIONS, encoding="utf-8")
    scorer = RuleScorer.from_directory(tmp_path)
    assert [h.rule_id for h in scorer.hits(text)] == rule_ids


def _hit(rule_id: str, severity: str, weight: float, category: str = "threat") -> RuleHit:
    return RuleHit(rule_id, category, severity, weight, 0, 1)


@pytest.mark.parametrize(
    ("hits", "expected_score", "expected_severity"),
    [
        ([], 0.0, None),
        ([_hit("a", "low", 0.3)], 0.3, "low"),
        ([_hit("a", "medium", 0.6), _hit("b", "low", 0.3)], 0.72, "medium"),
        ([_hit("a", "low", 0.3), _hit("b", "low", 0.3)], 0.51, "low"),
        ([_hit("a", "low", 0.3), _hit("a", "low", 0.3)], 0.3, "low"),  # same rule twice: once
        ([_hit("a", "high", 1.0), _hit("b", "medium", 0.6)], 1.0, "high"),
    ],
)
def test_score_and_severity(hits, expected_score, expected_severity):
    assert score(hits) == pytest.approx(expected_score)
    assert severity_of(hits) == expected_severity


def test_category_scores():
    hits = [
        _hit("t1", "medium", 0.6),
        _hit("t2", "low", 0.3),
        _hit("b1", "high", 1.0, category="bribery"),
    ]
    assert category_scores(hits) == pytest.approx({"bribery": 1.0, "threat": 0.72})


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("how much of a bribe does the inspector want?", {"bribery"}),
        ("I know where you live", {"threat"}),
        ("let's move this to Signal, it's safer", {"off_channel"}),
        ("forward the case files to my gmail", {"confidentiality_breach"}),
        ("hay que untarle la mano al inspector", {"bribery"}),
        ("borra esta conversación", {"off_channel"}),
        ("no contrates embarazadas", {"discrimination"}),
        # Spanish "propina" is a restaurant tip, not a bribe (a pt-BR rule word)
        ("dejamos propina al mesero, todo bien", set()),
        ("no signal here, call you later", set()),
        ("this deadline is killing me", set()),
    ],
)
def test_every_language_is_scored_by_every_rule_file(scorer, text, categories):
    assert {h.category for h in scorer.hits(text)} == categories
