"""Two scenario versions' headline figures side by side, with the change from old to new."""

from __future__ import annotations

from dataclasses import dataclass

from budget.fmt import signed_usd
from budget.forecast import Forecast


@dataclass(frozen=True)
class Figure:
    """One headline number of the old and the new version (USD; None when undefined)."""

    label: str
    old_usd: float | None
    new_usd: float | None
    decimals: int  # places the number is shown with

    @property
    def change_usd(self) -> float | None:
        """Return new − old, or None when either is undefined."""
        if self.old_usd is None or self.new_usd is None:
            return None
        return self.new_usd - self.old_usd

    @property
    def change_text(self) -> str | None:
        """Return the change as '+$1,234' (zero reads '+$0'), or None when undefined."""
        change = self.change_usd
        return None if change is None else signed_usd(change, self.decimals)


def headline_figures(old: Forecast, new: Forecast) -> list[Figure]:
    """Return horizon total, first and last month and inference per 1K requests of both."""
    return [
        Figure("Horizon total", old.total_cost_usd, new.total_cost_usd, 0),
        Figure("First month", old.run_rate_usd(0), new.run_rate_usd(0), 0),
        Figure("Last month", old.run_rate_usd(-1), new.run_rate_usd(-1), 0),
        Figure("Per 1K requests", old.unit_costs.usd_per_1k_requests,
               new.unit_costs.usd_per_1k_requests, 4),
    ]
