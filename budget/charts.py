"""Altair chart builders: the same chart object feeds the page and, later, the PDF."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from budget.fmt import input_value, signed_usd, usd_compact
from budget.forecast import CATEGORIES, CATEGORY_LABELS, Forecast
from budget.inputs import INPUTS_BY_NAME
from budget.sensitivity import SobolIndex, TornadoBar

if TYPE_CHECKING:
    from budget.alerts import Alert
    from budget.breakeven import BreakEven

# Colour-blind-safe (Okabe–Ito), one fixed colour per category on every chart.
CATEGORY_COLORS: dict[str, str] = {
    "training": "#0072B2",
    "batch_inference": "#E69F00",
    "realtime_inference": "#D55E00",
    "experimentation": "#009E73",
    "platform": "#999999",
}


# A live chart is split in two: its data (named datasets, recomputed on every slider move) and
# its shape (the Vega-Lite spec around them, which depends only on a few sizes). The app builds
# and validates each shape once and sends only the data on a move; the PDF and the tests use
# the whole chart. Sources map a dataset name to its rows, or to alt.NamedData in a template.
Sources = Mapping[str, "pd.DataFrame | alt.NamedData"]
Frames = dict[str, pd.DataFrame]
ChartShape = Callable[..., "alt.Chart | alt.LayerChart | alt.FacetChart"]


def monthly_category_data(result: Forecast) -> Frames:
    """Return the monthly chart's rows: one per category per month, with the month's total."""
    wide = result.by_category  # months × the five categories, in CATEGORIES order
    months, count = list(wide.index), len(CATEGORIES)
    return {"monthly": pd.DataFrame({
        "month": months * count,
        "category": np.repeat(np.array(CATEGORIES, dtype=object), len(months)),
        "cost_usd": wide.to_numpy(dtype=float).T.ravel(),
        "label": np.repeat(np.array([CATEGORY_LABELS[c] for c in CATEGORIES], dtype=object),
                           len(months)),
        "order": np.repeat(np.arange(count), len(months)),
        "month_total_usd": np.tile(result.total_usd.to_numpy(dtype=float), count),
    })}


def monthly_shape(sources: Sources, height: int) -> alt.Chart:
    """Return stacked monthly USD bars by category over the "monthly" rows."""
    labels = [CATEGORY_LABELS[c] for c in CATEGORIES]
    colors = [CATEGORY_COLORS[c] for c in CATEGORIES]
    chart: alt.Chart = (
        alt.Chart(sources["monthly"])
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap="parity")),
            y=alt.Y("sum(cost_usd):Q", title="USD per month", axis=alt.Axis(format="$,.0f")),
            color=alt.Color(
                "label:N", title=None, scale=alt.Scale(domain=labels, range=colors),
                legend=alt.Legend(orient="top", labelFontSize=14),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("label:N", title="Category"),
                alt.Tooltip("cost_usd:Q", title="USD", format="$,.0f"),
                alt.Tooltip("month_total_usd:Q", title="Month total", format="$,.0f"),
            ],
        )
        .properties(height=height)
    )
    return chart


def monthly_by_category(result: Forecast, height: int = 380) -> alt.Chart:
    """Return stacked monthly USD bars by category, with per-month total in the tooltip."""
    return monthly_shape(monthly_category_data(result), height)


def _tornado_label(bar: TornadoBar) -> str:
    return INPUTS_BY_NAME[bar.input].label + (" (non-linear)" if bar.nonlinear else "")


def tornado_data(base_total_usd: float, bars: Sequence[TornadoBar]) -> Frames:
    """Return the tornado's rows (two ends per input, rank 0 = biggest swing) and its base."""
    rows = []
    for rank, bar in enumerate(bars):
        smaller = min(bar.low_total, bar.high_total)
        for side, value, total in (("At P10", bar.low_value, bar.low_total),
                                   ("At P90", bar.high_value, bar.high_total)):
            rows.append({
                "input": _tornado_label(bar), "rank": rank, "side": side,
                "start": base_total_usd, "end": total, "total_usd": total,
                "delta_usd": total - base_total_usd,
                "text": f"{input_value(bar.input, value)} → {usd_compact(total)}",
                # the lower end's label sits left of its bar end, the higher end's to the right
                "align_right": total == smaller and side == ("At P10" if bar.low_total
                                                             <= bar.high_total else "At P90"),
            })
    return {"tornado": pd.DataFrame(rows), "tornado_base": pd.DataFrame({"base":
                                                                          [base_total_usd]})}


