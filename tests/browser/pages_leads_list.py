"""Browser-registry states of the leads list a coordinator starts the day from.

The list with its assignee and follow-up columns, the day's counts at the top
and an untouched lead's tag; the "assigned to me" view; a search that finds
nobody; and a lead page reached through the list's own link (so the filters are
in its address), showing the way back and the previous and next lead. The call
list ("My calls", everyone's) and a lead opened from it ("Save and next call").
The working list and the call list in Spanish too. The morning's leads are written once, directly.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from staff.models import StaffUser
from tests.browser.pages import STAFF_EMAIL, PageState, once, signed_in_cookies, staff
from tests.factories import make_lead


def _a_morning(page, server) -> None:
    """Four leads for the signed-in admin's day: overdue, due later, untouched, unassigned."""
    signed_in_cookies(page, server)  # the admin exists before leads are assigned to them

    def make() -> bool:
        now = utcnow()
        app = server.app
        with app.app_context():
            me = db.session.scalar(select(StaffUser.id).where(StaffUser.email == STAFF_EMAIL))
        rows = [
            ("Priya Overdue", me, now - timedelta(hours=3), now - timedelta(days=2)),
            ("Sam Later", me, now + timedelta(days=2), now - timedelta(hours=6)),
            ("Noor Untouched", None, None, now - timedelta(hours=30)),
            ("Leo Overdue", None, now - timedelta(hours=1), now - timedelta(hours=5)),
        ]
        for name, assignee, follow_up, created in rows:
            lead_id = make_lead(
                app, name=name, email=f"{name.split()[0].lower()}@example.com", created_at=created
            )
            with app.app_context():
                db.session.execute(
                    update(Lead)
                    .where(Lead.id == lead_id)
                    .values(assigned_to_id=assignee, follow_up_at=follow_up)
                )
                db.session.commit()
        return True

    once(server, "leads-list-morning", make)


def _list(path: str):
    def reach(page, server) -> None:
        _a_morning(page, server)
        staff(path)(page, server)
        page.wait_for_selector("nav.lead-views")

    return reach


def lead_with_navigation(page, server) -> None:
    """Filter to overdue, then open the first lead through the list's link."""
    _list("/staff/leads?follow_up=overdue")(page, server)
    page.locator("table.data tbody a").first.click()
    page.wait_for_selector("nav.lead-nav")


def _calls(path: str):
    """The call list ("My calls", or everyone's for the admin) over the same morning."""

    def reach(page, server) -> None:
        _a_morning(page, server)
        staff(path)(page, server)
        page.wait_for_selector("table.calls-list")

    return reach


def lead_from_calls(page, server) -> None:
    """The first call opened from "My calls": its way back, and "Save and next call"."""
    _calls("/staff/calls")(page, server)
    page.locator("table.calls-list tbody a").first.click()
    page.wait_for_selector("#call_next", state="attached")


PAGES: list[PageState] = [
    PageState("staff-my-calls", _calls("/staff/calls")),
    PageState("staff-everyones-calls", _calls("/staff/calls?who=everyone")),
    PageState("staff-lead-from-calls", lead_from_calls),
    PageState("es-staff-my-calls", _calls("/staff/calls"), lang="es"),
    PageState("es-staff-lead-from-calls", lead_from_calls, lang="es"),
    PageState("staff-leads-workday", _list("/staff/leads")),
    PageState("staff-leads-assigned-to-me", _list("/staff/leads?assigned=me")),
    PageState("staff-leads-by-due-time", _list("/staff/leads?sort=due")),
    # A filter other than the search in use: the folded filters open.
    PageState("staff-leads-more-filters-open", _list("/staff/leads?status=new&sort=due")),
    PageState("staff-leads-search-no-match", _list("/staff/leads?q=%2B1%20415%20555%200000")),
    PageState("staff-lead-navigation", lead_with_navigation),
    PageState("es-staff-leads-workday", _list("/staff/leads"), lang="es"),
    PageState("es-staff-lead-navigation", lead_with_navigation, lang="es"),
]
