"""Trend-break alerts on actuals: rates rather than totals, each with its impact and context."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from budget.dimensions import NO_TAG
from budget.unit_costs import billed_gpu_hours_per_run, input_values

if TYPE_CHECKING:
    from budget.scenario_model import Scenario

TRAILING_DAYS = 28
KINDS = ("unit_cost", "daily_spend", "training_overrun", "request_jump", "runaway_experiment")
_RUN_SUFFIX = re.compile(r"-run-\d+$")


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds of every alert; the defaults are the documented ones."""

    unit_cost_threshold: float = 0.18  # week-over-week rise in USD per 1K requests…
    unit_cost_floor_usd: float = 200.0  # …that pages only when the weekly impact is this much
    spend_z: float = 6.0  # robust z-score of a day's run-rate spend vs its trailing 28 days
    request_jump: float = 1.6  # requests × this over their trailing median, with no release
    experiment_jump: float = 3.0  # a team's experiment GPU-hours × this over their median
    training_overrun: float = 0.25  # a run's GPU-hours this far past its forecast


@dataclass(frozen=True)
class Alert:
    """One trend break: what, where, since when, expected vs actual, the impact and context."""

    kind: str  # one of KINDS
    scope: tuple[tuple[str, str], ...]  # e.g. (("endpoint", "chat"), ("environment", "prod"))
    start: date
    expected: float
    actual: float
    impact_usd: float
    unit: str  # what expected and actual measure, e.g. "USD per 1K requests"
    deployment_ids: tuple[str, ...] = ()
    experiments: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        """Return the scope for people: 'support-chat (production)', 'research', 'total'."""
        values = [v for _, v in self.scope]
        if not values:
            return "total"
        return values[0] + (f" ({', '.join(values[1:])})" if len(values) > 1 else "")

    @property
    def change(self) -> float:
        """Return actual / expected − 1."""
        return self.actual / self.expected - 1 if self.expected else float("inf")

    @property
    def context(self) -> str:
        """Return the deployment IDs and experiment names active then, comma-separated."""
        return ", ".join((*self.deployment_ids, *self.experiments))

    def to_json(self) -> dict[str, Any]:
        """Return the alert in the `alerts` CLI's JSON contract (impact_pct in percent)."""
        return {
            "kind": self.kind, "scope": dict(self.scope), "start": self.start.isoformat(),
            "expected": self.expected, "actual": self.actual,
            "impact_usd": round(self.impact_usd, 2),
            "impact_pct": round(self.change * 100, 2) if self.expected else None,
            "deployment_ids": list(self.deployment_ids), "experiments": list(self.experiments),
        }


def _names(values: pd.Series, limit: int = 8) -> tuple[str, ...]:
    """Return the distinct non-empty, allocated names in a column, sorted, at most `limit`."""
    names = sorted({str(v) for v in values if str(v) and str(v) not in NO_TAG.values()})
    return tuple(names[:limit])


def unit_cost_alerts(billing: pd.DataFrame, telemetry: pd.DataFrame,
                     settings: AlertSettings = AlertSettings()) -> list[Alert]:
    """Alert when an endpoint's cost per 1K requests over the last 7 days is above the 7 days
    before by the threshold or more, and the weekly impact is at least the USD floor.

    Evaluated every day on rolling 7-day windows per endpoint and environment, so a release on
    a Wednesday is compared week against week, not split across two calendar weeks. The alert
    starts on the first day of the window whose own unit cost is above the week before by half
    the threshold or more.
    """
    keys = ["endpoint", "environment", "day"]
    cost = billing[billing["endpoint"] != NO_TAG["endpoint"]].groupby(keys)["effective_cost"].sum()
    use = telemetry.groupby(keys)["requests"].sum()
    table = pd.concat([cost, use], axis=1, join="inner").reset_index()
    alerts: list[Alert] = []
    for (endpoint, environment), rows in table.groupby(["endpoint", "environment"]):
        daily = rows.set_index("day").sort_index()
        week_cost = daily["effective_cost"].rolling(7).sum()
        week_requests = daily["requests"].rolling(7).sum()
        per_1k = week_cost / week_requests.replace(0, np.nan) * 1000
        before = per_1k.shift(7)
        day_per_1k = daily["effective_cost"] / daily["requests"].replace(0, np.nan) * 1000
        impact = (per_1k - before) * week_requests / 1000
        # a hair of tolerance so that a rise of exactly the threshold fires despite rounding
        firing = ((per_1k / before - 1 >= settings.unit_cost_threshold - 1e-9)
                  & (impact >= settings.unit_cost_floor_usd))
        for day in daily.index[firing.fillna(False).to_numpy()]:
            window = daily.loc[day - pd.Timedelta(days=6): day]
            rising = day_per_1k.loc[window.index] > before[day] * (
                1 + settings.unit_cost_threshold / 2)
            began = window.index[rising.to_numpy()][0] if rising.any() else day
            active = telemetry[(telemetry["endpoint"] == endpoint)
                               & (telemetry["environment"] == environment)
                               & (telemetry["day"] >= began) & (telemetry["day"] <= day)]
            alerts.append(Alert(
                "unit_cost", (("endpoint", str(endpoint)), ("environment", str(environment))),
                began.date(), float(before[day]), float(per_1k[day]), float(impact[day]),
                "USD per 1K requests",
                deployment_ids=_names(active["deployment_id"]) if "deployment_id" in active
                else ()))
    return _first_of_runs(alerts, key_on_start=True)


