"""Print runs of the comparison tables: choose households, record the batch, write PDF and Excel.

A run takes its batch number in one short transaction, draws the files beside their final names as
`.part` with no transaction open, writes the items (record version and the JSON snapshot of what
was printed) in a second short transaction, and only then gives the files their names. A run that
fails or is cancelled before the items are written leaves no file and gives its number back; see
`print_batch` for the order.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import random
import time
import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, delete, exists, insert, select, update
from sqlalchemy.orm import selectinload

from povdesk.config import Settings
from povdesk.db.models import (
    Household,
    Member,
    Pairing,
    PrintBatch,
    PrintBatchItem,
    Problem,
    Township,
    Village,
)
from povdesk.domain.records import (
    HouseholdDetail,
    ProblemRecord,
)
from povdesk.errors import BadInput, Cancelled, NotFound, PovdeskError
from povdesk.reports.forms import (
    BatchInfo,
    FormOptions,
    HouseholdForm,
    as_text,
    build_form,
    form_serial,
    group_key,
    parse_payload,
    sort_key,
)
from povdesk.services import audit
from povdesk.services.database import Database
from povdesk.services.registry import detail_of
from povdesk.services.settings import YearSettingsService

log = logging.getLogger(__name__)
_T = TypeVar("_T")

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
#: A `.part` file of another name untouched this long is a crash's leftover, not a run in progress
#: (at another desk printing into the same folder): the PDF's part waits at most for the workbook.
STALE_PART_SECONDS = 30 * 60
#: the files a print run writes under a temporary name (never any other `.part` file)
_PART_SUFFIXES = (".pdf.part", ".xlsx.part")


@dataclass(frozen=True)
class PrintSelection:
    """Which households a print run takes; every given criterion narrows the choice."""

    township: str | None = None  # township code
    village: str | None = None  # village code
    township_id: int | None = None
    village_id: int | None = None
    group_name: str | None = None
    status: str | None = None  # poverty_status code
    open_problems_only: bool = False
    household_nos: tuple[str, ...] = ()
    household_ids: tuple[int, ...] = ()
    sample_pct: float | None = None
    seed: int | None = None

    def described(self, places: dict[str, str] | None = None) -> str:
        """The choice in words, for the cover list (`places`: names of the township and village)."""
        places = places or {}
        parts = []
        for label, value in (("乡镇", places.get("township") or self.township),
                             ("村", places.get("village") or self.village), ("组", self.group_name),
                             ("脱贫状态", places.get("status") or self.status)):
            if value:
                parts.append(f"{label} {value}")
        if self.open_problems_only:
            parts.append("有待核实问题")
        if self.household_nos or self.household_ids:
            parts.append(f"指定 {len(self.household_nos) + len(self.household_ids)} 户")
        if self.sample_pct:
            parts.append(f"随机抽取 {self.sample_pct:g}%（种子 {self.seed}）")
        return "，".join(parts) or "全县"


@dataclass(frozen=True)
class PrintResult:
    batch_id: int
    households: int
    pages: int
    pdf: Path
    xlsx: Path | None
    seed: int | None
    household_nos: tuple[str, ...]


@dataclass(frozen=True)
class PrintedSnapshot:
    """A form as printed, found again from its QR payload."""

    batch_id: int
    printed_at: dt.datetime
    printed_by: str
    household_id: int
    household_no: str
    version: int
    current_version: int | None
    serial: str
    form: HouseholdForm
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The printed form as plain lines (Chinese, as on paper)."""
        return as_text(self.form)

    @property
    def changed_since(self) -> bool:
        return self.current_version is not None and self.current_version != self.version


@dataclass(frozen=True)
class BatchRecord:
    id: int
    created_at: dt.datetime
    user: str
    households: int
    file_name: str | None
    params: dict[str, Any]


