"""A synthetic Koers agenda repository with a long history, for benchmarks.

`generate` writes T themes and G goals in the real content format and then C
commits that edit random goals: results reworded, added, removed and reordered,
narratives and titles edited, relations added and removed, goals moved between
themes (with a free `order` in the new theme) and goal files renamed (with every
relation pointing at them updated in the same commit). V annotated tags v1..vV
mark versions spread over the history; the commit each tag points at also adds
the version to ``content/versions.yml``, so the build publishes and compares them.

Everything goes through one ``git fast-import`` stream, so thousands of commits
take seconds. Randomness comes from ``random.Random(seed)`` and every commit has
a fixed author and date, so the same arguments give the same repository, down
to the commit shas.

`overrides/` and `hooks/` are symbolic links to this project's own folders,
untracked (listed in ``.git/info/exclude``): the build imports `koers` from this
project's working tree, so its templates and hook must come from there too, not
from a copy that drifts while the code changes during a long benchmark.

Next to the Koers content every commit also keeps ``plain/`` up to date: each
goal and theme as an ordinary Markdown page (title, results, relations,
narrative), for the plain-Material comparison builds. Its configs,
``mkdocs-plain.yml`` and ``mkdocs-dates.yml`` (the same plus
mkdocs-git-revision-date-localized-plugin), are written untracked after the
import, since their `nav` follows the final state.

Usage: ``python -m bench.generate --goals 1000 --out bench/work/g1000``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `python bench/generate.py` as well as `python -m bench.generate`
    sys.path.insert(0, str(REPO))

from koers.loading import slugify  # noqa: E402
from koers.site import NAV_LIMIT  # noqa: E402
from tests.gitrepo import _REPO_VARIABLES, hermetic_env  # noqa: E402
from tests.sitebuild import MKDOCS_YML  # noqa: E402

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = datetime(2017, 6, 26, 20, 30, tzinfo=AMSTERDAM)
SPAN = timedelta(days=4 * 365)
PLAIN_CONFIG = "mkdocs-plain.yml"
DATES_CONFIG = "mkdocs-dates.yml"
FULLNAV_CONFIG = "mkdocs-plain-fullnav.yml"
PROJECT_LINKS = ("overrides", "hooks")  # linked, not copied: see the module docstring
VERSIONS_HEADER = "# Versions of the agenda, oldest first (koers/schemas/versions.schema.json).\n"
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

AUTHORS: tuple[tuple[str, str], ...] = (
    ("Anne de Vries", "anne@benchstad.example"),
    ("Mohamed el Amrani", "mohamed@benchstad.example"),
    ("Sanne Bakker", "sanne@benchstad.example"),
    ("Pieter van den Berg", "pieter@benchstad.example"),
    ("Fatma Yılmaz", "fatma@benchstad.example"),
    ("Joost Jansen", "joost@benchstad.example"),
)
THEME_TITLES = (
    "Zelfstandig leven", "Opgroeien en ontwikkelen", "Een gezond dorp", "Samen leven in buurten en wijken",
    "Werk en inkomen", "Wonen en zorg", "Veilig thuis", "Meedoen in de samenleving", "Leren en taal",
    "Sport en bewegen", "Armoede en schulden", "Jeugd en gezin",
)
SUBJECTS = (
    "inwoners", "jongeren", "ouderen", "kinderen", "mantelzorgers", "gezinnen", "statushouders",
    "vrijwilligers", "werkzoekenden", "mensen met een beperking", "alleenstaande ouders", "nieuwkomers",
    "buurtbewoners", "scholieren", "jonge ouders", "inwoners met schulden", "laaggeletterde inwoners",
    "senioren", "tieners", "zzp'ers",
)
TITLE_PREDICATES = (
    "wonen zelfstandig thuis", "doen mee aan sport en cultuur", "vinden hun weg naar werk",
    "ervaren financiële belemmeringen", "zijn eenzaam", "bewegen voldoende", "helpen elkaar in de buurt",
    "beheersen de Nederlandse taal", "voelen zich veilig in hun wijk", "hebben een gezonde leefstijl",
    "maken gebruik van specialistische zorg", "vallen uit op school", "hebben problematische schulden",
    "zetten zich in voor hun wijk", "ontwikkelen hun talenten", "krijgen tijdig ondersteuning",
    "ervaren drempels in de openbare ruimte", "drinken te veel alcohol", "hebben een sociaal vangnet",
    "weten de weg naar hulp",
)
ADVERBS = ("eenvoudig", "tijdig", "structureel", "zelf", "vaker", "makkelijker", "samen", "actief",
           "zonder wachttijd", "blijvend")
RESULT_VERBS = ("toegang hebben tot", "gebruikmaken van", "op de hoogte zijn van", "kunnen rekenen op",
                "de weg weten naar", "betrokken zijn bij", "bijdragen aan", "ondersteund worden bij")
OBJECTS = (
    "laagdrempelige ondersteuning", "betaalbare woningen", "schuldhulpverlening", "het sportaanbod",
    "informatie en advies", "passend onderwijs", "vrijwilligerswerk", "de huisarts en de wijkverpleging",
    "activiteiten in het buurthuis", "een taalcursus", "mantelzorgondersteuning", "preventieve zorg",
    "jeugdhulp", "een stageplek of baan", "respijtzorg", "maatschappelijke opvang", "de voedselbank",
    "een maatje",
)
PLACES = ("in de wijk", "in het dorp", "op school", "thuis", "via het sociaal wijkteam",
          "bij de sportvereniging", "in de bibliotheek", "via het jongerenwerk", "op het werk")
CLAUSES = (
    "zodat zij langer zelfstandig blijven", "ook als zij weinig te besteden hebben",
    "en dit bespreekbaar durven maken", "zonder dat daar een indicatie voor nodig is",
    "voordat problemen zich opstapelen", "en daarbij hun eigen netwerk inzetten",
    "waar nodig met hulp van professionals",
)
PARTNERS = ("de huisarts", "het sociaal wijkteam", "de scholen", "de woningcorporaties",
            "de sportverenigingen", "het jongerenwerk", "de GGD", "de bibliotheek",
            "vrijwilligersorganisaties", "de politie", "het consultatiebureau", "de kerken en moskeeën")
SOURCES = ("de gezondheidsmonitor", "de jeugdmonitor", "het burgerpanel", "de armoedemonitor",
           "het onderzoek van de GGD", "de cliëntervaringsonderzoeken")
SENTENCES = (
    "{Subject} {predicate} steeds vaker {place}.",
    "Uit {source} van {year} blijkt dat {pct} procent van de {subject} {predicate}.",
    "Dat vraagt om {object} en om {object2}.",
    "We werken daarbij samen met {partner} en {partner2}.",
    "Het gaat ons erom dat {subject} {adverb} {verb} {object}.",
    "Daarom investeren we in {object} {place}.",
    "De komende jaren neemt het aantal {subject} in ons dorp toe.",
    "Signalen komen vaak binnen via {partner}, maar niet altijd op tijd.",
    "Niet iedereen weet dat {object} {place} bestaat.",
    "Wij willen dat {subject} zich gehoord voelen en mee kunnen beslissen.",
)
HEADINGS = ("Wat we zien", "Wat we willen", "Samenwerking", "Preventie", "De rol van de gemeente",
            "Wat inwoners zelf doen")
# Phrase lists a reword picks a replacement from; longest first so "inwoners met schulden" wins over "inwoners".
_REWORD_LISTS = tuple(tuple(sorted(lst, key=len, reverse=True)) for lst in (
    OBJECTS, PLACES, ADVERBS, RESULT_VERBS, SUBJECTS, PARTNERS, CLAUSES))


@dataclass
class GoalState:
    """A goal as the generator keeps it; results are stored without their final ';' or '.'."""

    id: str
    title: str
    theme: str
    direction: str
    order: int
    results: list[str]
    relations: list[tuple[str, str]]
    paragraphs: list[str]


@dataclass
class ThemeState:
    id: str
    title: str
    opgave: str
    order: int
    body: str


@dataclass
class GeneratedRepo:
    """What `generate` made: the repository and facts the benchmark and its tests check."""

    path: Path
    themes: list[str]
    goals: list[str]  # goal ids at HEAD
    commits: int  # including the initial commit
    tags: list[str]
    renames: list[tuple[str, str]] = field(default_factory=list)
    moves: int = 0
    seconds: float = 0.0

    @property
    def plain_config(self) -> Path:
        return self.path / PLAIN_CONFIG

    @property
    def dates_config(self) -> Path:
        return self.path / DATES_CONFIG

    @property
    def fullnav_config(self) -> Path:
        return self.path / FULLNAV_CONFIG


class _Text:
    """Dutch-ish text from word lists, drawn from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def title(self, direction: str) -> str:
        return f"{direction.capitalize()} {self.rng.choice(SUBJECTS)} {self.rng.choice(TITLE_PREDICATES)}"

    def result(self) -> str:
        r = self.rng
        words = [r.choice(SUBJECTS)]
        if r.random() < 0.6:
            words.append(r.choice(ADVERBS))
        words += [r.choice(RESULT_VERBS), r.choice(OBJECTS)]
        if r.random() < 0.7:
            words.append(r.choice(PLACES))
        text = " ".join(words)
        return f"{text}, {r.choice(CLAUSES)}" if r.random() < 0.4 else text

    def sentence(self) -> str:
        r = self.rng
        subject = r.choice(SUBJECTS)
        objects = r.sample(OBJECTS, 2)
        partners = r.sample(PARTNERS, 2)
        return r.choice(SENTENCES).format(
            Subject=subject[0].upper() + subject[1:], subject=subject,
            predicate=r.choice(TITLE_PREDICATES), place=r.choice(PLACES), source=r.choice(SOURCES),
            year=r.randint(2012, 2016), pct=r.randint(4, 38), object=objects[0], object2=objects[1],
            partner=partners[0], partner2=partners[1], adverb=r.choice(ADVERBS), verb=r.choice(RESULT_VERBS))

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))

    def note(self, theme_title: str) -> str:
        return f"Zie ook thema {theme_title}: {self.sentence()}"

    def reword(self, text: str) -> str:
        """Replace one known phrase by another of its kind, or add or drop a clause."""
        found = [(phrase, options) for options in _REWORD_LISTS for phrase in options if phrase in text]
        if found and self.rng.random() < 0.85:
            phrase, options = self.rng.choice(found)
            other = self.rng.choice([o for o in options if o != phrase])
            return text.replace(phrase, other, 1)
        if ", " in text:
            return text.rsplit(", ", 1)[0]
        return f"{text}, {self.rng.choice(CLAUSES)}"


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _punctuated(results: list[str]) -> list[str]:
    return [f"{r}{'.' if i == len(results) - 1 else ';'}" for i, r in enumerate(results)]


