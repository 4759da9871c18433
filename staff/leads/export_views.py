"""The list's export: the leads it shows (its filters), as a CSV or an Excel workbook.

Both need the permission to export (``export_allowed``, the list's own). Each
download is one ``export`` audit row with what was exported as data: how many
rows, which file format, which filters; never a search's words (a name or email
typed in the box is a person's detail, and the audit log holds none).

A busy clinic has 100,000 leads, so neither file is ever held whole in memory. The
leads are read by one query in the list's order, newest first, streamed from the
database (a server-side cursor on PostgreSQL; SQLite's cursor steps through its
rows) ``BATCH`` at a time, each batch's notes and appointments read for the whole
batch (two queries a batch, never one a lead; see ``lead_batches``), and each row is
written as it is made. (Not keyset pages over (created_at, id): without statistics
SQLite's planner reads the list's conditions by the index of ``merged_into_id`` and
sorts the whole table again for every page, 0.8 to 1.6 s a page at 100,000 leads.)

- The CSV streams: its header leaves at once, then the rows as they are written
  (``export.csv_chunks``), while the next batch is read.
- The workbook is written row by row by openpyxl's write-only mode into a temporary
  file, and sent from that file once finished (a workbook is a zip: nothing of it can
  be read before its end).

The audit row and its count. The row is written and committed before the first
byte of the file leaves, in a transaction of its own: nothing is sent that is not
logged, and a download cut short (the person closes the tab, the connection drops)
leaves no transaction half-written, since only reads follow the commit.
- For the workbook, ``rows`` is the number of rows written into the finished file.
- For the CSV, ``rows`` is a ``COUNT`` of the same filters, taken just before the
  stream starts; a lead stored while the file streams is newer than its first row
  and is not in it, but one deleted or merged meanwhile is counted and not sent.
An export that fails before its first byte (the count or the workbook) is not logged;
one cut short is logged with the rows it was going to hold.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterator
from types import SimpleNamespace

from flask import Response, current_app, redirect, stream_with_context, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Integer,
    Result,
    Select,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY

from core.dbtypes import UTCDateTime
from core.extensions import db
from leads.models import Appointment, Lead, LeadNote
from leads.service import run_after_body
from staff.console.audit import record
from staff.console.blueprint import bp
from staff.console.filters import filter_args, filters_from_query
from staff.console.lead_filters import LeadFilterForm
from staff.leads import export, export_jobs, export_workbook, search
from staff.leads.export_build import build_all
from staff.leads.list_views import export_allowed
from staff.models import StaffUser

#: What the audit log keeps of a search in place of its words.
SEARCH_NOT_KEPT = "…"

#: What a lead's row shows (export.py, export_workbook.py): only these columns are read.
#: The JSON last: each row's text of them is parsed (``_with_notes_and_appointments``).
EXPORTED = (
    "id", "created_at", "name", "email", "phone", "contact_time", "message", "lang",
    "source", "embed_origin", "entered_by_id", "outcome", "status", "assigned_to_id",
    "follow_up_at", "consent_version", "consented_at", "reasons", "answers",
)  # fmt: skip
NOTE_COLUMNS = (
    "id", "lead_id", "author_id", "kind", "text", "call_outcome", "edited_at", "created_at",
)  # fmt: skip
APPOINTMENT_COLUMNS = ("lead_id", "starts_at", "duration_minutes", "kind", "cancelled_at")

#: A lead, note and appointment as the export reads them (``_with_notes_and_appointments``).
ExportedLead = namedtuple(
    "ExportedLead", [*EXPORTED, "notes", "appointments", "entered_by", "assigned_to"]
)
ExportedNote = namedtuple("ExportedNote", [*NOTE_COLUMNS, "author"])
ExportedAppointment = namedtuple("ExportedAppointment", APPOINTMENT_COLUMNS)
#: Where the staff and leads are in the rows read (by position: see below).
_ENTERED, _ASSIGNED = EXPORTED.index("entered_by_id"), EXPORTED.index("assigned_to_id")
_NOTE_LEAD, _NOTE_AUTHOR = NOTE_COLUMNS.index("lead_id"), NOTE_COLUMNS.index("author_id")
_APPOINTMENT_LEAD = APPOINTMENT_COLUMNS.index("lead_id")
#: A named tuple made from values already in its order (what ``_make`` does, without
#: its call and its check of the count: the columns read are its fields).
_new = tuple.__new__


def _read(table: Table, names: tuple[str, ...]) -> list[ColumnElement]:
    """The columns as the export reads them: JSON as its text, parsed here by ``json``
    (each set of reasons once an export), and times as the driver gives them (UTC; naive
    on SQLite), which the export's clocks read as UTC, without ``UTCDateTime``'s
    conversion of every value. The leads' query takes 40% less time read so."""
    read = []
    for name in names:
        column = table.c[name]
        if isinstance(column.type, JSON):
            column = cast(column, Text).label(name)
        elif isinstance(column.type, UTCDateTime):
            column = type_coerce(column, DateTime(timezone=True)).label(name)
        read.append(column)
    return read


