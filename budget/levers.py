"""Efficiency levers: each a documented share of a documented cost base of the forecast."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from budget.errors import BudgetInputError, shown
from budget.forecast import Forecast, forecast
from budget.months import month_labels, month_offset
from budget.scenario_model import InferenceWorkload, Scenario
from budget.unit_costs import TOKENS_PER_PRICE_UNIT, api_usd_per_1m_tokens, input_values

# What a lever changes on a workload, so that its cost falls by exactly the lever's percent: a
# price or token count × (1 − percent), or a throughput ÷ (1 − percent) (GPU time ∝ 1/throughput)
_API_PRICES = ("price_per_1m_input", "price_per_1m_output")
_THROUGHPUTS = ("output_tokens_per_gpu_second", "input_tokens_per_gpu_second")


@dataclass(frozen=True)
class Lever:
    """A saving: `percent` of the cost `base` returns (USD over the horizon)."""

    name: str
    base_label: str
    percent: float
    why: str
    base: Callable[[Forecast], float]
    applies: Callable[[InferenceWorkload], bool] = lambda w: False  # may be a dated change on w
    scaled: tuple[str, ...] = ()  # fields × (1 − percent)
    sped_up: tuple[str, ...] = ()  # fields ÷ (1 − percent)
    largest_only: bool = False  # its base is the largest eligible workload alone


def _api_input_usd(result: Forecast) -> float:
    """Return horizon USD of API input tokens (input tokens × input price × token_price)."""
    values = input_values(result.scenario)
    total = 0.0
    for segment in result.scenario.segments():  # prices as each month's plan has them
        prices = {w.name: float(api_usd_per_1m_tokens(w.price_per_1m_input or 0.0, values))
                  for w in segment.scenario.inference if w.serving == "api"}
        lines = result.lines[result.lines["workload"].isin(list(prices))
                             & result.lines["month_index"].between(segment.first, segment.last)]
        per_token = lines["workload"].map(prices) / TOKENS_PER_PRICE_UNIT
        total += float((lines["input_tokens"] * per_token).sum())
    return total


def _api(kind: str | None = None) -> Callable[[InferenceWorkload], bool]:
    return lambda w: w.serving == "api" and kind in (None, w.kind)


def _own_gpus(kind: str | None = None) -> Callable[[InferenceWorkload], bool]:
    return lambda w: w.serving == "self_hosted" and kind in (None, w.kind)


def _cost(result: Forecast, mask: Callable[[pd.DataFrame], pd.Series]) -> float:
    return float(result.lines.loc[mask(result.lines), "cost_usd"].sum())


def _largest_self_hosted(result: Forecast) -> float:
    lines = result.lines[result.lines["serving"] == "self_hosted"]
    if lines.empty:
        return 0.0
    return float(lines.groupby("workload")["cost_usd"].sum().max())


LEVERS: tuple[Lever, ...] = (
    Lever("Batch API pricing", "batch inference on APIs", 0.50,
          "providers' batch endpoints bill about half the list price for work that can wait "
          "a day", lambda f: _cost(f, lambda x: (x["category"] == "batch_inference")
                                  & (x["serving"] == "api")),
          applies=_api("batch"), scaled=_API_PRICES),
    Lever("Prompt caching", "API input tokens", 0.40,
          "cached input bills about 10% of the input price; assumes 45% of input tokens are "
          "repeated prefixes (0.45 × 0.9)", _api_input_usd,
          applies=_api(), scaled=("price_per_1m_input",)),
    Lever("Smaller context windows", "API input tokens", 0.15,
          "trimming retrieved context and history by 15% cuts input tokens by as much",
          _api_input_usd, applies=_api(), scaled=("input_tokens",)),
    Lever("Routing to smaller models", "real-time inference on APIs", 0.25,
          "30% of requests answered by a model at about a sixth of the price "
          "(0.3 × 5/6)", lambda f: _cost(f, lambda x: (x["category"] == "realtime_inference")
                                          & (x["serving"] == "api")),
          applies=_api("realtime"), scaled=_API_PRICES),
    Lever("Quantisation (FP8)", "self-hosted inference", 0.29,
          "FP8 weights serve about 1.4× the tokens per GPU (1 − 1/1.4)",
          lambda f: _cost(f, lambda x: x["serving"] == "self_hosted"),
          applies=_own_gpus(), sped_up=_THROUGHPUTS),
    Lever("Distillation", "the largest self-hosted workload", 0.35,
          "a distilled smaller model takes half of its traffic at 30% of the GPU time "
          "(0.5 × 0.7)", _largest_self_hosted, applies=_own_gpus(), sped_up=_THROUGHPUTS,
          largest_only=True),
    Lever("Batching self-hosted requests", "batch inference on own GPUs", 0.20,
          "larger batches raise tokens per GPU-second by a quarter (1 − 1/1.25)",
          lambda f: _cost(f, lambda x: (x["category"] == "batch_inference")
                          & (x["serving"] == "self_hosted")),
          applies=_own_gpus("batch"), sped_up=_THROUGHPUTS),
)
LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}


def _lever(name: str) -> Lever:
    """Return the lever called `name`; BudgetInputError naming the levers otherwise."""
    if name not in LEVERS_BY_NAME:
        raise BudgetInputError("lever", f"no lever called {shown(name)}",
                               fix="choose one of " + ", ".join(LEVERS_BY_NAME))
    return LEVERS_BY_NAME[name]


def lever_workloads(lever_name: str, scenario: Scenario, month: str | None = None) -> list[str]:
    """Return the inference workloads a lever can apply to (as the plan stands in `month`).

    For a lever priced on the largest eligible workload (distillation), that one alone.
    """
    lever = _lever(lever_name)
    index = 0 if month is None else month_offset(scenario.start, month)
    names = [w.name for w in scenario.at(index).inference if lever.applies(w)]
    if lever.largest_only and names:  # as the levers table prices it: the largest one
        by = forecast(scenario).lines.groupby("workload", sort=False)["cost_usd"].sum()
        names = [max(names, key=lambda name: float(by.get(name, 0.0)))]
    return names


def lever_changes(lever_name: str, scenario: Scenario, workloads: Sequence[str], month: str,
                  ) -> list[dict[str, Any]]:
    """Return the [[changes]] rows that apply a lever to `workloads` from `month`.

    Priced as the levers table prices it: each workload's cost falls by exactly the lever's
    percent from that month on (prices and token counts × (1 − percent); throughputs
    ÷ (1 − percent), GPU time being inversely proportional to them). The values are the
    workload's as the plan stands in `month`, so earlier dated changes carry through.
    """
    lever = _lever(lever_name)
    months = month_labels(scenario.start, scenario.months)
    if month not in months:
        raise BudgetInputError("lever", f"{shown(month)} is outside the horizon, {months[0]} to "
                               f"{months[-1]}", field="month", fix="choose a month of the plan")
    plan = {w.name: w for w in scenario.at(months.index(month)).inference}
    keep = 1.0 - lever.percent
    rows = []
    for name in workloads:
        w = plan.get(name)
        if w is None or not lever.applies(w):
            raise BudgetInputError(
                "lever", f"{lever.name} does not apply to {shown(name)}", field="workloads",
                fix="choose among " + (", ".join(lever_workloads(lever.name, scenario, month))
                                       or "no workload of this plan"))
        values: dict[str, float] = {}
        for field in lever.scaled:
            values[field] = float(getattr(w, field) or 0.0) * keep
        for field in lever.sped_up:
            if getattr(w, field) is not None:
                values[field] = float(getattr(w, field)) / keep
        rows.append({"month": month, "workload": name, "set": values})
    return rows


def lever_table(result: Forecast) -> pd.DataFrame:
    """Return each lever's base, percent and saving over the horizon, largest saving first."""
    rows = []
    for lever in LEVERS:
        base = lever.base(result)
        rows.append({"lever": lever.name, "base": lever.base_label, "base_usd": base,
                     "percent": lever.percent, "saving_usd": base * lever.percent,
                     "assumption": lever.why})
    table = pd.DataFrame(rows)
    return table.sort_values("saving_usd", ascending=False, kind="stable").reset_index(drop=True)
