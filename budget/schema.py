"""The scenario file's keys: type, bounds, default and one line of help for each."""

from __future__ import annotations

import difflib
import math
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Literal

from budget.errors import shown
from budget.inputs import INPUTS
from budget.months import parse_month

Kind = Literal["text", "month", "int", "number", "choice", "pair", "bool", "fields"]
Mode = Literal["api", "self_hosted"]

PRICING_CHOICES = ("on_demand", "spot", "reserved")
TINY = 1e-9  # a number other than 0 is at least this far from 0 (denormals make divisions blow up)
NAME_MAX = 200  # characters in a name (a 100 KB name took the PDF 11 s and 1.5 GB)
PROSE_MAX = 2_000  # characters in a free text: a source, a rollback plan, a dashboard link
_ALLOWED_FORMAT = frozenset("\u200d")  # the zero-width joiner inside emoji sequences


def name_key(text: str) -> str:
    """Return the form two names are compared in: NFKC, case-folded ("Chat" is "chat")."""
    return unicodedata.normalize("NFKC", text).casefold()


def same_name_note(first: str, again: str) -> str:
    """Return why `again` counts as the name `first` (same name_key), or "" when equal."""
    if first == again:
        return ""
    how = ("upper/lower case" if first.casefold() == again.casefold() else
           "Unicode form (accents composed or decomposed, full-width letters) or case")
    return f"{shown(again)} differs from {shown(first)} only in {how}, so it is the same name"


def text_problem(text: str, *, prose: bool = False) -> tuple[str, str] | None:
    """Return (problem, fix) when a name (or, with prose, a free text) cannot be used, else None.

    Names are at most NAME_MAX characters without spaces around them; free texts at most
    PROSE_MAX and may hold line breaks and tabs. Neither may hold control characters, bidi
    overrides (U+202A–U+202E, U+2066–U+2069) or other invisible format characters.
    """
    limit = PROSE_MAX if prose else NAME_MAX
    if len(text) > limit:
        return (f"is {len(text):,} characters long; {'texts' if prose else 'names'} are limited "
                f"to {limit:,}", f"shorten it to {limit:,} characters or fewer")
    for i, c in enumerate(text):
        category = unicodedata.category(c)
        if (category in ("Cc", "Zl", "Zp") and not (prose and c in "\n\t")) or (
                category == "Cf" and c not in _ALLOWED_FORMAT
                and not "\U000e0020" <= c <= "\U000e007f"):
            what = ("a bidi control character" if "\u202a" <= c <= "\u202e"
                    or "\u2066" <= c <= "\u2069" or c in "\u200e\u200f\u061c"
                    else "an invisible format character" if category == "Cf"
                    else "a control character")
            return (f"holds {what} ({c!r} at character {i + 1}): what is shown would not be "
                    "what is stored", "delete that character")
    if not prose and text != text.strip():
        return ("has spaces at its start or end, which would make it look like another name",
                f"write it without them: {shown(text.strip())} (nothing is stripped for you)")
    return None


