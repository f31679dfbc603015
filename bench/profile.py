"""Profile one build of a generated repository in-process (cProfile), for finding hot spots.

Usage: ``python -m bench.profile bench/work/g1000 [--config mkdocs.yml] [--top 40] [--out FILE]``.
Prints the functions with the most own time and the most cumulative time; with
``--out`` also saves the raw stats (open them with ``python -m pstats FILE``).
Profiling slows Python code down by roughly 1.5–2×, so use it for proportions, not timings.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.generate import git_env  # noqa: E402


def profile_build(repo: Path, config: str = "mkdocs.yml") -> pstats.Stats:
    """Run `mkdocs build --strict` for `repo` under cProfile and return the statistics."""
    from mkdocs.__main__ import cli

    repo = repo.resolve()
    os.environ.update(git_env(REPO / "bench" / "work" / ".home") | {"NO_MKDOCS_2_WARNING": "1"})
    os.chdir(repo)
    with tempfile.TemporaryDirectory() as site:
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            cli.main(["build", "--strict", "--quiet", "--config-file", str(repo / config), "--site-dir", site],
                     standalone_mode=False)
        finally:
            profiler.disable()
    return pstats.Stats(profiler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--config", default="mkdocs.yml")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    stats = profile_build(args.repo, args.config)
    if args.out:
        stats.dump_stats(str(args.out))
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        stats.stream = buffer
        stats.sort_stats(order).print_stats(args.top)
        print(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
