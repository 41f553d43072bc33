"""Verifying a package (issue 12 §3): every check names what is wrong; crafted zips are never
extracted; the standalone tools/verify_package.py is this module byte for byte and needs only
Python and cryptography; the schemas in docs/ are the ones verify uses, and jsonschema agrees."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import io
import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from povdesk.exchange import package_writer as pw
from povdesk.exchange import verify_package as vp

ROOT = Path(__file__).resolve().parents[2]
AT = dt.datetime(2020, 1, 31, 9, 30)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
SCAN = b"a scan"


def change(request_id: int = 1, **over: Any) -> dict[str, Any]:
    line = {"request_id": request_id, "type": "correct", "type_zh": "信息更正", "household_no": "51343720420100001",
            "village_code": "513437204201", "member_id_number": None,
            "fields": [{"key": "household.phone", "national_code": "AAR012", "member_id_number": None,
                        "before": "13900000000", "after": "13911112222"}],
            "cause": None, "event_date": None, "year": None, "notice": {}, "reason": "走访核实", "note": None,
            "source": "typed", "source_ref": None, "period": "2020-01",
            "maker": {"login": "carl", "at": "2020-01-10T08:00:00Z"},
            "reviewer": {"login": "rita", "at": "2020-01-11T08:00:00Z"},
            "signer": {"login": "dina", "at": "2020-01-31T09:30:00Z"},
            "evidence": [{"name": "scan.png", "sha256": hashlib.sha256(SCAN).hexdigest(), "size": len(SCAN),
                          "media_type": "image/png", "path": pw.evidence_path(hashlib.sha256(SCAN).hexdigest(), "scan.png")}]}
    line.update(over)
    return line


def build(lines: list[dict[str, Any]] | None = None, *, sequence: int = 1, previous: str | None = None,
          period: str = "2020-01", tamper: Any = None, extra: Sequence[tuple[str, bytes]] = (),
          key: Ed25519PrivateKey = KEY) -> bytes:
    lines = [change()] if lines is None else lines
    evidence = {pw.evidence_path(hashlib.sha256(SCAN).hexdigest(), "scan.png"): SCAN}
    files = pw.ordered_files(pw.jsonl(lines), b"PK workbook", b"%PDF sheet", evidence)
    by_type: dict[str, int] = {}
    for line in lines:
        by_type[line["type"]] = by_type.get(line["type"], 0) + 1
    content = pw.manifest(pw.ManifestFacts(
        county_code="513437", county_name="雷波县", period=period, sequence=sequence, previous_sha256=previous,
        signed_off_at=AT, signed_off_by=["dina"], exported_by="dina", software_version="test",
        key_fingerprint=vp.public_key_fingerprint(PEM), by_type=by_type, by_township={"513437204": ("帕哈乡", len(lines))},
        households=len(lines), open_errors={}, open_warnings={"LAB-010": 1}),
        [pw.file_entry(n, d) for n, d in files])
    raw = pw.manifest_bytes(content)
    entries = pw.package_entries(raw, key.sign(raw), files)
    if tamper is not None:
        entries = tamper(entries)
    return pw.zip_bytes([*entries, *extra], AT)


def check(tmp_path: Path, data: bytes, *, pem: bytes | None = PEM, previous: Path | None = None,
          name: str = "p.zip") -> vp.Verification:
    path = tmp_path / name
    path.write_bytes(data)
    return vp.verify(path, pem, previous)


def codes(v: vp.Verification) -> set[str]:
    return {p.code for p in v.problems}


def test_a_good_package_verifies(tmp_path: Path) -> None:
    v = check(tmp_path, build())
    assert v.ok and v.problems == [] and v.changes == 1
    assert v.as_json()["ok"] is True and v.as_json()["sequence"] == 1
    assert "verified" in vp.report_text(v) and "验证通过" in vp.report_text(v, "zh")


def test_a_byte_changed_anywhere_is_named(tmp_path: Path) -> None:
    def swap(name: str, data: bytes) -> Any:
        return lambda entries: [(n, data if n == name else d) for n, d in entries]

    altered = check(tmp_path, build(tamper=swap("changes.jsonl", pw.jsonl([change(reason="走访核对")]))))
    assert "file.hash" in codes(altered) and not altered.ok
    manifest = json.loads(build_manifest())
    manifest["period"] = "2020-02"
    assert "signature.invalid" in codes(check(tmp_path, build(tamper=swap("manifest.json", pw.manifest_bytes(manifest))),
                                              name="m.zip"))
    other = Ed25519PrivateKey.from_private_bytes(bytes(32))
    assert "signature.invalid" in codes(check(tmp_path, build(key=other), name="k.zip"))
    assert "signature.no_key" in codes(check(tmp_path, build(), pem=None, name="n.zip"))
    assert not check(tmp_path, build(), pem=None, name="n2.zip").ok


def build_manifest() -> bytes:
    with zipfile.ZipFile(io.BytesIO(build())) as zf:
        return zf.read("manifest.json")


def test_missing_and_unlisted_files_are_named(tmp_path: Path) -> None:
    dropped = check(tmp_path, build(tamper=lambda es: [(n, d) for n, d in es if not n.startswith("evidence/")]))
    assert codes(dropped) == {"zip.missing"}
    extra = check(tmp_path, build(extra=[("notes.txt", b"hello")]), name="x.zip")
    assert codes(extra) == {"zip.unlisted"}


def test_schema_and_counts_are_checked(tmp_path: Path) -> None:
    bad = change(type="teleport", year="2019")
    v = check(tmp_path, build([bad]))
    assert "changes.schema" in codes(v)
    assert any("teleport" in p.en for p in v.problems) and any("year" in p.en for p in v.problems)
    twice = check(tmp_path, build([change(1), change(1)]), name="t.zip")
    assert "changes.duplicate" in codes(twice)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema("change"))


def schema(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "docs" / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_the_previous_package_is_checked(tmp_path: Path) -> None:
    first = tmp_path / "first.zip"
    first.write_bytes(build())
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    assert check(tmp_path, build([change(2)], sequence=2, previous=digest), previous=first).ok
    assert check(tmp_path, build([change(2, period="2020-02")], period="2020-02", previous=digest), previous=first).ok
    gap = check(tmp_path, build([change(2)], sequence=3, previous=digest), previous=first)
    assert codes(gap) == {"previous.sequence"}
    wrong = check(tmp_path, build([change(2)], sequence=2, previous="0" * 64), previous=first)
    assert codes(wrong) == {"previous.hash"}


# ------------------------------------------------------------------ crafted zips: never extracted
def _raw_zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return out.getvalue()


def _with(*extra: tuple[zipfile.ZipInfo, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(build())) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    return _raw_zip([*entries, *extra])


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.txt", "evidence/../../x", "C:/windows/x", "a\\..\\b"])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    v = check(tmp_path, _with((zipfile.ZipInfo(name), b"x")))
    assert "zip.unsafe_entry" in codes(v) and not v.ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.zip"]  # nothing extracted


def test_links_are_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("evidence/link")
    link.create_system = 3
    link.external_attr = (0o120777) << 16
    v = check(tmp_path, _with((link, b"/etc/passwd")))
    assert "zip.unsafe_entry" in codes(v) and any("a link" in p.en for p in v.problems)


def test_an_entry_larger_than_declared_is_never_read(tmp_path: Path) -> None:
    data = bytearray(build())
    # the central directory of changes.jsonl declares one byte less than it holds
    name = b"changes.jsonl"
    start = 0
    while True:
        at = data.find(b"PK\x01\x02", start)
        assert at >= 0
        n = struct.unpack("<H", data[at + 28:at + 30])[0]
        if bytes(data[at + 46:at + 46 + n]) == name:
            break
        start = at + 4
    size = struct.unpack("<I", data[at + 24:at + 28])[0]
    data[at + 24:at + 28] = struct.pack("<I", size - 1)
    v = check(tmp_path, bytes(data))
    assert codes(v) & {"file.size", "zip.overrun"} and not v.ok


def test_a_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = zipfile.ZipInfo("evidence/bomb.bin")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    v = check(tmp_path, _with((bomb, b"\0" * (vp.MAX_RATIO * 1024 * 4))))
    assert "zip.unsafe_entry" in codes(v) and any("zip bomb" in p.en for p in v.problems)


def test_not_a_zip(tmp_path: Path) -> None:
    v = check(tmp_path, b"not a zip at all")
    assert codes(v) == {"zip.unreadable"} and not v.ok


# ------------------------------------------------------------------ one verifier, one schema
def test_the_standalone_verifier_is_this_module_byte_for_byte() -> None:
    assert (ROOT / "tools" / "verify_package.py").read_bytes() == (ROOT / "povdesk" / "exchange" / "verify_package.py").read_bytes()


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse((ROOT / "tools" / "verify_package.py").read_text(encoding="utf-8"))
    roots = {(a.name if isinstance(n, ast.Import) else n.module or "").split(".")[0]
             for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    assert roots - {"cryptography", "__future__"} <= set(sys.stdlib_module_names)


def test_the_standalone_verifier_runs_without_povdesk(tmp_path: Path) -> None:
    (tmp_path / "p.zip").write_bytes(build())
    (tmp_path / "key.pem").write_bytes(PEM)
    tool = tmp_path / "alone" / "verify_package.py"
    tool.parent.mkdir()
    tool.write_bytes((ROOT / "tools" / "verify_package.py").read_bytes())
    run = subprocess.run([sys.executable, "-I", str(tool), str(tmp_path / "p.zip"), "--public-key",
                          str(tmp_path / "key.pem"), "--format", "json"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["ok"] is True
    (tmp_path / "q.zip").write_bytes(build(extra=[("x.txt", b"x")]))
    bad = subprocess.run([sys.executable, "-I", str(tool), str(tmp_path / "q.zip"), "--public-key",
                          str(tmp_path / "key.pem")], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert bad.returncode == 1 and "x.txt" in bad.stdout


def test_the_schemas_in_docs_are_the_ones_verify_uses() -> None:
    assert schema("manifest") == json.loads(json.dumps(vp.MANIFEST_SCHEMA))
    assert schema("change") == json.loads(json.dumps(vp.CHANGE_SCHEMA))
    for s in (schema("manifest"), schema("change")):
        jsonschema.Draft202012Validator.check_schema(s)


@pytest.mark.parametrize("mutate", [
    lambda m: m.pop("files"), lambda m: m.update(sequence=0), lambda m: m.update(period="2020-13"),
    lambda m: m.update(extra=1), lambda m: m["county"].update(code=""), lambda m: m.update(previous_sha256="xyz"),
    lambda m: m["counts"]["by_type"].update(correct=-1), lambda m: m["signed_off"].update(at="yesterday"),
    lambda m: m.update(format_version=2), lambda m: m["files"].append({"name": "a"}),
])
def test_the_small_validator_agrees_with_jsonschema(mutate: Any) -> None:
    good = json.loads(build_manifest())
    jsonschema.validate(good, schema("manifest"))
    assert vp.schema_errors(good, vp.MANIFEST_SCHEMA) == []
    mutate(good)
    assert vp.schema_errors(good, vp.MANIFEST_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good, schema("manifest"))


def test_change_lines_agree_with_jsonschema() -> None:
    for line in (change(), change(reviewer=None, evidence=[], member_id_number="513437199001011234")):
        jsonschema.validate(line, schema("change"))
        assert vp.schema_errors(line, vp.CHANGE_SCHEMA) == []
    for bad in (change(reviewer={"login": "x"}), change(event_date="2020/01/01"), change(request_id=True),
                change(notice={"a": 1}), change(fields=[{"key": "x"}])):
        assert vp.schema_errors(bad, vp.CHANGE_SCHEMA)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema("change"))


def _variants() -> list[dict[str, Any]]:
    """One change line bent in each place a check is compiled for: closed objects (a key missing or
    added), nullable text, patterns, integers (and booleans), oneOf, open objects, arrays."""
    bent: list[dict[str, Any]] = []
    for key in change():
        line = change()
        del line[key]
        bent.append(line)
    wrong: dict[str, list[Any]] = {
        "request_id": [0, -1, 1.5, "1", True, None], "type": ["bogus", None, 1], "type_zh": [None, 1],
        "household_no": [1, [], None], "member_id_number": [{}, "x"], "cause": [False], "year": [2020, "2020", True],
        "event_date": ["2020-01-01", "2020-1-1", None, 20200101], "notice": [{"a": "b"}, {"a": None}, [], "x"],
        "source": [None, ""], "period": ["2020-00", "2020-12", None], "reviewer": [None, {}, {"login": "r", "at": "x"},
                                                                               {"login": "", "at": "2020-01-11T08:00:00Z"}],
        "maker": [None, {"login": "m", "at": "2020-01-10T08:00:00Z", "x": 1}],
        "fields": [[], {}, [{"key": "", "national_code": None, "member_id_number": None, "before": None, "after": None}],
                   [{"key": "k", "national_code": None, "member_id_number": None, "before": None, "after": 1}]],
        "evidence": [[], [{"name": "a", "sha256": "0" * 64, "size": 0, "media_type": "x", "path": "evidence/x.bin"}],
                     [{"name": "a", "sha256": "0" * 64, "size": -1, "media_type": "x",
                       "path": "evidence/" + "0" * 64 + ".png"}]],
    }
    for key, values in wrong.items():
        bent += [change(**{key: v}) for v in values]
    bent.append({**change(), "extra": 1})
    bent += [[], "line", None, 1]
    return bent


@pytest.mark.parametrize("line", _variants())
def test_the_compiled_checks_answer_as_jsonschema_does(line: Any) -> None:
    """verify checks each line with the schema compiled once into functions (fast paths for closed
    objects and text): it must accept and refuse exactly what jsonschema does, and say why."""
    fits = jsonschema.Draft202012Validator(schema("change")).is_valid(line)
    assert vp._fits(line, vp.CHANGE_SCHEMA) is fits
    assert (vp.schema_errors(line, vp.CHANGE_SCHEMA) == []) is fits
