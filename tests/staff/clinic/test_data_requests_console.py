"""The console's data requests (admins only): search, results in words, JSON export and
erasure after a confirmation; every step audited without the person's data."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from core.extensions import db
from leads.models import Lead, LeadNote, OutboxMessage
from tests.factories import csrf_token, make_lead, make_staff, post_form, staff_client
from tests.staff.accounts_support import ADMIN, audit_details, errors_of

PAGE = "/staff/admin/data-requests"
ZOE = {"name": "Zoë Example", "email": "zoe@mail.test", "phone": "+12025550123"}


def _zoe_and_olaf(app) -> tuple[list[int], int]:
    zoe = [
        make_lead(
            app,
            name=ZOE["name"],
            email=ZOE["email"],
            notes=("Zoë asked about downtime.",),
            notifications=("clinic_email",),
            audit=("view",),
            phone="",
            direct=True,
        ),
        make_lead(
            app, name=ZOE["name"], phone=ZOE["phone"], notes=("By phone.",), email="", direct=True
        ),
    ]
    olaf = make_lead(
        app,
        name="Olaf Other",
        email="olaf@mail.test",
        notes=("Olaf's note.",),
        audit=("view",),
        phone="",
        direct=True,
    )
    return zoe, olaf


def _hidden_fields(html: str) -> dict[str, str]:
    """What the results page's export and erase forms post (they carry the same fields)."""
    form = re.search(
        r'<form method="post" action="/staff/admin/data-requests/export">(.*?)</form>', html, re.S
    )
    assert form, "the results page has no export form"
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form.group(1)))


def _search(client, **typed):
    return post_form(client, PAGE, **typed)


def test_an_admin_finds_everything_held_about_a_person_in_words(app_factory):
    app = app_factory()
    (by_email, by_phone), olaf = _zoe_and_olaf(app)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")

    assert 'href="/staff/admin/data-requests"' in admin.get("/staff/leads").get_data(True)
    found = _search(admin, email=" ZOE@Mail.Test ", phone="(202) 555-0123")
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert f"Lead #{by_email}" in html and f"Lead #{by_phone}" in html
    assert f"Lead #{olaf}" not in html and "Olaf" not in html
    assert "Zoë asked about downtime." in html and "By phone." in html
    assert "Email to the clinic" in html and "Viewed a lead" in html
    assert "Leads: 2" in html and "Notes: 2" in html and "Notifications: 1" in html
    assert found.headers["Cache-Control"] == "no-store"
    assert audit_details(app, "data_request") == [
        "by email and phone: 2 leads, 2 notes, 1 notification found"
    ]


def test_nothing_found_says_so_and_offers_neither_export_nor_erasure(app_factory):
    app = app_factory()
    _zoe_and_olaf(app)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    html = _search(admin, email="nobody@mail.test").get_data(as_text=True)
    assert "Nothing is held about this person" in html
    assert "/data-requests/export" not in html and "/data-requests/erase" not in html
    assert audit_details(app, "data_request") == [
        "by email: 0 leads, 0 notes, 0 notifications found"
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({}, "Enter the person’s email address or phone number, or both."),
        ({"email": "zoe at mail"}, "Enter an email address like name@example.com."),
        ({"phone": "call me"}, "Enter a phone number, like"),
    ],
)
def test_bad_input_answers_422_with_every_error_named_and_the_input_kept(
    app_factory, typed, message
):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    answer = _search(admin, **{"email": "", "phone": "", **typed})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert any(error.startswith(message) for error in errors_of(html)), errors_of(html)
    for value in typed.values():
        assert f'value="{value}"' in html
    assert audit_details(app, "data_request") == []


def test_the_export_is_a_json_download_of_that_person_only_and_audited(app_factory):
    app = app_factory()
    (by_email, by_phone), _olaf = _zoe_and_olaf(app)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    results = _search(admin, email=ZOE["email"], phone="2025550123").get_data(as_text=True)

    download = admin.post(f"{PAGE}/export", data=_hidden_fields(results))
    assert download.status_code == 200
    assert download.mimetype == "application/json"
    assert download.headers["Cache-Control"] == "no-store"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="data-request-20')
    assert disposition.endswith('.json"')
    document = json.loads(download.get_data(as_text=True))
    assert [lead["id"] for lead in document["leads"]] == [by_email, by_phone]
    assert document["exported_by"] == "Ada Admin"
    assert {note["text"] for note in document["notes"]} == {
        "Zoë asked about downtime.",
        "By phone.",
    }
    assert [m["kind"] for m in document["notifications"]] == ["clinic_email"]
    assert [(e["lead_id"], e["action"]) for e in document["audit_mentions"]] == [(by_email, "view")]
    assert "Olaf" not in download.get_data(as_text=True)
    assert audit_details(app, "data_export") == [
        "by email and phone: 2 leads, 2 notes, 1 notification"
    ]


