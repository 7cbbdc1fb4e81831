"""The forecast's unit costs: USD per GPU-hour, per request and per training run, drivers applied.

These are the forecast's own formulas (budget.forecast builds every workload's cost from them);
break-even, the slider captions, the training-project table and the levers call them too, so a
number quoted anywhere is the number the forecast charges. `values` are input values by name
(`input_values(scenario)`, or (draws, 1) arrays in simulations).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from budget.months import WEEKS_PER_MONTH
from budget.scenario_model import (
    ExperimentationWorkload,
    InferenceWorkload,
    Scenario,
    TrainingWorkload,
)

InputValues = Mapping[str, "float | np.ndarray"]
SECONDS_PER_HOUR = 3600.0
MONTHS_PER_QUARTER = 3.0
TOKENS_PER_PRICE_UNIT = 1_000_000.0  # API prices are per 1M tokens


def input_values(scenario: Scenario) -> dict[str, float]:
    """Return the scenario's input values (its drivers) by name."""
    return dataclasses.asdict(scenario.drivers)


def list_usd_per_gpu_hour(scenario: Scenario, cloud: str, gpu: str, pricing: str) -> float:
    """Return the scenario's USD per GPU-hour, before the gpu_price input."""
    hourly = scenario.price(cloud, gpu).usd_per_gpu_hour(pricing)
    if hourly is None:  # validation guarantees a price; keep mypy and readers honest
        raise KeyError((cloud, gpu, pricing))
    return hourly


def usd_per_gpu_hour_from_list(list_usd: float, values: InputValues) -> float | np.ndarray:
    """Return USD per billed GPU-hour from a list price (scenario or catalog) with gpu_price."""
    return list_usd * values["gpu_price"]


def usd_per_gpu_hour(scenario: Scenario, cloud: str, gpu: str, pricing: str,
                     values: InputValues) -> float | np.ndarray:
    """Return USD per billed GPU-hour with the gpu_price input (spot overhead is in the hours)."""
    return usd_per_gpu_hour_from_list(list_usd_per_gpu_hour(scenario, cloud, gpu, pricing), values)


def offered_usd_per_gpu_hour(scenario: Scenario, cloud: str, gpu: str, pricing: str,
                             values: Mapping[str, float]) -> float | None:
    """Return USD per GPU-hour with gpu_price in a pricing mode, None when the row has none."""
    listed = scenario.price(cloud, gpu).usd_per_gpu_hour(pricing)
    return None if listed is None else float(usd_per_gpu_hour_from_list(listed, values))


def spot_factor(spot: bool, values: InputValues) -> float | np.ndarray:
    """Return billed GPU-hours per useful GPU-hour: 1 + spot_overhead on spot, else 1."""
    return 1.0 + values["spot_overhead"] if spot else 1.0


def gpu_seconds_per_hour(utilization: float, values: InputValues) -> float | np.ndarray:
    """Return the GPU-seconds of token work in one GPU-hour at a planned utilisation."""
    return SECONDS_PER_HOUR * np.minimum(utilization * values["utilization"], 1.0) * values[
        "gpu_throughput"]


def inference_growth_rate(workload: InferenceWorkload, values: InputValues,
                          ) -> float | np.ndarray:
    """Return one month's growth factor of a workload's requests (never below 0)."""
    return np.maximum(1.0 + workload.monthly_growth + values["inference_growth"], 0.0)


def requests_first_month(workload: InferenceWorkload, values: InputValues,
                         ) -> float | np.ndarray:
    """Return a workload's requests in its first month (inference_volume applied).

    Its first month is the first forecast month, or its `starts`: growth counts from there.
    """
    return workload.requests_per_month * values["inference_volume"]


def output_tokens_per_request(workload: InferenceWorkload, values: InputValues,
                              ) -> float | np.ndarray:
    """Return output tokens per request with the output_tokens input applied."""
    return workload.output_tokens * values["output_tokens"]


def api_usd_per_1m_tokens(price_per_1m: float, values: InputValues) -> float | np.ndarray:
    """Return an API price in USD per 1M tokens with the token_price input applied."""
    return price_per_1m * values["token_price"]


