"""Every message is translated into every offered language, and the catalogues match the code.

A string added to the code without a translation fails here: the template
(.pot) is re-extracted from the source and compared, then each language's .po
must hold every msgid with a reviewed (non-fuzzy) translation whose
placeholders match, and its compiled .mo must agree with the .po.
"""

from __future__ import annotations

import gettext

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from core import config
from tests.support import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "translations"
LANGUAGES = [lang for lang in config.from_environment()["LANGUAGES"] if lang != "en"]


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def _plain(value):
    """A plural message's id and string are sequences (lists in a .mo, tuples in a .po)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _forms(string) -> tuple:
    """Every form of a translation: one, or one per plural form."""
    return tuple(string) if isinstance(string, list | tuple) else (string,)


def _po(lang: str):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"no catalogue for {lang}: run pybabel init -l {lang}"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """The msgids in the code today, extracted exactly as the README says."""
    output = tmp_path_factory.mktemp("pot") / "messages.pot"
    command = ["pybabel", "-q", "extract", "-F", str(REPO_ROOT / "babel.cfg")]
    command += ["-k", "_l", "-k", "N_", "-o", str(output), str(REPO_ROOT)]
    CommandLineInterface().run(command)
    with output.open("rb") as handle:
        return _ids(read_po(handle))


def test_offers_spanish():
    assert "es" in LANGUAGES


def test_template_is_up_to_date_with_the_code(extracted):
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        committed = _ids(read_po(handle))
    assert extracted - committed == set(), (
        "strings in the code are missing from translations/messages.pot: run pybabel extract"
    )
    assert committed - extracted == set(), "translations/messages.pot holds strings no longer used"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_reviewed(lang, extracted):
    catalog = _po(lang)
    assert extracted - _ids(catalog) == set(), f"{lang}: run pybabel update -d translations"
    untranslated = [m.id for m in catalog if m.id and not all(_forms(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"{lang}: untranslated messages"
    assert fuzzy == [], f"{lang}: fuzzy messages need review"
    problems = [(m.id, str(error)) for m in catalog if m.id for error in m.check(catalog)]
    assert problems == [], f"{lang}: placeholders differ from the English"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_reviewed_one(lang):
    mo_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), f"{lang}: run pybabel compile -d translations"
    with mo_path.open("rb") as handle:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    reviewed = {_plain(m.id): _plain(m.string) for m in _po(lang) if m.id}
    assert compiled == reviewed, f"{lang}: run pybabel compile -d translations"
    served = gettext.translation("messages", TRANSLATIONS, languages=[lang])
    assert served.gettext("Start the check") == reviewed["Start the check"]
