"""Ranges, tornado, Monte Carlo and Sobol indices over the uncertain inputs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from budget.forecast import (
    CATEGORIES,
    CostLine,
    cost_lines,
    horizon_total_usd,
    simulated_costs,
)
from budget.inputs import INPUT_NAMES, INPUTS, INPUTS_BY_NAME
from budget.scenario_model import Scenario
from budget.unit_costs import input_values

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 0
SOBOL_BASE_SAMPLES = 1024
NONLINEAR_TOLERANCE = 0.01  # midpoint off the mean of the ends by more than 1% of the swing
INTERACTION_WARNING = 0.1  # warn when 1 − ΣS1 exceeds this


@dataclass(frozen=True)
class InputRange:
    """The current P10, expected and P90 of one uncertain input."""

    name: str
    low: float
    expected: float
    high: float
    written: bool  # True when the file's [ranges] sets it, False for the documented default


def input_ranges(scenario: Scenario) -> list[InputRange]:
    """Return every input's (P10, expected, P90), moved along with a moved expected value."""
    written = {r.name: r.relative for r in scenario.ranges}
    values = input_values(scenario)
    out = []
    for spec in INPUTS:
        expected = float(values[spec.name])
        relative = written.get(spec.name, spec.default_range)
        low, high = spec.move(expected, relative)
        out.append(InputRange(spec.name, min(low, expected), expected, max(high, expected),
                              spec.name in written))
    return out


@dataclass(frozen=True)
class TornadoBar:
    """One input swung from P10 to P90 with every other input at its expected value."""

    input: str
    low_value: float
    high_value: float
    low_total: float
    high_total: float
    mid_total: float
    swing: float
    nonlinear: bool


def tornado(scenario: Scenario) -> tuple[float, list[TornadoBar]]:
    """Return the base horizon total and one bar per input, the largest swing first."""
    base = horizon_total_usd(scenario)
    bars = []
    for r in input_ranges(scenario):
        low_total = horizon_total_usd(scenario.with_drivers(**{r.name: r.low}))
        high_total = horizon_total_usd(scenario.with_drivers(**{r.name: r.high}))
        mid_total = horizon_total_usd(scenario.with_drivers(**{r.name: (r.low + r.high) / 2}))
        swing = abs(high_total - low_total)
        bend = abs(mid_total - (low_total + high_total) / 2)
        bars.append(TornadoBar(r.name, r.low, r.high, low_total, high_total, mid_total, swing,
                               swing > 0 and bend > NONLINEAR_TOLERANCE * swing))
    bars.sort(key=lambda b: (-b.swing, INPUT_NAMES.index(b.input)))
    return base, bars