TORNADO_LABEL_ROOM_PX = 160  # a 12 px end label of ~24 characters, clear of the axis labels


def tornado_shape(sources: Sources) -> alt.LayerChart | alt.FacetChart:
    """Return the tornado over its rows: bars from the base to each end, labelled, base line."""
    y = alt.Y("input:N", sort=alt.EncodingSortField(field="rank", op="min", order="ascending"),
              title=None, axis=alt.Axis(labelLimit=260, labelFontSize=13))
    base = alt.Chart(sources["tornado"]).encode(y=y)
    bars_layer = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("start:Q", title="Horizon total (USD)", axis=alt.Axis(format="$,.0f"),
                # room beyond the longest bar for its label ("-2.0 pts/month → $1.92M")
                scale=alt.Scale(zero=False, padding=TORNADO_LABEL_ROOM_PX)),
        x2="end:Q",
        color=alt.Color("side:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["At P10", "At P90"],
                                        range=["#0072B2", "#D55E00"])),
        tooltip=[alt.Tooltip("input:N", title="Input"), alt.Tooltip("side:N", title="End"),
                 alt.Tooltip("text:N", title="Value → total"),
                 alt.Tooltip("delta_usd:Q", title="Change vs base", format="$,.0f")],
    )
    left = base.transform_filter("datum.align_right").mark_text(
        align="right", dx=-4, fontSize=12).encode(x="end:Q", text="text:N")
    right = base.transform_filter("!datum.align_right").mark_text(
        align="left", dx=4, fontSize=12).encode(x="end:Q", text="text:N")
    rule = alt.Chart(sources["tornado_base"]).mark_rule(
        color="#111827", strokeWidth=2).encode(x="base:Q")
    return alt.layer(bars_layer, left, right, rule, height=alt.Step(44))  # 44 px per input


def tornado_chart(base_total_usd: float,
                  bars: Sequence[TornadoBar]) -> alt.LayerChart | alt.FacetChart:
    """Return the tornado: each input's P10 and P90 totals around the base, biggest swing on top."""
    return tornado_shape(tornado_data(base_total_usd, bars))


FAN_SERIES = ("Median (P50)", "Point forecast")


def fan_data(months: Sequence[str], p10: Sequence[float], p50: Sequence[float],
             p90: Sequence[float], expected: Sequence[float]) -> Frames:
    """Return the fan's band rows (month, P10, P50, P90, expected) and its two lines."""
    band = pd.DataFrame({"month": list(months), "p10": list(p10), "p50": list(p50),
                         "p90": list(p90), "expected": list(expected)})
    lines = pd.DataFrame({"month": list(months) * 2,
                          "series": [FAN_SERIES[0]] * len(months) + [FAN_SERIES[1]] * len(months),
                          "usd": [*p50, *expected]})
    return {"fan": band, "fan_lines": lines}


def fan_shape(sources: Sources) -> alt.LayerChart | alt.FacetChart:
    """Return the monthly fan over its rows: P10–P90 band, P50 line and the expected dashed."""
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0))
    band = alt.Chart(sources["fan"]).mark_area(opacity=0.25, color="#0072B2").encode(
        x=x, y=alt.Y("p10:Q", title="USD per month", axis=alt.Axis(format="$,.0f"),
                     scale=alt.Scale(zero=False)),
        y2="p90:Q",
        tooltip=[alt.Tooltip("month:O", title="Month"),
                 alt.Tooltip("p10:Q", title="P10", format="$,.0f"),
                 alt.Tooltip("p50:Q", title="P50", format="$,.0f"),
                 alt.Tooltip("p90:Q", title="P90", format="$,.0f"),
                 alt.Tooltip("expected:Q", title="Point forecast", format="$,.0f")],
    )
    names = list(FAN_SERIES)
    lines = alt.Chart(sources["fan_lines"]).mark_line(strokeWidth=3).encode(
        x=x, y="usd:Q",
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=names, range=["#0072B2", "#111827"])),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=names, range=[[1, 0], [6, 4]])),
    )
    return alt.layer(band, lines, height=340)


