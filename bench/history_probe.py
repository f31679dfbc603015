"""Time the history-reading part of a Koers build, in-process, for one repository.

Measures what the build does for history, without MkDocs: `Project.load_history`
(`koers.history.read_history` + `ChangeLog.preload`, which reads every file version in one
`cat-file`) and `ChangeLog.parse_goal_versions` (which the build leaves to the pages that
need them): "read", the history *reading*, then
`ChangeLog.for_page` for every page whose history the build shows ("pages").
Which pages ask, and with which source and kind, is recorded through
`Project.page_history` before the clock starts, so the numbers hold nothing but
history. The site-wide log (`ChangeLog.site_log`, used by wijzigingen/ and the
feed) is timed separately, for information.

Usage: ``python -m bench.history_probe <repo>``; prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from koers.cli import read_project_settings  # noqa: E402
from koers.history import GIT_CALLS  # noqa: E402
from koers.pagehistory import ChangeLog, PageHistory  # noqa: E402
from koers.project import Project  # noqa: E402


def pages_of(project: Project) -> list[tuple[str, str]]:
    """(source, kind) of every page whose history the build computes, as `Project.page_history` asks."""
    assert project.changelog is not None
    asked: list[tuple[str, str]] = []
    real = project.changelog
    recorder = ChangeLog(real.history, real.goals_dir, real.themes_dir)
    recorder.for_page = lambda source, kind: asked.append((source, kind)) or PageHistory("complete")  # type: ignore[method-assign]
    project.changelog = recorder
    try:
        docs = project.docs_dir
        sources = [p.relative_to(docs).as_posix() for p in sorted(docs.rglob("*.md"))]
        for src in dict.fromkeys([*sources, *(page.src_uri for page in project.generated_pages())]):
            project.page_history(src)
    finally:
        project.changelog = real
    return list(dict.fromkeys(asked))


def measure(root: Path) -> dict[str, Any]:
    """Seconds for reading the history and for every page's history, with counts."""
    root = root.resolve()
    settings = read_project_settings(root)
    project = Project(root, root / "content", settings, root / "overrides")
    project.load()
    calls = GIT_CALLS.total()

    started, cpu_started = time.perf_counter(), time.process_time()
    project.load_history()
    assert project.changelog is not None
    project.changelog.parse_goal_versions()
    read, cpu_read = time.perf_counter(), time.process_time()
    git_calls = GIT_CALLS.total() - calls
    changelog = project.changelog
    assert changelog is not None
    pages = pages_of(project)
    resumed, cpu_resumed = time.perf_counter(), time.process_time()
    entries = sum(len(changelog.for_page(source, kind).entries) for source, kind in pages)
    done, cpu_done = time.perf_counter(), time.process_time()
    site_log = len(project.log_entries())
    logged = time.perf_counter()
    return {
        "read_s": read - started,
        "pages_s": done - resumed,
        "history_s": (read - started) + (done - resumed),
        # Python's own CPU time; the git processes' CPU is not in it (their wall time is in read_s).
        "cpu_s": (cpu_read - cpu_started) + (cpu_done - cpu_resumed),
        "site_log_s": logged - done,
        "pages": len(pages),
        "entries": entries,
        "commits": len(changelog.history.commits),
        "site_log_entries": site_log,
        "git_calls": git_calls,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.history_probe <repo>", file=sys.stderr)
        return 2
    print(json.dumps(measure(Path(args[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