class PrintService:
    def __init__(self, *, db: Database, settings: Settings | None = None,
                 year_settings: YearSettingsService | None = None) -> None:
        self.db = db
        self.settings = settings
        self.year_settings = year_settings or YearSettingsService(db=db)

    # ------------------------------------------------------------------ choosing households
    def select(self, selection: PrintSelection) -> list[int]:
        """Household ids in print order (village, group, household number), sample applied."""
        stmt = (select(Household.id, Village.code, Household.group_name, Household.household_no)
                .join(Village, Village.id == Household.village_id)
                .join(Township, Township.id == Village.township_id)
                .where(Household.active.is_(True)))
        s = selection
        if s.township:
            stmt = stmt.where(Township.code == s.township)
        if s.township_id is not None:
            stmt = stmt.where(Township.id == s.township_id)
        if s.village:
            stmt = stmt.where(Village.code == s.village)
        if s.village_id is not None:
            stmt = stmt.where(Village.id == s.village_id)
        if s.group_name:
            stmt = stmt.where(Household.group_name == s.group_name)
        if s.status:
            stmt = stmt.where(Household.status == s.status)
        if s.household_nos:
            stmt = stmt.where(Household.household_no.in_(list(s.household_nos)))
        if s.household_ids:
            stmt = stmt.where(Household.id.in_(list(s.household_ids)))
        if s.open_problems_only:
            stmt = stmt.where(Household.id.in_(
                select(Problem.household_id).where(Problem.status == "open")))
        with self.db.reading() as session:
            self._check_places(session, s)
            rows = session.execute(stmt).all()
        if s.household_nos:
            found = {r[3] for r in rows}
            missing = [n for n in s.household_nos if n not in found]
            if missing:
                raise BadInput("input.household_missing",
                               f"No active household with number {', '.join(missing[:5])}.",
                               f"没有户编号为 {'、'.join(missing[:5])} 的在册户。")
        rows = sorted(rows, key=lambda r: (r[1], group_key(r[2]), r[3]))
        ids = [r[0] for r in rows]
        if s.sample_pct is not None:
            ids = self.sample(ids, s.sample_pct, s.seed if s.seed is not None else 0)
        return ids

    @staticmethod
    def _check_places(session: Any, s: PrintSelection) -> None:
        """A township or village code that names no place is a mistake to say, not an empty batch."""
        for code, model, zh, en, digits in ((s.township, Township, "乡(镇)", "township", 9),
                                            (s.village, Village, "行政村", "village", 12)):
            if code and session.scalar(select(model.id).where(model.code == code)) is None:
                raise BadInput(f"input.{en}_code",
                               f"There is no {en} with code '{code}' in this database "
                               f"({en} codes have {digits} digits, e.g. as shown in the navigator).",
                               f"本库中没有代码为“{code}”的{zh}（{zh}代码为 {digits} 位数字，可在左侧导航中查看）。")

    @staticmethod
    def sample(ids: Sequence[int], pct: float, seed: int) -> list[int]:
        """A reproducible N % sample (at least one household), kept in print order."""
        if not 0 < pct <= 100:
            raise BadInput("input.sample_pct", "The sample must be between 0 and 100 per cent.",
                           "抽样比例须大于 0 且不超过 100%。")
        if not ids:
            return []
        k = max(1, math.ceil(len(ids) * pct / 100 - 1e-9))
        chosen = set(random.Random(seed).sample(list(ids), k))
        return [i for i in ids if i in chosen]

    # ------------------------------------------------------------------ reading what is printed
    def details(self, ids: Sequence[int]) -> list[HouseholdDetail]:
        """Full records of many households in a few queries (no change history: forms skip it)."""
        out: dict[int, HouseholdDetail] = {}
        with self.db.reading() as s:
            for chunk in _chunks(list(ids), 500):
                stmt = (select(Household).where(Household.id.in_(chunk)).options(
                    selectinload(Household.members), selectinload(Household.incomes),
                    selectinload(Household.conditions), selectinload(Household.measures),
                    selectinload(Household.pairings).selectinload(Pairing.cadre),
                    selectinload(Household.village).selectinload(Village.township)
                    .selectinload(Township.county)))
                for h in s.scalars(stmt):
                    out[h.id] = detail_of(h)
        return [out[i] for i in ids if i in out]

    def open_problems(self, ids: Sequence[int]) -> dict[int, list[ProblemRecord]]:
        """Open problems of these households (table `problem`, filled by the checks)."""
        found: dict[int, list[ProblemRecord]] = {}
        with self.db.reading() as s:
            for chunk in _chunks(list(ids), 500):
                stmt = (select(Problem, Household.household_no, Member.name, Member.id_number)
                        .join(Household, Household.id == Problem.household_id)
                        .outerjoin(Member, Member.id == Problem.member_id)
                        .where(Problem.household_id.in_(chunk), Problem.status == "open")
                        .order_by(Problem.household_id, Problem.severity, Problem.rule, Problem.id))
                for p, no, name, idn in s.execute(stmt):
                    found.setdefault(p.household_id, []).append(ProblemRecord(
                        id=p.id, rule=p.rule, category=p.category, severity=p.severity,
                        household_id=p.household_id, household_no=no, member_id=p.member_id,
                        member_name=name, id_number=idn,
                        fields=tuple(x for x in (p.fields or "").split(",") if x),
                        message_zh=p.message_zh, message_en=p.message_en, status=p.status,
                        opened_at=p.opened_at, closed_at=p.closed_at, closed_by=p.closed_by,
                        resolution=p.resolution, remark=p.remark))
        return found

    def form_options(self, *, mask_ids: bool | None = None) -> FormOptions:
        """The data year's settings as the office set them (the year-settings service) and masking."""
        if mask_ids is None:
            mask_ids = (self.settings or Settings.load()).mask_id_on_print
        return FormOptions(settings=self.year_settings.get(self.db.data_year), mask_ids=mask_ids)

    def estimate_pages(self, ids: Sequence[int], *, sample: int = 12) -> int:
        """About how many pages a run over `ids` prints: the forms of an even sample of at most
        `sample` households laid out (nothing drawn), scaled up, plus one cover page per village
        and per 35 of its households. Said before a run starts; the run reports the exact count."""
        if not ids:
            return 0
        from povdesk.reports import form_pdf  # reportlab: loaded when printing

        step = max(1, len(ids) // sample)
        picked = list(ids)[::step][:sample]
        details = self.details(picked)
        problems = self.open_problems(picked)
        opts = self.form_options()
        books = self.db.codebook()
        form_pages = [len(form_pdf.paginate(build_form(d, problems=problems.get(d.household.id, ()),
                                                       books=books, opts=opts, batch_id=0,
                                                       serial=form_serial(0, n))))
                      for n, d in enumerate(details, start=1)]
        per_form = sum(form_pages) / len(form_pages) if form_pages else 1.0
        per_village: dict[int, int] = {}
        with self.db.reading() as s:
            for chunk in _chunks(list(ids), 500):
                for (village_id,) in s.execute(select(Household.village_id).where(Household.id.in_(chunk))):
                    per_village[village_id] = per_village.get(village_id, 0) + 1
        covers = sum(math.ceil(n / 35) for n in per_village.values())
        return round(per_form * len(ids)) + covers

    # ------------------------------------------------------------------ a print run
    def print_batch(self, selection: PrintSelection, *, pdf: str | Path, xlsx: str | Path | None = None,
                    mask_ids: bool | None = None, progress: Progress | None = None,
                    cancel: CancelCheck | None = None) -> PrintResult:
        """Record a batch and write its files; on failure or cancel nothing is kept."""
        if selection.sample_pct is not None and selection.seed is None:
            selection = PrintSelection(**{**asdict(selection), "seed": random.SystemRandom().randrange(1, 10**6)})
        pdf = Path(pdf)
        xlsx = Path(xlsx) if xlsx else None
        self.db.refuse_as_output(pdf, xlsx)
        ids = self.select(selection)
        if not ids:
            raise BadInput("input.no_households", "No household matches these choices.",
                           "没有符合条件的户。")
        n_ids = len(ids)
        steps = 3 if xlsx else 2  # per household: load, draw, and write its sheet
        total = n_ids * steps

        def report(done: int) -> None:
            if progress is not None:
                progress(min(done, total), total)

        opts = self.form_options(mask_ids=mask_ids)
        books = self.db.codebook()
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(selection).items()
                  if v not in (None, (), False)}
        params.update(year=opts.year, mask_ids=opts.mask_ids)
        # reportlab, openpyxl, pypdf: loaded when printing
        from povdesk.reports import form_batch, form_pdf, form_xlsx

        now = form_pdf.printed_at_now()
        tmp_pdf = pdf.with_name(pdf.name + ".part")
        tmp_xlsx = xlsx.with_name(xlsx.name + ".part") if xlsx else None
        remove_stale_parts({pdf.parent, *([xlsx.parent] if xlsx else [])},
                           ours={tmp_pdf, *([tmp_xlsx] if tmp_xlsx else [])})
        # The batch number is taken in a short transaction of its own, the files are drawn as
        # `.part` with no transaction open (a whole county draws for minutes: other desks' imports
        # and edits must not wait for it), then the items are written in a second short transaction,
        # and only after that do the files take their names. A failure or a cancel gives the number
        # back; a crash while drawing leaves a batch without items (never listed, never found) and a
        # `.part` the next run removes. So no printed form carries a number the database does not
        # know or would give out again, and a committed batch may at worst lack its file
        # (detectable: its file is missing; recoverable: print again).
        with self.db.transaction() as s:
            batch = PrintBatch(user=self.db.user, params=params, household_count=n_ids,
                               file_name=str(pdf), created_at=now.astimezone(dt.UTC).replace(tzinfo=None))
            s.add(batch)
            s.flush()
            batch_id = batch.id
        items_written = False
        info = BatchInfo(batch_id=batch_id, printed_at=now, user=self.db.user, year=opts.year,
                         params_text=selection.described(self._place_names(selection, books)))
        # Memory stays flat however many households: a chunk at a time is read, laid out, drawn to
        # its own part of the PDF (`form_batch`) and written to the workbook (write-only), and only
        # what the items need is kept, the snapshot compressed (~1 kB a household).
        items: list[_Item] = []
        try:
            with form_batch.BatchPdf(tmp_pdf, batch=info) as drawn:
                book = form_xlsx.FormsWorkbook(batch=info) if tmp_xlsx is not None else None
                done = 0
                for chunk in _chunks(ids, form_batch.CHUNK):
                    if cancel is not None and cancel():
                        raise Cancelled()
                    details = self.details(chunk)
                    problems = self.open_problems(chunk)
                    forms = [build_form(d, problems=problems.get(d.household.id, ()), books=books, opts=opts,
                                        batch_id=batch_id, serial=form_serial(batch_id, len(items) + n))
                             for n, d in enumerate(details, start=1)]
                    del details, problems
                    forms.sort(key=sort_key)  # the order `select` gave: village, group, number
                    items += (_Item.of(f) for f in forms)
                    done += len(forms)
                    report(done)
                    drawn.add(forms, cancel=cancel, progress=_offset(report, done))
                    done += len(forms)
                    if book is not None:
                        book.add(forms, cancel=cancel, progress=_offset(report, done))
                        done += len(forms)
                    del forms
                result = drawn.finish()
            if book is not None and tmp_xlsx is not None:
                book.save(tmp_xlsx)
            with self.db.transaction() as s:
                for part in _chunks(items, 500):
                    s.execute(insert(PrintBatchItem), [item.row(batch_id) for item in part])
                s.execute(update(PrintBatch).where(PrintBatch.id == batch_id).values(household_count=len(items)))
                audit.record(s, user=self.db.user, action=audit.PRINT_BATCH, subject=str(batch_id),
                             detail={"forms": len(items), "year": opts.year})
            items_written = True
            for tmp, final in ((tmp_pdf, pdf), (tmp_xlsx, xlsx)):
                if tmp is None or final is None:
                    continue
                try:
                    tmp.replace(final)
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                    raise PovdeskError(
                        "print.file_not_saved",
                        f"Print batch {batch_id} is recorded, but its file could not be saved as {final}: "
                        f"{reason}. Close the file if it is open in another program, or choose another "
                        "place, and print again (a new batch).",
                        f"打印批次 {batch_id} 已记录，但文件无法保存为 {final}：{reason}。如该文件已在其他"
                        "程序中打开，请先关闭，或另选位置后重新打印（将生成新的批次）。") from exc
        finally:
            for tmp in (tmp_pdf, tmp_xlsx):
                if tmp is not None and tmp.exists():
                    tmp.unlink()
            if not items_written:
                self._give_back(batch_id)
        report(total)
        return PrintResult(batch_id, len(items), result.pages, pdf, xlsx, selection.seed,
                           tuple(item.household_no for item in items))

    def _give_back(self, batch_id: int) -> None:
        """Remove a batch whose items were never written (its run failed or was cancelled). Best
        effort: if the database refuses now, the batch stays without items, which no list shows."""
        try:
            with self.db.transaction() as s:
                s.execute(delete(PrintBatch).where(PrintBatch.id == batch_id, ~_has_items(batch_id)))
        except Exception:
            log.warning("could not remove the unfinished print batch %s", batch_id, exc_info=True)

    def _place_names(self, selection: PrintSelection, books: Any) -> dict[str, str]:
        names: dict[str, str] = {}
        with self.db.reading() as s:
            town = s.scalar(select(Township.name).where(
                (Township.code == selection.township) | (Township.id == selection.township_id)))
            village = s.scalar(select(Village.name).where(
                (Village.code == selection.village) | (Village.id == selection.village_id)))
        if town:
            names["township"] = town
        if village:
            names["village"] = village
        if selection.status:
            names["status"] = books["poverty_status"].label(selection.status)
        return names

    # ------------------------------------------------------------------ coming back to a form
    def find_snapshot(self, payload: str) -> PrintedSnapshot:
        """The form exactly as printed, from the text a scanner types (the QR payload)."""
        key = parse_payload(payload)
        if key is None:
            raise BadInput("input.payload", f"'{payload.strip()}' is not a povdesk form code.",
                           f"“{payload.strip()}”不是本系统打印的表单二维码。")
        with self.db.reading() as s:
            row = s.execute(
                select(PrintBatchItem, PrintBatch, Household.household_no, Household.version)
                .join(PrintBatch, PrintBatch.id == PrintBatchItem.batch_id)
                .join(Household, Household.id == PrintBatchItem.household_id)
                .where(and_(PrintBatchItem.batch_id == key.batch_id,
                            Household.household_no == key.household_no))).first()
            if row is None or row[0].household_version != key.version:
                raise NotFound("print.snapshot_missing",
                               f"No printed form for household {key.household_no} in batch "
                               f"{key.batch_id} (version {key.version}).",
                               f"找不到批次 {key.batch_id} 中户 {key.household_no}（版本 {key.version}）"
                               "的打印记录。")
            item, batch, no, current = row
            return PrintedSnapshot(
                batch_id=batch.id, printed_at=batch.created_at, printed_by=batch.user,
                household_id=item.household_id, household_no=no, version=item.household_version,
                current_version=current, serial=item.serial,
                form=HouseholdForm.from_snapshot(item.snapshot or {}), params=dict(batch.params or {}))

    def batches(self, limit: int = 50) -> list[BatchRecord]:
        with self.db.reading() as s:
            rows = s.scalars(select(PrintBatch).where(_has_items(PrintBatch.id))
                             .order_by(PrintBatch.id.desc()).limit(limit))
            return [BatchRecord(b.id, b.created_at, b.user, b.household_count, b.file_name,
                                dict(b.params or {})) for b in rows]