#: Leads taken from the streamed query at a time; each batch adds two queries (their
#: notes; their appointments). One query before them reads the staff's names.
BATCH = 500


@bp.get("/leads.csv")
@export_allowed
def export_csv() -> Response:
    return _export("csv")


@bp.get("/leads.xlsx")
@export_allowed
def export_xlsx() -> Response:
    return _export("xlsx")


def _export(file_format: str) -> Response:
    form = filters_from_query(LeadFilterForm)
    conditions = search.filter_conditions(form)
    filters = filter_args(form)
    name = export.file_name(filters, file_format)
    columns = export.lead_columns()
    rows = (columns.row(lead) for batch in lead_batches(conditions) for lead in batch)
    count = db.session.scalar(select(func.count()).select_from(Lead).where(*conditions))
    if file_format == "xlsx" and export_jobs.in_background(count):
        return _workbook_job(form, filters, name, count)
    if file_format == "xlsx":
        sheet = export_workbook.sheet_columns()
        typed = (sheet.row(lead) for batch in lead_batches(conditions) for lead in batch)
        file, count = export_workbook.xlsx_file(sheet, typed)
        try:
            length = file.seek(0, 2)
            file.seek(0)
            _audit(file_format, filters, count)
        except BaseException:
            file.close()
            raise
        return export.download(export.file_chunks(file), file_format, name, length)
    _audit(file_format, filters, count)
    return export.download(
        stream_with_context(export.csv_chunks(columns.header, rows)), file_format, name
    )


def _workbook_job(form: LeadFilterForm, filters: dict[str, str], name: str, count: int) -> Response:
    """Too many rows to build the workbook within the request: a job any builder takes, and
    the page that says so (export_job_views). "Assigned to me" is kept as the person's
    id: the builder has no signed-in person. Audited when the file is downloaded."""
    kept = dict(filters)
    if kept.get("assigned") == "me":
        kept["assigned"] = str(current_user.id)
    job = export_jobs.create_job(
        staff_id=current_user.id,
        filters=kept,
        audited_filters=_audited(filters),
        lang=str(get_locale()),
        file_name=name,
        expected_rows=count,
    )
    response = redirect(url_for(".export_job", job_id=job.id), code=303)
    if current_app.config["EXPORT_BUILD_AFTER_RESPONSE"]:
        app = current_app._get_current_object()  # the work runs after this request's context

        def build_in_this_process() -> None:
            with app.app_context():
                build_all(lead_batches)

        return run_after_body(response, build_in_this_process)
    return response


def _audited(filters: dict[str, str]) -> dict[str, str]:
    return {name: SEARCH_NOT_KEPT if name == "q" else value for name, value in filters.items()}


def _audit(file_format: str, filters: dict[str, str], count: int) -> None:
    """The export's audit row, committed before the file's first byte (see above)."""
    record_export(file_format, _audited(filters), count)


def record_export(file_format: str, audited: dict[str, str], count: int) -> None:
    record(
        "export",
        detail=f"{count} leads as {file_format}; filters {audited}",
        data={"rows": count, "format": file_format, "filters": audited},
    )
    db.session.commit()


