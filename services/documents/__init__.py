"""Documents users send (photos of forms and IDs, PDFs): checked, stored privately, attached.

Rasa-free API for the channels (WhatsApp, Twilio, the web upload) and for the consultants' console:
`receive_document` stores a file and attaches it to the sender's open application (or leaves it for
a consultant), `attach_document` attaches one to a given application, `documents_for_application` / `documents_awaiting_consultant` list them and
`read_document` returns the bytes - to be served only behind the console's login. Nothing here is
reachable over HTTP by itself, and files live outside the web root.
"""

from services.documents.intake import (
    DocumentRefused,
    Receipt,
    attach_document,
    detect_kind,
    documents_awaiting_consultant,
    documents_for_application,
    read_document,
    receive_document,
)

__all__ = [
    "DocumentRefused",
    "attach_document",
    "Receipt",
    "detect_kind",
    "documents_awaiting_consultant",
    "documents_for_application",
    "read_document",
    "receive_document",
]
