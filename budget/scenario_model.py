"""The scenario model: one plan's assumptions as frozen, hashable dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from budget.months import month_offset

# The tables of named workload rows ([[inference]], [[training]], [[experimentation]],
# [[platform]]), in file and forecast order: the one list of them
WORKLOAD_TABLES = ("inference", "training", "experimentation", "platform")


@dataclass(frozen=True)
class Drivers:
    """What-if multipliers; 1.0 leaves the workloads as written."""

    inference_volume: float = 1.0
    output_tokens: float = 1.0
    refresh_frequency: float = 1.0
    gpu_price: float = 1.0
    token_price: float = 1.0
    inference_growth: float = 0.0
    gpu_throughput: float = 1.0
    utilization: float = 1.0
    spot_overhead: float = 0.0


@dataclass(frozen=True)
class WrittenRange:
    """A range written in [ranges], kept as ratios to (or offsets from) the file's value."""

    name: str
    relative: tuple[float, float]


@dataclass(frozen=True)
class GpuPrice:
    """USD per GPU-hour for one (cloud, gpu), with its source and date."""

    cloud: str
    gpu: str
    on_demand: float
    source: str
    as_of: str
    spot: float | None = None
    reserved: float | None = None
    reserved_3y: float | None = None

    def usd_per_gpu_hour(self, pricing: str) -> float | None:
        """Return the hourly price under `pricing`, or None when the row has none."""
        return {"on_demand": self.on_demand, "spot": self.spot, "reserved": self.reserved}[pricing]


@dataclass(frozen=True)
class InferenceWorkload:
    """A serving workload; its cost is a monthly run-rate."""

    name: str
    team: str
    model: str
    kind: str
    requests_per_month: float
    input_tokens: float
    output_tokens: float
    serving: str
    environment: str = "production"
    monthly_growth: float = 0.0
    price_per_1m_input: float | None = None
    price_per_1m_output: float | None = None
    cloud: str | None = None
    gpu: str | None = None
    output_tokens_per_gpu_second: float | None = None
    input_tokens_per_gpu_second: float | None = None
    utilization: float | None = None
    pricing: str = "on_demand"
    peak_factor: float | None = None
    min_gpus: int | None = None
    api_price_per_1m_input: float | None = None
    api_price_per_1m_output: float | None = None
    self_host_cloud: str | None = None
    self_host_gpu: str | None = None
    self_host_output_tokens_per_gpu_second: float | None = None
    self_host_utilization: float | None = None
    provider: str | None = None
    starts: str | None = None  # first active month, YYYY-MM (None: the scenario's start)
    ends: str | None = None  # last active month, inclusive (None: the horizon's last)
    price_source: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TrainingWorkload:
    """A training project; one run per refresh."""

    name: str
    team: str
    model: str
    cloud: str
    gpu: str
    gpu_hours_per_run: float
    refreshes_per_quarter: float
    pricing: str = "on_demand"
    peak_factor: float | None = None
    starts: str | None = None
    ends: str | None = None


@dataclass(frozen=True)
class ExperimentationWorkload:
    """A team's weekly research GPU budget."""

    name: str
    team: str
    cloud: str
    gpu: str
    gpu_hours_per_week: float
    pricing: str = "on_demand"
    peak_factor: float | None = None
    starts: str | None = None
    ends: str | None = None


@dataclass(frozen=True)
class PlatformLine:
    """A shared overhead line with a monthly run-rate."""

    name: str
    category: str
    monthly_cost: float
    team: str = "platform"
    monthly_growth: float = 0.0
    starts: str | None = None
    ends: str | None = None


@dataclass(frozen=True)
class Portability:
    """How easily one GPU workload could move clouds (factors 0 = locked in, 1 = portable)."""

    workload: str
    secondary_cloud: str | None = None
    data_gb_per_month: float = 0.0
    data_gb_stored: float = 0.0
    model_registry: float = 0.5
    container_images: float = 0.5
    iam: float = 0.5
    observability: float = 0.5
    deployment_automation: float = 0.5


@dataclass(frozen=True)
class Guardrail:
    """One environment's monthly budget and how it is enforced."""

    environment: str
    monthly_budget: float
    control: str  # hard_quota | soft_alert | approval_gate
    alert_at: float = 0.8
    approval_threshold: float = 0.1


@dataclass(frozen=True)
class Project:
    """A project's governance checklist; None marks an item not yet filled in (a gap)."""

    name: str
    owner: str | None = None
    workload_forecast: str | None = None
    unit_cost_baseline: float | None = None
    approval_threshold: float | None = None
    rollback_plan: str | None = None
    cost_dashboard: str | None = None
    portable: bool | None = None
    spot_eligible: bool | None = None
    cost_model: str | None = None


@dataclass(frozen=True)
class DatedChange:
    """From `month` on, one workload's (or GPU price row's) fields take new values.

    `written` is the `set` table as the file has it; `resolved` what the row's fields become
    (the written values typed, plus what follows from them: a new API model's list prices).
    """

    month: str
    written: tuple[tuple[str, Any], ...]
    resolved: tuple[tuple[str, Any], ...]
    workload: str | None = None
    gpu: str | None = None  # "cloud/gpu" of a [[gpu_prices]] row

    @property
    def target(self) -> str:
        """Return the workload name or 'cloud/gpu' the change applies to."""
        return self.workload if self.workload is not None else str(self.gpu)


