"""The Windows installer's script and workflow cannot run here: what can be read is held here
(issue 15 §2). The uninstaller never deletes the office's data; the script packs what
`tools/dev.py bundle` builds; the Chinese messages cover the script's own; the workflow builds,
packs and smoke-tests."""

from __future__ import annotations

import re
from pathlib import Path

from povdesk import APP_NAME

ROOT = Path(__file__).resolve().parent.parent
ISS = ROOT / "installer" / "povdesk.iss"


def _sections(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1].lower()
            found.setdefault(current, [])
        elif current:
            found[current].append(line)
    return found


def test_the_uninstaller_deletes_only_the_program_folder() -> None:
    sections = _sections(ISS.read_text(encoding="utf-8"))
    for section in ("uninstalldelete", "installdelete"):
        for entry in sections.get(section, []):
            name = re.search(r'Name:\s*"([^"]+)"', entry)
            assert name and name.group(1).startswith("{app}\\"), f"[{section}] {entry}"
    data = [d for d in sections["dirs"] if "{commonappdata}" in d]
    assert data and all("uninsneveruninstall" in d for d in data)
    assert not any("{localappdata}" in e or "{userappdata}" in e
                   for s in ("dirs", "files", "uninstalldelete", "installdelete") for e in sections.get(s, []))


def test_the_script_packs_what_the_bundle_builds() -> None:
    text = ISS.read_text(encoding="utf-8")
    spec = (ROOT / "installer" / "povdesk.spec").read_text(encoding="utf-8")
    sections = _sections(text)
    assert '#include "..\\build\\installer\\version.iss"' in text
    assert 'BUILD = ROOT / "build" / "installer"' in spec and "#define AppNumericVersion" in spec
    assert "VersionInfoVersion={#AppNumericVersion}" in sections["setup"]
    assert "name=NAME," in spec and 'name=f"{NAME}-cli"' in spec  # dist/povdesk/povdesk.exe
    assert APP_NAME == "povdesk"
    assert any(f.startswith('Source: "..\\dist\\{#AppName}\\*"') and "recursesubdirs" in f for f in sections["files"])
    assert '#define AppExe AppName + ".exe"' in text
    assert "OutputDir=..\\dist\\installer" in sections["setup"]


def test_the_chinese_messages_cover_the_scripts_own() -> None:
    raw = (ROOT / "installer" / "ChineseSimplified-povdesk.isl").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Inno Setup reads it as Unicode only with the BOM
    isl = raw.decode("utf-8-sig")
    iss = ISS.read_text(encoding="utf-8")
    for key in re.findall(r"^english\.(\w+)=", iss, flags=re.M):
        assert re.search(rf"^{key}=", isl, flags=re.M), key
    assert iss.isascii()


def test_the_workflow_builds_packs_and_smoke_tests() -> None:
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    steps = ["python tools/dev.py bundle", "iscc installer\\povdesk.iss", "/VERYSILENT",
             "tools\\smoke_bundle.py", "unins000.exe"]
    positions = [workflow.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "/VERYSILENT" in (ROOT / "docs" / "安装.md").read_text(encoding="utf-8")
