"""Read safety.toml: the safety properties the proof holds the rules to.

Each property says that answers in its `when` get at least some outcome
(contract section 7, check 4); reading the file is kept apart from the proof
(rules.verify) so the file's own problems are listed in one place.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .boxes import Box, box_of
from .conditions import compile_when
from .schema import INFO, OUTCOMES, REASON_SEVERITY, stricter_or_equal

__all__ = ["SAFETY_PATH", "Property", "load_properties"]

SAFETY_PATH = Path(__file__).resolve().parent / "safety.toml"

_PROPERTY_KEYS = {"id", "covers", "when", "outcome_at_least", "note"}
_PROPERTY_ID = re.compile(r"S-[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Property:
    """One safety property: answers in `box` get `outcome_at_least` or stricter."""

    id: str
    covers: str
    outcome_at_least: str
    box: Box
    when: str = "{}"  # as written, for messages
    note: str = ""


def load_properties(path: Path) -> tuple[list[Property], list[str]]:
    """The safety properties, and every problem with the file (as "<id>: <problem>")."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [f"{path}: cannot read the safety file: {exc}"]
    problems = [f"{path}: unknown top-level key {k!r}" for k in sorted(set(doc) - {"property"})]
    raw_properties = doc.get("property", [])
    if not isinstance(raw_properties, list) or not raw_properties:
        problems.append(f"{path}: no properties: add [[property]] tables")
        raw_properties = []
    properties: list[Property] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_properties):
        pid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(pid, str) or not _PROPERTY_ID.fullmatch(pid):
            problems.append(f"property #{index + 1}: 'id' must be such as \"S-pregnancy\"")
            continue
        before = len(problems)
        problems.extend(f"{pid}: unknown key {k!r}" for k in sorted(set(raw) - _PROPERTY_KEYS))
        problems.extend(
            f"{pid}: missing key {k!r}"
            for k in ("covers", "when", "outcome_at_least")
            if k not in raw
        )
        if pid in seen:
            problems.append(f"{pid}: duplicate property id")
        seen.add(pid)
        covers, at_least = raw.get("covers"), raw.get("outcome_at_least")
        if "covers" in raw and covers not in REASON_SEVERITY:
            problems.append(f"{pid}: covers unknown reason key {covers!r}")
        elif covers in REASON_SEVERITY and REASON_SEVERITY[covers] == INFO:
            problems.append(f"{pid}: covers {covers!r}, an info reason, which sets no outcome")
        if "outcome_at_least" in raw and at_least not in OUTCOMES[:-1]:
            problems.append(
                f"{pid}: outcome_at_least must be one of {', '.join(OUTCOMES[:-1])}, "
                f"not {at_least!r}"
            )
        elif (
            covers in REASON_SEVERITY
            and REASON_SEVERITY[covers] != INFO
            and not stricter_or_equal(at_least, REASON_SEVERITY[covers])
        ):
            problems.append(
                f"{pid}: asks only for {at_least}, weaker than the contract's "
                f"{REASON_SEVERITY[covers]} for {covers!r}"
            )
        if not isinstance(raw.get("note", ""), str):
            problems.append(f"{pid}: 'note' must be a string")
        when, when_problems = compile_when(raw.get("when", {}))
        problems.extend(f"{pid}: {p}" for p in when_problems)
        if len(problems) == before:
            properties.append(
                Property(
                    pid, covers, at_least, box_of(when), _toml(raw["when"]), raw.get("note", "")
                )
            )
    # A property with other problems still counts as present: it is reported as it is.
    covered = {raw.get("covers") for raw in raw_properties if isinstance(raw, dict)}
    problems.extend(
        f"{path}: no safety property covers {key!r} ({severity}); add one"
        for key, severity in REASON_SEVERITY.items()
        if severity != INFO and key not in covered
    )
    return properties, problems


def _toml(value: object) -> str:
    """A condition as it is written in the files, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)
