"""The citations the result page shows: the rule file's sources (rules.references)
and those of its "what to expect" section.

Numbers are those of ``shared/clinical/evidence.md`` section 6; the result page
numbers its sources afresh, 1, 2, 3... in the order it first cites them
(questionnaire/result.py).
"""

from __future__ import annotations

from rules.references import REFERENCES

__all__ = ["EXPECTATION_CITATIONS", "REFERENCES"]

# The references of the "what to expect" section, item by item in the page's order
# (sessions, results, pain, downtime, evidence): templates/questionnaire/result/what_to_expect.html
# cites them in this order, so the page can number its sources by first citation.
EXPECTATION_CITATIONS: tuple[tuple[int, ...], ...] = ((3,), (1, 2), (1,), (30,), (3,))
