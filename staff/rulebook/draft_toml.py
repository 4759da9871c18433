"""A draft's rules as TOML text: read into plain data to edit, written back to sign.

The draft keeps its rules as the rule file's own text (what is proved, signed and
downloaded is one text), so the editor needs a writer. The rule file uses a small part
of TOML (strings, whole numbers, booleans, lists, inline tables, dates), which this
writes deterministically; no TOML writer library is installed here, and this one is
checked by reading every text it writes back with tomllib (tests).
"""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from typing import Any

__all__ = ["dumps", "loads"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOP_ORDER = ("version", "hit_policy", "reviewed_by", "reviewed_on")
_RULE_ORDER = ("id", "reason", "outcome", "evidence", "note", "text", "when")


def loads(text: str) -> dict[str, Any]:
    """The draft's text as data (a TOMLDecodeError for text that is not TOML)."""
    return tomllib.loads(text)


def _string(value: str) -> str:
    # JSON's escapes are TOML's basic-string escapes; DEL must be escaped too in TOML.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"a rule file holds no {type(value).__name__}")


def _ordered(table: dict[str, Any], order: tuple[str, ...]) -> list[str]:
    return [k for k in order if k in table] + [k for k in table if k not in order]


def dumps(doc: dict[str, Any]) -> str:
    """The rule file's text for ``doc`` (top-level keys, then one [[rule]] table each)."""
    lines = [f"{_key(k)} = {_value(doc[k])}" for k in _ordered(doc, _TOP_ORDER) if k != "rule"]
    for rule in doc.get("rule", []):
        lines.append("")
        lines.append("[[rule]]")
        lines.extend(f"{_key(k)} = {_value(rule[k])}" for k in _ordered(rule, _RULE_ORDER))
    return "\n".join(lines) + "\n"
