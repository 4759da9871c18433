"""`python -m rules diff OLD NEW`: files and git revisions in, plain words or JSON out.

The git tests build a repository of their own in a temporary folder, so they
never depend on (or touch) this checkout's history; the command-line tests
read only this checkout's HEAD, and only with read-only git commands.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rules.revisions
from rules.diff import diff_rulebases
from rules.engine import RULES_PATH
from rules.revisions import VersionError, load_version, split_revision

REPO_ROOT = Path(__file__).resolve().parents[2]
MOVE = "see_dermatologist -> clinician_review: 90,408,960   e.g. "


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rules", "diff", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_keloid_softened_in_plain_words(keloid_softened):
    result = run("rules/microneedling.toml", str(keloid_softened))
    assert result.returncode == 1, result.stderr  # like diff(1): 1 means they differ
    lines = result.stdout.splitlines()
    assert "Rules: 1 changed (R-keloid), 0 added, 0 removed" in lines
    assert "  R-keloid: outcome see_dermatologist -> clinician_review" in lines
    assert "Outcomes that change (of 53,811,412,992 answers objects):" in lines
    (move,) = [line for line in lines if line.startswith("  see_dermatologist")]
    assert move.startswith("  " + MOVE)
    example = json.loads(move.removeprefix("  " + MOVE))
    assert load_version(str(keloid_softened)).evaluate(example).outcome == "clinician_review"
    assert "Reasons gained: none" in lines and "Reasons lost: none" in lines
    assert re.search(r"^Changed: 90,408,960 answers objects .*; \d+\.\d{3} s$", lines[-1])
    assert result.stderr == ""


def test_keloid_softened_as_json(keloid_softened):
    result = run("HEAD", str(keloid_softened), "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == [
        "same",
        "same_decisions",
        "answers_objects",
        "old",
        "new",
        "rules",
        "outcomes",
        "reasons",
        "elapsed_seconds",
    ]
    assert (out["same"], out["same_decisions"], out["answers_objects"]) == (
        False,
        False,
        53_811_412_992,
    )
    assert out["old"]["source"] == "HEAD:rules/microneedling.toml"
    assert set(out["old"]) == set(out["new"]) == {"source", "version", "sha256"}
    assert out["rules"]["added"] == out["rules"]["removed"] == []
    (changed,) = out["rules"]["changed"]
    assert changed["id"] == "R-keloid" and changed["what"] == ["outcome"]
    assert changed["old"] == {
        "outcome": "see_dermatologist",
        "reason": "keloid_history",
        "evidence": [5, 8],
        "applies_to": 53_811_412_992 // 2,
    }
    assert changed["new"] == {**changed["old"], "outcome": "clinician_review"}
    (move,) = out["outcomes"]["moved"]
    assert list(move) == ["from", "to", "count", "example"]
    assert (move["from"], move["to"], move["count"]) == (
        "see_dermatologist",
        "clinician_review",
        90_408_960,
    )
    assert out["outcomes"]["unchanged"] == 53_811_412_992 - 90_408_960
    counts = [move["count"], out["outcomes"]["unchanged"], out["answers_objects"]]
    assert all(type(n) is int for n in counts)  # exact integers, never floats
    assert out["reasons"] == {"gained": [], "lost": []}
    assert 0 <= out["elapsed_seconds"] < 5


def test_a_version_against_itself_reports_no_change():
    for args in (("HEAD", "HEAD:rules/microneedling.toml"), ("rules/microneedling.toml",)):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert "Outcomes that change (of 53,811,412,992 answers objects): none" in result.stdout
        assert "Rules: 0 changed, 0 added, 0 removed" in result.stdout
        assert result.stdout.splitlines()[-1].startswith("No change: all 53,811,412,992")
    out = json.loads(run("HEAD", "HEAD", "--json").stdout)
    assert out["same"] is True and out["outcomes"]["moved"] == []


def test_rules_that_differ_only_in_evidence_keep_every_decision(rules_text, edited):
    cited = edited(rules_text, "evidence = [5, 8]", "evidence = [5]")
    result = run("HEAD", str(cited))
    assert result.returncode == 1
    assert "  R-keloid: evidence [5, 8] -> [5]" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].startswith("Same decisions: the rules differ, but all")
    out = json.loads(run("HEAD", str(cited), "--json").stdout)
    assert (out["same"], out["same_decisions"]) == (False, True)
    assert out["rules"]["changed"][0]["what"] == ["evidence"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rules/missing.toml",), "no such file: rules/missing.toml"),
        (("no-such-revision-xyz",), "unknown git revision 'no-such-revision-xyz'"),
        (("HEAD:rules/missing.toml",), "rules/missing.toml does not exist at revision 'HEAD'"),
        (("HEAD:rules",), "rules at revision 'HEAD' is a folder, not a rule file"),
        (("HEAD;rm",), "'HEAD;rm' is not a file, and 'HEAD;rm' is not a git revision name"),
        (("HEAD", "rules"), "rules is a folder, not a rule file"),
    ],
)
def test_a_version_that_cannot_be_read_exits_2_with_a_message(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"rules diff: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_a_rule_file_that_does_not_parse_gives_the_parsers_error(rules_text, edited):
    broken = edited(rules_text, "when = { immunosuppressed = true }", "when = { immuno = true }")
    result = run("HEAD", str(broken))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"rules diff: {broken}: R-immunosuppression: unknown field 'immuno'"
    )
    not_toml = edited(rules_text, '\nhit_policy = "priority"\n', "\nhit_policy = \n")
    result = run(str(not_toml))
    assert result.returncode == 2
    assert "not a valid TOML file" in result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "-HEAD",
        "--output=x",
        "HEAD..main",
        ":rules/x.toml",
        "a b",
        "HEAD:../x",
        "HEAD:/etc/x",
        "HEAD:-x",
        "HEAD:rules/\nx",
        "HEAD:",
    ],
)
def test_names_that_could_misuse_git_are_refused_before_git_runs(name, monkeypatch):
    def no_git(*args, **kwargs):
        raise AssertionError(f"git ran for {name!r}")

    monkeypatch.setattr(rules.revisions.subprocess, "run", no_git)
    with pytest.raises(VersionError):
        split_revision(name)
    with pytest.raises(VersionError):
        load_version(name)


def test_revision_names_git_accepts_are_split():
    assert split_revision("HEAD~1") == ("HEAD~1", "rules/microneedling.toml")
    assert split_revision("main^2:rules/old.toml") == ("main^2", "rules/old.toml")
    assert split_revision("origin/main") == ("origin/main", "rules/microneedling.toml")
    assert split_revision("@{-1}:./rules/x.toml") == ("@{-1}", "./rules/x.toml")


@pytest.fixture
def history(tmp_path: Path, keloid_softened: Path) -> Path:
    """A git repository of its own: the shipped rules, then a commit softening R-keloid."""
    git = shutil.which("git")
    assert git is not None, "git is needed to test reading revisions"
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)

    def commit(source: Path, message: str) -> None:
        shutil.copyfile(source, repo / "rules" / "microneedling.toml")
        for args in (("add", "rules"), ("commit", "-q", "-m", message)):
            subprocess.run(
                [git, "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                cwd=repo,
                check=True,
                capture_output=True,
            )

    subprocess.run([git, "init", "-q"], cwd=repo, check=True, capture_output=True)
    commit(RULES_PATH, "shipped")
    commit(keloid_softened, "keloid softened")
    return repo


def test_revisions_are_read_from_git(history: Path):
    older = load_version("HEAD~1", root=history)
    newer = load_version("HEAD:rules/microneedling.toml", root=history)
    assert older.path == "HEAD~1:rules/microneedling.toml"
    assert older.sha256 == load_version(str(RULES_PATH)).sha256  # exactly the bytes committed
    diff = diff_rulebases(older, newer)
    assert [(m.old, m.new, m.count) for m in diff.moves] == [
        ("see_dermatologist", "clinician_review", 90_408_960)
    ]
    assert diff_rulebases(newer, load_version("HEAD", root=history)).same
    with pytest.raises(VersionError, match="unknown git revision 'HEAD~2'"):
        load_version("HEAD~2", root=history)


def test_a_revision_that_does_not_parse_gives_the_parsers_error(history: Path):
    (history / "rules" / "microneedling.toml").write_text("version = \n")
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "x"],
        cwd=history,
        check=True,
    )
    with pytest.raises(rules.RuleFileError, match=r"^HEAD:rules/microneedling.toml: not a valid"):
        load_version("HEAD", root=history)


def test_outside_a_git_repository_the_error_says_so(tmp_path: Path):
    with pytest.raises(VersionError, match="is not in a git repository"):
        load_version("HEAD", root=tmp_path)
