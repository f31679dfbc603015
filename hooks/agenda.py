"""MkDocs hook for Koers: translates build events into calls of the `koers` package.

This file holds no logic of its own (MkDocs does not reload hooks during
`serve`, and MkDocs 2.0 drops plugins): every decision lives in `koers`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from koers.buildcache import CACHE_DIR
from koers.problems import ContentError
from koers.project import Project
from koers.settings import read_settings

log = logging.getLogger("mkdocs.hooks.koers")
# Outside MkDocs' logger tree on purpose: a build from a downloaded zip must still pass
# `--strict`, but the reader of the build output should see why the history is missing.
notice = logging.getLogger("koers")
_project: Project | None = None


def _current() -> Project:
    assert _project is not None, "on_config has not run"
    return _project


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _project
    root = Path(config.config_file_path).resolve().parent
    try:
        settings = read_settings(config.extra, repo_url=config.repo_url, edit_uri=config.edit_uri,
                                 site_url=config.site_url)
        _project = Project(root, Path(config.docs_dir), settings, Path(config.theme.custom_dir),
                           markdown_extensions=config.markdown_extensions, markdown_configs=config.mdx_configs,
                           cache_dir=root / CACHE_DIR)
        missing_history, warnings = _project.prepare()
    except ContentError as error:
        raise PluginError(str(error)) from None
    if missing_history:
        notice.warning("WARNING -  Koers: %s", missing_history)
    for warning in warnings:
        # Advisory only: under `--strict` a logged warning would fail the build.
        log.info("Let op: %s", warning)
    config.nav = _project.nav(config.nav)
    if settings.logo:
        config.theme["logo"] = settings.logo
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    project = _current()
    for page in project.generated_pages():
        inclusion = InclusionLevel.UNDEFINED if page.listed else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion))
    project.render_aside({file.src_uri: file.url for file in files.documentation_pages()})
    for path, text in project.generated_files().items():
        files.append(File.generated(config, path, content=text))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    project = _current()
    page.edit_url = project.edit_url(page.file.src_uri)
    page.update_date = project.last_changed(page.file.src_uri) or page.update_date
    return project.page_markdown(page.file.src_uri, page.url, markdown)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    project = _current()
    html = project.page_html(page.file.src_uri, html)
    if rest := project.rest_headings(page.file.src_uri, page.toc):
        toc, anchors = rest
        page.toc = get_toc(toc)  # type: ignore[arg-type]
        page.present_anchor_ids = (page.present_anchor_ids or set()) | anchors
    return html


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    try:
        _current().check_pages()
    except ContentError as error:
        raise PluginError(str(error)) from None
    env.globals["koers_fragments"] = _current().fragments
    for path, text in _current().late_files().items():
        files.get_file_from_path(path).content_string = text  # type: ignore[union-attr]
    for warning in _current().late_warnings():
        log.info("Let op: %s", warning)
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _current().finish_page(page.file.src_uri, page.url, output)


def on_post_build(config: MkDocsConfig) -> None:
    _current().finish_build()
