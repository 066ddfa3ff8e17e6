"""What each channel can show or say: the one table every reply-shaping decision reads.

Keys are Rasa channel names (`InputChannel.name()` = the output channel's `name()`), which are also
the `channel:` keys of response variations in the domain. The knowledge-base import, the
registration read-back, the connectors (buttons, message length) and the README all read this table,
so a phone caller can never get a different treatment in one place than in another.

No Rasa imports: the action server, `kb_import` and the console import it as well.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence, Tuple


class ButtonStyle(str, enum.Enum):
    """How a message with options is shown."""

    NATIVE = "native"  # the client draws any number of buttons (web widget)
    WHATSAPP_INTERACTIVE = "whatsapp_interactive"  # reply buttons, else a list, else numbered text
    NUMBERED_TEXT = "numbered_text"  # "1. ..." lines; the user answers with the number
    NUMBERED_SPEECH = "numbered_speech"  # options read aloud with their numbers; keypad or speech


@dataclass(frozen=True)
class Capabilities:
    name: str
    voice: bool  # the channel speaks the bot's messages (text-to-speech)
    button_style: ButtonStyle
    max_reply_buttons: int  # native quick-reply buttons in one message (0: none)
    max_button_title: int  # characters of a reply-button title (0: no limit)
    max_list_rows: int  # rows of a list message (0: no list messages)
    max_list_row_title: int  # characters of a list-row title
    max_message_chars: int  # longer replies are split into several messages
    short_answers: bool  # gets the knowledge base's short answers (`short_answer` in kb/)
    digits_one_by_one: bool  # numbers read back digit by digit ("4 4 0, 5 1 4")
    dtmf: bool  # the user may answer with the telephone keypad
    media_in: bool  # the user can send photos and documents

    def fits_reply_buttons(self, titles: Sequence[str]) -> bool:
        """True when these options can be native reply buttons (count and title length)."""
        if not titles or len(titles) > self.max_reply_buttons:
            return False
        return not self.max_button_title or all(len(t) <= self.max_button_title for t in titles)

    def fits_list(self, titles: Sequence[str]) -> bool:
        """True when these options can be rows of a list message."""
        if not titles or len(titles) > self.max_list_rows:
            return False
        return all(len(t) <= self.max_list_row_title for t in titles)


def _web(name: str) -> Capabilities:
    return Capabilities(
        name=name,
        voice=False,
        button_style=ButtonStyle.NATIVE,
        max_reply_buttons=100,
        max_button_title=0,
        max_list_rows=0,
        max_list_row_title=0,
        max_message_chars=5000,
        short_answers=False,
        digits_one_by_one=False,
        dtmf=False,
        media_in=True,
    )


def _voice(name: str) -> Capabilities:
    return Capabilities(
        name=name,
        voice=True,
        button_style=ButtonStyle.NUMBERED_SPEECH,
        max_reply_buttons=0,
        max_button_title=0,
        max_list_rows=0,
        max_list_row_title=0,
        max_message_chars=1000,  # a longer text is a monologue on the phone
        short_answers=True,
        digits_one_by_one=True,
        dtmf=True,
        media_in=False,
    )


_CHANNELS: Tuple[Capabilities, ...] = (
    _web("rest"),
    _web("socketio"),
    _web("collector"),  # Rasa's name for the REST channel's output
    # WhatsApp Cloud API (channels.whatsapp): Meta's limits for interactive messages.
    Capabilities(
        name="whatsapp",
        voice=False,
        button_style=ButtonStyle.WHATSAPP_INTERACTIVE,
        max_reply_buttons=3,
        max_button_title=20,
        max_list_rows=10,
        max_list_row_title=24,
        max_message_chars=4096,
        short_answers=True,
        digits_one_by_one=False,
        dtmf=False,
        media_in=True,
    ),
    # Twilio WhatsApp and SMS (channels.twilio_messaging): Twilio's body limit; options as numbers.
    Capabilities(
        name="twilio",
        voice=False,
        button_style=ButtonStyle.NUMBERED_TEXT,
        max_reply_buttons=0,
        max_button_title=0,
        max_list_rows=0,
        max_list_row_title=0,
        max_message_chars=1600,
        short_answers=True,
        digits_one_by_one=False,
        dtmf=False,
        media_in=True,
    ),
    # Phone calls over Twilio Voice (channels.twilio_voice). Another voice connector (AudioCodes,
    # Jambonz, ...) gets a row `_voice("<its channel name>")` here, and nothing else to change.
    _voice("twilio_voice"),
)

CAPABILITIES: Mapping[str, Capabilities] = {c.name: c for c in _CHANNELS}
DEFAULT = CAPABILITIES["rest"]  # an unknown channel is treated like the web chat


def capabilities(channel: str | None) -> Capabilities:
    """The capabilities of `channel` (a Rasa channel name); unknown or missing: the web chat's."""
    return CAPABILITIES.get(channel or "", DEFAULT)


def is_voice(channel: str | None) -> bool:
    return capabilities(channel).voice


def short_answer_channels() -> List[str]:
    """Channels whose FAQ responses get the short-answer variation (kb_import writes them)."""
    return [c.name for c in _CHANNELS if c.short_answers]


def split_text(text: str, limit: int) -> List[str]:
    """`text` cut into pieces of at most `limit` characters, at paragraph, line or word breaks."""
    text = text.strip()
    pieces: List[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". ") + 1, window.rfind(" "))
        if cut <= limit // 2:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def as_table() -> List[Dict[str, object]]:
    """The table as rows (for the README and the console)."""
    return [
        {
            "channel": c.name,
            "voice": c.voice,
            "buttons": c.button_style.value,
            "max_message_chars": c.max_message_chars,
            "short_answers": c.short_answers,
            "digits_one_by_one": c.digits_one_by_one,
        }
        for c in _CHANNELS
    ]
