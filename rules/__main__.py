"""Command line: `python -m rules evaluate` and `python -m rules check`.

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
    shows it. Exit 0 when clean, 1 on any finding.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .compiled import RuleBase
from .contract import RuleFileError
from .engine import RULES_PATH
from .i18n import N_, gettext
from .parser import load_rulebase
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
        json.dump(report.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report.format())
    return 0 if report.ok else 1


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

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
