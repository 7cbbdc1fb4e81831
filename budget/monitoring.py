"""Monitoring actuals: burn rate against plan, and alerts on rates rather than totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

UNIT_COST_THRESHOLD = 0.18  # week-over-week rise in USD per 1K requests that pages someone
UNIT_COST_FLOOR_USD = 200.0  # …and only when the weekly impact is at least this much
SPEND_Z_THRESHOLD = 6.0  # robust z-score of a day's spend against its trailing 28 days
REQUEST_JUMP = 1.6  # requests × this over their trailing median, with no new release
EXPERIMENT_JUMP = 3.0  # an experiment team's GPU-hours × this over its trailing median
TRAILING_DAYS = 28


@dataclass(frozen=True)
class Alert:
    """One trend break: what, where, since when, expected vs actual, and the impact."""

    kind: str  # unit_cost | daily_spend | request_jump | runaway_experiment
    subject: str  # the endpoint, team or "total"
    start: date
    expected: float
    actual: float
    impact_usd: float
    context: str  # deployment IDs or experiment names active then

    @property
    def change(self) -> float:
        """Return actual / expected − 1."""
        return self.actual / self.expected - 1 if self.expected else float("inf")


def unit_cost_alerts(billing: pd.DataFrame, telemetry: pd.DataFrame) -> list[Alert]:
    """Alert when an endpoint's cost per 1K requests over the last 7 days is above the 7 days
    before by more than the threshold, and the weekly impact is above the floor.

    Evaluated every day on rolling 7-day windows, so a release on a Wednesday is compared week
    against week, not split across two calendar weeks. The alert starts on the first day of the
    window whose own unit cost is above the week before by half the threshold or more.
    """
    keys = ["endpoint", "environment", "day"]
    cost = billing[billing["endpoint"] != "unallocated"].groupby(keys)["effective_cost"].sum()
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
        firing = (per_1k > before * (1 + UNIT_COST_THRESHOLD)) & (impact >= UNIT_COST_FLOOR_USD)
        for day in daily.index[firing.fillna(False).to_numpy()]:
            window = daily.loc[day - pd.Timedelta(days=6): day]
            rising = day_per_1k.loc[window.index] > before[day] * (1 + UNIT_COST_THRESHOLD / 2)
            began = window.index[rising.to_numpy()][0] if rising.any() else day
            active = telemetry[(telemetry["endpoint"] == endpoint)
                               & (telemetry["environment"] == environment)
                               & (telemetry["day"] >= began) & (telemetry["day"] <= day)]
            alerts.append(Alert("unit_cost", f"{endpoint} ({environment})", began.date(),
                                float(before[day]),
                                float(per_1k[day]), float(impact[day]),
                                ", ".join(sorted(set(active["deployment_id"])))))
    return _first_of_runs(alerts, key_on_start=True)


def _robust_z(series: pd.Series) -> pd.Series:
    """Return each value's distance from its trailing median, in trailing MADs."""
    median = series.shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
    mad = (series.shift(1) - median).abs().rolling(TRAILING_DAYS, min_periods=14).median()
    return (series - median) / (1.4826 * mad.replace(0, np.nan))


def spend_alerts(billing: pd.DataFrame) -> list[Alert]:
    """Alert on days whose run-rate spend is far from its recent level (robust z-score).

    Training is left out: it is planned as projects, in bursts, and has its own forecast.
    """
    run_rate = billing[billing["workload_class"] != "training"]
    daily = run_rate.groupby("day")["effective_cost"].sum()
    z = _robust_z(daily)
    median = daily.shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
    out = []
    for day in daily.index[z.abs() > SPEND_Z_THRESHOLD]:
        experiments = run_rate[(run_rate["day"] == day)
                               & (run_rate["experiment"] != "unallocated")]
        out.append(Alert("daily_spend", "total", day.date(), float(median[day]),
                         float(daily[day]), float(daily[day] - median[day]),
                         ", ".join(sorted(set(experiments["experiment"]))[:5])))
    return _first_of_runs(out)


def request_jump_alerts(telemetry: pd.DataFrame, billing: pd.DataFrame) -> list[Alert]:
    """Alert when an endpoint's requests jump with no new release: a retry loop, say."""
    out = []
    for endpoint, rows in telemetry.groupby("endpoint"):
        daily = rows.groupby("day")["requests"].sum()
        deployments = rows.groupby("day")["deployment_id"].agg(lambda d: ",".join(sorted(set(d))))
        median = daily.shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
        cost = billing[billing["endpoint"] == endpoint].groupby("day")["effective_cost"].sum()
        for day in daily.index[daily > REQUEST_JUMP * median]:
            if deployments.get(day) != deployments.shift(1).get(day):
                continue  # a release explains it
            per_request = float(cost.get(day, 0.0)) / float(daily[day]) if daily[day] else 0.0
            out.append(Alert("request_jump", str(endpoint), day.date(), float(median[day]),
                             float(daily[day]), (float(daily[day]) - float(median[day]))
                             * per_request, str(deployments[day])))
    return _first_of_runs(out)


def runaway_experiment_alerts(billing: pd.DataFrame) -> list[Alert]:
    """Alert when a team's experimentation GPU-hours run far above their recent level."""
    rows = billing[billing["workload_class"] == "experimentation"]
    out = []
    for team, group in rows.groupby("team"):
        daily = group.groupby("day")[["gpu_hours", "effective_cost"]].sum()
        median = daily["gpu_hours"].shift(1).rolling(TRAILING_DAYS, min_periods=14).median()
        usd_per_hour = daily["effective_cost"] / daily["gpu_hours"].replace(0, np.nan)
        for day in daily.index[daily["gpu_hours"] > EXPERIMENT_JUMP * median]:
            names = group[group["day"] == day]["experiment"]
            out.append(Alert("runaway_experiment", str(team), day.date(), float(median[day]),
                             float(daily.loc[day, "gpu_hours"]),
                             float((daily.loc[day, "gpu_hours"] - median[day])
                                   * usd_per_hour[day]), ", ".join(sorted(set(names)))))
    return _first_of_runs(out)


def _first_of_runs(alerts: list[Alert], key_on_start: bool = False) -> list[Alert]:
    """Keep one alert per run of consecutive days on the same subject: when it began.

    With key_on_start, alerts that share a start day (one incident seen from several windows)
    also collapse into the first.
    """
    out: list[Alert] = []
    last: dict[tuple[str, str], date] = {}
    for alert in sorted(alerts, key=lambda a: (a.kind, a.subject, a.start)):
        key = (alert.kind, alert.subject)
        if key_on_start and out and (out[-1].kind, out[-1].subject, out[-1].start) == (
                alert.kind, alert.subject, alert.start):
            continue
        previous = last.get(key)
        last[key] = alert.start
        if previous is not None and (alert.start - previous).days <= 1:
            continue
        out.append(alert)
    return out


def all_alerts(billing: pd.DataFrame, telemetry: pd.DataFrame) -> list[Alert]:
    """Return every alert over the USD rollups, oldest first."""
    usd = billing[billing["currency"] == "USD"]
    found = (unit_cost_alerts(usd, telemetry) + spend_alerts(usd)
             + request_jump_alerts(telemetry, usd) + runaway_experiment_alerts(usd))
    return sorted(found, key=lambda a: (a.start, a.kind, a.subject))
