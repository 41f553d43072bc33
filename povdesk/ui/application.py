"""The QApplication with povdesk's names, translation and a font that shows Chinese everywhere."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from povdesk import APP_DISPLAY_NAME, APP_NAME, ORG_NAME, __version__
from povdesk.config import resource_dirs

QM_DIR = Path(__file__).resolve().parent / "i18n"
LANGUAGES = ("zh_CN", "en")
#: Seconds after which every window closes and the program ends: the smoke test of the built
#: bundle (tools/smoke_bundle.py) opens the window offscreen this way and expects a clean exit.
QUIT_AFTER_ENV = "POVDESK_QUIT_AFTER"

#: CJK fonts we can ship or find, in order of preference (WenQuanYi renders under Xvfb too).
_FONT_FILES = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf")
_SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
)
#: Families to fall back on where the system has them (Windows, macOS).
_SYSTEM_CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
                        "Source Han Sans SC", "SimSun")

_translators: list[QTranslator] = []




def create_application(argv: Sequence[str], *, language: str) -> QApplication:
    """The application object, named, translated into `language` ("zh_CN" or "en") and fonted."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    set_language(app, language)
    apply_cjk_font(app)
    for folder in resource_dirs():
        icon = folder / "icons" / "povdesk.svg"
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
            break
    if os.environ.get(QUIT_AFTER_ENV):
        quit_after(app, float(os.environ[QUIT_AFTER_ENV]))
    return app


def quit_after(app: QApplication, seconds: float) -> None:
    """In `seconds`, name the windows shown and the translations loaded on stderr, close the
    windows and end the event loop."""

    def close() -> None:
        shown = sorted(type(w).__name__ for w in app.topLevelWidgets() if w.isVisible())
        loaded = sorted(Path(t.filePath()).stem for t in _translators)
        if sys.stderr is not None:  # a windowed Windows program has no stderr
            print(f"povdesk: closing after {seconds:g} s; windows shown: {', '.join(shown) or 'none'}; "
                  f"translations: {', '.join(loaded) or 'none'}", file=sys.stderr, flush=True)
        app.closeAllWindows()
        app.quit()

    QTimer.singleShot(round(seconds * 1000), app, close)


def set_language(app: QCoreApplication, language: str) -> bool:
    """Install (or remove) the translators for `language`; True when povdesk's own one loaded."""
    language = language if language in LANGUAGES else "en"
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    app.setProperty("povdesk_language", language)
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return True
    QLocale.setDefault(QLocale(language))
    loaded = False
    # Qt's own texts (file dialogs' "Look in:", standard buttons): Qt's folder, or a bundle's copy
    qt_dirs = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               *(str(d / "translations") for d in resource_dirs())]
    qtbase = QTranslator(app)
    if any(qtbase.load(f"qtbase_{language}", folder) for folder in qt_dirs):
        app.installTranslator(qtbase)
        _translators.append(qtbase)
    own = QTranslator(app)
    for folder in (QM_DIR, *(d / "i18n" for d in resource_dirs())):
        if own.load(f"povdesk_{language}", str(folder)):
            app.installTranslator(own)
            _translators.append(own)
            loaded = True
            break
    return loaded


def current_language() -> str:
    """"zh_CN" or "en": the language the window speaks (for dictionary labels and code labels)."""
    app = QCoreApplication.instance()
    value = app.property("povdesk_language") if app is not None else None
    return str(value) if value in LANGUAGES else "en"


def lang_key() -> str:
    """The short form the domain layer takes ("zh" or "en")."""
    return "zh" if current_language().startswith("zh") else "en"


@cache
def _load_font_files() -> tuple[str, ...]:
    """Register the first CJK font file we find; returns its families."""
    candidates = [d / "fonts" / name for d in resource_dirs() for name in _FONT_FILES]
    candidates += [d / name for d in _SYSTEM_FONT_DIRS for name in _FONT_FILES]
    for path in candidates:
        if path.is_file():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                return tuple(QFontDatabase.applicationFontFamilies(font_id))
    return ()


def cjk_families() -> list[str]:
    families = [f for f in _load_font_files() if "Mono" not in f]
    available = set(QFontDatabase.families())
    families += [f for f in _SYSTEM_CJK_FAMILIES if f in available and f not in families]
    return families


def apply_cjk_font(app: QApplication) -> None:
    """Use a CJK-capable font for the whole UI, so Chinese never shows as boxes."""
    families = cjk_families()
    if not families:
        return
    font = QFont(app.font())
    font.setFamilies(families)
    if font.pointSizeF() < 9:
        font.setPointSizeF(9)
    app.setFont(font)


def demo_build_label(households: int) -> str:
    return QCoreApplication.translate("Application", "Building the demo county ({0} households)…").format(
        f"{households:,}")
