"""The leads API's part of the OpenAPI document: its paths, schemas and the bearer scheme.

Generated from the same tuples the code checks against (statuses, outcomes,
sources, contact times, the list's limits), so the document cannot drift.
"""

from __future__ import annotations

from typing import Any

import rules
from api import cursor
from api.leads import DEFAULT_LIMIT, MAX_LIMIT
from leads.appointments import KIND_LABELS
from leads.models import CALL_OUTCOMES, CONTACT_TIMES, SOURCES, STATUSES
from leads.service import bookings
from web.converters import MAX_ROW_ID

SCHEME = "bearerToken"
ERRORS_REF = {"$ref": "#/components/schemas/Errors"}
TEXT = {"type": "string"}
WHEN = {"type": "string", "format": "date-time"}
WHEN_OR_NULL = {"type": ["string", "null"], "format": "date-time"}

SECURITY_SCHEMES = {
    SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "An API token an admin created in the console (Admin: API tokens), sent as "
            "`Authorization: Bearer sk_…`. Scopes: leads:read (list and read leads), "
            "leads:write (change a lead's status), verdicts:write (record a clinician's "
            "verdict on a lead). No cookies; no CORS."
        ),
    }
}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
        **extra,
    }


def _item_properties() -> dict[str, Any]:
    return {
        "id": {"type": "integer"},
        "created_at": WHEN,
        "updated_at": WHEN,
        "status": {"type": "string", "enum": list(STATUSES)},
        "outcome": {"type": "string", "enum": list(rules.OUTCOMES)},
        "source": {"type": "string", "enum": list(SOURCES)},
        "lang": TEXT,
        "name": TEXT,
        "email": {"type": "string", "description": "Empty when not given."},
        "phone": {"type": "string", "description": "E.164; empty when not given."},
        "contact_time": {"type": "string", "enum": list(CONTACT_TIMES)},
        "message": TEXT,
        "assigned_to": {
            "type": ["string", "null"],
            "description": "The staff member working on it; null when nobody is.",
        },
        "follow_up_at": {**WHEN_OR_NULL, "description": "When to try next; null when unset."},
        "first_contacted_at": {
            **WHEN_OR_NULL,
            "description": "When the clinic first reached out; null until then.",
        },
        "merged_into": {
            "type": ["integer", "null"],
            "description": "The lead this duplicate was merged into; null otherwise.",
        },
        "booking_reference": {
            "type": "string",
            "pattern": "^bk[a-z2-7]{26}$",
            "description": (
                "Opaque, random and unique: carried in the clinic's booking tool link "
                "(Cal.com metadata[lead], Calendly utm_content, an Acuity intake field), "
                "so the tool's booking events find this lead."
            ),
        },
    }


