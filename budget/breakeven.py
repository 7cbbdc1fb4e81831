"""Self-hosting versus an API: the monthly request volume at which the two cost curves cross."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget.months import HOURS_PER_AVERAGE_MONTH, month_labels
from budget.scenario_model import InferenceWorkload, Scenario
from budget.unit_costs import (
    InputValues,
    api_usd_per_request,
    gpu_hours_per_request,
    inference_growth_rate,
    input_values,
    requests_first_month,
    self_hosted_usd_per_request,
    usd_per_gpu_hour,
    usd_per_request,
)

DEFAULT_ALTERNATIVE_UTILIZATION = 0.6
ALTERNATIVE_PRICING = "on_demand"  # an API workload's self-hosting alternative


@dataclass(frozen=True)
class BreakEven:
    """The two cost curves of one inference workload and where they cross."""

    workload: str
    serving: str  # how the plan serves it today
    api_usd_per_request: float
    self_host_usd_per_request: float  # GPU time per request at the planned utilisation
    self_host_fixed_usd_per_month: float  # min_gpus around the clock
    planned_requests_per_month: float  # the workload's first active month, drivers applied
    requests_per_month: float | None  # break-even volume; None when self-hosting never wins
    starting: str = ""  # YYYY-MM this version of the workload holds from (its first month, or
    # a dated change's)
    after_change: bool = False  # a dated change made this version

    @property
    def label(self) -> str:
        """Return the workload's name, with 'from YYYY-MM' for a version a dated change made."""
        return f"{self.workload} from {self.starting}" if self.after_change else self.workload

    def costs(self, requests_per_month: np.ndarray) -> pd.DataFrame:
        """Return monthly API and self-hosting USD at each request volume."""
        v = np.asarray(requests_per_month, dtype=float)
        return pd.DataFrame({
            "requests_per_month": v,
            "api_usd": v * self.api_usd_per_request,
            "self_host_usd": np.maximum(v * self.self_host_usd_per_request,
                                        self.self_host_fixed_usd_per_month),
        })


def break_even(scenario: Scenario) -> list[BreakEven]:
    """Return the break-even of every inference workload whose alternative is described.

    Self-hosted workloads need api_price_per_1m_input/output (the API alternative); API
    workloads need self_host_cloud, self_host_gpu and self_host_output_tokens_per_gpu_second
    (priced on demand, utilization self_host_utilization or 0.6). Self-hosting costs
    max(volume × GPU cost per request, min_gpus around the clock); the API costs volume ×
    price per request. They cross at fixed / API price per request, when the GPU cost per
    request is below the API's. The planned side is priced as the forecast prices it
    (budget.unit_costs: spot overhead included); a GPU all month is an average month's hours.
    The planned volume is the workload's first active month's (its `starts`, when set), never
    the 0 requests of a month before it starts. A dated change that alters a workload's curves
    adds a row for it from that month, with the volume planned then.
    """
    v = input_values(scenario)
    labels = month_labels(scenario.start, scenario.months)
    out: list[BreakEven] = []
    latest: dict[str, tuple[float, float, float, str]] = {}  # workload → its last curves
    for segment in scenario.segments():
        version = segment.scenario
        for w in version.inference:
            first, last = scenario.active_months(w.starts, w.ends)
            month = max(first, segment.first)
            if month > min(last, segment.last):
                continue  # not running in this segment
            sides = _self_hosted_sides(version, w, v) if w.serving == "self_hosted" else \
                _api_sides(version, w, v)
            if sides is None:
                continue
            hourly, per_request, api = sides
            fixed = (w.min_gpus or 1) * HOURS_PER_AVERAGE_MONTH * hourly
            if latest.get(w.name) == (api, per_request, fixed, w.serving):
                continue  # a dated change that leaves this workload's curves as they were
            after_change = w.name in latest
            latest[w.name] = (api, per_request, fixed, w.serving)
            crossing = fixed / api if api > per_request and api > 0 else None
            growth = float(inference_growth_rate(w, v))
            volume = float(requests_first_month(w, v)) * growth ** (month - first)
            out.append(BreakEven(w.name, w.serving, api, per_request, fixed, volume, crossing,
                                 labels[month], after_change))
    return out


def _self_hosted_sides(scenario: Scenario, w: InferenceWorkload, v: InputValues,
                       ) -> tuple[float, float, float] | None:
    """Return (USD per GPU-hour, per self-hosted request, per API request) as planned."""
    if w.api_price_per_1m_input is None or w.api_price_per_1m_output is None:
        return None
    assert w.cloud and w.gpu  # validation guarantees them
    return (float(usd_per_gpu_hour(scenario, w.cloud, w.gpu, w.pricing, v)),
            float(usd_per_request(scenario, w, v)),
            float(api_usd_per_request(w.input_tokens, w.output_tokens,
                                      w.api_price_per_1m_input, w.api_price_per_1m_output, v)))


def _api_sides(scenario: Scenario, w: InferenceWorkload, v: InputValues,
               ) -> tuple[float, float, float] | None:
    """Return (USD per GPU-hour, per self-hosted request, per API request); GPUs on demand."""
    if not (w.self_host_cloud and w.self_host_gpu and w.self_host_output_tokens_per_gpu_second):
        return None
    hours = gpu_hours_per_request(w.output_tokens, w.self_host_output_tokens_per_gpu_second,
                                  w.self_host_utilization or DEFAULT_ALTERNATIVE_UTILIZATION,
                                  ALTERNATIVE_PRICING, v)
    return (float(usd_per_gpu_hour(scenario, w.self_host_cloud, w.self_host_gpu,
                                   ALTERNATIVE_PRICING, v)),
            float(self_hosted_usd_per_request(scenario, w.self_host_cloud, w.self_host_gpu,
                                              ALTERNATIVE_PRICING, hours, v)),
            float(usd_per_request(scenario, w, v)))
