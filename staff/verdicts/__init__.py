"""The console's verdicts area: clinicians' verdicts against the check's, per rule version.

- ``scorecard.py``: the arithmetic, pure (no Flask, no database);
- ``figures.py``: each rule version's cases (and the evidence carried from earlier ones);
- ``csv_import.py``, ``cli.py``: ``flask verdicts import`` and ``flask verdicts scorecard``;
- ``emails.py``: the missed concern's email to the clinical lead.

The verdicts themselves are stored by leads/verdicts.py (the API records them too).
"""
