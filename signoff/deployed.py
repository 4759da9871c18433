"""The rule file this release ships, proved when the app starts.

Every property of the contract's section 7 (``rules.verify``, the same proof as
``python -m rules check``) must hold, in every environment: a rule file that
fails never decides for anyone, because the app does not start, and the error
names the property, the rule and the answers that show it. The proof takes
about a tenth of a second, cheap enough for every start of every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

import rules
from rules.engine import RULES_PATH
from rules.report import Report
from rules.verify import verify

__all__ = ["DeployedRules", "RulesNotProved", "deployed", "proof_summary", "prove"]


class RulesNotProved(RuntimeError):
    """The rule file fails the proof: the app must not start with it."""


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
            + report.format()
        )
    return DeployedRules(report.rulebase, data, proof_summary(report))


def deployed() -> DeployedRules:
    """The rule version this release ships, proved at start-up."""
    return current_app.extensions["deployed_rules"]


def init_app(app: Flask) -> None:
    app.extensions["deployed_rules"] = prove(Path(app.config.get("RULES_FILE") or RULES_PATH))
