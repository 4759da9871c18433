"""Helpers for the account, permission and password tests: accounts, audit, error summaries."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.extensions import db
from staff.models import AuditEvent, StaffUser

ADMIN = "admin@clinic.test"
NEW_PASSWORD = "kettle umbrella violin 42"


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
    match = re.search(r'id="password-link" value="http://[^/"]+(/staff/set-password[^"]+)"', html)
    assert match, "no set-password link on the page"
    return match.group(1)