@dataclass(frozen=True)
class Key:
    """One key of a scenario table: what it holds and how it is checked."""

    name: str
    kind: Kind
    help: str
    required: bool = True
    default: Any = None
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    choices: tuple[str, ...] = ()
    only_for: Mode | None = None  # inference keys that belong to one serving mode
    prose: bool = False  # a free text (PROSE_MAX, line breaks allowed) rather than a name
    part_of_pool: bool = False  # a cloud or GPU name: joined as "cloud/gpu", so no "/"

    def check(self, value: Any) -> tuple[Any, str, str] | None:
        """Return (value, problem, fix) when `value` is wrong for this key, else None."""
        if self.kind == "pair":
            return self._check_pair(value)
        if self.kind == "fields":
            if isinstance(value, dict) and not value:
                return value, "sets no field", (
                    f"write the fields it changes, like {self.name} = "
                    "{ requests_per_month = 900000 }, or delete the change")
            if not isinstance(value, dict):
                return value, f"must be an inline table of fields, got {show_value(value)}", (
                    f"write it like {self.name} = {{ requests_per_month = 900000 }}")
            return None
        if self.kind == "bool":
            if not isinstance(value, bool):
                return value, f"must be true or false, got {show_value(value)}", (
                    f"write {self.name} = true or {self.name} = false (no quotes)")
            return None
        if self.kind in ("text", "month", "choice"):
            if isinstance(value, date | time):
                example = '"2027-01"' if self.kind == "month" else f'"{value.isoformat()}"'
                return value, (f"must be a text in quotes, got the TOML "
                               f"{'time' if isinstance(value, time) else 'date'} "
                               f"{value.isoformat()}"), f"write it in quotes, like {example}"
            if not isinstance(value, str) or not value.strip():
                return value, f"must be a non-empty text, got {show_value(value)}", self._fix()
            if self.kind == "text":
                problem = text_problem(value, prose=self.prose)
                if problem is None and self.part_of_pool and "/" in value:
                    problem = ("must not contain a slash: a GPU pool is named cloud/gpu",
                               f"write the {self.name} without /, like "
                               + ("aws" if self.name == "cloud" else "H100"))
                return None if problem is None else (value, *problem)
            if self.kind == "month":
                try:
                    parse_month(value)
                except ValueError as exc:
                    if "no such month" in str(exc):
                        return value, (f"must be a real month between 1900-01 and 2200-12, "
                                       f"got {show_value(value)}"), 'write it like "2027-01"'
                    return value, f"must be a month written YYYY-MM, got {show_value(value)}", (
                        'write it like "2027-01"'
                    )
            if self.kind == "choice" and value not in self.choices:
                options = ", ".join(f'"{c}"' for c in self.choices)
                return value, f"must be one of {options}, got {show_value(value)}", self._fix()
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            what = "a whole number" if self.kind == "int" else "a number"
            return value, f"must be {what}, got {show_value(value)}", self._fix()
        if self.kind == "int" and not isinstance(value, int):
            return value, f"must be a whole number, got {show_value(value)}", self._fix()
        if isinstance(value, float) and not math.isfinite(value):
            return value, f"must be a finite number, got {show_value(value)}", self._fix()
        # Python compares a huge int with a float exactly: no float() that could overflow
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return value, f"must be {self.bounds()}, got {show_value(value)}", self._fix()
        if self.high is not None and value > self.high:
            return value, f"must be {self.bounds()}, got {show_value(value)}", self._fix()
        if value != 0 and abs(value) < TINY:
            return value, (f"must be 0 or at least {TINY:g} away from 0, got {show_value(value)}: "
                           "a smaller number means nothing in a budget and makes divisions "
                           "overflow"), f"write {self.name} = 0, or a value of at least {TINY:g}"
        return None

    def _check_pair(self, value: Any) -> tuple[Any, str, str] | None:
        """Check a [low, high] range: two numbers within the bounds, low ≤ high."""
        fix = f"write it like {self.name} = [0.8, 1.3], low first"
        if not isinstance(value, list) or len(value) != 2:
            return value, f"must be a list of two numbers [low, high], got {show_value(value)}", fix
        number = Key(self.name, "number", self.help, low=self.low,
                     low_inclusive=self.low_inclusive, high=self.high)
        for item in value:
            problem = number.check(item)
            if problem is not None:
                return value, "each end " + problem[1], problem[2]
        if value[0] > value[1]:
            return value, f"low must not exceed high, got [{_num(value[0])}, {_num(value[1])}]", fix
        return None

    def bounds(self) -> str:
        """Return the allowed range as messages write it: "≥ 0 and ≤ 1", "> 0"."""
        parts = []
        if self.low is not None:
            parts.append(f"{'≥' if self.low_inclusive else '>'} {_num(self.low)}")
        if self.high is not None:
            parts.append(f"≤ {_num(self.high)}")
        return " and ".join(parts)

    def _fix(self) -> str:
        if self.choices:
            return f'use one of {", ".join(self.choices)}'
        if self.kind in ("int", "number") and (self.low is not None or self.high is not None):
            return f"set {self.name} to a value {self.bounds()}"
        return f"set {self.name}: {self.help}"


