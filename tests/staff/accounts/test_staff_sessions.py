"""Console sessions live on the server: signing out, a new password or a disabled account
ends them everywhere, and a copy of the cookie is then worth nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.dbtypes import utcnow
from core.extensions import db
from staff.models import StaffSession, StaffUser
from tests.factories import csrf_token, make_staff, sign_in


def _copy_of(client, app):
    """Another browser, elsewhere, holding a copy of this browser's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffSession))


def test_a_cookie_copied_before_sign_out_signs_in_nobody_after_it(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    copy = _copy_of(client, db_app)
    assert copy.get("/staff/leads").status_code == 200  # the copy works while signed in
    assert _sessions(db_app) == 1

    page = client.get("/staff/leads").get_data(as_text=True)
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(page)})
    assert _sessions(db_app) == 0
    refused = copy.get("/staff/leads", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert refused.status_code == 302 and "/staff/sign-in" in refused.headers["Location"]


def test_the_session_cookie_holds_no_account_data_the_server_would_trust_alone(db_app):
    """Deleting the server's row ends the session even though the signed cookie is intact."""
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    with db_app.app_context():
        db.session.execute(StaffSession.__table__.delete())
        db.session.commit()
    assert client.get("/staff/leads").status_code == 302


def test_disabling_an_account_ends_its_sessions_on_the_server(db_app):
    make_staff(db_app, email="admin@clinic.test", role="admin")
    person_id = make_staff(db_app)
    person = db_app.test_client()
    sign_in(person)
    admin = db_app.test_client()
    sign_in(admin, email="admin@clinic.test")
    page = admin.get("/staff/admin/staff").get_data(as_text=True)
    admin.post(f"/staff/admin/staff/{person_id}/disable", data={"csrf_token": csrf_token(page)})
    with db_app.app_context():
        left = db.session.scalars(select(StaffSession.staff_id)).all()
    assert left and person_id not in left
    assert person.get("/staff/leads").status_code == 302


def test_a_new_password_from_the_command_line_ends_every_session(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    result = db_app.test_cli_runner().invoke(
        args=["staff", "set-password", "staff@clinic.test"],
        input="kettle umbrella violin 42\nkettle umbrella violin 42\n",
    )
    assert result.exit_code == 0, result.output
    assert _sessions(db_app) == 0
    assert client.get("/staff/leads").status_code == 302


def test_an_idle_session_ends_on_the_server_whatever_the_cookie_says(app_factory):
    app = app_factory(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30))
    make_staff(app)
    client = app.test_client()
    sign_in(client)
    assert client.get("/staff/leads").status_code == 200
    with app.app_context():
        row = db.session.scalars(select(StaffSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=31)
        db.session.commit()
    assert client.get("/staff/leads").status_code == 302
    assert _sessions(app) == 0


def test_a_busy_session_still_ends_its_longest_time_after_sign_in(app_factory):
    app = app_factory(STAFF_SESSION_MAX_HOURS=12)
    make_staff(app)
    client = app.test_client()
    sign_in(client)
    with app.app_context():
        row = db.session.scalars(select(StaffSession)).one()
        row.created_at = utcnow() - timedelta(hours=12, minutes=1)
        row.last_seen_at = utcnow()  # in use a moment ago
        db.session.commit()
    assert client.get("/staff/leads").status_code == 302


def test_use_keeps_a_session_alive_without_a_write_on_every_request(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    with db_app.app_context():
        before = db.session.scalars(select(StaffSession.last_seen_at)).one()
    client.get("/staff/leads")
    with db_app.app_context():
        assert db.session.scalars(select(StaffSession.last_seen_at)).one() == before
        row = db.session.scalars(select(StaffSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    client.get("/staff/leads")
    with db_app.app_context():
        seen = db.session.scalars(select(StaffSession.last_seen_at)).one()
        assert utcnow() - seen < timedelta(seconds=30)
        # The account row is untouched by use: only the session's.
        assert db.session.scalars(select(StaffUser.session_version)).one() == 1