def _robust_z(series: pd.Series) -> pd.Series:
    """Return each value's distance from its trailing median, in trailing MADs."""
    median = series.shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
    mad = (series.shift(1) - median).abs().rolling(TRAILING_DAYS, min_periods=14).median()
    return (series - median) / (1.4826 * mad.replace(0, np.nan))


def _new_deployments(billing: pd.DataFrame, day: pd.Timestamp, days: int = 7) -> tuple[str, ...]:
    """Return the deployment IDs first billed in the `days` days up to `day` (fresh releases)."""
    if "deployment_id" not in billing.columns:
        return ()
    tagged = billing[~billing["deployment_id"].isin(["", NO_TAG["deployment_id"]])]
    first = tagged.groupby("deployment_id")["day"].min()
    overall_first = billing["day"].min()
    fresh = first[(first > day - pd.Timedelta(days=days)) & (first <= day)
                  & (first > overall_first)]
    return _names(pd.Series(fresh.index))


def spend_alerts(billing: pd.DataFrame,
                 settings: AlertSettings = AlertSettings()) -> list[Alert]:
    """Alert on days whose run-rate spend is far from its recent level (robust z-score).

    Training is left out: it is planned as projects, in bursts, and has its own alert.
    """
    run_rate = billing[billing["workload_class"] != "training"]
    daily = run_rate.groupby("day")["effective_cost"].sum()
    z = _robust_z(daily)
    median = daily.shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
    out = []
    for day in daily.index[z.abs() > settings.spend_z]:
        that_day = run_rate[run_rate["day"] == day]
        out.append(Alert("daily_spend", (), day.date(), float(median[day]), float(daily[day]),
                         float(daily[day] - median[day]), "USD per day",
                         deployment_ids=_new_deployments(billing, day),
                         experiments=_names(that_day["experiment"], limit=5)))
    return _first_of_runs(out)


def request_jump_alerts(telemetry: pd.DataFrame, billing: pd.DataFrame,
                        settings: AlertSettings = AlertSettings()) -> list[Alert]:
    """Alert when an endpoint's requests jump with no new release: a retry loop, say."""
    out = []
    for endpoint, rows in telemetry.groupby("endpoint"):
        daily = rows.groupby("day")["requests"].sum()
        deployments = rows.groupby("day")["deployment_id"].agg(lambda d: ",".join(sorted(set(d))))
        median = daily.shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
        cost = billing[billing["endpoint"] == endpoint].groupby("day")["effective_cost"].sum()
        for day in daily.index[daily > settings.request_jump * median]:
            if deployments.get(day) != deployments.shift(1).get(day):
                continue  # a release explains it
            per_request = float(cost.get(day, 0.0)) / float(daily[day]) if daily[day] else 0.0
            out.append(Alert(
                "request_jump", (("endpoint", str(endpoint)),), day.date(), float(median[day]),
                float(daily[day]), (float(daily[day]) - float(median[day])) * per_request,
                "requests per day",
                deployment_ids=tuple(d for d in str(deployments[day]).split(",") if d)))
    return _first_of_runs(out)


def runaway_experiment_alerts(billing: pd.DataFrame,
                              settings: AlertSettings = AlertSettings()) -> list[Alert]:
    """Alert when a team's experimentation GPU-hours run far above their recent level."""
    rows = billing[billing["workload_class"] == "experimentation"]
    out = []
    for team, group in rows.groupby("team"):
        daily = group.groupby("day")[["gpu_hours", "effective_cost"]].sum()
        median = daily["gpu_hours"].shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
        usd_per_hour = daily["effective_cost"] / daily["gpu_hours"].replace(0, np.nan)
        for day in daily.index[daily["gpu_hours"] > settings.experiment_jump * median]:
            names = group[group["day"] == day]["experiment"]
            out.append(Alert(
                "runaway_experiment", (("team", str(team)),), day.date(), float(median[day]),
                float(daily.loc[day, "gpu_hours"]),
                float((daily.loc[day, "gpu_hours"] - median[day]) * usd_per_hour[day]),
                "GPU-hours per day", experiments=_names(names)))
    return _first_of_runs(out)