@dataclass(frozen=True)
class Table:
    """A scenario table: `[name]` when single, `[[name]]` when many."""

    name: str
    many: bool
    required: bool
    help: str
    keys: tuple[Key, ...]

    def key(self, name: str) -> Key | None:
        """Return the key called `name`, or None."""
        return next((k for k in self.keys if k.name == name), None)

    def suggest(self, name: str) -> str:
        """Return a 'did you mean' hint for an unknown key."""
        close = difflib.get_close_matches(name[:100], [k.name for k in self.keys], n=1)
        if close:
            return f'rename it to "{close[0]}"'
        return "remove it; allowed keys are " + ", ".join(k.name for k in self.keys)


def show_value(value: Any) -> str:
    """Return a value as a message shows it: text quoted and cut, a huge int by its digits."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10**16:
        return f"a whole number of {len(str(abs(value))):,} digits"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _num(value: float) -> str:
    """Return 0.5, 100 or 10,000,000 — never 1e+07."""
    if float(value).is_integer() and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


_GPU_PRICING = Key(
    "pricing", "choice", "how the GPU-hours are bought: on_demand, spot or reserved",
    required=False, default="on_demand", choices=PRICING_CHOICES,
)
_CLOUD = Key("cloud", "text", "cloud or GPU provider; must have a [[gpu_prices]] row with this gpu",
             part_of_pool=True)
_GPU = Key("gpu", "text", "GPU type, e.g. H100; must have a [[gpu_prices]] row with this cloud",
           part_of_pool=True)
_TEAM = Key("team", "text", "the team that owns the cost")
_MODEL = Key("model", "text", "the model served or trained, e.g. llama-3.1-70b")
_GROWTH = Key(
    "monthly_growth", "number", "compound growth per month as a fraction (0.05 = +5%/month; "
    "at most 1, doubling every month)",
    required=False, default=0.0, low=-1.0, low_inclusive=False, high=1.0,
)
_STARTS = Key(
    "starts", "month", "first month the workload costs anything, YYYY-MM, within the horizon "
    "(default: the scenario's start); its growth counts from this month", required=False,
)
_ENDS = Key(
    "ends", "month", "last month the workload costs anything, YYYY-MM, inclusive, within the "
    "horizon and not before starts (default: the horizon's last month)", required=False,
)

TABLES: tuple[Table, ...] = (
    Table("scenario", many=False, required=True, help="what the plan is and when it runs", keys=(
        Key("name", "text", "the plan's name, shown on every page and export"),
        Key("start", "month", "first forecast month, YYYY-MM"),
        Key("months", "int", "forecast horizon in months", low=1, high=120),
        Key("currency", "choice", "currency of every amount in the file", required=False,
            default="USD", choices=("USD",)),
        Key("fiscal_year_start_month", "int", "the month the fiscal year starts, 1 (January) "
            "to 12; the Planner's quarters and years and the exports follow it",
            required=False, default=1, low=1, high=12),
        Key("calendar", "choice", "how long a month is: \"average\" (every month a twelfth of "
            "a year, as written) or \"days\" (run-rates accrue per day, so a month costs its "
            "days / 30.4375 of the monthly figures; February less than January)",
            required=False, default="average", choices=("average", "days")),
        Key("previous", "text", "the version this one was saved from, FILE@SHA256 (written "
            "by Save as new version)", required=False, prose=True),
        Key("reason", "text", "why this version was saved (written by Save as new version)",
            required=False, prose=True),
    )),
    Table("drivers", many=False, required=False,
          help="the what-if knobs; 1.0 means the workloads exactly as written",
          keys=tuple(Key(i.name, "number", i.help, required=False, default=i.expected,
                         low=i.low_bound, low_inclusive=i.low_inclusive, high=i.high_bound)
                     for i in INPUTS)),
    Table("ranges", many=False, required=False,
          help="P10 and P90 of each uncertain input as [low, high]; the expected value is the "
          "one in [drivers]",
          keys=tuple(Key(i.name, "pair", f"[P10, P90] of {i.name}", required=False,
                         low=i.low_bound, low_inclusive=i.low_inclusive, high=i.high_bound)
                     for i in INPUTS)),
    Table("narrative", many=False, required=False,
          help="how the executive narrative names what the spend buys", keys=(
        Key("unit_name", "text", "the customer-facing unit, e.g. \"answered support ticket\"",
            required=False),
        Key("unit_workload", "text", "the inference workload whose requests are those units",
            required=False),
    )),
    Table("portability", many=True, required=False,
          help="how easily each GPU workload could move to another cloud", keys=(
        Key("workload", "text", "the GPU workload (inference, training or experimentation) "
            "this row describes"),
        Key("secondary_cloud", "text", "the cloud it could fail over or move to",
            required=False),
        Key("data_gb_per_month", "number", "data it moves across clouds a month, GB (priced "
            "at its cloud's egress)", required=False, default=0.0, low=0.0, high=1e9),
        Key("data_gb_stored", "number", "data that would move with it once, GB",
            required=False, default=0.0, low=0.0, high=1e10),
        *(Key(name, "number", f"{text}: 0 (locked in) to 1 (portable); default 0.5",
              required=False, default=0.5, low=0.0, high=1.0) for name, text in (
            ("model_registry", "model registry compatibility"),
            ("container_images", "container image parity"),
            ("iam", "IAM mapping"),
            ("observability", "observability without duplication"),
            ("deployment_automation", "deployment automation across clouds"))),
    )),
    Table("capacity", many=False, required=False,
          help="how the capacity and procurement plan treats peaks and spot", keys=(
        Key("stress_surge", "number", "stress peak: real-time inference's expected peak "
            "multiplied by this (a large pilot, a traffic spike)", required=False, default=2.0,
            low=1.0, high=20.0),
        Key("interruption_overhead", "number", "extra GPU-hours, as a fraction, when the "
            "procurement plan moves checkpointable work to spot (0.1 = +10%)", required=False,
            default=0.10, low=0.0, high=1.0),
    )),
    Table("gpu_prices", many=True, required=False,
          help="USD per GPU-hour, one row per cloud and GPU type", keys=(
        Key("cloud", "text", "cloud or GPU provider, e.g. aws, gcp, azure, lambda",
            part_of_pool=True),
        Key("gpu", "text", "GPU type, e.g. H100, A100, L4", part_of_pool=True),
        Key("on_demand", "number", "on-demand USD per GPU-hour", low=0.0, low_inclusive=False,
            high=1000.0),
        Key("spot", "number", "spot USD per GPU-hour (needed when a workload uses spot)",
            required=False, low=0.0, low_inclusive=False, high=1000.0),
        Key("reserved", "number",
            "effective USD per GPU-hour under a 1-year commitment (needed when a workload "
            "uses reserved)", required=False, low=0.0, low_inclusive=False, high=1000.0),
        Key("reserved_3y", "number", "effective USD per GPU-hour under a 3-year commitment "
            "(reference)", required=False, low=0.0, low_inclusive=False, high=1000.0),
        Key("source", "text", "where the price comes from", prose=True),
        Key("as_of", "month", "when the price was read, YYYY-MM"),
    )),
    Table("inference", many=True, required=False,
          help="a model serving workload: a run-rate that scales with requests", keys=(
        Key("name", "text", "unique workload name"),
        _TEAM,
        _MODEL,
        Key("environment", "text", "where it runs, e.g. production, staging", required=False,
            default="production"),
        Key("kind", "choice", "realtime (latency-bound) or batch", choices=("realtime", "batch")),
        Key("requests_per_month", "number", "requests in the workload's first month "
            "(the first forecast month, or starts)", low=0.0,
            high=1e13),
        _GROWTH,
        Key("input_tokens", "number", "average input tokens per request", low=0.0, high=1e7),
        Key("output_tokens", "number", "average output tokens per request", low=0.0,
            high=1e7),
        Key("serving", "choice", "api (pay per token) or self_hosted (pay per GPU-hour)",
            choices=("api", "self_hosted")),
        Key("price_per_1m_input", "number", "USD per 1M input tokens (default: the model's list "
            "price from genai-prices)", required=False, low=0.0, high=10_000.0,
            only_for="api"),
        Key("price_per_1m_output", "number", "USD per 1M output tokens (default: the model's "
            "list price from genai-prices)", required=False, low=0.0, high=10_000.0,
            only_for="api"),
        Key("provider", "text", "API provider id for the genai-prices look-up, e.g. openai, "
            "anthropic, google", required=False, only_for="api"),
        Key("cloud", "text", _CLOUD.help, only_for="self_hosted", part_of_pool=True),
        Key("gpu", "text", _GPU.help, only_for="self_hosted", part_of_pool=True),
        Key("output_tokens_per_gpu_second", "number",
            "output tokens one GPU generates per second at full load", low=0.01,
            high=1e7, only_for="self_hosted"),
        Key("input_tokens_per_gpu_second", "number",
            "optional prefill throughput: input tokens one GPU processes per second; "
            "when set, prefill GPU-hours are added (off by default)", required=False,
            low=0.01, high=1e7, only_for="self_hosted"),
        Key("utilization", "number", "average fraction of GPU capacity in use, 0.01 ≤ u ≤ 1",
            low=0.01, high=1.0, only_for="self_hosted"),
        Key("pricing", "choice", _GPU_PRICING.help, required=False, default="on_demand",
            choices=PRICING_CHOICES, only_for="self_hosted"),
        Key("peak_factor", "number", "peak concurrent GPUs over the average for capacity "
            "planning (default: real-time 1.8, batch 1.0, training 3.0, experimentation 1.5)",
            required=False, low=1.0, high=50.0, only_for="self_hosted"),
        Key("min_gpus", "int", "smallest deployment that serves the model (break-even: "
            "self-hosting pays for these GPUs around the clock)", required=False, low=1,
            high=10_000),
        Key("api_price_per_1m_input", "number", "break-even: the API alternative's USD per "
            "1M input tokens", required=False, low=0.0, high=10_000.0, only_for="self_hosted"),
        Key("api_price_per_1m_output", "number", "break-even: the API alternative's USD per "
            "1M output tokens", required=False, low=0.0, high=10_000.0,
            only_for="self_hosted"),
        Key("self_host_cloud", "text", "break-even: cloud of the self-hosted alternative",
            required=False, only_for="api"),
        Key("self_host_gpu", "text", "break-even: GPU of the self-hosted alternative "
            "(priced on demand)", required=False, only_for="api"),
        Key("self_host_output_tokens_per_gpu_second", "number", "break-even: the alternative's "
            "output tokens per GPU-second", required=False, low=0.01, high=1e7, only_for="api"),
        Key("self_host_utilization", "number", "break-even: the alternative's utilization",
            required=False, low=0.01, high=1.0, only_for="api"),
        _STARTS,
        _ENDS,
    )),
    Table("training", many=True, required=False,
          help="a model training or fine-tuning project: cost per run, one run per refresh", keys=(
        Key("name", "text", "unique workload name"),
        _TEAM,
        _MODEL,
        _CLOUD,
        _GPU,
        Key("gpu_hours_per_run", "number", "GPU-hours one run takes", low=0.0,
            low_inclusive=False, high=1e9),
        Key("refreshes_per_quarter", "number", "runs per quarter; fractions spread evenly",
            low=0.0, high=1000.0),
        _GPU_PRICING,
        Key("peak_factor", "number", "peak concurrent GPUs over the average for capacity "
            "planning (default: real-time 1.8, batch 1.0, training 3.0, experimentation 1.5)",
            required=False, low=1.0, high=50.0),
        _STARTS,
        _ENDS,
    )),
    Table("experimentation", many=True, required=False,
          help="short-lived research compute, budgeted per team per week", keys=(
        Key("name", "text", "unique workload name (default: TEAM-experimentation)",
            required=False),
        _TEAM,
        _CLOUD,
        _GPU,
        Key("gpu_hours_per_week", "number", "GPU-hours per week", low=0.0, high=1e8),
        _GPU_PRICING,
        Key("peak_factor", "number", "peak concurrent GPUs over the average for capacity "
            "planning (default: real-time 1.8, batch 1.0, training 3.0, experimentation 1.5)",
            required=False, low=1.0, high=50.0),
        _STARTS,
        _ENDS,
    )),
    Table("platform", many=True, required=False,
          help="shared overhead: storage, networking, observability, vector DB, security, people",
          keys=(
        Key("name", "text", "unique line name"),
        Key("category", "choice", "kind of overhead",
            choices=("storage", "networking", "observability", "vector_db", "security",
                     "people", "other")),
        Key("team", "text", "the team that owns the cost", required=False, default="platform"),
        Key("monthly_cost", "number", "USD in the line's first month (the first "
            "forecast month, or starts)", low=0.0, high=1e11),
        _GROWTH,
        _STARTS,
        _ENDS,
    )),
)

CHANGES = Table(
    "changes", many=True, required=False,
    help="a dated change: from `month` on, one workload's (or one GPU price row's) fields take "
    "new values", keys=(
        Key("month", "month", "first month the new values apply, YYYY-MM, within the horizon"),
        Key("workload", "text", "the workload whose fields change (any workload table); "
            "give this or gpu", required=False),
        Key("gpu", "text", "the [[gpu_prices]] row whose prices change, as cloud/gpu (e.g. "
            "aws/H100); give this or workload", required=False),
        Key("set", "fields", "the fields and their new values, e.g. { model = \"llama-3.1-8b\", "
            "output_tokens_per_gpu_second = 3000 }; any key of the row's table but its name "
            "(cloud and gpu for a price row), starts and ends"),
    ))
# Keys a dated change may not set: what names the row, and the workload's own window
FIXED_BY_TABLE = {"gpu_prices": ("cloud", "gpu")}
FIXED_KEYS = ("name", "starts", "ends")

CONTROLS = ("hard_quota", "soft_alert", "approval_gate")

GOVERNANCE_TABLES: tuple[Table, ...] = (
    Table("budget", many=False, required=False,
          help="the approved budget the plan and the actuals are held against", keys=(
        Key("monthly", "number", "approved monthly AI infrastructure budget, all "
            "environments, in the file's currency", low=0.0, high=1e12),
    )),
    Table("guardrails", many=True, required=False,
          help="a monthly budget per environment and how it is enforced", keys=(
        Key("environment", "text", "the environment it governs, as tagged in the exports "
            "(e.g. dev, staging, production)"),
        Key("monthly_budget", "number", "the environment's monthly budget", low=0.0,
            high=1e12),
        Key("control", "choice", "hard_quota (spend stops at the budget: sandboxes), "
            "soft_alert (warns: staging) or approval_gate (production changes above the "
            "threshold need a cost estimate and a rollback plan)", choices=CONTROLS),
        Key("alert_at", "number", "share of the budget at which it warns (0.8 = at 80%)",
            required=False, default=0.8, low=0.0, low_inclusive=False, high=1.0),
        Key("approval_threshold", "number", "approval gate: a forecast increase above this "
            "share of the budget needs approval (0.1 = +10%)", required=False, default=0.1,
            low=0.0, high=10.0),
    )),
    Table("projects", many=True, required=False,
          help="the governance checklist of one project; a missing item is a gap", keys=(
        Key("name", "text", "the project's name"),
        Key("owner", "text", "the named person who owns its cost", required=False),
        Key("workload_forecast", "text", "the workload of this file that forecasts it",
            required=False),
        Key("unit_cost_baseline", "number", "its unit cost baseline, USD per 1K requests (or "
            "per run for training)", required=False, low=0.0, high=1e9),
        Key("approval_threshold", "number", "forecast increase (0.1 = +10%) above which a "
            "change needs approval", required=False, low=0.0, high=10.0),
        Key("rollback_plan", "text", "how a costly change is rolled back", required=False,
            prose=True),
        Key("cost_dashboard", "text", "where its costs are watched (a link or a name)",
            required=False, prose=True),
        Key("portable", "bool", "could it move to another cloud?", required=False),
        Key("spot_eligible", "bool", "can it run on spot capacity?", required=False),
        Key("cost_model", "choice", "chargeback (billed to the team) or showback (reported)",
            required=False, choices=("chargeback", "showback")),
    )),
)

TABLES = (*TABLES, CHANGES, *GOVERNANCE_TABLES)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
