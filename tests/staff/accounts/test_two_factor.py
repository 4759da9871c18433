"""Two-factor sign-in: enrolment with a real code, the code step, codes used once and only
in their window, throttled guesses, recovery codes, the clinic's requirement, an admin's
reset, and the audit rows each leaves. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
from sqlalchemy import select

from core import clinic_settings
from core.extensions import db
from staff.accounts import two_factor
from staff.models import AuditEvent, RecoveryCode, StaffSession, StaffUser
from tests.factories import PASSWORD, csrf_token, make_staff, post_form, sign_in
from tests.two_factor_support import code_at, enrol, send_code

ENROL = "/staff/account/two-factor"


def _user(app, email="staff@clinic.test") -> StaffUser:
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        db.session.expunge(user)
        return user


def _audit(app, action="two_factor") -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.staff_email, AuditEvent.detail)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def _signed_in(client) -> bool:
    return client.get("/staff/leads").status_code == 200


def _sign_out(client) -> None:
    page = client.get("/staff/leads").get_data(as_text=True)
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(page)})


def test_enrol_with_a_real_code_then_sign_in_takes_the_password_and_a_code(app_factory):
    app = app_factory(CLINIC_NAME="Clínica Example")
    make_staff(app)
    client = app.test_client()
    sign_in(client)
    page = client.get(ENROL).get_data(as_text=True)
    assert re.search(r'<svg role="img" aria-label="[^"]+"', page)  # the QR code, named
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1)
    secret = key.replace(" ", "")
    assert len(secret) == 32 and key.count(" ") == 7  # in groups of four
    assert client.get(ENROL).get_data(as_text=True).count(key) == 1  # a reload: the same key

    wrong = post_form(client, ENROL, ENROL, {"code": "000000", "password": PASSWORD})
    assert wrong.status_code == 422 and "That code is not right" in wrong.get_data(as_text=True)
    assert key in wrong.get_data(as_text=True)  # the same key, to try again
    shown = post_form(client, ENROL, ENROL, {"code": code_at(secret), "password": PASSWORD})
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "Save your recovery codes now" in html and "shown only this once" in html
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", html)
    assert len(set(codes)) == 10
    with app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        assert user.has_two_factor and user.totp_secret == secret
        stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert client.get(ENROL).get_data(as_text=True).count(codes[0]) == 0  # never shown again
    assert _audit(app) == [("staff@clinic.test", "turned two-factor sign-in on")]

    _sign_out(client)
    password_step = sign_in(client)
    assert password_step.status_code == 303
    assert password_step.headers["Location"].endswith("/staff/sign-in/code")
    assert not _signed_in(client)  # a right password alone signs nobody in
    done = send_code(client, code_at(secret, 30))  # the enrolment's own code is spent
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/leads")
    assert _signed_in(client)
    assert [action for (action,) in _actions(app)].count("sign_in") == 2


def _actions(app):
    with app.app_context():
        return db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_the_provisioning_address_names_the_clinic_and_the_account(app_factory):
    app = app_factory(CLINIC_NAME="Clínica Example")
    make_staff(app)
    with app.test_request_context():
        uri = two_factor.provisioning_uri(_user(app), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    parsed = urlsplit(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert unquote(parsed.path) == "/Clínica Example:staff@clinic.test"
    assert parse_qs(parsed.query) == {
        "secret": ["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"],
        "issuer": ["Clínica Example"],
    }


def test_a_code_is_accepted_once(app_factory):
    app = app_factory()
    make_staff(app)
    secret = enrol(app)
    client = app.test_client()
    code = code_at(secret)
    sign_in(client)
    assert send_code(client, code).status_code == 302
    _sign_out(client)
    sign_in(client)
    reused = send_code(client, code)
    assert reused.status_code == 401
    assert "That code is not right, or it was already used." in reused.get_data(as_text=True)
    assert not _signed_in(client)
    assert _audit(app) == [("staff@clinic.test", "wrong code at sign-in")]


def test_two_instances_sent_the_same_code_at_once_accept_it_once(app_factory):
    first, second = app_factory(), app_factory()  # two instances, one database
    make_staff(first)
    secret = enrol(first)
    clients = [first.test_client(), second.test_client()]
    for client in clients:
        assert sign_in(client).status_code == 303
    pages = [client.get("/staff/sign-in/code").get_data(as_text=True) for client in clients]
    code = code_at(secret)
    ready = threading.Barrier(2)
    answers = []

    def send(client, page):
        ready.wait()
        data = {"code": code, "csrf_token": csrf_token(page)}
        answers.append(client.post("/staff/sign-in/code", data=data).status_code)

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(clients, pages, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302, 401]


def test_a_code_out_of_its_window_is_refused(app_factory):
    app = app_factory()
    make_staff(app)
    secret = enrol(app)
    client = app.test_client()
    sign_in(client)
    for offset in (-90, 90):  # three steps before and after: outside the one-step window
        assert send_code(client, code_at(secret, offset)).status_code == 401
    assert send_code(client, code_at(secret, -30)).status_code == 302  # a step late: allowed


def test_wrong_codes_are_throttled_apart_from_passwords(app_factory):
    app = app_factory(SIGN_IN_SLOW_AFTER=50, SIGN_IN_LOCK_AFTER=3, SIGN_IN_LOCK_MINUTES=15)
    make_staff(app)
    secret = enrol(app)
    client = app.test_client()
    sign_in(client)
    assert [send_code(client, "123456").status_code for _ in range(3)] == [401, 401, 401]
    locked = send_code(client, code_at(secret))
    assert locked.status_code == 429  # even the right code, now
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert not _signed_in(client)
    assert sign_in(client).status_code == 303  # the password itself is not locked
    assert _audit(app) == [("staff@clinic.test", "wrong code at sign-in")] * 3


def test_a_recovery_code_signs_in_once(app_factory):
    app = app_factory()
    make_staff(app)
    enrol(app)
    with app.app_context():
        codes = two_factor.new_recovery_codes(db.session.get(StaffUser, _user(app).id))
        db.session.commit()
    client = app.test_client()
    sign_in(client)
    used = send_code(client, codes[3].upper().replace("-", " "))  # as typed from paper
    assert used.status_code == 302
    assert "9 are left" in client.get("/staff/leads").get_data(as_text=True)
    _sign_out(client)
    sign_in(client)
    assert send_code(client, codes[3]).status_code == 401
    assert send_code(client, codes[4]).status_code == 302
    assert _audit(app) == [
        ("staff@clinic.test", "signed in with a recovery code (9 left)"),
        ("staff@clinic.test", "wrong code at sign-in"),
        ("staff@clinic.test", "signed in with a recovery code (8 left)"),
    ]


def test_the_code_step_needs_a_fresh_right_password_and_keeps_next(app_factory):
    app = app_factory()
    make_staff(app)
    secret = enrol(app)
    client = app.test_client()
    assert client.get("/staff/sign-in/code").status_code == 303  # no password yet
    page = client.get("/staff/sign-in?next=/staff/dashboard").get_data(as_text=True)
    step = client.post(
        "/staff/sign-in?next=/staff/dashboard",
        data={"email": "staff@clinic.test", "password": PASSWORD, "csrf_token": csrf_token(page)},
    )
    assert step.headers["Location"].endswith("/staff/sign-in/code?next=/staff/dashboard")
    with client.session_transaction() as session:
        pending = session["two_factor_pending"]
        session["two_factor_pending"] = {**pending, "at": pending["at"] - 301}  # 5 min 1 s ago
    late = client.get("/staff/sign-in/code?next=/staff/dashboard")
    assert late.status_code == 303 and "/staff/sign-in?next=" in late.headers["Location"]
    with client.session_transaction() as session:
        session["two_factor_pending"] = {**pending, "at": int(time.time())}
    done = send_code(client, code_at(secret), next_path="/staff/dashboard")
    assert done.headers["Location"].endswith("/staff/dashboard")


def test_turning_it_off_or_new_codes_need_the_password_and_a_code(app_factory):
    app = app_factory()
    make_staff(app)
    secret = enrol(app)
    client = app.test_client()
    sign_in(client)
    send_code(client, code_at(secret))
    off = "/staff/account/two-factor/off"
    wrong_password = post_form(
        client, ENROL, off, {"off-password": "not it at all", "off-code": code_at(secret, 30)}
    )
    assert wrong_password.status_code == 422
    assert "That is not your password." in wrong_password.get_data(as_text=True)
    wrong_code = post_form(client, ENROL, off, {"off-password": PASSWORD, "off-code": "1"})
    assert wrong_code.status_code == 422 and _user(app).has_two_factor
    fresh = post_form(
        client,
        ENROL,
        "/staff/account/two-factor/recovery-codes",
        {"codes-password": PASSWORD, "codes-code": code_at(secret, 30)},
    )
    assert fresh.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9-]{11})</code></li>", fresh.get_data(as_text=True))
    assert len(codes) == 10
    turned_off = post_form(client, ENROL, off, {"off-password": PASSWORD, "off-code": codes[0]})
    assert turned_off.status_code == 303
    user = _user(app)
    assert not user.has_two_factor and user.totp_secret is None
    with app.app_context():
        assert db.session.scalars(select(RecoveryCode)).all() == []
    assert [detail for _, detail in _audit(app)] == [
        "wrong password to change two-factor sign-in",
        "wrong code to change two-factor sign-in",
        "made new recovery codes",
        "used a recovery code",
        "turned two-factor sign-in off",
    ]


def test_when_required_an_account_without_it_must_enrol_first(app_factory):
    app = app_factory()
    make_staff(app, "admin@clinic.test", role="admin")
    make_staff(app)
    admin = app.test_client()
    sign_in(admin, "admin@clinic.test")
    saved = post_form(
        admin, "/staff/admin/settings", "/staff/admin/settings", {"require_two_factor": "y"}
    )
    assert saved.status_code == 303
    assert _audit(app, "settings_change") == [
        ("admin@clinic.test", "on: staff must use two-factor sign-in")
    ]
    with app.app_context():
        assert clinic_settings.flag("require_two_factor")
        assert not clinic_settings.flag("webhook_contact_details")

    client = app.test_client()
    sign_in(client)
    for path in ("/staff/leads", "/staff/dashboard", "/staff/intake"):
        sent = client.get(path)
        assert sent.status_code == 302
        assert sent.headers["Location"].startswith(f"{ENROL}?next=")
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "The clinic requires two-factor sign-in" in page.get_data(as_text=True)
    posted = client.post("/staff/intake", data={"csrf_token": csrf_token(page.get_data(True))})
    assert posted.status_code == 303 and posted.headers["Location"].endswith(ENROL)
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page.get_data(True)).group(1)
    enrolled = post_form(
        client, ENROL + "?next=/staff/dashboard", ENROL + "?next=/staff/dashboard",
        {"code": code_at(secret.replace(" ", "")), "password": PASSWORD},
    )  # fmt: skip
    assert 'href="/staff/dashboard"' in enrolled.get_data(as_text=True)  # then on its way
    assert client.get("/staff/dashboard").status_code == 200
    assert admin.get("/staff/admin/staff").headers["Location"].startswith(ENROL)  # admins too


def test_settings_are_for_admins_and_only_changes_are_audited(app_factory):
    app = app_factory()
    make_staff(app, "admin@clinic.test", role="admin")
    make_staff(app)
    desk = app.test_client()
    sign_in(desk)
    assert desk.get("/staff/admin/settings").status_code == 403
    admin = app.test_client()
    sign_in(admin, "admin@clinic.test")
    page = admin.get("/staff/admin/settings").get_data(as_text=True)
    assert 'name="require_two_factor"' in page and 'name="webhook_contact_details"' in page
    url = "/staff/admin/settings"
    post_form(admin, url, url, {"webhook_contact_details": "y"})
    post_form(admin, url, url, {"webhook_contact_details": "y"})  # no change
    assert 'name="webhook_contact_details" value="y" checked' in admin.get(url).get_data(True)
    post_form(admin, url, url, {})
    assert [detail for _, detail in _audit(app, "settings_change")] == [
        "on: webhooks carry the person's contact details",
        "off: webhooks carry the person's contact details",
    ]


def test_an_admin_resets_a_colleagues_two_factor(app_factory):
    app = app_factory()
    make_staff(app, "admin@clinic.test", role="admin")
    make_staff(app)
    secret = enrol(app)
    colleague = app.test_client()
    sign_in(colleague)
    send_code(colleague, code_at(secret))
    assert _signed_in(colleague)
    person = _user(app)
    with app.app_context():
        two_factor.new_recovery_codes(db.session.get(StaffUser, person.id))
        db.session.commit()

    desk = app.test_client()
    make_staff(app, "desk@clinic.test")
    sign_in(desk, "desk@clinic.test")
    reset = f"/staff/admin/staff/{person.id}/two-factor/reset"
    assert post_form(desk, "/staff/leads", reset, {}).status_code == 403

    admin = app.test_client()
    sign_in(admin, "admin@clinic.test")
    listing = admin.get("/staff/admin/staff").get_data(as_text=True)
    assert f'href="{reset}"' in listing
    question = admin.get(reset)
    assert question.status_code == 200 and "Yes, reset it for staff@clinic.test" in question.text
    assert _user(app).has_two_factor  # asking changes nothing
    done = post_form(admin, reset, reset, {})
    assert done.status_code == 303
    person = _user(app)
    assert (person.totp_secret, person.totp_confirmed_at, person.totp_last_step) == (None,) * 3
    with app.app_context():
        assert db.session.scalars(select(RecoveryCode)).all() == []
        staff_sessions = db.session.scalars(
            select(StaffSession).where(StaffSession.staff_id == person.id)
        ).all()
    assert staff_sessions == []
    assert not _signed_in(colleague)
    assert sign_in(colleague).status_code == 302  # the password alone, until set up again
    assert _audit(app) == [("admin@clinic.test", "reset two-factor sign-in of staff@clinic.test")]
    own = f"/staff/admin/staff/{_user(app, 'admin@clinic.test').id}/two-factor/reset"
    assert admin.get(own).status_code == 400


def test_codes_are_checked_against_pyotp(app_factory):
    """The window is pyotp's at most: its verify() agrees on every offset tried."""
    app = app_factory()
    make_staff(app)
    secret = enrol(app)
    totp = pyotp.TOTP(secret)
    now = (int(time.time()) // 30) * 30 + 10  # mid-step, so the offsets are exact
    with app.app_context():
        for offset in (-60, -30, 0, 30, 60):
            user = db.session.get(StaffUser, _user(app).id)
            user.totp_last_step = None
            code = totp.at(now + offset)
            ours = two_factor.check_second_factor(user, code, now=now) == "code"
            assert ours == totp.verify(code, for_time=now, valid_window=1), offset
            db.session.rollback()


def test_the_command_line_resets_a_lost_second_factor(app_factory):
    """The only admin lost their phone and codes: someone with the server resets it."""
    app = app_factory()
    make_staff(app, "admin@clinic.test", role="admin")
    enrol(app, "admin@clinic.test")
    result = app.test_cli_runner().invoke(args=["staff", "reset-two-factor", "ADMIN@clinic.test"])
    assert result.exit_code == 0, result.output
    assert not _user(app, "admin@clinic.test").has_two_factor
    assert _audit(app) == [
        ("", "reset two-factor sign-in of admin@clinic.test on the command line")
    ]
    unknown = app.test_cli_runner().invoke(args=["staff", "reset-two-factor", "no@clinic.test"])
    assert unknown.exit_code == 1


def test_odd_codes_are_refused_not_errors(app_factory):
    app = app_factory(SIGN_IN_SLOW_AFTER=50, SIGN_IN_LOCK_AFTER=50)
    make_staff(app)
    enrol(app)
    client = app.test_client()
    sign_in(client)
    for odd in ("١٢٣٤٥٦", "12 34 56 78", "\x00" * 6, "ａｂｃｄｅ-ｆｇｈｊｋ", "x" * 40):
        assert send_code(client, odd).status_code in (401, 422), odd