def training_project(run: str) -> str:
    """Return the project of a training run name: 'chat-finetune-run-7' → 'chat-finetune'."""
    return _RUN_SUFFIX.sub("", run)


def planned_gpu_hours_per_run(scenario: Scenario | None) -> tuple[tuple[str, float], ...]:
    """Return (project, billed GPU-hours per run) of each [[training]], as the forecast bills it.

    The training-overrun alert's forecast: a spot run's written hours × (1 + spot_overhead),
    the engine's unit_costs.billed_gpu_hours_per_run. () without a scenario. A tuple, so a cache
    can key on it; dict() of it is what all_alerts takes.
    """
    if scenario is None:
        return ()
    values = input_values(scenario)
    plan = scenario.at(0)  # as the plan stands in its first month: the actual runs an alert
    # reads come before the plan or open it (a dated change later on is not yet in force)
    return tuple((t.name, float(billed_gpu_hours_per_run(t, values))) for t in plan.training)


def training_overrun_alerts(billing: pd.DataFrame,
                            planned_gpu_hours: Mapping[str, float] | None = None,
                            settings: AlertSettings = AlertSettings()) -> list[Alert]:
    """Alert when a training run's GPU-hours pass its forecast by the threshold.

    A run is one `experiment` value of the training rows; its project is the name without
    '-run-N'. The forecast is the project's planned GPU-hours per run when given (as the
    forecast bills them: planned_gpu_hours_per_run), else the median of the project's earlier
    runs (two at least). The alert starts on the day the run passed its forecast.
    """
    rows = billing[(billing["workload_class"] == "training")
                   & (billing["experiment"] != NO_TAG["experiment"])]
    runs = (rows.groupby(["experiment", "day"])[["gpu_hours", "effective_cost"]].sum()
            .reset_index().sort_values(["experiment", "day"], kind="stable"))
    totals = runs.groupby("experiment").agg(first=("day", "min"), gpu_hours=("gpu_hours", "sum"))
    totals["project"] = [training_project(str(name)) for name in totals.index]
    out = []
    for run, total in totals.sort_values("first", kind="stable").iterrows():
        project = str(total["project"])
        if planned_gpu_hours and project in planned_gpu_hours:
            expected = float(planned_gpu_hours[project])
        else:
            earlier = totals[(totals["project"] == project) & (totals["first"] < total["first"])]
            if len(earlier) < 2:
                continue
            expected = float(earlier["gpu_hours"].median())
        days = runs[runs["experiment"] == run]
        cumulative = days["gpu_hours"].cumsum()
        over = days[(cumulative > expected * (1 + settings.training_overrun)).to_numpy()]
        if expected <= 0 or over.empty:
            continue
        passed = days[(cumulative > expected).to_numpy()]["day"].iloc[0]
        actual = float(days["gpu_hours"].sum())
        usd_per_hour = float(days["effective_cost"].sum()) / actual if actual else 0.0
        out.append(Alert("training_overrun", (("project", project),), passed.date(), expected,
                         actual, (actual - expected) * usd_per_hour, "GPU-hours per run",
                         experiments=(str(run),)))
    return out


def _first_of_runs(alerts: list[Alert], key_on_start: bool = False) -> list[Alert]:
    """Keep one alert per run of consecutive days on the same scope: when it began.

    With key_on_start, alerts that share a start day (one incident seen from several windows)
    also collapse into the first.
    """
    out: list[Alert] = []
    last: dict[tuple[str, tuple[tuple[str, str], ...]], date] = {}
    for alert in sorted(alerts, key=lambda a: (a.kind, a.scope, a.start)):
        key = (alert.kind, alert.scope)
        if key_on_start and out and (out[-1].kind, out[-1].scope, out[-1].start) == (
                alert.kind, alert.scope, alert.start):
            continue
        previous = last.get(key)
        last[key] = alert.start
        if previous is not None and (alert.start - previous).days <= 1:
            continue
        out.append(alert)
    return out


def all_alerts(billing: pd.DataFrame, telemetry: pd.DataFrame,
               settings: AlertSettings = AlertSettings(),
               planned_gpu_hours: Mapping[str, float] | None = None) -> list[Alert]:
    """Return every alert over the USD rollups, oldest first."""
    usd = billing[billing["currency"] == "USD"]
    found = (unit_cost_alerts(usd, telemetry, settings) + spend_alerts(usd, settings)
             + training_overrun_alerts(usd, planned_gpu_hours, settings)
             + request_jump_alerts(telemetry, usd, settings)
             + runaway_experiment_alerts(usd, settings))
    return sorted(found, key=lambda a: (a.start, a.kind, a.scope))