def schemas() -> dict[str, Any]:
    by = {"type": ["string", "null"], "description": "The staff member; null for a program."}
    return {
        "LeadItem": _object(_item_properties(), description="A lead as the list gives it."),
        "LeadList": _object(
            {
                "leads": {"type": "array", "items": {"$ref": "#/components/schemas/LeadItem"}},
                "next_cursor": {
                    "type": ["string", "null"],
                    "description": "Pass as ?cursor= for the next page; null on the last one.",
                },
            }
        ),
        "Lead": _object(
            {
                **_item_properties(),
                "embed_origin": {
                    "type": "string",
                    "description": "The clinic page that framed the check; empty otherwise.",
                },
                "answers": {"$ref": "#/components/schemas/Answers"},
                "decision": _object(
                    {
                        "outcome": {"type": "string", "enum": list(rules.OUTCOMES)},
                        "reasons": {
                            "type": "array",
                            "items": _object(
                                {"key": TEXT, "severity": TEXT, "rule": TEXT, "text": TEXT}
                            ),
                        },
                        "rulebase": _object(
                            {
                                "version": TEXT,
                                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            }
                        ),
                        "sign_off": {
                            "oneOf": [
                                {"type": "null"},
                                _object(
                                    {
                                        "signer_name": TEXT,
                                        "signer_registration": TEXT,
                                        "signed_at": WHEN,
                                        "withdrawn_at": WHEN_OR_NULL,
                                    }
                                ),
                            ],
                            "description": (
                                "The clinician's sign-off of the rules that decided; "
                                "withdrawn_at: when it was withdrawn since (those rules "
                                "decide for nobody any more), or null."
                            ),
                        },
                    }
                ),
                "consent": _object({"version": TEXT, "consented_at": WHEN}),
                "notes": {
                    "type": "array",
                    "description": "Staff notes and recorded calls, oldest first.",
                    "items": _object(
                        {
                            "id": {"type": "integer"},
                            "created_at": WHEN,
                            "author": by,
                            "kind": {"type": "string", "enum": ["note", "call"]},
                            "call_outcome": {
                                "type": ["string", "null"],
                                "enum": [*CALL_OUTCOMES, None],
                                "description": "A call's outcome; null for a note.",
                            },
                            "text": TEXT,
                            "edited_at": {
                                **WHEN_OR_NULL,
                                "description": "When its author last corrected it.",
                            },
                        }
                    ),
                },
                "appointments": {
                    "type": "array",
                    "description": "Booked appointments by start time; cancelled ones kept.",
                    "items": _object(
                        {
                            "id": {"type": "integer"},
                            "starts_at": WHEN,
                            "duration_minutes": {"type": "integer", "minimum": 1},
                            "kind": {"type": "string", "enum": list(KIND_LABELS)},
                            "cancelled_at": {**WHEN_OR_NULL, "description": "Null if it stands."},
                            "booked_through": {
                                "type": ["string", "null"],
                                "enum": [*bookings.TOOL_NAMES, None],
                                "description": "The booking tool it came from; null if "
                                "booked in the console.",
                            },
                        }
                    ),
                },
                "status_history": {
                    "type": "array",
                    "description": "Every status change, oldest first.",
                    "items": _object({"at": WHEN, "from": TEXT, "to": TEXT, "by": by}),
                },
                "verdict": {
                    "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/LeadVerdict"}],
                    "description": "The clinician's verdict after the consultation; null until "
                    "one is recorded.",
                },
            },
            description="One lead: answers, decision, consent, notes and status history.",
        ),
        "StatusChange": _object({"status": {"type": "string", "enum": list(STATUSES)}}),
        "StatusChanged": _object(
            {
                "id": {"type": "integer"},
                "status": {"type": "string", "enum": list(STATUSES)},
                "updated_at": WHEN,
            }
        ),
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _refusals(too_many: dict[str, Any]) -> dict[str, Any]:
    challenge = {
        "WWW-Authenticate": {
            "description": "Bearer, with the reason (RFC 6750).",
            "schema": {"type": "string"},
            "required": True,
        }
    }
    return {
        "401": {
            **_json(
                ERRORS_REF,
                "No token, or an unknown, revoked or expired one "
                "(an expired token's message says it expired and when).",
            ),
            "headers": challenge,
        },
        "403": {**_json(ERRORS_REF, "The token lacks the scope."), "headers": challenge},
        "429": too_many,
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


LEAD_ID = {
    "name": "lead_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
    "description": "The lead's number.",
    "example": 1,
}


def paths(too_many: dict[str, Any], lang_parameter: dict[str, Any]) -> dict[str, Any]:
    refusals = _refusals(too_many)
    not_found = _json(ERRORS_REF, "No lead with this number.")
    since = "at or after this time (ISO 8601; without a zone, UTC)."
    return {
        "/api/v1/leads": {
            "get": {
                "operationId": "listLeads",
                "summary": "Leads, newest first, filtered, a page at a time",
                "security": [{SCHEME: ["leads:read"]}],
                "parameters": [
                    _query(
                        "status", {"type": "string", "enum": list(STATUSES)}, "Only this status."
                    ),
                    _query(
                        "outcome",
                        {"type": "string", "enum": list(rules.OUTCOMES)},
                        "Only this outcome.",
                    ),
                    _query(
                        "source", {"type": "string", "enum": list(SOURCES)}, "Only this source."
                    ),
                    _query("created_since", WHEN, "Created " + since),
                    _query("updated_since", WHEN, "Changed " + since),
                    _query(
                        "cursor",
                        {"type": "string", "pattern": cursor.PATTERN},
                        "The previous page's next_cursor, with the same filters.",
                    ),
                    _query(
                        "limit",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_LIMIT,
                            "default": DEFAULT_LIMIT,
                        },
                        "How many leads per page.",
                    ),
                    lang_parameter,
                ],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/LeadList"}, "A page of leads."),
                    "422": _json(ERRORS_REF, "Every problem with the parameters, per parameter."),
                    **refusals,
                },
            }
        },
        "/api/v1/leads/{lead_id}": {
            "get": {
                "operationId": "getLead",
                "summary": "One lead with its answers, decision, notes and status history",
                "security": [{SCHEME: ["leads:read"]}],
                "parameters": [LEAD_ID, lang_parameter],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Lead"}, "The lead."),
                    "404": not_found,
                    "422": _json(ERRORS_REF, "An unknown parameter."),
                    **refusals,
                },
            }
        },
        "/api/v1/leads/{lead_id}/status": {
            "post": {
                "operationId": "setLeadStatus",
                "summary": "Change a lead's status (a status note, the audit log, a webhook event)",
                "security": [{SCHEME: ["leads:write"]}],
                "parameters": [LEAD_ID, lang_parameter],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/StatusChange"}
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {"$ref": "#/components/schemas/StatusChanged"}, "Where the lead now stands."
                    ),
                    "400": _json(ERRORS_REF, "The body is not valid JSON."),
                    "404": _json(
                        ERRORS_REF,
                        "No lead with this number, for a valid body and parameters (the "
                        "body and parameters are judged first, whatever the number).",
                    ),
                    "409": _json(
                        ERRORS_REF,
                        "The lead was merged into another (merged_into): it is read-only.",
                    ),
                    "413": _json(ERRORS_REF, "The body is too large."),
                    "415": _json(ERRORS_REF, "The body is not sent as application/json."),
                    "422": _json(
                        ERRORS_REF,
                        "Every problem with the body, per field; or a parameter; or "
                        '"booked" for a lead with no appointment (booking sets it).',
                    ),
                    **refusals,
                },
            }
        },
    }
