"""Leads exported as a table people read: words instead of codes, the clinic's times, the work done.

The CSV's table (for imports into a CRM or a mailing tool, and any spreadsheet), every
cell text; the Excel workbook's typed columns are in export_workbook.py. Every code is written
in the console's language (status, outcome, source, best time, reasons, each
answer), every time in the clinic's zone (named in the column's header), with the
status history, notes, appointments, assignee and who entered a phone lead.

Times in their own column are written ``2026-12-03 10:05`` (they sort, and
spreadsheets read them as dates); times inside a sentence (history, notes,
appointments) as the console shows them.

Formulas. A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some read past a leading tab or carriage return), which is how a name such
as ``=HYPERLINK("http://evil", "Click")`` would reach a clinic's computer.
- The workbook (export_workbook.py, its own typed columns) writes every text cell as
  an inline string with number format ``@``: Excel never evaluates it, so nothing
  needs changing and nothing is prefixed.
- The CSV has no types, so such a cell is prefixed with an apostrophe, which
  spreadsheets read as "this is text". Phone numbers are the exception: they are
  written ``+44 20 7946 0958`` (a plus, digits and spaces), which names no function,
  no cell and no other file, so nothing can run from it, while an apostrophe would
  end up inside the number of every system the CSV is imported into.
- UTF-8 with a byte-order mark, so Excel reads accents and non-Latin names right.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO

from flask import Response
from flask_babel import gettext as _

from core.clinic_time import clinic_now, clinic_zone, zone_name
from leads.appointments import KIND_LABELS
from leads.models import CONTACT_TIME_LABELS, Lead
from leads.status import status_history
from questionnaire.service import flow as questionnaire_flow
from rules.i18n import N_
from staff.console.answers import readable_answers, reason_lines
from staff.console.labels import CALL_OUTCOME_LABELS, OUTCOME_LABELS, SOURCE_LABELS, STATUS_LABELS
from web.formatting import datetime_writer, phone_display
from web.language import LANGUAGE_NAMES

# --- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """The export's header and how to write one lead's row, every cell text in the
    console's language. Rows are made one lead at a time, so an export of any size is
    written as it is read. ``row`` reads a lead's attributes only: a mapped ``Lead``, or
    a lead read as a plain row with its notes and appointments (``export_views``)."""

    header: list[str]
    row: Callable[[Lead], list[str]]


Cell = Callable[[Lead], str]


def lead_columns() -> Columns:
    """One row per lead; one column per question, headed by the question, between the work
    done and the notes.

    The row is one list written by one function, in the header's order (a list made from
    a function per cell called each cell's function again for every lead)."""
    zone = zone_name()
    clock = clinic_clock_writer()
    spoken = spoken_time_writer()
    words = Words()
    reasons = reasons_writer()
    answer_cells = answer_words()
    contact_time, outcome, status = words.contact_time, words.outcome, words.status
    questions = [line.question for line in readable_answers({})]
    header = [
        _("Lead number"),
        _("Received (%(zone)s)", zone=zone),
        _("Name"),
        _("Email"),
        _("Phone"),
        _("Best time to call"),
        _("Message"),
        _("Language"),
        _("Source"),
        _("Entered by"),
        _("Outcome"),
        _("Reasons"),
        _("Status"),
        _("Status history"),
        _("Assigned to"),
        _("Next follow-up (%(zone)s)", zone=zone),
        _("Appointments"),
        *questions,
        _("Notes"),
        _("Consent version"),
        _("Consented (%(zone)s)", zone=zone),
    ]

    def row(lead: Lead) -> list[str]:
        return [
            str(lead.id),
            clock(lead.created_at),
            lead.name,
            lead.email,
            phone_display(lead.phone),
            contact_time[lead.contact_time],
            lead.message,
            LANGUAGE_NAMES.get(lead.lang, lead.lang),
            source_words(lead, words),
            staff_name(lead.entered_by),
            outcome[lead.outcome],
            reasons(lead),
            status[lead.status],
            status_history_words(lead, spoken, words),
            staff_name(lead.assigned_to),
            clock(lead.follow_up_at),
            appointments_words(lead, spoken, words),
            *answer_cells(lead.answers),
            notes_words(lead, spoken, words),
            lead.consent_version,
            clock(lead.consented_at),
        ]

    return Columns(header, row)


