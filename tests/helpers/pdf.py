"""Reading a written PDF back in the tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader


def page_texts(pdf: Path) -> list[str]:
    """Each page's text without spaces and line breaks (pdftotext where installed: fast)."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = out.split("\f")[:-1]
    else:
        pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    return [re.sub(r"\s+", "", t) for t in pages]
