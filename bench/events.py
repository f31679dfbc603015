"""Where one build's time goes, by MkDocs event and plugin, without a profiler.

Usage: ``python -m bench.events bench/work/g1000 [--config mkdocs-plain.yml]``.
Builds the repository in-process and prints the wall time of every plugin event (the Koers
hook's and Material's search separately), of Markdown (`Page.render`), of reading page files
and of writing the site; what is left is MkDocs and Material themselves (the page templates,
the navigation, copying the theme). cProfile slows small Python functions down far more than
large ones, so this is the breakdown `bench/RESULTS.md` quotes; `bench/profile.py` finds the
functions inside each part. Run it twice: the first build fills the build cache.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.generate import git_env  # noqa: E402


class Timings:
    """Seconds and calls per label, summed over the build."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1
        return wrapper


def time_build(repo: Path, config: str = "mkdocs.yml") -> tuple[float, Timings]:
    """Build `repo` in-process with every plugin event and the main MkDocs steps timed."""
    from mkdocs import plugins, utils
    from mkdocs.__main__ import cli
    from mkdocs.structure.pages import Page

    timings = Timings()

    def run_event(self: plugins.PluginCollection, name: str, item: Any = None, **kwargs: Any) -> Any:
        # MkDocs' own loop (mkdocs/plugins.py), each method timed under its plugin's name.
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = self._event_origins.get(method, "<unknown>")
            label = f"on_{name} ({self._current_plugin})"
            result = timings.timed(label, method)(*((item,) if pass_item else ()), **kwargs)
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    originals = (plugins.PluginCollection.run_event, Page.render, Page.read_source, utils.write_file)
    plugins.PluginCollection.run_event = run_event  # type: ignore[method-assign]
    Page.render = timings.timed("Markdown (Page.render)", Page.render)  # type: ignore[method-assign]
    Page.read_source = timings.timed("reading page files", Page.read_source)  # type: ignore[method-assign]
    utils.write_file = timings.timed("writing files", utils.write_file)
    repo = repo.resolve()
    os.environ.update(git_env(REPO / "bench" / "work" / ".home") | {"NO_MKDOCS_2_WARNING": "1"})
    os.chdir(repo)
    try:
        with tempfile.TemporaryDirectory() as site:
            start = time.perf_counter()
            cli.main(["build", "--strict", "--quiet", "--config-file", str(repo / config), "--site-dir", site],
                     standalone_mode=False)
            total = time.perf_counter() - start
    finally:
        (plugins.PluginCollection.run_event, Page.render, Page.read_source, utils.write_file) = originals
    return total, timings


def report(total: float, timings: Timings) -> str:
    shown = sorted(timings.seconds.items(), key=lambda item: -item[1])
    # The timed parts do not nest (only Material writes its search index inside its
    # on_post_build, a few milliseconds counted twice); what is left is MkDocs and Material.
    rest = total - sum(timings.seconds.values())
    lines = [f"{'build':48} {total:7.2f} s", *(f"  {label:46} {seconds:7.2f} s  ({timings.calls[label]} calls)"
                                                 for label, seconds in shown),
             f"  {'the rest (page templates, nav, theme files)':46} {rest:7.2f} s"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--config", default="mkdocs.yml")
    args = parser.parse_args(argv)
    print(report(*time_build(args.repo, args.config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
