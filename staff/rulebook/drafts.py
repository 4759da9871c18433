"""Rule drafts: started from the live version, saved with optimistic concurrency, each
save in the change log with who and when.

A save names the revision it was made from. It is written only if the draft is still at
that revision (one UPDATE ... WHERE revision = ?, so two instances cannot both win);
otherwise the caller gets ``Stale`` naming who saved in between, and shows the person
their own edits again, unsaved. Only an open draft changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from core.dbtypes import utcnow as _utcnow
from core.extensions import db
from signoff.deployed import deployed
from signoff.draft_models import RuleDraft, RuleDraftChange
from signoff.service import live, signed_text
from staff.models import StaffUser
from staff.rulebook.draft_toml import dumps, loads

__all__ = [
    "Stale",
    "authors",
    "changes",
    "discard",
    "draft_doc",
    "drafts",
    "get_draft",
    "save",
    "start_draft",
]

NAME_MAX = 120


def utcnow():
    """Now, to the second: a page's <time datetime> takes at most milliseconds."""
    return _utcnow().replace(microsecond=0)


WHAT_MAX = 500


@dataclass(frozen=True)
class Stale:
    """The draft changed since the person opened it: who saved last, when, and what."""

    by: str
    at: datetime
    what: str
    revision: int  # the draft's revision now
    state: str


def _who(user: StaffUser) -> str:
    return user.display_name[:NAME_MAX]


def _log(draft_id: int, revision: int, user: StaffUser, what: str) -> None:
    db.session.add(
        RuleDraftChange(
            draft_id=draft_id,
            revision=revision,
            staff_id=user.id,
            staff_name=_who(user),
            changed_at=utcnow(),
            what=what[:WHAT_MAX],
        )
    )


def start_draft(user: StaffUser, name: str) -> RuleDraft:
    """A new draft holding the version deciding now (the deployed one when none may),
    under a version name of its own; committed."""
    choice = live()
    base = choice.base or choice.deployed
    text = (
        signed_text(base.sha256) if choice.signoff is not None else None
    ) or deployed().data.decode("utf-8")
    now = utcnow()
    draft = RuleDraft(
        name=name.strip()[:NAME_MAX],
        based_on_sha256=base.sha256,
        rules_text=text,
        revision=1,
        state="open",
        created_by_id=user.id,
        created_by_name=_who(user),
        created_at=now,
        updated_by_id=user.id,
        updated_by_name=_who(user),
        updated_at=now,
    )
    db.session.add(draft)
    db.session.flush()
    doc = loads(text)
    doc["version"] = f"{base.version}-draft{draft.id}"[:64]
    draft.rules_text = dumps(doc)
    _log(draft.id, 1, user, f"Started from version {base.version}")
    db.session.commit()
    return draft


def get_draft(draft_id: int) -> RuleDraft | None:
    return db.session.get(RuleDraft, draft_id, populate_existing=True)


def drafts() -> list[RuleDraft]:
    """Every draft: open ones first, then the newest."""
    rows = db.session.scalars(select(RuleDraft).order_by(RuleDraft.updated_at.desc()))
    return sorted(rows, key=lambda d: d.state != "open")


def draft_doc(draft: RuleDraft) -> dict[str, Any]:
    """The draft's rules as data to edit (its text is always written by dumps)."""
    return loads(draft.rules_text)


def changes(draft_id: int) -> list[RuleDraftChange]:
    """Who changed what, newest first."""
    return list(
        db.session.scalars(
            select(RuleDraftChange)
            .where(RuleDraftChange.draft_id == draft_id)
            .order_by(RuleDraftChange.revision.desc(), RuleDraftChange.id.desc())
        )
    )


def authors(draft_id: int) -> set[int]:
    """The staff ids of everyone who changed the draft (its start included)."""
    return {
        staff_id
        for staff_id in db.session.scalars(
            select(RuleDraftChange.staff_id).where(RuleDraftChange.draft_id == draft_id)
        )
        if staff_id is not None
    }


def _stale(draft_id: int) -> Stale:
    draft = get_draft(draft_id)
    assert draft is not None
    last = changes(draft_id)
    return Stale(
        draft.updated_by_name,
        draft.updated_at,
        last[0].what if last else "",
        draft.revision,
        draft.state,
    )


def save(
    draft_id: int, revision: int, doc: dict[str, Any], user: StaffUser, what: str
) -> RuleDraft | Stale:
    """Write ``doc`` as the draft's text if it is still open at ``revision``; committed.

    ``Stale`` (nothing written) when someone saved since, or it was signed or discarded.
    """
    return _write(draft_id, revision, user, what, rules_text=dumps(doc))


def discard(draft_id: int, revision: int, user: StaffUser) -> RuleDraft | Stale:
    """Set the draft aside (it stays, with its log); committed."""
    return _write(draft_id, revision, user, "Discarded the draft", state="discarded")


def _write(draft_id: int, revision: int, user: StaffUser, what: str, **values) -> RuleDraft | Stale:
    done = db.session.execute(
        update(RuleDraft)
        .where(
            RuleDraft.id == draft_id,
            RuleDraft.revision == revision,
            RuleDraft.state == "open",
        )
        .values(
            revision=revision + 1,
            updated_by_id=user.id,
            updated_by_name=_who(user),
            updated_at=utcnow(),
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        return _stale(draft_id)
    _log(draft_id, revision + 1, user, what)
    db.session.commit()
    draft = get_draft(draft_id)
    assert draft is not None
    return draft


def mark_signed(draft_id: int, revision: int, sha256: str, user: StaffUser) -> bool:
    """In the caller's transaction (the sign-off's): the draft at ``revision`` is signed
    as ``sha256``; False when it changed since (the caller rolls back)."""
    done = db.session.execute(
        update(RuleDraft)
        .where(
            RuleDraft.id == draft_id,
            RuleDraft.revision == revision,
            RuleDraft.state == "open",
        )
        .values(
            state="signed",
            signed_sha256=sha256,
            revision=revision + 1,
            updated_by_id=user.id,
            updated_by_name=_who(user),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    _log(draft_id, revision + 1, user, "Signed off: it decides for patients")
    return True
