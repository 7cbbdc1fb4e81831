"""The rows pages, downloads and the PDF show: display names, order, and CSV bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from budget.forecast import CATEGORY_LABELS, Forecast, category_label
from budget.inputs import INPUTS_BY_NAME
from budget.procurement import Strategy, saving_vs_on_demand_usd
from budget.scenario_model import WORKLOAD_TABLES, Scenario
from budget.sensitivity import MonteCarlo, SobolIndex, TornadoBar, input_ranges

if TYPE_CHECKING:
    from budget.alerts import Alert
    from budget.bridge import Step
    from budget.governance import Incident
    from budget.multicloud import Placement, WorkloadPortability
    from budget.reforecast import PeriodForecast


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the frame as UTF-8 CSV bytes (no index), the format every download uses."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def workload_rows(result: Forecast, limit: int | None = None) -> pd.DataFrame:
    """Return the per-workload table with readable category names, largest cost first.

    With `limit`, only that many of the costliest (the same rows as the head of all of them).
    """
    # largest first, ties in file order
    order = np.argsort(-result.workload_cost_usd(), kind="stable")
    table = result.workload_table(order[:limit] if limit is not None else order)
    # a dated change that moves a workload's kind reads "old → new" (Forecast.workload_table)
    codes, categories = pd.factorize(table["category"])  # each distinct category named once
    names = np.array([category_label(str(c)) for c in categories], dtype=object)
    table["category"] = names[codes] if len(codes) else []
    return table


def monthly_rows(result: Forecast) -> pd.DataFrame:
    """Return month × category USD with a total column, one row per month."""
    table = result.by_category.rename(columns=CATEGORY_LABELS)
    table["Total"] = result.total_usd
    return table.reset_index().rename(columns={"month": "Month"})


def period_rows(result: Forecast, period: str) -> pd.DataFrame:
    """Return fiscal quarter (or year) × category USD with readable names and a total."""
    table = result.by_period(period).rename(columns={**CATEGORY_LABELS, "total_usd": "Total"})
    return table.rename(columns={period: period.capitalize(), "months": "Months"})


def gpu_hour_rows(result: Forecast) -> pd.DataFrame:
    """Return GPU-hours per month by cloud/GPU pool, one row per month."""
    return result.gpu_hours_by_pool().rename_axis("month").reset_index()


def assumption_rows(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Return one table per scenario section, columns named as the file's keys."""
    drivers = pd.DataFrame(
        [{"driver": k, "value": v} for k, v in dataclasses.asdict(scenario.drivers).items()]
    )
    sections: dict[str, pd.DataFrame] = {"drivers": drivers}
    for name in ("gpu_prices", *WORKLOAD_TABLES):
        rows = [dataclasses.asdict(row) for row in getattr(scenario, name)]
        sections[name] = pd.DataFrame(rows)
    sections["ranges"] = range_rows(scenario)
    return sections


def range_rows(scenario: Scenario) -> pd.DataFrame:
    """Return every uncertain input's P10, expected and P90, and where the range comes from."""
    return pd.DataFrame([
        {"input": r.name, "label": INPUTS_BY_NAME[r.name].label, "p10": r.low,
         "expected": r.expected, "p90": r.high,
         "range_from": "[ranges] in the file" if r.written else "documented default"}
        for r in input_ranges(scenario)
    ])


def tornado_rows(base_total_usd: float, bars: list[TornadoBar],
                 indices: dict[str, SobolIndex] | None = None) -> pd.DataFrame:
    """Return the tornado as a table, largest swing first, with Sobol S1/ST beside when given."""
    table = pd.DataFrame([
        {"input": b.input, "low_value": b.low_value, "high_value": b.high_value,
         "low_total_usd": b.low_total, "high_total_usd": b.high_total,
         "low_change_usd": b.low_total - base_total_usd,
         "high_change_usd": b.high_total - base_total_usd, "swing_usd": b.swing,
         "nonlinear": b.nonlinear}
        for b in bars
    ])
    if indices is not None:
        table["sobol_s1"] = table["input"].map({n: i.s1 for n, i in indices.items()})
        table["sobol_st"] = table["input"].map({n: i.st for n, i in indices.items()})
    return table


def cases_rows(rows: list[dict[str, float | str]]) -> pd.DataFrame:
    """Return low / expected / high per line with readable names, the total first."""
    table = pd.DataFrame(rows)
    table["line"] = table["line"].map({"total": "Total", **CATEGORY_LABELS})
    return table


