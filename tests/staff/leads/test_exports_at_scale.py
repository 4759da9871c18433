"""Exports at a busy clinic's size: streamed in batches, the same bytes as before, a
bounded number of queries however many leads there are.

The small export's CSV is pinned byte for byte (taken from the whole-in-memory export
this one replaced), so the streaming changed nothing a clinic's import reads.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from flask_babel import gettext
from sqlalchemy import insert, select, update

from app import create_app
from core.audit import AuditEvent
from core.clinic_time import in_clinic_time
from core.extensions import db
from leads.consent import CONSENT_VERSION
from leads.models import Appointment, Lead, LeadNote
from staff.console.answers import readable_answers
from staff.leads import export, export_views, search
from tests.factories import make_lead, staff_client
from tests.statements import recorded_statements
from tests.support import BY_OUTCOME

ZONE = "Asia/Kolkata"
START = datetime(2026, 11, 30, 4, 35, tzinfo=UTC)  # 10:05 in Kolkata


def small_set(app) -> list[int]:
    """Three leads at fixed times: one worked on (status history, a call, an appointment,
    an assignee), one with a formula for a name, one in Spanish from a clinic's page."""
    desk = staff_client(app, "ana@clinic.test", role="admin", name="Ana", may_export=True)
    worked = make_lead(
        app,
        direct=True,
        outcome="clinician_review",
        created_at=START,
        consented_at=START,
        status="booked",
        assigned_to_id=desk.staff_id,
        message="-1+1 is not a sum here",
        follow_up_at=datetime(2026, 12, 1, 3, 30, tzinfo=UTC),
    )
    evil = make_lead(
        app,
        direct=True,
        name='=HYPERLINK("http://evil","Click")',
        phone="",
        created_at=START + timedelta(minutes=1),
        consented_at=START,
    )
    spanish = make_lead(
        app,
        direct=True,
        lang="es",
        source="embed",
        embed_origin="https://clinic.example",
        outcome="not_suitable_now",
        created_at=START + timedelta(minutes=2),
        consented_at=START,
        entered_by_id=desk.staff_id,
    )
    with app.app_context():
        for minutes, before, after in ((90, "new", "contacted"), (26 * 60, "contacted", "booked")):
            db.session.add(
                LeadNote(
                    lead_id=worked,
                    author_id=desk.staff_id,
                    kind="status",
                    text=f"{before} → {after}",
                    created_at=START + timedelta(minutes=minutes),
                )
            )
        db.session.add(
            LeadNote(
                lead_id=worked,
                author_id=desk.staff_id,
                kind="note",
                call_outcome="no_answer",
                text="Tried the mobile twice.",
                created_at=datetime(2026, 11, 30, 5, 0, tzinfo=UTC),
            )
        )
        db.session.add(
            Appointment(
                lead_id=worked,
                starts_at=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
                duration_minutes=45,
                kind="consultation",
                created_by_id=desk.staff_id,
            )
        )
        db.session.commit()
    return [desk, worked, evil, spanish]


def test_a_small_csv_export_is_byte_for_byte_what_it_was(app_factory):
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    desk, worked, evil, spanish = small_set(app)
    body = desk.get("/staff/leads.csv").data
    expected = PINNED.format(worked=worked, evil=evil, spanish=spanish).encode("utf-8")
    assert body == expected


