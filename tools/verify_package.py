"""Verify a povdesk monthly change package (issue 12): one file needing only Python 3.10+ and the
`cryptography` package, so that the province can run it without povdesk.

    python verify_package.py PACKAGE.zip --public-key OFFICE.pem [--previous EARLIER.zip] [--format json]

Exit 0 when everything holds; exit 1 naming each thing that is wrong. It checks:

- the Ed25519 signature `manifest.sig` over the bytes of `manifest.json` with the office's public key
  (and that the key's fingerprint is the one the manifest names);
- that the zip holds exactly `manifest.json`, `manifest.sig` and the files the manifest lists, each
  with its SHA-256 and size, and the manifest's content digest;
- `manifest.json` and every line of `changes.jsonl` against the format's JSON Schemas (a small
  validator for the part of JSON Schema they use is built in), and the counts against the lines;
- with `--previous`: the previous package's SHA-256, the county and the sequence.

Nothing is ever extracted to disk: an entry with an absolute path, a `..` part, a link, a size over
the one declared (in the zip or in the manifest) or over the limits is refused before it is read.

This file is `povdesk/exchange/verify_package.py`, shipped byte for byte as
`tools/verify_package.py` (a test holds the two equal); `povdesk package verify` uses the same code.
The format is described in `docs/package-format.md`; the schemas below are also
`docs/schemas/manifest.schema.json` and `docs/schemas/change.schema.json` (a test holds them equal).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

FORMAT = "povdesk-change-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHANGES = "changes.jsonl"
WORKBOOK = "调整明细.xlsx"
SIGNOFF_SHEET = "签发单.pdf"
EVIDENCE_DIR = "evidence/"
#: the change types, in the order of the workbook's sheets
CHANGE_TYPES = ("correct", "exit", "return", "new-household", "member-in", "member-out", "cancel-household",
                "removal", "village-exit")

#: what is read at most: the manifest, any one file, the whole package unpacked
MAX_MANIFEST = 16 * 2**20
MAX_ENTRY = 64 * 2**20
MAX_TOTAL = 4 * 2**30
MAX_ENTRIES = 200_000
#: an entry unpacking to more than this many times its packed size is refused (a zip bomb)
MAX_RATIO = 200

_HEX64 = "^[0-9a-f]{64}$"
_TIME = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PERIOD = "^[0-9]{4}-(0[1-9]|1[0-2])$"
_TEXT_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
_COUNTS: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
_ACT: dict[str, Any] = {
    "type": "object", "required": ["login", "at"], "additionalProperties": False,
    "properties": {"login": {"type": "string", "minLength": 1}, "at": {"type": "string", "pattern": _TIME}},
}

#: JSON Schema (draft 2020-12) of manifest.json
MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://povdesk.example/schemas/manifest.schema.json",
    "title": "povdesk monthly change package: manifest.json",
    "type": "object",
    "required": ["format", "format_version", "county", "period", "sequence", "previous_sha256", "signed_off",
                 "exported_by", "software", "key_fingerprint", "counts", "checks", "content_sha256", "files"],
    "additionalProperties": False,
    "properties": {
        "format": {"enum": [FORMAT]},
        "format_version": {"enum": [FORMAT_VERSION]},
        "county": {"type": "object", "required": ["code", "name"], "additionalProperties": False,
                   "properties": {"code": {"type": "string", "minLength": 1}, "name": {"type": "string"}}},
        "period": {"type": "string", "pattern": _PERIOD},
        "sequence": {"type": "integer", "minimum": 1},
        "previous_sha256": {"type": ["string", "null"], "pattern": _HEX64},
        "signed_off": {"type": "object", "required": ["at", "by"], "additionalProperties": False,
                       "properties": {"at": {"type": "string", "pattern": _TIME},
                                      "by": {"type": "array", "items": {"type": "string", "minLength": 1}}}},
        "exported_by": {"type": "string", "minLength": 1},
        "software": {"type": "object", "required": ["name", "version"], "additionalProperties": False,
                     "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
        "key_fingerprint": {"type": "string", "pattern": _HEX64},
        "counts": {"type": "object", "required": ["changes", "by_type", "by_township"], "additionalProperties": False,
                   "properties": {
                       "changes": {"type": "integer", "minimum": 0},
                       "by_type": _COUNTS,
                       "by_township": {"type": "object", "additionalProperties": {
                           "type": "object", "required": ["name", "changes"], "additionalProperties": False,
                           "properties": {"name": {"type": "string"},
                                          "changes": {"type": "integer", "minimum": 0}}}}}},
        "checks": {"type": "object", "required": ["households", "open_errors", "open_warnings"],
                   "additionalProperties": False,
                   "properties": {"households": {"type": "integer", "minimum": 0},
                                  "open_errors": _COUNTS, "open_warnings": _COUNTS}},
        "content_sha256": {"type": "string", "pattern": _HEX64},
        "files": {"type": "array", "items": {
            "type": "object", "required": ["name", "sha256", "size"], "additionalProperties": False,
            "properties": {"name": {"type": "string", "minLength": 1}, "sha256": {"type": "string", "pattern": _HEX64},
                           "size": {"type": "integer", "minimum": 0}}}},
    },
}

#: JSON Schema (draft 2020-12) of one line of changes.jsonl
CHANGE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://povdesk.example/schemas/change.schema.json",
    "title": "povdesk monthly change package: one line of changes.jsonl",
    "type": "object",
    "required": ["request_id", "type", "type_zh", "household_no", "village_code", "member_id_number", "fields",
                 "cause", "event_date", "year", "notice", "reason", "note", "source", "source_ref", "period",
                 "maker", "reviewer", "signer", "evidence"],
    "additionalProperties": False,
    "properties": {
        "request_id": {"type": "integer", "minimum": 1},
        "type": {"enum": list(CHANGE_TYPES)},
        "type_zh": {"type": "string"},
        "household_no": _TEXT_OR_NULL,
        "village_code": _TEXT_OR_NULL,
        "member_id_number": _TEXT_OR_NULL,
        "fields": {"type": "array", "items": {
            "type": "object", "required": ["key", "national_code", "member_id_number", "before", "after"],
            "additionalProperties": False,
            "properties": {"key": {"type": "string", "minLength": 1}, "national_code": _TEXT_OR_NULL,
                           "member_id_number": _TEXT_OR_NULL, "before": _TEXT_OR_NULL, "after": _TEXT_OR_NULL}}},
        "cause": _TEXT_OR_NULL,
        "event_date": {"type": ["string", "null"], "pattern": _DATE},
        "year": {"type": ["integer", "null"]},
        "notice": {"type": "object", "additionalProperties": {"type": "string"}},
        "reason": _TEXT_OR_NULL,
        "note": _TEXT_OR_NULL,
        "source": {"type": "string"},
        "source_ref": _TEXT_OR_NULL,
        "period": {"type": "string", "pattern": _PERIOD},
        "maker": _ACT,
        "reviewer": {"oneOf": [{"type": "null"}, _ACT]},
        "signer": _ACT,
        "evidence": {"type": "array", "items": {
            "type": "object", "required": ["name", "sha256", "size", "media_type", "path"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "sha256": {"type": "string", "pattern": _HEX64},
                           "size": {"type": "integer", "minimum": 0}, "media_type": {"type": "string"},
                           "path": {"type": "string", "pattern": "^evidence/[0-9a-f]{64}\\.[a-z0-9]{1,8}$"}}}},
    },
}


# --------------------------------------------------------------------------- the schema subset
_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}


def _is(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def _fits(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether `value` fits `schema` (the quick yes or no; `schema_errors` says what is wrong)."""
    return _checker(schema)(value)