# ------------------------------------------------------------------ helpers
@dataclass(frozen=True)
class _Item:
    """What a batch item needs of a drawn form, kept small until the items are written."""

    household_id: int
    household_no: str
    version: int
    serial: str
    snapshot: bytes  # the form's snapshot as compressed JSON

    @classmethod
    def of(cls, form: HouseholdForm) -> _Item:
        data = json.dumps(form.snapshot(), ensure_ascii=False, separators=(",", ":")).encode()
        return cls(form.household_id, form.household_no, form.version, form.serial, zlib.compress(data))

    def row(self, batch_id: int) -> dict[str, Any]:
        return {"batch_id": batch_id, "household_id": self.household_id, "household_version": self.version,
                "serial": self.serial, "snapshot": json.loads(zlib.decompress(self.snapshot))}


def _has_items(batch_id: Any) -> ColumnElement[bool]:
    """Whether a batch's items were written: a batch without them is a run that never finished."""
    return exists().where(PrintBatchItem.batch_id == batch_id)


def remove_stale_parts(folders: Collection[Path], *, ours: Collection[Path] = (),
                       older_than: float = STALE_PART_SECONDS) -> list[Path]:
    """Remove the `.pdf.part` / `.xlsx.part` files a crashed print run left in these folders: the
    ones this run is about to write, and any other untouched for `older_than` seconds."""
    removed: list[Path] = []
    cutoff = time.time() - older_than
    for folder in folders:
        try:
            candidates = [p for p in folder.iterdir() if p.name.endswith(_PART_SUFFIXES)]
        except OSError:  # no such folder yet: writing the file will say so
            continue
        for part in candidates:
            try:
                if part in ours or part.stat().st_mtime < cutoff:
                    part.unlink()
                    removed.append(part)
            except OSError:  # gone meanwhile, or not ours to remove: leave it
                continue
    return removed


def _chunks(ids: list[_T], size: int) -> list[list[_T]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _offset(report: Callable[[int], None], start: int) -> Progress:
    """A chunk's progress (done, of) as the run's: `start` plus what the chunk has done."""
    return lambda done, _total: report(start + done)


