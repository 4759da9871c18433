"""Read a version of the rule file named on the command line: a file, or a git revision.

`python -m rules diff OLD NEW` compares two versions, and the version a
reviewer wants is often not on disk: it is the rule file of HEAD~1, or of a
branch. A name is read as, in this order:

    a file that exists             rules/old.toml, /tmp/edited.toml
    REV:PATH                       HEAD~1:rules/microneedling.toml
    a bare revision                HEAD~1, main, v1.2, 0749639 (its rules/microneedling.toml)

Git is run without a shell, with each argument checked first (a revision
never starts with "-", so it cannot pass as an option), and only to read:
rev-parse, cat-file and show never touch the index or the work tree. PATH is
relative to the project folder (the one holding rules/). Anything that
cannot be read raises VersionError, with a sentence for a person.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

from .compiled import RuleBase
from .engine import RULES_PATH
from .parser import parse_rulebase

__all__ = [
    "PROJECT_ROOT",
    "RULE_FILE",
    "VersionError",
    "load_version",
    "read_revision",
    "split_revision",
]

#: The folder holding rules/: git runs here, and REV:PATH paths are relative to it.
PROJECT_ROOT = RULES_PATH.parent.parent

#: The rule file's path in the project, for a bare revision.
RULE_FILE = RULES_PATH.relative_to(PROJECT_ROOT).as_posix()

# A revision: a name, hash, HEAD~1, main^2, v1.0, @{-1}, origin/main; never "-..." (an option).
_REVISION = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9_@./~^{}+-]{0,199}")
_GIT_TIMEOUT = 30  # seconds; reading one blob takes milliseconds


class VersionError(Exception):
    """A version that cannot be read: no such file, unknown revision, or git failed."""


def split_revision(name: str) -> tuple[str, str]:
    """Check a REV:PATH or bare REV name; return (revision, path), or raise VersionError."""
    revision, sep, path = name.partition(":")
    if not sep:
        path = RULE_FILE
    if not _REVISION.fullmatch(revision) or ".." in revision:
        raise VersionError(
            f"{name!r} is not a file, and {revision!r} is not a git revision name "
            "(such as HEAD~1, main or a commit hash)"
        )
    parts = PurePosixPath(path).parts
    if (
        not path
        or path.startswith(("/", "-"))
        or ".." in parts
        or any(ord(c) < 32 or c == "\x7f" for c in path)
    ):
        raise VersionError(
            f"{name!r}: {path!r} is not a path inside the project (write it as in "
            f"{revision}:{RULE_FILE})"
        )
    return revision, path


def _git(*args: str, root: Path) -> subprocess.CompletedProcess[bytes]:
    """Run git with fixed arguments in `root`: no shell, no prompt, a time limit."""
    git = shutil.which("git")
    if git is None:
        raise VersionError("git is not installed, so a revision cannot be read (give a file)")
    try:
        return subprocess.run(  # noqa: S603 - no shell; the arguments are checked first
            [git, "-C", str(root), *args],
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VersionError(f"git could not be run: {exc}") from exc


def _first_line(output: bytes) -> str:
    lines = output.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def read_revision(revision: str, path: str, root: Path = PROJECT_ROOT) -> bytes:
    """The bytes of `path` at `revision` in the git repository holding `root`."""
    wanted = f"{revision}^{{commit}}"
    found = _git("rev-parse", "--verify", "--quiet", "--end-of-options", wanted, root=root)
    if found.returncode != 0:
        inside = _git("rev-parse", "--git-dir", root=root)
        if inside.returncode != 0:
            raise VersionError(
                f"cannot read revision {revision!r}: {root} is not in a git repository "
                f"(git: {_first_line(inside.stderr)})"
            )
        raise VersionError(f"unknown git revision {revision!r}")
    commit = found.stdout.decode("ascii").strip()
    spec = f"{commit}:./{path.removeprefix('./')}"
    kind = _git("cat-file", "-t", spec, root=root)
    if kind.returncode != 0:
        raise VersionError(f"{path} does not exist at revision {revision!r}")
    if kind.stdout.strip() != b"blob":
        raise VersionError(f"{path} at revision {revision!r} is a folder, not a rule file")
    shown = _git("show", "--no-textconv", spec, root=root)
    if shown.returncode != 0:
        raise VersionError(
            f"cannot read {path} at revision {revision!r} (git: {_first_line(shown.stderr)})"
        )
    return shown.stdout


def load_version(name: str, root: Path = PROJECT_ROOT) -> RuleBase:
    """Load the rule file `name` names (see the module docstring).

    Raises VersionError when it cannot be read, and the parser's RuleFileError
    when it is read but is not a valid rule file.
    """
    path = Path(name)
    if path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise VersionError(f"cannot read {name}: {exc.strerror or exc}") from exc
        return parse_rulebase(data, name)
    if path.is_dir():
        raise VersionError(f"{name} is a folder, not a rule file")
    if ":" not in name and name.endswith(".toml"):
        raise VersionError(f"no such file: {name}")
    revision, inside = split_revision(name)
    label = name if ":" in name else f"{revision}:{inside}"
    return parse_rulebase(read_revision(revision, inside, root), label)
