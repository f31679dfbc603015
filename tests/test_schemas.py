"""The JSON Schema files are the one source of truth: described in Dutch, and exactly what the loader accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sitebuild import REPO

from koers.loading import load_agenda
from koers.schema import problems, schema_path, validate

SCHEMAS = sorted((REPO / "koers/schemas").glob("*.schema.json"))
# A rough but honest test of language: a Dutch function word present, no English one.
DUTCH = re.compile(r"\b(de|het|een|van|voor|zonder|zoals|bijvoorbeeld|waarom|elk|één|naar|bij|welke|als|of|en)\b", re.I)
ENGLISH = re.compile(r"\b(the|and|with|without|which|must|should|this|for|from)\b", re.I)


def properties(schema: dict[str, Any], root: dict[str, Any] | None = None,
               at: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property of a schema, nested ones included, as ("relations.goal", its schema).

    A local ``$ref`` is followed; a description next to it wins over the one it points to.
    """
    root = root or schema
    found = []
    for name, sub in _resolved(schema, root).get("properties", {}).items():
        sub = _resolved(sub, root)
        found.append((f"{at}{name}", sub))
        found += properties(sub, root, f"{at}{name}.")
    items = _resolved(schema, root).get("items")
    if isinstance(items, dict):
        found += properties(items, root, at)
    return found


def _resolved(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if not ref.startswith("#/$defs/"):
        return schema
    target = _resolved(root["$defs"][ref.removeprefix("#/$defs/")], root)
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_property_has_a_dutch_description(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    described = {"(schema)": schema.get("description", "")}
    described |= {name: sub.get("description", "") for name, sub in properties(schema)}
    assert len(described) > 1
    assert [name for name, text in described.items() if not DUTCH.search(text) or ENGLISH.search(text)] == []


@pytest.mark.parametrize("name", ["goal", "theme", "chapter"])
def test_the_validator_reads_the_schema_files_in_the_repository(name: str) -> None:
    assert Path(schema_path(name)).resolve() == REPO / f"koers/schemas/{name}.schema.json"


THEME = "---\ntitle: Wonen\nopgave: Iedereen woont prettig.\norder: 1\n"
GOAL = "---\ntitle: Meer woningen\ntheme: wonen\ndirection: meer\norder: 1\nresults:\n  - er woningen bijkomen.\n"
OTHER = "---\ntitle: Minder dakloosheid\ntheme: wonen\ndirection: minder\norder: 2\nresults: []\n---\n"
DOCUMENTS = {
    # schema: (path, a file using every field of the schema, without its closing '---')
    "theme": ("content/themas/wonen.md", THEME),
    "goal": ("goals/meer-woningen.md", GOAL + "relations:\n  - goal: minder-dakloosheid\n    note: Samen.\n"),
    "chapter": ("content/inleiding.md", "---\ntitle: Inleiding\n"),
}


def load(changed: dict[str, str]) -> list[str]:
    files = {"content/themas/wonen.md": THEME + "---\n", "goals/meer-woningen.md": GOAL + "---\n",
             "goals/minder-dakloosheid.md": OTHER, **changed}
    _, problems = load_agenda({p: t.encode() for p, t in files.items()})
    return [str(p) for p in problems]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_declared_field_is_accepted(name: str) -> None:
    path, text = DOCUMENTS[name]
    declared = {n for n, _ in properties(json.loads(Path(schema_path(name)).read_text("utf-8")))}
    used = {key for key in re.findall(r"^ *-? *([a-z]+):", text, re.M)}
    used = {f"relations.{k}" if k in ("goal", "note") and name == "goal" else k for k in used}
    assert used == declared
    assert load({path: text + "---\n"}) == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_field_the_schema_does_not_declare_is_rejected(name: str) -> None:
    path, text = DOCUMENTS[name]
    schema = json.loads(Path(schema_path(name)).read_text("utf-8"))
    allowed = ", ".join(sorted(schema["properties"]))
    lines = text.count("\n")
    assert load({path: text + "kleur: rood\n---\n"}) == [
        f"{path}, line {lines + 1}: unknown field 'kleur'; allowed fields: {allowed}"]


def test_a_relation_field_the_schema_does_not_declare_is_rejected() -> None:
    path, text = DOCUMENTS["goal"]
    assert load({path: text + "    reden: x\n---\n"}) == [
        f"{path}, line 11: unknown field 'reden'; allowed fields: goal, note"]


def test_the_editor_settings_point_at_existing_schemas() -> None:
    settings = json.loads((REPO / ".vscode/settings.json").read_text("utf-8"))
    for schema, pattern in settings["yaml.schemas"].items():
        assert (REPO / schema).resolve().parent == REPO / "koers/schemas"
        assert (REPO / schema).is_file() and list(REPO.glob(pattern)), (schema, pattern)


GOAL_DATA = {"title": "Meer inwoners bewegen", "theme": "gezondheid", "direction": "meer", "order": 1,
        "results": ["ouderen wandelen."], "relations": [{"goal": "minder-eenzaamheid", "note": "Samen."}]}
VERSION_DATA = {"id": "concept", "title": "Concept", "date": "2020-04-19", "status": "concept", "ref": "v-concept"}
# Values where two implementations of JSON Schema could disagree: regular expressions (Python's
# `$` also matches before a final newline; what counts as white space), numbers, dates, and what
# YAML can hold that JSON cannot.
TRICKY: list[tuple[str, str, Any]] = [
    ("goal", "valid", GOAL_DATA),
    *[("goal", f"title {v!r}", {**GOAL_DATA, "title": v})
      for v in ["", " ", "\u00a0", "\u2028", "\u200b", "a<b", "regel\n", "\n"]],
    *[("goal", f"theme {v!r}", {**GOAL_DATA, "theme": v}) for v in ["Wonen", "wonen\n", "wo nen", "wonen-", "é"]],
    *[("goal", f"order {v!r}", {**GOAL_DATA, "order": v}) for v in [0, True, 1.0, 1.5, 2**70, "1", None]],
    ("goal", "direction 'more'", {**GOAL_DATA, "direction": "more"}),
    *[("goal", f"results {v!r}", {**GOAL_DATA, "results": v})
      for v in [[], [""], ["x", 3], b"bytes", {"a set"}, "one text"]],
    ("goal", "relation without note", {**GOAL_DATA, "relations": [{"goal": "x"}]}),
    ("goal", "relation with an extra field", {**GOAL_DATA, "relations": [{"goal": "x", "note": "n", "waarom": "?"}]}),
    ("goal", "a key that is a number", {**GOAL_DATA, 1: "een"}),
    ("goal", "extra field", {**GOAL_DATA, "tags": ["x"]}),
    ("goal", "not a mapping", ["title"]),
    *[("versions", f"date {v!r}", [{**VERSION_DATA, "date": v}])
      for v in ["2020-04-19", "2020-02-30", "2020-2-3", "20200419", "2020-04-19T10:00", "2020-W16-7", " 2020-04-19"]],
]


@pytest.mark.parametrize(("name", "case", "data"), TRICKY, ids=[c for _, c, _ in TRICKY])
def test_the_fast_check_never_passes_what_the_full_check_refuses(name: str, case: str, data: Any) -> None:
    def line_of(*_: Any) -> int:
        return 1

    assert validate("x.md", data, name, line_of) == problems("x.md", data, name, line_of)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda path: path.name)
def test_every_schema_file_is_a_valid_schema(path: Path) -> None:
    # Checked here, not in every build: jsonschema's import alone costs a build 40 ms.
    Draft202012Validator.check_schema(json.loads(path.read_text("utf-8")))
