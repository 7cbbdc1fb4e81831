"""The uncertain inputs: the five what-if drivers plus four engine inputs, with default ranges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RangeKind = Literal["ratio", "offset"]


@dataclass(frozen=True)
class UncertainInput:
    """One input the planner can move and the sensitivity analysis can swing."""

    name: str
    label: str
    help: str
    expected: float  # value when the file does not set it
    low_bound: float  # hard limits of any value, draws included
    high_bound: float
    low_inclusive: bool
    kind: RangeKind  # how a range follows a moved expected value
    default_range: tuple[float, float]  # ratios to, or offsets from, the expected value

    def default_low_high(self, expected: float) -> tuple[float, float]:
        """Return the default (P10, P90) around `expected`, clipped to the bounds."""
        return self.move(expected, self.default_range)

    def move(self, expected: float, relative: tuple[float, float]) -> tuple[float, float]:
        """Return (P10, P90) for `expected` from ratios or offsets, clipped to the bounds."""
        if self.kind == "ratio":
            low, high = expected * relative[0], expected * relative[1]
        else:
            low, high = expected + relative[0], expected + relative[1]
        return self.clip(low), self.clip(high)

    def relative(self, expected: float, low: float, high: float) -> tuple[float, float]:
        """Return the (low, high) of a written range as ratios to, or offsets from, expected."""
        if self.kind == "ratio":
            if expected == 0:
                return (1.0, 1.0)
            return (low / expected, high / expected)
        return (low - expected, high - expected)

    def clip(self, value: float) -> float:
        """Return value limited to [low_bound, high_bound] (a hair above an exclusive bound)."""
        floor = self.low_bound if self.low_inclusive else self.low_bound + 1e-9
        return min(max(value, floor), self.high_bound)


INPUTS: tuple[UncertainInput, ...] = (
    UncertainInput("inference_volume", "Inference volume",
                   "multiplies every inference workload's requests per month",
                   1.0, 0.0, 100.0, True, "ratio", (0.8, 1.3)),
    UncertainInput("output_tokens", "Output length",
                   "multiplies every inference workload's output tokens per request",
                   1.0, 0.0, 100.0, True, "ratio", (0.85, 1.3)),
    UncertainInput("refresh_frequency", "Model refresh frequency",
                   "multiplies every training workload's refreshes per quarter",
                   1.0, 0.0, 100.0, True, "ratio", (0.5, 1.5)),
    UncertainInput("gpu_price", "GPU price", "multiplies every GPU hourly price",
                   1.0, 0.0, 100.0, True, "ratio", (0.85, 1.2)),
    UncertainInput("token_price", "API token price", "multiplies every API token price",
                   1.0, 0.0, 100.0, True, "ratio", (0.8, 1.1)),
    UncertainInput("inference_growth", "Inference growth",
                   "added to every inference workload's monthly_growth (0.01 = one point more "
                   "growth per month)",
                   0.0, -0.5, 0.5, True, "offset", (-0.02, 0.02)),
    UncertainInput("gpu_throughput", "GPU throughput",
                   "multiplies self-hosted tokens per GPU-second (a faster serving stack is "
                   "above 1)",
                   1.0, 0.01, 10.0, True, "ratio", (0.8, 1.15)),
    UncertainInput("utilization", "GPU utilisation",
                   "multiplies self-hosted utilization; the result is capped at 1",
                   1.0, 0.01, 10.0, True, "ratio", (0.85, 1.1)),
    UncertainInput("spot_overhead", "Spot interruption overhead",
                   "extra GPU-hours, as a fraction, on every spot-priced workload for "
                   "restarts after interruptions (0.1 = +10%)",
                   0.0, 0.0, 1.0, True, "offset", (0.0, 0.15)),
)

INPUTS_BY_NAME: dict[str, UncertainInput] = {i.name: i for i in INPUTS}
INPUT_NAMES: tuple[str, ...] = tuple(INPUTS_BY_NAME)
# The five what-if drivers that get a slider on the planner; the rest are engine inputs.
DRIVER_NAMES: tuple[str, ...] = INPUT_NAMES[:5]
