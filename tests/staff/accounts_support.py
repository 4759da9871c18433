"""Helpers for the account, permission and password tests: signed-in clients, forms, audit."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.extensions import db
from staff.models import AuditEvent, StaffUser
from tests.console_support import PASSWORD, csrf_token, make_staff, sign_in

ADMIN = "admin@clinic.test"
NEW_PASSWORD = "kettle umbrella violin 42"


def signed_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    answer = sign_in(client, email, password)
    assert answer.status_code == 302, answer.status_code
    return client


def admin_client(app):
    make_staff(app, ADMIN, role="admin", name="Ada Admin")
    return signed_in(app, ADMIN)


def post_form(client, page_url: str, url: str | None = None, **data):
    """Post ``data`` to ``url`` (default: the page itself) with the page's CSRF token."""
    page = client.get(page_url)
    token = csrf_token(page.get_data(as_text=True))
    return client.post(url or page_url, data={**data, "csrf_token": token})


def account(app, email: str) -> StaffUser:
    with app.app_context():
        person = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        db.session.expunge(person)
        return person


def audit_details(app, action: str) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()


def errors_of(html: str) -> list[str]:
    """The messages of the page's error summary."""
    summary = re.search(r'class="error-summary".*?</ul>', html, re.S)
    assert summary, "the page shows no error summary"
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


def link_on(html: str) -> str:
    """The set-password link shown once on the admin's page, as a path."""
    match = re.search(r'id="password-link" value="http://[^/"]+(/staff/set-password/[^"]+)"', html)
    assert match, "no set-password link on the page"
    return match.group(1)
