"""The `koers` command line: `koers check`, and more as the product grows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from .loading import load_agenda, read_worktree
from .problems import ContentError, errors_in
from .settings import Settings, read_settings


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: tags like ``!ENV`` or ``!!python/name`` become None."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def find_root(start: Path) -> Path:
    """The nearest folder upwards from `start` that holds a mkdocs.yml."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SystemExit(f"koers: no mkdocs.yml found in {start} or any folder above it")


def read_project_settings(root: Path) -> Settings:
    """The Koers settings of the project at `root`, read from its mkdocs.yml."""
    config: dict[str, Any] = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=_TolerantLoader) or {}
    return read_settings(config.get("extra") or {}, repo_url=config.get("repo_url"),
                         edit_uri=config.get("edit_uri"))


def cmd_check(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    try:
        settings = read_project_settings(root)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    agenda, problems = load_agenda(read_worktree(root, settings.layout), settings.layout)
    for problem in problems:
        label = "fout" if problem.severity == "error" else "let op"
        print(f"{label}: {problem}", file=sys.stderr)
    errors = errors_in(problems)
    if errors:
        print(f"\n{len(errors)} {'fout' if len(errors) == 1 else 'fouten'} gevonden; "
              "de site wordt pas gebouwd als alles is opgelost.", file=sys.stderr)
        return 1
    results = sum(len(g.results) for g in agenda.goals)
    relations = len(agenda.relations())
    print(f"In orde: {len(agenda.themes)} thema's, {len(agenda.goals)} doelen, {results} resultaten, "
          f"{relations} relaties.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="koers", description="Koers: de sociale agenda als tekst in git.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate all themes and goals without building the site")
    check.add_argument("--root", default=".", help="the agenda repository (default: the current folder)")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