@dataclass(frozen=True)
class Triangular:
    """A triangular distribution (minimum, mode, maximum) fitted to P10, mode and P90."""

    minimum: float
    mode: float
    maximum: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Return the quantiles at probabilities `u` (the inverse CDF)."""
        a, c, b = self.minimum, self.mode, self.maximum
        if b <= a:
            return np.full_like(u, c, dtype=float)
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < split, left, right)

    def cdf(self, x: float) -> float:
        """Return P(X ≤ x)."""
        a, c, b = self.minimum, self.mode, self.maximum
        if x <= a:
            return 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


def fit_triangular(p10: float, mode: float, p90: float) -> Triangular:
    """Return the triangular distribution whose 10th and 90th percentiles are p10 and p90.

    With x = mode − minimum and y = maximum − mode, F(p10) = 0.1 and F(p90) = 0.9 are two
    quadratics, 0.9x² − (2·d1 + 0.1y)·x + d1² = 0 (d1 = mode − p10) and the same in y with
    d2 = p90 − mode; each is solved for its larger root in turn until both hold.
    """
    d1, d2 = mode - p10, p90 - mode
    x = y = 0.0
    for _ in range(200):
        bx = 2 * d1 + 0.1 * y
        x_new = (bx + math.sqrt(max(bx * bx - 3.6 * d1 * d1, 0.0))) / 1.8
        by = 2 * d2 + 0.1 * x_new
        y_new = (by + math.sqrt(max(by * by - 3.6 * d2 * d2, 0.0))) / 1.8
        done = abs(x_new - x) <= 1e-14 * (1 + x) and abs(y_new - y) <= 1e-14 * (1 + y)
        x, y = x_new, y_new
        if done:
            break
    return Triangular(mode - x, mode, mode + y)


@lru_cache(maxsize=8)
def common_uniforms(draws: int, seed: int) -> np.ndarray:
    """Return fixed uniforms, one column per input: the same draws whatever the sliders say."""
    uniforms = np.random.default_rng(seed).random((draws, len(INPUT_NAMES)))
    uniforms.setflags(write=False)
    return uniforms


def values_from_uniforms(scenario: Scenario, uniforms: np.ndarray) -> dict[str, np.ndarray]:
    """Map uniforms (draws × inputs) to input values through each fitted triangular."""
    out = {}
    for column, r in enumerate(input_ranges(scenario)):
        spec = INPUTS_BY_NAME[r.name]
        dist = fit_triangular(r.low, r.expected, r.high)
        drawn = dist.ppf(uniforms[:, column])
        floor = spec.low_bound if spec.low_inclusive else spec.low_bound + 1e-9
        out[r.name] = np.clip(drawn, floor, spec.high_bound)[:, None]
    return out


def simulate_by_category(scenario: Scenario, values: dict[str, np.ndarray],
                         horizon: bool = False) -> dict[str, np.ndarray]:
    """Return USD per category, draws × months (with `horizon`, draws × 1: horizon totals)."""
    return simulated_costs(scenario, values, horizon)


@dataclass(frozen=True)
class MonteCarlo:
    """Percentiles of the simulated costs."""

    draws: int
    seed: int
    totals_usd: np.ndarray  # horizon total per draw
    monthly_p10: np.ndarray
    monthly_p50: np.ndarray
    monthly_p90: np.ndarray
    category_p10: dict[str, float]
    category_p50: dict[str, float]
    category_p90: dict[str, float]

    @property
    def p10(self) -> float:
        """Return the 10th percentile of the horizon total."""
        return float(np.percentile(self.totals_usd, 10))

    @property
    def p50(self) -> float:
        """Return the median of the horizon total."""
        return float(np.percentile(self.totals_usd, 50))

    @property
    def p90(self) -> float:
        """Return the 90th percentile of the horizon total."""
        return float(np.percentile(self.totals_usd, 90))

    @property
    def mean(self) -> float:
        """Return the mean of the simulated horizon totals (the point forecast is not it)."""
        return float(np.mean(self.totals_usd))


def monte_carlo(scenario: Scenario, draws: int = DEFAULT_DRAWS,
                seed: int = DEFAULT_SEED) -> MonteCarlo:
    """Simulate `draws` budgets with every input drawn independently from its triangular."""
    by_category = simulate_by_category(
        scenario, values_from_uniforms(scenario, common_uniforms(draws, seed)))
    monthly = np.zeros((draws, scenario.months), order="F")
    for usd in by_category.values():
        monthly += usd
    horizon_by_category = np.column_stack([by_category[c].sum(axis=1) for c in CATEGORIES])
    p10, p50, p90 = np.percentile(monthly, [10, 50, 90], axis=0)
    cat = np.percentile(horizon_by_category, [10, 50, 90], axis=0)
    return MonteCarlo(
        draws=draws, seed=seed, totals_usd=monthly.sum(axis=1),
        monthly_p10=p10, monthly_p50=p50, monthly_p90=p90,
        category_p10=dict(zip(CATEGORIES, cat[0].tolist(), strict=True)),
        category_p50=dict(zip(CATEGORIES, cat[1].tolist(), strict=True)),
        category_p90=dict(zip(CATEGORIES, cat[2].tolist(), strict=True)),
    )


def _unit_problem(inputs: int) -> dict[str, object]:
    """Return a SALib problem of `inputs` uniforms on [0, 1]."""
    return {"num_vars": inputs, "names": [f"u{i}" for i in range(inputs)],
            "bounds": [[0.0, 1.0]] * inputs}


@lru_cache(maxsize=8)
def _saltelli_uniforms(inputs: int, base_samples: int, seed: int) -> np.ndarray:
    """Return SALib's Saltelli sample on the unit cube; it depends on no scenario, so reuse it."""
    from SALib.sample import sobol as sobol_sample

    uniforms: np.ndarray = sobol_sample.sample(_unit_problem(inputs), base_samples,
                                               calc_second_order=False, seed=seed)
    uniforms.setflags(write=False)
    return uniforms


