"""Translation of patient texts with the standard library's gettext.

The catalogues live where Flask-Babel expects them
(`translations/<lang>/LC_MESSAGES/messages.mo` at the repository root), so the
web side and the rules share one set of files, while `rules` itself needs
nothing beyond the standard library. English is the source language: a
missing language, catalogue or message falls back to the English text.
"""

from __future__ import annotations

import gettext as _gettext
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["DOMAIN", "LOCALEDIR", "N_", "gettext", "normalise_lang", "translator"]

DOMAIN = "messages"
LOCALEDIR = Path(__file__).resolve().parent.parent / "translations"

# A language tag such as "en", "es", "pt_BR" or "pt-BR". Anything else (a path,
# an empty string) is treated as English rather than handed to the file system.
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?")


def N_(message: str) -> str:
    """Mark a string for extraction; translation happens later, per request."""
    return message


def normalise_lang(lang: str | None) -> str:
    """Turn a language tag into gettext's form ("pt-BR" -> "pt_BR"); "en" if unusable."""
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        return "en"
    base, _, region = lang.replace("-", "_").partition("_")
    return f"{base.lower()}_{region.upper()}" if region else base.lower()


@lru_cache(maxsize=64)
def translator(lang: str) -> _gettext.NullTranslations:
    """The catalogue for `lang` from LOCALEDIR, loaded once per language.

    Call `translator.cache_clear()` after changing LOCALEDIR or a catalogue.
    """
    return _gettext.translation(
        DOMAIN, localedir=LOCALEDIR, languages=[normalise_lang(lang)], fallback=True
    )


def gettext(message: str, lang: str) -> str:
    """`message` (an English msgid) in `lang`, or in English when untranslated."""
    return translator(lang).gettext(message)