def clinic_clock_writer() -> Callable[[datetime | None], str]:
    """Stored times on the clinic's clock, to the minute (the zone is in the header), with
    the clinic's zone looked up once for a whole export. ``strftime`` (most of the time
    taken) runs once for each day and each minute of the day an export writes: a time's
    words are its day's, a space, and its hour and minute's. The last time written is
    kept with its words: a lead's consent is stored at the moment the lead is
    (leads/capture.py), and its row writes both."""
    zone = clinic_zone()
    days: dict[date, str] = {}
    minutes: dict[tuple[int, int], str] = {}
    last: list = [None, ""]  # the last moment written, and its words

    def written(moment: datetime | None) -> str:
        if moment is None:
            return ""
        if moment == last[0]:
            return last[1]
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        local = aware.astimezone(zone)
        day = days.get(on := local.date())
        if day is None:
            day = days[on] = local.strftime("%Y-%m-%d")
        at = minutes.get(minute := (local.hour, local.minute))
        if at is None:
            at = minutes[minute] = local.strftime("%H:%M")
        last[:] = moment, f"{day} {at}"
        return last[1]

    return written


def spoken_time_writer() -> Callable[[datetime], str]:
    """A time inside a sentence, as the console shows it (``local_datetime``, with the
    language, zone and patterns looked up once an export), with plain spaces only.

    CLDR puts a narrow no-break space before "AM"; some spreadsheet fonts draw it
    as a box, and an import may not take it for a space.
    """
    written = datetime_writer()
    return lambda moment: _plain_spaces(written(moment))


def _plain_spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


class Translated(dict):
    """A set of labels' words by code, each translated the first time an export writes it:
    ``str`` of a lazy label translates it again every time, and an export writes the same
    few words thousands of times. A code without a label is written as it is."""

    def __init__(self, labels: Mapping[str, object]) -> None:
        super().__init__()
        self.labels = labels

    def __missing__(self, code: str) -> str:
        words = self[code] = str(self.labels.get(code, code))
        return words


#: Sentences written for every lead, translated once an export (``Words``).
BY_WHOM = N_("%(what)s by %(who)s")
CALL = N_("Call: %(outcome)s.")
CORRECTED = N_("%(note)s (corrected)")
FORMER_STAFF = N_("someone no longer on the staff")
APPOINTMENT = N_("%(when)s, %(minutes)d minutes, %(kind)s")
CANCELLED = N_("%(appointment)s (cancelled)")


class Words:
    """What an export writes for every lead in the request's language, looked up once an
    export: each code's words, and each sentence's translation with its ``%(name)s`` left
    in (``_`` without variables leaves it unformatted)."""

    def __init__(self) -> None:
        self.status = Translated(STATUS_LABELS)
        self.outcome = Translated(OUTCOME_LABELS)
        self.source = Translated(SOURCE_LABELS)
        self.contact_time = Translated(CONTACT_TIME_LABELS)
        self.call_outcome = Translated(CALL_OUTCOME_LABELS)
        self.appointment_kind = Translated(KIND_LABELS)
        self.by_whom = _(BY_WHOM)
        self.call = _(CALL)
        self.corrected = _(CORRECTED)
        self.former_staff = _(FORMER_STAFF)
        self.appointment = _(APPOINTMENT)
        self.cancelled = _(CANCELLED)


def staff_name(user) -> str:
    return "" if user is None else (user.name or user.email)


def source_words(lead: Lead, words: Words) -> str:
    said = words.source[lead.source]
    return f"{said} ({lead.embed_origin})" if lead.embed_origin else said


#: A lead without reasons (one object, so all such leads share one written cell).
NO_REASONS: tuple = ()