_Check = Callable[[Any], bool]
#: the keywords a check looks at (others, such as $schema and title, say nothing about a value)
_KEYWORDS = frozenset({"oneOf", "type", "enum", "minLength", "pattern", "required", "properties",
                       "additionalProperties", "items", "minimum"})
#: the checks of the package's own schemas, made once (a package has a line per change to check)
_CHECKERS: dict[int, tuple[Mapping[str, Any], _Check]] = {}


def _checker(schema: Mapping[str, Any]) -> _Check:
    """`schema` made into one function answering whether a value fits it, exactly as the keywords
    above are read (see `_compile`); the package's two schemas are compiled once."""
    known = _CHECKERS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    return _compile(schema)


def _type_check(t: Any) -> _Check:
    names = t if isinstance(t, list) else [t]
    kinds = tuple(k for n in names for k in ((int,) if n == "integer" else (int, float) if n == "number"
                                              else (_TYPES[n],)))
    if not any(n in ("integer", "number") for n in names):
        return lambda value: isinstance(value, kinds)
    with_bool = "boolean" in names  # True is an int to Python, never an integer to JSON Schema
    return lambda value: with_bool if isinstance(value, bool) else isinstance(value, kinds)


def _kinds(schema: Mapping[str, Any]) -> tuple[type, ...] | None:
    """The Python types a schema allows when it says nothing else (and neither integer nor number,
    which a bool would pass as an int), else None."""
    if _KEYWORDS.intersection(schema) != {"type"}:
        return None
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if any(n in ("integer", "number") for n in names):
        return None
    return tuple(_TYPES[n] for n in names)


