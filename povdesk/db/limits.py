"""What a column can hold, enforced alike on every engine; the driver's refusals said in words.

PostgreSQL refuses a string longer than its varchar(n) and an integer beyond 32 bits; SQLite stores
both. User input is checked against the data dictionary before it gets here (`values.coerce`, the
import's row errors, the services' own checks); this module is the last line behind them:

- every ORM insert and update is checked against the column's length and range, so SQLite refuses
  what PostgreSQL would refuse, with the same message;
- a refusal from the driver itself (a Core insert, a constraint, a NUL character on PostgreSQL)
  becomes a `PovdeskError` naming the table and column where it can, never a traceback.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, Engine, Integer, String, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Mapper

from povdesk.domain import dictionary as dd
from povdesk.errors import Conflict, InvalidValue, PovdeskError

INT32 = (-(2**31), 2**31 - 1)

#: Columns people fill in that are not data-dictionary fields: what to call them.
_LABELS: dict[str, tuple[str, str]] = {
    "app_user.login": ("Login", "登录名"),
    "app_user.display_name": ("Display name", "显示名称"),
    "change_log.reason": ("Reason", "原因"),
    "change_log.user": ("User", "用户"),
    "year_setting.source": ("Source", "来源"),
    "header_mapping.header": ("Column header", "列标题"),
    "problem.resolution": ("Resolution", "处理说明"),
    "problem.remark": ("Remark", "备注"),
    "problem_event.note": ("Note", "说明"),
    "code_item.zh": ("Chinese label", "中文名称"),
    "code_item.en": ("English label", "英文名称"),
}

_Limit = tuple[str, str, str, int | None, int | None]  # attribute, table.column, kind, low/length, high
_limits_cache: dict[Mapper[Any], tuple[_Limit, ...]] = {}


def label(table: str, column: str) -> tuple[str, str]:
    """English and Chinese name of a column: the dictionary's label, or a known one, or table.column."""
    key = f"{table}.{column}"
    try:
        f = dd.field(key)
        return f.en, f.zh
    except KeyError:
        return _LABELS.get(key, (key, key))


def too_long(table: str, column: str, length: int, limit: int) -> InvalidValue:
    en, zh = label(table, column)
    return InvalidValue("db.too_long", f"{en} is too long to store: {length} characters, at most {limit}.",
                        f"{zh}过长，无法保存：{length} 个字符，最多 {limit} 个。")


def out_of_range(table: str, column: str, value: object) -> InvalidValue:
    en, zh = label(table, column)
    return InvalidValue("db.out_of_range",
                        f"{en} is out of range: {value} (the database holds whole numbers from "
                        f"{INT32[0]:,} to {INT32[1]:,}).",
                        f"{zh}超出范围：{value}（数据库只能保存 {INT32[0]:,} 到 {INT32[1]:,} 之间的整数）。")


def _limits(mapper: Mapper[Any]) -> tuple[_Limit, ...]:
    found = _limits_cache.get(mapper)
    if found is None:
        rows: list[_Limit] = []
        for attr in mapper.column_attrs:
            col = attr.columns[0]
            name = f"{getattr(col.table, 'name', '?')}.{col.name}"
            if isinstance(col.type, String) and col.type.length:
                rows.append((attr.key, name, "text", col.type.length, None))
            elif isinstance(col.type, Integer) and not isinstance(col.type, BigInteger):
                rows.append((attr.key, name, "int", *INT32))
        found = _limits_cache[mapper] = tuple(rows)
    return found


def check_values(mapper: Mapper[Any], target: object, keys: set[str] | None = None) -> None:
    """Raise InvalidValue for the first value (of `keys`, or all) its column cannot hold."""
    for key, name, kind, low, high in _limits(mapper):
        if keys is not None and key not in keys:
            continue
        value = getattr(target, key, None)
        if value is None:
            continue
        table, _, column = name.partition(".")
        if kind == "text":
            if isinstance(value, str) and low is not None and len(value) > low:
                raise too_long(table, column, len(value), low)
        elif isinstance(value, int) and low is not None and high is not None and not low <= value <= high:
            raise out_of_range(table, column, value)


def _before_insert(mapper: Mapper[Any], _connection: Any, target: object) -> None:
    check_values(mapper, target)


def _before_update(mapper: Mapper[Any], _connection: Any, target: object) -> None:
    # only what changed: a value stored before these checks existed must not block other edits
    check_values(mapper, target, set(inspect(target).committed_state))


def install(base: type) -> None:
    event.listen(base, "before_insert", _before_insert, propagate=True)
    event.listen(base, "before_update", _before_update, propagate=True)


# --------------------------------------------------------------------------- the driver's refusals
_TABLE_RE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE)\s+\"?(\w+)\"?", re.IGNORECASE)
_PARAM_SUFFIX = re.compile(r"(__\d+|_\d+)$")


def _culprit(statement: str | None, params: Any, metadata: Any) -> PovdeskError | None:
    """The value of an INSERT or UPDATE its column cannot hold, found from the statement's parameters."""
    m = _TABLE_RE.match(statement or "")
    table = metadata.tables.get(m[1]) if m else None
    if table is None:
        return None
    batches = params if isinstance(params, list | tuple) else [params]
    for batch in batches:
        if not isinstance(batch, dict):
            continue
        for key, value in batch.items():
            col = table.columns.get(key)
            if col is None:
                col = table.columns.get(_PARAM_SUFFIX.sub("", key))
            if col is None or value is None:
                continue
            if isinstance(col.type, String) and col.type.length and isinstance(value, str) \
                    and len(value) > col.type.length:
                return too_long(table.name, col.name, len(value), col.type.length)
            if isinstance(col.type, Integer) and not isinstance(col.type, BigInteger) \
                    and isinstance(value, int) and not INT32[0] <= value <= INT32[1]:
                return out_of_range(table.name, col.name, value)
    return None


def refusal(error: sa_exc.StatementError, metadata: Any) -> PovdeskError | None:
    """A PovdeskError for a driver's DataError or IntegrityError; None for anything else."""
    if not isinstance(error, sa_exc.DataError | sa_exc.IntegrityError):
        return None
    found = _culprit(error.statement, error.params, metadata)
    if found is not None:
        return found
    detail = str(getattr(error, "orig", error)).strip().splitlines()[0][:300]
    if isinstance(error, sa_exc.IntegrityError):
        return Conflict("db.integrity",
                        f"The database refused the change because it breaks a rule of the data ({detail}). "
                        "Nothing was saved.",
                        f"数据库拒绝了这次修改，因为它违反了数据规则（{detail}）。未保存任何内容。")
    return InvalidValue("db.refused",
                        f"The database cannot store a value ({detail}). Nothing was saved.",
                        f"数据库无法保存某个值（{detail}）。未保存任何内容。")


def install_error_handler(metadata: Any) -> None:
    def handle(ctx: Any) -> None:
        found = refusal(ctx.sqlalchemy_exception, metadata) if ctx.sqlalchemy_exception is not None else None
        if found is not None:
            raise found from ctx.sqlalchemy_exception

    event.listen(Engine, "handle_error", handle)
