"""Knowledge-base import: validates `kb/` (or a spreadsheet export) and generates Rasa data.

Run `python -m kb_import --help`. The loader is also used at run time by the action server
(topic titles for "Did you mean ...?" buttons).
"""

from kb_import.loader import load_knowledge_base
from kb_import.model import Entry, KnowledgeBase

__all__ = ["Entry", "KnowledgeBase", "load_knowledge_base"]
