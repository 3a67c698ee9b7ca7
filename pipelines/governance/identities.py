"""Who every person token of the pipeline stands for: the input of vault.identities.

Directory people, plus every sender and chat counterpart in bronze WhatsApp exports, both sides
of every Cloud API message and every party of a bronze call record, resolved by the functions
silver uses (pipelines.conform), so a token here is the token in silver. Nothing is logged.

The WhatsApp and call resolution is imported from pipelines.conform.messages/calls (their
private helpers, so that it is not written twice); the Cloud API's two lines follow
pipelines.conform.cloud_messages.
"""

from __future__ import annotations

import polars as pl

from pipelines.conform.calls import call_party
from pipelines.conform.chat_titles import chat_title
from pipelines.conform.cloud_messages import wa_number
from pipelines.conform.directory import Directory, Person
from pipelines.conform.messages import (
    PrivacyContext,
    chat_parties,
    sender_identities,
    senders_by_file,
)
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.privacy.vault import Identity

WHATSAPP_COLUMNS = ["source_file", "owner_folder", "sender"]
CLOUD_COLUMNS = ["business_phone", "client_wa_id", "contact_name"]


class IdentityCollector:
    """Accumulates token -> Identity, completing an identity when a token is seen again."""

    def __init__(self, directory: Directory, pseudonymizer: Pseudonymizer):
        self.directory = directory
        self.pseudonymizer = pseudonymizer
        self.identities: dict[str, Identity] = {}

    def add(self, canonical: str | None, shown: str | None = None) -> None:
        """Record `canonical`; `shown` is the name as displayed (a chat title, a sender, a
        WhatsApp profile name). It names a non-directory identity unless it is a number."""
        if not canonical:
            return
        person = self.directory.by_canonical.get(canonical)
        if person is not None:
            identity = _person_identity(person)
        else:
            name = (shown or "").strip()
            is_number = not name or any(ch.isdigit() for ch in name)
            display = None if is_number else name
            identity = Identity.of(canonical, display_name=display, role="external")
        token = self.pseudonymizer.token(canonical)
        known = self.identities.get(token)
        self.identities[token] = identity if known is None else known.merge(identity)

    def add_directory(self) -> None:
        for person in self.directory.people:
            self.add(person.canonical)

    def add_whatsapp(self, senders: pl.DataFrame, privacy: PrivacyContext) -> None:
        """`senders`: distinct (source_file, owner_folder, sender) in first-seen order."""
        if senders.is_empty():
            return
        chats = {
            key: chat_parties(*key, names, self.directory, privacy)
            for key, names in senders_by_file(senders).items()
        }
        for (source_file, _), chat in chats.items():
            self.add(chat.employee_canonical)
            self.add(chat.counterpart_canonical, chat_title(source_file))
        for (_, sender), (canonical, _) in sender_identities(
            senders, chats, self.directory, privacy
        ).items():
            self.add(canonical, sender)

    def add_cloud(self, parties: pl.DataFrame, region: str) -> None:
        """`parties`: distinct (business_phone, client_wa_id, contact_name); resolved as in
        pipelines.conform.cloud_messages (business number first, the client within its scope)."""
        for business, client, contact_name in parties.select(CLOUD_COLUMNS).iter_rows():
            employee = None
            if wa_number(business):
                employee, _ = self.directory.resolve(wa_number(business), "business", region)
                self.add(employee)
            if wa_number(client):
                scope = employee or "business"
                canonical, _ = self.directory.resolve(wa_number(client), scope, region)
                self.add(canonical, contact_name)

    def add_calls(self, numbers: list[str], region: str) -> None:
        for number in numbers:
            canonical, _, _ = call_party(number or "", self.directory, region)
            self.add(canonical)


def distinct_senders(bronze: pl.LazyFrame) -> pl.DataFrame:
    """Distinct senders per export, in the order silver meets them (ingested, file, line)."""
    return (
        bronze.group_by(WHATSAPP_COLUMNS)
        .agg(pl.col("ingested_at").min(), pl.col("line_number").min())
        .sort("ingested_at", "source_file", "line_number", nulls_last=True)
        .select(WHATSAPP_COLUMNS)
        .collect()
    )


def distinct_numbers(bronze: pl.LazyFrame) -> list[str]:
    """Every distinct src or dst of the call records."""
    both = pl.concat([bronze.select(number="src"), bronze.select(number="dst")])
    return both.drop_nulls().unique().sort("number").collect().get_column("number").to_list()


def collect_identities(
    directory: Directory,
    privacy: PrivacyContext,
    whatsapp: pl.LazyFrame | None = None,
    calls: pl.LazyFrame | None = None,
    cloud: pl.LazyFrame | None = None,
) -> dict[str, Identity]:
    collector = IdentityCollector(directory, privacy.pseudonymizer)
    collector.add_directory()
    if whatsapp is not None:
        collector.add_whatsapp(distinct_senders(whatsapp), privacy)
    if calls is not None:
        collector.add_calls(distinct_numbers(calls), privacy.default_region)
    if cloud is not None:
        parties = cloud.select(CLOUD_COLUMNS).unique().sort(CLOUD_COLUMNS, nulls_last=True)
        collector.add_cloud(parties.collect(), privacy.default_region)
    return collector.identities


def _person_identity(person: Person) -> Identity:
    return Identity.of(
        person.canonical,
        display_name=person.name or None,
        role=person.kind,
        directory_id=person.person_id,
        aliases=tuple(sorted(person.aliases)),
    )