def cases_data(rows: Sequence[dict[str, float | str]]) -> Frames:
    """Return one row per category (the total left out: it dwarfs them) with its label."""
    data = pd.DataFrame([r for r in rows if r["line"] != "total"])
    data["label"] = [CATEGORY_LABELS[str(line)] for line in data["line"]]
    return {"cases": data}


def cases_shape(sources: Sources) -> alt.LayerChart | alt.FacetChart:
    """Return low–high bars with an expected tick per category over its rows."""
    y = alt.Y("label:N", title=None, sort=[CATEGORY_LABELS[c] for c in CATEGORIES],
              axis=alt.Axis(labelLimit=200))
    tooltip = [alt.Tooltip("label:N", title="Category"),
               alt.Tooltip("low_usd:Q", title="Low (P10)", format="$,.0f"),
               alt.Tooltip("expected_usd:Q", title="Point forecast", format="$,.0f"),
               alt.Tooltip("high_usd:Q", title="High (P90)", format="$,.0f")]
    data = sources["cases"]
    span = alt.Chart(data).mark_bar(height={"band": 0.5}, color="#9ecae1").encode(
        y=y, x=alt.X("low_usd:Q", title="Horizon USD", axis=alt.Axis(format="$,.0f")),
        x2="high_usd:Q", tooltip=tooltip)
    tick = alt.Chart(data).mark_tick(color="#111827", thickness=3, size=26).encode(
        y=y, x="expected_usd:Q", tooltip=tooltip)
    return alt.layer(span, tick, height=260)


def sobol_data(indices: dict[str, SobolIndex]) -> Frames:
    """Return S1 and ST per input (negative estimates shown as 0), rank 0 = largest ST."""
    ranks = {n: r for r, n in enumerate(sorted(indices, key=lambda n: -indices[n].st))}
    return {"sobol": pd.DataFrame([
        {"input": INPUTS_BY_NAME[n].label, "rank": ranks[n], "index": kind,
         "value": value}
        for n, i in indices.items() for kind, value in (("First-order S1", i.s1_share),
                                                        ("Total ST", i.st_share))])}