@dataclass(frozen=True)
class SobolIndex:
    """First-order (S1) and total (ST) Sobol index of one input."""

    s1: float
    st: float

    @property
    def s1_share(self) -> float:
        """Return S1 as a share of variance: an estimate below 0 is sampling noise, shown as 0."""
        return max(self.s1, 0.0)

    @property
    def st_share(self) -> float:
        """Return ST as a share of variance: an estimate below 0 is sampling noise, shown as 0."""
        return max(self.st, 0.0)


def sobol_indices(model: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
                  base_samples: int = SOBOL_BASE_SAMPLES, seed: int = DEFAULT_SEED,
                  ) -> dict[str, SobolIndex]:
    """Return Sobol S1 and ST (SALib, Saltelli sampling) of model(uniforms) → outputs."""
    from SALib.analyze import sobol as sobol_analyze

    problem = _unit_problem(len(names))
    problem["names"] = list(names)
    outputs = np.asarray(model(_saltelli_uniforms(len(names), base_samples, seed)), dtype=float)
    if float(np.var(outputs)) == 0.0:
        return {n: SobolIndex(0.0, 0.0) for n in names}
    # The point estimates do not depend on the bootstrap; its resamples only feed confidence
    # intervals, which nothing shows, so keep them to the minimum (a third of the run time).
    result = sobol_analyze.analyze(problem, outputs, calc_second_order=False,
                                   num_resamples=2, seed=seed)
    return {n: SobolIndex(float(result["S1"][i]), float(result["ST"][i]))
            for i, n in enumerate(names)}


def scenario_sobol(scenario: Scenario, base_samples: int = SOBOL_BASE_SAMPLES,
                   seed: int = DEFAULT_SEED) -> dict[str, SobolIndex]:
    """Return Sobol indices of the horizon total for every uncertain input."""

    def model(uniforms: np.ndarray) -> np.ndarray:
        values = values_from_uniforms(scenario, uniforms)
        by_category = simulate_by_category(scenario, values, horizon=True)
        totals: np.ndarray = sum(by_category.values(), np.zeros_like(uniforms[:, :1]))[:, 0]
        return totals

    return sobol_indices(model, INPUT_NAMES, base_samples, seed)


def interaction_warning(indices: dict[str, SobolIndex]) -> str | None:
    """Return a warning when interactions explain > 10% of variance, naming the top inputs."""
    share = 1.0 - sum(i.s1 for i in indices.values())
    if share <= INTERACTION_WARNING:
        return None
    gaps = sorted(indices, key=lambda n: indices[n].st - indices[n].s1, reverse=True)[:2]
    return (f"Interactions explain about {share:.0%} of the variance (1 − ΣS1): inputs matter "
            f"together, not one at a time. Largest total-minus-first-order gaps: "
            f"{', '.join(gaps)}.")


def _category_usd(series: list[CostLine], category: str, months: int) -> float:
    """Return the exactly rounded USD of a category's line-months (a dated change may move a
    line to another category from a month on: only its months in `category` count)."""
    parts = [np.broadcast_to(s.cost_usd, (months,)) if isinstance(s.category, str)
             else np.where(s.category == category, s.cost_usd, 0.0)
             for s in series if not isinstance(s.category, str) or s.category == category]
    return math.fsum(np.concatenate(parts).tolist()) if parts else 0.0


def cases_by_category(scenario: Scenario, mc: MonteCarlo) -> list[dict[str, float | str]]:
    """Return low (MC P10), expected (the forecast) and high (MC P90) per category and total."""
    series = cost_lines(scenario, input_values(scenario))
    expected = {c: _category_usd(series, c, scenario.months) for c in CATEGORIES}
    rows: list[dict[str, float | str]] = [
        {"line": c, "low_usd": mc.category_p10[c], "expected_usd": expected[c],
         "high_usd": mc.category_p90[c]} for c in CATEGORIES
    ]
    rows.insert(0, {"line": "total", "low_usd": mc.p10, "expected_usd": horizon_total_usd(scenario),
                    "high_usd": mc.p90})
    return rows
