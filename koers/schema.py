"""JSON Schema validation of front matter, translated into editors' messages.

The schema files in ``koers/schemas/`` are the one source of truth: the
validator uses them, and an editor's YAML tooling can read the same files
(``.vscode/settings.json`` maps the one for ``content/versions.yml``; tools do
not read front matter inside Markdown, see README "Schema's voor editors").
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema_rs

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

from .frontmatter import Path_, field_name
from .problems import Problem

_TYPE_NAMES = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a list of 'field: value' lines",
    "boolean": "true or false",
}
PLAIN_TEXT = "^[^<>]*$"
"""Pattern of titles, which the theme puts into the menu and <title> without escaping."""
_HOW_TO = {
    "array": " (write each item on its own line, starting with '- ')",
    "string": " (put the text between quotes)",
    "integer": " (for example 1)",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema from ``koers/schemas/<name>.schema.json``."""
    text = resources.files("koers").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema  # valid: tests/test_schemas.py checks every schema file against the meta-schema


def schema_path(name: str) -> str:
    """Filesystem path of a schema file (for editors' tooling)."""
    return str(resources.files("koers").joinpath(f"schemas/{name}.schema.json"))


@cache
def _fast_validator(name: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator(load_schema(name), validate_formats=True)


@cache
def _validator(name: str) -> Draft202012Validator:
    # Imported here: only a document the fast check refuses needs it, and importing it costs
    # every build and every `koers check` 40 ms.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(path: str, data: Any, name: str, line_of: Any) -> list[Problem]:
    """Check `data` against schema `name`; `line_of(*path)` gives a field's line.

    `jsonschema-rs` says whether `data` is valid, fifty times faster than `jsonschema`
    (a build checks every version of every file: thousands at scale). What it refuses, or
    cannot take (YAML may hold bytes or sets), goes to `problems`, which finds every
    problem and says where, and which alone decides what is wrong.
    """
    try:
        if _fast_validator(name).is_valid(data):
            return []
    except Exception:  # noqa: BLE001 - whatever the fast check cannot take, the full check judges
        pass
    return problems(path, data, name, line_of)


def problems(path: str, data: Any, name: str, line_of: Any) -> list[Problem]:
    """Every problem of `data` against schema `name`, by `jsonschema` (see `validate`)."""
    validator = _validator(name)
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(allowed), key=str):
                message = (f"unknown field '{extra}'{did_you_mean(str(extra), allowed)}; "
                           f"allowed fields: {', '.join(allowed)}")
                found.append(Problem(path, line_of(*where, extra), message))
            continue
        found.append(Problem(path, line_of(*where), _message(error, where)))
    return found


def describe(value: Any) -> str:
    """What an editor wrote, in words: "a text", "a number", "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a list of fields"
    return type(value).__name__


def did_you_mean(word: str, choices: list[str]) -> str:
    """A " (did you mean 'x'?)" suffix when a close match exists."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _message(error: ValidationError, where: Path_) -> str:
    name = field_name(where)
    kind = error.validator
    if kind == "required":
        missing = str(error.message).split("'")[1]
        return f"missing required field '{missing}'; add a line '{missing}: …'"
    if kind == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return f"{name} must be one of: {choices} (got {_shown(error.instance)})"
    if kind == "type":
        expected = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        if error.instance is None or error.instance == "":
            return f"{name} must not be empty"
        hint = _HOW_TO.get(str(error.validator_value), "")
        return f"{name} must be {expected} (got {describe(error.instance)}){hint}"
    if kind == "pattern" and error.validator_value == "\\S":
        return f"{name} must not be empty"
    if kind == "pattern" and error.validator_value == PLAIN_TEXT:
        return f"{name} must be plain text, without '<' or '>' (got {_shown(error.instance)})"
    if kind == "pattern":
        return (f"{name} must be an id: lowercase letters, digits and hyphens, "
                f"like 'zelfstandig-leven' (got {_shown(error.instance)})")
    if kind == "format" and error.validator_value == "date":
        return f"{name} must be a date written as YYYY-MM-DD, like 2017-06-26 (got {_shown(error.instance)})"
    if kind == "minimum":
        return f"{name} must be {error.validator_value} or more (got {_shown(error.instance)})"
    return f"{name}: {error.message}"


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)
