"""The lead page as a coordinator works it: what to act on first, assignment and follow-up,
one audit row per status change, the answers that raised a reason, the consent in the
person's own words, a merged lead's banner, and the list's filters kept throughout."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

import rules
from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from staff.models import StaffUser
from tests.factories import make_lead, make_staff, post_form, staff_client
from tests.staff.leads.leads_support import audit_rows, working
from tests.support import BY_OUTCOME


def staff_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def test_the_page_starts_with_contact_status_assignee_and_follow_up_then_the_call(
    db_app, coordinator
):
    the_id = make_lead(db_app, outcome="clinician_review")
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    top = page.index('id="contact-title"')
    assert page.index("Zoë Example") < top
    assert f"#{the_id}" in page and "Decision: Clinician review" in page
    assert 'href="tel:+442079460958"' in page and 'href="mailto:zoe@example.com"' in page
    for words in ("Best time", "Assigned to", "Next follow-up", "Unassigned", "None set"):
        assert top < page.index(words) < page.index('id="call-title"'), words
    # Then the call, the timeline the coordinator reads first, assignment and follow-up, all
    # before the decision and the answers.
    assert (
        page.index('id="call-title"')
        < page.index('id="notes-title"')
        < page.index('id="assign-title"')
        < page.index('id="decision-title"')
        < page.index('id="answers-title"')
    )
    # The call's outcomes are its save buttons, under the question they answer.
    assert '<legend class="question-label">How did the call go? <span class="legend-hint">' in page
    assert 'type="datetime-local"' in page


def test_a_plain_status_change_writes_one_update_row_with_its_data(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    response = post_form(coordinator, url, f"{url}/status", {"status": "contacted"})
    assert response.status_code == 303
    rows = audit_rows(db_app, the_id)
    assert working(rows) == ["update"]
    assert rows[-1].data == {"from": "new", "to": "contacted"}
    with db_app.app_context():
        lead = db.session.get(Lead, the_id)
        assert lead.status == "contacted"
        assert lead.status_changed_at is not None and lead.first_contacted_at is not None


def test_an_unknown_status_names_its_error_and_changes_nothing(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    response = post_form(coordinator, url, f"{url}/status", {"status": "won"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and "Choose a status from the list." in page
    assert working(audit_rows(db_app, the_id)) == []


def test_assign_to_me_to_someone_and_to_nobody_one_row_each(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    me = staff_id(db_app, "coordinator@clinic.test")
    other = make_staff(db_app, "nurse@clinic.test", name="Nia Nurse")
    assert post_form(coordinator, url, f"{url}/assign", {"assignee": str(me)}).status_code == 303
    page = coordinator.get(url).get_data(as_text=True)
    assert "This lead is assigned to you." in page and "Cora Coordinator (you)" in page
    assert "Assign to me" not in page  # it is theirs already
    post_form(coordinator, url, f"{url}/assign", {"assignee": str(other)})
    post_form(coordinator, url, f"{url}/assign", {"assignee": str(other)})  # no change
    post_form(coordinator, url, f"{url}/assign", {"assignee": "none"})
    rows = audit_rows(db_app, the_id, "assign")
    assert [row.data for row in rows] == [
        {"to": me, "to_name": "Cora Coordinator"},
        {"to": other, "to_name": "Nia Nurse"},
        {"to": None, "to_name": ""},
    ]
    with db_app.app_context():
        assert db.session.get(Lead, the_id).assigned_to_id is None


@pytest.mark.parametrize("value", ["", "abc", "999999", "99999999999999999999", "-1"])
def test_an_unknown_or_disabled_assignee_is_refused(db_app, coordinator, value):
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    response = post_form(coordinator, url, f"{url}/assign", {"assignee": value})
    assert response.status_code == 422
    assert "Choose a member of staff from the list" in response.get_data(as_text=True)
    assert audit_rows(db_app, the_id, "assign") == []


def test_a_disabled_account_cannot_be_given_a_lead(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    gone = make_staff(db_app, "gone@clinic.test", name="Gone Away")
    with db_app.app_context():
        db.session.get(StaffUser, gone).active = False
        db.session.commit()
    url = f"/staff/leads/{the_id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert "Gone Away" not in page  # not offered
    response = post_form(coordinator, url, f"{url}/assign", {"assignee": str(gone)})
    assert response.status_code == 422


def test_a_follow_up_is_set_in_clinic_time_shown_overdue_once_past_and_cleared(app_factory):
    app = app_factory(CLINIC_TIME_ZONE="America/Toronto")
    client = staff_client(app, "coordinator@clinic.test", name="Cora Coordinator")
    the_id = make_lead(app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    with app.test_request_context():
        day = clinic_now().date() + timedelta(days=3)
        expected = from_clinic_clock(datetime.combine(day, time(9, 0)))
    typed = f"{day.isoformat()}T09:00"
    response = post_form(client, url, f"{url}/follow-up", {"follow_up_at": typed})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Lead, the_id).follow_up_at == expected  # 9:00 in Toronto
    assert [r.data for r in audit_rows(app, the_id, "follow_up")] == [{"at": expected.isoformat()}]
    page = client.get(url).get_data(as_text=True)
    assert f'value="{typed}"' in page and "Overdue" not in page
    with app.app_context():
        db.session.get(Lead, the_id).follow_up_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert 'class="tag tag-overdue">Overdue' in client.get(url).get_data(as_text=True)
    response = post_form(client, url, f"{url}/follow-up", {"follow_up_then": "clear"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Lead, the_id).follow_up_at is None
    assert audit_rows(app, the_id, "follow_up")[-1].data == {"at": None}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"follow_up_at": "tomorrow-ish"}, "Enter the date and time, like 2025-03-14 09:00."),
        ({"follow_up_at": "2001-01-01T09:00"}, "Choose a time from now on"),
        ({"follow_up_at": "9999-01-01T09:00"}, "Choose a time within the next two years."),
        ({"follow_up_at": ""}, "Enter when to follow up, or choose “Clear the follow-up”."),
        ({"follow_up_then": "someday"}, "Choose a follow-up time."),
    ],
)
def test_a_follow_up_that_does_not_parse_is_named(db_app, coordinator, data, error):
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    response = post_form(coordinator, url, f"{url}/follow-up", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and error in page
    assert audit_rows(db_app, the_id, "follow_up") == []


def test_the_answers_that_raised_a_reason_are_marked_in_words(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")  # HEALTHY but for cold sores
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    first, every = page.split('class="all-answers"', 1)
    raised = re.findall(r'<tr class="raised">(.*?)</tr>', first, re.S)
    assert raised and all("Raised a reason" in row for row in raised)
    decision = rules.evaluate(BY_OUTCOME["clinician_review"])
    # One row per question a reason's rule reads: cold sores (the review), scar types (info).
    assert len(raised) == len(decision.reasons) == 2
    (sores,) = [row for row in raised if "cold sore" in row.lower()]
    assert "Yes" in sores
    # Shown among the raised ones, again in the full list, where the others are not marked.
    assert every.count('<tr class="raised">') == 2 and every.count("<tr>") > 10
    assert "The 2 answers that raised a reason" in page
    # Each reason in words first; its rule id and key small and whole.
    text = page.replace("&#39;", "'")
    for reason in decision.reasons:
        assert f'<p class="reason-words">{reason.text}</p>' in text
        assert f"<code>{reason.rule}</code>" in page and f"<code>{reason.key}</code>" in page


def test_a_lead_with_no_reason_says_so(db_app, coordinator):
    the_id = make_lead(db_app, outcome="book_consultation", reasons=[])
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert "No answer raised a reason." in page and 'class="raised"' not in page
    assert "No reasons: no screening concern." in page


def test_a_spanish_leads_consent_is_shown_in_spanish_to_an_english_console(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review", lang="es")
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert '<q class="consent-words" lang="es">Acepto que' in page
    assert "I agree that" not in page
    assert "The words they agreed to, in Español:" in page
    assert "Record a call" in page  # the console's own words stay English


def test_an_english_leads_consent_stays_english_in_a_spanish_console(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review", lang="en")
    coordinator.get("/staff/leads?lang=es")
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert '<q class="consent-words" lang="en">I agree that' in page


def test_a_merged_lead_links_to_the_lead_it_was_merged_into(db_app, coordinator):
    kept = make_lead(db_app, outcome="clinician_review")
    duplicate = make_lead(db_app, outcome="clinician_review", merged_into_id=kept)
    page = coordinator.get(f"/staff/leads/{duplicate}").get_data(as_text=True)
    assert f"Merged into lead #{kept}." in page and "This lead is read-only" in page
    assert f'href="/staff/leads/{kept}"' in page


def test_a_lead_that_does_not_exist_is_404_for_every_action(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    for action in ("call", "assign", "follow-up", "status", "notes", "notes/1/edit"):
        response = post_form(coordinator, url, f"/staff/leads/999999/{action}", {})
        assert response.status_code == 404, action
    assert coordinator.get("/staff/leads/999999/notes/1/edit").status_code == 404


def test_every_form_and_redirect_keeps_the_lists_filters(db_app, coordinator, monkeypatch):
    import staff.leads.lead_page

    monkeypatch.setattr(staff.leads.lead_page, "list_args", lambda: {"status": "new", "page": "2"})
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    page = coordinator.get(url).get_data(as_text=True)
    actions = re.findall(r'<form method="post" action="([^"]+)"', page)
    mine = ("/call", "/assign", "/follow-up", "/status", "/notes")
    lead_forms = [a for a in actions if any(f"/staff/leads/{the_id}{m}" in a for m in mine)]
    assert len(lead_forms) == 5  # the follow-up is set in the call form only
    assert all("status=new" in a and "page=2" in a for a in lead_forms), lead_forms
    response = post_form(coordinator, url, f"{url}/status", {"status": "contacted"})
    assert "status=new" in response.headers["Location"]
