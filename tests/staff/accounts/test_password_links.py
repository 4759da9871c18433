"""One-time, expiring set-password links: shown once to the admin or emailed through the
outbox; the link works once, runs out after PASSWORD_LINK_HOURS, and dies with a disabled
account; a dead link gets a clear page."""

from __future__ import annotations

import re
import time

import itsdangerous.timed
from sqlalchemy import select

from core.extensions import db
from leads.models import OutboxMessage
from tests.factories import PASSWORD, csrf_token, make_staff, post_form, sign_in, staff_client
from tests.staff.accounts_support import (
    ADMIN,
    NEW_PASSWORD,
    account,
    audit_details,
    errors_of,
    link_on,
)

DESK = "desk@clinic.test"


def _show_link(admin, person_id: int) -> str:
    edit = f"/staff/admin/staff/{person_id}/edit"
    shown = post_form(admin, edit, f"/staff/admin/staff/{person_id}/password-link", send="show")
    assert shown.status_code == 200
    return link_on(shown.get_data(as_text=True))


def _set(client, link: str, password: str = NEW_PASSWORD, again: str | None = None):
    """Open the link (its token moves into this browser's session), then send the form."""
    client.get(link)
    return _post_set(client, password, again)


def _post_set(client, password: str = NEW_PASSWORD, again: str | None = None):
    """Send the set-password form (its CSRF token from the sign-in page: a dead link shows
    no form) to the token-free address."""
    return post_form(
        client,
        "/staff/sign-in",
        "/staff/set-password",
        new_password=password,
        confirm=again or password,
    )


def test_a_shown_link_sets_the_password_once_and_ends_their_sessions(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    desk_session = staff_client(app, DESK)
    link = _show_link(admin, person_id)
    assert audit_details(app, "password_link") == [f"showed a set-password link for {DESK}"]

    colleague = app.test_client()  # not signed in: the page is public
    page = colleague.get(link, follow_redirects=True)
    assert page.status_code == 200 and DESK in page.get_data(as_text=True)
    mismatch = _set(colleague, link, again="something else entirely 7")
    assert mismatch.status_code == 422
    assert errors_of(mismatch.get_data(as_text=True)) == ["The two new passwords are not the same."]
    done = _set(colleague, link)
    assert done.status_code == 303 and done.headers["Location"].endswith("/staff/sign-in")
    assert "Your password is set. Sign in with it." in colleague.get("/staff/sign-in").get_data(
        as_text=True
    )
    assert desk_session.get("/staff/leads").status_code == 302  # their old session ended
    assert sign_in(app.test_client(), DESK, NEW_PASSWORD).status_code == 302
    assert audit_details(app, "password_change") == [f"{DESK} set a password with a link"]

    used = app.test_client().get(link)
    assert used.status_code == 410
    assert "This link no longer works" in used.get_data(as_text=True)
    again = _set(app.test_client(), link, "another fine password 99")
    assert again.status_code == 410
    assert sign_in(app.test_client(), DESK, NEW_PASSWORD).status_code == 302


def test_a_link_runs_out_after_password_link_hours(app_factory, monkeypatch):
    app = app_factory(PASSWORD_LINK_HOURS=2)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    link = _show_link(admin, person_id)
    now = time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + 2 * 3600 - 60)
    before_the_end = app.test_client().get(link, follow_redirects=True)
    assert before_the_end.status_code == 200  # a minute before the end
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + 2 * 3600 + 60)
    expired = app.test_client().get(link)
    assert expired.status_code == 410
    assert "this one has run out" in expired.get_data(as_text=True)
    assert _set(app.test_client(), link).status_code == 410
    assert sign_in(app.test_client(), DESK, PASSWORD).status_code == 302  # unchanged


