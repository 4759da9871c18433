"""Readiness: may this instance be sent people? Three checks, each cheap.

- ``database``: a ``SELECT 1`` on a pooled connection.
- ``migrations``: the database's ``alembic_version`` against the migration scripts'
  head (``core.database.schema_at_head``). A database *behind* this release's
  scripts fails: the code may use a column that is not there yet. A database
  *ahead* of them (a revision these scripts do not know) passes, as "ahead": that
  is this release during a rolling deploy, after the deploy step has migrated for
  the next one, or after a rollback, and docs/production.md requires every
  migration to suit the release before it. Failing there would take every
  instance out of the load balancer at once.
- ``rules``: a rule version may decide for patients: in production a signed one
  (the deployed version once signed, or the last signed version while it awaits
  sign-off), outside production any; each was proved when it was loaded. Also
  names the deployed version and whether it is signed, so an operator sees a
  release awaiting its clinical sign-off.

Nothing here calls another host, and an error's text is never in the answer
(it can name the database's host and user): only its class, with the details
in the log.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import rules
from core.database import MIGRATIONS, schema_at_head
from core.extensions import db
from signoff.deployed import deployed
from signoff.service import RulesUnavailable, live

log = logging.getLogger(__name__)

Check = dict[str, Any]


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, the answer's body): every check, and the names of those that fail."""
    database = database_check()
    checks = {
        "database": database,
        "migrations": migrations_check()
        if database["ok"]
        else {"ok": False, "status": "unknown", "reason": "the database did not answer"},
        "rules": rules_check(),
    }
    # While the database is down, what depends on it is not named: only "database" is.
    failing = [
        name
        for name, check in checks.items()
        if not check["ok"] and (database["ok"] or check["status"] != "unknown")
    ]
    ready = all(check["ok"] for check in checks.values())
    return ready, {
        "status": "ready" if ready else "not_ready",
        "failing": failing,
        "checks": checks,
    }


def database_check() -> Check:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("readiness: the database did not answer: %s", error.__class__.__name__)
        return {"ok": False, "status": "unreachable", "error": type(error).__name__}
    return {"ok": True, "status": "answers"}


def migrations_check() -> Check:
    try:
        if schema_at_head(db.engine):
            return {"ok": True, "status": "at_head"}
        return _not_at_head()
    except SQLAlchemyError as error:
        log.warning("readiness: the schema version could not be read: %s", type(error).__name__)
        return {"ok": False, "status": "unknown", "error": type(error).__name__}


def _not_at_head() -> Check:
    """Behind this release's head (fails), or at a revision it does not know (ahead: passes)."""
    scripts = ScriptDirectory(str(MIGRATIONS))
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    known = {script.revision for script in scripts.walk_revisions()}
    head = ",".join(sorted(scripts.get_heads()))
    if current and not set(current) <= known:
        return {"ok": True, "status": "ahead", "head": head}
    return {"ok": False, "status": "behind", "head": head, "current": ",".join(current) or None}


def rules_check() -> Check:
    """Whether a proved, signed rule version decides (outside production, any proved one).

    Every version that can decide was proved when it was loaded (the deployed file at
    start-up, a stored signed version before its first decision: ``signoff``), so this
    reads the live choice and proves nothing again.
    """
    shipped = deployed().base
    try:
        choice = live()
    except RulesUnavailable:  # production, the sign-offs unreadable, no earlier choice
        return {"ok": False, "status": "unknown", "signed": None, "deployed": _version(shipped)}
    on_disk = {**_version(shipped), "signed": choice.deployed_signoff is not None}
    if choice.base is None:
        return {"ok": False, "status": "no_signed_version", "signed": False, "deployed": on_disk}
    return {
        "ok": True,
        "status": "signed" if choice.signoff else "not_signed",
        **_version(choice.base),
        "signed": choice.signoff is not None,
        "deployed": on_disk,
    }


def _version(base: rules.RuleBase) -> dict[str, str]:
    return {"version": base.version, "sha256": base.sha256}
