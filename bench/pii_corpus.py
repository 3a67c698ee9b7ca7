"""A synthetic corpus of Brazilian chat messages with the PII values inserted and their offsets.

`build_corpus(n, seed)` returns (messages, directory_names): each message is a dict with "id",
"text" and "truth", a list of (start, end, entity) for every value placed in it. About half the
messages hold no PII (chat filler and look-alikes: amounts, hearing dates and times, protocol
numbers); the rest hold one or two values, of every entity type the redactor reports except the
NER-only LOCATION and ORGANIZATION. PERSON is split: PERSON_DIRECTORY for names in the firm's
directory (handed to the redactors), PERSON_OTHER for third parties nobody has listed.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from random import Random

from faker import Faker

from pipelines.synthetic.people import Registry, format_cpf, write_phone
from pipelines.synthetic.slots import cnj_number, money

FILLER = [
    "bom dia", "ok", "obrigado!", "blz", "Pode ser amanhã?", "vou verificar e te retorno",
    "ja te mando", "recebi, obg", "tudo certo por aqui", "Doutor, alguma novidade?",
    "A audiência é dia {hearing} às {hour}.", "O prazo vence em {hearing}.",
    "Os honorários ficam em {money}, em 3 parcelas.", "paguei {money} ontem",
    "protocolo {protocol}", "Seu atendimento foi registrado sob o nº {protocol}.",
    "a reunião ficou pra {hearing} {hour}", "são {n} parcelas de {money}",
    "o juiz marcou perícia pra {hearing}", "liga depois das {hour}", "ta bom, vou me organizar",
    "Segue a procuração para assinatura.", "vc viu se o juiz despachou?", "nossa, ja?",
    "estou na 3ª Vara Cível do Foro Central", "ficou em R$ 12.345.678,90 a causa",
    "Audiência 2025-03-12 09:30 sala 4", "código de barras 23793381286000012345678901234567",
]  # fmt: skip
TEMPLATES: dict[str, list[str]] = {
    "PHONE": ["me liga no {PHONE}", "meu zap é {PHONE}", "{PHONE} esse é o numero novo",
              "anota ai: {PHONE}", "o telefone do meu irmão é {PHONE}, ele pode ser testemunha"],
    "EMAIL": ["meu email é {EMAIL}", "manda pro {EMAIL} por favor", "Segue o e-mail: {EMAIL}"],
    "CPF": ["meu cpf é {CPF}", "CPF {CPF}", "o cpf dele é {CPF} caso precise", "{CPF}"],
    "CNPJ": ["o CNPJ da empresa é {CNPJ}", "cnpj {CNPJ}", "a empresa (CNPJ {CNPJ}) não pagou"],
    "RG": ["meu RG é {RG}", "rg {RG} ssp/sp", "identidade: {RG}"],
    "OAB": ["Dr. Paulo, {OAB}", "a advogada da outra parte é {OAB}", "assina: {OAB}"],
    "CNJ_PROCESS": ["processo {CNJ_PROCESS}", "o número do processo é {CNJ_PROCESS}",
                    "{CNJ_PROCESS} saiu despacho hoje"],
    "CEP": ["cep {CEP}", "meu CEP é {CEP}", "o cep de lá é {CEP} acho"],
    "PIX_KEY": ["chave pix: {PIX_KEY}", "faz o pix na chave {PIX_KEY}", "meu pix é {PIX_KEY}",
                "pix {PIX_KEY} obrigado"],
    "BANK_ACCOUNT": ["agência {BANK_BRANCH} conta {BANK_ACCOUNT}",
                     "Banco Itaú ag {BANK_BRANCH} cc {BANK_ACCOUNT}",
                     "deposita na conta {BANK_ACCOUNT}, agência {BANK_BRANCH}"],
    "CREDIT_CARD": ["o cartão é {CREDIT_CARD}", "numero do cartao {CREDIT_CARD} validade 10/29",
                    "cartão de crédito {CREDIT_CARD}"],
    "DATE_OF_BIRTH": ["nasci em {DATE_OF_BIRTH}", "data de nascimento: {DATE_OF_BIRTH}",
                      "DN: {DATE_OF_BIRTH}", "ele nasceu em {DATE_OF_BIRTH}"],
    "ADDRESS": ["moro na {ADDRESS}", "meu endereço é {ADDRESS}", "o escritório fica na {ADDRESS}",
                "{ADDRESS}, bairro Centro"],
    "PERSON_DIRECTORY": ["fala com {PERSON_DIRECTORY}", "a {PERSON_DIRECTORY} vai te ligar",
                         "{PERSON_DIRECTORY} mandou o documento", "Dr. {PERSON_DIRECTORY} pediu"],
    "PERSON_OTHER": ["{PERSON_OTHER}, o cpf é {CPF}", "o nome dele é {PERSON_OTHER}",
                     "fala com o {PERSON_OTHER} amanhã"],
}  # fmt: skip
STREETS = ["Rua", "Rua", "Rua", "Avenida", "Av.", "Travessa", "Alameda", "Praça", "Estrada"]
_SLOT = re.compile(r"\{([A-Z_]+)\}")
_TRUTH_TYPE = {"BANK_BRANCH": "BANK_ACCOUNT"}


class _Values:
    def __init__(self, rng: Random, fake: Faker, directory: list[str]) -> None:
        self.rng, self.fake, self.directory = rng, fake, directory
        self.registry = Registry(rng, fake)

    def __call__(self, entity: str) -> str:
        return getattr(self, entity.lower())()

    def phone(self) -> str:
        return write_phone(
            self.registry.mobile(), self.rng.choice(["intl", "paren", "spaced", "digits"])
        )

    def email(self) -> str:
        return self.registry.email(self.registry.name(self.rng.choice("mf"))[1])

    def cpf(self) -> str:
        cpf = self.registry.cpf()
        return format_cpf(cpf) if self.rng.random() < 0.6 else cpf

    def cnpj(self) -> str:
        cnpj = self.fake.cnpj()
        return cnpj if self.rng.random() < 0.7 else re.sub(r"\D", "", cnpj)

    def rg(self) -> str:
        rg = self.fake.rg()
        return f"{rg[:2]}.{rg[2:5]}.{rg[5:8]}-{rg[8:]}" if self.rng.random() < 0.6 else rg

    def oab(self) -> str:
        uf = self.rng.choice(["SP", "RJ", "MG", "RS", "PR", "BA", "DF"])
        number = f"{self.rng.randint(10, 999)}.{self.rng.randint(0, 999):03d}"
        return self.rng.choice(
            [f"OAB/{uf} {number}", f"OAB-{uf} nº {number}", f"OAB {number}/{uf}"]
        )

    def cnj_process(self) -> str:
        return cnj_number(
            self.rng, self.rng.randint(2010, 2025), self.rng.choice(["8.26", "5.02", "4.03"])
        )

    def cep(self) -> str:
        return f"{self.rng.randint(1000, 99999):05d}-{self.rng.randint(0, 999):03d}"

    def pix_key(self) -> str:
        kind = self.rng.random()
        if kind < 0.5:
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return self.email() if kind < 0.7 else self.phone() if kind < 0.85 else self.cpf()

    def bank_branch(self) -> str:
        branch = f"{self.rng.randint(1, 9999):04d}"
        return branch if self.rng.random() < 0.7 else f"{branch}-{self.rng.randint(0, 9)}"

    def bank_account(self) -> str:
        return f"{self.rng.randint(1000, 999999)}-{self.rng.randint(0, 9)}"

    def credit_card(self) -> str:
        digits = self.fake.credit_card_number(card_type=self.rng.choice(["visa16", "mastercard"]))
        if self.rng.random() < 0.6:
            return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        return digits

    def date_of_birth(self) -> str:
        born = self.fake.date_of_birth(minimum_age=18, maximum_age=90)
        return born.strftime(self.rng.choice(["%d/%m/%Y", "%d/%m/%Y", "%d.%m.%Y", "%d/%m/%y"]))

    def address(self) -> str:
        street = f"{self.rng.choice(STREETS)} {self.fake.last_name()} {self.fake.last_name()}"
        number = self.rng.randint(1, 3999)
        text = self.rng.choice(
            [f"{street}, {number}", f"{street}, nº {number}", f"{street} {number}"]
        )
        return text + (f" apto {self.rng.randint(11, 184)}" if self.rng.random() < 0.3 else "")

    def person_directory(self) -> str:
        name = self.rng.choice(self.directory)
        return name.lower() if self.rng.random() < 0.25 else name

    def person_other(self) -> str:
        name = self.registry.name(self.rng.choice("mf"))[1]
        return name.lower() if self.rng.random() < 0.25 else name


def _fill(template: str, values: _Values) -> tuple[str, list[tuple[int, int, str]]]:
    parts, truth, pos, length = [], [], 0, 0
    for match in _SLOT.finditer(template):
        literal = template[pos : match.start()]
        parts.append(literal)
        length += len(literal)
        value = values(match.group(1))
        kind = _TRUTH_TYPE.get(match.group(1), match.group(1))
        truth.append((length, length + len(value), kind))
        parts.append(value)
        length += len(value)
        pos = match.end()
    parts.append(template[pos:])
    return "".join(parts), truth


def _filler(rng: Random, fake: Faker) -> str:
    hearing = fake.date_between(date(2024, 1, 1), date(2026, 12, 31)).strftime("%d/%m/%Y")
    return rng.choice(FILLER).format(
        hearing=hearing, hour=rng.choice(["9h", "14:30", "16h30", "10:00"]), money=money(rng),
        protocol=str(rng.randint(10**13, 10**14 - 1)), n=rng.randint(2, 12),
    )  # fmt: skip


def build_corpus(n: int = 20_000, seed: int = 5) -> tuple[list[dict], list[str]]:
    rng = Random(seed)
    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    registry = Registry(rng, fake)
    directory = [registry.name(rng.choice("mf"))[1] for _ in range(400)]
    values = _Values(rng, fake, directory)
    entities = list(TEMPLATES)
    messages = []
    for i in range(n):
        if rng.random() < 0.5:
            text, truth = _filler(rng, fake), []
        else:
            text, truth = _fill(rng.choice(TEMPLATES[rng.choice(entities)]), values)
            if rng.random() < 0.15:  # a second value after some filler
                more, more_truth = _fill(rng.choice(TEMPLATES[rng.choice(entities)]), values)
                shift = len(text) + 2
                text = f"{text}. {more}"
                truth += [(s + shift, e + shift, t) for s, e, t in more_truth]
        messages.append({"id": f"m{i:06d}", "text": text, "truth": truth})
    return messages, directory