def test_a_disabled_accounts_link_is_dead_even_once_enabled_again(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    link = _show_link(admin, person_id)
    post_form(admin, "/staff/admin/staff", f"/staff/admin/staff/{person_id}/disable")
    assert app.test_client().get(link).status_code == 410
    post_form(admin, "/staff/admin/staff", f"/staff/admin/staff/{person_id}/disable")  # enable
    assert account(app, DESK).active
    assert app.test_client().get(link).status_code == 410


def test_a_forged_or_broken_link_gets_the_clear_page(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    link = _show_link(admin, person_id)
    client = app.test_client()
    for broken in (
        link[:-3],
        link + "x",
        "/staff/set-password/not-a-token",
        "/staff/set-password?token=not-a-token",
        "/staff/set-password",
        link.replace(".", "", 1),
    ):
        answer = client.get(broken)
        assert answer.status_code in (404, 410), broken
        if answer.status_code == 410:
            assert "Ask a clinic admin for a new link" in answer.get_data(as_text=True)


def test_a_link_is_emailed_through_the_outbox_to_a_real_smtp_server(app_factory, smtp):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none")
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK, name="Dee Desk")
    edit = f"/staff/admin/staff/{person_id}/edit"
    assert "Email them a link" in admin.get(edit).get_data(as_text=True)
    sent = post_form(admin, edit, f"/staff/admin/staff/{person_id}/password-link", send="email")
    assert sent.status_code == 303
    (message,) = smtp.wait_for(1)
    assert message["To"] == DESK and "Choose your password" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "Hello Dee Desk," in body
    link = re.search(r"http://console\.test(/staff/set-password\S+)", body).group(1)
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        assert (row.staff_id, row.lead_id, row.kind, row.status) == (
            person_id,
            None,
            "staff_password_link",
            "sent",
        )
    assert audit_details(app, "password_link") == [f"emailed a set-password link to {DESK}"]
    assert _set(app.test_client(), link).status_code == 303
    assert sign_in(app.test_client(), DESK, NEW_PASSWORD).status_code == 302
    # The notifications page lists a stuck staff message without a lead.
    assert admin.get("/staff/admin/outbox").status_code == 200


def test_the_command_line_prints_a_link_that_works(app_factory):
    app = app_factory()
    make_staff(app, DESK)
    result = app.test_cli_runner().invoke(args=["staff", "set-password-link", DESK])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://console\.test(/staff/set-password\S+)", result.output).group(1)
    assert _set(app.test_client(), link).status_code == 303
    assert audit_details(app, "password_link") == [
        f"printed a set-password link for {DESK} on the command line"
    ]


def test_a_new_link_ends_the_earlier_ones(app_factory, smtp):
    """Finding 1 of the adversarial review: issuing a link left the older ones working."""
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none")
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    first = _show_link(admin, person_id)
    second = _show_link(admin, person_id)
    assert first != second
    assert app.test_client().get(first).status_code == 410
    assert _set(app.test_client(), first).status_code == 410
    edit = f"/staff/admin/staff/{person_id}/edit"
    post_form(admin, edit, f"/staff/admin/staff/{person_id}/password-link", send="email")
    (message,) = smtp.wait_for(1)
    emailed = re.search(
        r"http://console\.test(/staff/set-password\S+)", message.get_payload(decode=True).decode()
    ).group(1)
    assert app.test_client().get(second).status_code == 410  # the emailed one is newer
    printed = app.test_cli_runner().invoke(args=["staff", "set-password-link", DESK]).output
    assert app.test_client().get(emailed).status_code == 410  # and the printed one newer still
    newest = re.search(r"http://console\.test(/staff/set-password\S+)", printed).group(1)
    assert _set(app.test_client(), newest).status_code == 303
    assert sign_in(app.test_client(), DESK, NEW_PASSWORD).status_code == 302


def test_the_link_s_token_leaves_the_address_on_arrival(app_factory):
    """The token is never in a path (nginx logs paths): the link lands, its token moves into
    this browser's session, and every page after it has a token-free address."""
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    link = _show_link(admin, person_id)
    path, _, query = link.partition("?")
    assert path == "/staff/set-password" and query.startswith("token=")
    token = query.removeprefix("token=")
    colleague = app.test_client()
    landed = colleague.get(link)
    assert landed.status_code == 303 and landed.headers["Location"] == "/staff/set-password"
    page = colleague.get("/staff/set-password")
    assert page.status_code == 200 and token not in page.get_data(as_text=True)
    assert DESK in page.get_data(as_text=True)
    # Another browser without the link gets nothing from the bare address.
    assert app.test_client().get("/staff/set-password").status_code == 410
    stranger = app.test_client()
    assert _post_set(stranger).status_code == 410
    assert _post_set(colleague).status_code == 303
    assert sign_in(app.test_client(), DESK, NEW_PASSWORD).status_code == 302
    assert colleague.get("/staff/set-password").status_code == 410  # spent, and forgotten


def test_the_shown_link_points_where_the_admin_is_outside_production(app_factory):
    """The README's own `./scripts/run --port 8000`: the link shown uses the address the
    admin's browser used (host and port), not PUBLIC_BASE_URL's default port; the
    emailed and printed links keep PUBLIC_BASE_URL (tests above)."""
    app = app_factory()
    person_id = make_staff(app, DESK, name="Dee Desk")
    admin = staff_client(app, ADMIN, role="admin")
    edit = f"/staff/admin/staff/{person_id}/edit"
    page = admin.get(edit, base_url="http://localhost:8000").get_data(as_text=True)
    shown = admin.post(
        f"/staff/admin/staff/{person_id}/password-link",
        data={"send": "show", "csrf_token": csrf_token(page)},
        base_url="http://localhost:8000",
    )
    html = shown.get_data(as_text=True)
    assert 'value="http://localhost:8000/staff/set-password?token=' in html
    assert _set(app.test_client(), link_on(html)).status_code == 303