def goal_text(goal: GoalState) -> str:
    """The goal's file in the real format (front matter + narrative)."""
    data: dict = {"title": goal.title, "theme": goal.theme, "direction": goal.direction, "order": goal.order,
                  "results": _punctuated(goal.results)}
    if goal.relations:
        data["relations"] = [{"goal": g, "note": n} for g, n in goal.relations]
    return f"---\n{_dump(data)}---\n\n" + "".join(f"{p}\n\n" for p in goal.paragraphs).rstrip("\n") + "\n"


def theme_text(theme: ThemeState) -> str:
    data = {"title": theme.title, "opgave": theme.opgave, "order": theme.order}
    return f"---\n{_dump(data)}---\n\n{theme.body}"


def plain_goal_text(goal: GoalState, themes: dict[str, ThemeState], goals: dict[str, GoalState]) -> str:
    """The goal as an ordinary Markdown page, for the plain-Material builds."""
    theme = themes[goal.theme]
    lines = [f"---\n{_dump({'title': goal.title})}---\n", f"# {goal.title}\n",
             f"Doel van het thema [{theme.title}](../themas/{theme.id}.md) · {goal.direction}\n",
             f"**Maatschappelijke opgave:** {theme.opgave}\n", "## We willen bereiken dat\n",
             "\n".join(f"- {r}" for r in _punctuated(goal.results)) + "\n",
             *(f"{p}\n" for p in goal.paragraphs), "## Samenhang met andere doelen\n"]
    if goal.relations:
        lines.append("\n".join(f"- [{goals[g].title}]({g}.md): {n}" for g, n in goal.relations) + "\n")
    else:
        lines.append("Bij dit doel zijn geen relaties met andere doelen vastgelegd.\n")
    return "\n".join(lines)


