"""The GitHub workflows run what .ci/run runs, on a full clone, with actions pinned to a major version."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sitebuild import REPO

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def workflow(name: str) -> dict[Any, Any]:
    return yaml.safe_load((REPO / ".github/workflows" / name).read_text("utf-8"))


def steps(flow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in flow["jobs"].values() for step in job.get("steps", [])]


def make_targets(text: str) -> list[str]:
    return re.findall(r"^\s*(?:run: )?make (\w+)\s*$", text, re.M)


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_a_workflow_runs_only_make_targets_that_ci_runs(path: Path) -> None:
    ci = make_targets((REPO / ".ci/run").read_text("utf-8"))
    used = make_targets(path.read_text("utf-8"))
    assert used and set(used) <= set(ci)


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_a_workflow_checks_out_the_full_history_with_pinned_actions(path: Path) -> None:
    flow = yaml.safe_load(path.read_text("utf-8"))
    uses = [s["uses"] for s in steps(flow) if "uses" in s]
    assert [u for u in uses if not re.fullmatch(r"[\w-]+/[\w-]+@v\d+", u)] == []
    checkouts = [s for s in steps(flow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["fetch-depth"] == 0 for s in checkouts)
    pythons = [s for s in steps(flow) if s.get("uses", "").startswith("actions/setup-python@")]
    assert [s["with"]["python-version"] for s in pythons] == ["3.11"]


def test_a_pull_request_gets_the_comparison_in_its_summary() -> None:
    flow = workflow("pr.yml")
    assert "pull_request" in flow[True]  # PyYAML reads the key `on` as true
    run = " ".join(s.get("run", "") for s in steps(flow))
    assert '.venv/bin/koers diff "origin/$BASE_REF" HEAD' in run and '>> "$GITHUB_STEP_SUMMARY"' in run
    assert make_targets((REPO / ".github/workflows/pr.yml").read_text("utf-8")) == [
        "check", "lint", "test", "build", "audit"]


def test_main_is_published_on_pages_after_the_tests() -> None:
    flow = workflow("publish.yml")
    assert flow[True]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = flow["jobs"]["bouwen"]["steps"], flow["jobs"]["publiceren"]["steps"]
    assert [s.get("run") for s in build if "run" in s] == ["make test", "make build"]
    assert build[-1] == {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "site/"}}
    assert deploy[0]["uses"] == "actions/deploy-pages@v4"
    assert flow["jobs"]["publiceren"]["needs"] == "bouwen"
