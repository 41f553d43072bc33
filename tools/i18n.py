#!/usr/bin/env python3
"""Translation pipeline: `update` (lupdate sources -> .ts), `compile` (.ts -> .qm), `verify`.

Sources: every module under povdesk/ui. Translation files: resources/i18n/povdesk_<lang>.ts,
edited with Qt Linguist or by hand; the .qm files are build output (povdesk/ui/i18n/, not committed).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "i18n"
QM_DIR = ROOT / "povdesk" / "ui" / "i18n"
LANGUAGES = ("zh_CN",)
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    for candidate in (BIN / name, BIN / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    return name


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "povdesk" / "ui").rglob("*.py"))


def ts_path(lang: str) -> Path:
    return TS_DIR / f"povdesk_{lang}.ts"


def update() -> int:
    TS_DIR.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        code = subprocess.call([tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none",
                                "-source-language", "en", "-target-language", lang, "-ts", str(ts_path(lang))],
                               cwd=ROOT)
        if code:
            return code
    return 0


def compile_() -> int:
    QM_DIR.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        ts = ts_path(lang)
        if not ts.exists():
            continue
        code = subprocess.call([tool("pyside6-lrelease"), "-silent", str(ts), "-qm",
                                str(QM_DIR / f"povdesk_{lang}.qm")], cwd=ROOT)
        if code:
            return code
    return 0


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation (None when unfinished or empty)."""
    out: dict[tuple[str, str], str | None] = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            text = None
            if tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete"):
                text = tr.text or "".join((n.text or "") for n in tr.iter("numerusform")) or None
            if tr is not None and tr.get("type") in ("vanished", "obsolete"):
                continue
            out[(name, msg.findtext("source") or "")] = text
    return out


def verify() -> int:
    """Every UI string is in the .ts and translated."""
    if not sources():
        return 0
    problems = 0
    for lang in LANGUAGES:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.ts"
            subprocess.check_call([tool("pyside6-lupdate"), *sources(), "-locations", "none", "-silent",
                                   "-ts", str(fresh)], cwd=ROOT)
            wanted = set(messages(fresh))
        have = messages(ts_path(lang)) if ts_path(lang).exists() else {}
        missing = sorted(wanted - set(have))
        untranslated = sorted(k for k in wanted if k in have and not have[k])
        for ctx, src in missing:
            print(f"{lang}: not in the .ts (run `tools/i18n.py update`): [{ctx}] {src!r}")
        for ctx, src in untranslated:
            print(f"{lang}: untranslated: [{ctx}] {src!r}")
        problems += len(missing) + len(untranslated)
    if problems:
        print(f"{problems} translation problem(s)")
    return 1 if problems else 0


def main() -> int:
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    actions = {"update": update, "compile": compile_, "verify": verify}
    if action not in actions:
        print(__doc__)
        return 2
    return actions[action]()


if __name__ == "__main__":
    raise SystemExit(main())