def plain_theme_text(theme: ThemeState) -> str:
    return (f"---\n{_dump({'title': theme.title})}---\n\n# {theme.title}\n\n"
            f"**Maatschappelijke opgave:** {theme.opgave}\n\n{theme.body}")


def git_env(home: Path) -> dict[str, str]:
    """The environment for every git process of the benchmark: hermetic, as in the tests."""
    return {k: v for k, v in os.environ.items() if k not in _REPO_VARIABLES} | hermetic_env(home)


class _Stream:
    """Writes a ``git fast-import`` stream."""

    def __init__(self, out) -> None:
        self.out = out
        self.mark = 0

    def _data(self, data: bytes) -> bytes:
        return b"data %d\n%s\n" % (len(data), data)

    def commit(self, author: tuple[str, str], when: datetime, message: str, parent: int | None,
               ops: list[bytes]) -> int:
        self.mark += 1
        stamp = _stamp(author, when)
        self.out.write(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n%s" % (
            self.mark, stamp, stamp, self._data(message.encode())))
        if parent is not None:
            self.out.write(b"from :%d\n" % parent)
        self.out.write(b"".join(ops) + b"\n")
        return self.mark

    def tag(self, name: str, target: int, author: tuple[str, str], when: datetime, message: str) -> None:
        self.out.write(b"tag %s\nfrom :%d\ntagger %s\n%s" % (
            name.encode(), target, _stamp(author, when), self._data(message.encode())))

    @staticmethod
    def modify(path: str, text: str) -> bytes:
        data = text.encode()
        return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    @staticmethod
    def rename(old: str, new: str) -> bytes:
        return b"R %s %s\n" % (old.encode(), new.encode())


