"""Every console page, and the API's lead list, sends as many queries with 60 leads as with 10.

A page showing one lead, or one page of leads, must not read each listed lead's
assignee, notes or appointments one query at a time (an N+1), nor anything else
whose number of queries grows with the leads stored: at a group of clinics'
100,000 leads that is what made pages slow (bench/console_scale.py prints the
same counts at any size).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment
from tests.api_token_support import bearer, make_token
from tests.factories import make_lead, staff_client
from tests.queries import queries_of

FEW, MANY = 10, 60

PAGES = [
    "/staff/leads",
    "/staff/leads?follow_up=today",
    "/staff/leads?follow_up=overdue",
    "/staff/leads?status=untouched",
    "/staff/leads?assigned=me",
    "/staff/leads?status=new&assigned=none",
    "/staff/leads?q=example",
    "/staff/leads?q=person3%40example.com",
    # Pages by key (staff/leads/keyset.py): after a key from 2100, and the order by due time.
    "/staff/leads?after=4102444800000000.1",
    "/staff/leads?sort=due",
    "/staff/leads?sort=due&after=-.1",
    "/staff/dashboard",
    "/staff/rules",
    "/staff/calls",
    "/staff/consultations",
    "/staff/leads/bookings",
    "/staff/rules/scorecard",
    "/staff/rules/drafts",
    "/staff/admin/data-requests",
    "/staff/admin/outbox",
    "/staff/admin/audit",
]


def store_leads(app, first: int, last: int, staff_id: int) -> None:
    """Leads ``first``..``last - 1`` with the mixture a clinic has: assignees, follow-ups
    overdue and coming, calls and notes, appointments, a person who asked twice."""
    now = utcnow()
    statuses = ("new", "contacted", "booked", "new", "closed")
    for index in range(first, last):
        person = index - 1 if index % 7 == 1 else index
        lead_id = make_lead(
            app,
            direct=True,
            name=f"Person {person} Example",
            email=f"person{person}@example.com",
            phone=f"+4420794{person:05d}",
            status=statuses[index % 5],
            notes=("Called: no answer.", "Prefers mornings.") if index % 2 else (),
            assigned_to_id=None if index % 4 == 3 else staff_id,
            follow_up_at=now + timedelta(hours=(index % 5) - 2) if index % 4 else None,
            created_at=now - timedelta(days=index % 40, hours=index + 30),
        )
        if index % 3 == 0 or statuses[index % 5] == "booked":  # lead 2's has passed
            with app.app_context():
                db.session.add(
                    Appointment(
                        lead_id=lead_id,
                        starts_at=now + timedelta(days=index % 9 - 3),
                        kind="consultation",
                        created_by_id=staff_id,
                    )
                )
                db.session.commit()


def grow_and_count(app, client, url_of, **kwargs) -> tuple[list[str], list[str]]:
    """The statements of one fetch with FEW leads stored, then with MANY."""
    store_leads(app, 0, FEW, client.staff_id)
    few = queries_of(app, client, url_of(), **kwargs).statements
    store_leads(app, FEW, MANY, client.staff_id)
    many = queries_of(app, client, url_of(), **kwargs).statements
    return few, many


def assert_same_count(few: list[str], many: list[str]) -> None:
    grown = [statement for statement in many if many.count(statement) > few.count(statement)]
    assert len(many) == len(few), f"{len(few)} → {len(many)} queries; repeated: {grown[:3]}"


@pytest.fixture
def admin(db_app):
    return staff_client(db_app, "admin@clinic.test", "admin", name="Ada Admin")


@pytest.mark.parametrize("url", PAGES)
def test_a_console_page_sends_as_many_queries_at_60_leads_as_at_10(db_app, admin, url):
    few, many = grow_and_count(db_app, admin, lambda: url)
    assert_same_count(few, many)


@pytest.mark.parametrize("keep", ["", "?status=new&assigned=me", "?follow_up=overdue"])
def test_one_leads_page_sends_as_many_queries_at_60_leads_as_at_10(db_app, admin, keep):
    """The first lead stored (with notes, an appointment and a duplicate) stays the one shown."""
    few, many = grow_and_count(db_app, admin, lambda: f"/staff/leads/1{keep}")
    assert_same_count(few, many)


def test_the_api_lead_list_sends_as_many_queries_at_60_leads_as_at_10(db_app, admin):
    token = bearer(make_token(db_app))
    few, many = grow_and_count(db_app, admin, lambda: "/api/v1/leads?limit=5", headers=token)
    assert_same_count(few, many)
    # The next page through the cursor too.
    first = admin.get("/api/v1/leads?limit=5", headers=token).get_json()
    assert first["next_cursor"], "60 leads fill more than one page of 5"
    assert len(queries_of(db_app, admin, "/api/v1/leads?limit=5", headers=token).statements) == (
        len(queries_of(db_app, admin, f"/api/v1/leads?limit=5&cursor={first['next_cursor']}",
                       headers=token).statements)
    )  # fmt: skip
