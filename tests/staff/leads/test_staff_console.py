"""The console as staff use it: find a lead, read why the rules decided, work it, export it."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import rules
from core import counters
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead, LeadNote
from questionnaire.catalogue import STEPS
from staff.leads.export import safe_cell
from staff.models import AuditEvent, StaffUser
from tests.console_support import CONTACT, submit_contact
from tests.factories import csrf_token, make_staff, post_form, sign_in, staff_client
from tests.support import BY_OUTCOME, HEALTHY, Walker, form_fields


@pytest.fixture
def console(db_app):
    """A signed-in staff member's client, and a lead for each outcome."""
    public = db_app.test_client()
    for outcome in BY_OUTCOME:
        submit_contact(public, Walker(public), outcome, name=f"Person {outcome}")
    client = staff_client(db_app, "admin@clinic.test", role="admin", name="Ada Admin")
    return client


def lead_id(app, outcome: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Lead.id).where(Lead.outcome == outcome))


def audit_actions(app) -> list[tuple[str, int | None]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(select(AuditEvent.action, AuditEvent.lead_id))]


def test_the_list_shows_leads_newest_first_with_filters(db_app, console):
    page = console.get("/staff/leads").get_data(as_text=True)
    names = [f"Person {o}" for o in BY_OUTCOME]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions, reverse=True)  # the last one in is first
    filtered = console.get("/staff/leads?outcome=see_dermatologist").get_data(as_text=True)
    assert "Person see_dermatologist" in filtered and "Person book_consultation" not in filtered
    assert "Person clinician_review" in console.get("/staff/leads?status=new").get_data(True)
    assert "No leads match" in console.get("/staff/leads?status=booked").get_data(True)


def test_a_new_clinics_empty_list_says_where_leads_come_from(db_app):
    client = staff_client(db_app, "first@clinic.test", role="admin")
    page = client.get("/staff/leads").get_data(as_text=True)
    assert "No leads yet" in page and 'href="/staff/intake"' in page
    assert "No leads match" not in page
    filtered = client.get("/staff/leads?status=booked").get_data(as_text=True)
    assert "No leads match" in filtered and "No leads yet" not in filtered