def _stamp(author: tuple[str, str], when: datetime) -> bytes:
    offset = int(when.utcoffset().total_seconds()) // 60
    sign = "+" if offset >= 0 else "-"
    tz = f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    return f"{author[0]} <{author[1]}> {int(when.timestamp())} {tz}".encode()


def koers_config() -> dict:
    """mkdocs.yml of the generated repository: the tests' settings, for Benchstad."""
    config = copy.deepcopy(MKDOCS_YML)
    config["site_name"] = "Sociale Agenda Benchstad 2017–2021"
    config["extra"]["koers"] |= {"municipality": "Benchstad", "title": "Sociale Agenda Benchstad",
                                 "period": "2017–2021", "credit": "Sociale Agenda Benchstad 2017–2021, "
                                 "synthetisch gegenereerd voor benchmarks"}
    return config


def plain_config(themes: list[ThemeState], goals: dict[str, GoalState], *, dates: bool,
                 full_nav: bool = False) -> dict:
    """The plain builds' config: the same theme and Markdown settings, no hook, the same nav as Koers'.

    Like Koers (`koers.site.NAV_LIMIT`), the nav lists the goals under their themes only up to
    100 goals, and the themes alone above that; `full_nav` lists every goal whatever their number,
    as MkDocs' own default nav (every page) would.
    """
    config = koers_config()
    del config["hooks"]
    config["docs_dir"] = "plain"
    config["exclude_docs"] = ""
    config["edit_uri"] = "edit/main/plain/"
    listed = full_nav or len(goals) <= NAV_LIMIT
    nav: list = []
    for theme in sorted(themes, key=lambda t: t.order):
        members = sorted((g for g in goals.values() if g.theme == theme.id), key=lambda g: g.order)
        if listed:
            nav.append({theme.title: [f"themas/{theme.id}.md", *(f"doelen/{g.id}.md" for g in members)]})
        else:
            nav.append({theme.title: f"themas/{theme.id}.md"})
    config["nav"] = ["index.md", "inleiding.md", {"Sociale Agenda": nav}]
    if not listed:  # as Koers marks them: on purpose not in the nav, so MkDocs does not list them all
        config["not_in_nav"] = "/doelen/"
    if dates:
        config["plugins"] = [*config["plugins"], "git-revision-date-localized"]
    return config


