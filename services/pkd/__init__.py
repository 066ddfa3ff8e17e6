"""The PKD classification of activities: code validation and search by description.

`classification()` loads the shipped table once; `parse_codes` reads codes as users type them
("47.91.Z", "4791Z", "47.91z"); `search` suggests codes for a description in Polish or English;
`name(code, language)` gives a code's name in Polish or English (NACE Rev. 2 class names).
"""

from services.pkd.codes import CodeParse, PkdClassification, PkdEntry, classification, parse_codes
from services.pkd.names import name
from services.pkd.search import Suggestion, search

__all__ = [
    "CodeParse",
    "PkdClassification",
    "PkdEntry",
    "Suggestion",
    "classification",
    "name",
    "parse_codes",
    "search",
]
