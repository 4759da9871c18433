"""Exports at a busy clinic's size: streamed in batches, the same bytes as before, a
bounded number of queries however many leads there are.

The small export's CSV is pinned byte for byte (taken from the whole-in-memory export
this one replaced), so the streaming changed nothing a clinic's import reads.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.extensions import db
from leads.models import Appointment, LeadNote
from tests.factories import make_lead, staff_client

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