class _Generator:
    def __init__(self, seed: int, themes: int, goals: int) -> None:
        self.rng = random.Random(seed)
        self.text = _Text(self.rng)
        self.themes: list[ThemeState] = []
        self.theme_by_id: dict[str, ThemeState] = {}
        self.goals: dict[str, GoalState] = {}
        self.ids: list[str] = []  # goal ids in a stable order, for drawing
        self.used_ids: set[str] = set()
        self.pairs: set[frozenset[str]] = set()  # every relation, whichever side declares it
        self.incoming: dict[str, set[str]] = {}  # goal id → goals that declare a relation to it
        self.next_order: dict[str, int] = {}
        self.renames: list[tuple[str, str]] = []
        self.moves = 0
        self._make_themes(themes)
        self._make_goals(goals)

    # -- initial content -------------------------------------------------------------------------
    def _make_themes(self, count: int) -> None:
        for i in range(count):
            title = THEME_TITLES[i % len(THEME_TITLES)] + (f" {i // len(THEME_TITLES) + 1}"
                                                           if i >= len(THEME_TITLES) else "")
            sections = self.rng.sample(HEADINGS, 3)
            body = self.text.paragraph() + "\n\n" + "".join(
                f"## {h}\n\n{self.text.paragraph()}\n\n{self.text.paragraph()}\n\n" for h in sections)
            theme = ThemeState(slugify(title), title, f"{self.text.sentence()}", i + 1, body.rstrip("\n") + "\n")
            self.themes.append(theme)
            self.theme_by_id[theme.id] = theme
            self.next_order[theme.id] = 1

    def _new_id(self, title: str) -> str:
        base = "-".join(slugify(title).split("-")[:7])
        candidate, n = base, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return candidate

    def _make_goals(self, count: int) -> None:
        for i in range(count):
            direction = self.rng.choice(("meer", "minder"))
            title = self.text.title(direction)
            theme = self.themes[i % len(self.themes)].id if i < len(self.themes) else self.rng.choice(
                self.themes).id
            goal = GoalState(self._new_id(title), title, theme, direction, self._take_order(theme),
                             [self.text.result() for _ in range(self.rng.randint(3, 8))], [],
                             [self.text.paragraph() for _ in range(self.rng.randint(2, 4))])
            self.goals[goal.id] = goal
            self.ids.append(goal.id)
            self.incoming[goal.id] = set()
        for goal_id in self.ids:
            for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
                self._add_relation(self.goals[goal_id])

    def _take_order(self, theme: str) -> int:
        order = self.next_order[theme]
        self.next_order[theme] = order + 1
        return order

    def _add_relation(self, goal: GoalState) -> bool:
        if len(goal.relations) >= 3 or len(self.ids) < 2:
            return False
        for _ in range(10):
            target = self.rng.choice(self.ids)
            pair = frozenset((goal.id, target))
            if target != goal.id and pair not in self.pairs:
                self.pairs.add(pair)
                self.incoming[target].add(goal.id)
                note = self.text.note(self.theme_by_id[self.goals[target].theme].title)
                goal.relations.append((target, note))
                return True
        return False

    # -- edits -----------------------------------------------------------------------------------
    def edit(self, goal: GoalState, changed: set[str], force_rename: bool) -> str:
        """Apply one random edit to `goal`; return the commit subject. `changed` collects edited ids."""
        r = self.rng
        kind = "rename" if force_rename else r.choices(
            ("reword", "add", "remove", "reorder", "narrative", "title", "relation", "move", "rename"),
            (30, 12, 10, 4, 15, 5, 8, 8, 8))[0]
        changed.add(goal.id)
        if kind == "add" and len(goal.results) < 8:
            goal.results.insert(r.randint(0, len(goal.results)), self.text.result())
            return f"Voeg een resultaat toe aan {goal.id}"
        if kind == "remove" and len(goal.results) > 3:
            goal.results.pop(r.randrange(len(goal.results)))
            return f"Schrap een resultaat van {goal.id}"
        if kind == "reorder":
            i, j = r.sample(range(len(goal.results)), 2)
            goal.results[i], goal.results[j] = goal.results[j], goal.results[i]
            return f"Zet de resultaten van {goal.id} in een andere volgorde"
        if kind == "narrative":
            i = r.randrange(len(goal.paragraphs))
            choice = r.random()
            if choice < 0.6:
                goal.paragraphs[i] = self.text.reword(goal.paragraphs[i])
            elif choice < 0.8 and len(goal.paragraphs) < 5:
                goal.paragraphs.insert(i, self.text.paragraph())
            elif len(goal.paragraphs) > 1:
                goal.paragraphs.pop(i)
            else:
                goal.paragraphs.append(self.text.paragraph())
            return f"Werk de toelichting bij {goal.id} bij"
        if kind == "title":
            goal.title = self.text.reword(goal.title)
            return f"Scherp de titel van {goal.id} aan"
        if kind == "relation":
            if goal.relations and r.random() < 0.4:
                target, _ = goal.relations.pop(r.randrange(len(goal.relations)))
                self.pairs.discard(frozenset((goal.id, target)))
                self.incoming[target].discard(goal.id)
                return f"Schrap een relatie van {goal.id}"
            if self._add_relation(goal):
                return f"Leg een relatie vanuit {goal.id}"
        if kind == "move" and len(self.themes) > 1:
            target = r.choice([t for t in self.themes if t.id != goal.theme])
            goal.theme, goal.order = target.id, self._take_order(target.id)
            self.moves += 1
            return f"Verplaats {goal.id} naar thema {target.title}"
        if kind == "rename":
            return self._rename(goal, changed)
        goal.results[r.randrange(len(goal.results))] = self.text.reword(r.choice(goal.results))
        return f"Herformuleer een resultaat van {goal.id}"

    def _rename(self, goal: GoalState, changed: set[str]) -> str:
        old = goal.id
        title = goal.title
        for _ in range(5):
            title = self.text.reword(title)
            if slugify(title) != slugify(goal.title):
                break
        new = self._new_id(title)
        goal.title, goal.id = title, new
        self.goals = {(new if k == old else k): v for k, v in self.goals.items()}
        self.ids[self.ids.index(old)] = new
        self.incoming[new] = self.incoming.pop(old)
        for target, _ in goal.relations:
            self.incoming[target].discard(old)
            self.incoming[target].add(new)
            self.pairs.discard(frozenset((old, target)))
            self.pairs.add(frozenset((new, target)))
        for referrer in sorted(self.incoming[new]):
            source = self.goals[referrer]
            source.relations = [(new if g == old else g, n) for g, n in source.relations]
            self.pairs.discard(frozenset((old, referrer)))
            self.pairs.add(frozenset((new, referrer)))
            changed.add(referrer)
        changed.discard(old)
        changed.add(new)
        self.renames.append((old, new))
        return f"Hernoem {old} naar {new}"


