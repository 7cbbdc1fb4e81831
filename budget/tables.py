"""Presentation tables: workload, training and GPU tables with display names, and CSV bytes."""

from __future__ import annotations

import dataclasses

import pandas as pd

from budget.forecast import CATEGORY_LABELS, Forecast
from budget.scenario import Scenario


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the frame as UTF-8 CSV bytes (no index), the format every download uses."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def workload_rows(result: Forecast) -> pd.DataFrame:
    """Return the per-workload table with readable category names, largest cost first."""
    table = result.workload_table()
    table["category"] = table["category"].map(CATEGORY_LABELS)
    return table.sort_values("cost_usd", ascending=False, kind="stable").reset_index(drop=True)


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
    return sections
