"""The verdicts' part of the OpenAPI document: a lead's verdict and ``PUT .../verdict``.

Generated from the tuples the code checks against (outcomes, the contract's reason
keys and questions, the causes), so the document cannot drift.
"""

from __future__ import annotations

from typing import Any

import rules
from api.openapi_leads import ERRORS_REF, LEAD_ID, SCHEME, WHEN, _json, _refusals
from leads.verdict_models import CAUSES, SOURCES
from leads.verdicts import LONGEST_UNASKED

OUTCOME = {"type": "string", "enum": list(rules.OUTCOMES)}
REASON_KEYS = {"type": "array", "items": {"type": "string", "enum": list(rules.REASON_SEVERITY)}}
DAY = {"type": "string", "format": "date"}


def _verdict_properties() -> dict[str, Any]:
    return {
        "outcome": OUTCOME,
        "concerns": {**REASON_KEYS, "description": "The concerns found, as reason keys."},
        "unasked_concern": {
            "type": "string",
            "description": "A concern no question of the check covers; empty when none.",
        },
        "clinician": {"type": "string", "description": "The clinician's account email."},
        "examined_on": DAY,
        "recorded_at": WHEN,
        "saw_check_first": {
            "type": "boolean",
            "description": "The clinician chose to see the check's outcome before saving.",
        },
        "cause": {"type": ["string", "null"], "enum": [*CAUSES, None]},
        "cause_question": {"type": ["string", "null"]},
        "cause_rule": {"type": ["string", "null"]},
        "source": {"type": "string", "enum": list(SOURCES)},
        "missed_concern": {
            "type": "boolean",
            "description": "The check said book_consultation and the clinician did not.",
        },
    }


def schemas() -> dict[str, Any]:
    earlier = _verdict_properties() | {"replaced_at": WHEN}
    return {
        "LeadVerdict": {
            "type": "object",
            "additionalProperties": False,
            "required": [*_verdict_properties(), "earlier"],
            "description": "The clinician's verdict; earlier: the verdicts it corrected.",
            "properties": {
                **_verdict_properties(),
                "earlier": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": list(earlier),
                        "properties": earlier,
                    },
                },
            },
        },
        "VerdictChange": {
            "type": "object",
            "additionalProperties": False,
            "required": ["verdict", "clinician_email", "examined_on"],
            "properties": {
                "verdict": OUTCOME,
                "concerns": {**REASON_KEYS, "default": []},
                "unasked_concern": {"type": "string", "maxLength": LONGEST_UNASKED},
                "clinician_email": {
                    "type": "string",
                    "description": "An active clinician account's email.",
                },
                "examined_on": {**DAY, "description": "YYYY-MM-DD, not in the future."},
                "saw_check_first": {"type": "boolean", "default": False},
                "cause": {
                    "type": "string",
                    "enum": list(CAUSES),
                    "description": "Only when the verdict differs from the check's outcome.",
                },
                "cause_question": {
                    "type": "string",
                    "enum": list(rules.FIELDS),
                    "description": "The question whose answer was wrong (cause answer_wrong).",
                },
                "cause_rule": {
                    "type": "string",
                    "description": "The rule that is wrong (cause rule_wrong).",
                },
            },
        },
        "VerdictRecorded": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "verdict"],
            "properties": {
                "id": {"type": "integer"},
                "verdict": {"$ref": "#/components/schemas/LeadVerdict"},
            },
        },
    }


def paths(too_many: dict[str, Any], lang_parameter: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/v1/leads/{lead_id}/verdict": {
            "put": {
                "operationId": "putLeadVerdict",
                "summary": "Record a clinician's verdict on a lead (corrections keep the earlier)",
                "security": [{SCHEME: ["verdicts:write"]}],
                "parameters": [LEAD_ID, lang_parameter],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/VerdictChange"}
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {"$ref": "#/components/schemas/VerdictRecorded"}, "The lead's verdict now."
                    ),
                    "400": _json(ERRORS_REF, "The body is not valid JSON."),
                    "404": _json(
                        ERRORS_REF,
                        "No lead with this number, for a valid body and parameters.",
                    ),
                    "409": _json(
                        ERRORS_REF,
                        "The lead was merged into another (merged_into): it is read-only.",
                    ),
                    "413": _json(ERRORS_REF, "The body is too large."),
                    "415": _json(ERRORS_REF, "The body is not sent as application/json."),
                    "422": _json(
                        ERRORS_REF,
                        "Every problem with the body, per field (an unknown clinician, a date "
                        "in the future or before the lead, a cause when they agree).",
                    ),
                    **_refusals(too_many),
                },
            }
        }
    }