def generate(dest: Path, *, themes: int = 8, goals: int = 250, commits: int | None = None, versions: int = 5,
             seed: int = 2017) -> GeneratedRepo:
    """Create the repository in `dest` (which must not exist or be empty); C defaults to 2 × G."""
    started = time.perf_counter()
    commits = 2 * goals if commits is None else commits
    if themes < 1 or goals < 1 or commits < 0 or not 0 <= versions <= max(commits, 1):
        raise ValueError("need themes ≥ 1, goals ≥ 1, commits ≥ 0 and 0 ≤ versions ≤ commits")
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    env = git_env(dest)
    gen = _Generator(seed, themes, goals)

    def git(*args: str, stdin=None) -> None:
        subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=dest, env=env, check=True,
                       stdin=stdin, stdout=subprocess.DEVNULL)

    git("init", "-q")
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=dest, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert proc.stdin is not None
    out = proc.stdin
    stream = _Stream(out)
    out.write(b"feature done\n")
    ops = [stream.modify("mkdocs.yml", _dump(koers_config())), stream.modify(".gitignore", "site/\n")]
    chapters = {"index.md": "---\ntitle: Sociale Agenda Benchstad\n---\n\nDe sociale agenda van Benchstad.\n\n"
                            f"{gen.text.paragraph()}\n",
                "inleiding.md": f"---\ntitle: Inleiding\n---\n\n{gen.text.paragraph()}\n\n{gen.text.paragraph()}\n"}
    for name, text in chapters.items():
        ops += [stream.modify(f"content/{name}", text), stream.modify(f"plain/{name}", text)]
    for theme in gen.themes:
        ops += [stream.modify(f"content/themas/{theme.id}.md", theme_text(theme)),
                stream.modify(f"plain/themas/{theme.id}.md", plain_theme_text(theme))]
    for goal_id in gen.ids:
        ops += _goal_ops(stream, gen, gen.goals[goal_id])
    parent = stream.commit(AUTHORS[0], START, "Vaststelling van de sociale agenda door de gemeenteraad\n",
                           None, ops)
    step = SPAN / max(commits, 1)
    tag_at = {max(1, round(k * commits / versions)): k for k in range(1, versions + 1)} if commits else {}
    versions_declared: list[dict[str, str]] = []
    for i in range(1, commits + 1):
        changed: set[str] = set()
        olds: dict[str, str] = {}
        subjects = []
        for goal_id in gen.rng.sample(gen.ids, min(len(gen.ids), gen.rng.choices((1, 2, 3), (70, 20, 10))[0])):
            goal = gen.goals.get(goal_id)
            if goal is None or goal.id in changed:
                continue  # renamed, or edited, earlier in this commit
            renames_before = len(gen.renames)
            subjects.append(gen.edit(goal, changed, force_rename=(i % 10 == 3 and not subjects)))
            if len(gen.renames) > renames_before:
                olds[gen.renames[-1][1]] = gen.renames[-1][0]
        ops = []
        for goal_id in sorted(changed):
            if goal_id in olds:
                ops += [stream.rename(f"goals/{olds[goal_id]}.md", f"goals/{goal_id}.md"),
                        stream.rename(f"plain/doelen/{olds[goal_id]}.md", f"plain/doelen/{goal_id}.md")]
            ops += _goal_ops(stream, gen, gen.goals[goal_id])
        when = START + step * i + timedelta(minutes=gen.rng.randint(0, max(0, int(step.total_seconds() // 120))))
        if i in tag_at:  # the commit a version is tagged at also declares it in content/versions.yml
            versions_declared.append({"id": f"versie-{tag_at[i]}", "title": f"Versie {tag_at[i]}",
                                      "date": when.date().isoformat(),
                                      "status": "vastgesteld" if tag_at[i] % 2 else "ter-inzage",
                                      "ref": f"v{tag_at[i]}"})
            ops.append(stream.modify("content/versions.yml", VERSIONS_HEADER + _dump(versions_declared)))
        message = subjects[0] if len(subjects) == 1 else f"{subjects[0]} en {len(subjects) - 1} andere wijziging" \
            + ("en" if len(subjects) > 2 else "") + "\n\n" + "\n".join(f"- {s}" for s in subjects)
        author = gen.rng.choice(AUTHORS)
        parent = stream.commit(author, when, message + "\n", parent, ops)
        if i in tag_at:
            k = tag_at[i]
            stream.tag(f"v{k}", parent, AUTHORS[0], when + timedelta(minutes=1),
                       f"Versie {k} van de sociale agenda\n")
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise RuntimeError(f"git fast-import failed with exit status {proc.returncode}")
    git("reset", "-q", "--hard")
    for folder in PROJECT_LINKS:
        (dest / folder).symlink_to(REPO / folder, target_is_directory=True)
    untracked = [PLAIN_CONFIG, DATES_CONFIG, FULLNAV_CONFIG, *PROJECT_LINKS]
    (dest / ".git" / "info" / "exclude").write_text("".join(f"/{name}\n" for name in untracked), "utf-8")
    for name, dates, full_nav in ((PLAIN_CONFIG, False, False), (DATES_CONFIG, True, False),
                                  (FULLNAV_CONFIG, False, True)):
        config = plain_config(gen.themes, gen.goals, dates=dates, full_nav=full_nav)
        (dest / name).write_text(_dump(config), "utf-8")
    return GeneratedRepo(dest, [t.id for t in gen.themes], list(gen.ids), commits + 1,
                         [f"v{k}" for k in range(1, versions + 1)] if commits else [], gen.renames, gen.moves,
                         time.perf_counter() - started)


STAMP = ".git/koers-bench.json"


def generate_or_reuse(dest: Path, **params: int) -> tuple[GeneratedRepo, bool]:
    """`generate` into `dest`, or reuse what an earlier call made there with the same parameters.

    Generation is deterministic, so a repository with the same parameters made by this same
    generator (compared by the hash of this file) is the same repository; reusing it also leaves
    alone anyone who is reading it meanwhile. Returns the repository and whether it was reused.
    """
    dest = Path(dest)
    key = {"params": params, "generator": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
    stamp = dest / STAMP
    if stamp.is_file():
        found = json.loads(stamp.read_text("utf-8"))
        if found.get("key") == key:
            made = GeneratedRepo(**{**found["repo"], "path": dest,
                                    "renames": [tuple(r) for r in found["repo"]["renames"]]})
            return made, True
    shutil.rmtree(dest, ignore_errors=True)
    made = generate(dest, **params)
    stamp.write_text(json.dumps({"key": key, "repo": {**made.__dict__, "path": str(dest)}}), "utf-8")
    return made, False


def _goal_ops(stream: _Stream, gen: _Generator, goal: GoalState) -> list[bytes]:
    return [stream.modify(f"goals/{goal.id}.md", goal_text(goal)),
            stream.modify(f"plain/doelen/{goal.id}.md", plain_goal_text(goal, gen.theme_by_id, gen.goals))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the new repository (replaced)")
    parser.add_argument("--themes", type=int, default=8)
    parser.add_argument("--goals", type=int, default=250)
    parser.add_argument("--commits", type=int, help="default: 2 × goals")
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)
    made = generate(args.out, themes=args.themes, goals=args.goals, commits=args.commits,
                    versions=args.versions, seed=args.seed)
    print(f"{made.path}: {len(made.themes)} thema's, {len(made.goals)} doelen, {made.commits} commits, "
          f"{len(made.tags)} tags, {len(made.renames)} hernoemingen, {made.moves} verplaatsingen "
          f"in {made.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
