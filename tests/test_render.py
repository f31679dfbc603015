"""URL arithmetic of `koers.render`."""

from __future__ import annotations

import posixpath

from koers.render import relative_url


def test_relative_urls_are_those_of_posixpath() -> None:
    # relative_url computes links itself (posixpath.relpath asks the file system for the
    # working directory each time); it must give what the definition gives.
    urls = ["", "inleiding/", "doelen/a/", "doelen/b/", "doelen/a/b/", "themas/wonen/", "versies/v-1/",
            "samenhang/relaties.svg", "assets/koers.css", "doelen/a/#samenhang", "index.html", "doelen/a.html",
            "a/./b/", "a/../b/", "doelen//a/", "doelen", "d/ä/", "vergelijk/versie-1/werkversie/"]

    def definition(from_url: str, to_url: str) -> str:
        target, _, anchor = to_url.partition("#")
        base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
        rel = posixpath.relpath("/" + target, "/" + base)
        if target.endswith("/") or not target:
            rel = "./" if rel == "." else rel + "/"
        return rel + (f"#{anchor}" if anchor else "")

    for source in urls:
        for target in urls:
            assert relative_url(source, target) == definition(source, target), (source, target)
