"""Prints the per-bank figures of issues 3 and 16 at the end of a run that included ``test_counts``, so the counts
show in a normal (captured) run too; the tests themselves print the same tables (visible with ``-s`` or ``-rA``)."""

from __future__ import annotations

import pytest

from tests.banks._support import all_figures_tables


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ran_counts = any(
        getattr(report, "nodeid", "").split("::")[0].endswith("banks/test_counts.py")
        for reports in terminalreporter.stats.values()
        for report in reports
    )
    if ran_counts:
        terminalreporter.section("question bank figures (issues 3 and 16)")
        terminalreporter.write_line(all_figures_tables())