def lead_batches(conditions: list[ColumnElement[bool]]) -> Iterator[list[ExportedLead]]:
    """The leads matching ``conditions`` in the list's order (``search.ORDER``), ``BATCH``
    at a time, each with what its row shows loaded for the whole batch.

    Read as plain rows, not ORM objects (loading 100,000 mapped leads with their notes
    cost as much as writing their rows): each lead is a named tuple of the lead's
    columns (``_read``: its answers and reasons parsed), ``notes`` (oldest first, each
    with its ``author``), ``appointments`` (soonest first), ``entered_by`` and
    ``assigned_to``, which is all ``export`` reads. The staff are read once for the whole
    export (a clinic has a few dozen), and so is each set of reasons (a rule version
    gives a few dozen)."""
    staff = {
        row.id: SimpleNamespace(name=row.name, email=row.email)
        for row in db.session.execute(select(StaffUser.id, StaffUser.name, StaffUser.email))
    }
    query = select(*_read(Lead.__table__, EXPORTED)).where(*conditions).order_by(*search.ORDER)
    # yield_per: read BATCH rows at a time, never buffered whole (100 MB of Python
    # objects at 20,000 leads on SQLite), from a server-side cursor on PostgreSQL.
    streamed = _rows(query, execution_options={"yield_per": BATCH})
    reasons: dict[str, list] = {}
    notes = _of_batch(LeadNote.__table__, NOTE_COLUMNS, "created_at")
    appointments = _of_batch(Appointment.__table__, APPOINTMENT_COLUMNS, "starts_at")
    try:
        for rows in streamed.partitions(BATCH):
            yield _with_notes_and_appointments(rows, staff, reasons, notes, appointments)
    finally:
        streamed.close()  # also when the download is cut short


def _rows(query: Select, parameters: dict | None = None, **options) -> Result:
    """The query's rows through the session's connection (its transaction), as Core reads
    them: the session's ``execute`` sees the ORM's columns in the conditions and makes
    each row again through the ORM's loading (a tenth of the rows' reading)."""
    return db.session.connection().execute(query, parameters, **options)


def _of_batch(table: Table, names: tuple[str, ...], time: str) -> Select:
    """A batch's notes or appointments, in time order, the batch's leads' ids given as
    ``ids`` each time: one query an export, not one built (and its cache key worked out
    again) for every batch."""
    order = (table.c[time], table.c.id)
    return select(*_read(table, names)).where(_one_of(table.c.lead_id)).order_by(*order)


def _one_of(column) -> ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL as one array, ``= ANY(%s)``: the same plan, without
    writing, sending and parsing 500 parameters for every batch."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", type_=ARRAY(Integer)))
    return column.in_(bindparam("ids", expanding=True))


def _with_notes_and_appointments(
    rows,
    staff: dict[int, SimpleNamespace],
    reasons: dict[str, list],
    notes_query: Select,
    appointments_query: Select,
) -> list[ExportedLead]:
    """One batch of lead rows, each with its answers and reasons parsed (``reasons``: each
    set's text parsed once an export), its notes (and their authors),
    appointments (the queries of ``_of_batch``) and staff. Named tuples made straight from
    each row's values, read by position: a namespace built from a dict per row was a
    fifth of the CSV's time, and reading a row's values by name (``row.id``) or through
    ``_make`` a sixth of the batch's."""
    leads = {}
    loads, person = json.loads, staff.get
    for *values, said, answers in rows:  # EXPORTED ends with the JSON
        parsed = reasons.get(said)
        if parsed is None:
            parsed = reasons[said] = loads(said)
        values += (
            parsed,
            loads(answers),
            [],
            [],
            person(values[_ENTERED]),
            person(values[_ASSIGNED]),
        )
        leads[values[0]] = _new(ExportedLead, values)
    ids = {"ids": list(leads)}
    for row in _rows(notes_query, ids):
        note = _new(ExportedNote, (*row, person(row[_NOTE_AUTHOR])))
        leads[row[_NOTE_LEAD]].notes.append(note)
    for row in _rows(appointments_query, ids):
        leads[row[_APPOINTMENT_LEAD]].appointments.append(_new(ExportedAppointment, row))
    return list(leads.values())
