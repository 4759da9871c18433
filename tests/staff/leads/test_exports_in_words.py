"""Exports people can use: the CSV and the Excel workbook read back, in English and Spanish.

Words instead of codes, the clinic's clock (Kolkata, UTC+5:30 all year, so every
time is exact), the answers, notes, status history, assignee and appointments,
phones as people write them with no apostrophe, a formula in a name made harmless
(an apostrophe in the CSV, a text cell in the workbook), file names that say what
they hold, the export audited once, and the permission to export enforced.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select, update

from core.audit import AuditEvent
from core.clinic_time import clinic_now
from core.extensions import db
from leads.models import Appointment, Lead, LeadNote
from staff.console.answers import readable_answers
from staff.leads.export import safe_cell
from staff.models import StaffUser
from tests.factories import make_lead, make_staff, sign_in

ZONE = "Asia/Kolkata"
RECEIVED = datetime(2026, 11, 30, 4, 35, tzinfo=UTC)  # 10:05 in Kolkata
EVIL = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def exports(app_factory):
    """An admin, Ana at the front desk, and two leads: one worked on, one with a formula name."""
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    make_staff(app, "admin@clinic.test", role="admin", name="Ada Admin")
    ana = make_staff(app, "ana@clinic.test", role="staff", name="Ana")
    worked = make_lead(app, outcome="clinician_review", created_at=RECEIVED)
    evil = make_lead(
        app, name=EVIL, email="evil@example.com", phone="", outcome="book_consultation"
    )
    with app.app_context():
        db.session.execute(
            update(Lead)
            .where(Lead.id == worked)
            .values(
                status="booked",
                consented_at=RECEIVED,
                assigned_to_id=ana,
                follow_up_at=datetime(2026, 12, 1, 3, 30, tzinfo=UTC),  # 09:00 there
                message="-1+1 is not a sum here",
            )
        )
        for minutes, before, after in ((90, "new", "contacted"), (26 * 60, "contacted", "booked")):
            db.session.add(
                LeadNote(
                    lead_id=worked,
                    author_id=ana,
                    kind="status",
                    text=f"{before} → {after}",
                    created_at=datetime.fromtimestamp(RECEIVED.timestamp() + minutes * 60, UTC),
                )
            )
        db.session.add(
            LeadNote(
                lead_id=worked,
                author_id=ana,
                kind="note",
                call_outcome="no_answer",
                text="Tried the mobile twice.",
                created_at=datetime(2026, 11, 30, 5, 0, tzinfo=UTC),
            )
        )
        db.session.add(
            Appointment(
                lead_id=worked,
                starts_at=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),  # 15:00 there
                duration_minutes=45,
                kind="consultation",
                created_by_id=ana,
            )
        )
        db.session.commit()
    admin = app.test_client()
    assert sign_in(admin, "admin@clinic.test").status_code == 302
    return app, admin, worked, evil


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_xlsx(response) -> tuple[list[str], list[dict[str, openpyxl.cell.Cell]]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def questions(app, lang: str) -> list[str]:
    with app.test_request_context(headers={"Accept-Language": lang}):
        return [line.question for line in readable_answers({})]


def question_about(app, lang: str, words: str) -> str:
    return next(q for q in questions(app, lang) if words in q)


def test_the_csv_in_english_has_words_local_times_answers_and_notes(exports):
    app, admin, worked, evil = exports
    rows = read_csv(admin.get("/staff/leads.csv"))
    row = next(r for r in rows if r["Lead number"] == str(worked))
    assert row["Received (Asia/Kolkata)"] == "2026-11-30 10:05"
    assert row["Next follow-up (Asia/Kolkata)"] == "2026-12-01 09:00"
    assert row["Phone"] == "+44 20 7946 0958"  # as written for people, no apostrophe
    assert row["Best time to call"] == "Morning"
    assert row["Source"] == "Website" and row["Entered by"] == ""
    assert row["Outcome"] == "Clinician review" and row["Status"] == "Booked"
    assert row["Reasons"] and "cold_sore" not in row["Reasons"]  # the words, not the key
    assert row["Assigned to"] == "Ana"
    assert row["Status history"] == (
        "Contacted Nov 30, 2026 11:35 AM by Ana; Booked Dec 1, 2026 12:05 PM by Ana"
    )
    assert row["Appointments"] == "Dec 4, 2026 3:00 PM, 45 minutes, Free consultation"
    assert row["Notes"] == "Nov 30, 2026 10:30 AM, Ana: Call: No answer. Tried the mobile twice."
    assert row["Message"] == "'-1+1 is not a sum here"  # a formula start, made text
    # One column per question, headed by the question; the answers in words.
    assert set(questions(app, "en")) <= set(row)
    assert row[question_about(app, "en", "cold sores")] == "Yes"
    assert row[question_about(app, "en", "keloid")] == "No"
    assert row["Consent version"] and row["Consented (Asia/Kolkata)"] == "2026-11-30 10:05"
    codes = {"clinician_review", "not_a_fit", "booked", "staff_intake", "morning", "site"}
    assert not codes & set(row.values())
    harmless = next(r for r in rows if r["Lead number"] == str(evil))
    assert harmless["Name"] == "'" + EVIL and harmless["Phone"] == ""


def test_the_workbook_in_spanish_has_typed_cells_short_headers_and_the_calls(exports):
    _app, admin, worked, evil = exports
    header, rows = read_xlsx(admin.get("/staff/leads.xlsx", headers={"Accept-Language": "es"}))
    assert header[0] == "Número de contacto"
    by_id = {row[header[0]].value: row for row in rows}
    row, harmless = by_id[worked], by_id[evil]  # the lead number is a number
    assert row[header[0]].data_type == "n"

    def cell(name: str) -> openpyxl.cell.Cell:
        return row[name]

    assert cell("Estado").value == "Con cita" and cell("Origen").value == "Sitio web"
    assert cell("Resultado").value == "Revisión por un profesional"
    assert cell("Mejor horario para llamar").value == "Mañana"
    assert cell("Teléfono").value == "+44 20 7946 0958"
    # Times are date-time cells on the clinic's clock, all in one format.
    received = cell("Recibido (Asia/Kolkata)")
    assert received.value == datetime(2026, 11, 30, 10, 5) and received.is_date
    assert received.number_format == "yyyy-mm-dd hh:mm"
    follow_up = cell("Próximo seguimiento (Asia/Kolkata)")
    assert follow_up.value == datetime(2026, 12, 1, 9, 0)
    assert follow_up.number_format == "yyyy-mm-dd hh:mm"
    # The last call, its outcome and the calls made, beside the status.
    assert cell("Última llamada (Asia/Kolkata)").value == datetime(2026, 11, 30, 10, 30)
    assert cell("Resultado de la última llamada").value == "No contestó"
    assert cell("Llamadas hechas").value == 1
    # Times inside sentences are written as the cells are.
    assert cell("Historial de estados").value.startswith("Contactado 2026-11-30 11:35")
    assert cell("Citas").value.startswith("2026-12-04 15:00, 45")
    # Short headers; the age a number; the full question on the second sheet.
    assert cell("Herpes labial").value == "Sí" and cell("Edad").value == 28
    assert cell("Edad").data_type == "n"
    # The formula is kept exactly, typed as text: Excel shows it and never runs it.
    name = harmless["Nombre"]
    assert name.value == EVIL and name.data_type == "s" and name.number_format == "@"
    texts = [c for c in row.values() if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" and c.number_format == "@" for c in texts)


def test_the_workbook_has_a_filter_a_frozen_header_widths_and_the_questions(exports):
    app, admin, _worked, _evil = exports
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/staff/leads.xlsx").data))
    sheet, questions_sheet = book.worksheets
    assert book.sheetnames == ["Leads", "Questions"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    last = openpyxl.utils.get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A1:{last}3"  # the header and both leads
    assert sheet.freeze_panes == "B2"
    assert all(c.font.bold for c in next(sheet.iter_rows(max_row=1)))
    widths = {
        name: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        for i, name in enumerate(header, start=1)
    }
    assert widths["Lead number"] < widths["Name"] < widths["Email"] < widths["Notes"]
    assert widths["Received (Asia/Kolkata)"] >= len("2026-11-30 10:05")
    assert all(8 <= width <= 60 for width in widths.values()), widths
    assert {"Last call (Asia/Kolkata)", "Last call outcome", "Calls made"} <= set(header)
    assert "Next follow-up (Asia/Kolkata)" in header
    # Every question's column has a short header; the second sheet gives it in full.
    full = questions(app, "en")
    mapping = dict(questions_sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(mapping.values()) == sorted(full)
    assert set(mapping) <= set(header) and not set(full) & set(header)
    assert mapping["Cold sores"] == question_about(app, "en", "cold sores")
    assert max(len(short) for short in mapping) <= 30


def test_file_names_say_what_they_hold(exports):
    app, admin, _worked, _evil = exports
    with app.app_context():
        today = clinic_now().date().isoformat()

    def name_of(url: str) -> str:
        disposition = admin.get(url).headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        return disposition.split('filename="', 1)[1].rstrip('"')

    assert name_of("/staff/leads.csv") == f"leads-{today}.csv"
    assert name_of("/staff/leads.xlsx") == f"leads-{today}.xlsx"
    filtered = "/staff/leads.xlsx?outcome=clinician_review&status=booked"
    assert name_of(filtered) == f"leads-{today}-status-booked-outcome-clinician-review.xlsx"
    assert name_of("/staff/leads.csv?q=Zoë") == f"leads-{today}-search-zoe.csv"


def test_a_filtered_export_holds_the_lists_leads_and_is_audited_once(exports):
    app, admin, worked, _evil = exports
    rows = read_csv(admin.get("/staff/leads.csv?status=booked&q=Zo%C3%AB"))
    assert [row["Lead number"] for row in rows] == [str(worked)]
    _header, sheet_rows = read_xlsx(admin.get("/staff/leads.xlsx?outcome=book_consultation"))
    assert len(sheet_rows) == 1
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
        ).all()
        assert [event.data for event in events] == [
            {"rows": 1, "format": "csv", "filters": {"q": "…", "status": "booked"}},
            {"rows": 1, "format": "xlsx", "filters": {"outcome": "book_consultation"}},
        ]
        assert all("Zo" not in event.detail for event in events)  # never a search's words


def test_exporting_needs_the_permission_to_export(exports):
    app, _admin, _worked, _evil = exports
    desk = app.test_client()
    sign_in(desk, "ana@clinic.test")
    listing = desk.get("/staff/leads").get_data(as_text=True)
    assert "/staff/leads.xlsx" not in listing and "/staff/leads.csv" not in listing
    for url in ("/staff/leads.csv", "/staff/leads.xlsx"):
        refused = desk.get(url)
        assert refused.status_code == 403 and b"zoe@example.com" not in refused.data
    with app.app_context():
        ana = db.session.scalar(select(StaffUser).where(StaffUser.email == "ana@clinic.test"))
        ana.can_export = True
        db.session.commit()
    listing = desk.get("/staff/leads").get_data(as_text=True)
    assert 'href="/staff/leads.xlsx"' in listing and 'href="/staff/leads.csv"' in listing
    assert desk.get("/staff/leads.xlsx").status_code == 200


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_the_csv(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


def test_a_phone_written_for_people_is_left_as_it_is():
    assert safe_cell("+44 20 7946 0958") == "+44 20 7946 0958"
    assert safe_cell("+442079460958") == "+442079460958"
    assert safe_cell("+44 20 7946 0958+A1") == "'+44 20 7946 0958+A1"
    assert safe_cell("-44 20") == "'-44 20"
    assert safe_cell("Zoë 1+1") == "Zoë 1+1"


def test_the_csv_in_spanish_and_the_workbook_in_english_too(exports):
    app, admin, worked, _evil = exports
    spanish = read_csv(admin.get("/staff/leads.csv", headers={"Accept-Language": "es"}))
    row = next(r for r in spanish if r["Número de contacto"] == str(worked))
    assert {"Con cita", "Revisión por un profesional", "Sitio web", "Mañana"} <= set(row.values())
    assert row[question_about(app, "es", "herpes")] == "Sí"
    _header, rows = read_xlsx(admin.get("/staff/leads.xlsx"))
    english = next(r for r in rows if r["Lead number"].value == worked)
    assert english["Status"].value == "Booked" and english["Phone"].value == "+44 20 7946 0958"
    notes = "2026-11-30 10:30, Ana: Call: No answer. Tried the mobile twice."
    assert english["Notes"].value == notes  # times in sentences as in the date-time cells
