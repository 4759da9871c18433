"""Check that every reason has reviewed patient text in every shipped language.

Part of check 2 (static) of the proof: the English texts in rules.reasons,
each shipped .po catalogue, and the compiled .mo that patients are served
from. Babel is needed only when a language beyond English is shipped.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Mapping
from pathlib import Path

from . import i18n
from .reasons import REASON_TEXTS
from .report import Finding
from .schema import REASON_SEVERITY

__all__ = ["shipped_languages"]


def shipped_languages(translations_dir: Path) -> list[str]:
    """ "en" plus every language with translations/<lang>/LC_MESSAGES/messages.po."""
    found = sorted(
        p.parent.parent.name
        for p in Path(translations_dir).glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po")
        if p.parent.parent.name != "en"
    )
    return ["en", *found]


def _text_findings(translations_dir: Path, languages: list[str]) -> list[Finding]:
    """Every reason key has non-empty, reviewed text in every shipped language."""
    findings = [
        Finding(2, f"en: reason {key!r} has no patient text in rules/reasons.py")
        for key in REASON_SEVERITY
        if not REASON_TEXTS.get(key, "").strip()
    ]
    if len(languages) > 1:
        # Babel reads the .po files; imported here so that the rules, and this
        # proof for English alone, need nothing beyond the standard library.
        from babel.messages.pofile import read_po
    for lang in languages[1:]:
        po = Path(translations_dir) / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        except Exception as exc:  # a broken catalogue is a finding, not a crash
            findings.append(Finding(2, f"{lang}: cannot read {po}: {exc}"))
            continue
        good: dict[str, str] = {}
        for key in REASON_SEVERITY:
            text = REASON_TEXTS.get(key)
            if not text:
                continue
            message = catalog.get(text)
            if message is None or not isinstance(message.string, str) or not message.string:
                findings.append(Finding(2, f"{lang}: reason {key!r} has no translation in {po}"))
            elif message.fuzzy:
                findings.append(
                    Finding(2, f"{lang}: the translation of reason {key!r} is marked fuzzy in {po}")
                )
            else:
                good[key] = message.string
        findings.extend(_compiled_findings(po, lang, good))
    return findings


def _compiled_findings(po: Path, lang: str, good: Mapping[str, str]) -> list[Finding]:
    """The .mo that patients are served from agrees with the reviewed .po."""
    mo = po.with_suffix(".mo")
    if not good:
        return []
    if not mo.exists():
        return [Finding(2, f"{lang}: {mo} is missing; run `pybabel compile -d translations`")]
    with mo.open("rb") as fh:
        compiled = _gettext.GNUTranslations(fh)
    stale = [key for key, text in good.items() if compiled.gettext(REASON_TEXTS[key]) != text]
    if stale:
        return [
            Finding(
                2,
                f"{lang}: {mo} is out of date with {po.name} (reason {stale[0]!r}"
                f"{f' and {len(stale) - 1} more' if len(stale) > 1 else ''}); "
                "run `pybabel compile -d translations`",
            )
        ]
    return []
