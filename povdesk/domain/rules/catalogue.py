"""The whole rule catalogue, in a stable order, and the one function that runs it on a household."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from functools import cache
from itertools import compress
from operator import itemgetter, methodcaller
from typing import Any

from povdesk.domain.rules import (
    assistance,
    conditions,
    education,
    exit,
    health,
    ids,
    income,
    labour,
    status,
    structure,
    support,
)
from povdesk.domain.rules.base import (
    ABSENT,
    HOUSEHOLD,
    MEMBER,
    CheckContext,
    Finding,
    HouseholdFacts,
    Rule,
    When,
)
from povdesk.domain.rules.required import required_rules
from povdesk.errors import Cancelled

#: Bumped whenever a rule is added, removed or changes meaning; stored on each check run.
CATALOGUE_VERSION = "2019.3"  # 2019.2: CAD-001 filed under 帮扶; 2019.3: year ranges, issue 14 rules

_GROUPS = (ids, structure, education, labour, health, income, conditions, exit, status, assistance, support)


@cache
def catalogue() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for group in _GROUPS:
        rules.extend(group.rules.rules)
    rules.extend(required_rules())
    codes = [r.code for r in rules]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise AssertionError(f"duplicate rule codes: {sorted(duplicates)}")
    return tuple(rules)


@cache
def by_code() -> dict[str, Rule]:
    return {r.code: r for r in catalogue()}


def rule(code: str) -> Rule:
    return by_code()[code]


def not_run(ctx: CheckContext, lang: str = "zh") -> dict[str, str]:
    """The rules of the catalogue not run on the context's data year, with why."""
    out: dict[str, str] = {}
    for r in catalogue():
        why = ctx.not_run(r, lang)
        if why is not None:
            out[r.code] = why
    return out


def evaluate(h: HouseholdFacts, ctx: CheckContext, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every finding of `rules` (default: the catalogue) on one household."""
    return Evaluator(rules).run([h], ctx)


class Evaluator:
    """Runs rules set-wise over many households: each rule once over all records of its scope.

    A rule with a `when` (column, predicate) is only asked about records whose value in that column
    passes the predicate. Each gated column is read once per run (at C speed), the predicate runs
    once per distinct value, and the records are picked with `compress`: no Python loop per record
    for the many rules whose condition is rare.
    """

    def __init__(self, rules: Iterable[Rule] | None = None) -> None:
        chosen = catalogue() if rules is None else tuple(rules)
        self.household_rules = [r for r in chosen if r.scope != MEMBER]
        self.member_rules = [r for r in chosen if r.scope == MEMBER]

    def __call__(self, h: HouseholdFacts, ctx: CheckContext) -> list[Finding]:
        return self.run([h], ctx)

    def run(self, households: Sequence[HouseholdFacts], ctx: CheckContext, *,
            progress: Callable[[int, int], None] | None = None,
            cancel: Callable[[], bool] | None = None,
            columns: Mapping[str, RowColumns] | None = None) -> list[Finding]:
        """`columns` (per scope) gives gates the columns straight from the rows the records were
        built from, one row per record in the same order: a compact tuple per record is read
        much faster than a large mapping. Columns it does not know are read from the records."""
        found: list[Finding] = []
        members = [m for h in households for m in h.current]
        total = len(self.household_rules) + len(self.member_rules)
        done = 0
        for scope, records, rules in ((HOUSEHOLD, households, self.household_rules),
                                      (MEMBER, members, self.member_rules)):
            gates = _Gates(records, None if columns is None else columns.get(scope))
            for r in rules:
                if cancel is not None and cancel():
                    raise Cancelled()
                if not ctx.runs(r):  # not for this data year, or its data is not held
                    done += 1
                    continue
                chosen: Iterable[Any] = records if r.when is None else gates.chosen(r.when, ctx)
                _apply(r, scope, chosen, ctx, found)
                done += 1
                if progress is not None:
                    progress(done, total)
        return found


class _Gates:
    """The records of one scope with the values and distinct values of each gated column, read
    once per run (at C speed) as rules ask for them. A column may be a tuple of columns: its values
    are tuples, so a gate can state a condition on several columns at once. Rules whose gates
    pass the same values of a column share the records picked (records keep their order)."""

    def __init__(self, records: Sequence[Any], source: RowColumns | None = None) -> None:
        self.records = records
        self.source = source if source is not None and len(source.rows) == len(records) else None
        self.raws: dict[Any, list[Any]] = {}
        self.distinct: dict[Any, dict[Any, Any]] = {}  # column -> its distinct values (as keys)
        self.yearly_rows: dict[str, list[Any]] = {}
        self.picked: dict[tuple[Any, frozenset[Any]], list[Any]] = {}

    def column(self, column: str | tuple[str, ...]) -> list[Any]:
        """The column's values (see `raw`), its distinct values noted for the predicates. (Sharing
        one object per distinct value was tried: building it cost more than it saved.)"""
        got = self.raw(column)
        if column not in self.distinct:
            self.distinct[column] = dict.fromkeys(got)
        return got

    def raw(self, column: str | tuple[str, ...]) -> list[Any]:
        """The column's values as the records hold them."""
        got = self.raws.get(column)
        if got is None:
            if isinstance(column, tuple):
                got = list(zip(*(self.raw(c) for c in column), strict=True))
            else:
                got = None if self.source is None else self.source.column(column)
                if got is None:
                    got = column_values(self.records, column, self.yearly_rows)
            self.raws[column] = got
        return got

    def chosen(self, when: When, ctx: CheckContext) -> Iterable[Any]:
        column, predicate = when
        bulk = getattr(predicate, "among", None)
        if bulk is not None:  # the records whose value is among a few (ID numbers): no distinct set
            wanted = bulk(ctx)
            wanted = wanted if isinstance(wanted, (set, frozenset)) else frozenset(wanted)
            return _pick(self.records, self.raw(column), wanted) if wanted else ()
        values = self.column(column)
        distinct = self.distinct[column]
        passing = frozenset(v for v in distinct if predicate(v, ctx))
        if not passing:
            return ()
        if len(passing) == len(distinct):
            return self.records
        key = (column, passing)
        picked = self.picked.get(key)
        if picked is None:
            picked = self.picked[key] = _pick(self.records, values, passing)
        return picked


