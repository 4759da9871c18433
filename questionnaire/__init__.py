"""The patient-facing questionnaire: questions as data, forms, flow, the sealed state and views.

Other packages enter through ``questionnaire.service`` ("open the state, decide")
and the data it hands out; the factory registers ``questionnaire.views.bp``, on
the site and under /embed.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Check the catalogue against the rules, set up the sealed tokens and the question blocks."""
    from questionnaire import blocks, service
    from questionnaire.catalogue import MINUTES_TO_ANSWER

    service.init_app(app)
    blocks.init_app(app)
    # The pages' description says how long the check takes, as the intro does.
    app.add_template_global(MINUTES_TO_ANSWER, "minutes_to_answer")
