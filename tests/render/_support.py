"""Render checks: convert a workbook or document to PDF with LibreOffice (headless) and read the pages back.

LibreOffice prints an xlsx the way Excel's "print entire workbook" does: each sheet with its own page setup. The
score sheets put the sheet name in the page header (``&A``), so the pages of each sheet can be counted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    """The LibreOffice binary; fails in CI (``.ci/run`` installs it), skips elsewhere when it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def to_pdf(path: Path, workdir: Path) -> Path:
    """Convert ``path`` to PDF in ``workdir`` with a private LibreOffice profile (so parallel tests do not meet)."""
    profile = workdir / "lo-profile"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workdir), str(path)],
        capture_output=True,
        text=True,
        timeout=240,
    )  # fmt: skip
    pdf = workdir / (path.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


def pages_per_sheet(pages: list[str], sheets: list[str]) -> dict[str, int]:
    """How many pages print for each sheet, by the sheet name in each page's header (its first line)."""
    counts = dict.fromkeys(sheets, 0)
    for text in pages:
        head = text.strip().splitlines()[0].strip() if text.strip() else ""
        if head in counts:
            counts[head] += 1
    return counts