def sobol_shape(sources: Sources) -> alt.Chart:
    """Return grouped bars of first-order and total Sobol indices per input, largest on top."""
    chart: alt.Chart = alt.Chart(sources["sobol"]).mark_bar().encode(
        y=alt.Y("input:N", sort=alt.EncodingSortField(field="rank", op="min", order="ascending"),
                title=None, axis=alt.Axis(labelLimit=220)),
        yOffset="index:N",
        x=alt.X("value:Q", title="Share of variance", axis=alt.Axis(format="%")),
        color=alt.Color("index:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(range=["#56B4E9", "#0072B2"])),
        tooltip=["input:N", "index:N", alt.Tooltip("value:Q", format=".3f")],
    ).properties(height=alt.Step(40))  # 40 px per input
    return chart


# Every live chart's shape by name, for the app's template cache.
SHAPES: dict[str, ChartShape] = {"monthly": monthly_shape, "tornado": tornado_shape,
                                 "fan": fan_shape, "cases": cases_shape, "sobol": sobol_shape}


def daily_trend_chart(trend: pd.DataFrame, currency: str) -> alt.LayerChart | alt.FacetChart:
    """Return daily cost bars with inference cost per 1K requests as a line on a second axis."""
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%d %b %Y"))
    small = trend["cost"].abs().max() < 100 if not trend.empty else False
    bars = alt.Chart(trend).mark_bar(color="#9ecae1").encode(
        x=x, y=alt.Y("cost:Q", title=f"{currency} per day",
                     axis=alt.Axis(format=",.2f" if small else ",.0f")),
        tooltip=[alt.Tooltip("day:T", title="Day"),
                 alt.Tooltip("cost:Q", title="Cost", format=",.2f"),
                 alt.Tooltip("requests:Q", title="Requests", format=",.0f"),
                 alt.Tooltip("usd_per_1k_requests:Q", title="Inference per 1K requests",
                             format=",.4f")],
    )
    line = alt.Chart(trend).mark_line(color="#D55E00", strokeWidth=2).encode(
        x=x, y=alt.Y("usd_per_1k_requests:Q", title=f"Inference {currency} per 1K requests",
                     axis=alt.Axis(titleColor="#D55E00", format=",.2f")),
    )
    chart: alt.LayerChart = alt.layer(bars, line, height=340).resolve_scale(y="independent")
    return chart


def spend_by_chart(table: pd.DataFrame, dimension: str, currency: str) -> alt.Chart:
    """Return horizontal bars of cost per value, largest on top."""
    chart: alt.Chart = alt.Chart(table).mark_bar(color="#0072B2").encode(
        y=alt.Y(f"{dimension}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("cost:Q", title=currency, axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip(f"{dimension}:N"), alt.Tooltip("cost:Q", format=",.2f"),
                 alt.Tooltip("share:Q", format=".1%")],
    ).properties(height=SPEND_BY_AXIS_PX + SPEND_BY_ROW_PX * max(len(table), 3))
    return chart


SPEND_BY_ROW_PX = 34  # a bar and the gap to the next: every value's label fits beside its bar
SPEND_BY_AXIS_PX = 60  # the x axis and its title, inside the chart's height


def bridge_chart(old_total_usd: float, new_total_usd: float,
                 steps: Sequence[tuple[str, float]]) -> alt.LayerChart | alt.FacetChart:
    """Return a waterfall from the old total through each step to the new total."""
    rows = [{"label": "Old total", "start": 0.0, "end": old_total_usd, "kind": "total",
             "delta": old_total_usd, "order": 0}]
    level = old_total_usd
    for i, (label, delta) in enumerate(steps, start=1):
        rows.append({"label": label, "start": level, "end": level + delta,
                     "kind": "increase" if delta >= 0 else "decrease", "delta": delta,
                     "order": i})
        level += delta
    rows.append({"label": "New total", "start": 0.0, "end": new_total_usd, "kind": "total",
                 "delta": new_total_usd, "order": len(rows)})
    data = pd.DataFrame(rows)
    data["text"] = data["delta"].map(lambda d: signed_usd(d, short=True))
    data.loc[data["kind"] == "total", "text"] = data.loc[data["kind"] == "total",
                                                         "delta"].map(usd_compact)
    y = alt.Y("label:N", sort=alt.EncodingSortField("order"), title=None,
              axis=alt.Axis(labelLimit=420, labelFontSize=12))
    bars = alt.Chart(data).mark_bar(height={"band": 0.7}).encode(
        y=y, x=alt.X("start:Q", title="Horizon total (USD)", axis=alt.Axis(format="$,.0f")),
        x2="end:Q",
        color=alt.Color("kind:N", title=None, legend=None, scale=alt.Scale(
            domain=["total", "increase", "decrease"], range=["#6b7280", "#D55E00", "#0072B2"])),
        tooltip=[alt.Tooltip("label:N", title="Change"),
                 alt.Tooltip("delta:Q", title="USD", format="$,.0f")],
    )
    labels = alt.Chart(data).mark_text(align="left", dx=4, fontSize=12).encode(
        y=y, x=alt.X("max_end:Q"), text="text:N",
    ).transform_calculate(max_end="max(datum.start, datum.end)")
    chart = alt.layer(bars, labels, height=max(140, 38 * len(rows)))
    return chart


def capacity_chart(baseline: pd.Series, expected_peak: pd.Series,
                   stress_peak: pd.Series) -> alt.LayerChart | alt.FacetChart:
    """Return one pool's monthly GPUs: baseline demand as area, peaks as lines."""
    data = pd.DataFrame({"month": list(baseline.index), "Baseline": baseline.to_numpy(),
                         "Expected peak": expected_peak.to_numpy(),
                         "Stress peak": stress_peak.to_numpy()})
    long = data.melt(id_vars="month", var_name="band", value_name="gpus")
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0))
    colors = alt.Scale(domain=["Baseline", "Expected peak", "Stress peak"],
                       range=["#0072B2", "#E69F00", "#D55E00"])
    area = alt.Chart(long).transform_filter("datum.band == 'Baseline'").mark_area(
        opacity=0.35).encode(x=x, y=alt.Y("gpus:Q", title="Concurrent GPUs"),
                             color=alt.Color("band:N", title=None, scale=colors,
                                             legend=alt.Legend(orient="top")))
    lines = alt.Chart(long).mark_line(strokeWidth=3, point=True).encode(
        x=x, y="gpus:Q", color=alt.Color("band:N", scale=colors),
        tooltip=["month:O", "band:N", alt.Tooltip("gpus:Q", format=",.1f")])
    return alt.layer(area, lines, height=320)


