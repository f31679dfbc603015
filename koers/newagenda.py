"""`koers init`: start a new, complete agenda repository in one command.

The new repository is self-contained: it gets a copy of the Koers package, the
hook, the theme overrides, the Makefile, CI and workflow files from the Koers
checkout this command runs from, plus a first theme, a first goal, an empty
versions file and its own tests. It builds and passes its checks straight away.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

SOURCE = Path(__file__).resolve().parent.parent
COPIED = ("koers", "hooks", "overrides", "Makefile", "pyproject.toml", "requirements.txt", ".ci/run", ".gitignore",
          ".github/workflows/pr.yml", ".github/workflows/publish.yml")
OPTIONAL = ("audit", ".vscode/settings.json")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "screenshots", "*.egg-info")
GENERATED = {
    "mkdocs.yml": "mkdocs.yml.j2",
    "README.md": "README.md.j2",
    "content/index.md": "index.md.j2",
    "content/themas/meedoen.md": "theme.md.j2",
    "goals/meer-inwoners-doen-mee-in-hun-buurt.md": "goal.md.j2",
    "tests/test_agenda.py": "test_agenda.py.j2",
}
EMPTY_LISTS = ("content/versions.yml", "content/planning.yml")


class InitError(Exception):
    """The new agenda cannot be created as asked; the message says why."""


def init_agenda(target: Path, municipality: str, *, git: bool = True) -> list[str]:
    """Create the agenda repository in `target` (new or empty) and return the files written."""
    municipality = " ".join(municipality.split())
    if not municipality:
        raise InitError("--gemeente must name the municipality")
    # A clone of a new, empty repository on GitHub or GitLab holds only .git: that is empty too.
    if target.exists() and any(p.name != ".git" for p in target.iterdir()):
        raise InitError(f"{target} is not empty; choose a new folder")
    missing = [name for name in COPIED if not (SOURCE / name).exists()]
    if missing:
        raise InitError(f"koers init copies Koers from a checkout of its repository; missing here: "
                        f"{', '.join(missing)}")
    target.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for name in (*COPIED, *(o for o in OPTIONAL if (SOURCE / o).exists())):
        source, dest = SOURCE / name, target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest, ignore=IGNORED)
        else:
            shutil.copy2(source, dest)
        written.append(name)
    env = Environment(loader=PackageLoader("koers", "templates/init"), undefined=StrictUndefined,
                      keep_trailing_newline=True)
    env.filters["yaml"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # a JSON string is valid YAML
    for name, template in GENERATED.items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(env.get_template(template).render(gemeente=municipality), "utf-8")
        written.append(name)
    for name in EMPTY_LISTS:
        (target / name).write_text("# Nog leeg; zie de README.\n[]\n", "utf-8")
        written.append(name)
    if git:
        _commit(target, municipality)
    return written


def _commit(target: Path, municipality: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", "Koers"),
           "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", "koers@localhost"),
           "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", "Koers"),
           "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", "koers@localhost")}
    start = [] if (target / ".git").exists() else [["init", "-q", "-b", "main"]]
    for args in (*start, ["add", "-A"], ["commit", "-q", "-m", f"Start the Sociale Agenda {municipality}"]):
        subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=target, check=True, env=env,
                       capture_output=True)
