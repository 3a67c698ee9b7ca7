from pathlib import Path

import pytest

from pipelines.conform.directory import Directory, ReferenceDataError

EMPLOYEES = """employee_id,name,phone,email,role,team,manager_id,extension
E001,Ana Souza,(11) 91234-5678,ana.souza@firma.adv.br,advogada,Cível,E002,2001
E002,João Pereira,+55 21 98765-4321,joao@firma.adv.br,sócio,Cível,,2002
"""
CLIENTS = """client_id,name,phone,email,cpf
C001,Maria das Dores,11 9 8888-7777,maria@example.com,529.982.247-25
C002,Sem Telefone,,semtel@example.com,
"""


@pytest.fixture
def directory(tmp_path: Path) -> Directory:
    (tmp_path / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    (tmp_path / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    return Directory.load(tmp_path)


def test_each_person_has_one_canonical_identity_with_aliases(directory):
    ana = directory.by_id["E001"]
    assert ana.canonical == "tel:+5511912345678"
    assert "email:ana.souza@firma.adv.br" in ana.aliases
    maria = directory.by_id["C001"]
    assert directory.aliases()["cpf:52998224725"] == maria.canonical
    assert directory.by_id["C002"].canonical == "email:semtel@example.com"


@pytest.mark.parametrize(
    ("shown", "expected_id"),
    [
        ("Ana Souza", "E001"),
        ("ana souza", "E001"),
        ("Joao Pereira", "E002"),             # accents dropped
        ("+55 11 98888-7777", "C001"),        # the client's number as WhatsApp shows it
        ("+55 11 99999-0000", None),          # a valid number nobody in the directory has
        ("Dona Cida", None),                  # a nickname: only meaningful within the chat
    ],
)
def test_resolve_names_and_numbers(directory, shown, expected_id):
    canonical, person = directory.resolve(shown, scope="E001")
    assert (person.person_id if person else None) == expected_id
    if expected_id is None and not shown.startswith("+"):
        assert canonical.startswith("name:E001:")


def test_extensions_find_employees(directory):
    assert directory.by_extension["2002"].person_id == "E002"


def test_missing_column_names_file_and_column(tmp_path):
    (tmp_path / "employees.csv").write_text("employee_id,name\nE1,X\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as error:
        Directory.load(tmp_path)
    message = str(error.value)
    assert "employees.csv" in message and "phone" in message


def test_empty_id_names_the_line(tmp_path):
    (tmp_path / "employees.csv").write_text(EMPLOYEES + ",Sem Id,,,,,,\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="line 4"):
        Directory.load(tmp_path)
