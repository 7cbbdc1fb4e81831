"""The executive narrative: deterministic sentences built from the engine's own numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from budget.actuals import ActualsSummary
from budget.bridge import Bridge
from budget.fmt import compact, signed_usd, usd
from budget.forecast import CATEGORIES, CATEGORY_LABELS, INFERENCE_CATEGORIES, Forecast
from budget.inputs import INPUTS_BY_NAME
from budget.levers import lever_table
from budget.sensitivity import MonteCarlo, TornadoBar
from budget.text import md_escape


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs (plain text: never markup)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Narrative:
    """The whole story, in order, and the lever table it quotes."""

    title: str
    sections: tuple[Section, ...]
    levers: pd.DataFrame = field(repr=False)


SECTION_HEADINGS = ("The budget", "What the spend buys", "What moves it", "Risks hedged",
                    "Efficiency levers", "What changed", "Against actuals")


def lead_sentence(paragraphs: tuple[str, ...] | list[str]) -> str:
    """Return a section's opening: its first paragraph, and the next when the first ends in a
    colon (it introduces a list, and alone would stop mid-sentence)."""
    if not paragraphs:
        return ""
    first = paragraphs[0]
    if first.rstrip().endswith(":") and len(paragraphs) > 1:
        return f"{first.rstrip()} {paragraphs[1]}"
    return first


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def build_narrative(result: Forecast, mc: MonteCarlo, bars: list[TornadoBar],
                    previous: Bridge | None = None,
                    actuals: ActualsSummary | None = None) -> Narrative:
    """Return the narrative for one scenario (optionally against a previous version/actuals)."""
    levers = lever_table(result)
    sections = [
        Section(SECTION_HEADINGS[0], _budget(result, mc)),
        Section(SECTION_HEADINGS[1], _buys(result)),
        Section(SECTION_HEADINGS[2], _moves(bars) or ("No input has a range.",)),
        Section(SECTION_HEADINGS[3], _hedges(result) or ("No GPU workloads.",)),
        Section(SECTION_HEADINGS[4], _levers(levers) or ("No lever applies.",)),
    ]
    if previous is not None and previous.steps:
        sections.append(Section(SECTION_HEADINGS[5], _changes(previous)))
    if actuals is not None:
        sections.append(Section(SECTION_HEADINGS[6], _against_actuals(result, actuals)))
    return Narrative(result.scenario.name, tuple(sections), levers)


def _budget(result: Forecast, mc: MonteCarlo) -> tuple[str, ...]:
    """Return the total, its first and last months, and the P10–P90 range."""
    months = result.months
    return (
        f"{result.scenario.name} budgets {usd(result.total_cost_usd)} over {len(months)} months "
        f"({months[0]} to {months[-1]}): {usd(result.run_rate_usd(0))} in the first month, "
        f"rising to {usd(result.run_rate_usd(-1))} in the last.",
        f"As a range, the horizon total is {usd(mc.p10)} to {usd(mc.p90)} (P10 to P90 of "
        f"{mc.draws:,} simulated budgets; median {usd(mc.p50)}). Inference is planned as a "
        "run-rate that scales with requests and tokens; training as projects priced per run.",
    )


def _buys(result: Forecast) -> tuple[str, ...]:
    """Return spend by category, inference unit costs, the business unit and training runs."""
    s, total = result.scenario, result.total_cost_usd
    by_category = result.by_category.sum(axis=0)
    parts = [f"{CATEGORY_LABELS[c].lower()} {usd(by_category[c])} ({_pct(by_category[c], total)})"
             for c in sorted(CATEGORIES, key=lambda c: -by_category[c]) if by_category[c] > 0]
    inference = result.lines[result.lines["category"].isin(INFERENCE_CATEGORIES)]
    units = result.unit_costs
    buys = [f"By category: {'; '.join(parts)}."]
    if not inference.empty:
        buys.append(
            f"Inference serves {compact(float(inference['requests'].sum()))} requests and "
            f"{compact(float(inference['input_tokens'].sum() + inference['output_tokens'].sum()))}"
            f" tokens over the horizon: {usd(units.usd_per_1k_requests, 4)} per 1,000 requests "
            f"and {usd(units.usd_per_1m_tokens, 4)} per million tokens.")
    if s.unit_name and s.unit_workload:
        table = result.workload_table()
        row = table[table["workload"] == s.unit_workload]
        cost_usd, requests = float(row["cost_usd"].sum()), float(row["requests"].sum())
        per_unit = cost_usd / requests if requests else None
        buys.append(f"Each {s.unit_name} costs {usd(per_unit, 4)} ({s.unit_workload}: "
                    f"{usd(cost_usd)} for {compact(requests)} {s.unit_name}s).")
    training = result.training_projects()
    if not training.empty:
        biggest = training.sort_values("usd_per_run", ascending=False).iloc[0]
        count = training["workload"].nunique()  # a dated change may add a row from its month
        buys.append(f"{count} training project{'s' if count != 1 else ''} cost "
                    f"{usd(float(training['usd_horizon'].sum()))}; the largest run, "
                    f"{biggest['workload']}, costs {usd(float(biggest['usd_per_run']))} and "
                    f"runs {biggest['runs_per_quarter']:.2g} times a quarter.")
    return tuple(buys)


def _moves(bars: list[TornadoBar]) -> tuple[str, ...]:
    """Return the three inputs that swing the total most (none when no input has a range)."""
    top = [b for b in bars if b.swing > 0][:3]
    moves = []
    for b in top:
        spec = INPUTS_BY_NAME[b.input]
        moves.append(f"{spec.label} ({b.low_value:.3g} to {b.high_value:.3g}) moves the total "
                     f"from {usd(b.low_total)} to {usd(b.high_total)}, a swing of {usd(b.swing)}"
                     + (", and not in a straight line" if b.nonlinear else "") + ".")
    if top:
        moves.insert(0, "The assumptions that move the budget most, each swung alone across "
                        "its P10–P90 range with the rest held at expected:")
    return tuple(moves)


def _hedges(result: Forecast) -> tuple[str, ...]:
    """Return GPU spend, its reserved and spot shares and its spread over clouds."""
    gpu = result.lines[result.lines["gpu_hours"] > 0]
    if gpu.empty:
        return ()
    gpu_cost = result.gpu_cost_usd()
    hours = float(gpu["gpu_hours"].sum())
    by_cloud = gpu.groupby("cloud")["cost_usd"].sum().sort_values(ascending=False)
    primary = str(by_cloud.index[0])
    reserved = float(gpu.loc[gpu["pricing"] == "reserved", "gpu_hours"].sum())
    spot = float(gpu.loc[gpu["pricing"] == "spot", "gpu_hours"].sum())
    hedges = [f"GPU spend is {usd(gpu_cost)} for {compact(hours)} GPU-hours. "
              f"{_pct(reserved, hours)} of GPU-hours are reserved: bought price "
              "stability for the steady baseline.",
              f"{_pct(spot, hours)} run on spot capacity: a discount bought with "
              "interruption-tolerant work (checkpointed training, experiments)."]
    if len(by_cloud) > 1:
        hedges.append(f"{_pct(gpu_cost - float(by_cloud.iloc[0]), gpu_cost)} of GPU spend "
                      f"sits outside the primary cloud ({primary}): capacity resilience "
                      "and pricing leverage, at the cost of running a second stack.")
    else:
        hedges.append(f"All GPU spend is on {primary}: simple to run, but with no second "
                      "source of capacity if it runs short.")
    return tuple(hedges)


def _levers(levers: pd.DataFrame) -> tuple[str, ...]:
    """Return the four largest lever savings and the caveat that they overlap."""
    useful = levers[levers["saving_usd"] > 0].head(4)
    lever_text = [f"{r['lever']}: about {usd(float(r['saving_usd']))} ({r['percent']:.0%} of "
                  f"{r['base']}, {usd(float(r['base_usd']))}) — {r['assumption']}."
                  for r in useful.to_dict("records")]
    if lever_text:
        lever_text.append("The savings overlap (caching and shorter context act on the same "
                          "tokens), so they do not simply add up.")
    return tuple(lever_text)


def _changes(previous: Bridge) -> tuple[str, ...]:
    """Return the total's move against the previous version and its three largest steps."""
    change = previous.new_total - previous.old_total
    text = [f"Against the previous version the total moves by {signed_usd(change)}, from "
            f"{usd(previous.old_total)} to {usd(previous.new_total)}."]
    text += [f"{step.change}: {signed_usd(step.delta)}." for step in previous.steps[:3]]
    return tuple(text)


