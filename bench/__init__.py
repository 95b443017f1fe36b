"""Stip's benchmark: `python -m bench` (see bench/__main__.py and docs/performance.md).

- pages.py: the registry of pages and API endpoints, one line each;
- data.py: the generated organisation and each feature's data generator;
- bulk.py: bulk work (the import, later a cycle launch), each in a fresh database;
- measure.py: timing a page, replaying its SQL, statistics and memory;
- budgets.toml and budgets.py: the budgets and their check; report.py: the Markdown.
"""
