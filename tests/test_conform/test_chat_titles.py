import pytest

from pipelines.conform.chat_titles import chat_title


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("whatsapp/E001/Conversa do WhatsApp com Ana Souza.txt", "Ana Souza"),
        ("whatsapp/E001/WhatsApp Chat - Dona Cida 🌻/_chat.txt", "Dona Cida 🌻"),
        ("whatsapp/E001/WhatsApp Chat with Bob Lee (2).txt", "Bob Lee"),
        ("whatsapp/E001/Chat de WhatsApp con María.txt", "María"),
        ("whatsapp/E002/WhatsApp Chat - +55 11 91234-5678/_chat.txt", "+55 11 91234-5678"),
        ("whatsapp/E001/_chat.txt", None),
        ("whatsapp/E001/notes.txt", None),
        ("whatsapp/E001/Conversa do WhatsApp com .txt", None),
    ],
)
def test_chat_title_from_android_and_ios_names(path, title):
    assert chat_title(path) == title