def break_even_chart(curves: pd.DataFrame, planned: float,
                     crossing: float | None) -> alt.LayerChart | alt.FacetChart:
    """Return API and self-hosting monthly cost against volume, with the plan and the crossing."""
    long = curves.melt(id_vars="requests_per_month", var_name="option", value_name="usd")
    long["option"] = long["option"].map({"api_usd": "API", "self_host_usd": "Self-hosted"})
    lines = alt.Chart(long).mark_line(strokeWidth=3).encode(
        x=alt.X("requests_per_month:Q", title="Requests per month", axis=alt.Axis(format="~s")),
        y=alt.Y("usd:Q", title="USD per month", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("option:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(range=["#D55E00", "#0072B2"])),
        tooltip=[alt.Tooltip("requests_per_month:Q", format=",.0f"), "option:N",
                 alt.Tooltip("usd:Q", format="$,.0f")])
    marks = pd.DataFrame([{"x": planned, "label": "plan"}]
                         + ([{"x": crossing, "label": "break-even"}] if crossing else []))
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="#111827").encode(x="x:Q")
    # inside the plot, hung from its top edge: never cut off by the chart's frame or legend
    text = alt.Chart(marks).mark_text(align="left", baseline="top", dx=4, fontSize=12).encode(
        x="x:Q", y=alt.value(4), text="label:N")
    return alt.layer(lines, rules, text, height=300)


def break_even_volumes(point: BreakEven, points: int = 60) -> np.ndarray:
    """Return request volumes a month from 0 to twice the larger of the plan and the crossing."""
    top = max(point.planned_requests_per_month, point.requests_per_month or 0) * 2
    return np.linspace(0, top, points)


def break_even_point_chart(point: BreakEven) -> alt.LayerChart | alt.FacetChart:
    """Return one workload's break-even chart over break_even_volumes."""
    return break_even_chart(point.costs(break_even_volumes(point)),
                            point.planned_requests_per_month, point.requests_per_month)


def alert_marks(alerts: Sequence[Alert]) -> list[tuple[str, str]]:
    """Return the (ISO day, 'kind: subject') pairs burn_chart draws as alert rules."""
    return [(a.start.isoformat(), f"{a.kind.replace('_', ' ')}: {a.subject}") for a in alerts]


def burn_chart(daily: pd.DataFrame, alerts: Sequence[tuple[str, str]] = (),
               height: int = 320) -> alt.LayerChart | alt.FacetChart:
    """Return daily USD bars, the 7-day run rate, plan and budget per day, and alert days.

    `daily` is Burn.daily; `alerts` are (ISO day, label) pairs drawn as rules.
    """
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%d %b"))
    usd_axis = alt.Axis(format="$,.0f")
    base = alt.Chart(daily)
    bars = base.mark_bar(color="#9ecae1").encode(
        x=x, y=alt.Y("cost_usd:Q", title="USD per day", axis=usd_axis),
        tooltip=[alt.Tooltip("day:T", title="Day", format="%a %d %b %Y"),
                 alt.Tooltip("cost_usd:Q", title="Spend", format="$,.0f"),
                 alt.Tooltip("run_rate_usd_per_day:Q", title="7-day run rate", format="$,.0f"),
                 alt.Tooltip("plan_usd_per_day:Q", title="Plan per day", format="$,.0f"),
                 alt.Tooltip("budget_usd_per_day:Q", title="Budget per day", format="$,.0f")])
    long = daily.melt(id_vars="day", value_vars=["run_rate_usd_per_day", "plan_usd_per_day",
                                                 "budget_usd_per_day"],
                      var_name="series", value_name="usd").dropna()
    names = {"run_rate_usd_per_day": "7-day run rate", "plan_usd_per_day": "Plan",
             "budget_usd_per_day": "Budget"}
    long["series"] = long["series"].map(names)
    lines = alt.Chart(long).mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y("usd:Q", axis=usd_axis),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=list(names.values()),
                                        range=["#D55E00", "#0072B2", "#000000"]),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=list(names.values()),
                                                  range=[[1, 0], [6, 3], [2, 2]])))
    layers: list[alt.Chart] = [bars, lines]
    if alerts:
        marks = pd.DataFrame(alerts, columns=["day", "alert"])
        marks["day"] = pd.to_datetime(marks["day"])
        marks = marks[(marks["day"] >= daily["day"].min()) & (marks["day"] <= daily["day"].max())]
        layers.append(alt.Chart(marks).mark_rule(color="#CC79A7", strokeWidth=2).encode(
            x="day:T", tooltip=[alt.Tooltip("day:T", title="Alert from", format="%d %b %Y"),
                                alt.Tooltip("alert:N", title="Alert")]))
    chart: alt.LayerChart | alt.FacetChart = alt.layer(*layers, height=height)
    return chart


