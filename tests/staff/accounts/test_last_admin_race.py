"""Two admins taking each other's admin role, account or access at the same moment
leave the clinic with one admin, never none.

Each form's own check reads the other admins before the colleague's change is
committed, so both used to pass. Here the first change is made and held open (not
committed) while the second runs in another thread: the second waits for it
(PostgreSQL's row locks, SQLite's write lock), reads again, and is refused.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from core.extensions import db
from staff.accounts import changes
from staff.models import StaffUser
from tests.factories import csrf_token, make_staff, staff_client


def admins(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == "admin", StaffUser.active.is_(True))
        )


def demote(person: StaffUser, by: StaffUser) -> None:
    edit = changes.AccountEdit(person.name, "staff", True, True, True)
    changes.apply_edit(person, edit, by)


def in_the_meantime(app, change) -> list[object]:
    """Run ``change(ada, bea)`` in a thread of its own; what it raised, or "done"."""
    outcome: list[object] = []

    def run():
        with app.app_context():
            ada, bea = (db.session.get(StaffUser, i) for i in (1, 2))
            try:
                change(ada, bea)
                db.session.commit()
                outcome.append("done")
            except changes.EditRefused as refused:
                db.session.rollback()
                outcome.append(refused)

    thread = threading.Thread(target=run)
    thread.start()
    return [thread, outcome]


def test_two_admins_demoting_each_other_at_once_leave_one(app_factory):
    app = app_factory()
    ada = make_staff(app, "ada@clinic.test", role="admin")
    bea = make_staff(app, "bea@clinic.test", role="admin")
    assert (ada, bea) == (1, 2)
    with app.app_context():
        demote(db.session.get(StaffUser, bea), by=db.session.get(StaffUser, ada))  # held open
        thread, outcome = in_the_meantime(app, lambda ada, bea: demote(ada, by=bea))
        time.sleep(0.5)  # long enough for Bea's change on Ada to reach its wait
        db.session.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    (refused,) = outcome
    assert isinstance(refused, changes.EditRefused)
    assert "last admin" in str(refused.message)
    assert admins(app) == 1


@pytest.mark.parametrize("action", ["disable", "remove"])
def test_disabling_or_removing_the_other_admin_meanwhile_demoted_is_refused(app_factory, action):
    """Through the console: Bea, still an admin when her click arrives, disables or
    removes Ada while Ada's demotion of Bea is being saved. Bea's change waits for
    Ada's, reads again, finds no admin would be left, and is undone with a message."""
    app = app_factory()
    make_staff(app, "ada@clinic.test", role="admin")
    client = staff_client(app, "bea@clinic.test", role="admin")
    page = client.get("/staff/admin/staff").get_data(as_text=True)
    answers = []
    with app.app_context():
        demote(db.session.get(StaffUser, 2), by=db.session.get(StaffUser, 1))  # held open
        thread = threading.Thread(
            target=lambda: answers.append(
                client.post(f"/staff/admin/staff/1/{action}", data={"csrf_token": csrf_token(page)})
            )
        )
        thread.start()
        time.sleep(0.5)
        db.session.commit()
    thread.join(timeout=30)
    (answer,) = answers
    assert answer.status_code == 303
    assert admins(app) == 1
    with app.app_context():
        ada = db.session.get(StaffUser, 1)
        assert ada is not None and ada.active and ada.is_admin
    shown = client.get("/staff/account").get_data(as_text=True)
    assert "This is the last admin: make someone else an admin first." in shown