def fan_rows(months: tuple[str, ...], mc: MonteCarlo, expected: pd.Series) -> pd.DataFrame:
    """Return the monthly P10 / P50 / P90 of the simulated total beside the expected forecast."""
    return pd.DataFrame({"month": list(months), "p10_usd": mc.monthly_p10,
                         "p50_usd": mc.monthly_p50, "p90_usd": mc.monthly_p90,
                         "expected_usd": expected.to_numpy()})


def sobol_rows(indices: dict[str, SobolIndex]) -> pd.DataFrame:
    """Return S1, ST and their gap (the interaction share) per input, largest ST first.

    Shares below 0 are the estimator's sampling noise and shown as 0 (SobolIndex.s1_share).
    """
    table = pd.DataFrame([{"input": INPUTS_BY_NAME[n].label, "s1": i.s1_share, "st": i.st_share,
                           "interaction": max(i.st_share - i.s1_share, 0.0)}
                          for n, i in indices.items()])
    return table.sort_values("st", ascending=False, kind="stable").reset_index(drop=True)


def strategy_rows(options: Sequence[Strategy]) -> pd.DataFrame:
    """Return each procurement strategy's cost and its saving against all on demand (USD)."""
    return pd.DataFrame([{
        "strategy": s.name.replace("_", " "), "cost_usd": s.cost,
        "saving_vs_on_demand_usd": saving_vs_on_demand_usd(options, s),
        "reserved_gpus": ", ".join(f"{p} × {n}" for p, n in s.reserved_gpus.items() if n)
        or "none", "idle_reserved_usd": s.idle_reserved_usd,
        "expected_cost_over_draws_usd": s.expected_cost_over_draws} for s in options])


def placement_rows(options: Sequence[Placement]) -> pd.DataFrame:
    """Return each placement's GPU cost (USD, horizon), shortage exposure and switching cost."""
    return pd.DataFrame([{"placement": o.name, "gpu_cost_usd": o.cost_usd,
                          "largest_cloud_share": o.largest_cloud_share,
                          "switching_usd": o.switching_usd} for o in options])


def cost_changes(options: Sequence[Placement]) -> list[float | None]:
    """Return each placement's cost minus the first's (the plan's, which gets None), USD."""
    return [None if i == 0 else o.cost_usd - options[0].cost_usd for i, o in enumerate(options)]


def portability_rows(scores: Sequence[WorkloadPortability]) -> pd.DataFrame:
    """Return each GPU workload's portability score (0–100), egress and cost of moving (USD)."""
    return pd.DataFrame([{"workload": p.workload, "cloud": p.cloud,
                          "secondary_cloud": p.secondary_cloud or "", "score": p.score,
                          "monthly_egress_usd": p.monthly_egress_usd, "move_usd": p.move_usd}
                         for p in scores])


def bridge_rows(steps: Sequence[Step], with_changes: bool = False) -> pd.DataFrame:
    """Return the bridge's steps: each change and what it is worth (USD over the horizon).

    with_changes adds a column `changes`: the changes inside each step, joined by '; '.
    """
    return pd.DataFrame([{"change": s.change, "delta_usd": s.delta,
                          **({"changes": "; ".join(s.changes)} if with_changes else {})}
                         for s in steps])


def alert_rows(alerts: Sequence[Alert]) -> pd.DataFrame:
    """Return the alerts newest first; change is None where nothing was expected."""
    return pd.DataFrame([{
        "start": a.start, "kind": a.kind.replace("_", " "), "scope": a.subject,
        "expected": a.expected, "actual": a.actual, "unit": a.unit,
        "change": a.change if a.expected else None, "impact_usd": a.impact_usd,
        "deployments / experiments": a.context} for a in reversed(alerts)])


def reforecast_rows(periods: Sequence[PeriodForecast]) -> pd.DataFrame:
    """Return each period's actual so far, low, forecast, high and budget (USD)."""
    return pd.DataFrame([{"period": p.label, "end": p.end, "actual_usd": p.actual_usd,
                          "low_usd": p.low_usd, "forecast_usd": p.forecast_usd,
                          "high_usd": p.high_usd, "budget_usd": p.budget_usd}
                         for p in periods])


def incident_rows(incidents: Sequence[Incident]) -> pd.DataFrame:
    """Return the incident records with their detection gap in days (the source alert left out)."""
    return pd.DataFrame([{**dataclasses.asdict(i), "detection_gap_days": i.detection_gap_days}
                         for i in incidents]).drop(columns="alert")


def _cell_text(value: object) -> str:
    """Return a checklist cell as text: '' for a gap, 'yes'/'no' for booleans."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "yes" if value is True else "no" if value is False else str(value)


def checklist_cells(table: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Return the checklist with every item column as text; a gap is the empty string."""
    shown = table.copy()
    for label in labels:
        shown[label] = shown[label].map(_cell_text)
    return shown
