"""Self-hosting versus an API: the monthly request volume at which the two cost curves cross."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget.forecast import SECONDS_PER_HOUR
from budget.scenario import InferenceWorkload, Scenario

HOURS_PER_MONTH = 365.25 * 24 / 12
DEFAULT_ALTERNATIVE_UTILIZATION = 0.6


@dataclass(frozen=True)
class BreakEven:
    """The two cost curves of one inference workload and where they cross."""

    workload: str
    serving: str  # how the plan serves it today
    api_usd_per_request: float
    self_host_usd_per_request: float  # GPU time per request at the planned utilisation
    self_host_fixed_usd_per_month: float  # min_gpus around the clock
    planned_requests_per_month: float  # first forecast month, drivers applied
    requests_per_month: float | None  # break-even volume; None when self-hosting never wins

    def costs(self, requests_per_month: np.ndarray) -> pd.DataFrame:
        """Return monthly API and self-hosting USD at each request volume."""
        v = np.asarray(requests_per_month, dtype=float)
        return pd.DataFrame({
            "requests_per_month": v,
            "api_usd": v * self.api_usd_per_request,
            "self_host_usd": np.maximum(v * self.self_host_usd_per_request,
                                        self.self_host_fixed_usd_per_month),
        })


def _api_per_request(w: InferenceWorkload, scenario: Scenario, price_in: float,
                     price_out: float) -> float:
    d = scenario.drivers
    return (w.input_tokens * price_in + w.output_tokens * d.output_tokens * price_out) \
        * d.token_price / 1e6


def _gpu_hours_per_request(scenario: Scenario, output_tokens: float, throughput: float,
                           utilization: float, input_tokens: float = 0.0,
                           prefill: float | None = None) -> float:
    d = scenario.drivers
    seconds = SECONDS_PER_HOUR * min(utilization * d.utilization, 1.0) * d.gpu_throughput
    hours = output_tokens * d.output_tokens / (throughput * seconds)
    if prefill:
        hours += input_tokens / (prefill * seconds)
    return hours


def break_even(scenario: Scenario) -> list[BreakEven]:
    """Return the break-even of every inference workload whose alternative is described.

    Self-hosted workloads need api_price_per_1m_input/output (the API alternative); API
    workloads need self_host_cloud, self_host_gpu and self_host_output_tokens_per_gpu_second
    (priced on demand, utilization self_host_utilization or 0.6). Self-hosting costs
    max(volume × GPU cost per request, min_gpus around the clock); the API costs volume ×
    price per request. They cross at fixed / API price per request, when the GPU cost per
    request is below the API's.
    """
    d = scenario.drivers
    out = []
    for w in scenario.inference:
        planned = w.requests_per_month * d.inference_volume
        if w.serving == "self_hosted":
            if w.api_price_per_1m_input is None or w.api_price_per_1m_output is None:
                continue
            assert w.cloud and w.gpu and w.output_tokens_per_gpu_second and w.utilization
            hourly = (scenario.price(w.cloud, w.gpu).usd_per_gpu_hour(w.pricing) or 0.0) \
                * d.gpu_price
            per_request = hourly * _gpu_hours_per_request(
                scenario, w.output_tokens, w.output_tokens_per_gpu_second, w.utilization,
                w.input_tokens, w.input_tokens_per_gpu_second)
            api = _api_per_request(w, scenario, w.api_price_per_1m_input,
                                   w.api_price_per_1m_output)
        else:
            if not (w.self_host_cloud and w.self_host_gpu
                    and w.self_host_output_tokens_per_gpu_second):
                continue
            hourly = scenario.price(w.self_host_cloud, w.self_host_gpu).on_demand * d.gpu_price
            per_request = hourly * _gpu_hours_per_request(
                scenario, w.output_tokens, w.self_host_output_tokens_per_gpu_second,
                w.self_host_utilization or DEFAULT_ALTERNATIVE_UTILIZATION)
            api = _api_per_request(w, scenario, w.price_per_1m_input or 0.0,
                                   w.price_per_1m_output or 0.0)
        fixed = (w.min_gpus or 1) * HOURS_PER_MONTH * hourly
        crossing = fixed / api if api > per_request and api > 0 else None
        out.append(BreakEven(w.name, w.serving, api, per_request, fixed, planned, crossing))
    return out
