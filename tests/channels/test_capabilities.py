"""The capabilities table is the one source: the knowledge base import, the read-back, the
connectors and credentials.yml agree with it."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.registration import readback
from kb_import import generate
from services.channels.capabilities import CAPABILITIES, ButtonStyle, capabilities, short_answer_channels, split_text

ROOT = Path(__file__).resolve().parents[2]


def _configured_channels() -> dict:
    """Rasa channel name -> module path of every connector in credentials.yml."""
    import importlib

    names = {}
    for path in yaml.safe_load((ROOT / "credentials.yml").read_text("utf-8")):
        module, _, cls = path.rpartition(".")
        names[getattr(importlib.import_module(module), cls).name()] = path
    return names


def test_every_configured_channel_is_in_the_table() -> None:
    configured = _configured_channels()
    assert {"rest", "socketio", "whatsapp", "twilio", "twilio_voice"} <= set(configured)
    for name in configured:
        if name != "documents":  # the upload endpoint sends no replies of its own channel
            assert name in CAPABILITIES, f"{configured[name]} ({name}) missing from services/channels/capabilities.py"


def test_output_channels_use_the_table_names() -> None:
    from channels.twilio_messaging import TwilioMessagingOutput
    from channels.twilio_voice import TwilioVoiceCollectingOutputChannel
    from channels.whatsapp import WhatsAppOutput

    for output in (WhatsAppOutput, TwilioMessagingOutput, TwilioVoiceCollectingOutputChannel):
        assert output.name() in CAPABILITIES


def test_generated_faq_variations_follow_the_table() -> None:
    domain = yaml.safe_load((ROOT / generate.DOMAIN_PATH).read_text("utf-8"))
    channels_used = {
        variation["channel"]
        for variations in domain["responses"].values()
        for variation in variations
        if "channel" in variation
    }
    assert channels_used == set(short_answer_channels())
    assert capabilities("twilio_voice").short_answers and not capabilities("socketio").short_answers


def test_read_back_follows_the_table() -> None:
    for name, caps in CAPABILITIES.items():
        assert readback.is_voice(name) == caps.digits_one_by_one
    assert readback.pesel("44051401359", voice=readback.is_voice("twilio_voice")) == "4 4 0, 5 1 4, 0 1 3, 5 9"
    assert readback.pesel("44051401359", voice=readback.is_voice("whatsapp")) == "440 514 013 59"
    assert not readback.is_voice(None) and not readback.is_voice("some_new_channel")


def test_whatsapp_button_rules() -> None:
    whatsapp = capabilities("whatsapp")
    assert whatsapp.button_style is ButtonStyle.WHATSAPP_INTERACTIVE
    assert whatsapp.fits_reply_buttons(["Tak", "Nie", "Może"])
    assert not whatsapp.fits_reply_buttons(["Jeden", "Dwa", "Trzy", "Cztery"])  # more than 3
    assert not whatsapp.fits_reply_buttons(["Rozmowa z konsultantem"])  # 22 > 20 characters
    assert whatsapp.fits_list(["Rozmowa z konsultantem"] + [f"Opcja {n}" for n in range(9)])
    assert not whatsapp.fits_list([f"Opcja {n}" for n in range(11)])
    assert capabilities("twilio_voice").button_style is ButtonStyle.NUMBERED_SPEECH
    assert capabilities("twilio").button_style is ButtonStyle.NUMBERED_TEXT


def test_split_text_keeps_everything_within_the_limit() -> None:
    text = " ".join(f"słowo{n}" for n in range(2000))
    parts = split_text(text, 4096)
    assert all(len(part) <= 4096 for part in parts) and " ".join(parts) == text
    assert split_text("a" * 5000, 4096) == ["a" * 4096, "a" * 904]
    assert split_text("krótko", 4096) == ["krótko"]
