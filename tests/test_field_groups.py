"""Every list of field keys is written once, in domain/groups.py: the readers read the groups."""

from __future__ import annotations

import ast
import dataclasses
from collections import defaultdict
from pathlib import Path

from povdesk.domain import dictionary as dd
from povdesk.domain import groups

PACKAGE = Path(groups.__file__).resolve().parents[1]
#: The modules allowed to spell field keys in a list: the dictionary and its groups.
DEFINITIONS = {PACKAGE / "domain" / "dictionary.py", PACKAGE / "domain" / "groups.py"}


def test_the_national_person_list_reads_back_through_the_import_headers() -> None:
    from povdesk.exchange.layouts import field_for_header

    layout = groups.NATIONAL_PERSON_LIST
    assert [getattr(field_for_header(h), "key", None) for h in layout.headers] == list(layout.keys)


def test_the_readers_read_the_groups() -> None:
    from povdesk.domain.records import HouseholdRow
    from povdesk.domain.rules import income
    from povdesk.exchange.roster_export import PERSON_LIST, SHEET_TITLE
    from povdesk.services.registry import SORT_KEYS

    row = [f.name for f in dataclasses.fields(HouseholdRow)]
    assert row == ["id", *groups.HOUSEHOLD_LIST.columns, "version"]
    assert groups.HOUSEHOLD_LIST.columns == SORT_KEYS
    assert [(h, k) for h, k, _ in PERSON_LIST] == [
        *zip(groups.NATIONAL_PERSON_LIST.headers, groups.NATIONAL_PERSON_LIST.keys, strict=True),
        *((dd.field(k).zh, k) for k in groups.PERSON_LIST_2019.keys)]
    assert groups.NATIONAL_PERSON_LIST.zh == SHEET_TITLE
    assert groups.INCOME_PARTS.columns == income.FOUR
    assert groups.INCOME_AMOUNTS.columns == income.MONEY_COLUMNS
    assert groups.TRANSFER_PARTS.columns == income.TRANSFERS
    assert groups.PROPERTY_PARTS.columns == income.PROPERTIES


def _spelled_lists() -> list[tuple[Path, int, frozenset[str]]]:
    """Every tuple, list or set literal in povdesk made only of field keys or only of field columns
    (two or more), as the set of columns it names."""
    keys = {f.key for f in dd.FIELDS} | set(groups.COMPUTED)
    columns = {groups.column(k) for k in keys}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Tuple, ast.List, ast.Set)) or len(node.elts) < 2:
                continue
            texts = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(texts) != len(node.elts):
                continue
            if all(t in keys for t in texts):
                found.append((path, node.lineno, frozenset(groups.column(t) for t in texts)))
            elif all(t in columns for t in texts):
                found.append((path, node.lineno, frozenset(texts)))
    return found


def test_no_module_spells_a_group_again() -> None:
    spelled = {frozenset(g.columns): g.name for g in groups.GROUPS.values()}
    copies = [(p.relative_to(PACKAGE.parent).as_posix(), line, spelled[names])
              for p, line, names in _spelled_lists() if p not in DEFINITIONS and names in spelled]
    assert copies == [], "read the group instead of writing its keys again"


def test_no_two_modules_spell_the_same_list_of_fields() -> None:
    where: dict[frozenset[str], set[str]] = defaultdict(set)
    for path, _line, names in _spelled_lists():
        if len(names) >= 3:
            where[names].add(path.relative_to(PACKAGE.parent).as_posix())
    twice = {tuple(sorted(names)): sorted(paths) for names, paths in where.items() if len(paths) > 1}
    assert twice == {}, "name the list once, in domain/groups.py"
