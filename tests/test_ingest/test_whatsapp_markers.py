"""Media, deleted, edited, poll, call and system-event markers in WhatsApp exports."""

from __future__ import annotations

import pytest

from pipelines.ingest.whatsapp_export import parse_export
from pipelines.ingest.whatsapp_media import media_kind_from_name

ANDROID = "13/03/2025 10:00 - "
IOS = "[13/03/2025, 10:00:00] "
LRM = "\u200e"


def one(text: str):
    parsed = parse_export(text)
    assert len(parsed.messages) == 1, parsed
    return parsed.messages[0]


@pytest.mark.parametrize(
    ("body", "media_kind", "attachment", "caption"),
    [
        ("<Mídia oculta>", "media", None, ""),
        ("<Media omitted>", "media", None, ""),
        ("IMG-20251028-WA0035.jpg (arquivo anexado)", "image", "IMG-20251028-WA0035.jpg", ""),
        ("IMG-20251028-WA0035.jpg (arquivo anexado)\nFoto do contrato", "image",
         "IMG-20251028-WA0035.jpg", "Foto do contrato"),
        ("VID-20251028-WA0001.mp4 (file attached)", "video", "VID-20251028-WA0001.mp4", ""),
        ("PTT-20251028-WA0002.opus (arquivo anexado)", "audio", "PTT-20251028-WA0002.opus", ""),
        ("DOC-20251028-WA0003.pdf • 3 páginas (arquivo anexado)", "document",
         "DOC-20251028-WA0003.pdf", ""),
        ("Procuração (assinada).pdf (file attached)", "document", "Procuração (assinada).pdf", ""),
        ("STK-20251028-WA0004.webp (arquivo anexado)", "sticker", "STK-20251028-WA0004.webp", ""),
        ("Ana Souza.vcf (arquivo anexado)", "contact", "Ana Souza.vcf", ""),
        (f"{LRM}<anexado: 00000014-STICKER-2025-10-28-14-02-11.webp>", "sticker",
         "00000014-STICKER-2025-10-28-14-02-11.webp", ""),
        (f"{LRM}<attached: 00000015-PHOTO-2025-10-28-14-02-11.jpg>\nsigned", "image",
         "00000015-PHOTO-2025-10-28-14-02-11.jpg", "signed"),
        (f"{LRM}Acordo.pdf • 2 páginas {LRM}<anexado: 00000016-Acordo.pdf>", "document",
         "00000016-Acordo.pdf", ""),
        (f"{LRM}imagem ocultada", "image", None, ""),
        (f"{LRM}áudio ocultado", "audio", None, ""),
        (f"{LRM}figurinha omitida", "sticker", None, ""),
        (f"{LRM}vídeo omitido", "video", None, ""),
        (f"{LRM}documento omitido", "document", None, ""),
        (f"{LRM}Acordo.pdf • 2 páginas documento omitido", "document", "Acordo.pdf", ""),
        (f"{LRM}image omitted", "image", None, ""),
        (f"{LRM}GIF omitted", "gif", None, ""),
        (f"{LRM}Contact card omitted", "contact", None, ""),
        ("localização: https://maps.google.com/?q=-23.56,-46.65", "location", None,
         "localização: https://maps.google.com/?q=-23.56,-46.65"),
        (f"{LRM}Location: https://maps.google.com/?q=-23.56,-46.65", "location", None,
         "Location: https://maps.google.com/?q=-23.56,-46.65"),
        ("<Medien ausgeschlossen>", "media", None, ""),
        ("<Multimedia omitido>", "media", None, ""),
        ("IMG-20251028-WA0035.jpg (arquivo anexado) ", "image", "IMG-20251028-WA0035.jpg", ""),
        ("DOC-20251028-WA0005.pdf • 2 Seiten (Datei angehängt)", "document",
         "DOC-20251028-WA0005.pdf", ""),
        (f"{LRM}Bild weggelassen", "image", None, ""),
        (f"{LRM}<Anhang: 00000017-VIDEO-2025-10-28-14-02-11.mp4>", "video",
         "00000017-VIDEO-2025-10-28-14-02-11.mp4", ""),
    ],
)
def test_media_markers(body, media_kind, attachment, caption):
    message = one(f"{IOS}Ana Souza: {body}")
    assert message.message_type == "media"
    assert (message.media_kind, message.attachment_name, message.body) == (
        media_kind, attachment, caption)
    assert message.sender == "Ana Souza" and not message.is_deleted


@pytest.mark.parametrize(
    "body",
    [
        "Vou mandar a mídia oculta depois",
        "O documento omitido na petição é importante?",
        "Veja o arquivo (arquivo anexado) amanhã",
        "Use <anexado> como título",
        "image omitted from the report, sorry",
        "Poll: what time works?",
        "Location of the hearing is downtown",
    ],
)
def test_text_that_mentions_markers_stays_text(body):
    message = one(f"{ANDROID}Ana Souza: {body}")
    assert message.message_type == "text"
    assert (message.media_kind, message.attachment_name) == (None, None)
    assert message.body == body


@pytest.mark.parametrize(
    "body",
    [
        "Esta mensagem foi apagada", "Você apagou esta mensagem", "Mensagem apagada",
        "Apagou esta mensagem.", "This message was deleted", "This message was deleted.",
        "You deleted this message.", f"{LRM}Se eliminó este mensaje.",
        "Diese Nachricht wurde gelöscht.", "Du hast diese Nachricht gelöscht.",
    ],
)
def test_deleted_messages(body):
    message = one(f"{ANDROID}Carlos Pereira: {body}")
    assert (message.is_deleted, message.message_type, message.body) == (True, "deleted", "")


