"""pytest plugin: make `import PySide6` fail, proving the core runs where Qt is not installed."""

from __future__ import annotations

import importlib.abc
import sys


class _BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname == "PySide6" or fullname.startswith(("PySide6.", "shiboken6", "pytestqt")):
            raise ImportError(f"{fullname} is blocked: core tests must not need Qt")
        return None


for name in [m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))]:
    del sys.modules[name]
sys.meta_path.insert(0, _BlockQt())
