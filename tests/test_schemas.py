"""The JSON Schema files are the one source of truth: described in Dutch, and exactly what the loader accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sitebuild import REPO

from koers.loading import load_agenda
from koers.schema import schema_path

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
