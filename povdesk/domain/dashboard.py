"""The dashboard's records (issue 13 §1): plain figures of the county, a township or a village.

`services/dashboard.py` fills them from SQL aggregates (and the one assessment); the window's
charts (`ui/dashboard.py`) and the one-page PDF (`reports/dashboard_pdf.py`) draw them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

#: the years of the exit campaign the exits chart shows
EXIT_YEARS = tuple(range(2014, 2021))


@dataclass(frozen=True)
class Queues:
    """Change requests waiting, per queue of the window (`ChangeRequestService.queue_counts`)."""

    my_drafts: int = 0
    returned_to_me: int = 0
    awaiting_review: int = 0
    awaiting_signoff: int = 0

    @property
    def total(self) -> int:
        return self.my_drafts + self.returned_to_me + self.awaiting_review + self.awaiting_signoff


#: queue key -> (Chinese, English) names, in the window's order
QUEUE_NAMES = {"my_drafts": ("我的草稿", "My drafts"), "returned_to_me": ("退回给我", "Returned to me"),
               "awaiting_review": ("待审核", "Awaiting review"), "awaiting_signoff": ("待签发", "Awaiting sign-off")}


# ------------------------------------------------------------------ records
@dataclass(frozen=True)
class Scope:
    """The place the dashboard shows: the county (both None), a township or a village."""

    township_id: int | None = None
    village_id: int | None = None

    @property
    def level(self) -> str:
        return "village" if self.village_id is not None else "township" if self.township_id is not None else "county"


#: the whole county
COUNTY = Scope()


@dataclass(frozen=True)
class CodeCount:
    """Active households and their current members with one code (None: not recorded)."""

    code: str | None
    label_zh: str
    label_en: str
    households: int
    people: int

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh


@dataclass(frozen=True)
class ExitYear:
    """Households (and their current members) with this exit year, and the year's plan."""

    year: int
    households: int
    people: int
    #: households planned to exit (year setting `exit_plan_households`); None: no plan, or not the county
    plan: int | None


@dataclass(frozen=True)
class VillageIncidence:
    """A village's incidence of poverty (as a village exit judges it: `domain.changes`)."""

    village_id: int
    code: str
    name: str
    township: str
    poor: int
    population: int
    incidence: float
    exit_year: int | None
    is_poverty_village: bool


@dataclass(frozen=True)
class IndicatorCompliance:
    """One indicator of the assessment over the scope's active households."""

    key: str
    title_zh: str
    title_en: str
    met: int
    not_met: int
    unknown: int
    #: the households not meeting it (ids, ascending): the drill-down's list
    failing: tuple[int, ...] = ()

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang.startswith("en") else self.title_zh


@dataclass(frozen=True)
class Compliance:
    year: int
    households: int
    indicators: tuple[IndicatorCompliance, ...]
    seconds: float


@dataclass(frozen=True)
class VillageProblems:
    """Open problems of a village's active households, split by severity."""

    village_id: int
    name: str
    township: str
    errors: int
    warnings: int
    households: int

    @property
    def total(self) -> int:
        return self.errors + self.warnings


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    name_zh: str
    name_en: str
    year: int
    households: int
    people: int
    by_status: tuple[CodeCount, ...]
    by_attribute: tuple[CodeCount, ...]
    exits: tuple[ExitYear, ...]
    #: the year's village exit threshold, in percent
    threshold: float
    villages: tuple[VillageIncidence, ...]
    problems: tuple[VillageProblems, ...]
    queues: Queues
    #: None until computed (`DashboardService.compliance`); the cached figures when there are some
    compliance: Compliance | None
    generated: dt.datetime

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


def village_labels(places: Sequence[tuple[str, str]]) -> list[str]:
    """Short labels of (township, village) pairs for a chart: the village's name, with its township
    in front where two villages of the list share a name (two townships may each have a 尼觉村)."""
    names = Counter(v for _t, v in places)
    return [v if names[v] == 1 else f"{t[:2]}·{v}" for t, v in places]
