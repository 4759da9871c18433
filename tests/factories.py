"""The test factories: a lead in any state, a member of staff of any role (signed in as a
test client if wanted), and a console form posted with its page's CSRF token.

Every test that needs a lead, an account or a console POST makes it here; the
checks stay in the tests.
"""

from __future__ import annotations

import re
import uuid

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select, update

from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from leads.capture import capture_lead
from leads.consent import CONSENT_VERSION
from leads.models import Contact, Lead, LeadNote, OutboxMessage
from questionnaire.reference import result_reference
from questionnaire.service import evaluate
from staff.accounts.passwords import hash_password
from staff.models import StaffUser
from tests.support import BY_OUTCOME

PASSWORD = "correct horse battery"

#: The person a lead is from unless a test names another.
PERSON = Contact(
    name="Zoë Example",
    email="zoe@example.com",
    phone="+442079460958",
    contact_time="morning",
    message="Evenings are hard for me.",
)


# --- Leads -------------------------------------------------------------------------


def make_lead(
    app,
    *,
    contact: Contact | None = None,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    message: str | None = None,
    outcome: str = "book_consultation",
    lang: str = "en",
    source: str = "site",
    status: str = "new",
    direct: bool = False,
    notes: tuple[str, ...] = (),
    notifications: tuple[str, ...] = (),
    audit: tuple[str, ...] = (),
    **columns,
) -> int:
    """A stored lead's id: from ``contact`` (default PERSON; ``name``, ``email``, ``phone``,
    ``message`` change one field), whose answers gave ``outcome``, starting at ``status``
    (as phone intake starts one "contacted").

    Stored as the contact form stores one (its decision in ``lang``, consent,
    notifications, counters), or with ``direct`` as a row written as it is (no
    notifications, no duplicate of the contact form's work). Then ``notes`` (texts),
    ``notifications`` (outbox kinds) and ``audit`` (actions) on it, and any ``columns``
    of Lead set afterwards: ``status``, ``assigned_to_id``, ``follow_up_at``,
    ``created_at`` (``updated_at`` with it unless given), ``merged_into_id``...
    """
    person = contact or PERSON
    person = Contact(
        name=person.name if name is None else name,
        email=person.email if email is None else email,
        phone=person.phone if phone is None else phone,
        contact_time=person.contact_time,
        message=person.message if message is None else message,
    )
    answers = BY_OUTCOME[outcome]
    with app.app_context():
        flow_id = f"test-{uuid.uuid4()}"
        if direct:
            lead = Lead(
                flow_id=flow_id,
                result_reference=result_reference(flow_id),
                name=person.name,
                email=person.email,
                phone=person.phone,
                contact_time=person.contact_time,
                message=person.message,
                lang=lang,
                source=source,
                status=status,
                consent_version=CONSENT_VERSION,
                consented_at=utcnow(),
                answers=dict(answers),
                outcome=outcome,
                reasons=[],
                rulebase_version="test",
                rulebase_sha256="0" * 64,
            )
            db.session.add(lead)
            db.session.flush()
            lead_id = lead.id
        else:
            lead_id = capture_lead(
                flow_id=flow_id,
                answers=answers,
                decision=evaluate(answers, lang=lang),
                contact=person,
                lang=lang,
                source=source,
                status=status,
            ).lead_id
        for text in notes:
            db.session.add(LeadNote(lead_id=lead_id, text=text))
        for kind in notifications:
            db.session.add(OutboxMessage(lead_id=lead_id, kind=kind, event="lead.created"))
        for action in audit:
            db.session.add(
                AuditEvent(action=action, lead_id=lead_id, staff_email="desk@clinic.test")
            )
        if "created_at" in columns:
            columns.setdefault("updated_at", columns["created_at"])
        if columns:
            db.session.execute(update(Lead).where(Lead.id == lead_id).values(**columns))
        db.session.commit()
        return lead_id


# --- Staff ---------------------------------------------------------------------------


def make_staff(
    app,
    email: str = "staff@clinic.test",
    role: str = "staff",
    password: str = PASSWORD,
    name: str = "",
    *,
    may_export: bool = False,
    may_delete: bool = False,
    two_factor: str | None = None,
    **columns,
) -> int:
    """A member of staff's id: ``role`` "staff" (the front desk), "clinician" or "admin";
    ``may_export``/``may_delete`` the permissions beyond the role; ``two_factor`` a base32
    secret to have two-factor sign-in on with it (``pyotp.random_base32()``); any other
    StaffUser ``columns`` (``active``, ``lang``, ``must_change_password``...)."""
    with app.app_context():
        user = StaffUser(
            email=email,
            role=role,
            name=name or email.split("@")[0].title(),
            password_hash=hash_password(password),
            can_export=may_export,
            can_delete=may_delete,
            **columns,
        )
        if two_factor is not None:
            user.totp_secret = two_factor
            user.totp_confirmed_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user.id


def staff_client(
    app,
    email: str = "staff@clinic.test",
    role: str = "staff",
    password: str = PASSWORD,
    name: str = "",
    **account,
) -> FlaskClient:
    """A test client signed in as this member of staff, made (as ``make_staff``, with
    ``account``'s options) unless the account exists already; its ``staff_id`` is theirs.

    With two-factor on, the client has passed the password step only."""
    with app.app_context():
        known = db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))
    staff_id = known or make_staff(app, email, role, password, name, **account)
    client = app.test_client()
    answer = sign_in(client, email, password)
    assert answer.status_code == 302, answer.status_code
    client.staff_id = staff_id
    return client


def two_factor_secret() -> str:
    """A new secret for ``make_staff(two_factor=...)``."""
    return pyotp.random_base32()


# --- Console forms -------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


def sign_in(client, email: str = "staff@clinic.test", password: str = PASSWORD):
    """The sign-in form posted as a browser does; the answer (302 when it worked)."""
    page = client.get("/staff/sign-in")
    return client.post(
        "/staff/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.get_data(True))},
    )


def post_form(client, page_url: str, url: str | None = None, data: dict | None = None, **fields):
    """Post ``data`` and ``fields`` to ``url`` (default: the page itself) with the CSRF
    token of the page at ``page_url``, as the browser showing that page would."""
    page = client.get(page_url)
    token = csrf_token(page.get_data(as_text=True))
    return client.post(url or page_url, data={**(data or {}), **fields, "csrf_token": token})
