"""What an export line says beyond its text: media, deleted, edited, polls, calls, system events.

Markers are matched in Portuguese, English, Spanish and German as the apps write them (Android
and iOS).
Functions take text with invisible marks already removed.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

# (message_type, body, media_kind, attachment_name, is_deleted, is_edited)
BodyInfo = tuple[str, str, str | None, str | None, bool, bool]

_DELETED = frozenset({
    "esta mensagem foi apagada", "você apagou esta mensagem", "mensagem apagada",
    "apagou esta mensagem", "this message was deleted", "you deleted this message",
    "se eliminó este mensaje", "eliminaste este mensaje", "este mensaje fue eliminado",
    "mensaje eliminado", "diese nachricht wurde gelöscht", "du hast diese nachricht gelöscht",
})
_EDITED = frozenset({
    "<mensagem editada>", "<esta mensagem foi editada>", "<this message was edited>",
    "<message edited>", "<mensaje editado>", "<se editó este mensaje.>", "<se editó este mensaje>",
    "<diese nachricht wurde bearbeitet>",
})
_HIDDEN_MEDIA = frozenset({
    "<mídia oculta>", "<media omitted>", "<multimedia omitido>", "<archivo omitido>",
    "<midia oculta>", "<medien ausgeschlossen>",
})
_OMITTED = {
    "image omitted": "image", "imagem ocultada": "image", "imagem omitida": "image",
    "imagen omitida": "image", "photo omitted": "image",
    "video omitted": "video", "vídeo omitido": "video", "vídeo ocultado": "video",
    "video omitido": "video",
    "audio omitted": "audio", "áudio ocultado": "audio", "áudio omitido": "audio",
    "audio omitido": "audio",
    "sticker omitted": "sticker", "figurinha omitida": "sticker", "sticker omitido": "sticker",
    "gif omitted": "gif", "gif omitido": "gif",
    "document omitted": "document", "documento omitido": "document",
    "documento ocultado": "document",
    "contact card omitted": "contact", "cartão do contato omitido": "contact",
    "cartão de contato omitido": "contact", "tarjeta de contacto omitida": "contact",
    "bild weggelassen": "image", "video weggelassen": "video", "audio weggelassen": "audio",
    "sticker weggelassen": "sticker", "gif weggelassen": "gif",
    "dokument weggelassen": "document", "kontaktkarte weggelassen": "contact",
}
_OMITTED_LAST_WORDS = frozenset(p.rsplit(" ", 1)[1] for p in _OMITTED)
_OMITTED_RE = re.compile(
    r"(?P<pre>.*?)\s*(?P<phrase>" + "|".join(re.escape(p) for p in _OMITTED) + ")",
    re.IGNORECASE,
)
_ATTACHED_SUFFIXES = (
    " (arquivo anexado)", " (file attached)", " (archivo adjunto)", " (datei angehängt)",
    " (fichier joint)", " (file allegato)",
)
_PAGES = re.compile(r" • \d+ \w+$")  # "DOC-….pdf • 3 páginas (arquivo anexado)"
_IOS_ATTACHED = re.compile(
    r"<(?:anexado|attached|adjunto|anhang|pièce jointe|allegato): (?P<name>[^<>\n]+)>",
    re.IGNORECASE,
)
_LOCATION = (
    "location:", "localização:", "localizacao:", "ubicación:", "live location shared",
    "localização em tempo real", "ubicación en tiempo real", "standort:", "live-standort",
)
_MISSED_CALL = (
    "chamada de voz perdida", "chamada de vídeo perdida", "ligação de voz perdida",
    "ligação de vídeo perdida", "chamada perdida", "chamada de voz em grupo perdida",
    "chamada de vídeo em grupo perdida", "missed voice call", "missed video call",
    "missed group voice call", "missed group video call", "llamada perdida",
    "llamada de voz perdida", "videollamada perdida", "verpasster sprachanruf",
    "verpasster videoanruf",
)
_POLL = frozenset({"poll:", "enquete:", "encuesta:", "umfrage:"})

_PREFIX_KINDS = {
    "IMG": "image", "VID": "video", "AUD": "audio", "PTT": "audio", "STK": "sticker",
    "DOC": "document", "PHOTO": "image", "VIDEO": "video", "AUDIO": "audio",
    "STICKER": "sticker", "GIF": "gif",
}
_EXTENSION_KINDS = {
    "jpg": "image", "jpeg": "image", "png": "image", "heic": "image", "bmp": "image",
    "mp4": "video", "3gp": "video", "mov": "video", "avi": "video", "mkv": "video",
    "opus": "audio", "ogg": "audio", "m4a": "audio", "mp3": "audio", "aac": "audio",
    "amr": "audio", "wav": "audio", "webp": "sticker", "gif": "gif", "vcf": "contact",
}
_NAME_PREFIX = re.compile(r"(?:\d{8}-)?(?P<tag>[A-Z]+)-")


def media_kind_from_name(name: str) -> str:
    """Kind of an attachment from its file name (WhatsApp prefix first, then extension)."""
    ext = name.rpartition(".")[2].casefold() if "." in name else ""
    if ext == "vcf":
        return "contact"
    m = _NAME_PREFIX.match(name)
    if m and m["tag"] in _PREFIX_KINDS:
        return _PREFIX_KINDS[m["tag"]]
    return _EXTENSION_KINDS.get(ext, "document")


def _strip_edited(body: str) -> tuple[str, bool]:
    end = body.rstrip()
    if end.endswith(">"):
        start = end.rfind("<")
        if start >= 0 and end[start:].casefold() in _EDITED:
            return end[:start].rstrip(), True
    return body, False


def _android_attachment(line: str) -> str | None:
    """``IMG-….jpg (arquivo anexado)`` -> the file name; None for other lines."""
    if not line.endswith(")"):
        return None
    for suffix in _ATTACHED_SUFFIXES:
        if line[-len(suffix):].casefold() == suffix:
            name = line[: -len(suffix)]
            pages = _PAGES.search(name)
            return (name[: pages.start()] if pages else name).strip() or None
    return None


def _caption(parts: list[str]) -> str:
    return "\n".join(parts).strip()


# Cheap screens: a body that passes none of them is plain text (the common case, kept fast).
_SPECIAL_HEADS = frozenset(p[:4] for p in (*_LOCATION, *_MISSED_CALL, *_POLL))
_SPECIAL_TAILS = frozenset(p.rsplit(" ", 1)[-1] for p in _DELETED) | _OMITTED_LAST_WORDS


def _maybe_special(body: str) -> bool:
    first = body.partition("\n")[0].strip()
    return (
        body.rstrip().endswith(">")
        or "<" in first
        or first.endswith(")")
        or first[:4].casefold() in _SPECIAL_HEADS
        or first.rpartition(" ")[2].rstrip(".").casefold() in _SPECIAL_TAILS
    )


@cache
def python_whitespace() -> str:
    """The characters ``str.strip()`` removes (``str.isspace``; all of them are in the BMP)."""
    return "".join(c for c in map(chr, range(0x10000)) if c.isspace())


@cache
def casefold_special() -> tuple[str, ...]:
    """Characters whose ``casefold()`` differs from ``lower()`` (e.g. "ß", "ſ"; all in the BMP)."""
    return tuple(c for c in map(chr, range(0x10000)) if c.casefold() != c.lower())


def _escaped(text: str) -> str:
    """``text`` as a literal in a polars (Rust) regex: everything but letters and digits escaped."""
    return "".join(c if c.isalnum() else f"\\x{{{ord(c):x}}}" for c in text)


@cache
def _screens() -> tuple[str, str]:
    space = "[" + _escaped(python_whitespace()) + "]*"
    heads = "|".join(_escaped(h) for h in sorted(_SPECIAL_HEADS))
    tails = "|".join(_escaped(t) for t in sorted(_SPECIAL_TAILS))
    return f"^{space}(?i:{heads})", f"(?i:{tails})\\.*{space}(?:\\n|$)"


def special_screen(body: pl.Expr) -> pl.Expr:
    """Whole-column twin of ``_maybe_special``: True for every body that it flags (and a few more,
    e.g. any ``)`` or ``ß``). Bodies left False are plain text and need no ``classify_message``.

    Each test is a superset of its Python counterpart: ``<``, ``>`` and ``)`` anywhere; a head or
    tail word matched case-insensitively (simple case folding); any character whose casefold
    differs from its lowercase sends the body to Python, which decides exactly.
    """
    head, tail = _screens()
    return (
        body.str.contains_any(["<", ">", ")"])
        | body.str.contains(head)
        | body.str.contains(tail)
        | body.str.contains_any(list(casefold_special()))
    )


def classify_message(body: str) -> BodyInfo:
    """Classify the body of a line that has a sender."""
    if not _maybe_special(body):
        return "text", body, None, None, False, False
    body, edited = _strip_edited(body)
    first, _, rest = body.partition("\n")
    low = first.strip().casefold()
    if low.rstrip(".") in _DELETED and not rest.strip():
        return "deleted", "", None, None, True, edited
    if low in _HIDDEN_MEDIA:
        return "media", rest.strip(), "media", None, False, edited
    tail = rest.split("\n") if rest else []
    if "<" in first:
        m = _IOS_ATTACHED.search(first)
        if m:
            name = m["name"].strip()
            caption = _caption([first[m.end():].strip(), *tail])
            return "media", caption, media_kind_from_name(name), name, False, edited
    name = _android_attachment(first.strip())
    if name:
        return "media", _caption(tail), media_kind_from_name(name), name, False, edited
    if low.rpartition(" ")[2] in _OMITTED_LAST_WORDS:
        m = _OMITTED_RE.fullmatch(first.strip())
        if m:
            kind = _OMITTED[m["phrase"].casefold()]
            name = None
            if kind == "document":
                name = m["pre"].split(" • ")[0].strip() or None
            return "media", _caption(tail), kind, name, False, edited
    if low.startswith(_LOCATION):
        return "media", body.strip(), "location", None, False, edited
    if low.startswith(_MISSED_CALL):
        return "call", body.strip(), None, None, False, edited
    if low in _POLL:
        return "poll", body, None, None, False, edited
    return "text", body, None, None, False, edited


_SYSTEM_EVENTS = [
    (name, re.compile(pattern))
    for name, pattern in (
        ("encryption_notice", r"criptografia de ponta[- ]a[- ]ponta|end-to-end encrypt"
         r"|cifrad[oa]s? de extremo a extremo|ende-zu-ende-verschlüsselt"),
        ("business_notice", r"serviço seguro da meta|secure service from meta"
         r"|servicio seguro de meta|conta comercial|business account|cuenta comercial"),
        ("security_code_changed", r"código de segurança|security code|código de seguridad"
         r"|sicherheitsnummer|sicherheitscode"),
        ("disappearing_messages", r"mensagens temporárias|disappearing messages"
         r"|mensajes temporales|selbstlöschende nachrichten"),
        ("number_changed", r"mudou (?:o número|de número|para \+)|trocou de número"
         r"|changed their phone number|changed to \+|cambió su número|cambió a \+"
         r"|telefonnummer geändert|hat zu \+"),
        ("group_created", r"criou (?:o )?grupo|created (?:the )?group|creó el grupo"
         r"|hat die gruppe .* erstellt"),
        ("group_renamed", r"(?:mudou|alterou) o (?:nome|assunto)|changed the (?:subject|group name)"
         r"|changed this group's name|cambió el (?:asunto|nombre)|betreff|gruppennamen"),
        ("group_description_changed", r"descrição do grupo|group description"
         r"|descripción del grupo|gruppenbeschreibung"),
        ("group_icon_changed", r"(?:imagem|ícone|foto) (?:do|deste) grupo|group's icon"
         r"|group icon|ícono del grupo|imagen del grupo|gruppenbild"),
        ("joined_via_link", r"link de convite|invite link|enlace de invitación|einladungslink"),
        ("member_left", r"\bsaiu\b|\bleft\b|\bsalió\b|\bverlassen\b"),
        ("member_removed", r"\bremoveu\b|\bremoved\b|\beliminó\b|\bentfernt\b"),
        ("member_added", r"\badicionou\b|\badded\b|\bañadió\b|adicionad[oa]|\bentrou\b"
         r"|\bjoined\b|se unió|hinzugefügt"),
        ("admin_changed", r"\badmin"),
        ("contact_blocked", r"bloqueou|blocked this contact|bloqueaste"),
        ("message_pinned", r"\bfixou\b|\bpinned\b|\bfijó\b"),
    )
]


def missed_call(text: str) -> bool:
    """True for a missed voice/video call notice."""
    return text.strip().casefold().startswith(_MISSED_CALL)


def system_event(text: str) -> str | None:
    """Name of the system event a line announces, or None when the wording is unknown."""
    low = text.casefold()
    if low.strip().startswith(_MISSED_CALL):
        return "missed_call"
    for name, pattern in _SYSTEM_EVENTS:
        if pattern.search(low):
            return name
    return None
