"""The import-layer contracts (pyproject.toml, checked by scripts/test's lint-imports) catch
what they are written against: each planted violation below breaks the named contract.

Each test copies the packages and pyproject.toml to a folder of its own, plants one
import, and runs lint-imports there; the repository itself is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
PACKAGES = PYPROJECT["tool"]["importlinter"]["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_copy(tmp_path: Path, plant: dict[str, str] | None = None) -> tuple[int, str]:
    """Run lint-imports on a copy of the packages with ``plant`` (path: source) added."""
    for package in PACKAGES:
        shutil.copytree(
            REPO_ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(REPO_ROOT / "app.py", tmp_path / "app.py")
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for relative, source in (plant or {}).items():
        (tmp_path / relative).write_text(source)
    finished = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    # The report wraps long contract names: read it as one line per contract.
    return finished.returncode, " ".join((finished.stdout + finished.stderr).split())


def test_the_code_as_it_is_keeps_every_contract(tmp_path):
    code, report = lint_copy(tmp_path)
    assert code == 0, report
    assert "BROKEN" not in report


PLANTED = {
    "the console's shared pieces reach up into an area": (
        "staff/console/planted.py",
        "from staff.leads import search\n",
        "The console: its areas stand on its shared pieces (console/, models), never the "
        "reverse BROKEN",
    ),
    "one area imports another's views": (
        "staff/dashboard/planted.py",
        "from staff.leads import list_views\n",
        "Console areas meet only through an area's service module BROKEN",
    ),
    "one area reaches another's internals instead of its service": (
        "staff/rulebook/planted.py",
        "from staff.accounts import lockout\n",
        "Console areas meet only through an area's service module BROKEN",
    ),
    "a lower layer imports the console": (
        "leads/planted.py",
        "import staff.models\n",
        "Layers: a package imports only the layers below it BROKEN",
    ),
    "the rules import the database": (
        "rules/planted.py",
        "import sqlalchemy\n",
        "The rules know nothing of the web or the database BROKEN",
    ),
}


@pytest.mark.parametrize("plant", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_violation_breaks_its_contract(tmp_path, plant):
    path, source, broken = plant
    code, report = lint_copy(tmp_path, {path: source})
    assert code != 0
    assert broken in report, report
    planted_module = path.removesuffix(".py").replace("/", ".")
    assert planted_module in report, report


def test_an_area_may_use_another_through_its_service(tmp_path):
    code, report = lint_copy(
        tmp_path, {"staff/dashboard/planted.py": "from staff.accounts import service\n"}
    )
    assert code == 0, report