def month_to_date_chart(table: pd.DataFrame, height: int = 320) -> alt.LayerChart | alt.FacetChart:
    """Return the month's cumulative spend (actual, then projected) against plan and budget."""
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%d %b"))
    long = table.melt(id_vars=["day", "kind"], value_vars=[
        "cumulative_usd", "plan_cumulative_usd", "budget_cumulative_usd"],
        var_name="series", value_name="usd").dropna()
    long["series"] = [("Actual" if kind == "actual" else "Projected") if s == "cumulative_usd"
                      else ("Plan" if s.startswith("plan") else "Budget")
                      for s, kind in zip(long["series"], long["kind"], strict=True)]
    long = long.drop_duplicates(["day", "series"])
    domain = ["Actual", "Projected", "Plan", "Budget"]
    lines = alt.Chart(long).mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("usd:Q", title="USD this month", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=domain,
                                        range=["#D55E00", "#D55E00", "#0072B2", "#000000"])),
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(
            domain=domain, range=[[1, 0], [5, 4], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("day:T", title="Day", format="%d %b"),
                 alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("usd:Q", title="Cumulative", format="$,.0f")])
    chart: alt.LayerChart | alt.FacetChart = alt.layer(lines, height=height)
    return chart


def reforecast_chart(history: pd.DataFrame, daily: pd.DataFrame, history_days: int = 90,
                     height: int = 320) -> alt.LayerChart | alt.FacetChart:
    """Return the last days of actual spend and the forecast per day with its interval band."""
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%d %b"))
    recent = history.tail(history_days)
    actual = alt.Chart(recent).mark_line(color="#555555").encode(
        x=x, y=alt.Y("cost_usd:Q", title="USD per day", axis=alt.Axis(format="$,.0f")),
        tooltip=[alt.Tooltip("day:T", title="Day", format="%a %d %b"),
                 alt.Tooltip("cost_usd:Q", title="Actual", format="$,.0f")])
    band = alt.Chart(daily).mark_area(color="#56B4E9", opacity=0.3).encode(
        x=x, y="low_usd:Q", y2="high_usd:Q")
    line = alt.Chart(daily).mark_line(color="#0072B2", strokeDash=[5, 3]).encode(
        x=x, y="forecast_usd:Q",
        tooltip=[alt.Tooltip("day:T", title="Day", format="%a %d %b"),
                 alt.Tooltip("forecast_usd:Q", title="Forecast", format="$,.0f"),
                 alt.Tooltip("low_usd:Q", title="Low", format="$,.0f"),
                 alt.Tooltip("high_usd:Q", title="High", format="$,.0f")])
    chart: alt.LayerChart | alt.FacetChart = alt.layer(band, actual, line, height=height)
    return chart


