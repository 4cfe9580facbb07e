"""docs/feedback-format.md stays true: its JSON Schema is valid, and each example on the page
matches exactly one of its definitions (so an example cannot drift from the schema, nor
match a definition by accident).

The page is the normative wire format that the feedback routes, the live room, reports and
exports build on; this test is what keeps its prose examples and its schema one thing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "feedback-format.md"
# The definitions an example may be an instance of (the rest are their parts).
KINDS = ["anchor", "author", "comment", "status", "summary", "event", "presence", "presenter"]


def json_blocks() -> list[dict]:
    blocks = re.findall(r"```json\n(.*?)```", PAGE.read_text(), re.DOTALL)
    assert blocks, f"no JSON blocks in {PAGE}"
    return [json.loads(block) for block in blocks]


def the_schema() -> dict:
    schemas = [block for block in json_blocks() if "$schema" in block]
    assert len(schemas) == 1, "the page has one JSON Schema"
    return schemas[0]


def validator(schema: dict, definition: str) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"}, validate_formats=True)


def test_the_schema_is_a_valid_json_schema() -> None:
    schema = the_schema()
    for definition in schema["$defs"]:
        validator(schema, definition)  # raises on a schema it cannot compile


@pytest.mark.parametrize("index", range(len([b for b in json_blocks() if "$schema" not in b])))
def test_each_example_matches_exactly_one_definition(index: int) -> None:
    schema = the_schema()
    example = [block for block in json_blocks() if "$schema" not in block][index]
    matching = [kind for kind in KINDS if validator(schema, kind).is_valid(example)]
    assert len(matching) == 1, (
        f"example {index + 1} matches {matching or 'no definition'}:\n{json.dumps(example, indent=2)}\n"
        + "\n".join(f"{kind}: {error}" for kind in KINDS for error in list(validator(schema, kind).iter_errors(example))[:1]))


def test_the_limits_the_prose_states_are_the_schemas() -> None:
    """A few of the numbers the page says in words, against its schema."""
    text = PAGE.read_text()
    definitions = the_schema()["$defs"]
    assert "at most 200 shapes" in text and definitions["drawing"]["properties"]["shapes"]["maxItems"] == 200
    stroke = definitions["shape"]["oneOf"][0]["properties"]["points"]
    assert "5 000 points in one stroke" in text and stroke["maxItems"] == 5000
    assert "at most 0.5" in text and definitions["weight"]["maximum"] == 0.5
