"""What each driver's multiplier means in absolute terms, for slider captions."""

from __future__ import annotations

from budget.fmt import compact, usd
from budget.scenario import Scenario


def requests_first_month(scenario: Scenario) -> float:
    """Return inference requests in the first month, drivers applied."""
    return sum(w.requests_per_month for w in scenario.inference) * scenario.drivers.inference_volume


def mean_output_tokens(scenario: Scenario) -> float:
    """Return first-month request-weighted output tokens per request, drivers applied."""
    weight = sum(w.requests_per_month for w in scenario.inference)
    if weight == 0:
        return 0.0
    mean = sum(w.requests_per_month * w.output_tokens for w in scenario.inference) / weight
    return mean * scenario.drivers.output_tokens


def training_runs_per_quarter(scenario: Scenario) -> float:
    """Return training runs per quarter across all training workloads, drivers applied."""
    runs = sum(t.refreshes_per_quarter for t in scenario.training)
    return runs * scenario.drivers.refresh_frequency


def busiest_gpu_pool(scenario: Scenario) -> tuple[str, str, str] | None:
    """Return the (cloud, gpu, pricing) used by most GPU workloads; first listed wins ties."""
    pools: list[tuple[str, str, str]] = [
        (w.cloud, w.gpu, w.pricing) for w in scenario.inference
        if w.cloud is not None and w.gpu is not None
    ]
    pools += [(t.cloud, t.gpu, t.pricing) for t in scenario.training]
    pools += [(e.cloud, e.gpu, e.pricing) for e in scenario.experimentation]
    if not pools:
        return None
    return max(set(pools), key=lambda p: (pools.count(p), -pools.index(p)))


def blended_api_usd_per_1m_tokens(scenario: Scenario) -> float | None:
    """Return first-month token-weighted API price per 1M tokens, drivers applied."""
    tokens = 0.0
    cost = 0.0
    for w in scenario.inference:
        if w.serving != "api":
            continue
        out = w.output_tokens * scenario.drivers.output_tokens
        tokens += w.requests_per_month * (w.input_tokens + out)
        cost += w.requests_per_month * (
            w.input_tokens * (w.price_per_1m_input or 0.0) + out * (w.price_per_1m_output or 0.0)
        )
    if tokens == 0:
        return None
    return cost / tokens * scenario.drivers.token_price


def driver_readouts(scenario: Scenario) -> dict[str, str]:
    """Return one plain sentence per driver stating the absolute value it produces."""
    first = scenario.start
    text = {
        "inference_volume": f"≈ {compact(requests_first_month(scenario))} requests/month "
        f"in {first}",
        "output_tokens": f"≈ {mean_output_tokens(scenario):,.0f} output tokens per request "
        "(average)",
        "refresh_frequency": f"≈ {training_runs_per_quarter(scenario):,.1f} training runs "
        "per quarter",
        "gpu_price": "no GPU workloads",
        "token_price": "no API workloads",
    }
    pool = busiest_gpu_pool(scenario)
    if pool is not None:
        cloud, gpu, pricing = pool
        hourly = scenario.price(cloud, gpu).usd_per_gpu_hour(pricing) or 0.0
        text["gpu_price"] = (
            f"≈ {usd(hourly * scenario.drivers.gpu_price, 2)}/GPU-hour for {gpu} on {cloud} "
            f"({pricing.replace('_', '-')})"
        )
    blended = blended_api_usd_per_1m_tokens(scenario)
    if blended is not None:
        text["token_price"] = f"≈ {usd(blended, 2)} per 1M API tokens (blended)"
    return text
