"""Render messages in the layouts real WhatsApp "Export chat" files use (Android and iOS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pipelines.synthetic.conversations import Chat, Message

LRM = "\u200e"  # iOS puts it before media/system bodies and at the start of those lines
NNBSP = "\u202f"


def _h12(d: datetime) -> tuple[int, str]:
    return (d.hour % 12 or 12), ("AM" if d.hour < 12 else "PM")


def _en_android(d: datetime) -> str:
    h, ap = _h12(d)
    return f"{d.month}/{d.day}/{d:%y}, {h}:{d:%M} {ap} - "


def _en_ios(d: datetime) -> str:
    h, ap = _h12(d)
    return f"[{d.month}/{d.day}/{d:%y}, {h}:{d:%M:%S}{NNBSP}{ap}] "


def _en_gb_android(d: datetime) -> str:
    h, ap = _h12(d)
    return f"{d:%d/%m/%Y}, {h}:{d:%M} {ap.lower()} - "


def _en_ca_android(d: datetime) -> str:
    h, _ = _h12(d)
    return f"{d:%Y-%m-%d}, {h}:{d:%M} {'a.m.' if d.hour < 12 else 'p.m.'} - "


def _es_android(d: datetime) -> str:
    h, _ = _h12(d)
    return f"{d:%d/%m/%y}, {h}:{d:%M} {'a. m.' if d.hour < 12 else 'p. m.'} - "


@dataclass(frozen=True)
class Layout:
    name: str
    platform: str  # "android" | "ios"
    locale: str  # key of STRINGS
    stamp: Callable[[datetime], str]


LAYOUTS = {
    layout.name: layout
    for layout in [
        Layout("android-dmy-24h", "android", "pt", lambda d: f"{d:%d/%m/%Y %H:%M} - "),
        Layout("android-dmy-comma-24h", "android", "pt-old", lambda d: f"{d:%d/%m/%Y, %H:%M} - "),
        Layout("ios-dmy-24h-seconds", "ios", "pt", lambda d: f"[{d:%d/%m/%Y, %H:%M:%S}] "),
        Layout("android-mdy-12h", "android", "en", _en_android),
        Layout("ios-mdy-12h-seconds", "ios", "en", _en_ios),
        Layout(
            "ios-mdy-24h-seconds", "ios", "en", lambda d: f"[{d.month}/{d.day}/{d:%y %H:%M:%S}] "
        ),
        Layout("android-dmy-comma-24h-en", "android", "en", lambda d: f"{d:%d/%m/%Y, %H:%M} - "),
        Layout("android-mdy-24h", "android", "en", lambda d: f"{d.month}/{d.day}/{d:%y, %H:%M} - "),
        Layout("ios-mdy-24h", "ios", "en", lambda d: f"[{d:%m/%d/%y %H:%M}] "),
        Layout("android-dmy-12h-lower", "android", "en", _en_gb_android),
        Layout("android-ymd-12h-dots", "android", "en", _en_ca_android),
        Layout("android-ymd-24h", "android", "en", lambda d: f"{d:%Y/%m/%d, %H:%M} - "),
        Layout("android-dmy-12h-es", "android", "es", _es_android),
        Layout("android-dotted-24h", "android", "de", lambda d: f"{d:%d.%m.%Y, %H:%M} - "),
        Layout("ios-dotted-24h-seconds", "ios", "de", lambda d: f"[{d:%d.%m.%y, %H:%M:%S}] "),
    ]
}
PT_LAYOUTS = ["android-dmy-24h", "android-dmy-comma-24h", "ios-dmy-24h-seconds"]
PT_WEIGHTS = [55, 15, 30]
OTHER_LAYOUTS = [name for name in LAYOUTS if name not in PT_LAYOUTS]

_ENC_PT = (
    "As mensagens e ligações são protegidas com a criptografia de ponta a ponta e ficam "
    "somente entre você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler "
    "ou ouvir o conteúdo delas."
)
_ENC_EN = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them."
)
_ENC_DE = (
    "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses "
    "Chats kann sie lesen oder anhören, nicht einmal WhatsApp."
)
# Per locale: encryption notice, "media omitted" (Android) or per kind (iOS), attachment suffix
# or wrapper, document pages, deleted by other / by me, edited suffix, system events.
STRINGS: dict[str, dict[str, str]] = {
    "pt": {
        "enc_android": _ENC_PT + " Toque para saber mais.",
        "enc_ios": _ENC_PT,
        "omitted": "<Mídia oculta>",
        "attached": "{} (arquivo anexado)",
        "ios_attached": "<anexado: {}>",
        "pages": "{} • {} páginas (arquivo anexado)",
        "image": "imagem ocultada",
        "audio": "áudio ocultado",
        "video": "vídeo omitido",
        "document": "documento omitido",
        "sticker": "figurinha omitida",
        "deleted": "Esta mensagem foi apagada",
        "deleted_ios": "Mensagem apagada",
        "deleted_own": "Você apagou esta mensagem",
        "deleted_own_ios": "Você apagou esta mensagem.",
        "edited": "<Mensagem editada>",
        "edited_ios": "<Esta mensagem foi editada>",
        "security_code": "O código de segurança de {} mudou. Toque para saber mais.",
        "missed_call": "Ligação de voz perdida",
    },
    "en": {
        "enc_android": _ENC_EN + " Tap to learn more.",
        "enc_ios": _ENC_EN,
        "omitted": "<Media omitted>",
        "attached": "{} (file attached)",
        "ios_attached": "<attached: {}>",
        "pages": "{} • {} pages (file attached)",
        "image": "image omitted",
        "audio": "audio omitted",
        "video": "video omitted",
        "document": "document omitted",
        "sticker": "sticker omitted",
        "deleted": "This message was deleted",
        "deleted_ios": "This message was deleted.",
        "deleted_own": "You deleted this message",
        "deleted_own_ios": "You deleted this message.",
        "edited": "<This message was edited>",
        "edited_ios": "<This message was edited>",
        "security_code": "{}'s security code changed. Tap to learn more.",
        "missed_call": "Missed voice call",
    },
    "es": {
        "enc_android": "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie "
        "fuera de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para "
        "obtener más información.",
        "omitted": "<Multimedia omitido>",
        "attached": "{} (archivo adjunto)",
        "pages": "{} • {} páginas (archivo adjunto)",
        "deleted": "Se eliminó este mensaje.",
        "deleted_own": "Eliminaste este mensaje.",
        "edited": "<Se editó este mensaje.>",
    },
    "de": {
        "enc_android": _ENC_DE + " Tippe, um mehr zu erfahren.",
        "enc_ios": _ENC_DE,
        "omitted": "<Medien ausgeschlossen>",
        "attached": "{} (Datei angehängt)",
        "ios_attached": "<Anhang: {}>",
        "pages": "{} • {} Seiten (Datei angehängt)",
        "image": "Bild weggelassen",
        "audio": "Audio weggelassen",
        "video": "Video weggelassen",
        "document": "Dokument weggelassen",
        "sticker": "Sticker weggelassen",
        "deleted": "Diese Nachricht wurde gelöscht.",
        "deleted_ios": "Diese Nachricht wurde gelöscht.",
        "deleted_own": "Du hast diese Nachricht gelöscht.",
        "deleted_own_ios": "Du hast diese Nachricht gelöscht.",
        "edited": "<Diese Nachricht wurde bearbeitet>",
        "edited_ios": "<Diese Nachricht wurde bearbeitet>",
    },
}
STRINGS["pt-old"] = dict(
    STRINGS["pt"],
    enc_android=(
        "As mensagens e as chamadas são protegidas com a criptografia de ponta-a-ponta e ficam "
        "somente entre você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler ou "
        "ouvir o conteúdo delas. Toque para saber mais."
    ),
)
_ANDROID_PREFIX = {
    "image": ("IMG", "jpg"),
    "audio": ("PTT", "opus"),
    "video": ("VID", "mp4"),
    "sticker": ("STK", "webp"),
    "document": ("DOC", "pdf"),
}
_IOS_KIND = {
    "image": ("PHOTO", "jpg"),
    "audio": ("AUDIO", "opus"),
    "video": ("VIDEO", "mp4"),
    "sticker": ("STICKER", "webp"),
}


def export_file_name(chat: Chat) -> str:
    """Path of the export inside ``whatsapp/<employee_id>/`` (the shared landing layout)."""
    if LAYOUTS[chat.layout].platform == "ios":
        return f"WhatsApp Chat - {chat.contact}/_chat.txt"
    return f"Conversa do WhatsApp com {chat.contact}.txt"


class ExportRenderer:
    """Turns one chat's messages into export lines, remembering where each message starts."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.layout = LAYOUTS[chat.layout]
        self.s = STRINGS[self.layout.locale]
        self.ios = self.layout.platform == "ios"
        self.counter = 0  # attachment sequence (iOS: per export, Android: WA number per day)

    def render(self, messages: list[Message]) -> tuple[list[str], list[int]]:
        """Return physical lines and the 1-based line number of each message ("0": skipped)."""
        lines: list[str] = []
        starts: list[int] = []
        if messages:
            first = messages[0].at
            if self.ios:
                lines.append(
                    f"{self.layout.stamp(first)}{self.chat.contact}: {LRM}{self.s['enc_ios']}"
                )
            else:
                lines.append(f"{self.layout.stamp(first)}{self.s['enc_android']}")
        for m in messages:
            record = self._record(m)
            if record is None:
                starts.append(0)
                continue
            starts.append(len(lines) + 1)
            lines.extend(record.split("\n"))
        return lines, starts

    def _record(self, m: Message) -> str | None:
        s, stamp = self.s, self.layout.stamp(m.at)
        sender = self.chat.employee.name if m.who == "e" else self.chat.contact
        if m.system == "security_code":
            if "security_code" not in s or self.ios:
                return None
            return stamp + s["security_code"].format(self.chat.contact)
        if m.system == "missed_call":
            if "missed_call" not in s or not self.ios:
                return None
            return f"{LRM}{stamp}{sender}: {LRM}{s['missed_call']}"
        suffix = "_ios" if self.ios else ""
        if m.deleted:
            key = ("deleted_own" if m.who == "e" else "deleted") + suffix
            return f"{LRM if self.ios else ''}{stamp}{sender}: {LRM if self.ios else ''}{s[key]}"
        if m.media:
            body = self._media_body(m)
            lead = LRM if self.ios else ""
            caption = f"\n{m.text}" if m.text and (self.chat.with_media or self.ios) else ""
            return f"{lead}{stamp}{sender}: {body}{caption}"
        body = m.text
        if m.edited:
            body += f" {LRM}{s['edited_ios']}" if self.ios else f" {s['edited']}"
        return f"{stamp}{sender}: {body}"

    def _media_body(self, m: Message) -> str:
        s, kind = self.s, m.media or "image"
        self.counter += 1
        if self.ios:
            if not self.chat.with_media:
                return LRM + s[kind]
            if kind == "document":
                name = f"{self.counter:08d}-{m.doc_name}"
            else:
                label, ext = _IOS_KIND[kind]
                name = f"{self.counter:08d}-{label}-{m.at:%Y-%m-%d-%H-%M-%S}.{ext}"
            return LRM + s["ios_attached"].format(name)
        if not self.chat.with_media:
            return s["omitted"]
        if kind == "document" and m.doc_name:
            pages = 1 + self.counter % 7
            return s["pages"].format(m.doc_name, pages)
        prefix, ext = _ANDROID_PREFIX[kind]
        return s["attached"].format(f"{prefix}-{m.at:%Y%m%d}-WA{self.counter:04d}.{ext}")
