"""Presentation tables: workload, training and GPU tables with display names, and CSV bytes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from budget.forecast import CATEGORY_LABELS, Forecast
from budget.inputs import INPUTS_BY_NAME
from budget.scenario import Scenario
from budget.sensitivity import MonteCarlo, SobolIndex, TornadoBar, input_ranges


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the frame as UTF-8 CSV bytes (no index), the format every download uses."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def workload_rows(result: Forecast) -> pd.DataFrame:
    """Return the per-workload table with readable category names, largest cost first."""
    table = result.workload_table()
    table["category"] = [CATEGORY_LABELS[c] for c in table["category"]]
    # largest first, ties in file order
    order = np.argsort(-table["cost_usd"].to_numpy(), kind="stable")
    return table.take(order).reset_index(drop=True)


def monthly_rows(result: Forecast) -> pd.DataFrame:
    """Return month × category USD with a total column, one row per month."""
    table = result.by_category.rename(columns=CATEGORY_LABELS)
    table["Total"] = result.total_usd
    return table.reset_index().rename(columns={"month": "Month"})


def gpu_hour_rows(result: Forecast) -> pd.DataFrame:
    """Return GPU-hours per month by cloud/GPU pool, one row per month."""
    return result.gpu_hours_by_pool().rename_axis("month").reset_index()


def assumption_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Return one table per scenario section, columns named as the file's keys."""
    drivers = pd.DataFrame(
        [{"driver": k, "value": v} for k, v in dataclasses.asdict(scenario.drivers).items()]
    )
    sections: dict[str, pd.DataFrame] = {"drivers": drivers}
    for name in ("gpu_prices", "inference", "training", "experimentation", "platform"):
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
    """Return S1, ST and their gap (the interaction share) per input, largest ST first."""
    table = pd.DataFrame([{"input": n, "s1": i.s1, "st": i.st, "interaction": i.st - i.s1}
                          for n, i in indices.items()])
    return table.sort_values("st", ascending=False, kind="stable").reset_index(drop=True)
