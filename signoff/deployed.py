"""The rule file this release ships, proved when the app starts.

Every property of the contract's section 7 (``rules.verify``, the same proof as
``python -m rules check``) must hold, in every environment: a rule file that
fails never decides for anyone, because the app does not start, and the error
names the property, the rule and the answers that show it. The proof takes
about a tenth of a second, cheap enough for every start of every worker.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from flask import Flask, current_app

import rules
from rules.engine import RULES_PATH
from rules.i18n import N_, gettext
from rules.in_words import refusal_paragraph
from rules.report import Report
from rules.verify import verify

__all__ = [
    "DeployedRules",
    "RulesNotProved",
    "RulesRefusedAtStart",
    "deployed",
    "proof_summary",
    "prove",
]


class RulesNotProved(Exception):
    """The rule file fails the proof: the app must not start with it.

    Not a RuntimeError: gunicorn's runner catches those and exits 1 (the arbiter then
    restarts workers forever); see RulesRefusedAtStart.

    ``report`` is the proof's report (None when the file could not be read at all).
    """

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


class RulesRefusedAtStart(RulesNotProved, SystemExit):
    """Start-up stops: the finding in words is already on standard error.

    A SystemExit, so that ``flask run``, ``flask --app app ...`` and gunicorn end the
    process without a traceback; its code is gunicorn's "App failed to load" (4), so a
    gunicorn master stops instead of starting worker after worker. Still a
    RulesNotProved for callers that build the app in-process (tests).
    """

    EXIT_CODE = 4

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message, report)
        self.code = self.EXIT_CODE


@dataclass(frozen=True)
class DeployedRules:
    """The proved rule version and its exact bytes (what a clinician signs)."""

    base: rules.RuleBase
    data: bytes
    proof: str  # the proof's summary, as a sign-off records it


def proof_summary(report: Report) -> str:
    """One line saying what the proof covered, for the sign-off record and the console."""
    base = report.rulebase
    return (
        f"proved over {report.space:,} answers objects: no gap, static, reachable, "
        f"{len(report.properties)} safety properties; {len(base.rules) if base else 0} rules; "
        f"languages {', '.join(report.languages)}; {report.elapsed:.2f} s"
    )


def prove(path: Path, data: bytes | None = None) -> DeployedRules:
    """The rule version at ``path`` (or these bytes), once it passes the whole proof;
    RulesNotProved otherwise."""
    data = path.read_bytes() if data is None else data
    report = verify(path, rules_data=data)
    if not report.ok or report.rulebase is None:
        raise RulesNotProved(
            f"the rule file {path} fails the proof, so the app will not decide with it:\n"
            + report.format(),
            report,
        )
    return DeployedRules(report.rulebase, data, proof_summary(report))


def deployed() -> DeployedRules:
    """The rule version this release ships, proved at start-up."""
    return current_app.extensions["deployed_rules"]


def init_app(app: Flask) -> None:
    """Prove the rule file before anything else starts; refuse to start if it fails.

    The refusal is one paragraph on standard error (the rule, the safety minimum, the
    person it would wrongly reassure, in words: rules.in_words), then the process
    ends with RulesRefusedAtStart's code, without a traceback.
    """
    path = Path(app.config.get("RULES_FILE") or RULES_PATH)
    lang = app.config.get("BABEL_DEFAULT_LOCALE") or "en"
    try:
        app.extensions["deployed_rules"] = prove(path)
    except RulesNotProved as refused:
        assert refused.report is not None
        _refuse(refusal_paragraph(refused.report, lang), str(refused), refused.report)
    except OSError as unreadable:
        words = gettext(
            N_("The rule file %(path)s cannot be read (%(error)s), so the app will not start."),
            lang,
        ) % {"path": path, "error": unreadable}
        _refuse(words, words, None)


def _refuse(paragraph: str, message: str, report: Report | None) -> NoReturn:
    print(paragraph, file=sys.stderr, flush=True)
    raise RulesRefusedAtStart(message, report) from None
