"""Problems found in content, reported all at once like MkDocs' own config errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place: ``goals/x.md, line 7: 'direction' must be …``."""

    path: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}, line {self.line}"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised when content has errors; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        count = len(errors)
        lines = "\n".join(f"  {p}" for p in errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the agenda content:\n{lines}")


def errors_in(problems: list[Problem]) -> list[Problem]:
    """The problems that stop a build (warnings excluded)."""
    return [p for p in problems if p.severity == "error"]
