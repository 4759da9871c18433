"""The Excel workbook of the leads: typed cells a spreadsheet sorts and filters as they are.

The CSV (``export.lead_columns``) stays all text, one column per thing, headed in full,
for imports. The workbook is for people reading it in Excel or LibreOffice:
- the lead number, the number of calls and the age are numbers; every time is a
  date-time cell on the clinic's clock (the zone named in its header), all in one
  format (``yyyy-mm-dd hh:mm``), and the times inside sentences (history, notes,
  appointments) are written the same way;
- the header row is bold, frozen and carries an autofilter; each column has a width
  fit for what it holds (long texts wide, dates and numbers narrow);
- each question is headed by a few words (``SHORT_HEADERS``); the second sheet,
  "Questions", gives each short header its full question;
- the last call (when, its outcome), how many calls were made and the next follow-up
  sit beside the status, where the front desk looks for them.

Formulas: every text cell is written as an inline string with the text format ``@``,
whatever it starts with, so Excel shows ``=HYPERLINK(...)`` in a name and never runs
it; nothing is prefixed (see export.py for the CSV's apostrophe).

Written by openpyxl's write-only mode, a row at a time, so a workbook of any size is
written as its leads are read; the autofilter's range is set once the last row is known
(openpyxl writes it after the rows).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from core.clinic_time import in_clinic_time, zone_name
from leads.models import Lead
from questionnaire.service import flow as questionnaire_flow
from staff.console.answers import reason_lines
from staff.leads import export
from web.formatting import phone_display
from web.language import LANGUAGE_NAMES

#: Excel's limit for one cell's text; a longer one would make the file refuse to open.
CELL_LIMIT = 32_767
#: The one format of every date-time cell (and of the times inside sentences).
DATE_FORMAT = "yyyy-mm-dd hh:mm"
#: Widths (in characters) by what a column holds.
NUMBER, TIME, WORD, NAME, ADDRESS, LONG = 10, 17, 16, 24, 30, 48

#: A few words for each question's column; the full question is on the "Questions" sheet.
#: A question missing here (a new one) is headed by its full text until it is added.
SHORT_HEADERS = {
    "scar_types": _l("Scar types"),
    "scar_severity": _l("Scar visibility"),
    "active_acne": _l("Active acne"),
    "eczema_psoriasis_rosacea_in_area": _l("Eczema, psoriasis, rosacea"),
    "active_skin_infection_in_area": _l("Infection in area"),
    "recent_sunburn_or_tan": _l("Sunburn or tan"),
    "recent_facial_procedure": _l("Recent procedure"),
    "skin_cancer_in_area": _l("Skin cancer in area"),
    "radiation_to_area_within_year": _l("Radiotherapy (12 months)"),
    "isotretinoin": _l("Isotretinoin"),
    "pregnant_or_breastfeeding": _l("Pregnant or breastfeeding"),
    "bleeding_disorder_or_anticoagulants": _l("Bleeding or blood thinners"),
    "diabetes": _l("Diabetes"),
    "immunosuppressed": _l("Weakened immunity"),
    "connective_tissue_disease": _l("Connective-tissue disease"),
    "cold_sores_history": _l("Cold sores"),
    "keloid_history": _l("Keloid"),
    "metal_allergy": _l("Metal allergy"),
    "anaesthetic_allergy": _l("Anaesthetic allergy"),
    "fitzpatrick": _l("Skin type (Fitzpatrick)"),
    "age": _l("Age"),
}

Value = str | int | datetime | None
Cell = Callable[[Lead], Value]


@dataclass(frozen=True)
class Sheet:
    """The workbook's columns: short headers, their widths, each question's full text
    (short header → question), and how to write one lead's row of typed values."""

    header: list[str]
    widths: list[int]
    questions: list[tuple[str, str]]
    row: Callable[[Lead], list[Value]]


def clinic_datetime(moment: datetime | None) -> datetime | None:
    """A stored time as the clinic's wall clock, without a zone (Excel's dates have none),
    to the minute, as the console shows it."""
    if moment is None:
        return None
    return in_clinic_time(moment).replace(tzinfo=None, second=0, microsecond=0)


def written_time(moment: datetime) -> str:
    """A time inside a sentence, in the same format as the date-time cells."""
    return in_clinic_time(moment).strftime("%Y-%m-%d %H:%M")


def _is_call(note) -> bool:
    return note.kind == "call" or bool(note.call_outcome)


def _calls(lead: Lead) -> list:
    return [note for note in lead.notes if _is_call(note)]


def _last_call(lead: Lead):
    calls = _calls(lead)
    return max(calls, key=lambda note: (note.created_at, note.id or 0)) if calls else None


def _last_call_at(lead: Lead) -> datetime | None:
    last = _last_call(lead)
    return None if last is None else clinic_datetime(last.created_at)


def _last_call_outcome(lead: Lead, words: export.Words) -> str:
    last = _last_call(lead)
    if last is None or not last.call_outcome:
        return ""
    return words.call_outcome[last.call_outcome]


