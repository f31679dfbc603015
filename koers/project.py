"""A Koers project: one agenda repository, loaded once per build.

This is the facade the MkDocs hook talks to. Each method answers one build
event's question (which pages exist, what a page's content is, where its edit
link points) so that the hook itself holds no logic.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .buildcache import CACHE_DIR, BuildCache, code_fingerprint, digest, stable_repr
from .diagram import Diagram, draw_relations
from .fragments import Fragments
from .frontmatter import parse_document
from .history import (
    BlobStream,
    History,
    Repository,
    find_repository,
    head_commit,
    path_in_repository,
    read_history,
    run_git,
)
from .loading import Layout, file_id, load_agenda, raise_for_errors, read_worktree
from .model import Agenda, Goal
from .pagehistory import ChangeLog, LogEntry, PageHistory
from .planning import PLANNING_FILE, Phase, check_planning_file, parse_planning, timeline
from .problems import ContentError, Problem
from .render import AMSTERDAM, ID_ATTRIBUTE, MarkdownRenderer, extend_toc, make_environment, month_label, sanitize
from .settings import Settings, document_problems, logo_problems
from .site import (
    AGENDA_CSV,
    AGENDA_JSON,
    DIAGRAM,
    FEED,
    OPEN_DATA_SRC,
    PROCES_SRC,
    SAMENHANG_SRC,
    WIJZIGINGEN_SRC,
    GeneratedPage,
    SiteMap,
    agenda_csv,
    agenda_json,
    csv_columns,
    expand_nav,
    generated_pages,
    page_url,
)
from .versionpages import VERSIES_SRC, VersionPages, version_url
from .versions import (
    VERSIONS_FILE,
    DeclaredVersions,
    Version,
    VersionContents,
    VersionReader,
    VersionSet,
    goal_renames,
    read_declared,
    renames_between,
    working_version,
)

SHALLOW_CLONE = (
    "the repository is a shallow clone, so the change history of every page would be incomplete. "
    "Fetch the full history with 'git fetch --unshallow' (on GitHub Actions: actions/checkout with "
    "'fetch-depth: 0'), or publish it marked as incomplete by setting "
    "'extra.koers.accept_partial_history: true' in mkdocs.yml"
)
# The start of an abbreviation's definition ("*[GGD]: …"), which applies to the whole text it is in.
_ABBREVIATION = r"^ {0,3}\*\["
_SWALLOWED = ("the text does not end where it should: a block in it is never closed (an HTML block, or a block "
              "of one of the site's Markdown extensions such as '/// note'), so it would swallow everything the "
              "page shows after it; close the block where it should end")
_COMMITTED_CACHE = ("git holds files in the build cache's folder, so this build does not use it (its parts would go "
                    "into the pages unchecked). Remove them from git with 'git rm -r --cached .cache' and commit")
NO_GIT = ("the change history is not available: this folder is not a git repository (a downloaded zip?). "
          "The site is built without it; clone the repository with git to publish the history")


class Project:
    """An agenda repository rooted at `root`, published from `docs_dir`."""

    GENERATED = ("wijzigingen", "versies", "version", "compare", "opendata", "proces")

    def __init__(self, root: Path, docs_dir: Path, settings: Settings, templates_dir: Path, *,
                 markdown_extensions: list[Any] | None = None, markdown_configs: dict[str, Any] | None = None,
                 cache_dir: Path | None = None) -> None:
        self.root = root
        self.markdown = MarkdownRenderer(markdown_extensions or [], markdown_configs or {})
        self.docs_dir = docs_dir
        self.settings = settings
        self.env = make_environment(templates_dir)
        self.templates_dir = templates_dir
        self.fragments = Fragments()
        self.agenda = Agenda()
        self.warnings: list[Problem] = []
        self.changelog: ChangeLog | None = None
        self.version_pages = VersionPages(VersionSet())
        self._reader: VersionReader | None = None  # reads what the declared versions hold from git
        self._declared_key: tuple[str, ...] = ()
        self.phases: list[Phase] | None = None
        self._diagram: Diagram | None = None
        self._agenda_digest: str | None = None
        self._titles: dict[str, str] = {}
        self._histories: dict[str, PageHistory] = {}
        self._summaries: dict[str, PageHistory] = {}
        self._identities: dict[str, tuple[str, ...]] = {}
        self._titles_digest: str | None = None
        self._log: list[LogEntry] | None = None
        self._months: list[dict[str, Any]] | None = None
        self._files: dict[str, str] | None = None
        self._theme_titles: dict[str, str] | None = None
        self._modules: dict[str, Any] = {}
        self._results_markdown: dict[tuple[str, ...], str] = {}
        # Marks where a page's history goes; random, so contributed text cannot place one.
        self._slot = f"koers-history-{secrets.token_hex(8)}"
        self._content_slot = f"koers-content-{secrets.token_hex(8)}"
        self._part_slot = f"koers-part-{secrets.token_hex(8)}"
        self._part = re.compile(rf"<p>{self._part_slot}-(\d+)</p>")
        self._parts: dict[str, list[str]] = {}
        # Parts placed into the finished page (`late(n)`): after Markdown, the marker becomes
        # an HTML comment, which Material's search index skips, and the part replaces it last.
        late_slot = f"koers-late-{secrets.token_hex(8)}"
        self._late_slot = late_slot
        self._late_paragraph = re.compile(rf"<p>({late_slot}-\d+)</p>")
        self._late_comment = re.compile(rf"<!--{late_slot}-(\d+)-->")
        self._late: dict[str, list[str]] = {}
        # Where a page's own text ends (`text_end()`): its footnotes go there, not below the
        # history, and a page whose text took it in (an unclosed block) fails the build.
        self._text_end = f"koers-text-end-{secrets.token_hex(8)}"
        self._text_ends: set[str] = set()  # pages whose template marked the end of their text
        # Where a page's generated rest begins, and each block of it (`rest()`): the related
        # goals' headings, the history's heading. Koers converts each block itself, once per
        # distinct text (most are the same on many pages), and puts them into the finished page;
        # MkDocs converts only the page's own part, and the hook adds their headings to the contents.
        self._rest = f"koers-rest-{secrets.token_hex(8)}"
        marker = ((markdown_configs or {}).get("toc") or {}).get("marker", "[TOC]")
        self._whole_page = re.compile(_ABBREVIATION + (f"|{re.escape(marker)}" if marker else ""), re.M)
        self._rests: dict[str, list[str]] = {}  # Markdown of each page's rest, until its HTML is made
        self._rest_html: dict[str, str] = {}  # until the page is finished
        # its headings, their ids, and the ids of the page's own headings renamed to make way
        self._rest_toc: dict[str, tuple[list[dict[str, Any]], frozenset[str], dict[str, str]]] = {}
        self._swallowed: list[str] = []  # pages whose text took in that mark
        layout = settings.layout
        self.docs = docs = docs_dir.relative_to(root).as_posix()  # e.g. "content"
        if docs != "." and not layout.themes_dir.startswith(docs + "/"):
            raise ContentError([Problem("mkdocs.yml", None, f"'extra.koers.themes_dir' is '{layout.themes_dir}', "
                                        f"outside docs_dir '{docs}': theme pages are pages of the site, so the "
                                        f"folder must lie in it (like '{docs}/themas')")])
        group_slug = Path(layout.themes_dir).relative_to(docs).as_posix() if docs != "." else layout.themes_dir
        self.urls = SiteMap(group_slug, settings.vocabulary.item_slug)
        self.repository: Repository | None = None
        self.prefix = ""  # the project's folder inside its git repository, e.g. "examples/x/"
        self.cache = _build_cache(cache_dir, templates_dir, settings, markdown_extensions, markdown_configs)

    def prepare(self) -> tuple[str | None, list[Problem]]:
        """Everything a build needs, read once: content, history, versions and the planning.

        Returns a notice when the history is missing (outside git) and the advisory warnings;
        raises ContentError listing every problem that must stop the build. Reading the
        history is mostly waiting for git, so a second thread reads it while this one checks
        the content and the versions file. Errors still come in the order of those steps.
        While git still writes the log, this one makes what needs no history: the open data,
        what the declared versions hold and the diagram, as far as it gets (the second
        process makes the rest). Their warnings come from `late_warnings`.
        """
        self.locate()
        cache_warnings = self._trust_cache()
        with ThreadPoolExecutor(max_workers=1) as pool:
            reading = pool.submit(self.read_changelog)
            try:
                self.load()
            except ContentError as error:  # report versions.yml and planning.yml too: all at once
                toplevel = self.repository.toplevel if self.repository else None
                raise ContentError([*error.problems, *read_declared(self.root, toplevel)[1],
                                    *check_planning_file(self.root)]) from None
            self._check_complete(self.repository is not None and self.repository.shallow)
            try:
                self.load_versions()
            except ContentError as error:
                raise ContentError([*error.problems, *check_planning_file(self.root)]) from None
            if not reading.done():
                # Git is still writing the log (at 4000 goals for seconds): make what needs no
                # history instead of waiting, in small steps first, since the build waits for the
                # step it is in. The diagram is one step of a tenth of a second per thousand goals;
                # what is not made here, the second process makes.
                self._history_free_files()
                if self._reader and not self.cache.has(self._declared_key):
                    while not reading.done() and self._reader.step():
                        pass
                if not reading.done():
                    self.diagram()
            missing_history = self.load_history(reading.result())
        self.load_planning()
        return missing_history, [*cache_warnings, *self.warnings]

    def locate(self) -> None:
        """Find the git repository the project lies in (and the project's folder inside it)."""
        self.repository = find_repository(self.root)
        self.prefix = path_in_repository(self.root, self.repository.toplevel) if self.repository else ""

    def _trust_cache(self) -> list[Problem]:
        """Use the build cache only if this machine's builds alone can have written it.

        Its entries go into the pages unchecked, and their names follow from the code and the
        content, both public: a pull request could commit entries, or a link that points the
        folder at files it adds, and its preview would publish them. So the cache is left
        unused outside git (nothing there to cache), when git holds anything in it or in its
        parent (a file, or a submodule there), or when either is a link or a repository of its own.
        """
        directory = self.cache.directory
        if directory is None:
            return []
        linked = any(p.is_symlink() or (p / ".git").exists() for p in (directory, directory.parent))
        committed = False
        if self.repository is not None and not linked:
            committed = bool(run_git(["ls-files", "-z", "--", str(directory.parent)], self.repository.toplevel))
        if self.repository is None or linked or committed:
            self.cache = BuildCache(None, "")
        return [Problem(CACHE_DIR, None, _COMMITTED_CACHE, "warning")] if committed else []

    def load(self) -> Agenda:
        """Load and validate the content; raise ContentError with every problem found."""
        agenda, problems = load_agenda(read_worktree(self.root, self.settings.layout), self.settings.layout)
        problems += document_problems(self.settings.document, [c.id for c in agenda.chapters])
        problems += logo_problems(self.settings.logo, [self.root / self.docs_dir, self.templates_dir])
        raise_for_errors(problems)
        self.agenda = agenda
        self.warnings = [p for p in problems if p.severity == "warning"]
        return agenda

    def read_changelog(self) -> ChangeLog:
        """The git history with every file version it shows (after `locate`; changes nothing here).

        The commits and file versions come from the build cache when an earlier build read them
        for the same HEAD: a commit never changes. Only the uncommitted changes are read anew.
        """
        layout = self.settings.layout
        paths = sorted({self.docs, layout.goals_dir, layout.themes_dir})
        key: tuple[str, ...] | None = None
        if self.repository is not None and not self.repository.shallow and self.cache.directory is not None:
            head = head_commit(self.repository.toplevel)
            key = ("history", head, self.prefix, *paths) if head else None
        known = self.cache.load(key) if key else None
        if self.repository is None:
            return ChangeLog(History(), self.prefix + layout.goals_dir, self.prefix + layout.themes_dir)
        # Without a stored history, git reads the file versions while it writes the log.
        with BlobStream(self.repository.toplevel) if not known else nullcontext() as stream:
            history = read_history(self.root, local_paths=paths, repository=self.repository,
                                   commits=known[0] if known else None, on_log=stream.feed if stream else None)
            changelog = ChangeLog(history, self.prefix + layout.goals_dir, self.prefix + layout.themes_dir)
            blobs = changelog.preload(known[1] if known else None, stream)
        if key and not known:
            self.cache.save_later(key, (history.commits, blobs))
        return changelog

    def load_history(self, changelog: ChangeLog | None = None) -> str | None:
        """Take the history (read now unless given, from `read_changelog`); return a warning when
        there is none, raise on a shallow clone."""
        if changelog is None:
            self.locate()
            changelog = self.read_changelog()
        self.changelog = changelog
        self._check_complete(changelog.history.available and changelog.history.shallow)
        return None if changelog.history.available else NO_GIT

    def _check_complete(self, shallow: bool) -> None:
        if shallow and not self.settings.accept_partial_history:
            raise ContentError([Problem("git", None, SHALLOW_CLONE)])

    def load_versions(self) -> None:
        """Read content/versions.yml (raise on bad input) and know where each version's agenda
        comes from; the agendas themselves are read when first needed (`_version_contents`)."""
        working = working_version()
        document = self.settings.document
        declared: list[Version] = []
        self._reader = None
        if (self.root / VERSIONS_FILE).is_file() and self.repository is not None:
            declared, problems = read_declared(self.root, self.repository.toplevel)
            raise_for_errors(problems)
        sources: dict[str, str] = {}
        step: dict[str, str] = {}
        if declared:
            assert self.repository is not None
            toplevel, layout = self.repository.toplevel, self.git_layout()
            # What the declared versions hold follows from their commits, which never change:
            # read from git once, then from the build cache (unless this build must read it).
            self._declared_key = ("versions", repr(layout), *(f"{v.id}\0{v.ref}\0{v.sha}" for v in declared))
            self._reader = VersionReader(toplevel, declared, layout)
            step = goal_renames(toplevel, declared[-1], working, layout)
            # A declared version's agenda follows from its commit, the layout, the document setting
            # and the current chapters' titles (`Agenda.in_document`); the code is in every key.
            titles = repr(sorted((c.id, c.title) for c in self.agenda.chapters))
            sources = {v.id: digest("declared", repr(layout), str(v.sha), repr(document), titles) for v in declared}
        sources[working.id] = digest("working", self.agenda_digest(), repr(document), repr(sorted(step.items())))
        listed = [*declared, working]
        self.version_pages = VersionPages(VersionSet(listed, sources, partial(self._version_contents, listed, step)),
                                          self.urls, document)

    def _declared_versions(self) -> DeclaredVersions:
        """What the declared versions hold: from the build cache (an earlier build's, or the second
        process's), else read here."""
        assert self._reader is not None
        return self.cache.value(self._declared_key, self._reader.read)

    def _version_contents(self, versions: list[Version], step: dict[str, str]) -> VersionContents:
        """Every version's agenda as the version documents show it, and the renames between them
        (`step`: those git finds from the last declared version to the werkversie, the last)."""
        document = self.settings.document
        working = {versions[-1].id: self.agenda.in_document(document)}
        if self._reader is None:
            return VersionContents(working, {}, [])
        read = self._declared_versions()
        titles = {c.id: c.title for c in self.agenda.chapters}
        agendas = {**{k: a.in_document(document, titles) for k, a in read.agendas.items()}, **working}
        assert self.repository is not None
        renames = renames_between(self.repository.toplevel, versions, agendas, self.git_layout(), [*read.steps, step])
        return VersionContents(agendas, renames, read.problems)

    def load_planning(self) -> None:
        """Read content/planning.yml when there is one; raise ContentError on bad input."""
        path = self.root / PLANNING_FILE
        if path.is_file():
            phases, problems = parse_planning(path.read_bytes())
            raise_for_errors(problems)
            self.phases = phases

    def git_layout(self) -> Layout:
        """The layout as paths inside the git repository (the project may live in a subfolder)."""
        layout = self.settings.layout
        return replace(layout, themes_dir=self.prefix + layout.themes_dir, goals_dir=self.prefix + layout.goals_dir,
                       docs_dir=self.prefix + layout.docs_dir)

    def _history_source(self, src_uri: str) -> tuple[str, str] | None:
        """(kind, repository path) of a page whose history comes from git; None for the others."""
        kind, _ = self.page_kind(src_uri)
        if self.changelog is None or kind in self.GENERATED:
            return None
        return kind, self.prefix + self.source_of(src_uri)

    def page_history(self, src_uri: str) -> PageHistory:
        """The page's change history with every entry, computed once per build."""
        if src_uri not in self._histories:
            found = self._history_source(src_uri)
            self._histories[src_uri] = (self.changelog.for_page(found[1], found[0]) if found and self.changelog
                                        else PageHistory("unavailable"))
        return self._histories[src_uri]

    def page_summary(self, src_uri: str) -> PageHistory:
        """The page's history without its entries: state, last change and uncommitted work.

        This is what the top of the page and the sitemap show; the entries themselves are
        needed only when the page's history is not in the build cache.
        """
        if src_uri not in self._summaries:
            found = self._history_source(src_uri)
            self._summaries[src_uri] = (self.changelog.summary(found[1], found[0]) if found and self.changelog
                                        else PageHistory("unavailable"))
        return self._summaries[src_uri]

    def _history_identity(self, src_uri: str) -> tuple[str, ...]:
        """What a page's history HTML is made of besides its page URL (for the build cache):
        its commits, and the current titles it names related goals and themes by."""
        if self._titles_digest is None:
            self._titles_digest = digest(repr([(g.id, g.title) for g in self.agenda.goals]),
                                         repr(self.theme_titles()))
        if src_uri not in self._identities:
            found = self._history_source(src_uri)
            self._identities[src_uri] = (*found, self._titles_digest, *self.changelog.identity(found[1])) if (
                found and self.changelog) else ("unavailable",)
        return self._identities[src_uri]

    def _history_key(self, src_uri: str, page_url: str) -> tuple[str, ...]:
        return "history", src_uri, page_url, *self._history_identity(src_uri)

    def _history_html(self, src_uri: str, page_url: str) -> str:
        return self.cache.text(self._history_key(src_uri, page_url),
                               lambda: self._render_history(src_uri, page_url))

    def _render_history(self, src_uri: str, page_url: str) -> str:
        return self.env.get_template("koers/history.html").render(
            history=self.page_history(src_uri), commit_url=self.settings.commit_url, title_of=self.title_of,
            theme_title=self.theme_titles(), vocab=self.settings.vocabulary, page_url=page_url)

    def theme_titles(self) -> dict[str, str]:
        """Theme id → title, for histories: the agenda's themes, and those gone by their last title
        (made once: every page's history asks)."""
        if self._theme_titles is None:
            self._theme_titles = {**(self.changelog.theme_titles() if self.changelog else {}),
                                  **self.agenda.theme_titles()}
        return self._theme_titles

    def last_changed(self, src_uri: str) -> str | None:
        """The date of the page's last commit (YYYY-MM-DD, for the sitemap)."""
        moment = self.page_summary(src_uri).last_changed
        return moment.astimezone(AMSTERDAM).date().isoformat() if moment else None

    def title_of(self, goal_id: str) -> str:
        """A goal's current title, or its id when it no longer exists."""
        goal = self.agenda.goals_by_id().get(goal_id)
        return goal.title if goal else goal_id

    def _page_of(self, path: str) -> tuple[str, str | None] | None:
        if not path.startswith(self.prefix):
            return None
        path = path[len(self.prefix):]
        layout = self.settings.layout
        docs = self.docs + "/"
        stem = file_id(path)
        if layout.is_goal(path):
            goal = self.agenda.goals_by_id().get(stem)
            return (goal.title, self.urls.goal_url(goal.id)) if goal else None
        if layout.is_theme(path):
            theme = next((t for t in self.agenda.themes if t.id == stem), None)
            return (theme.title, self.urls.theme_url(theme.id)) if theme else None
        if path.startswith(docs) and path.endswith(".md") and (self.root / path).is_file():
            return self._chapter_title(path), page_url(path[len(docs):])
        return None

    def _chapter_title(self, path: str) -> str:
        if path not in self._titles:
            doc, _ = parse_document(path, (self.root / path).read_bytes(), front_matter_required=False)
            title = doc.data.get("title") if doc else None
            self._titles[path] = str(title) if title else file_id(path)
        return self._titles[path]

    def log_entries(self) -> list[LogEntry]:
        """Every content commit, newest first (for wijzigingen/ and the feed; computed once)."""
        if self._log is None:
            self._log = self.changelog.site_log(self._page_of) if self.changelog else []
        return self._log

    def site_log(self) -> list[dict[str, Any]]:
        """The site-wide change log, grouped by month (newest first; made once: the page's Markdown
        and its finished HTML both need it).

        Each month is one group even where a commit's date is out of order (a clock set wrong).
        """
        if self._months is None:
            months: dict[str, dict[str, Any]] = {}
            for entry in self.log_entries():
                month = entry.commit.date.astimezone(AMSTERDAM).strftime("%Y-%m")  # the anchor: stays put
                if month not in months:  # Babel takes 50 µs a label: one per month, not per commit
                    months[month] = {"id": month, "label": month_label(entry.commit.date), "entries": []}
                months[month]["entries"].append(entry)
            self._months = list(months.values())
        return self._months

    # -- structure ---------------------------------------------------------------------------
    def generated_pages(self) -> list[GeneratedPage]:
        pages = [*generated_pages(self.agenda, self.urls, nav_limit=self.settings.nav_limit),
                 *self.version_pages.generated_pages()]
        if self.phases is not None:
            pages.append(GeneratedPage(PROCES_SRC, "", "proces", "proces"))
        return pages

    def generated_files(self) -> dict[str, str]:
        """Non-page files to publish, as site path → text; empty for those `late_files` makes."""
        files = {**self._history_free_files(), **dict.fromkeys(self._late_paths(), "")}
        if self.settings.site_url:
            entries = self.log_entries()
            files[FEED] = self.env.get_template("feed.xml").render(
                entries=entries[:50], settings=self.settings, site_url=self.settings.site_url.rstrip("/") + "/",
                updated=entries[0].commit.date if entries else None)
        return files

    def _late_paths(self) -> list[str]:
        """The files `late_files` makes: the diagram and each declared version's open data."""
        return [DIAGRAM, *self.version_pages.data_paths()]

    def late_files(self) -> dict[str, str]:
        """The text of each file `generated_files` left empty (`_late_paths`): the second process
        makes what they need (`render_aside`) while MkDocs converts the pages, so they are asked
        for last."""
        return {DIAGRAM: self.diagram().svg, **self.version_pages.data_files()}

    def late_warnings(self) -> list[Problem]:
        """Advisory warnings found while making the late files: the files of declared versions
        that could not be read (each version is published without them)."""
        return self.version_pages.versions.contents.problems

    def _history_free_files(self) -> dict[str, str]:
        """The open data of the current agenda (made once)."""
        if self._files is None:
            self._files = {AGENDA_JSON: agenda_json(self.agenda, self.urls), AGENDA_CSV: agenda_csv(
                self.agenda, self.urls)}
        return self._files

    def nav(self, nav: list[Any] | None) -> list[Any] | None:
        return expand_nav(nav, self.agenda, self.urls, nav_limit=self.settings.nav_limit) if nav else nav

    def source_of(self, src_uri: str) -> str:
        """The repository path an editor changes to change page `src_uri`."""
        kind, key = self.page_kind(src_uri)
        if kind == "goal":
            return self.agenda.goal(key).source
        if kind == "samenhang":
            return self.settings.layout.goals_dir + "/"
        return f"{self.docs}/{src_uri}" if self.docs != "." else src_uri

    def edit_url(self, src_uri: str) -> str | None:
        kind, _ = self.page_kind(src_uri)
        generated = kind == "samenhang" or kind in self.GENERATED
        return None if generated else self.settings.edit_url(self.source_of(src_uri))

    def page_kind(self, src_uri: str) -> tuple[str, str]:
        """("goal", id), ("theme", id), ("home", ""), ("samenhang", "") or ("chapter", src_uri)."""
        stem = src_uri.removesuffix(".md")
        if src_uri == "index.md":
            return "home", ""
        if src_uri == SAMENHANG_SRC:
            return "samenhang", ""
        if src_uri == WIJZIGINGEN_SRC:
            return "wijzigingen", ""
        if src_uri == VERSIES_SRC:
            return "versies", ""
        if src_uri == OPEN_DATA_SRC:
            return "opendata", ""
        if src_uri == PROCES_SRC:
            return "proces", ""
        # Only the pages the versions make: a chapter may live in those folders too.
        if stem.startswith("versies/") and stem[8:] in self.version_pages.page_keys("version"):
            return "version", stem[8:]
        if stem.startswith("vergelijk/") and stem[10:] in self.version_pages.page_keys("compare"):
            return "compare", stem[10:]
        folder, _, name = stem.rpartition("/")
        if folder == self.urls.item_slug and name in self.agenda.goals_by_id():
            return "goal", name
        if folder == self.urls.group_slug and any(t.id == name for t in self.agenda.themes):
            return "theme", name
        return "chapter", src_uri

    # -- content -----------------------------------------------------------------------------
    def page_markdown(self, src_uri: str, page_url: str, markdown: str) -> str:
        """The Markdown of a page: its own text placed in its Koers template."""
        kind, key = self.page_kind(src_uri)
        # The page's own Markdown is inserted unescaped; it is sanitised after rendering.
        context: dict[str, Any] = {"page_url": page_url, "agenda": self.agenda, "body": Markup(markdown),
                                   "goal_url": self.urls.goal_url, "theme_url": self.urls.theme_url,
                                   "vocab": self.settings.vocabulary, "settings": self.settings,
                                   "history": self.page_summary(src_uri), "commit_url": self.settings.commit_url,
                                   "title_of": self.title_of, "history_slot": self._slot,
                                   "content_slot": self._content_slot, "part": self._part_marker,
                                   "late": self._late_marker, "text_end": partial(self._text_end_marker, src_uri),
                                   "rest": self._rest_marker}
        if kind == "goal":
            goal = self.agenda.goal(key)
            context |= {"goal": goal, "theme": self.agenda.theme(goal.theme),
                        "related": self.agenda.related_by_theme(goal.id)}
            own = f"{self._results(goal.results)}\n\n{markdown}"
            # Plain prose (most goals) skips MkDocs' Markdown: it is the same HTML, made faster.
            if (html := self.markdown.plain_html(own, followed=True)) is not None:
                self._parts[src_uri] = [html]
                own = self._part_marker(0)
            context["own_text"] = Markup(own)
            parts = self._macros("koers/_goal_parts.html", theme_url=self.urls.theme_url, goal_url=self.urls.goal_url)
            self._late[src_uri] = [str(parts.head(goal, context["theme"], context["history"], page_url)), *(
                str(parts.related(items, page_url)) for _, items in context["related"])]
        elif kind == "theme":
            context |= {"theme": self.agenda.theme(key)}
            lists = self.env.get_template("koers/_goal_lists.html").make_module(context)
            self._parts[src_uri] = [lists.theme(self.agenda.goals_of(key))]
        elif kind == "home":
            # The agenda's own title heads the page, not the nav's label for it ("Home").
            home = next((c for c in self.agenda.chapters if c.id == src_uri), None)
            context |= {"title": home.title if home else self.settings.title}
            lists = self.env.get_template("koers/_goal_lists.html").make_module(context)
            self._parts[src_uri] = [lists.home(self.agenda.goals_of(t.id)) for t in self.agenda.themes]
        elif kind == "samenhang":
            context |= {"diagram": self.diagram()}
            self._parts[src_uri] = [self.env.get_template("koers/_relations.html").render(context)]
        elif kind == "versies":
            context |= self.version_pages.context(kind, key)
        elif kind in ("version", "compare"):
            context |= self.version_pages.head(kind, key)
            # The werkversie changes: a printed copy says how far its text goes.
            entries = self.log_entries() if kind == "version" and context["version"].working else []
            context["as_of"] = entries[0].commit.date if entries else None
        elif kind == "proces":
            context |= {"items": timeline(self.phases or [], self.version_pages.versions.versions),
                        "municipality": self.settings.municipality, "version_url": version_url}
        elif kind == "opendata":
            context |= {"csv_fields": list(csv_columns(self.settings.vocabulary).items())}
        elif kind == "wijzigingen":
            context |= {"months": self.site_log(), "history_state": self.changelog.state if self.changelog
                        else "unavailable", "feed": bool(self.settings.site_url)}
        text = self.env.get_template(f"koers/{kind}.md").render(context)
        own, *rest = text.split(self._rest)
        if rest and not self._reaches_rest(markdown):
            self._rests[src_uri] = rest
            return own
        return text.replace(self._rest, "")

    def _reaches_rest(self, markdown: str) -> bool:
        """Whether the page's own text asks Markdown for something about the whole page: a table
        of contents ("[TOC]") or abbreviations ("*[GGD]: …"). Its generated rest is then
        converted with it, as one text, so the contents list the rest's headings too."""
        return bool(self._whole_page.search(markdown))

    def _rest_marker(self) -> str:
        return self._rest

    def _part_marker(self, n: int) -> str:
        return f"{self._part_slot}-{n}"

    def _late_marker(self, n: int) -> str:
        return f"{self._late_slot}-{n}"

    def _text_end_marker(self, src_uri: str) -> str:
        self._text_ends.add(src_uri)
        return self._text_end

    def page_html(self, src_uri: str, html: str) -> str:
        """Sanitise a page's rendered HTML (contributed Markdown is untrusted), then put in the
        HTML parts its template marked with `part(n)` (escaped HTML from templates), and turn
        each `late(n)` into a comment that `finish_page` replaces."""
        html = str(sanitize(html))
        if src_uri in self._text_ends:
            self._text_ends.discard(src_uri)
            end = f"<p>{self._text_end}</p>"
            if _at_top_level(html, at := html.find(end)):
                html = _place_footnotes(html, at, at + len(end))
            else:
                self._swallowed.append(src_uri)
        if parts := self._parts.pop(src_uri, None):
            html = self._part.sub(lambda m: parts[int(m.group(1))], html)
        if src_uri in self._late:
            html = self._late_paragraph.sub(r"<!--\1-->", html)
        if (rest := self._rests.pop(src_uri, None)) is not None:
            blocks = [self.markdown.render_with_toc(block) for block in rest if block.strip()]
            # Placed after the search index is made: the marks that kept its headings out of the
            # index while they were part of the page (see `_reaches_rest`) are not needed.
            rest_html = "\n".join(str(html) for html, _, _ in blocks).replace(' data-search-exclude="true"', "")
            tokens = [token for _, block_tokens, _ in blocks for token in block_tokens]
            anchors = frozenset().union(*(block_anchors for _, _, block_anchors in blocks))
            self._rest_html[src_uri] = self._late_paragraph.sub(r"<!--\1-->", rest_html)
            # The rest's ids are fixed ("samenhang"); a heading of the page's own text that
            # Markdown gave the same id is renamed, as Markdown does within one text.
            html, renames = _rename_ids(html, anchors)
            self._rest_toc[src_uri] = tokens, anchors, renames
            html += f"\n<!--{self._rest}-->"  # after the footnotes, as the rest came after the text
        return html

    def rest_headings(self, src_uri: str, toc: Iterable[Any]) -> tuple[list[dict[str, Any]], set[str]] | None:
        """After `page_html`: the page's table of contents (MkDocs' `page.toc`) with the headings of
        its generated rest, as toc tokens, and the ids the rest adds; None for a page without one."""
        if (rest := self._rest_toc.pop(src_uri, None)) is None:
            return None
        tokens, anchors, renames = rest
        return extend_toc(toc, tokens, renames), {*anchors, *renames.values()}

    def check_pages(self) -> None:
        """After Markdown, before any page is written: raise ContentError naming each page whose
        text ran on into what its template puts after it.

        `koers.htmlblocks` finds an unclosed HTML block when the content is loaded; this also
        catches a block of the site's own Markdown extensions left open (``/// note``).
        """
        if self._swallowed:
            raise ContentError([Problem(self.source_of(src_uri), None, _SWALLOWED) for src_uri in self._swallowed])

    def finish_page(self, src_uri: str, page_url: str, output: str) -> str:
        """Put the generated HTML parts into the finished page.

        The change history, a version document, a comparison, the samenhang matrix and the
        site-wide change log are escaped HTML from templates, long at scale; placed here they
        skip Markdown, the sanitiser and the search index (a commit message is no answer to a
        reader's search, and the texts of versions and the goals of the matrix are searchable
        on their own pages). So are the parts of a goal page its template marks with
        `late(n)`: its head (last change, theme, direction, the theme's opgave) and its
        related goals would match every goal of a theme, or every goal related to the one a
        reader looks for, and the opgave and relations are found on their own pages.
        """
        if (rest := self._rest_html.pop(src_uri, None)) is not None:
            output = output.replace(f"<!--{self._rest}-->", rest, 1)
        if late := self._late.pop(src_uri, None):
            output = self._late_comment.sub(lambda m: late[int(m.group(1))], output)
        output = self._fill(output, self._slot, lambda _: self._history_html(src_uri, page_url))
        kind, key = self.page_kind(src_uri)
        if kind in ("version", "compare"):
            output = self._fill(output, self._content_slot, lambda _: self._versions_body(kind, key, page_url))
        elif kind == "samenhang":
            output = self._fill(output, self._content_slot, lambda _: self.cache.text(
                self._matrix_key(page_url), partial(self._render_matrix, page_url)))
        elif kind == "wijzigingen":
            months = self.site_log()
            output = self._fill(output, self._content_slot, lambda n: self.cache.text(
                self._month_key(months[n - 1], page_url), partial(self._render_month, months[n - 1], page_url)))
        return output

    def render_aside(self, page_urls: Mapping[str, str]) -> None:
        """Start rendering the page histories, version documents, comparisons and the samenhang
        matrix that the build cache lacks in a second process, while MkDocs renders the pages in this one.

        `page_urls` (src_uri → page URL) is in the order MkDocs writes the pages, which is
        the order they are needed in. Those parts are most of a cold build at scale, and
        need nothing MkDocs makes.
        """
        jobs: list[tuple[tuple[str, ...], Callable[[], str]]] = []
        values = [] if self._diagram else [(self._diagram_key(), self._draw_diagram)]
        if self._reader and self._reader.done:  # read while git wrote the log: kept for the next build
            self.cache.save_later(self._declared_key, self._reader.read())
        elif self._reader:
            values.append((self._declared_key, self._reader.read))
        for src_uri, url in page_urls.items():
            if self._history_source(src_uri):
                jobs.append((self._history_key(src_uri, url), partial(self._render_history, src_uri, url)))
            kind, key = self.page_kind(src_uri)
            if kind in ("version", "compare"):
                jobs.append((self._versions_key(kind, key, url), partial(self._render_versions_body, kind, key, url)))
            elif kind == "samenhang":
                jobs.append((self._matrix_key(url), partial(self._render_matrix, url)))
        self.cache.prefill(jobs, values)

    @staticmethod
    def _month_key(month: Mapping[str, Any], page_url: str) -> tuple[str, ...]:
        # A commit's sha fixes its message, author and date (and those of the commits it folds);
        # the rest a month shows is each one's short sha, which grows with later commits, and the
        # pages each touched, under their titles and addresses now.
        return "wijzigingen", page_url, month["id"], *(
            f"{e.commit.sha} {e.commit.short} {e.pages!r} {[(sub.sha, sub.short) for sub, _ in e.folded]!r}"
            for e in month["entries"])

    def _render_month(self, month: Mapping[str, Any], page_url: str) -> str:
        return self.env.get_template("koers/wijzigingen.html").render(
            month=month, page_url=page_url, commit_url=self.settings.commit_url)

    def _matrix_key(self, page_url: str) -> tuple[str, ...]:
        # The matrix (goals × themes) follows from the agenda alone.
        return "samenhang", page_url, self.agenda_digest()

    def _render_matrix(self, page_url: str) -> str:
        return self.env.get_template("koers/samenhang.html").render(
            agenda=self.agenda, matrix=self.matrix(), vocab=self.settings.vocabulary, page_url=page_url,
            goal_url=self.urls.goal_url)

    def _versions_key(self, kind: str, key: str, page_url: str) -> tuple[str, ...]:
        return page_url, self.prefix, *self.version_pages.identity(kind, key)

    def _versions_body(self, kind: str, key: str, page_url: str) -> str:
        return self.cache.text(self._versions_key(kind, key, page_url),
                               lambda: self._render_versions_body(kind, key, page_url))

    def _render_versions_body(self, kind: str, key: str, page_url: str) -> str:
        context = self.version_pages.context(kind, key)

        def body(text: str, prefix: str, top: int, source: str) -> Markup:
            return self.markdown.render(context["embed"](text, prefix, source) if "embed" in context else text,
                                        prefix, top)

        def goal_text(goal: Goal, prefix: str, top: int, source: str) -> Markup:
            # Results and narrative converted apart, each once per distinct text: a goal whose
            # results changed keeps its narrative's HTML. Together, as on the goal page, when one
            # may use what the other defines (see _RESULTS_USE_NARRATIVE).
            results = self.goal_markdown(goal)
            if _RESULTS_USE_NARRATIVE.search(results) or _NARRATIVE_USES_RESULTS.search(goal.body):
                return body(f"{results}\n\n{goal.body}", prefix, top, source)
            parts = [body(results, prefix, top, source), *([body(goal.body, prefix, top, source)] if goal.body else [])]
            return Markup("\n\n".join(parts))

        return self.env.get_template(f"koers/{kind}.html").render(
            context, page_url=page_url, vocab=self.settings.vocabulary, md=body, goal_text=goal_text)

    def goal_markdown(self, goal: Goal) -> str:
        """A goal's results under "We willen bereiken dat:" as Markdown, written as the goal page
        writes them (koers/_results.md), for the version documents."""
        return f"We willen bereiken dat:\n\n{self._results(goal.results)}"

    def _results(self, results: tuple[str, ...]) -> str:
        """Results as the Markdown list of koers/_results.md."""
        if results not in self._results_markdown:  # most goals have the same results in several versions
            self._results_markdown[results] = str(self._macros("koers/_results.md").results(results))
        return self._results_markdown[results]

    def _macros(self, template: str, **context: Any) -> Any:
        """The macros of `template`, made once per build with `vocab` and `context` (the same on
        every call: what does not change within a build)."""
        if template not in self._modules:
            self._modules[template] = self.env.get_template(template).make_module(
                {"vocab": self.settings.vocabulary, **context})
        return self._modules[template]

    @staticmethod
    def _fill(output: str, slot: str, render: Callable[[int], str]) -> str:
        """Replace the empty ``<div id="SLOT">`` (render(0)) or each numbered ``SLOT-N`` (render(N)).

        `render` runs only for slots the page has.
        """
        pattern = re.compile(rf'<div[^>]*\bid="{slot}(?:-(\d+))?"[^>]*></div>')
        return pattern.sub(lambda m: render(int(m.group(1) or 0)), output)

    def finish_build(self) -> None:
        """After the last page: drop the cached parts this build did not use."""
        self.cache.prune()

    def agenda_digest(self) -> str:
        """A digest of the current agenda, for the build cache's keys of what follows from it alone."""
        if self._agenda_digest is None:
            self._agenda_digest = digest(repr(self.agenda))
        return self._agenda_digest

    def diagram(self) -> Diagram:
        """The relations diagram of samenhang/: from the build cache when an earlier build drew it
        for the same agenda (the settings and the code are part of every key), else drawn."""
        if self._diagram is None:
            self._diagram = self.cache.value(self._diagram_key(), self._draw_diagram)
        return self._diagram

    def _diagram_key(self) -> tuple[str, ...]:
        return "diagram", self.agenda_digest()

    def _draw_diagram(self) -> Diagram:
        vocab = self.settings.vocabulary
        return draw_relations(self.agenda, self.env, title=f"Samenhang tussen {vocab.item.plural} "
                                                           f"en {vocab.group.plural}", vocab=vocab)

    def matrix(self) -> list[dict[str, Any]]:
        """Rows of the goals × themes matrix: per goal, per theme, the related goals."""
        rows = []
        for goal in self.agenda.goals:
            related = self.agenda.related(goal.id)
            rows.append({"goal": goal, "cells": [
                [r for r in related if r.goal.theme == theme.id] for theme in self.agenda.themes]})
        return rows


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def _at_top_level(html: str, at: int) -> bool:
    """Whether position `at` of sanitised (so balanced) HTML lies outside every element; False for -1."""
    if at < 0:
        return False
    depth = 0
    for match in _TAG.finditer(html, 0, at):
        if match.group(2).lower() not in _VOID:
            depth += -1 if match.group(1) else 1
    return depth == 0


# A goal's results and narrative are converted apart in the version documents, unless one may
# use what the other defines: in the results a footnote, a reference link or an anchor into the
# narrative, or ids of their own ("{ #x }", which a narrative heading could clash with); in the
# narrative abbreviations (they apply to the results too) or an anchor into the results.
_RESULTS_USE_NARRATIVE = re.compile(r"\[\^|\](?!\()|\]\(#|\{")
_NARRATIVE_USES_RESULTS = re.compile(_ABBREVIATION + r"|\]\(#", re.M)
_HEADING = re.compile(r'<h([1-6])([^>]*)\bid="([^"]+)"(.*?)</h\1>', re.S)


def _rename_ids(html: str, taken: frozenset[str]) -> tuple[str, dict[str, str]]:
    """`html` with its headings' ids moved out of the way of `taken` (and their permalinks),
    as Markdown numbers them within one text, and the renames.

    Markdown names a second heading "Samenhang" samenhang_1; with the rest's "samenhang"
    taken, the page's own become samenhang_1 and samenhang_2. Other links to "#samenhang"
    keep going to the rest's heading, as they did when the page was one text.
    """
    if not any(f'id="{anchor}"' in html for anchor in taken):
        return html, {}
    ids = set(ID_ATTRIBUTE.findall(html))
    renames = {}
    for clash in sorted(ids & taken):
        chain = [clash]
        while f"{clash}_{len(chain)}" in ids:
            chain.append(f"{clash}_{len(chain)}")
        renames |= {old: f"{clash}_{n}" for n, old in enumerate(chain, start=1)}

    def heading(match: re.Match[str]) -> str:
        old = match.group(3)
        if old not in renames:
            return match.group(0)
        inner = match.group(4).replace(f'href="#{old}"', f'href="#{renames[old]}"')
        return f'<h{match.group(1)}{match.group(2)}id="{renames[old]}"{inner}</h{match.group(1)}>'

    return _HEADING.sub(heading, html), renames


def _place_footnotes(html: str, start: int, end: int) -> str:
    """Move the footnotes to the end of the page's own text, marked by `html[start:end]`, and
    remove the mark.

    Markdown's footnotes extension appends them to the end of the page, below what the
    template puts after the text (related goals, the history). Its `PLACE_MARKER` would stay
    as text on a page without footnotes, so Koers moves them: a footnotes block after the
    marker can only be the extension's, since contributed text all comes before it.
    """
    notes = html.rfind('<div class="footnote">')
    if notes < end:
        return html[:start] + html[end:]
    return html[:start] + html[notes:].rstrip() + html[end:notes]


def _build_cache(directory: Path | None, templates_dir: Path, settings: Settings, extensions: list[Any] | None,
                 configs: dict[str, Any] | None) -> BuildCache:
    """The cache of rendered parts in `directory`, or none when there is no directory or when the
    Markdown settings hold something that cannot be part of a key."""
    markdown = [stable_repr(extensions or []), stable_repr(configs or {})]
    if directory is None or None in markdown:
        return BuildCache(None, "")
    templates = templates_dir / "koers"
    code = [Path(__file__).parent, *([templates] if templates.is_dir() else [])]
    # A file in the theme folder named like one of the package's templates (relaties.svg)
    # takes its place (`make_environment`), so it is part of the code too.
    shadowing = [templates_dir / t.name for t in (Path(__file__).parent / "templates").iterdir()
                 if (templates_dir / t.name).is_file()]
    extra = [repr(settings), *markdown, *(f"{p.name}\0{digest(p.read_text('utf-8', 'replace'))}" for p in shadowing)]
    return BuildCache(directory, code_fingerprint(code, extra))  # type: ignore[arg-type]

