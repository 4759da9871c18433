"""How fast the rules are: the whole proof, one decision, one validation.

Run from the repository root: `python bench/rules_bench.py [--answers N] [--runs R]`.
Prints the median of R runs for each figure; the answers are a fixed,
seeded mix over the whole answer space (every field at every value), so
figures are comparable between machines and commits.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for `rules`

from rules import FIELDS, evaluate, validate
from rules.schema import DOMAINS, space_size
from rules.verify import verify


def mix(count: int, seed: int = 2026) -> list[dict[str, object]]:
    """A seeded mix of valid answers: any value of any field, flags mostly off."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        answers: dict[str, object] = {}
        for name, spec in FIELDS.items():
            if spec.kind == "bool":
                answers[name] = rng.random() < 0.15
            elif spec.kind == "multi":
                chosen = rng.choice(DOMAINS[name])
                answers[name] = [c for c in spec.choices if c in chosen]  # type: ignore[operator]
            else:
                answers[name] = rng.choice(DOMAINS[name])
        out.append(answers)
    return out


def per_call_us(function, items: list, runs: int) -> float:
    """Median over `runs` of the mean time per call, in microseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        for item in items:
            function(item)
        samples.append((time.perf_counter() - started) / len(items) * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=5000, help="answers objects in the mix")
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median taken)")
    args = parser.parse_args()

    proofs = []
    for _ in range(args.runs):
        report = verify()
        assert report.ok, report.format()
        proofs.append(report.elapsed)
    items = mix(args.answers)
    evaluate(items[0])  # load the rule file once, outside the timing
    distinct = len({tuple(r.key for r in evaluate(a).reasons) for a in items})

    print(
        f"python {sys.version.split()[0]}, {args.answers} answers objects "
        f"({distinct} distinct reason lists), median of {args.runs} runs"
    )
    print(
        f"verifier, whole space ({space_size():,} answers objects): "
        f"{statistics.median(proofs) * 1e3:.1f} ms median, {min(proofs) * 1e3:.1f} ms best"
    )
    print(f"evaluate, validation included: {per_call_us(evaluate, items, args.runs):.2f} µs/call")
    print(f"validate only:                 {per_call_us(validate, items, args.runs):.2f} µs/call")


if __name__ == "__main__":
    main()
