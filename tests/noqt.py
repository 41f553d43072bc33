"""pytest plugin: make `import PySide6` fail, proving the core runs where Qt is not installed."""

from __future__ import annotations

import importlib.abc
import sys


class _BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname == "PySide6" or fullname.startswith(("PySide6.", "shiboken6")):
            raise ImportError(f"{fullname} is blocked: core tests must not need Qt")
        return None


for name in [m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))]:
    del sys.modules[name]
sys.meta_path.insert(0, _BlockQt())


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    # pytest-qt is not loaded here; its ini option must still be known, or pytest warns (= fails).
    parser.addini("qt_log_level_fail", "pytest-qt's option, unused without Qt")
    parser.addini("qt_log_ignore", "pytest-qt's option, unused without Qt", type="linelist")
