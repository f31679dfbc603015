"""Real sites for tests: write a small agenda into a folder and build it with MkDocs.

`AgendaSite` lays out a complete Koers project (mkdocs.yml, the project's own
`overrides/` and `hooks/`, chapters, themes and goals) and runs the real
`mkdocs build --strict` in a subprocess, exactly as `make build` does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent

MKDOCS_YML: dict[str, Any] = {
    "site_name": "Sociale Agenda Teststad 2020–2024",
    "site_url": "https://agenda.teststad.example/",
    "repo_url": "https://forge.example/teststad/agenda",
    "edit_uri": "edit/main/content/",
    "docs_dir": "content",
    "exclude_docs": "versions.yml\nplanning.yml\n",
    "theme": {"name": "material", "custom_dir": "overrides", "language": "nl", "font": False,
              "features": ["navigation.indexes"]},
    "hooks": ["hooks/agenda.py"],
    "plugins": [{"search": {"lang": "nl"}}],
    "markdown_extensions": ["attr_list", {"footnotes": {"BACKLINK_TITLE": "Terug naar voetnoot %d in de tekst"}},
                            "md_in_html", "tables", {"toc": {"permalink": True}}],
    "nav": ["index.md", "inleiding.md", {"Sociale Agenda": ["koers:themas"]}, "samenhang.md"],
    "extra": {"generator": False, "koers": {
        "municipality": "Teststad", "title": "Sociale Agenda Teststad", "period": "2020–2024",
        "credit": "Sociale Agenda Teststad 2020–2024, vastgesteld door de gemeenteraad op 1 juli 2020",
        "relations_note": "De relaties zijn gereconstrueerd uit de tekst van de agenda."}},
}


def goal_file(title: str, theme: str, direction: str, order: int, results: list[str],
              relations: list[tuple[str, str]] = (), body: str = "") -> str:
    """The text of a goal file with the given fields."""
    data: dict[str, Any] = {"title": title, "theme": theme, "direction": direction, "order": order,
                            "results": results}
    if relations:
        data["relations"] = [{"goal": g, "note": n} for g, n in relations]
    return f"---\n{yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}---\n\n{body}"


def theme_file(title: str, opgave: str, order: int, body: str = "") -> str:
    data = {"title": title, "opgave": opgave, "order": order}
    return f"---\n{yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}---\n\n{body}"


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path

    def html(self, path: str) -> str:
        """The built HTML of a site path like "doelen/x/" or "index.html"."""
        target = self.site / path
        if path.endswith("/") or not path:
            target = target / "index.html"
        return target.read_text("utf-8")

    def json(self, path: str) -> Any:
        return json.loads((self.site / path).read_text("utf-8"))

    def article(self, path: str) -> str:
        """The page content only (Material's <article>), without navigation."""
        html = self.html(path)
        match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
        assert match, f"no article in {path}"
        return match.group(1)


class AgendaSite:
    """A Koers project in a folder, with a small default agenda of two themes and three goals."""

    def __init__(self, root: Path, *, config: dict[str, Any] | None = None, default_content: bool = True) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "overrides", root / "overrides", dirs_exist_ok=True)
        shutil.copytree(REPO / "hooks", root / "hooks", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.write(".gitignore", "site/\n")
        self.config = json.loads(json.dumps(config or MKDOCS_YML))
        self.write_config()
        if default_content:
            self.write_default_content()

    @classmethod
    def existing(cls, root: Path) -> AgendaSite:
        """A project already in `root` (a copy of another test's), with its own mkdocs.yml."""
        site = cls.__new__(cls)
        site.root = root
        site.config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
        return site

    def write_config(self) -> None:
        self.write("mkdocs.yml", yaml.safe_dump(self.config, allow_unicode=True, sort_keys=False))

    def write(self, path: str, text: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, "utf-8")
        return target

    def remove(self, path: str) -> None:
        (self.root / path).unlink()

    def write_default_content(self) -> None:
        self.write("content/index.md", "---\ntitle: Sociale Agenda Teststad\n---\n\nDe agenda van Teststad.\n")
        self.write("content/inleiding.md", textwrap.dedent("""\
            ---
            title: Inleiding
            ---

            Het sociaal domein gaat over mensen.[^1]

            [^1]: Een voetnoot bij de inleiding.
            """))
        self.write("content/themas/wonen.md", theme_file(
            "Wonen", "Iedereen woont prettig en veilig.", 1, "## Betaalbaar wonen\n\nHuren stijgen.\n"))
        self.write("content/themas/gezondheid.md", theme_file(
            "Gezondheid", "Inwoners leven gezond.", 2, "Gezond leven begint thuis.\n"))
        self.write("goals/minder-dakloosheid.md", goal_file(
            "Minder inwoners zijn dakloos", "wonen", "minder", 1,
            ["er voldoende opvang is;", "niemand op straat slaapt."],
            [("meer-bewegen", "Bewegen helpt wie opnieuw begint (thema Gezondheid).")],
            "Een toelichting bij het doel.\n"))
        self.write("goals/meer-woningen.md", goal_file(
            "Meer betaalbare woningen", "wonen", "meer", 2, ["er jaarlijks 100 woningen bijkomen."]))
        self.write("goals/meer-bewegen.md", goal_file(
            "Meer inwoners bewegen voldoende", "gezondheid", "meer", 1,
            ["sporten toegankelijk is voor kinderen;", "ouderen wandelen."]))

    def build(self, *extra: str, check: bool = True) -> BuildResult:
        """Run `mkdocs build --strict`; with check, fail the test on a non-zero exit."""
        site = self.root / "site"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        proc = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), *extra],
            cwd=self.root, capture_output=True, text=True, env=env,
        )
        result = BuildResult(proc.returncode, proc.stdout + proc.stderr, site)
        if check:
            assert proc.returncode == 0, result.output
        return result

    def check(self) -> subprocess.CompletedProcess[str]:
        """Run `koers check` in the project, as `make check` does; its messages are in stderr."""
        return subprocess.run([sys.executable, "-m", "koers.cli", "check"], cwd=self.root, capture_output=True,
                              text=True)

    def check_and_build_fail(self, message: str) -> BuildResult:
        """Expect `koers check` (exit 1) and the build (nothing written) both to report `message`."""
        built = self.build_fails(message)
        check = self.check()
        assert check.returncode == 1 and message in check.stderr, check.stderr
        return built

    def build_fails(self, message: str) -> BuildResult:
        """Build, expecting failure with `message` in the output and no site written."""
        result = self.build(check=False)
        assert result.returncode != 0, result.output
        assert message in result.output
        assert not (result.site / "index.html").exists()
        return result