def reasons_writer() -> Cell:
    """The reasons' words, one a line, as ``reason_lines`` writes them, each set of reasons
    written once an export: ``export_views.lead_batches`` parses each set's text once, so
    the leads with the same reasons share one list, found here by its identity (kept
    with its words, so no other list can take its ``id``); a lead read otherwise (a
    mapped ``Lead``) has a list of its own, written for it alone."""
    written: dict[int, tuple[object, str]] = {}

    def cell(lead: Lead) -> str:
        reasons = lead.reasons or NO_REASONS
        seen = written.get(id(reasons))
        if seen is None:
            words = "\n".join(r.words for r in reason_lines(reasons))
            seen = written[id(reasons)] = (reasons, words)
        return seen[1]

    return cell


def answer_words() -> Callable[[Mapping[str, object]], list[str]]:
    """Each question's answer in words, as ``readable_answers`` (staff/console/answers.py)
    writes them; a question the person was not shown says so.

    The questionnaire's words (every choice's label, yes, no) are looked up once for the
    whole export here, where ``readable_answers`` looks each up again for every lead: the
    export's rows would otherwise spend most of their time translating the same words.
    tests/staff/leads/test_exports_at_scale.py checks both give the same words."""
    yes, no, no_answer, not_asked = _("Yes"), _("No"), _("(no answer)"), _("(not asked)")
    questions = [
        (
            question.id,
            question.when,
            question.kind,
            {choice.value: str(choice.label) for choice in question.choices},
        )
        for question in questionnaire_flow().questions
    ]

    def cells(answers: Mapping[str, object]) -> list[str]:
        written = []
        for question_id, when, kind, labels in questions:
            value = answers.get(question_id)
            if when is not None and not when.holds(answers):  # Question.is_shown
                written.append(not_asked)
            elif value is None:
                written.append(no_answer)
            elif kind == "bool":
                written.append(yes if value else no)
            elif kind == "multi" and isinstance(value, list):
                written.append(", ".join(labels.get(str(v), str(v)) for v in value))
            else:
                written.append(labels.get(str(value), str(value)))
        return written

    return cells


def _by(said: str, user, words: Words) -> str:
    name = staff_name(user)
    return words.by_whom % {"what": said, "who": name} if name else said


def status_history_words(lead: Lead, when: Callable[[datetime], str], words: Words) -> str:
    """ "Contacted 3 Dec 2026 10:05 by Ana; Booked 4 Dec 2026 16:20 by Ben".

    A lead made during a call starts contacted: that first status is dated when
    it was made, by the member of staff who entered it.
    """
    history = status_history(lead)
    first = history[0][1] if history else lead.status
    status = words.status
    steps = []
    if first != "new":
        steps.append(_by(f"{status[first]} {when(lead.created_at)}", lead.entered_by, words))
    for note, _before, after in history:
        steps.append(_by(f"{status[after]} {when(note.created_at)}", note.author, words))
    return "; ".join(steps)


def appointments_words(lead: Lead, when: Callable[[datetime], str], words: Words) -> str:
    """Each appointment, one a line: when, how long, what kind, and if it was cancelled."""
    lines = []
    for appointment in lead.appointments:
        line = words.appointment % {
            "when": when(appointment.starts_at),
            "minutes": appointment.duration_minutes,
            "kind": words.appointment_kind[appointment.kind],
        }
        if appointment.cancelled_at is not None:
            line = words.cancelled % {"appointment": line}
        lines.append(line)
    return "\n".join(lines)


def notes_words(lead: Lead, when: Callable[[datetime], str], words: Words) -> str:
    """Each note (calls too), one a paragraph: when, who, the call's outcome, the words."""
    paragraphs = []
    for note in lead.notes:
        if note.kind == "status":
            continue  # in the status history
        said = note.text
        if note.call_outcome:
            call = words.call % {"outcome": words.call_outcome[note.call_outcome]}
            said = f"{call} {said}".strip()
        if note.edited_at is not None:
            said = words.corrected % {"note": said}
        who = staff_name(note.author) or words.former_staff
        paragraphs.append(f"{when(note.created_at)}, {who}: {said}")
    return "\n\n".join(paragraphs)


