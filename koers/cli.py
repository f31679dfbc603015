"""The `koers` command line: `koers check`, and more as the product grows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from .history import find_repository
from .loading import load_agenda, raise_for_errors, read_worktree
from .planning import check_planning_file
from .problems import ContentError, errors_in
from .settings import Settings, document_problems, logo_problems, read_settings
from .versions import read_declared


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


def read_config(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as data (MkDocs' own tags left as they are)."""
    return yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=_TolerantLoader) or {}


def theme_folders(root: Path, config: dict[str, Any]) -> list[Path]:
    """The docs folder and the theme folder (custom_dir) of the project at `root`, as the build has them."""
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    return [root / str(config.get("docs_dir") or "docs"), *([root / str(theme["custom_dir"])]
                                                          if theme.get("custom_dir") else [])]


def read_project_settings(root: Path, config: dict[str, Any] | None = None) -> Settings:
    """The Koers settings of the project at `root`, read from its mkdocs.yml (`config`, when read already)."""
    config = read_config(root) if config is None else config
    return read_settings(config.get("extra") or {}, repo_url=config.get("repo_url"),
                         edit_uri=config.get("edit_uri"))


def cmd_check(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    config = read_config(root)
    try:
        settings = read_project_settings(root, config)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    agenda, problems = load_agenda(read_worktree(root, settings.layout), settings.layout)
    problems += document_problems(settings.document, [c.id for c in agenda.chapters])
    problems += logo_problems(settings.logo, theme_folders(root, config))
    repository = find_repository(root)
    # What the build reads besides the agenda, so a green check means a green build.
    problems += [*read_declared(root, repository.toplevel if repository else None)[1], *check_planning_file(root)]
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
    vocab = settings.vocabulary
    def count(n: int, singular: str, plural: str) -> str:
        return f"{n} {singular if n == 1 else plural}"

    print(f"In orde: {count(len(agenda.themes), vocab.group.singular, vocab.group.plural)}, "
          f"{count(len(agenda.goals), vocab.item.singular, vocab.item.plural)}, "
          f"{count(results, 'resultaat', 'resultaten')}, {count(relations, 'relatie', 'relaties')}.")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """Print the comparison of two versions as Markdown (for a pull-request comment)."""
    from .compare import compare_agendas, render_markdown
    from .versions import (
        path_between,
        read_agendas,
        renames_between,
        version_for,
        working_version,
    )

    root = find_root(Path(args.root).resolve())
    try:
        settings = read_project_settings(root)
        repository = find_repository(root)
        if repository is None:
            print("koers diff: this folder is not a git repository", file=sys.stderr)
            return 2
        toplevel = repository.toplevel
        declared, problems = read_declared(root, toplevel)
        raise_for_errors(problems)
        old = version_for(args.old, declared, toplevel)
        new = version_for(args.new, declared, toplevel) if args.new else working_version()
    except (ContentError, ValueError) as error:
        print(f"koers diff: {error}", file=sys.stderr)
        return 2
    layout = settings.layout
    path = path_between(declared, old, new)  # the same renames as the site's comparison
    agendas, _ = read_agendas(toplevel, [v for v in path if not v.working], layout)
    if new.working:
        agendas[new.id], problems = load_agenda(read_worktree(root, layout), layout)
        if errors := errors_in(problems):  # a comparison with half a werkversie would mislead
            for problem in errors:
                print(f"fout: {problem}", file=sys.stderr)
            print("koers diff: the werkversie has errors; fix them first ('make check')", file=sys.stderr)
            return 1
    document = settings.document
    renames = renames_between(toplevel, path, agendas, layout)[(old.id, new.id)]
    comparison = compare_agendas(agendas[old.id].in_document(document), agendas[new.id].in_document(document),
                                 renames=renames)
    label = lambda v: "de werkversie" if v.working else v.ref if v.title == v.ref else f"{v.title} ({v.id})"  # noqa: E731
    print(render_markdown(comparison, old_label=label(old), new_label=label(new), vocab=settings.vocabulary))
    return 0


def cmd_new_goal(args: argparse.Namespace) -> int:
    """Write a new goal file in a theme and say what to do next."""
    from .scaffold import ScaffoldError, new_goal

    root = find_root(Path(args.root).resolve())
    try:
        layout = read_project_settings(root).layout
        path = new_goal(root, layout, args.theme, " ".join(args.title))
    except (ContentError, ScaffoldError) as error:
        print(f"koers new goal: {error}", file=sys.stderr)
        return 1
    name = path.relative_to(root).as_posix()
    print(f"Nieuw doel: {name}\n\n"
          "Volgende stappen:\n"
          f"  1. Open {name} en vul bij 'results' de resultaten in (\"We willen bereiken dat\").\n"
          "  2. Voeg zo nodig 'relations' toe: de samenhang met doelen van andere thema's.\n"
          "  3. Controleer alles met 'make check'.\n"
          "  4. Leg de wijziging vast en open een pull request.")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Create a new agenda repository."""
    from .newagenda import InitError, init_agenda

    target = Path(args.dir).resolve()
    try:
        init_agenda(target, args.gemeente, git=not args.no_git)
    except InitError as error:
        print(f"koers init: {error}", file=sys.stderr)
        return 1
    print(f"Nieuwe agenda voor {' '.join(args.gemeente.split())} in {target}\n\n"
          "Volgende stappen:\n"
          f"  cd {args.dir}\n"
          "  make serve    # bekijk de site op http://127.0.0.1:8000\n"
          "  make test     # controleer de inhoud en bouw de site")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="koers", description="Koers: de sociale agenda als tekst in git.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate all themes and goals without building the site")
    check.add_argument("--root", default=".", help="the agenda repository (default: the current folder)")
    check.set_defaults(func=cmd_check)
    diff = sub.add_parser("diff", help="compare two versions of the agenda and print the redline as Markdown")
    diff.add_argument("old", help="a version id from content/versions.yml, or a git tag, branch or commit")
    diff.add_argument("new", nargs="?", help="the same; default: the working tree (the werkversie)")
    diff.add_argument("--root", default=".", help="the agenda repository (default: the current folder)")
    diff.set_defaults(func=cmd_diff)
    new = sub.add_parser("new", help="start a new content file").add_subparsers(dest="kind", required=True)
    goal = new.add_parser("goal", help="write a new goal file that passes 'koers check'")
    goal.add_argument("--theme", required=True, help="the id of the goal's theme (a file name in content/themas/)")
    goal.add_argument("title", nargs="+", help="the goal, starting with 'Meer' or 'Minder'")
    goal.add_argument("--root", default=".", help="the agenda repository (default: the current folder)")
    goal.set_defaults(func=cmd_new_goal)
    init = sub.add_parser("init", help="start a new, complete agenda repository")
    init.add_argument("dir", help="a new or empty folder")
    init.add_argument("--gemeente", required=True, help="the name of the municipality")
    init.add_argument("--no-git", action="store_true", help="do not run git init and the first commit")
    init.set_defaults(func=cmd_init)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader (`koers diff … | head`) stopped reading; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
