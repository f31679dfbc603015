"""Parts of the theme's page template that many pages share, rendered once per build.

Material renders the whole site navigation into every page. At scale most pages are goals
that the navigation does not list (`nav_limit`), and for all of them in one folder it is the
same HTML: every link in it is relative, and nothing in it is marked as the current page.
`Fragments.nav` renders it once for each distinct set of links and hands out that HTML for
the rest; a page the navigation lists (it is marked there) is always rendered itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from .render import relative_url


class _Page(Protocol):
    url: str


class _Nav(Protocol):
    pages: list[Any]  # the pages it lists
    items: list[Any]  # its tree: sections (children), pages and links (url)


# Material's own option that puts the page's table of contents into the navigation.
_TOC_IN_NAV = "toc.integrate"


class Fragments:
    """Rendered template fragments of one build, by what they depend on."""

    def __init__(self) -> None:
        self._rendered: dict[tuple[str, ...], Any] = {}
        self._texts: dict[str, Any] = {}

    def nav(self, page: _Page | None, nav: _Nav, features: Iterable[str], render: Callable[[], Any]) -> Any:
        """The navigation of `page`: `render()`, or what it returned for a page that sees the
        same navigation (`caller` of a Jinja call block)."""
        key = self._nav_key(page, nav, features)
        if key is None:
            return render()
        if key not in self._rendered:
            self._rendered[key] = render()
        return self._rendered[key]

    def text(self, key: str, *lookups: Callable[[str], Any]) -> Any:
        """Material's interface text `key`: the first of `lookups` (the site's language, then
        English) that has it, else the key itself, as Material's `lang.t` gives it."""
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = next((text for lookup in lookups if (text := lookup(key))), key)
        return found

    @staticmethod
    def _nav_key(page: _Page | None, nav: _Nav, features: Iterable[str]) -> tuple[str, ...] | None:
        if page is None or _TOC_IN_NAV in features or any(listed is page for listed in nav.pages):
            return None
        # The navigation reads the page only through the links it makes relative to it (to
        # every page and link it lists, to the theme's files); the same links, the same HTML.
        return (relative_url(page.url, ""), *(relative_url(page.url, url) for url in _urls(nav.items)))


def _urls(items: Iterable[Any]) -> Iterator[str]:
    """The URL of every page and link in a navigation tree, in order."""
    for item in items:
        if (url := getattr(item, "url", None)) is not None:
            yield url
        yield from _urls(getattr(item, "children", None) or ())
