"""Command line: `python -m rules evaluate`, `python -m rules check` and `python -m rules diff`.

evaluate [--lang LANG] [--rules PATH]
    Reads JSON on standard input.
    - One answers object: prints one decision (contract section 4).
    - A JSON array of answers objects: prints a JSON array of decisions, in order.
    Exit 0 when every item was decided. Otherwise nothing is printed on standard
    output, exit status is 2, and standard error holds one JSON object:
        {"errors": [{"field": "age", "message": "..."}, ...]}
    For an array, every error of every failing item is listed, each with the
    0-based index of its item:
        {"errors": [{"item": 3, "field": "age", "message": "..."}, ...]}
    Input that is not JSON gives {"errors": [{"field": "", "message": "..."}]}.
    Messages are in --lang (English by default). A rule file that does not
    load is reported in words on standard error, with exit status 1.

check [--rules PATH] [--safety PATH] [--translations DIR] [--json]
    Proves the rule file over every possible answers object (contract section 7)
    and prints what was proved, or every finding with an answers object that
    shows it, and (without --json) each such answers object as a person in words
    (rules.in_words). Exit 0 when clean, 1 on any finding.

diff OLD [NEW] [--json]
    Compares two versions of the rule file over every answers object: the rules
    added, removed and changed, how many answers objects go from each outcome to
    each other one, and the reasons gained and lost, each with an answers object
    that shows it (rules.diff; the JSON shape is in rules.diff_report). OLD and
    NEW are files, REV:PATH (HEAD~1:rules/microneedling.toml) or a bare git
    revision (HEAD~1: its rules/microneedling.toml); NEW defaults to the rule
    file on disk. Exit 0 when nothing differs, 1 when something does, and 2 with
    a message on standard error when a version cannot be read or does not parse.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .compiled import RuleBase
from .contract import RuleFileError
from .diff import diff_rulebases
from .diff_report import diff_to_dict, format_diff
from .engine import RULES_PATH
from .i18n import N_, gettext
from .in_words import finding_words
from .parser import load_rulebase
from .revisions import VersionError, load_version
from .validation import AnswersError
from .verify import SAFETY_PATH, verify

_NOT_JSON = N_("The input is not valid JSON: %(detail)s")


def _fail(errors: list[dict[str, object]]) -> int:
    json.dump({"errors": errors}, sys.stderr, ensure_ascii=False)
    sys.stderr.write("\n")
    return 2


def _evaluate(args: argparse.Namespace) -> int:
    try:
        base: RuleBase = load_rulebase(args.rules)
    except (RuleFileError, OSError) as exc:
        print(f"cannot load the rule file: {exc}", file=sys.stderr)
        return 1
    try:
        data = json.load(sys.stdin)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        message = gettext(_NOT_JSON, args.lang) % {"detail": exc}
        return _fail([{"field": "", "message": message}])
    items = data if isinstance(data, list) else [data]
    decisions, errors = [], []
    for index, answers in enumerate(items):
        try:
            decisions.append(base.evaluate(answers, args.lang).to_dict())
        except AnswersError as exc:
            if isinstance(data, list):
                errors.extend({"item": index, **e} for e in exc.errors)
            else:
                errors.extend(exc.errors)
    if errors:
        return _fail(errors)
    output = decisions if isinstance(data, list) else decisions[0]
    json.dump(output, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    report = verify(args.rules, args.safety, args.translations)
    if args.json:
        data = report.to_dict()
        for finding, out in zip(report.findings, data["findings"], strict=True):
            if (words := finding_words(finding)) is not None:
                out["in_words"] = words
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(report.format())
        people = [words for f in report.findings if (words := finding_words(f))]
        if people:
            print("\nIn words:")
            print("\n".join(f"  - {words}" for words in people))
    return 0 if report.ok else 1


def _diff(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        old, new = load_version(args.old), load_version(args.new)
    except (VersionError, RuleFileError) as exc:
        print(f"rules diff: {exc}", file=sys.stderr)
        return 2
    diff = diff_rulebases(old, new)
    diff.elapsed = time.perf_counter() - started  # reading the versions included
    if args.json:
        json.dump(diff_to_dict(diff), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_diff(diff))
    return 0 if diff.same else 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m rules", description="Microneedling screening rules."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ev = commands.add_parser("evaluate", help="answers JSON on stdin -> decision JSON on stdout")
    ev.add_argument("--lang", default="en", help="language of texts and messages (default: en)")
    ev.add_argument("--rules", type=Path, default=RULES_PATH, help="rule file to use")
    ev.set_defaults(run=_evaluate)

    ck = commands.add_parser("check", help="prove the rule file over every answers object")
    ck.add_argument("--rules", type=Path, default=RULES_PATH, help="rule file to check")
    ck.add_argument("--safety", type=Path, default=SAFETY_PATH, help="safety property file")
    ck.add_argument(
        "--translations", type=Path, default=None, help="translations directory (default: repo's)"
    )
    ck.add_argument("--json", action="store_true", help="print the report as JSON")
    ck.set_defaults(run=_check)

    df = commands.add_parser("diff", help="what changes between two versions of the rules")
    df.add_argument("old", help="a rule file, REV:PATH, or a git revision such as HEAD~1")
    df.add_argument(
        "new", nargs="?", default=str(RULES_PATH), help="the same kinds (default: the rule file)"
    )
    df.add_argument("--json", action="store_true", help="print the comparison as JSON")
    df.set_defaults(run=_diff)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