def sheet_columns() -> Sheet:
    """The workbook's columns in the console's language: who and where from, the
    decision, the work (status, assignee, calls, follow-up, appointments, history), the
    message, one column per question, the notes and the consent."""
    zone = zone_name()
    text = export  # the CSV's words for the same things
    words = export.Words()

    def timed(column: str) -> str:
        return _("%(column)s (%(zone)s)", column=column, zone=zone)

    def sentences(written: Callable) -> Cell:
        return lambda lead: written(lead, written_time, words)

    before: list[tuple[str, int, Cell]] = [
        (_("Lead number"), NUMBER, lambda lead: lead.id),
        (timed(_("Received")), TIME, lambda lead: clinic_datetime(lead.created_at)),
        (_("Name"), NAME, lambda lead: lead.name),
        (_("Email"), ADDRESS, lambda lead: lead.email),
        (_("Phone"), WORD + 2, lambda lead: phone_display(lead.phone)),
        (_("Best time to call"), WORD, lambda lead: words.contact_time[lead.contact_time]),
        (_("Language"), WORD - 4, lambda lead: LANGUAGE_NAMES.get(lead.lang, lead.lang)),
        (_("Source"), WORD, lambda lead: text.source_words(lead, words)),
        (_("Entered by"), WORD, lambda lead: text.staff_name(lead.entered_by)),
        (_("Outcome"), NAME, lambda lead: words.outcome[lead.outcome]),
        (_("Reasons"), LONG, lambda lead: "\n".join(r.words for r in reason_lines(lead.reasons))),
        (_("Status"), WORD, lambda lead: words.status[lead.status]),
        (_("Assigned to"), WORD, lambda lead: text.staff_name(lead.assigned_to)),
        (timed(_("Last call")), TIME, _last_call_at),
        (_("Last call outcome"), WORD, lambda lead: _last_call_outcome(lead, words)),
        (_("Calls made"), NUMBER, lambda lead: len(_calls(lead))),
        (timed(_("Next follow-up")), TIME, lambda lead: clinic_datetime(lead.follow_up_at)),
        (_("Appointments"), LONG, sentences(text.appointments_words)),
        (_("Status history"), LONG, sentences(text.status_history_words)),
        (_("Message"), LONG, lambda lead: lead.message),
    ]
    after: list[tuple[str, int, Cell]] = [
        (_("Notes"), LONG + 12, sentences(text.notes_words)),
        (_("Consent version"), WORD - 4, lambda lead: lead.consent_version),
        (timed(_("Consented")), TIME, lambda lead: clinic_datetime(lead.consented_at)),
    ]
    asked = questionnaire_flow().questions
    shorts = [str(SHORT_HEADERS.get(question.id, question.label)) for question in asked]
    fulls = [str(question.label) for question in asked]
    answer_cells = _typed_answers(export.answer_words(), asked)

    header = [name for name, _w, _c in before] + shorts + [name for name, _w, _c in after]
    widths = (
        [width for _n, width, _c in before]
        + [min(max(len(short) + 2, NUMBER), NAME) for short in shorts]
        + [width for _n, width, _c in after]
    )
    first = [cell for _n, _w, cell in before]
    last = [cell for _n, _w, cell in after]

    def row(lead: Lead) -> list[Value]:
        return [c(lead) for c in first] + answer_cells(lead.answers) + [c(lead) for c in last]

    return Sheet(header, widths, list(zip(shorts, fulls, strict=True)), row)


def _typed_answers(
    words: Callable[[Mapping[str, object]], list[str]], asked: list
) -> Callable[[Mapping[str, object]], list[Value]]:
    """The answers in words (``export.answer_words``), except a number answered (the
    age), which stays a number."""
    numbers = [(index, q.id) for index, q in enumerate(asked) if q.kind == "int"]

    def cells(answers: Mapping[str, object]) -> list[Value]:
        written: list[Value] = list(words(answers))
        for index, question_id in numbers:
            value = answers.get(question_id)
            if isinstance(value, int) and not isinstance(value, bool):
                written[index] = value
        return written

    return cells


def xlsx_file(sheet_columns: Sheet, rows: Iterable[list[Value]]) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (at its start), and how many lead rows it holds.

    A workbook is a zip, finished only at its end, so it is sent once it is whole; the
    file is deleted when closed (``export.file_chunks`` closes it once sent)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(_("Leads")))
    sheet.freeze_panes = "B2"  # the header and the lead number stay in view
    for index, width in enumerate(sheet_columns.widths, start=1):
        sheet.column_dimensions[column_letter(index)].width = width
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    header = sheet_columns.header
    sheet.append([_cell(sheet, name, font=bold, alignment=wrapped) for name in header])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    last_column = column_letter(len(sheet_columns.header))
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    _questions_sheet(workbook, sheet_columns.questions, bold)
    file = tempfile.TemporaryFile()  # noqa: SIM115 (returned open; file_chunks closes it)
    try:
        workbook.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file, count


def _questions_sheet(workbook: Workbook, questions: list[tuple[str, str]], bold: Font) -> None:
    """The second sheet: each question's short header and the question in full."""
    sheet = workbook.create_sheet(title=_sheet_title(_("Questions")))
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = ADDRESS
    sheet.column_dimensions["B"].width = 90
    sheet.append([_cell(sheet, _("Column"), font=bold), _cell(sheet, _("Question"), font=bold)])
    for short, full in questions:
        sheet.append([_cell(sheet, short), _cell(sheet, full)])


def _cell(sheet, value: Value, font: Font | None = None, alignment=None) -> WriteOnlyCell:
    """A typed cell: a number, a date-time in ``DATE_FORMAT``, or text stored as a string
    and formatted as text whatever it starts with (never a formula)."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0"
    elif value is None or value == "":
        cell = WriteOnlyCell(sheet, value=None)
    else:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_LIMIT])
        cell.data_type = "s"
        cell.number_format = "@"
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _sheet_title(title: str) -> str:
    """A sheet's name: at most 31 characters, none of the ones Excel refuses."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"


def column_letter(index: int) -> str:
    """Excel's name of the ``index``-th column (1 is A, 27 is AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