# --- the files ---------------------------------------------------------------------

FORMULA_STARTS = ("=", "@", "\t", "\r")
SIGNED_STARTS = ("+", "-")
PHONE_WRITTEN = re.compile(r"\+[0-9][0-9 ]*")


#: Every first character that may need the apostrophe (most cells start with none of them).
_RISKY_FIRST = frozenset("".join(FORMULA_STARTS + SIGNED_STARTS))


def safe_cell(value: object) -> str:
    """The CSV cell, with an apostrophe before anything a spreadsheet would run (see above)."""
    text = "" if value is None else str(value)
    if not text or text[0] not in _RISKY_FIRST:  # the common case, tested once per cell
        return text
    if text.startswith(FORMULA_STARTS) or (
        text.startswith(SIGNED_STARTS) and not PHONE_WRITTEN.fullmatch(text)
    ):
        return "'" + text
    return text


#: About how much of a file is sent at a time (one write to the connection).
CHUNK = 64 * 1024


def csv_chunks(header: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """The CSV as it is written: the byte-order mark and the header at once, then the rows,
    sent whenever about ``CHUNK`` bytes have gathered (and after the last).

    The objects the process holds before the file are frozen until it is written
    (``gc.freeze``): each batch of leads lives long enough to reach the collector's oldest
    generation, and every full collection this brought went through all the app's
    objects again (a sixth to a fifth of the export's time). Only its own objects are
    collected meanwhile; a sync worker serves one request at a time."""
    gc.freeze()
    try:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([safe_cell(name) for name in header])
        yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        risky = _RISKY_FIRST
        for row in rows:
            # safe_cell for every cell; tested here first (most start with no risky
            # character), without a call for each cell
            writer.writerow([v if not v or v[0] not in risky else safe_cell(v) for v in row])
            if buffer.tell() >= CHUNK:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")
    finally:
        gc.unfreeze()


def file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    """A file's bytes, ``CHUNK`` at a time; the file is closed (and so deleted) after."""
    with file:
        while chunk := file.read(CHUNK):
            yield chunk


MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(
    body: Iterable[bytes], file_format: str, filename: str, length: int | None = None
) -> Response:
    """The file as an attachment, sent as ``body`` yields it (never stored by a cache).

    Left to nginx's buffering on purpose (no ``X-Accel-Buffering: no``): nginx passes each
    chunk on to the browser as it arrives (the first bytes leave at once; nothing waits
    for the whole file), and when the browser reads slower than the export is written it
    keeps the rest in its temporary file, so the gunicorn worker is free as soon as the
    file is written, however slow the download. Unbuffered, a slow download would hold a
    sync worker for its whole length, and past gunicorn's worker timeout the worker
    would be killed mid-file."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }
    if length is not None:
        headers["Content-Length"] = str(length)
    return Response(body, mimetype=MIMETYPES[file_format], headers=headers)


# --- the file's name ---------------------------------------------------------------

#: The filters named first in a file's name; the others follow in the list's order.
NAMED_FIRST = ("status", "outcome")
#: Short words for a filter whose name says little in a file name.
FILTER_WORDS = {"q": "search", "date_from": "from", "date_to": "to"}
NAME_LIMIT = 120


def file_name(filters: Mapping[str, str], file_format: str) -> str:
    """``leads-2026-12-03.csv``, or with its filters: ``leads-2026-12-03-status-new.csv``.

    Plain ASCII (every browser and system keeps it), the clinic's date, then each
    filter's name and value slugged ("clinician_review" becomes "clinician-review").
    """
    names = [n for n in NAMED_FIRST if n in filters] + [n for n in filters if n not in NAMED_FIRST]
    parts = [f"leads-{clinic_now().date().isoformat()}"]
    for name in names:
        parts.append(f"{slug(FILTER_WORDS.get(name, name))}-{slug(str(filters[name]))}".strip("-"))
    stem = "-".join(part for part in parts if part)[:NAME_LIMIT].rstrip("-")
    return f"{stem}.{file_format}"


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and dashes: "Zoë Ávila" becomes "zoe-avila"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