def _compile(schema: Mapping[str, Any]) -> _Check:
    """The check of `schema`: the same answers as reading its keywords one by one (type, enum; for a
    string minLength and pattern; for an object required, properties, additionalProperties; for an
    array items; for a number minimum; oneOf alone), with the parts made once."""
    used = _KEYWORDS.intersection(schema)
    if "oneOf" in used:
        forms = tuple(_compile(s) for s in schema["oneOf"])
        return lambda value: sum(1 for fits in forms if fits(value)) == 1
    type_ok = _type_check(schema["type"]) if "type" in used else None
    if used <= {"type"}:
        return type_ok if type_ok is not None else (lambda value: True)
    min_length = schema.get("minLength", 0)
    search = re.compile(schema["pattern"]).search if "pattern" in used else None
    if used <= {"type", "minLength", "pattern"}:
        def text(value: Any) -> bool:
            if type_ok is not None and not type_ok(value):
                return False
            return not isinstance(value, str) or (len(value) >= min_length
                                                  and (search is None or search(value) is not None))
        return text
    props = {k: _compile(s) for k, s in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    if (used <= {"type", "required", "properties", "additionalProperties"} and schema.get("type") == "object"
            and extra is False and set(required) == set(props)):
        keys = frozenset(props)  # a closed object needing all its properties: exactly these keys
        # a property that only names types is checked here (no call); the others by their check
        checks = tuple((key, _kinds(schema["properties"][key]), fits) for key, fits in props.items())

        def closed(value: Any) -> bool:
            if not isinstance(value, dict) or value.keys() != keys:
                return False
            for key, kinds, fits in checks:
                item = value[key]
                if kinds is not None:
                    if not isinstance(item, kinds):
                        return False
                elif not fits(item):
                    return False
            return True
        return closed
    extra_check = _compile(extra) if isinstance(extra, dict) else None
    items = _compile(schema["items"]) if "items" in used else None
    enum = schema["enum"] if "enum" in used else None
    minimum = schema["minimum"] if "minimum" in used else None

    def fits(value: Any) -> bool:
        if type_ok is not None and not type_ok(value):
            return False
        if enum is not None and value not in enum:
            return False
        if isinstance(value, str):
            if len(value) < min_length:
                return False
            if search is not None and search(value) is None:
                return False
        elif isinstance(value, dict):
            for key in required:
                if key not in value:
                    return False
            for key, item in value.items():
                sub = props.get(key)
                if sub is not None:
                    if not sub(item):
                        return False
                elif extra is False or (extra_check is not None and not extra_check(item)):
                    return False
        elif isinstance(value, list):
            if items is not None:
                for item in value:
                    if not items(item):
                        return False
        elif minimum is not None and _is(value, "number") and value < minimum:
            return False
        return True
    return fits


def schema_errors(value: Any, schema: Mapping[str, Any], where: str = "$") -> list[str]:
    """What in `value` does not fit `schema`, for the keywords the package's schemas use: type,
    enum, required, properties, additionalProperties, items, oneOf, pattern, minLength, minimum."""
    if _fits(value, schema):
        return []
    return _errors(value, schema, where)


def _errors(value: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    out: list[str] = []
    if "oneOf" in schema:
        fits = sum(1 for s in schema["oneOf"] if _fits(value, s))
        if fits != 1:
            out.append(f"{where}: fits {fits} of the allowed forms, not exactly one")
        return out
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, n) for n in names):
            return [f"{where}: {type(value).__name__} where {' or '.join(names)} is expected"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append(f"{where}: shorter than {schema['minLength']}")
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            out.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if _is(value, "number") and "minimum" in schema and value < schema["minimum"]:
        out.append(f"{where}: {value} is below {schema['minimum']}")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                out.append(f"{where}: '{key}' is missing")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                out += _errors(item, props[key], f"{where}.{key}")
            elif extra is False:
                out.append(f"{where}: '{key}' is not allowed")
            elif isinstance(extra, dict):
                out += _errors(item, extra, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += _errors(item, schema["items"], f"{where}[{i}]")
    return out


for _schema in (MANIFEST_SCHEMA, CHANGE_SCHEMA):
    _CHECKERS[id(_schema)] = (_schema, _compile(_schema))


# --------------------------------------------------------------------------- keys
def public_key_fingerprint(public_pem: bytes) -> str:
    """SHA-256 (hex) of the raw 32 bytes of an Ed25519 public key given as PEM."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(public_pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def content_digest(files: Sequence[Mapping[str, Any]]) -> str:
    """The digest the sign-off sheet prints: SHA-256 of one line "sha256 size name\\n" per file of the
    manifest's list but the sign-off sheet itself, in the list's order."""
    text = "".join(f"{f['sha256']} {f['size']} {f['name']}\n" for f in files if f["name"] != SIGNOFF_SHEET)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the check
@dataclass
class Finding:
    code: str
    en: str
    zh: str

    def message(self, lang: str = "en") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass
class Verification:
    file: str
    sha256: str | None = None
    manifest: dict[str, Any] | None = None
    changes: int | None = None
    signature_checked: bool = False
    problems: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.signature_checked

    def add(self, code: str, en: str, zh: str) -> None:
        self.problems.append(Finding(code, en, zh))

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        m = self.manifest or {}
        return {"file": self.file, "ok": self.ok, "sha256": self.sha256, "county": (m.get("county") or {}).get("code"),
                "period": m.get("period"), "sequence": m.get("sequence"), "changes": self.changes,
                "problems": [{"code": p.code, "message": p.message(lang)} for p in self.problems]}


def _unsafe_name(name: str) -> str | None:
    """Why an entry's name may never be extracted, or None."""
    if not name or "\x00" in name:
        return "an empty name"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if "\\" in name:
        return "a backslash"
    if any(part in ("..", ".") for part in name.split("/")):
        return "a '..' part"
    if name.endswith("/"):
        return "a folder"
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The entry's bytes, never more than `limit` and its declared size; None when it holds more
    than it declares (reading stops there)."""
    cap = min(limit, info.file_size)
    chunks: list[bytes] = []
    got = 0
    try:
        with zf.open(info) as f:
            while True:
                chunk = f.read(min(1 << 20, cap + 1 - got))
                if not chunk:
                    break
                got += len(chunk)
                if got > cap:
                    return None
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        return None  # the data does not end where its header says (or its CRC does not fit)
    return b"".join(chunks)


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _entries(zf: zipfile.ZipFile, v: Verification) -> dict[str, zipfile.ZipInfo] | None:
    """The zip's entries by name, after refusing every one that may never be extracted."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        v.add("zip.entries", f"The zip has {len(infos)} entries (at most {MAX_ENTRIES} are read).",
              f"压缩包有 {len(infos)} 个条目（最多读取 {MAX_ENTRIES} 个）。")
        return None
    out: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        why = _unsafe_name(name)
        if why is None and _is_link(info):
            why = "a link"
        if why is None and info.file_size > MAX_ENTRY:
            why = f"a size of {info.file_size} bytes (at most {MAX_ENTRY})"
        if why is None and info.compress_size and info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            why = "a compression ratio of a zip bomb"
        if why is not None:
            v.add("zip.unsafe_entry", f"Entry {name!r} is never extracted: it has {why}.",
                  f"条目“{name}”不予解压：{why}。")
            continue
        if name in out:
            v.add("zip.duplicate", f"Entry {name!r} appears twice.", f"条目“{name}”重复出现。")
            continue
        total += info.file_size
        out[name] = info
    if total > MAX_TOTAL:
        v.add("zip.total", f"The zip unpacks to {total} bytes (at most {MAX_TOTAL}).",
              f"压缩包解压后为 {total} 字节（最多 {MAX_TOTAL}）。")
        return None
    return out


def _manifest(zf: zipfile.ZipFile, entries: Mapping[str, zipfile.ZipInfo], v: Verification) -> bytes | None:
    info = entries.get(MANIFEST)
    if info is None:
        v.add("manifest.missing", "The package has no manifest.json.", "包中没有 manifest.json。")
        return None
    data = _read(zf, info, MAX_MANIFEST)
    if data is None:
        v.add("zip.overrun", "manifest.json holds more than its declared size (or over 16 MB); not read.",
              "manifest.json 的实际大小超过声明的大小（或超过 16 MB），不予读取。")
    return data


def open_manifest(path: str | Path) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The manifest of a package (for `--previous`), or why it could not be read."""
    v = Verification(str(path))
    try:
        with zipfile.ZipFile(path) as zf:
            entries = _entries(zf, v)
            data = _manifest(zf, entries, v) if entries is not None else None
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        v.add("zip.unreadable", f"{path} is not a readable zip: {exc}.", f"{path} 不是可读取的压缩包：{exc}。")
        return None, v.problems
    if data is None:
        return None, v.problems
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        v.add("manifest.json", f"manifest.json of {path} does not parse: {exc}.", f"{path} 的 manifest.json 无法解析：{exc}。")
        return None, v.problems
    return (value if isinstance(value, dict) else None), v.problems


def verify(path: str | Path, public_pem: bytes | None, previous: str | Path | None = None) -> Verification:
    """Every check of the package at `path` (see the module's text); nothing is written anywhere."""
    path = Path(path)
    v = Verification(str(path))
    try:
        v.sha256 = _hash_file(path)
        with zipfile.ZipFile(path) as zf:
            _verify_zip(zf, v, public_pem)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        v.add("zip.unreadable", f"{path} is not a readable zip: {exc}.", f"{path} 不是可读取的压缩包：{exc}。")
        return v
    if previous is not None and v.manifest is not None:
        _verify_previous(v, Path(previous))
    return v


def _verify_zip(zf: zipfile.ZipFile, v: Verification, public_pem: bytes | None) -> None:
    entries = _entries(zf, v)
    if entries is None:
        return
    raw = _manifest(zf, entries, v)
    if raw is None:
        return
    _verify_signature(zf, entries, v, raw, public_pem)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        v.add("manifest.json", f"manifest.json does not parse: {exc}.", f"manifest.json 无法解析：{exc}。")
        return
    errors = schema_errors(manifest, MANIFEST_SCHEMA)
    for e in errors[:50]:
        v.add("manifest.schema", f"manifest.json: {e}.", f"manifest.json 不符合格式：{e}。")
    if errors:
        return
    v.manifest = manifest
    listed: dict[str, Mapping[str, Any]] = {}
    for f in manifest["files"]:
        why = _unsafe_name(f["name"])
        if why is not None or f["name"] in (MANIFEST, SIGNATURE) or f["name"] in listed:
            v.add("manifest.file_name", f"The manifest lists {f['name']!r}, which cannot be a file of a package.",
                  f"清单列出的“{f['name']}”不能作为包中的文件。")
            continue
        listed[f["name"]] = f
    for name in sorted(set(entries) - set(listed) - {MANIFEST, SIGNATURE}):
        v.add("zip.unlisted", f"The zip holds {name!r}, which the manifest does not list.",
              f"压缩包中有清单未列出的文件“{name}”。")
    contents: dict[str, bytes] = {}
    for name, f in listed.items():
        info = entries.get(name)
        if info is None:
            v.add("zip.missing", f"The manifest lists {name!r}, which the zip does not hold.",
                  f"清单列出的“{name}”不在压缩包中。")
            continue
        if info.file_size != f["size"]:
            v.add("file.size", f"{name!r} is {info.file_size} bytes in the zip, {f['size']} in the manifest; not read.",
                  f"“{name}”在压缩包中为 {info.file_size} 字节，清单中为 {f['size']} 字节，不予读取。")
            continue
        data = _read(zf, info, MAX_ENTRY)
        if data is None:
            v.add("zip.overrun", f"{name!r} holds more than its declared size (or is damaged); not read.",
                  f"“{name}”的实际大小超过声明的大小（或已损坏），不予读取。")
            continue
        if hashlib.sha256(data).hexdigest() != f["sha256"]:
            v.add("file.hash", f"{name!r} does not have the SHA-256 the manifest gives: it was altered.",
                  f"“{name}”的 SHA-256 与清单不符：文件已被改动。")
            continue
        if name == CHANGES:
            contents[name] = data
    if content_digest(manifest["files"]) != manifest["content_sha256"]:
        v.add("manifest.content", "The manifest's content digest does not match its list of files.",
              "清单的内容摘要与其文件列表不符。")
    for required in (CHANGES, WORKBOOK, SIGNOFF_SHEET):
        if required not in listed:
            v.add("manifest.required", f"The manifest does not list {required}.", f"清单未列出 {required}。")
    if CHANGES in contents:
        _verify_changes(contents[CHANGES], manifest, set(listed), v)


def _verify_signature(zf: zipfile.ZipFile, entries: Mapping[str, zipfile.ZipInfo], v: Verification, raw: bytes,
                      public_pem: bytes | None) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    info = entries.get(SIGNATURE)
    if info is None:
        v.add("signature.missing", "The package has no manifest.sig.", "包中没有签名文件 manifest.sig。")
        return
    sig = _read(zf, info, 1024)
    if sig is None:
        v.add("zip.overrun", "manifest.sig holds more than its declared size; not read.",
              "manifest.sig 的实际大小超过声明的大小，不予读取。")
        return
    if public_pem is None:
        v.add("signature.no_key", "No public key to check the signature with: give the office's with --public-key.",
              "没有用于验证签名的公钥：请用 --public-key 指定县办公室的公钥。")
        return
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError) as exc:
        v.add("signature.bad_key", f"The public key is not a PEM public key: {exc}.", f"公钥不是 PEM 格式的公钥：{exc}。")
        return
    if not isinstance(key, Ed25519PublicKey):
        v.add("signature.bad_key", "The public key is not an Ed25519 key.", "公钥不是 Ed25519 公钥。")
        return
    try:
        key.verify(sig, raw)
    except InvalidSignature:
        v.add("signature.invalid", "The signature does not fit manifest.json with this public key: the manifest "
              "was altered, or it was signed with another key.",
              "签名与 manifest.json 不符（使用此公钥）：清单已被改动，或由其他密钥签名。")
        return
    v.signature_checked = True
    try:
        named = json.loads(raw.decode("utf-8")).get("key_fingerprint")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return
    if named is not None and named != public_key_fingerprint(public_pem):
        v.add("signature.fingerprint", "The manifest names another key's fingerprint than the public key given.",
              "清单中的密钥指纹与所给公钥不符。")


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    for i, line in enumerate(data.split(b"\n"), 1):
        if line:
            yield i, line


def _verify_changes(data: bytes, manifest: Mapping[str, Any], listed: set[str], v: Verification) -> None:
    if data and not data.endswith(b"\n"):
        v.add("changes.end", "changes.jsonl does not end with a line break.", "changes.jsonl 未以换行结束。")
    by_type: dict[str, int] = {}
    seen: set[int] = set()
    n = 0
    shown = 0
    for i, line in _lines(data):
        n += 1
        try:
            change = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            v.add("changes.json", f"changes.jsonl line {i} does not parse: {exc}.", f"changes.jsonl 第 {i} 行无法解析：{exc}。")
            continue
        errors = schema_errors(change, CHANGE_SCHEMA, f"line {i}")
        if errors:
            for e in errors[: max(0, 50 - shown)]:
                v.add("changes.schema", f"changes.jsonl {e}.", f"changes.jsonl 不符合格式：{e}。")
            shown += len(errors)
            continue
        if change["request_id"] in seen:
            v.add("changes.duplicate", f"changes.jsonl carries request {change['request_id']} twice.",
                  f"changes.jsonl 中申请 {change['request_id']} 出现两次。")
        seen.add(change["request_id"])
        if change["period"] != manifest["period"]:
            v.add("changes.period", f"Request {change['request_id']} is of {change['period']}, the package of "
                  f"{manifest['period']}.", f"申请 {change['request_id']} 属于 {change['period']}，而本包为 {manifest['period']}。")
        by_type[change["type"]] = by_type.get(change["type"], 0) + 1
        for e in change["evidence"]:
            if e["path"] not in listed:
                v.add("changes.evidence", f"Request {change['request_id']} names evidence {e['path']}, which the "
                      "manifest does not list.", f"申请 {change['request_id']} 的证明材料 {e['path']} 未列入清单。")
    v.changes = n
    counts = manifest["counts"]
    if counts["changes"] != n:
        v.add("counts.changes", f"The manifest counts {counts['changes']} changes; changes.jsonl has {n}.",
              f"清单记载 {counts['changes']} 条变更，changes.jsonl 中有 {n} 条。")
    if {k: c for k, c in counts["by_type"].items() if c} != by_type:
        v.add("counts.by_type", "The manifest's counts by type do not match changes.jsonl.",
              "清单按类型的计数与 changes.jsonl 不符。")


def _verify_previous(v: Verification, previous: Path) -> None:
    assert v.manifest is not None
    m = v.manifest
    try:
        digest = _hash_file(previous)
    except OSError as exc:
        v.add("previous.unreadable", f"The previous package {previous} cannot be read: {exc}.",
              f"无法读取上一个包 {previous}：{exc}。")
        return
    prev, problems = open_manifest(previous)
    for p in problems:
        v.add("previous." + p.code, p.en, p.zh)
    if m["previous_sha256"] != digest:
        v.add("previous.hash", f"The package names {m['previous_sha256'] or 'no'} previous package; "
              f"{previous.name} has SHA-256 {digest}.",
              f"本包记载的上一个包 SHA-256 为 {m['previous_sha256'] or '无'}，而 {previous.name} 为 {digest}。")
    if prev is None:
        return
    if (prev.get("county") or {}).get("code") != m["county"]["code"]:
        v.add("previous.county", "The previous package is of another county.", "上一个包属于其他县。")
    p_period, p_seq = prev.get("period"), prev.get("sequence")
    if not isinstance(p_period, str) or not isinstance(p_seq, int):
        v.add("previous.manifest", "The previous package's manifest has no period or sequence.",
              "上一个包的清单缺少月份或序号。")
        return
    if p_period == m["period"]:
        if m["sequence"] != p_seq + 1:
            v.add("previous.sequence", f"Sequence {m['sequence']} does not follow {p_seq} of the same month.",
                  f"序号 {m['sequence']} 不接续同月上一个包的序号 {p_seq}。")
    elif p_period > m["period"]:
        v.add("previous.order", f"The previous package ({p_period}) is of a later month than this one ({m['period']}).",
              f"上一个包（{p_period}）的月份晚于本包（{m['period']}）。")
    elif m["sequence"] != 1:
        v.add("previous.sequence", f"The first package of {m['period']} has sequence {m['sequence']}, not 1.",
              f"{m['period']} 的第一个包序号为 {m['sequence']}，应为 1。")


# --------------------------------------------------------------------------- the command
def report_text(v: Verification, lang: str = "en") -> str:
    zh = lang.startswith("zh")
    m = v.manifest or {}
    if v.ok:
        return (f"包 {Path(v.file).name} 验证通过：{m.get('period')} 第 {m.get('sequence')} 包，{v.changes} 条变更，"
                f"签名有效。SHA-256 {v.sha256}" if zh else
                f"{Path(v.file).name}: verified - {m.get('period')} no. {m.get('sequence')}, {v.changes} change(s), "
                f"signature valid. SHA-256 {v.sha256}")
    head = f"包 {Path(v.file).name} 验证未通过：" if zh else f"{Path(v.file).name}: NOT verified:"
    return "\n".join([head, *(f"  - {p.message(lang)}" for p in v.problems)])


def main(argv: Sequence[str] | None = None, out: BinaryIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verify_package.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the package (.zip)")
    parser.add_argument("--public-key", metavar="PEM", required=True, help="the county office's public key (PEM file)")
    parser.add_argument("--previous", metavar="FILE", help="the package before this one")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default="en")
    args = parser.parse_args(argv)
    try:
        pem = Path(args.public_key).read_bytes()
    except OSError as exc:
        print(f"Cannot read the public key {args.public_key}: {exc}", file=sys.stderr)
        return 1
    v = verify(args.file, pem, args.previous)
    text = (json.dumps(v.as_json(args.lang), ensure_ascii=False) if args.format == "json"
            else report_text(v, args.lang))
    (out or sys.stdout.buffer).write((text + "\n").encode("utf-8"))
    return 0 if v.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
