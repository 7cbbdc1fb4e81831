"""Efficiency levers: each a documented share of a documented cost base of the forecast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from budget.forecast import Forecast
from budget.unit_costs import TOKENS_PER_PRICE_UNIT, api_usd_per_1m_tokens, input_values


@dataclass(frozen=True)
class Lever:
    """A saving: `percent` of the cost `base` returns (USD over the horizon)."""

    name: str
    base_label: str
    percent: float
    why: str
    base: Callable[[Forecast], float]


def _api_input_usd(result: Forecast) -> float:
    """Return horizon USD of API input tokens (input tokens × input price × token_price)."""
    values = input_values(result.scenario)
    prices = {w.name: float(api_usd_per_1m_tokens(w.price_per_1m_input or 0.0, values))
              for w in result.scenario.inference if w.serving == "api"}
    lines = result.lines[result.lines["workload"].isin(list(prices))]
    per_token = lines["workload"].map(prices) / TOKENS_PER_PRICE_UNIT
    return float((lines["input_tokens"] * per_token).sum())


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
                                  & (x["serving"] == "api"))),
    Lever("Prompt caching", "API input tokens", 0.40,
          "cached input bills about 10% of the input price; assumes 45% of input tokens are "
          "repeated prefixes (0.45 × 0.9)", _api_input_usd),
    Lever("Smaller context windows", "API input tokens", 0.15,
          "trimming retrieved context and history by 15% cuts input tokens by as much",
          _api_input_usd),
    Lever("Routing to smaller models", "real-time inference on APIs", 0.25,
          "30% of requests answered by a model at about a sixth of the price "
          "(0.3 × 5/6)", lambda f: _cost(f, lambda x: (x["category"] == "realtime_inference")
                                          & (x["serving"] == "api"))),
    Lever("Quantisation (FP8)", "self-hosted inference", 0.29,
          "FP8 weights serve about 1.4× the tokens per GPU (1 − 1/1.4)",
          lambda f: _cost(f, lambda x: x["serving"] == "self_hosted")),
    Lever("Distillation", "the largest self-hosted workload", 0.35,
          "a distilled smaller model takes half of its traffic at 30% of the GPU time "
          "(0.5 × 0.7)", _largest_self_hosted),
    Lever("Batching self-hosted requests", "batch inference on own GPUs", 0.20,
          "larger batches raise tokens per GPU-second by a quarter (1 − 1/1.25)",
          lambda f: _cost(f, lambda x: (x["category"] == "batch_inference")
                          & (x["serving"] == "self_hosted"))),
)


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
