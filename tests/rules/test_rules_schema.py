"""FIELDS, OUTCOMES and reason severities read back from the contract document itself."""

from __future__ import annotations

import dataclasses
import re

import pytest

from rules import FIELDS, OUTCOMES, REASON_SEVERITY, FieldSpec
from rules.reasons import REASON_TEXTS
from rules.schema import DOMAINS, space_size


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first markdown table after `heading`, as cell lists."""
    section = text[text.index(heading) :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # drop the header row


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_fields_are_the_contracts_fields_in_order_with_their_values(contract_text):
    rows = table_rows(contract_text, "## 1. Answers")
    assert [ticked(r[0])[0] for r in rows] == list(FIELDS)
    for cells in rows:
        name, kind_cell, values_cell = ticked(cells[0])[0], cells[1], cells[2]
        spec = FIELDS[name]
        if kind_cell == "bool":
            assert (spec.kind, spec.choices) == ("bool", ())
        elif kind_cell == "string":
            assert (spec.kind, spec.choices) == ("choice", tuple(ticked(values_cell)))
        elif kind_cell.startswith("list"):
            assert (spec.kind, spec.choices) == ("multi", tuple(ticked(values_cell)))
        else:
            assert kind_cell == "integer"
            low, high = map(int, re.findall(r"\d+", values_cell))
            assert (spec.kind, spec.minimum, spec.maximum, spec.choices) == ("int", low, high, ())


def test_outcomes_are_the_contracts_strictest_first(contract_text):
    rows = table_rows(contract_text, "## 2. Outcomes")
    assert tuple(ticked(r[0])[0] for r in rows) == OUTCOMES


def test_reason_severities_are_the_contracts(contract_text):
    rows = table_rows(contract_text, "## 3. Reasons")
    assert list(REASON_SEVERITY.items()) == [(ticked(r[0])[0], r[2]) for r in rows]


def test_every_reason_has_english_text_and_nothing_else_does():
    assert list(REASON_TEXTS) == list(REASON_SEVERITY)
    assert all(len(text) > 40 and text.strip() == text for text in REASON_TEXTS.values())


def test_the_answer_space_size_matches_the_contract(contract_text):
    assert len(DOMAINS["scar_types"]) == 31
    assert len(DOMAINS["age"]) == 109
    assert f"{space_size():,}" in contract_text
    assert space_size() == 53_811_412_992


def test_field_specs_are_frozen():
    spec = FIELDS["age"]
    assert isinstance(spec, FieldSpec)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.maximum = 200  # type: ignore[misc]
    with pytest.raises(TypeError):
        FIELDS["colour"] = spec  # type: ignore[index]
