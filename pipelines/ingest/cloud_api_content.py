"""What one Cloud API message object says: type, text, media, links to other messages.

Every message type of the webhook ``messages`` / ``message_echoes`` arrays is read: text, image,
video, audio (voice notes), document, sticker, location, contacts, reaction (and unreaction),
interactive and button replies, order, system, edit, revoke and unsupported/unknown types. A
type this module does not know keeps its name and an empty body; the raw payload keeps the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

MEDIA_TYPES = frozenset({"image", "video", "audio", "voice", "document", "sticker"})


class BadField(Exception):
    """A field a record cannot do without is missing or malformed (the message names it)."""


@dataclass(frozen=True)
class Content:
    message_type: str  # the webhook type; "voice" for voice notes, "unreaction" for removals
    body: str
    media_kind: str | None = None  # image, video, audio, document, sticker, location, contact
    attachment_name: str | None = None
    media_id: str | None = None
    mime_type: str | None = None
    original_message_id: str | None = None  # edit / revoke / reaction target
    is_deleted: bool = False
    is_edited: bool = False
    system_event: str | None = None


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


def _obj(message: dict, key: str) -> dict:
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def _optional(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _media(message: dict, kind: str) -> Content:
    media = _obj(message, kind)
    voice = kind == "voice" or (kind == "audio" and media.get("voice") is True)
    name = _optional(media.get("filename"))
    return Content(
        message_type="voice" if voice else kind,
        body=text_of(media.get("caption")),
        media_kind="audio" if kind == "voice" else kind,
        attachment_name=name,
        media_id=_optional(media.get("id")),
        mime_type=_optional(media.get("mime_type")),
    )


def _location(message: dict) -> Content:
    place = _obj(message, "location")
    body = " - ".join(t for t in (text_of(place.get("name")), text_of(place.get("address"))) if t)
    return Content("location", body, media_kind="location")


def _contacts(message: dict) -> Content:
    cards = message.get("contacts")
    names = []
    for card in cards if isinstance(cards, list) else []:
        if isinstance(card, dict):
            name = text_of(_obj(card, "name").get("formatted_name"))
            if name:
                names.append(name)
    return Content("contacts", ", ".join(names), media_kind="contact")


def _reaction(message: dict) -> Content:
    reaction = _obj(message, "reaction")
    target = _optional(reaction.get("message_id"))
    if target is None:
        raise BadField("'reaction.message_id' is missing")
    emoji = text_of(reaction.get("emoji"))
    return Content("reaction" if emoji else "unreaction", emoji, original_message_id=target)


def _interactive(message: dict) -> Content:
    reply = _obj(message, "interactive")
    kind = text_of(reply.get("type"))
    chosen = _obj(reply, kind) if kind else {}
    parts = (text_of(chosen.get("title")), text_of(chosen.get("description")))
    body = "\n".join(p for p in parts if p) or text_of(chosen.get("body"))
    return Content("interactive", body)


def _order(message: dict) -> Content:
    order = _obj(message, "order")
    return Content("order", text_of(order.get("text")))


def _system(message: dict) -> Content:
    system = _obj(message, "system")
    event = _optional(system.get("type")) or "system"
    return Content("system", text_of(system.get("body")), system_event=event)


def _edit(message: dict) -> Content:
    edit = _obj(message, "edit")
    target = _optional(edit.get("original_message_id"))
    if target is None:
        raise BadField("'edit.original_message_id' is missing")
    inner = edit.get("message")
    new = content(inner) if isinstance(inner, dict) and inner.get("type") else Content("text", "")
    return Content(
        "edit",
        new.body,
        media_kind=new.media_kind,
        attachment_name=new.attachment_name,
        media_id=new.media_id,
        mime_type=new.mime_type,
        original_message_id=target,
        is_edited=True,
    )


def _revoke(message: dict) -> Content:
    target = _optional(_obj(message, "revoke").get("original_message_id"))
    if target is None:
        raise BadField("'revoke.original_message_id' is missing")
    return Content("revoke", "", original_message_id=target, is_deleted=True)


_READERS = {
    "text": lambda m: Content("text", text_of(_obj(m, "text").get("body"))),
    "location": _location,
    "contacts": _contacts,
    "reaction": _reaction,
    "interactive": _interactive,
    "button": lambda m: Content("button", text_of(_obj(m, "button").get("text"))),
    "order": _order,
    "system": _system,
    "edit": _edit,
    "revoke": _revoke,
}


def content(message: dict) -> Content:
    """Read a message object's content; raises BadField when a required link is missing."""
    kind = message.get("type")
    if not isinstance(kind, str) or not kind:
        raise BadField("'type' is missing")
    if kind in MEDIA_TYPES:
        return _media(message, kind)
    reader = _READERS.get(kind)
    return reader(message) if reader else Content(kind, "")  # unsupported / unknown types
