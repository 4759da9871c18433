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
- ``rules``: the rule version this process decides with loads and ``rules.verify``
  proves it (every property of the contract's section 7). The proof takes a few
  tens of milliseconds, so it runs once per process and rule version, at the
  first readiness check, and is remembered.

Nothing here calls another host, and an error's text is never in the answer
(it can name the database's host and user): only its class, with the details
in the log.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import rules
from core.database import MIGRATIONS, schema_at_head
from core.extensions import db
from rules.verify import verify

log = logging.getLogger(__name__)

Check = dict[str, Any]

_proved: dict[tuple[str, str], bool] = {}  # (path, sha256) -> the proof held
_proving = threading.Lock()


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
    # The migrations cannot be compared while the database is down: only "database" is named.
    failing = [
        name
        for name, check in checks.items()
        if not check["ok"] and not (name == "migrations" and not database["ok"])
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


def live_rulebase() -> rules.RuleBase:
    """The rule version this process decides with."""
    # questionnaire.init_app may keep the rule version it proved at start-up in
    # app.extensions["rulebase"]; before it does, the shipped file decides.
    return current_app.extensions.get("rulebase") or rules.default_rulebase()


def rules_check() -> Check:
    try:
        base = live_rulebase()
    except (rules.RuleFileError, OSError) as error:
        log.warning("readiness: the rule file did not load: %s", error)
        return {"ok": False, "status": "not_loaded", "signed": None}
    proved = _proof_of(base)
    check: Check = {
        "ok": proved is True,
        "status": {True: "proved", False: "not_proved", None: "changed_on_disk"}[proved],
        "version": base.version,
        "sha256": base.sha256,
        "signed": signed_rule_version(base),
    }
    return check


def _proof_of(base: rules.RuleBase) -> bool | None:
    """Whether the proof holds for this rule version; None when the file on disk is no
    longer the version being served (it changed since it was loaded) and it was never
    proved here: this process cannot prove what it decides with."""
    key = (base.path, base.sha256)
    if key not in _proved:
        with _proving:
            if key not in _proved:
                report = verify(base.path)
                if report.rulebase is None or report.rulebase.sha256 != base.sha256:
                    log.warning("readiness: %s changed since it was loaded: restart", base.path)
                    return None
                if not report.ok:
                    log.error("readiness: the rule file fails its proof:\n%s", report.format())
                _proved[key] = report.ok
    return _proved[key]


def signed_rule_version(_base: rules.RuleBase) -> None:
    """Whether the live rule version is the signed-off one: always None for now.

    HOOK: the sign-off of rule versions is being built in a separate issue. Until
    it lands this answers None ("not checked"), shown as ``"signed": null``, and
    readiness does not depend on it. That work replaces this function's body (and
    decides whether an unsigned version makes the instance not ready); nothing
    here guesses at what a signature is.
    """
    return None
