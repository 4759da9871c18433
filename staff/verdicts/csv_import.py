"""Verdicts from a clinic's own records, as CSV: every row checked before any is stored.

The header is exactly ``lead,verdict,concerns,clinician_email,examined_on``
(concerns separated by ``;``, the examination date as YYYY-MM-DD). One wrong row
stores nothing: the whole file is checked first, and each problem is named by its
row (the file's line, the header being row 1) and column, so the clinic can fix
them all at once. A file that passes is stored in one transaction, each row
exactly as the console would record it (history, audit, missed-concern incidents).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from core.extensions import db
from leads.models import Lead
from leads.verdicts import Clinician, VerdictInput, check_verdict, find_clinician, record_verdict

HEADER = ("lead", "verdict", "concerns", "clinician_email", "examined_on")
#: check_verdict's field names as the file's columns.
COLUMN_OF = {"verdict": "verdict", "concerns": "concerns", "examined_on": "examined_on"}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Checked:
    lead: Lead
    given: VerdictInput
    clinician: Clinician


def read(text: str) -> tuple[list[Checked], list[Problem]]:
    """Every row checked: the rows to store, or the problems (then nothing is stored)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(cell.strip() for cell in header) != HEADER:
        return [], [Problem(1, "header", f"the header must be exactly {','.join(HEADER)}")]
    rows, problems, seen = [], [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(HEADER):
            problems.append(
                Problem(number, "all", f"{len(cells)} columns where {len(HEADER)} are needed")
            )
            continue
        checked, found = _row(number, dict(zip(HEADER, (c.strip() for c in cells), strict=True)))
        problems.extend(found)
        if checked is not None:
            if checked.lead.id in seen:
                problems.append(
                    Problem(number, "lead", f"lead {checked.lead.id} is on row "
                            f"{seen[checked.lead.id]} too: give one verdict per lead")
                )  # fmt: skip
                continue
            seen[checked.lead.id] = number
            rows.append(checked)
    if not rows and not problems:
        problems.append(Problem(2, "all", "the file has no verdicts"))
    return rows, problems


def _row(number: int, cells: dict[str, str]) -> tuple[Checked | None, list[Problem]]:
    problems = []
    lead = None
    if cells["lead"].isascii() and cells["lead"].isdigit():
        lead = db.session.get(Lead, int(cells["lead"]))
    if lead is None:
        problems.append(Problem(number, "lead", f"no lead has the number {cells['lead']!r}"))
    clinician = find_clinician(cells["clinician_email"])
    if clinician is None:
        problems.append(
            Problem(number, "clinician_email",
                    f"no active clinician account has the email {cells['clinician_email']!r}")
        )  # fmt: skip
    try:
        examined_on: date | None = date.fromisoformat(cells["examined_on"])
        if len(cells["examined_on"]) != 10:
            examined_on = None
    except ValueError:
        examined_on = None
    given = VerdictInput(
        outcome=cells["verdict"],
        concerns=[key.strip() for key in cells["concerns"].split(";") if key.strip()],
        examined_on=examined_on,
    )
    for field, message in check_verdict(given, lead).items():
        problems.append(Problem(number, COLUMN_OF.get(field, field), message))
    if problems or lead is None or clinician is None:
        return None, problems
    return Checked(lead, given, clinician), []


def store(rows: list[Checked]) -> int:
    """Record every checked row in the caller's transaction; how many were recorded."""
    for row in rows:
        record_verdict(row.lead, row.given, row.clinician, source="import", actor=None)
    return len(rows)