def test_a_page_past_the_end_of_a_list_goes_to_its_first_page(db_app, console):
    """An old link whose key is past every lead (the list shrank) showed no rows."""
    db_app.config["LEADS_PER_PAGE"] = 3
    response = console.get("/staff/leads?after=1.1&status=new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/leads?status=new"
    audit = console.get("/staff/admin/audit?page=999")
    assert audit.status_code == 302 and "page=999" not in audit.headers["Location"]


@pytest.mark.parametrize(
    ("query", "found"),
    [("person not_suitable", True), ("ZOE@EXAMPLE", True), ("7946 0958", True), ("nobody", False)],
)
def test_search_by_name_email_or_phone(db_app, console, query, found):
    page = console.get("/staff/leads", query_string={"q": query}).get_data(as_text=True)
    assert ("Person not_suitable_now" in page) is found


def test_date_range_filter(db_app, console):
    with db_app.app_context():
        old = lead_id(db_app, "book_consultation")
        db.session.execute(
            update(Lead).where(Lead.id == old).values(created_at=utcnow() - timedelta(days=40))
        )
        db.session.commit()
    since = (utcnow() - timedelta(days=7)).date().isoformat()
    page = console.get(f"/staff/leads?date_from={since}").get_data(as_text=True)
    assert "Person book_consultation" not in page and "Person clinician_review" in page
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    page = console.get(f"/staff/leads?date_to={until}").get_data(as_text=True)
    assert "Person book_consultation" in page and "Person clinician_review" not in page


def test_the_list_is_paginated(app_factory):
    app = app_factory(LEADS_PER_PAGE=3)
    public = app.test_client()
    for outcome in BY_OUTCOME:
        submit_contact(public, Walker(public), outcome, name=f"Person {outcome}")
    make_staff(app)
    client = app.test_client()
    sign_in(client)
    first = client.get("/staff/leads").get_data(as_text=True)
    assert 'rel="next">Older</a>' in first and "Person book_consultation" not in first
    older = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert "Person book_consultation" in second and 'rel="prev">Newer</a>' in second


def test_detail_shows_answers_every_reason_with_rule_ids_and_rulebase(db_app, console):
    the_id = lead_id(db_app, "clinician_review")
    page = console.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    decision = rules.evaluate(BY_OUTCOME["clinician_review"])
    for reason in decision.reasons:
        assert reason.rule in page and reason.key in page
    assert decision.rulebase.version in page and decision.rulebase.sha256 in page
    assert "Do you get cold sores?" in page or "cold sores" in page
    assert "zoe@example.com" in page and "+442079460958" in page
    assert ("view", the_id) in audit_actions(db_app)


def test_status_changes_and_notes_are_timestamped_by_staff_member(db_app, console):
    the_id = lead_id(db_app, "book_consultation")
    url = f"/staff/leads/{the_id}"
    response = post_form(console, url, f"{url}/status", {"status": "contacted"})
    assert response.status_code == 303
    response = post_form(console, url, f"{url}/notes", {"text": "Called, booked for Tue."})
    assert response.status_code == 303
    page = console.get(url).get_data(as_text=True)
    assert "Called, booked for Tue." in page and "Ada Admin" in page
    assert 'class="current" aria-current="step">Contacted' in page
    with db_app.app_context():
        assert db.session.get(Lead, the_id).status == "contacted"
        notes = db.session.scalars(select(LeadNote).order_by(LeadNote.id)).all()
        assert [(n.kind, n.author.email) for n in notes] == [
            ("status", "admin@clinic.test"),
            ("note", "admin@clinic.test"),
        ]
        assert all(n.created_at is not None for n in notes)
    actions = audit_actions(db_app)
    assert ("update", the_id) in actions and ("note", the_id) in actions


def test_an_empty_note_or_unknown_status_is_refused(db_app, console):
    the_id = lead_id(db_app, "book_consultation")
    url = f"/staff/leads/{the_id}"
    assert post_form(console, url, f"{url}/notes", {"text": ""}).status_code == 422
    assert post_form(console, url, f"{url}/status", {"status": "won"}).status_code == 422
    assert console.get("/staff/leads/999999").status_code == 404


def test_csv_export_opens_in_excel_and_neutralises_formulas(db_app, console):
    public = db_app.test_client()
    submit_contact(
        public, Walker(public), name='=HYPERLINK("http://evil")', message="@SUM(A1)\nline 2"
    )
    response = console.get("/staff/leads.csv?outcome=book_consultation")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {row["Outcome"] for row in rows} == {"Book consultation"}  # in words (#16)
    evil = next(row for row in rows if "HYPERLINK" in row["Name"])
    assert evil["Name"].startswith("'=") and evil["Message"].startswith("'@")
    assert evil["Phone"] == "+44 20 7946 0958"  # as people write it: nothing to run, no apostrophe
    assert ("export", None) in audit_actions(db_app)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Zoë 1+1") == "Zoë 1+1"


def test_dashboard_draws_anonymous_counts_as_svg(db_app, console):
    page = console.get("/staff/dashboard").get_data(as_text=True)
    assert (
        page.count("<svg") >= 4
        and "<script" not in page
        and "http://" not in page.split("<svg", 1)[1].replace("http://www.w3.org/2000/svg", "")
    )
    assert "Asked to be contacted" in page
    with db_app.app_context():
        today = utcnow().date()
        totals = counters.totals(today, today)
    assert (
        totals[("completed", "clinician_review")] == 1
        and totals[("lead", "see_dermatologist")] == 1
    )


def test_phone_intake_uses_the_same_rules_and_marks_the_staff_member(db_app, console):
    page = console.get("/staff/intake")
    html = page.get_data(as_text=True)
    assert "Which of these look like your scars?" in html
    data = {"csrf_token": csrf_token(html), "s": _hidden(html, "s")}
    answers = BY_OUTCOME["see_dermatologist"]
    for step in STEPS:
        data.update(form_fields(answers, step.id))
    # A phone number no stored lead has: a known one is warned about first (a duplicate).
    data.update({**CONTACT, "name": "Caller Person", "email": "", "phone": "+44 20 7946 0123"})
    response = console.post("/staff/intake", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    again = console.post("/staff/intake", data=data)  # a double submit: still one lead
    assert again.headers["Location"] == response.headers["Location"]
    with db_app.app_context():
        lead = db.session.scalars(select(Lead).where(Lead.name == "Caller Person")).one()
        assert lead.outcome == rules.evaluate(answers).outcome == "see_dermatologist"
        assert lead.source == "staff_intake"
        assert lead.entered_by.email == "admin@clinic.test"
    assert ("intake", lead.id) in audit_actions(db_app)
    detail = console.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Lead #{lead.id} created from the call, assigned to you" in detail
    assert '<p class="small reason-ids">See dermatologist · Rule' in detail  # in words
    assert "<td>see_dermatologist</td>" not in detail


def test_phone_intake_names_every_missing_answer(db_app, console):
    html = console.get("/staff/intake").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "s": _hidden(html, "s")}
    data.update(form_fields({**HEALTHY, "age": 7}, "scars"))
    response = console.post("/staff/intake", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at least one scar type" not in page  # that one was answered
    assert "Ask for the caller’s name." in page and 'id="error-summary"' in page
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 4


def _hidden(html: str, name: str) -> str:
    import re

    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_admin_adds_disables_and_removes_staff(db_app, console):
    response = post_form(
        console,
        "/staff/admin/staff",
        "/staff/admin/staff",
        {"email": "new@example.com", "name": "New", "role": "staff", "password": "a long password"},
    )
    assert response.status_code == 303, re.findall(
        r"error-message[^<]*<span[^>]*>[^<]*</span>([^<]*)", response.get_data(as_text=True)
    )
    new = db_app.test_client()
    assert sign_in(new, "new@example.com", "a long password").status_code == 302
    with db_app.app_context():
        new_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == "new@example.com"))
    post_form(console, "/staff/admin/staff", f"/staff/admin/staff/{new_id}/disable", {})
    assert new.get("/staff/leads").status_code == 302  # their session ended
    assert sign_in(new, "new@example.com", "a long password").status_code == 401
    # "Remove" only asks; the account goes when the question is answered.
    listing = console.get("/staff/admin/staff").get_data(as_text=True)
    ask = f"/staff/admin/staff/{new_id}/remove"
    assert f'href="{ask}"' in listing and f'action="{ask}"' not in listing
    question = console.get(ask).get_data(as_text=True)
    assert "Remove new@example.com?" in question and 'href="/staff/admin/staff"' in question
    with db_app.app_context():
        assert db.session.get(StaffUser, new_id) is not None
    assert re.search(rf'<form method="post" action="{ask}"', question)
    post_form(console, ask, ask, {})
    with db_app.app_context():
        assert db.session.get(StaffUser, new_id) is None
    audit = console.get("/staff/admin/audit").get_data(as_text=True)
    assert "Removed new@example.com" in audit and "admin@clinic.test" in audit


