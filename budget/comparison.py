"""Two to six scenarios against a chosen base: horizon totals, categories and monthly totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from budget.errors import BudgetInputError
from budget.fmt import signed_usd
from budget.forecast import CATEGORIES, CATEGORY_LABELS, Forecast

COMPARE_SCENARIOS = (2, 6)  # fewest and most scenarios compared at once


def delta_pct(value_usd: float, base_usd: float) -> float | None:
    """Return value − base in percent of base (12.5 is 12.5% above), or None on a zero base."""
    return (value_usd - base_usd) / base_usd * 100 if base_usd else None


@dataclass(frozen=True)
class Compared:
    """One compared scenario: its horizon total (USD) and its change against the base's."""

    label: str  # what the comparison calls it, e.g. its file name
    forecast: Forecast
    total_usd: float
    delta_usd: float  # total − the base's total
    delta_pct: float | None  # delta_usd in percent of the base's total; None on a zero base

    @property
    def delta_text(self) -> str:
        """Return the change as '+$11,130 (+57.3%)', or '+$11,130' on a zero base."""
        pct = "" if self.delta_pct is None else f" ({self.delta_pct:+.1f}%)"
        return signed_usd(self.delta_usd) + pct


@dataclass(frozen=True)
class Comparison:
    """The scenarios compared, in the order given, and which of them is the base."""

    scenarios: tuple[Compared, ...]
    base_index: int

    @property
    def base(self) -> Compared:
        """Return the scenario the others are held against."""
        return self.scenarios[self.base_index]

    @property
    def versions(self) -> list[tuple[str, Forecast]]:
        """Return (label, forecast) per scenario, for the overlaid monthly chart."""
        return [(s.label, s.forecast) for s in self.scenarios]

    @cached_property
    def by_category(self) -> pd.DataFrame:
        """Return per category (label) and scenario: horizon USD and its change against the base.

        Columns category, scenario, usd, base_usd, delta_usd, delta_pct (percent of the base's
        category; missing, NaN, where the base spends nothing on it); categories in CATEGORIES
        order, each with every scenario in the order given.
        """
        horizon = [s.forecast.by_category.sum() for s in self.scenarios]
        base = horizon[self.base_index]
        rows = []
        for category in CATEGORIES:
            base_usd = float(base[category])
            for compared, totals in zip(self.scenarios, horizon, strict=True):
                usd = float(totals[category])
                rows.append({"category": CATEGORY_LABELS[category], "scenario": compared.label,
                             "usd": usd, "base_usd": base_usd, "delta_usd": usd - base_usd,
                             "delta_pct": delta_pct(usd, base_usd)})
        return pd.DataFrame(rows)


def compare(versions: Sequence[tuple[str, Forecast]], base_index: int = 0) -> Comparison:
    """Return each forecast's horizon total and change against the base's (2 to 6 forecasts).

    A total is the forecast's horizon total (total_cost_usd); the change is total − base, in USD
    and in percent of the base (None when the base total is 0).
    """
    fewest, most = COMPARE_SCENARIOS
    if not fewest <= len(versions) <= most:
        raise BudgetInputError("compare", f"takes {fewest} to {most} scenarios, got "
                               f"{len(versions)}", fix=f"choose {fewest} to {most} scenarios")
    if not 0 <= base_index < len(versions):
        raise BudgetInputError("compare", f"the base must be one of the {len(versions)} "
                               f"scenarios compared, got number {base_index + 1}",
                               fix="choose the base among the scenarios compared")
    base_usd = versions[base_index][1].total_cost_usd
    scenarios = []
    for label, result in versions:
        total_usd = result.total_cost_usd
        scenarios.append(Compared(label, result, total_usd, total_usd - base_usd,
                                  delta_pct(total_usd, base_usd)))
    return Comparison(tuple(scenarios), base_index)

