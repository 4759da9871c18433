"""The API's OpenAPI 3.1 document, generated: the answer schema comes from the rules'
field table (types, values, bounds) and the wizard's catalogue (the words), so
neither is ever written twice and the document cannot drift from the code."""

from __future__ import annotations

from typing import Any

import rules
from api import openapi_leads, openapi_verdicts
from questionnaire.catalogue import Question
from questionnaire.flow import Flow
from rules.schema import SEVERITIES

ERRORS_REF = {"$ref": "#/components/schemas/Errors"}


def _described(question: Question | None) -> dict[str, str]:
    if question is None:
        return {}
    text = str(question.label) + (f" {question.hint}" if question.hint else "")
    return {"description": text}


def _labelled_values(question: Question | None, values: tuple[str, ...]) -> dict[str, Any]:
    labels = {c.value: str(c.label) for c in question.choices} if question else {}
    return {"enum": list(values), "x-labels": {v: labels.get(v, v) for v in values}}


def answer_property(spec: rules.FieldSpec, question: Question | None) -> dict[str, Any]:
    """One field of the Answers schema (contract section 1)."""
    if spec.kind == "multi":
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", **_labelled_values(question, spec.choices)},
            "minItems": 1,
            "uniqueItems": True,
        }
    elif spec.kind == "choice":
        schema = {"type": "string", **_labelled_values(question, spec.choices)}
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "integer", "minimum": spec.minimum, "maximum": spec.maximum}
    return {**schema, **_described(question)}


def answers_schema(flow: Flow) -> dict[str, Any]:
    by_id = {question.id: question for question in flow.questions}
    return {
        "type": "object",
        "description": "One answer for every question (contract section 1); nothing is optional.",
        "properties": {
            name: answer_property(spec, by_id.get(name)) for name, spec in rules.FIELDS.items()
        },
        "required": list(rules.FIELDS),
        "additionalProperties": False,
    }


def _schemas(flow: Flow) -> dict[str, Any]:
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}
    return {
        "Answers": answers_schema(flow),
        "Decision": {
            "type": "object",
            "required": ["outcome", "reasons", "rulebase"],
            "additionalProperties": False,
            "properties": {
                "outcome": {"type": "string", "enum": list(rules.OUTCOMES)},
                "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
                "rulebase": {
                    "type": "object",
                    "required": ["version", "sha256"],
                    "additionalProperties": False,
                    "properties": {
                        "version": text,
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    },
                },
            },
        },
        "Reason": {
            "type": "object",
            "required": ["key", "severity", "rule", "text"],
            "additionalProperties": False,
            "properties": {
                # The contract's table, or a clinic's own reason (section 3: ``clinic_…``).
                "key": {
                    "type": "string",
                    "anyOf": [
                        {"enum": list(rules.REASON_SEVERITY)},
                        {"pattern": "^clinic_[a-z0-9]+(_[a-z0-9]+)*$"},
                    ],
                },
                "severity": {"type": "string", "enum": list(SEVERITIES)},
                "rule": text,
                "text": text,
            },
        },
        "Errors": {
            "type": "object",
            "required": ["errors"],
            "additionalProperties": False,
            "properties": {
                "errors": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "additionalProperties": False,
                        "properties": {
                            "field": {
                                "type": "string",
                                "description": "The answer field; empty for the whole request.",
                            },
                            "message": text,
                        },
                    },
                }
            },
        },
        "Questionnaire": {
            "type": "object",
            "required": ["lang", "steps"],
            "properties": {
                "lang": text,
                "steps": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "title", "intro", "questions"],
                        "properties": {
                            "id": text,
                            "title": text,
                            "intro": nullable_text,
                            "questions": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Question"},
                            },
                        },
                    },
                },
            },
        },
        "Question": {
            "type": "object",
            "required": ["id", "kind", "label", "hint", "required_message", "choices"],
            "properties": {
                "id": {"type": "string", "enum": list(rules.FIELDS)},
                "kind": {"type": "string", "enum": ["multi", "choice", "bool", "int"]},
                "label": text,
                "hint": nullable_text,
                "required_message": text,
                "choices": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["value", "label", "hint"],
                        "properties": {
                            "value": {"type": ["string", "boolean"]},
                            "label": text,
                            "hint": nullable_text,
                            "swatch": text,
                        },
                    },
                },
                "minimum": {"type": ["integer", "null"]},
                "maximum": {"type": ["integer", "null"]},
                "shown_when": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": ["field", "any_of"],
                            "properties": {"field": text, "any_of": {"type": "array"}},
                        },
                    ],
                },
                "value_when_hidden": {},
            },
        },
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of the texts; otherwise Accept-Language; unsupported: English.",
    "schema": {"type": "string"},
}


def openapi_document(flow: Flow, languages: tuple[str, ...], version: str) -> dict[str, Any]:
    """The whole document for the current catalogue and rule file."""
    too_many = {
        **_json(ERRORS_REF, "Too many requests from this address; try again later."),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Acne scar microneedling check",
            "version": version,
            "description": (
                "Screening answers in, decision out, as in the screening contract. "
                f"Languages: {', '.join(languages)}. Nothing sent to it is stored. "
                "The leads endpoints are for the clinic's own systems: they read stored "
                "leads and change their status with an API token (bearer), server to server."
            ),
        },
        "paths": {
            "/api/v1/questionnaire": {
                "get": {
                    "operationId": "getQuestionnaire",
                    "summary": "The questions, choices, help texts and conditions",
                    "parameters": [LANG_PARAMETER],
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/Questionnaire"}, "The questionnaire."
                        ),
                        "429": too_many,
                    },
                }
            },
            "/api/v1/assessments": {
                "post": {
                    "operationId": "createAssessment",
                    "summary": "Decide: answers in, decision out",
                    "parameters": [LANG_PARAMETER],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Answers"}}
                        },
                    },
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Decision"}, "The decision."),
                        "400": _json(ERRORS_REF, "The body is not valid JSON."),
                        "413": _json(ERRORS_REF, "The body is too large."),
                        "415": _json(ERRORS_REF, "The body is not sent as application/json."),
                        "422": _json(ERRORS_REF, "Every problem with the answers, per field."),
                        "429": too_many,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {
                        "200": _json({"type": "object"}, "The OpenAPI document."),
                        "429": too_many,
                    },
                }
            },
            **openapi_leads.paths(too_many, LANG_PARAMETER),
            **openapi_verdicts.paths(too_many, LANG_PARAMETER),
        },
        "components": {
            "schemas": {
                **_schemas(flow),
                **openapi_leads.schemas(),
                **openapi_verdicts.schemas(),
            },
            "securitySchemes": openapi_leads.SECURITY_SCHEMES,
        },
    }