GAP_FLAG_SHARE = 0.10  # a plan's first month this far from the last actual month is flagged


def _against_actuals(result: Forecast, actuals: ActualsSummary) -> tuple[str, ...]:
    """Return the last full month of actuals against the plan's first month, gaps flagged."""
    covered = actuals.last_month in result.months  # the plan's own month, else its first
    index = result.months.index(actuals.last_month) if covered else 0
    planned = result.run_rate_usd(index)
    gap = planned / actuals.last_month_usd - 1 if actuals.last_month_usd else math.nan
    which = (f"the plan had {usd(planned)} for that month" if covered else
             f"the plan's first month, {result.months[0]}, is {usd(planned)}")
    text = [f"Actual spend in {actuals.last_month}, the last full month, was "
            f"{usd(actuals.last_month_usd)}; {which} ({gap:+.0%})."]
    if abs(gap) > GAP_FLAG_SHARE and covered:
        text.append(f"Flag: that gap is beyond ±{GAP_FLAG_SHARE:.0%}: the plan has drifted from "
                    "the bill. The Plan vs actual page splits it into volume and unit cost.")
    elif abs(gap) > GAP_FLAG_SHARE:
        text.append(f"Flag: that gap is beyond ±{GAP_FLAG_SHARE:.0%}. Either the plan expects "
                    "spend to move that much by its first month, or its volumes and prices "
                    "start from other figures than the bill: check them before it is approved.")
    text.append(f"The last 30 days of actuals cost {usd(actuals.last_30_days_usd)}.")
    if actuals.track_record:
        text.append(actuals.track_record)
    return tuple(text)


def narrative_markdown(narrative: Narrative) -> str:
    """Return the narrative as Markdown text (headings and paragraphs), names as plain text."""
    lines = [f"# {md_escape(narrative.title)}"]
    for section in narrative.sections:
        lines += ["", f"## {md_escape(section.heading)}", ""]
        lines += [md_escape(p) for p in section.paragraphs]
    return "\n".join(lines) + "\n"