def test_a_forged_export_or_erasure_is_refused(app_factory):
    app = app_factory()
    _zoe_and_olaf(app)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    token = csrf_token(admin.get(PAGE).get_data(as_text=True))
    assert admin.post(f"{PAGE}/export", data={"csrf_token": token, "phone": "x"}).status_code == 400
    assert admin.post(f"{PAGE}/export", data={"email": ZOE["email"]}).status_code == 400
    refused = admin.post(
        f"{PAGE}/erase/confirmed",
        data={"csrf_token": token, "email": ZOE["email"], "leads": "1,two"},
    )
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 3


def test_erasure_asks_first_then_removes_that_persons_rows_only(app_factory):
    app = app_factory()
    (by_email, by_phone), olaf = _zoe_and_olaf(app)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    results = _search(admin, email=ZOE["email"], phone=ZOE["phone"]).get_data(as_text=True)

    question = admin.post(f"{PAGE}/erase", data=_hidden_fields(results))
    html = question.get_data(as_text=True)
    assert question.status_code == 200
    assert "Leads: 2" in html and "Notes: 2" in html and "Notifications: 1" in html
    assert f'name="leads" value="{by_email},{by_phone}"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 3  # not yet

    confirmed = admin.post(
        f"{PAGE}/erase/confirmed",
        data={**_hidden_fields(results), "leads": f"{by_email},{by_phone}"},
    )
    assert confirmed.status_code == 303 and confirmed.location.endswith(PAGE)
    after = admin.get(PAGE).get_data(as_text=True)
    assert "Erased for good. Leads: 2, notes: 2, notifications: 1." in after
    assert "webhook receiver" in after
    with app.app_context():
        assert db.session.scalars(select(Lead.id)).all() == [olaf]
        assert set(db.session.scalars(select(LeadNote.lead_id))) == {olaf}
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert audit_details(app, "erase") == [
        "erased 2 leads, 2 notes, 1 notification after a data request"
    ]
    every_detail = " ".join(
        " ".join(audit_details(app, action)) for action in ("data_request", "data_export", "erase")
    )
    for personal in ("zoe", "Zoë", "2025550123", "mail.test"):
        assert personal.lower() not in every_detail.lower()


def test_a_lead_that_arrived_after_the_question_stops_the_erasure(app_factory):
    app = app_factory()
    (by_email, _by_phone), _olaf = _zoe_and_olaf(app)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    results = _search(admin, email=ZOE["email"]).get_data(as_text=True)
    newer = make_lead(app, name=ZOE["name"], email=ZOE["email"], phone="", direct=True)

    again = admin.post(
        f"{PAGE}/erase/confirmed", data={**_hidden_fields(results), "leads": str(by_email)}
    )
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert "nothing was erased" in html and f'name="leads" value="{by_email},{newer}"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 4
    assert audit_details(app, "erase") == []


@pytest.mark.parametrize("role", ["staff", "clinician"])
def test_only_admins_may_make_a_data_request(app_factory, role):
    app = app_factory()
    (by_email, _), _ = _zoe_and_olaf(app)
    make_staff(app, "other@clinic.test", role=role)
    other = staff_client(app, "other@clinic.test")
    assert 'href="/staff/admin/data-requests"' not in other.get("/staff/leads").get_data(True)
    assert other.get(PAGE).status_code == 403
    token = csrf_token(other.get("/staff/intake").get_data(as_text=True))
    sent = {"csrf_token": token, "email": ZOE["email"], "leads": str(by_email)}
    for path in ("", "/export", "/erase", "/erase/confirmed"):
        answer = other.post(PAGE + path, data=sent)
        assert answer.status_code == 403, path
        assert b"zoe@mail.test" not in answer.data
    with app.app_context():
        assert db.session.get(Lead, by_email) is not None
    assert audit_details(app, "data_request") == audit_details(app, "data_export") == []