def store_leads(app, count: int, same_time: int = 1) -> None:
    """``count`` leads written straight into the table (as ``make_lead(direct=True)`` writes
    one), newest last; every ``same_time`` of them share one created_at, so batches end in
    the middle of a tie (the list's order then goes by id)."""
    rows = []
    for index in range(count):
        created = START + timedelta(minutes=index // same_time)
        answers = dict(BY_OUTCOME["book_consultation"], age=18 + index % 50)
        rows.append(
            {
                "flow_id": f"test-{uuid.uuid4()}", "name": f"Person {index}",
                "email": f"person{index}@example.com", "phone": "+442079460958",
                "contact_time": "morning", "message": "=1+1" if index % 7 == 0 else "",
                "lang": "en", "source": "site", "consent_version": CONSENT_VERSION,
                "consented_at": created, "created_at": created, "updated_at": created,
                "answers": answers, "outcome": "book_consultation", "reasons": [],
                "rulebase_version": "test", "rulebase_sha256": "0" * 64,
            }
        )  # fmt: skip
    with app.app_context():
        db.session.execute(insert(Lead), rows)
        db.session.commit()


def whole_in_memory_csv(app, client) -> bytes:
    """The CSV as the export wrote it before it streamed: every lead loaded in one query,
    then every row written (the same cells and writer)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        leads = db.session.scalars(select(Lead).order_by(*search.ORDER)).all()
        columns = export.lead_columns()
        return b"".join(export.csv_chunks(columns.header, [columns.row(lead) for lead in leads]))


def test_a_csv_of_thousands_of_leads_has_every_row_once_in_the_lists_order(
    app_factory, monkeypatch
):
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    admin = staff_client(app, "admin@clinic.test", role="admin")
    store_leads(app, 3000, same_time=7)
    monkeypatch.setattr(export_views, "BATCH", 500)  # 500 is no multiple of 7: ties are cut
    body = admin.get("/staff/leads.csv").data
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    with app.app_context():
        in_order = db.session.scalars(select(Lead.id).order_by(*search.ORDER)).all()
    assert [int(row["Lead number"]) for row in rows] == in_order
    assert len(in_order) == 3000
    assert body == whole_in_memory_csv(app, admin)
    with app.app_context():
        (audited,) = db.session.scalars(
            select(AuditEvent.data).where(AuditEvent.action == "export")
        ).all()
    assert audited == {"rows": 3000, "format": "csv", "filters": {}}


def test_small_batches_cut_through_ties_and_filters_change_nothing(app_factory, monkeypatch):
    app = app_factory()
    admin = staff_client(app, "admin@clinic.test", role="admin")
    store_leads(app, 60, same_time=4)
    with app.app_context():
        db.session.execute(update(Lead).where(Lead.id % 3 == 0).values(status="contacted"))
        db.session.commit()
        contacted = db.session.scalars(
            select(Lead.id).where(Lead.status == "contacted").order_by(*search.ORDER)
        ).all()
    monkeypatch.setattr(export_views, "BATCH", 3)
    rows = list(csv.DictReader(io.StringIO(admin.get("/staff/leads.csv?status=contacted").text)))
    assert [int(row["\ufeffLead number"]) for row in rows] == contacted
    _header, *sheet = openpyxl.load_workbook(
        io.BytesIO(admin.get("/staff/leads.xlsx?status=contacted").data)
    ).active.iter_rows(values_only=True)
    assert [int(row[0]) for row in sheet] == contacted


def test_the_queries_of_an_export_do_not_grow_with_its_leads(app_factory, monkeypatch):
    """One streamed query for the leads, then two statements for every 500 of them (their
    notes, their appointments), never one a lead."""
    app = app_factory()
    admin = staff_client(app, "admin@clinic.test", role="admin")
    monkeypatch.setattr(export_views, "BATCH", 500)
    made = []
    for leads in (200, 1800):
        store_leads(app, leads)
        with app.app_context():
            some = db.session.scalars(select(Lead.id).limit(50)).all()
            for lead_id in some:  # notes by a member of staff, and appointments
                db.session.add(LeadNote(lead_id=lead_id, author_id=admin.staff_id, text="Called."))
                db.session.add(
                    Appointment(
                        lead_id=lead_id, starts_at=START + timedelta(days=2),
                        kind="consultation", created_by_id=admin.staff_id,
                    )
                )  # fmt: skip
            db.session.commit()
        counts = {}
        for file_format in ("csv", "xlsx"):
            with recorded_statements(app) as statements:
                assert admin.get(f"/staff/leads.{file_format}").status_code == 200
            counts[file_format] = len(statements)
        made.append(counts)
    small, large = made  # 200 leads (one batch), then 2,000 (four full batches and an empty one)
    for file_format in ("csv", "xlsx"):
        assert large[file_format] - small[file_format] <= 2 * 3, (small, large)
    assert large["csv"] < 40, large


def test_the_answers_are_in_the_same_words_as_on_the_lead_page():
    """``export.answer_words`` looks the words up once an export; ``readable_answers``
    (the lead page) once a lead: both write every answer the same, in every language."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "AUTO_MIGRATE": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})  # fmt: skip
    rng = random.Random(3)
    answer_sets = [dict(answers) for answers in BY_OUTCOME.values()] + [{}]
    for _ in range(200):
        answers = dict(rng.choice(list(BY_OUTCOME.values())))
        for name in rng.sample(sorted(answers), 4):
            value = answers[name]
            answers[name] = (
                rng.choice([True, False, None]) if isinstance(value, bool)
                else rng.choice([value, None, "unknown-code", ["rolling", "icepick"]])
            )  # fmt: skip
        answer_sets.append(answers)
    for lang in ("en", "es"):
        with app.test_request_context(headers={"Accept-Language": lang}):
            cells = export.answer_words()
            for answers in answer_sets:
                expected = [
                    line.answer if line.asked else gettext("(not asked)")
                    for line in readable_answers(answers)
                ]
                assert cells(answers) == expected, answers


@pytest.mark.parametrize("zone", ["Europe/London", "America/Toronto", "Asia/Kolkata"])
def test_the_clinic_clock_writes_each_time_as_strftime_does(zone):
    """``export.clinic_clock_writer`` formats each day and each minute once: every 7
    minutes of a year (clock changes included), aware and naive (stored UTC) times, the
    same time twice in a row (kept as the last one written), the same words as the
    clinic's clock formatted whole."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x" * 40, "AUTO_MIGRATE": False,
         "SQLALCHEMY_DATABASE_URI": "sqlite://", "CLINIC_TIME_ZONE": zone}
    )  # fmt: skip
    start = datetime(2026, 1, 1, 0, 3, 41, tzinfo=UTC)
    moments = [start + timedelta(minutes=7 * n) for n in range(366 * 24 * 60 // 7)]
    moments += [moment.replace(tzinfo=None) for moment in moments[::97]]
    moments += [twice for moment in moments[::89] for twice in (moment, moment)]
    with app.test_request_context():
        written = export.clinic_clock_writer()
        assert [written(m) for m in moments] == [
            in_clinic_time(m).strftime("%Y-%m-%d %H:%M") for m in moments
        ]
        assert written(None) == ""


PINNED = (  # the whole-in-memory export's CSV of small_set (lead numbers filled in)
    "\ufeffLead number,Received (Asia/Kolkata),Name,Email,Phone,Best time to call,"
    "Message,Language,Source,Entered by,Outcome,Reasons,Status,Status history"
    ",Assigned to,Next follow-up (Asia/Kolkata),Appointments,Which of these l"
    "ook like your scars?,How visible are your scars?,Do you have acne breako"
    'uts at the moment?,"Do you have eczema, psoriasis or rosacea where your '
    'scars are?","Right now, is there an infection where your scars are?",Is '
    "the skin sunburnt or freshly tanned right now?,Have you had a procedure "
    'on the area in the last 4 weeks?,"Have you had skin cancer in the area, '
    'or is a mole or spot there being checked?",Have you had radiotherapy to '
    "the area in the last 12 months?,Have you ever taken isotretinoin tablets"
    ' for acne?,"Are you pregnant, trying to get pregnant, or breastfeeding?"'
    ',"Do you have a bleeding disorder, or take blood thinners?",Do you have '
    'diabetes?,Is your immune system weakened by an illness or a medicine?,"D'
    'o you have scleroderma, lupus or another connective-tissue disease?",Do '
    "you get cold sores?,Have you ever had a keloid?,Are you allergic to nick"
    "el or other metals?,Have you reacted badly to numbing cream or a local a"
    "naesthetic?,Which best describes your skin in the sun?,How old are you?,"
    "Notes,Consent version,Consented (Asia/Kolkata)\r\n"
    "{spanish},2026-11-30 10:07,Zoë Example,zoe@example.com,+44 20 7946 0958,"
    "Morning,Evenings are hard for me.,Español,Embedded on a site (https://cl"
    'inic.example),Ana,Not suitable now,,New,,,,,"Rolling, Boxcar",Moderate,N'
    'o breakouts,No,No,No,No,No,No,Never,Yes,No,No,No,No,No,No,No,No,"Usually'
    ' burns, tans with difficulty",28,,2025-01,2026-11-30 10:05\r\n'
    '{evil},2026-11-30 10:06,"\'=HYPERLINK(""http://evil"",""Click"")",zoe@exa'
    "mple.com,,Morning,Evenings are hard for me.,English,Website,,Book consul"
    'tation,,New,,,,,"Rolling, Boxcar",Moderate,No breakouts,No,No,No,No,No,N'
    'o,Never,No,No,No,No,No,No,No,No,No,"Usually burns, tans with difficulty"'
    ",28,,2025-01,2026-11-30 10:05\r\n"
    "{worked},2026-11-30 10:05,Zoë Example,zoe@example.com,+44 20 7946 0958,M"
    "orning,'-1+1 is not a sum here,English,Website,,Clinician review,,Booked"
    ',"Contacted Nov 30, 2026 11:35 AM by Ana; Booked Dec 1, 2026 12:05 PM by'
    ' Ana",Ana,2026-12-01 09:00,"Dec 4, 2026 3:00 PM, 45 minutes, Free consul'
    'tation","Rolling, Boxcar",Moderate,No breakouts,No,No,No,No,No,No,Never,'
    'No,No,No,No,No,Yes,No,No,No,"Usually burns, tans with difficulty",28,"No'
    'v 30, 2026 10:30 AM, Ana: Call: No answer. Tried the mobile twice.",2025'
    "-01,2026-11-30 10:05\r\n"
)
