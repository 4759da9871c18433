"""Fixtures for the rules tests: the shared documents, plain answers, rule-file editing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import rules.i18n
from rules.engine import RULES_PATH
from rules.verify import SAFETY_PATH
from tests.support import HEALTHY

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = (REPO_ROOT / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared documents; their absence is a failure, never a skip."""
    if not (SHARED / "spec" / "screening-contract.md").is_file():
        pytest.fail(f"the shared documents are missing: expected them at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def contract_text(shared: Path) -> str:
    return (shared / "spec" / "screening-contract.md").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def examples(shared: Path) -> list[dict]:
    return json.loads((shared / "clinical" / "examples.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def answers() -> Callable[..., dict]:
    """answers(**changes): the shared healthy answers (tests/support.py), then changes."""

    def make(**changes: object) -> dict:
        base = dict(HEALTHY)
        unknown = set(changes) - set(base)
        assert not unknown, f"test typo: {unknown}"
        base.update(changes)
        return base

    return make


@pytest.fixture(scope="session")
def rules_text() -> str:
    return RULES_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def safety_text() -> str:
    return SAFETY_PATH.read_text(encoding="utf-8")


@pytest.fixture
def edited(tmp_path: Path) -> Callable[[str, str, str], Path]:
    """edited(text, old, new): write text with `old` replaced (it must occur) to a temp file."""
    count = 0

    def write(text: str, old: str, new: str) -> Path:
        nonlocal count
        assert old in text, f"test setup: {old!r} is not in the file"
        count += 1
        path = tmp_path / f"edited-{count}.toml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return write


@pytest.fixture
def empty_translations(tmp_path: Path) -> Path:
    """A translations directory with no catalogue: English only."""
    path = tmp_path / "no-translations"
    path.mkdir()
    return path


@pytest.fixture
def localedir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point runtime translation at a temp directory for one test."""
    path = tmp_path / "translations"
    path.mkdir()
    monkeypatch.setattr(rules.i18n, "LOCALEDIR", path)
    rules.i18n.translator.cache_clear()
    yield path
    rules.i18n.translator.cache_clear()


@pytest.fixture
def write_catalogue() -> Callable[..., Path]:
    """write_catalogue(dir, lang, translate, missing=(), fuzzy=(), compile=True) -> .po path.

    Writes a catalogue with every reason text (and `extra` msgids) translated by
    `translate`, except the reason keys in `missing` (empty msgstr) and in
    `fuzzy` (flagged fuzzy), and compiles it to .mo as `pybabel compile` would.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    from rules.reasons import REASON_TEXTS

    def write(
        directory: Path,
        lang: str,
        translate: Callable[[str], str],
        missing: tuple[str, ...] = (),
        fuzzy: tuple[str, ...] = (),
        extra: tuple[str, ...] = (),
        compile: bool = True,
    ) -> Path:
        catalog = Catalog(locale=lang, domain="messages")
        for key, text in REASON_TEXTS.items():
            flags = ("fuzzy",) if key in fuzzy else ()
            catalog.add(text, "" if key in missing else translate(text), flags=flags)
        for text in extra:
            catalog.add(text, translate(text))
        folder = directory / lang / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        po = folder / "messages.po"
        with po.open("wb") as fh:
            write_po(fh, catalog)
        if compile:
            with (folder / "messages.mo").open("wb") as fh:
                write_mo(fh, catalog)  # like pybabel compile: fuzzy entries left out
        return po

    return write


KELOID_OUTCOME = 'reason = "keloid_history"\noutcome = "see_dermatologist"'


@pytest.fixture
def keloid_softened(rules_text: str, edited: Callable[[str, str, str], Path]) -> Path:
    """The shipped rules with R-keloid giving clinician_review instead of see_dermatologist."""
    return edited(
        rules_text, KELOID_OUTCOME, KELOID_OUTCOME.replace("see_dermatologist", "clinician_review")
    )