@dataclass(frozen=True)
class Segment:
    """Months first..last (0-based, inclusive) over which one version of the plan holds."""

    first: int
    last: int
    scenario: Scenario  # the plan as it stands in these months (no dated changes of its own)


@dataclass(frozen=True)
class Scenario:
    """All assumptions of one plan; hashable, so it can key a cache."""

    name: str
    start: str
    months: int
    currency: str = "USD"
    fiscal_year_start_month: int = 1  # 1 = the calendar year
    calendar: str = "average"  # "days": each month costs its days / an average month's
    drivers: Drivers = field(default_factory=Drivers)
    gpu_prices: tuple[GpuPrice, ...] = ()
    inference: tuple[InferenceWorkload, ...] = ()
    training: tuple[TrainingWorkload, ...] = ()
    experimentation: tuple[ExperimentationWorkload, ...] = ()
    platform: tuple[PlatformLine, ...] = ()
    ranges: tuple[WrittenRange, ...] = ()
    portability: tuple[Portability, ...] = ()
    unit_name: str | None = None
    unit_workload: str | None = None
    stress_surge: float = 2.0
    interruption_overhead: float = 0.10
    budget_monthly: float | None = None
    guardrails: tuple[Guardrail, ...] = ()
    projects: tuple[Project, ...] = ()
    changes: tuple[DatedChange, ...] = ()  # in file order
    previous: str | None = field(default=None, compare=False)  # FILE@SHA256 saved from
    reason: str | None = field(default=None, compare=False)  # why that version was saved
    source: str = "<memory>"

    def price(self, cloud: str, gpu: str) -> GpuPrice:
        """Return the price row for (cloud, gpu); KeyError when there is none."""
        for row in self.gpu_prices:
            if row.cloud == cloud and row.gpu == gpu:
                return row
        raise KeyError((cloud, gpu))

    def active_months(self, starts: str | None, ends: str | None) -> tuple[int, int]:
        """Return a workload's first and last active month (0-based, inclusive) in the horizon.

        Without starts/ends the whole horizon; a window reaching outside it is cut to it
        (validation refuses one in a file), and one wholly outside it has last < first.
        """
        first = 0 if starts is None else month_offset(self.start, starts)
        last = self.months - 1 if ends is None else month_offset(self.start, ends)
        return max(first, 0), min(last, self.months - 1)

    def segments(self) -> tuple[Segment, ...]:
        """Return the horizon cut at each dated change's month, with the plan of each piece.

        Without [[changes]], one segment: the whole horizon and this scenario. Each piece's
        scenario is this one with every change of its first month or earlier applied, in month
        order (file order within a month), and no changes of its own.
        """
        if not self.changes:
            return (Segment(0, self.months - 1, self),)
        dated = sorted(self.changes, key=lambda c: month_offset(self.start, c.month))
        starts = sorted({max(month_offset(self.start, c.month), 0) for c in dated} | {0})
        starts = [m for m in starts if m < self.months]
        out = []
        plain = dataclasses.replace(self, changes=())
        for i, first in enumerate(starts):
            last = starts[i + 1] - 1 if i + 1 < len(starts) else self.months - 1
            applied = [c for c in dated if month_offset(self.start, c.month) <= first]
            out.append(Segment(first, last, plain.with_changes(applied)))
        return tuple(out)

    def at(self, month_index: int) -> Scenario:
        """Return the plan as it stands in one month (0-based): its dated changes applied."""
        for segment in self.segments():
            if segment.first <= month_index <= segment.last:
                return segment.scenario
        raise IndexError(month_index)

    def with_changes(self, applied: list[DatedChange]) -> Scenario:
        """Return a copy with these changes' resolved values set on their rows (no changes)."""
        tables: dict[str, list[Any]] = {t: list(getattr(self, t))
                                        for t in (*WORKLOAD_TABLES, "gpu_prices")}
        where: dict[tuple[bool, str], tuple[str, int]] = {}  # (is a price row, key) → row
        for table, rows in tables.items():
            for i, row in enumerate(rows):
                price = table == "gpu_prices"
                where.setdefault((price, f"{row.cloud}/{row.gpu}" if price else row.name),
                                 (table, i))
        for change in applied:
            found = where.get((change.gpu is not None, change.target))
            if found is not None:
                table, i = found
                tables[table][i] = dataclasses.replace(tables[table][i],
                                                       **dict(change.resolved))
        fields: dict[str, Any] = {t: tuple(r) for t, r in tables.items()}
        return dataclasses.replace(self, changes=(), **fields)

    def with_drivers(self, **values: float) -> Scenario:
        """Return a copy whose drivers are replaced by `values` (names are driver keys)."""
        return dataclasses.replace(self, drivers=dataclasses.replace(self.drivers, **values))
