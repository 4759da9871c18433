"""Test data and helpers shared by the test modules: answers, and what a browser posts."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"

HEALTHY = {
    "scar_types": ["rolling", "boxcar"],
    "scar_severity": "moderate",
    "active_acne": "none",
    "isotretinoin": "never",
    "pregnant_or_breastfeeding": False,
    "keloid_history": False,
    "bleeding_disorder_or_anticoagulants": False,
    "immunosuppressed": False,
    "active_skin_infection_in_area": False,
    "cold_sores_history": False,
    "skin_cancer_in_area": False,
    "radiation_to_area_within_year": False,
    "diabetes": "none",
    "eczema_psoriasis_rosacea_in_area": "none",
    "recent_sunburn_or_tan": False,
    "metal_allergy": False,
    "anaesthetic_allergy": False,
    "connective_tissue_disease": False,
    "recent_facial_procedure": False,
    "fitzpatrick": "II",
    "age": 28,
}

# One answers object per outcome, each differing from HEALTHY in one answer.
BY_OUTCOME = {
    "book_consultation": HEALTHY,
    "clinician_review": {**HEALTHY, "cold_sores_history": True},
    "see_dermatologist": {**HEALTHY, "keloid_history": True},
    "not_suitable_now": {**HEALTHY, "pregnant_or_breastfeeding": True},
}


def load_examples() -> list[dict]:
    path = SHARED / "clinical" / "examples.json"
    if not path.exists():
        pytest.fail(
            f"shared examples missing at {path}: CI must run with ../shared beside the repo"
        )
    return json.loads(path.read_text())


def form_fields(answers: dict, step_id: str) -> dict[str, object]:
    """What a browser would post for one step, given typed answers."""
    data: dict[str, object] = {}
    for question in QUESTIONS:
        if question.step != step_id or question.id not in answers:
            continue
        value = answers[question.id]
        if question.kind == "bool":
            data[question.id] = "yes" if value else "no"
        elif question.kind == "int":
            data[question.id] = str(value)
        else:
            data[question.id] = value
    return data


def token_of(location: str) -> str:
    return parse_qs(urlparse(location).query)["s"][0]


def hidden_token(html: str) -> str:
    match = re.search(r'name="s" value="([^"]+)"', html)
    assert match, "the step page carries no state token"
    return match.group(1)


class Walker:
    """Drives the wizard through the test client the way a browser posts it."""

    def __init__(self, client):
        self.client = client

    def start(self) -> str:
        response = self.client.get("/check/start")
        assert response.status_code == 303
        return response.headers["Location"]

    def complete(self, answers: dict) -> str:
        """Answer every step; returns the result page's URL."""
        location = self.start()
        for step in STEPS:
            assert f"/check/{step.id}" in location, location
            page = self.client.get(location)
            assert page.status_code == 200
            response = self.client.post(
                f"/check/{step.id}",
                data={
                    "s": hidden_token(page.get_data(as_text=True)),
                    **form_fields(answers, step.id),
                },
            )
            assert response.status_code == 303, response.get_data(as_text=True)[:2000]
            location = response.headers["Location"]
        assert "/check/result" in location
        return location


def completed_token(app, answers: dict | None = None, embed: dict | None = None) -> str:
    """A fresh, finished questionnaire's sealed token (a new flow id each time),
    holding ``answers`` (HEALTHY by default) and, for a flow begun in an iframe, ``embed``."""
    codec = app.extensions["state_codec"]
    state = codec.new(embed=embed)
    state.answers = dict(HEALTHY if answers is None else answers)
    return codec.dumps(state)


_MIGRATED_SQLITE: list[Path] = []  # this process's migrated, empty database, made once


def migrated_sqlite(target: Path) -> Path:
    """A copy of an empty database at the migrations' head, at ``target`` (made once per
    process, copied per test: each app then starts at head and skips Alembic, as a
    restarted instance does). The migrations themselves are tested from nothing in
    tests/core/test_migrations.py and test_migrations_race.py."""
    if not _MIGRATED_SQLITE:
        import sqlite3
        import tempfile

        from app import create_app
        from core.extensions import db

        folder = Path(tempfile.mkdtemp(prefix="migrated-sqlite-"))
        made = folder / "migrated.sqlite3"
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{made}",
                "AUTO_MIGRATE": True,
            },
            instance_path=str(folder),
        )
        with app.app_context():
            db.engine.dispose()
        with sqlite3.connect(made) as connection:  # everything in the file, no WAL beside it
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        _MIGRATED_SQLITE.append(made)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_MIGRATED_SQLITE[0], target)
    return target


def sqlite_app(tmp_path, **overrides):
    """The app on a fresh SQLite file in ``tmp_path`` (migrated: a copy of an empty database
    at head), with test settings and ``overrides``."""
    from app import create_app

    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{migrated_sqlite(tmp_path / 'test.sqlite3')}",
    }
    return create_app({**settings, **overrides}, instance_path=str(tmp_path))