def api_usd_per_request(input_tokens: float, output_tokens: float, price_per_1m_input: float,
                        price_per_1m_output: float, values: InputValues) -> float | np.ndarray:
    """Return API USD per request: input and output tokens at their prices (drivers applied)."""
    output = output_tokens * values["output_tokens"]
    return (input_tokens * api_usd_per_1m_tokens(price_per_1m_input, values)
            + output * api_usd_per_1m_tokens(price_per_1m_output, values)
            ) / TOKENS_PER_PRICE_UNIT


def gpu_hours_per_request(output_tokens: float, output_tokens_per_gpu_second: float,
                          utilization: float, pricing: str, values: InputValues,
                          input_tokens: float = 0.0,
                          input_tokens_per_gpu_second: float | None = None,
                          ) -> float | np.ndarray:
    """Return billed GPU-hours per self-hosted request (decode, prefill if given, spot factor)."""
    seconds = gpu_seconds_per_hour(utilization, values)
    hours = output_tokens * values["output_tokens"] / (output_tokens_per_gpu_second * seconds)
    if input_tokens_per_gpu_second:
        hours = hours + input_tokens / (input_tokens_per_gpu_second * seconds)
    return hours * spot_factor(pricing == "spot", values)


def self_hosted_usd_per_request(scenario: Scenario, cloud: str, gpu: str, pricing: str,
                                hours_per_request: float | np.ndarray, values: InputValues,
                                ) -> float | np.ndarray:
    """Return USD per self-hosted request: billed GPU-hours per request × USD per GPU-hour."""
    return hours_per_request * usd_per_gpu_hour(scenario, cloud, gpu, pricing, values)


def inference_gpu_hours_per_request(workload: InferenceWorkload, values: InputValues,
                                    ) -> float | np.ndarray:
    """Return a self-hosted workload's billed GPU-hours per request (0 for an API workload)."""
    w = workload
    if w.serving == "api":
        return 0.0
    assert w.output_tokens_per_gpu_second and w.utilization  # validation guarantees them
    return gpu_hours_per_request(w.output_tokens, w.output_tokens_per_gpu_second, w.utilization,
                                 w.pricing, values, w.input_tokens, w.input_tokens_per_gpu_second)


def usd_per_request(scenario: Scenario, workload: InferenceWorkload, values: InputValues,
                    ) -> float | np.ndarray:
    """Return the USD the forecast charges per request of an inference workload (as served)."""
    w = workload
    if w.serving == "api":
        return api_usd_per_request(w.input_tokens, w.output_tokens, w.price_per_1m_input or 0.0,
                                   w.price_per_1m_output or 0.0, values)
    assert w.cloud and w.gpu  # validation guarantees them
    return self_hosted_usd_per_request(scenario, w.cloud, w.gpu, w.pricing,
                                       inference_gpu_hours_per_request(w, values), values)


def runs_per_quarter(job: TrainingWorkload, values: InputValues) -> float | np.ndarray:
    """Return a training workload's runs per quarter (refresh_frequency applied)."""
    return job.refreshes_per_quarter * values["refresh_frequency"]


def billed_gpu_hours_per_run(job: TrainingWorkload, values: InputValues) -> float | np.ndarray:
    """Return billed GPU-hours per training run: the written gpu_hours_per_run × spot factor."""
    return job.gpu_hours_per_run * spot_factor(job.pricing == "spot", values)


def usd_per_run(scenario: Scenario, job: TrainingWorkload, values: InputValues,
                ) -> float | np.ndarray:
    """Return USD per training run: billed GPU-hours per run × USD per GPU-hour."""
    return billed_gpu_hours_per_run(job, values) * usd_per_gpu_hour(scenario, job.cloud, job.gpu,
                                                                    job.pricing, values)


def experimentation_gpu_hours_per_month(row: ExperimentationWorkload, values: InputValues,
                                        ) -> float | np.ndarray:
    """Return billed GPU-hours per month of experimentation (52/12 weeks, spot factor)."""
    return row.gpu_hours_per_week * WEEKS_PER_MONTH * spot_factor(row.pricing == "spot", values)
