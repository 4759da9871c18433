"""The merge page's choices and the duplicate flags (issue 28): each differing detail chosen
on the page (an answer missing re-renders with the others kept, nothing written), the
duplicate's message carried into the kept lead's history; "possible duplicate" in the list
from two indexed queries per page; phone intake warns, with links, before storing a lead
whose email or phone another lead has. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event, func, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.duplicates import with_duplicates
from leads.models import Lead, LeadNote
from staff.models import AuditEvent
from tests.factories import csrf_token, make_lead, staff_client
from tests.staff.leads.test_phone_intake_for_staff import CALLER, _all_answers, _intake_page
from tests.statements import recorded_statements
from tests.support import HEALTHY

OLD, NEW = "+442079460958", "+442079460001"


def _pair(app) -> tuple[int, int]:
    kept = make_lead(
        app, name="Zoë Example", email="zoe@example.com", phone=OLD, message="",
        direct=True, created_at=utcnow() - timedelta(days=20),
    )  # fmt: skip
    duplicate = make_lead(
        app, name="Zoe Example", email="zoe@example.com", phone=NEW,
        message="My new number is the one to call.", direct=True,
    )  # fmt: skip
    return kept, duplicate


def _checked(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="([^"]+)" value="([^"]+)" checked', html))


def test_the_merge_page_asks_each_differing_detail_and_keeps_choices_on_an_error(db_app):
    desk = staff_client(db_app, "desk@clinic.test", "staff", name="Dana Desk")
    kept, duplicate = _pair(db_app)
    url = f"/staff/leads/{kept}/merge/{duplicate}"
    page = desk.get(url).get_data(as_text=True)
    # Both values shown, the newer lead's chosen; the same email is not asked.
    assert _checked(page) == {"name": "duplicate", "phone": "duplicate"}
    assert "+44 20 7946 0958" in page and "+44 20 7946 0001" in page
    assert 'name="email"' not in page
    with db_app.app_context():
        notes_before = db.session.scalar(select(func.count()).select_from(LeadNote))
    token = csrf_token(page)
    missing = desk.post(url, data={"csrf_token": token, "name": "kept"})  # no phone chosen
    assert missing.status_code == 422
    again = missing.get_data(as_text=True)
    assert 'href="#choose-phone-kept">Choose which phone number to keep.</a>' in again
    assert _checked(again) == {"name": "kept"}  # the choice made is kept
    bad = desk.post(url, data={"csrf_token": token, "name": "kept", "phone": "both"})
    assert bad.status_code == 422
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LeadNote)) == notes_before
        assert db.session.get(Lead, duplicate).merged_into_id is None

    done = desk.post(url, data={"csrf_token": token, "name": "kept", "phone": "duplicate"})
    assert done.status_code == 303
    with db_app.app_context():
        lead = db.session.get(Lead, kept)
        assert (lead.name, lead.phone) == ("Zoë Example", NEW)
        assert lead.message == "My new number is the one to call."  # it had none
        merge_note = next(n for n in lead.notes if n.kind == "merge")
        assert "Its message: My new number is the one to call." in merge_note.text
        contact = next(n for n in lead.notes if n.kind == "contact")
        assert contact.text.splitlines() == [
            f"Name (lead #{duplicate}): Zoe Example → Zoë Example",
            f"Phone (lead #{kept}): +44 20 7946 0958 → +44 20 7946 0001",
        ]
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).one()
        assert audit.data["chosen"] == {"name": "kept", "phone": "duplicate"}
    shown = desk.get(f"/staff/leads/{kept}").get_data(as_text=True)
    assert "+44 20 7946 0958" in shown  # the old number, in the history


def test_possible_duplicates_are_flagged_in_the_list_from_two_bounded_queries(db_app):
    desk = staff_client(db_app, "desk@clinic.test", "staff", name="Dana Desk")
    kept, duplicate = _pair(db_app)
    alone = make_lead(db_app, name="Al One", email="al@example.com", phone="", direct=True)
    same_phone = make_lead(db_app, name="Bea", email="", phone="+34600000001", direct=True)
    other_phone = make_lead(db_app, name="Bea B", email="bea@example.com",
                            phone="+34600000001", direct=True)  # fmt: skip
    page = desk.get("/staff/leads").get_data(as_text=True)
    rows = {int(m[1]): m[0] for m in re.findall(r"(<tr.*?#(\d+)</span>.*?</tr>)", page, re.S)}
    flagged = {lead_id for lead_id, row in rows.items() if "Possible duplicate" in row}
    assert flagged == {kept, duplicate, same_phone, other_phone} and alone in rows
    with db_app.app_context():
        leads = db.session.scalars(select(Lead)).all()
        with recorded_statements(db_app) as statements:
            assert with_duplicates(leads) == flagged
        # Two queries, each for the page's own values (never the whole table).
        assert len(statements) == 2
        assert all(" IN (" in s and "GROUP BY" in s for s in statements), statements
        if db.engine.dialect.name == "postgresql":  # the indexes serve them, at any size
            sent: list[tuple[str, object]] = []

            def keep(_conn, _cursor, statement, parameters, *_args):
                sent.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", keep)
            try:
                with_duplicates(leads)
            finally:
                event.remove(db.engine, "before_cursor_execute", keep)
            connection = db.session.connection()
            _grow(connection, alone, 20_000)  # the planner's choice at a clinic group's size
            for (statement, parameters), index in zip(
                sent, ("ix_leads_email_normalised", "ix_leads_phone"), strict=True
            ):
                plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
                shown = "\n".join(plan)
                assert index in shown, shown
            db.session.rollback()
        # Once merged, neither lead of the pair is flagged by this pair any more.
        db.session.get(Lead, duplicate).merged_into_id = kept
        db.session.flush()
        assert with_duplicates(db.session.scalars(select(Lead)).all()) == {
            same_phone,
            other_phone,
        }
        db.session.rollback()


def _grow(connection, like: int, count: int) -> None:
    """``count`` more leads (copies of lead ``like`` with their own email and phone), analysed."""
    copied = [
        c.name
        for c in Lead.__table__.columns
        if c.name not in ("id", "flow_id", "booking_reference", "email", "phone")
    ]
    columns = ", ".join(copied)
    connection.exec_driver_sql(
        f"INSERT INTO leads ({columns}, flow_id, booking_reference, email, phone) "
        f"SELECT {columns}, 'grow-' || n, 'grow' || n, 'p' || n || '@example.com', "
        f"'+3461' || lpad(n::text, 7, '0') FROM leads, generate_series(1, {count}) AS n "
        f"WHERE leads.id = {like}"
    )
    connection.exec_driver_sql("ANALYZE leads")


def test_phone_intake_warns_with_links_before_storing_a_known_callers_lead(db_app):
    desk = staff_client(db_app, "desk@clinic.test", "staff", name="Dana Desk")
    known = make_lead(db_app, name="Carla", email="", phone="+442079460000", direct=True)
    _html, hidden = _intake_page(desk)
    data = {**hidden, **CALLER, **_all_answers(HEALTHY)}
    with db_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Lead))
    warned = desk.post("/staff/intake", data=data)
    assert warned.status_code == 409
    page = warned.get_data(as_text=True)
    assert "This caller may already have a lead" in page
    assert f'href="/staff/leads/{known}" target="_blank" rel="noopener">Lead #{known}' in page
    assert "same phone" in page and "Create the lead anyway" in page
    assert 'value="Carla Caller"' in page  # every answer kept
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == before
    acknowledged = re.search(r'name="known_leads" value="([^"]*)"', page).group(1)
    assert acknowledged == str(known)
    stored = desk.post("/staff/intake", data={**data, "known_leads": acknowledged})
    assert stored.status_code == 303
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == before + 1