def allocation_chart(table: pd.DataFrame) -> alt.Chart:
    """Return each team's total as direct (controllable) plus shared, stacked, largest first."""
    long = table.melt(id_vars="team", value_vars=["direct_usd", "shared_usd"],
                      var_name="part", value_name="usd")
    long["part"] = long["part"].map({"direct_usd": "Direct (controllable)",
                                     "shared_usd": "Shared platform"})
    order = table.sort_values("total_usd", ascending=False)["team"].tolist()
    chart: alt.Chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("team:N", sort=order, title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("sum(usd):Q", title="USD", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("part:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["Direct (controllable)", "Shared platform"],
                                        range=["#0072B2", "#999999"])),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("part:N", title="Part"),
                 alt.Tooltip("usd:Q", title="USD", format="$,.2f")],
    ).properties(height=alt.Step(36))
    return chart


def monthly_versions_data(versions: Sequence[tuple[str, Forecast]]) -> pd.DataFrame:
    """Return month, usd (total per month) and version rows, one block per named forecast."""
    return pd.concat([pd.DataFrame({"month": list(result.months),
                                    "usd": result.total_usd.to_numpy(), "version": name})
                      for name, result in versions])


def monthly_versions_chart(versions: Sequence[tuple[str, Forecast]],
                           height: int = 300) -> alt.Chart:
    """Return one line of monthly totals (USD) per named forecast, for comparing versions."""
    chart: alt.Chart = alt.Chart(monthly_versions_data(versions)).mark_line(
        point=True, strokeWidth=3).encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
        y=alt.Y("usd:Q", title="USD per month", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("version:N", title=None, legend=alt.Legend(orient="top", labelLimit=360),
                        scale=alt.Scale(domain=[name for name, _ in versions])),
        tooltip=["version:N", "month:O", alt.Tooltip("usd:Q", format="$,.0f")]).properties(
        height=height)
    return chart


def category_variance_chart(by_category: pd.DataFrame,
                            base: str) -> alt.LayerChart | alt.FacetChart:
    """Return each scenario's horizon USD change against the base's, per category (bars).

    `by_category` is budget.comparison.Comparison.by_category; the base's own (zero) bars are
    left out, and each scenario keeps the colour it has in monthly_versions_chart.
    """
    names = list(dict.fromkeys(by_category["scenario"]))
    data = by_category[by_category["scenario"] != base].copy()
    data["text"] = data["delta_usd"].map(lambda d: signed_usd(d, short=True))
    others = max(1, len(names) - 1)
    y = alt.Y("category:N", sort=list(dict.fromkeys(by_category["category"])), title=None,
              axis=alt.Axis(labelLimit=240, labelFontSize=13))
    y_offset = alt.YOffset("scenario:N", sort=names)
    color = alt.Color("scenario:N", title=None, scale=alt.Scale(domain=names),
                      legend=alt.Legend(orient="top", labelLimit=360,
                                        values=[n for n in names if n != base]))
    bars = alt.Chart(data).mark_bar().encode(
        y=y, yOffset=y_offset, color=color,
        x=alt.X("delta_usd:Q", title="Change against the base over the horizon (USD)",
                axis=alt.Axis(format="$,.0f"), scale=alt.Scale(padding=70)),  # room for labels
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("category:N"),
                 alt.Tooltip("usd:Q", title="USD", format="$,.0f"),
                 alt.Tooltip("base_usd:Q", title="Base USD", format="$,.0f"),
                 alt.Tooltip("delta_usd:Q", title="Change", format="+$,.0f"),
                 alt.Tooltip("delta_pct:Q", title="Change %", format="+.1f")])
    sides: tuple[tuple[str, Literal["left", "right"], int], ...] = (
        (">=", "left", 4), ("<", "right", -4))  # a label beyond each bar's end
    labels = [alt.Chart(data).transform_filter(f"datum.delta_usd {op} 0").mark_text(
        align=align, dx=dx, fontSize=12).encode(y=y, yOffset=y_offset, x="delta_usd:Q",
                                                text="text:N")
        for op, align, dx in sides]
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#6b7280").encode(x="x:Q")
    return alt.layer(bars, *labels, zero, height=len(CATEGORIES) * (22 * others + 18))


