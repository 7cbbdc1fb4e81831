"""What each driver's multiplier means in absolute terms, for slider captions."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from budget import unit_costs
from budget.fmt import compact, usd
from budget.forecast import calendar_weights
from budget.inputs import SLIDERS
from budget.scenario_model import InferenceWorkload, Scenario
from budget.unit_costs import (
    api_usd_per_request,
    input_values,
    output_tokens_per_request,
    runs_per_quarter,
    usd_per_gpu_hour,
)


def serving_in_first_month(scenario: Scenario) -> list[InferenceWorkload]:
    """Return the inference workloads that run in the first forecast month (not starting later).

    As they stand in that month: dated changes of the first month applied.
    """
    return [w for w in scenario.at(0).inference if scenario.active_months(w.starts, w.ends)[0] == 0]


def total_requests_first_month(scenario: Scenario) -> float:
    """Return inference requests in the first month, drivers applied (and its calendar days)."""
    values = input_values(scenario)
    weights = calendar_weights(scenario)
    days = 1.0 if weights is None else float(weights["realtime_inference"][0])
    return days * sum(float(unit_costs.requests_first_month(w, values))
                      for w in serving_in_first_month(scenario))


def mean_output_tokens(scenario: Scenario) -> float:
    """Return first-month request-weighted output tokens per request, drivers applied."""
    serving = serving_in_first_month(scenario)
    weight = sum(w.requests_per_month for w in serving)
    if weight == 0:
        return 0.0
    values = input_values(scenario)
    return sum(w.requests_per_month * float(output_tokens_per_request(w, values))
               for w in serving) / weight


def training_runs_per_quarter(scenario: Scenario) -> float:
    """Return training runs per quarter across all training workloads, drivers applied."""
    values = input_values(scenario)
    return sum(float(runs_per_quarter(t, values)) for t in scenario.at(0).training)


def busiest_gpu_pool(scenario: Scenario) -> tuple[str, str, str] | None:
    """Return the (cloud, gpu, pricing) used by most GPU workloads; first listed wins ties."""
    scenario = scenario.at(0)  # the first month's plan, as every caption
    pools: list[tuple[str, str, str]] = [
        (w.cloud, w.gpu, w.pricing) for w in scenario.inference
        if w.cloud is not None and w.gpu is not None
    ]
    pools += [(t.cloud, t.gpu, t.pricing) for t in scenario.training]
    pools += [(e.cloud, e.gpu, e.pricing) for e in scenario.experimentation]
    if not pools:
        return None
    return max(set(pools), key=lambda p: (pools.count(p), -pools.index(p)))


def gpu_hour_usd(scenario: Scenario, pool: tuple[str, str, str]) -> float:
    """Return USD per GPU-hour of a (cloud, gpu, pricing) pool, gpu_price applied."""
    cloud, gpu, pricing = pool
    return float(usd_per_gpu_hour(scenario.at(0), cloud, gpu, pricing, input_values(scenario)))


def blended_api_usd_per_1m_tokens(scenario: Scenario) -> float | None:
    """Return first-month token-weighted API price per 1M tokens, drivers applied."""
    values = input_values(scenario)
    tokens = 0.0
    cost = 0.0
    for w in serving_in_first_month(scenario):
        if w.serving != "api":
            continue
        tokens += w.requests_per_month * (w.input_tokens
                                          + float(output_tokens_per_request(w, values)))
        cost += w.requests_per_month * float(api_usd_per_request(
            w.input_tokens, w.output_tokens, w.price_per_1m_input or 0.0,
            w.price_per_1m_output or 0.0, values))
    if tokens == 0:
        return None
    return cost / tokens * unit_costs.TOKENS_PER_PRICE_UNIT


def inference_volume_caption(scenario: Scenario) -> str:
    """Return the inference_volume caption: first-month requests."""
    return f"≈ {compact(total_requests_first_month(scenario))} requests/month in {scenario.start}"


def output_tokens_caption(scenario: Scenario) -> str:
    """Return the output_tokens caption: average output tokens per request."""
    return f"≈ {mean_output_tokens(scenario):,.0f} output tokens per request (average)"


def refresh_frequency_caption(scenario: Scenario) -> str:
    """Return the refresh_frequency caption: training runs per quarter."""
    return f"≈ {training_runs_per_quarter(scenario):,.1f} training runs per quarter"


def gpu_price_caption(scenario: Scenario) -> str:
    """Return the gpu_price caption: USD per GPU-hour of the busiest pool."""
    pool = busiest_gpu_pool(scenario)
    if pool is None:
        return "no GPU workloads"
    cloud, gpu, pricing = pool
    return (f"≈ {usd(gpu_hour_usd(scenario, pool), 2)}/GPU-hour for {gpu} on {cloud} "
            f"({pricing.replace('_', '-')})")


def token_price_caption(scenario: Scenario) -> str:
    """Return the token_price caption: the blended API price per 1M tokens."""
    blended = blended_api_usd_per_1m_tokens(scenario)
    if blended is None:
        return "no API workloads"
    return f"≈ {usd(blended, 2)} per 1M API tokens (blended)"


def _caption_of(name: str) -> Callable[[Scenario], str]:
    """Return the caption function of a declared driver: this module's `<name>_caption`."""
    caption = globals().get(f"{name}_caption")
    if not callable(caption):  # a slider declared in budget.inputs without its caption
        raise ImportError(f"budget.readouts has no {name}_caption for the {name!r} slider "
                          "declared in budget.inputs")
    return cast("Callable[[Scenario], str]", caption)


# One caption per what-if driver, keyed from the declaration (budget.inputs.SLIDERS): a slider
# without a `<name>_caption` above fails at import.
CAPTIONS: dict[str, Callable[[Scenario], str]] = {name: _caption_of(name) for name in SLIDERS}


def driver_readouts(scenario: Scenario) -> dict[str, str]:
    """Return one plain sentence per driver stating the absolute value it produces."""
    return {name: caption(scenario) for name, caption in CAPTIONS.items()}
