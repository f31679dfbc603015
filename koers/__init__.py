"""Koers: a municipality's social agenda, kept as YAML + Markdown in git.

The package holds the domain logic (model, loading and validation, relations,
git history, diffs, rendering) and imports nothing from MkDocs; the MkDocs hook
in ``hooks/`` only translates build events into calls of this package.
"""

__version__ = "0.1.0"
