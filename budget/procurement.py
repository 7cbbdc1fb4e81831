"""Procurement strategies side by side: look one up, and price it against all on demand."""

from __future__ import annotations

from collections.abc import Sequence

from budget.capacity import Strategy

ON_DEMAND = "all_on_demand"  # the strategy every saving is measured against


def strategy_named(options: Sequence[Strategy], name: str) -> Strategy:
    """Return the strategy called `name` (KeyError when there is none)."""
    for option in options:
        if option.name == name:
            return option
    raise KeyError(name)


def saving_vs_on_demand_usd(options: Sequence[Strategy], strategy: Strategy) -> float:
    """Return the all-on-demand cost minus the strategy's (USD over the horizon)."""
    return strategy_named(options, ON_DEMAND).cost - strategy.cost