PLACEMENT_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]


def placements_chart(table: pd.DataFrame,
                     height: int = 320) -> alt.LayerChart | alt.FacetChart:
    """Return GPU cost (USD) against shortage exposure, one circle per placement.

    `table` is budget.rows.placement_rows.
    """
    base = alt.Chart(table).encode(
        x=alt.X("largest_cloud_share:Q", title="Share of GPU-hours in the largest cloud "
                "(shortage exposure)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0.4, 1])),
        y=alt.Y("gpu_cost_usd:Q", title="GPU cost over the horizon", axis=alt.Axis(
            format="$,.0f"), scale=alt.Scale(zero=False, padding=24)))
    # distinct hues (Okabe–Ito), and each point named beside it: no legend to decode
    points = base.mark_circle(size=420, opacity=0.9, stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("placement:N", legend=None, scale=alt.Scale(range=PLACEMENT_COLORS)),
        tooltip=["placement:N", alt.Tooltip("gpu_cost_usd:Q", format="$,.0f"),
                 alt.Tooltip("largest_cloud_share:Q", format=".0%"),
                 alt.Tooltip("switching_usd:Q", format="$,.0f")])
    labels = base.transform_calculate(
        short="split(datum.placement, ':')[0]").mark_text(
        align="left", dx=14, fontSize=13, limit=260).encode(text="short:N")
    return alt.layer(points, labels).properties(height=height)


TEXT_KEYS = ("fontSize", "labelFontSize", "titleFontSize")


def with_text_px(spec: dict[str, Any], px: int) -> dict[str, Any]:
    """Return a copy of a Vega-Lite spec whose every text (axes, legends, marks) is ≥ `px`.

    For a chart read from the back of a room: the builders size text for a desk screen.
    """
    grow = max(px / 13, 1.0)  # the builders size text for ~13 px

    def size(key: str, value: Any) -> Any:
        if key == "scale" and isinstance(value, dict) and isinstance(value.get("padding"), int):
            value = {**value, "padding": round(value["padding"] * grow)}  # room for labels
        if not isinstance(value, int | float) or isinstance(value, bool):
            return scaled(value)
        if key in TEXT_KEYS:
            return max(value, px)
        if key == "labelLimit":  # room for the larger labels
            return round(value * grow)
        return value

    def scaled(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: size(k, v) for k, v in node.items()}
        if isinstance(node, list):
            return [scaled(v) for v in node]
        return node

    out: dict[str, Any] = scaled({k: v for k, v in spec.items() if k != "datasets"})
    if "datasets" in spec:
        out["datasets"] = spec["datasets"]
    config = dict(out.get("config", {}))
    for part in ("axis", "legend", "header"):
        config[part] = {**config.get(part, {}), "labelFontSize": px, "titleFontSize": px}
    config["legend"]["labelLimit"] = 0  # no ellipsis on "Real-time inference" at this size
    config["text"] = {**config.get("text", {}), "fontSize": px}
    config["title"] = {**config.get("title", {}), "fontSize": px}
    out["config"] = config
    return out


def variance_effects_chart(effects: pd.DataFrame) -> alt.Chart:
    """Return each month's variance against plan as stacked volume and unit-cost bars.

    `effects` is budget.plan_vs_actual.monthly_effects: month, effect, usd (above 0: over plan).
    """
    chart: alt.Chart = alt.Chart(effects).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap="parity")),
        y=alt.Y("sum(usd):Q", title="Actual − plan (USD)", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("effect:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["Volume", "Unit cost"],
                                        range=["#0072B2", "#E69F00"])),
        tooltip=[alt.Tooltip("month:O", title="Month"), alt.Tooltip("effect:N", title="Effect"),
                 alt.Tooltip("usd:Q", title="USD", format="$,.0f")],
    ).properties(height=320)
    return chart
