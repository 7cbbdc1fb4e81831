"""The uncertain inputs, each declared once: the five what-if drivers plus four engine inputs.

An input's entry holds its name (the [drivers] key, the Drivers field, the [ranges] key), label,
help, unit, bounds and default range; a driver's entry also holds its planner slider (URL key,
range, step). The schema, the sliders (their format from the unit), the captions
(budget.readouts.CAPTIONS, keyed from SLIDERS) and the value format (budget.fmt.input_value)
are built from these entries; a test ties Drivers to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RangeKind = Literal["ratio", "offset"]
# How a value reads: 1.30× (multiplier), +2.0 pts/month (points_per_month), +15% (extra_share)
Unit = Literal["multiplier", "points_per_month", "extra_share"]
# A slider's Streamlit printf format in its input's unit; reads like fmt.input_value. Only a
# multiplier has one: the other units show a scaled value that printf cannot write.
SLIDER_FORMATS: dict[Unit, str] = {"multiplier": "%.2f×"}


@dataclass(frozen=True)
class Slider:
    """A driver's slider on the planner: its URL key (a public contract), range and step."""

    url_key: str
    low: float = 0.0
    high: float = 3.0  # a file value above it widens the slider to that value
    step: float = 0.05

    def top(self, file_value: float) -> float:
        """Return the slider's maximum: `high`, or the file's value when that is larger."""
        return max(self.high, file_value)

    def accepts(self, value: float, file_value: float) -> bool:
        """Return True when `value` (from a URL) lies on the slider."""
        return self.low <= value <= self.top(file_value)


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
    unit: Unit = "multiplier"
    slider: Slider | None = None  # the what-if drivers' planner slider

    def __post_init__(self) -> None:
        """Refuse a slider on an input whose unit has no slider format."""
        if self.slider is not None and self.unit not in SLIDER_FORMATS:
            raise ValueError(f"{self.name}: a slider needs a unit in SLIDER_FORMATS, "
                             f"not {self.unit!r}")

    @property
    def slider_format(self) -> str:
        """Return the slider's Streamlit printf format, from the declared unit: '%.2f×'."""
        return SLIDER_FORMATS[self.unit]

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
                   1.0, 0.0, 100.0, True, "ratio", (0.8, 1.3), slider=Slider("plan_volume")),
    UncertainInput("output_tokens", "Output length",
                   "multiplies every inference workload's output tokens per request",
                   1.0, 0.0, 100.0, True, "ratio", (0.85, 1.3),
                   slider=Slider("plan_output_tokens")),
    UncertainInput("refresh_frequency", "Model refresh frequency",
                   "multiplies every training workload's refreshes per quarter",
                   1.0, 0.0, 100.0, True, "ratio", (0.5, 1.5), slider=Slider("plan_refresh")),
    UncertainInput("gpu_price", "GPU price", "multiplies every GPU hourly price",
                   1.0, 0.0, 100.0, True, "ratio", (0.85, 1.2), slider=Slider("plan_gpu_price")),
    UncertainInput("token_price", "API token price", "multiplies every API token price",
                   1.0, 0.0, 100.0, True, "ratio", (0.8, 1.1),
                   slider=Slider("plan_token_price")),
    UncertainInput("inference_growth", "Inference growth",
                   "added to every inference workload's monthly_growth (0.01 = one point more "
                   "growth per month)",
                   0.0, -0.5, 0.5, True, "offset", (-0.02, 0.02), unit="points_per_month"),
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
                   0.0, 0.0, 1.0, True, "offset", (0.0, 0.15), unit="extra_share"),
)

INPUTS_BY_NAME: dict[str, UncertainInput] = {i.name: i for i in INPUTS}
INPUT_NAMES: tuple[str, ...] = tuple(INPUTS_BY_NAME)
# The what-if drivers: the inputs with a slider on the planner; the rest are engine inputs.
SLIDERS: dict[str, Slider] = {i.name: i.slider for i in INPUTS if i.slider is not None}
DRIVER_NAMES: tuple[str, ...] = tuple(SLIDERS)
