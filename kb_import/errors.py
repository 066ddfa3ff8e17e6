"""Problems found in the knowledge base, each naming where it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class KnowledgeBaseError(Exception):
    """Raised with every problem found; nothing may be written when it is raised."""

    def __init__(self, problems: List[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
