"""Finding 4 of the adversarial review: two-factor sign-in changed on a session alone, and
its owner was not told. Turning it on now takes the password (counted against guessing:
test_reauthentication's ``two_factor_enrolment``), and every change to it (turned on,
turned off, new recovery codes, an admin's reset) emails the account's owner through the
outbox, in their language: what changed, when, and what to do if it was not them; never
a code or the secret. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

from sqlalchemy import select

from core.extensions import db
from leads.models import OutboxMessage
from staff.models import StaffUser
from tests.factories import PASSWORD, make_staff, post_form, sign_in, staff_client
from tests.staff.accounts_support import ADMIN, audit_details
from tests.two_factor_support import code_at, enrol, send_code

ENROL = "/staff/account/two-factor"
DESK = "desk@clinic.test"


def _smtp_app(app_factory, smtp, **config):
    return app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none", **config)


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _body(message) -> str:
    return message.get_payload(decode=True).decode()


def _secret_on(page: str) -> str:
    return re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _outbox(app) -> list[tuple[int | None, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.staff_id, OutboxMessage.kind, OutboxMessage.event).order_by(
                OutboxMessage.id
            )
        )
        return [tuple(row) for row in rows]


def test_turning_it_on_without_the_password_is_refused_and_audited(app_factory, smtp):
    app = _smtp_app(app_factory, smtp)
    make_staff(app, DESK)
    client = app.test_client()  # as a copied session cookie would be: signed in, no password
    sign_in(client, DESK)
    secret = _secret_on(client.get(ENROL).get_data(as_text=True))
    for data in ({"code": code_at(secret)}, {"code": code_at(secret), "password": "a guess"}):
        refused = post_form(client, ENROL, ENROL, data)
        assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "That is not your password." in html
    with app.app_context():
        assert not db.session.scalars(select(StaffUser)).one().has_two_factor
    assert audit_details(app, "two_factor") == ["wrong password to turn two-factor sign-in on"]
    assert smtp.messages == [] and _outbox(app) == []


def test_each_change_emails_its_owner_once(app_factory, smtp):
    app = _smtp_app(app_factory, smtp, CLINIC_NAME="Clínica Example")
    person_id = make_staff(app, DESK, name="Dee Desk")
    client = app.test_client()
    sign_in(client, DESK)
    secret = _secret_on(client.get(ENROL).get_data(as_text=True))
    on = post_form(client, ENROL, ENROL, {"password": PASSWORD, "code": code_at(secret)})
    assert on.status_code == 200
    first_codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", on.get_data(True))
    (turned_on,) = smtp.wait_for(1)
    assert turned_on["To"] == DESK
    assert (
        _subject(turned_on) == "Two-factor sign-in was turned on for your Clínica Example account"
    )
    body = _body(turned_on)
    assert "Hello Dee Desk," in body
    assert "Two-factor sign-in was turned on for your account (desk@clinic.test)" in body
    assert re.search(r"\) on \d{4}-\d{2}-\d{2} at \d{2}:\d{2} \([\w/]+\)\.", body), body
    assert "If it was not you" in body and "tell a clinic admin" in body
    for secret_thing in [secret, *first_codes, *(c.replace("-", "") for c in first_codes)]:
        assert secret_thing not in body and secret_thing not in _subject(turned_on)

    codes = post_form(
        client,
        ENROL,
        "/staff/account/two-factor/recovery-codes",
        {"codes-password": PASSWORD, "codes-code": code_at(secret, 30)},
    )
    assert codes.status_code == 200
    new_codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", codes.get_data(True))
    assert len(new_codes) == 10
    messages = smtp.wait_for(2)
    assert len(messages) == 2 and messages[1]["To"] == DESK
    assert _subject(messages[1]).startswith("New recovery codes were made for your")
    assert not any(code in _body(messages[1]) for code in new_codes)
    assert "Your earlier recovery codes no longer work." in _body(messages[1])

    off = post_form(
        client,
        ENROL,
        "/staff/account/two-factor/off",
        {"off-password": PASSWORD, "off-code": new_codes[0]},
    )
    assert off.status_code == 303
    messages = smtp.wait_for(3)
    assert len(messages) == 3 and messages[2]["To"] == DESK
    assert "turned off" in _subject(messages[2])
    assert new_codes[0] not in _body(messages[2])

    enrol(app, DESK)  # on again, then an admin resets it (a lost phone)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    post_form(
        admin,
        f"/staff/admin/staff/{person_id}/two-factor/reset",
        f"/staff/admin/staff/{person_id}/two-factor/reset",
    )
    messages = smtp.wait_for(4)
    assert len(messages) == 4 and messages[3]["To"] == DESK
    assert "was reset" in _subject(messages[3])
    assert "A clinic admin reset two-factor sign-in" in _body(messages[3])
    assert [(staff_id, kind) for staff_id, kind, _ in _outbox(app)] == [
        (person_id, "staff_two_factor_changed")
    ] * 4
    assert [event for *_, event in _outbox(app)] == ["on", "recovery_codes", "off", "reset"]
    assert len(smtp.wait_for(5, timeout=1)) == 4  # one email each, no more


def test_the_email_speaks_the_person_s_language(app_factory, smtp):
    app = _smtp_app(app_factory, smtp)
    person_id = make_staff(app, DESK, name="Dee Desk", lang="es")
    enrol(app, DESK)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    post_form(
        admin,
        f"/staff/admin/staff/{person_id}/two-factor/reset",
        f"/staff/admin/staff/{person_id}/two-factor/reset",
    )
    (message,) = smtp.wait_for(1)
    assert message["To"] == DESK
    assert "restablecido" in _subject(message)
    assert "Hola, Dee Desk:" in _body(message)


def test_the_command_line_reset_emails_the_owner_too(app_factory, smtp):
    app = _smtp_app(app_factory, smtp)
    make_staff(app, DESK)
    enrol(app, DESK)
    result = app.test_cli_runner().invoke(args=["staff", "reset-two-factor", DESK])
    assert result.exit_code == 0, result.output
    assert _outbox(app)[0][1:] == ("staff_two_factor_changed", "reset")
    (message,) = smtp.wait_for(1)
    assert message["To"] == DESK and "was reset" in _subject(message)


def test_no_mail_server_no_email_and_the_change_still_happens(app_factory):
    app = app_factory(SMTP_HOST="")
    make_staff(app, DESK)
    secret = enrol(app, DESK)
    client = app.test_client()
    sign_in(client, DESK)
    assert send_code(client, code_at(secret)).status_code == 302
    off = post_form(
        client,
        ENROL,
        "/staff/account/two-factor/off",
        {"off-password": PASSWORD, "off-code": code_at(secret, 30)},
    )
    assert off.status_code == 303
    assert _outbox(app) == []