@pytest.mark.parametrize(
    "body",
    ["Esta mensagem foi apagada por engano?", "Mensagem apagada\ne reenviada",
     "this message was deleted, right?"],
)
def test_not_deleted(body):
    assert one(f"{ANDROID}Carlos Pereira: {body}").is_deleted is False


@pytest.mark.parametrize(
    ("body", "edited", "clean"),
    [
        ("Combinado às 14h <Mensagem editada>", True, "Combinado às 14h"),
        (f"Combinado{LRM} <Esta mensagem foi editada>", True, "Combinado"),
        ("See you <This message was edited>", True, "See you"),
        ("Hasta luego <Se editó este mensaje.>", True, "Hasta luego"),
        ("Alles klar <Diese Nachricht wurde bearbeitet>", True, "Alles klar"),
        ("Combinado <Mensagem editada>  ", True, "Combinado"),
        ("linha 1\nlinha 2 <Mensagem editada>", True, "linha 1\nlinha 2"),
        ("<Mensagem editada> foi o que apareceu", False, "<Mensagem editada> foi o que apareceu"),
        ("Use <b>negrito</b>", False, "Use <b>negrito</b>"),
    ],
)
def test_edited_messages(body, edited, clean):
    message = one(f"{ANDROID}Ana Souza: {body}")
    assert (message.is_edited, message.body) == (edited, clean)


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.",
         "encryption_notice"),
        ("Messages to this group are now secured with end-to-end encryption.",
         "encryption_notice"),
        ("As mensagens e as chamadas são protegidas com a criptografia de ponta-a-ponta.",
         "encryption_notice"),
        ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.", "encryption_notice"),
        ("Esta empresa usa um serviço seguro da Meta para gerenciar esta conversa.",
         "business_notice"),
        ("This business uses a secure service from Meta to manage this chat.",
         "business_notice"),
        ('Ana Souza criou o grupo "Processo 0042"', "group_created"),
        ('Ana Souza mudou o nome do grupo de "A: b" para "C"', "group_renamed"),
        ('Ana Souza changed the subject from "A" to "B: c"', "group_renamed"),
        ("Ana Souza mudou a descrição do grupo", "group_description_changed"),
        ("Ana Souza adicionou Carlos Pereira", "member_added"),
        ("Ana Souza added Carlos Pereira", "member_added"),
        ("Ana Souza removeu Carlos Pereira", "member_removed"),
        ("Carlos Pereira saiu", "member_left"),
        ("Carlos Pereira entrou usando o link de convite deste grupo", "joined_via_link"),
        ("Carlos Pereira mudou o número de telefone para um novo número.", "number_changed"),
        ("Carlos Pereira changed their phone number to a new number.", "number_changed"),
        ("Ana Souza ativou as mensagens temporárias.", "disappearing_messages"),
        ("Ana Souza turned off disappearing messages.", "disappearing_messages"),
        ("O seu código de segurança com Carlos Pereira mudou.", "security_code_changed"),
        ("Your security code with Carlos Pereira changed.", "security_code_changed"),
        ("Chamada de vídeo perdida", "missed_call"),
        ("Missed voice call", "missed_call"),
        ("Algo que o WhatsApp ainda não escreveu", "other"),
    ],
)
def test_system_lines_have_no_sender_and_an_event(text, event):
    message = one(f"{ANDROID}{text}")
    assert (message.kind, message.sender, message.system_event) == ("system", None, event)
    assert message.message_type == ("call" if event == "missed_call" else "system")
    assert message.body == text


@pytest.mark.parametrize(
    ("body", "kind", "sender", "event"),
    [
        (f"{LRM}Ana Souza added Carlos Pereira", "system", None, "member_added"),
        (f"{LRM}Messages and calls are end-to-end encrypted.", "system", None,
         "encryption_notice"),
        # without the iOS mark it is what a person typed
        ("Ana Souza added Carlos Pereira", "message", "Equipe", None),
        (f"{LRM}Missed voice call", "message", "Equipe", None),  # who called is kept
    ],
)
def test_ios_system_lines_come_from_the_chat_name(body, kind, sender, event):
    message = one(f"{IOS}Equipe: {body}")
    assert (message.kind, message.sender, message.system_event) == (kind, sender, event)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("IMG-20251028-WA0035.jpg", "image"), ("VID-20251028-WA0001.mp4", "video"),
        ("AUD-20251028-WA0001.m4a", "audio"), ("PTT-20251028-WA0001.opus", "audio"),
        ("STK-20251028-WA0001.webp", "sticker"), ("DOC-20251028-WA0001.docx", "document"),
        ("00000014-PHOTO-2025-10-28-14-02-11.jpg", "image"),
        ("00000014-GIF-2025-10-28-14-02-11.mp4", "gif"), ("relatorio.xlsx", "document"),
        ("foto.HEIC", "image"), ("contato.vcf", "contact"), ("sem extensao", "document"),
    ],
)
def test_media_kind_from_name(name, kind):
    assert media_kind_from_name(name) == kind


def test_poll_keeps_its_options():
    message = parse_export(
        f"{ANDROID}Ana Souza: ENQUETE:\nHorário?\nOPÇÃO: 14h (1 voto)\nOPÇÃO: 15h (0 votos)\n"
    ).messages[0]
    assert (message.message_type, message.line_count) == ("poll", 4)
    options = ["Horário?", "OPÇÃO: 14h (1 voto)", "OPÇÃO: 15h (0 votos)"]
    assert message.body.split("\n")[1:] == options
