"""Render chats held on a WhatsApp Business number as Cloud API webhook deliveries (.jsonl).

The employee uses the WhatsApp Business app on their own number, onboarded to the Cloud API
("coexistence"): the client's messages arrive in ``messages`` deliveries (with the client's
profile name), the employee's as ``smb_message_echoes``, followed by a ``statuses`` delivery
(delivered, read). Edits and deletions arrive as ``edit`` / ``revoke`` messages pointing at the
original id. One delivery per line, one file per day, as a webhook receiver would store them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

from pipelines.synthetic.conversations import Chat, Message

TZ = ZoneInfo("America/Sao_Paulo")
WABA_ID = "102290129340398"
_MIME = {
    "image": ("image/jpeg", "jpg"),
    "audio": ("audio/ogg; codecs=opus", "opus"),
    "video": ("video/mp4", "mp4"),
    "sticker": ("image/webp", "webp"),
    "document": ("application/pdf", "pdf"),
}


# the new text of an edited message (neutral: a seeded case stays on its original line only)
CORRECTIONS = ("Corrigindo: amanhã às 15h.", "Digitei errado, desculpe.", "Isso, na sexta-feira.")


def _digits(e164: str) -> str:
    return e164.lstrip("+")


@dataclass
class Delivery:
    at: datetime  # local time the webhook fired
    payload: dict
    mark: tuple | None = None  # (category, label, case) of a seeded message in it


@dataclass
class CloudRenderer:
    """Deliveries for the chats of business numbers; ids drawn from ``rng`` (deterministic)."""

    rng: Random
    deliveries: list[Delivery] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)  # employee id -> phone_number_id
    messages: int = 0  # chat messages rendered (edits, revokes and statuses not counted)

    def _id(self) -> str:
        return f"wamid.HBgM{self.rng.getrandbits(96):024X}"

    def _envelope(self, chat: Chat, field_name: str, value: dict) -> dict:
        business = chat.employee.employee_id
        if business not in self.numbers:
            self.numbers[business] = str(106540352242000 + len(self.numbers))
        metadata = {
            "display_phone_number": _digits(chat.employee.phone_e164),
            "phone_number_id": self.numbers[business],
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": WABA_ID,
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": metadata,
                                **value,
                            },
                            "field": field_name,
                        }
                    ],
                }
            ],
        }

    def _content(self, m: Message) -> dict:
        if not m.media:
            return {"type": "text", "text": {"body": m.text or "Ok"}}
        mime, ext = _MIME[m.media]
        media: dict = {
            "mime_type": mime,
            "sha256": f"{self.rng.getrandbits(128):032x}",
            "id": str(self.rng.randrange(10**15, 10**16)),
        }
        if m.media == "audio":
            media["voice"] = True
        if m.media == "document":
            media["filename"] = m.doc_name or f"documento.{ext}"
        if m.text and m.media != "audio" and m.media != "sticker":
            media["caption"] = m.text
        return {"type": m.media, m.media: media}

    def _message(self, chat: Chat, m: Message, at: datetime, body: dict, mark=None) -> str:
        client = _digits(chat.client.phone_e164)
        wamid = self._id()
        epoch = str(int(at.replace(tzinfo=TZ).timestamp()))
        if m.who == "c":
            record = {"from": client, "id": wamid, "timestamp": epoch, **body}
            value = {
                "contacts": [{"profile": {"name": chat.client.name}, "wa_id": client}],
                "messages": [record],
            }
            self.deliveries.append(Delivery(at, self._envelope(chat, "messages", value), mark))
            return wamid
        record = {
            "from": _digits(chat.employee.phone_e164),
            "to": client,
            "id": wamid,
            "timestamp": epoch,
            **body,
        }
        value = {"message_echoes": [record]}
        self.deliveries.append(
            Delivery(at, self._envelope(chat, "smb_message_echoes", value), mark)
        )
        statuses = [
            {
                "id": wamid,
                "status": status,
                "timestamp": str(int(epoch) + delay),
                "recipient_id": client,
            }
            for status, delay in (("delivered", 2), ("read", 40 + self.rng.randrange(600)))
        ]
        later = at + timedelta(seconds=2)
        self.deliveries.append(
            Delivery(later, self._envelope(chat, "messages", {"statuses": statuses}))
        )
        return wamid

    def render(self, chat: Chat, messages: list[Message], case_of) -> None:
        """Add the deliveries of one chat; ``case_of(m)`` gives a seeded message's mark."""
        for m in messages:
            if m.system:  # security codes and missed calls do not come through the webhook
                continue
            mark = case_of(m)
            self.messages += 1
            wamid = self._message(chat, m, m.at, self._content(m), mark)
            if m.edited:
                later = m.at + timedelta(minutes=1 + self.rng.randrange(10))
                new = {"type": "text", "text": {"body": self.rng.choice(CORRECTIONS)}}
                edit = {"type": "edit", "edit": {"original_message_id": wamid, "message": new}}
                self._message(chat, m, later, edit)
            if m.deleted:
                later = m.at + timedelta(minutes=2 + self.rng.randrange(60))
                revoke = {"type": "revoke", "revoke": {"original_message_id": wamid}}
                self._message(chat, m, later, revoke)

    def files(self) -> dict[str, list[Delivery]]:
        """``cloud_api/<date>.jsonl`` -> its deliveries in webhook order."""
        by_day: dict[str, list[Delivery]] = {}
        for delivery in sorted(self.deliveries, key=lambda d: d.at):
            by_day.setdefault(f"cloud_api/{delivery.at:%Y-%m-%d}.jsonl", []).append(delivery)
        return by_day


def delivery_line(delivery: Delivery) -> str:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))


def write_cloud_files(landing: Path, renderer: CloudRenderer, truth_rows: list[list]) -> dict:
    """Write the day files; append seeded cases to ``truth_rows``; return summary counts."""
    stats = {
        "cloud_api_files": 0,
        "cloud_api_deliveries": 0,
        "cloud_api_messages": renderer.messages,
        "business_numbers": len(renderer.numbers),
    }
    for rel, deliveries in renderer.files().items():
        path = landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(delivery_line(d) + "\n" for d in deliveries)
        path.write_bytes(text.encode("utf-8"))
        for line, delivery in enumerate(deliveries, start=1):
            if delivery.mark:
                category, label, case = delivery.mark
                truth_rows.append([rel, line, category, label, case])
        stats["cloud_api_files"] += 1
        stats["cloud_api_deliveries"] += len(deliveries)
    return stats