def _pick(records: Sequence[Any], values: list[Any], passing: Set[Any]) -> list[Any]:
    """The records whose value is in `passing`, in order. A few values that turn out rare are
    found by `list.index` scans (C speed, same equality as the set); else one `compress` pass."""
    if len(passing) <= 4:
        limit = len(values) >> 5
        hits: list[int] = []
        index = values.index
        for v in passing:
            i = -1
            try:
                while len(hits) <= limit:
                    i = index(v, i + 1)
                    hits.append(i)
            except ValueError:
                continue
            break  # too many: not rare
        else:
            hits.sort()
            return list(map(records.__getitem__, hits))
    return list(compress(records, map(passing.__contains__, values)))


class RowColumns:
    """The columns of records taken from the rows they were built from: `rows` holds one tuple
    per record, in the records' order, and `index` maps a column to its position in a row (only
    for columns whose record value is the row value itself)."""

    __slots__ = ("index", "rows")

    def __init__(self, rows: Sequence[Sequence[Any]], index: Mapping[str, int]) -> None:
        self.rows = rows
        self.index = index

    def column(self, column: str) -> list[Any] | None:
        i = self.index.get(column)
        return None if i is None else list(map(itemgetter(i), self.rows))


class _AbsentRow(dict[str, Any]):
    def get(self, key: Any, default: Any = None) -> Any:
        return ABSENT


_ABSENT_ROW = _AbsentRow()


def column_values(records: Sequence[Any], column: str, rows: dict[str, list[Any]] | None = None) -> list[Any]:
    """One column of every record, in order: a key of the record, or "income.x" / "conditions.x"
    for a household's yearly rows (ABSENT where the household has no such row)."""
    if column.startswith(("income.", "conditions.")):
        attr, key = column.split(".", 1)
        cache = rows if rows is not None else {}
        yearly = cache.get(attr)
        if yearly is None:
            yearly = cache[attr] = [getattr(h, attr) or _ABSENT_ROW for h in records]
        return list(map(methodcaller("get", key), yearly))
    return list(map(itemgetter(column), records))


def _apply(r: Rule, scope: str, records: Iterable[Any], ctx: CheckContext, found: list[Finding]) -> None:
    check = r.check
    if scope == MEMBER:
        for m in records:
            values = check(m, m.household, ctx)
            if values is not None:
                found.append(Finding(r, m.household.id, m.id, values))
    else:
        for h in records:
            values = check(h, ctx)
            if values is not None:
                member_id = values.pop("member_id", None)
                found.append(Finding(r, h.id, member_id, values))