def test_admin_deletes_one_persons_data_on_request(db_app, console):
    the_id = lead_id(db_app, "clinician_review")
    url = f"/staff/leads/{the_id}"
    post_form(console, url, f"{url}/notes", {"text": "asked for deletion"})
    # The lead's page only links to a question; nothing is deleted until it is answered.
    detail = console.get(url).get_data(as_text=True)
    assert f'href="{url}/delete"' in detail and f'action="{url}/delete"' not in detail
    question = console.get(f"{url}/delete").get_data(as_text=True)
    assert f"Delete lead #{the_id} for good?" in question and f'href="{url}"' in question
    with db_app.app_context():
        assert db.session.get(Lead, the_id) is not None
    response = post_form(console, f"{url}/delete", f"{url}/delete", {})
    assert response.status_code == 303
    with db_app.app_context():
        assert db.session.get(Lead, the_id) is None
        assert db.session.scalar(select(func.count()).select_from(LeadNote)) == 0
        today = utcnow().date()
        assert counters.totals(today, today)[("lead", "clinician_review")] == 1  # counts stay
    assert ("delete", the_id) in audit_actions(db_app)


def test_staff_cannot_delete_leads(db_app, console):
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    the_id = lead_id(db_app, "clinician_review")
    url = f"/staff/leads/{the_id}"
    assert post_form(client, url, f"{url}/delete", {}).status_code == 403
    assert client.get(f"{url}/delete").status_code == 403  # nor see the question
