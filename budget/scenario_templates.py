"""Starting points: row templates to add a workload from, and whole scenario files to begin with.

Figures are public reference points (shared/DOMAIN.md, read 2026-11): vLLM throughput per GPU,
API list prices per 1M tokens, GPU list prices and their usual spot and commitment discounts
(data/prices/gpu_prices.toml). They are a realistic start, not a quote: every template says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from budget.errors import BudgetInputError, shown
from budget.months import parse_month
from budget.pricing import catalog, catalog_gpu_row
from budget.scenario import parse_scenario_bytes
from budget.scenario_model import WORKLOAD_TABLES
from budget.schema import NAME_MAX, name_key

GPU_TABLES = ("training", "experimentation")  # and [[inference]] rows served self_hosted
NEW_SCENARIO = "the new scenario"  # how errors name template_toml's text


@dataclass(frozen=True)
class RowTemplate:
    """One workload to add: its table, a label for a picker, what it is, and the row's values."""

    label: str
    table: str
    help: str
    row: Mapping[str, Any] = field(default_factory=dict)


ROW_TEMPLATES: dict[str, RowTemplate] = {
    "api-product": RowTemplate(
        "API product", "inference",
        "a product feature on a hosted model, paid per token (gpt-4o-mini's list prices from "
        "genai-prices)",
        {"team": "product", "model": "gpt-4o-mini", "provider": "openai",
         "environment": "production", "kind": "realtime",
         "requests_per_month": 1_000_000, "monthly_growth": 0.05,
         "input_tokens": 1_500, "output_tokens": 400,  # a chat turn with some context
         "serving": "api"}),  # no prices: genai-prices' gpt-4o-mini, USD 0.15 / 0.60 per 1M
    "self-hosted-model": RowTemplate(
        "Self-hosted model", "inference",
        "an open 70B model served with vLLM on your own GPUs, paid per GPU-hour",
        {"team": "ml-platform", "model": "llama-3.1-70b", "environment": "production",
         "kind": "realtime", "requests_per_month": 10_000_000, "monthly_growth": 0.03,
         "input_tokens": 2_000, "output_tokens": 250, "serving": "self_hosted",
         "cloud": "aws", "gpu": "H100",
         "output_tokens_per_gpu_second": 500,  # vLLM, 70B on H100: about 460-890 tokens/s
         "utilization": 0.5,  # latency-bound serving keeps headroom
         "pricing": "reserved",  # the steady baseline is bought committed
         "min_gpus": 4}),  # 70B in FP16 needs 2 H100s; two replicas for availability
    "fine-tuning-project": RowTemplate(
        "Fine-tuning project", "training",
        "a fine-tune of an 8B model, refreshed once a quarter, on spot GPUs (checkpointed)",
        {"team": "applied-ml", "model": "llama-3.1-8b", "cloud": "aws", "gpu": "H100",
         "gpu_hours_per_run": 384,  # 8 GPUs × 48 hours
         "refreshes_per_quarter": 1, "pricing": "spot"}),
    "team-sandbox": RowTemplate(
        "Team sandbox", "experimentation",
        "a research team's weekly GPU budget for short-lived experiments, on spot",
        {"team": "research", "cloud": "aws", "gpu": "H100",
         "gpu_hours_per_week": 160,  # 4 GPUs × 40 hours
         "pricing": "spot"}),
    "platform-line": RowTemplate(
        "Platform line", "platform",
        "shared overhead (observability here) as a monthly run-rate with growth",
        {"category": "observability", "team": "platform", "monthly_cost": 2_000,
         "monthly_growth": 0.02}),
}


def _rows(data: Mapping[str, Any], table: str) -> list[Mapping[str, Any]]:
    """Return the table's rows in `data` that are tables ([] when absent or malformed)."""
    rows = data.get(table)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def _workload_names(data: Mapping[str, Any]) -> set[str]:
    """Return the name_key of every workload and platform line in `data`."""
    names = set()
    for table in WORKLOAD_TABLES:
        for row in _rows(data, table):
            name = row.get("name")
            if name is None and table == "experimentation":
                name = f"{row.get('team')}-experimentation"
            if isinstance(name, str):
                names.add(name_key(name))
    return names


def unique_name(base: str, data: Mapping[str, Any]) -> str:
    """Return `base`, or `base-2`, `base-3` …: the first no workload of `data` has (name_key)."""
    taken = _workload_names(data)
    for n in range(1, len(taken) + 2):
        suffix = "" if n == 1 else f"-{n}"
        candidate = base[: NAME_MAX - len(suffix)].rstrip() + suffix
        if name_key(candidate) not in taken:
            return candidate
    raise AssertionError("unreachable: len(taken) + 1 candidates cannot all be taken")


def _price_keys(row: Mapping[str, Any]) -> tuple[str, str]:
    """Return a price row's (name_key(cloud), name_key(gpu))."""
    return name_key(str(row.get("cloud"))), name_key(str(row.get("gpu")))


def _ranked(rows: list[Mapping[str, Any]], cloud: str, gpu: str) -> Iterator[Mapping[str, Any]]:
    """Yield price rows: the template's own (cloud, gpu) first, then its GPU type, then the rest."""
    want = (name_key(cloud), name_key(gpu))
    yield from (r for r in rows if _price_keys(r) == want)
    yield from (r for r in rows if _price_keys(r)[1] == want[1] and _price_keys(r) != want)
    yield from (r for r in rows if _price_keys(r)[1] != want[1])


def _catalog_rows(cloud: str, gpu: str) -> list[Mapping[str, Any]]:
    """Return the reference table's GPU rows, the template's own (cloud, gpu) first."""
    own = catalog_gpu_row(cloud, gpu)
    rows = [r for r in catalog().get("gpu_prices", []) if isinstance(r, Mapping)]
    return ([own] if own is not None else []) + rows


def _place_gpu(row: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the row on a (cloud, gpu, pricing) the scenario can price once the row is added.

    In order: a [[gpu_prices]] row of the file with the row's pricing; a reference-table row
    (filled in by the loader) with it whose (cloud, gpu) the file does not price; any row of
    the file, bought on demand (every price row has on_demand).
    """
    cloud, gpu, pricing = str(row["cloud"]), str(row["gpu"]), str(row.get("pricing", "on_demand"))
    own = [r for r in _rows(data, "gpu_prices")
           if isinstance(r.get("cloud"), str) and isinstance(r.get("gpu"), str)]
    priced = {_price_keys(r) for r in own}
    for price in _ranked(own, cloud, gpu):
        if price.get(pricing) is not None:
            return {**row, "cloud": price["cloud"], "gpu": price["gpu"]}
    for price in _ranked(_catalog_rows(cloud, gpu), cloud, gpu):
        if price.get(pricing) is not None and _price_keys(price) not in priced:
            return {**row, "cloud": price["cloud"], "gpu": price["gpu"]}
    for price in _ranked(own, cloud, gpu):
        return {**row, "cloud": price["cloud"], "gpu": price["gpu"], "pricing": "on_demand"}
    raise BudgetInputError(
        "the scenario", f"has no GPU price to put a new {row.get('gpu')} row on, and the "
        "reference price table has none either", place="[[gpu_prices]]",
        fix="add a [[gpu_prices]] row (cloud, gpu, on_demand, source, as_of) first")


def template_row(template_id: str, data: Mapping[str, Any],
                 name: str | None = None) -> tuple[str, dict[str, Any]]:
    """Return (table, row) to append to scenario TOML data: a new row from ROW_TEMPLATES.

    The row's name is `name` (default "new-TEMPLATE") made unique among the file's workloads
    (-2, -3 …); a GPU row goes on a cloud/gpu the scenario can price with its pricing. `data`
    is what scenario_toml.scenario_data (or a TOML reader) returns; it is not changed.
    """
    if template_id not in ROW_TEMPLATES:
        raise BudgetInputError("template", f'no row template "{template_id}"',
                               fix="use one of " + ", ".join(ROW_TEMPLATES))
    template = ROW_TEMPLATES[template_id]
    row: dict[str, Any] = {"name": unique_name(name or f"new-{template_id}", data),
                           **template.row}
    if template.table in GPU_TABLES or row.get("serving") == "self_hosted":
        row = _place_gpu(row, data)
    return template.table, row


@dataclass(frozen=True)
class CompanyTemplate:
    """A whole scenario to begin with: a label, what it holds, and its TOML after [scenario]."""

    label: str
    help: str
    intro: str  # the comment lines at the top of the file
    body: str  # TOML text with comments, everything after the [scenario] table

    def default_name(self, start: str) -> str:
        """Return the scenario name used when none is given: 'LABEL plan from START'."""
        return f"{self.label} plan from {start}"


_DRIVERS = """
[drivers]                        # what-if multipliers; 1.0 = the workloads exactly as written
inference_volume = 1.0           # × every inference workload's requests per month
output_tokens = 1.0              # × every inference workload's output tokens per request
refresh_frequency = 1.0          # × every training workload's refreshes per quarter
gpu_price = 1.0                  # × every GPU hourly price
token_price = 1.0                # × every API token price
"""

_BLANK = """
# Nothing else is required: [drivers] (all 1.0), [ranges], [[gpu_prices]] and the workload
# tables ([[inference]], [[training]], [[experimentation]]) are optional.

[[platform]]                     # shared overhead: a monthly run-rate with growth
name = "observability"
category = "observability"       # storage, networking, observability, vector_db, …
monthly_cost = 2000              # USD in the first month
monthly_growth = 0.0             # compound growth per month as a fraction (0.02 = +2%/month)
"""

_API_PRODUCT = _DRIVERS + """
[narrative]                      # the unit the executive summary prices the spend by
unit_name = "support conversation"
unit_workload = "support-chat"   # an [[inference]] workload: its requests are those units

[ranges]                         # P10 and P90 of each uncertain input; expected: [drivers]
inference_volume = [0.8, 1.5]    # adoption of the product features is the big unknown
output_tokens = [0.85, 1.4]      # answers tend to get longer with each release
token_price = [0.6, 1.05]        # API prices have mostly fallen; a small rise is possible
inference_growth = [-0.02, 0.02] # added to every monthly_growth: ± 2 points a month

[[inference]]                    # a model serving workload, paid per token (serving = "api")
name = "support-chat"
team = "support"                 # the team that owns the cost
model = "claude-sonnet-4-5"
kind = "realtime"                # realtime (latency-bound) or batch
requests_per_month = 2_000_000   # requests in the first month
monthly_growth = 0.05            # +5% requests a month, compound
input_tokens = 1800              # tokens per request: prompt, history and retrieved context
output_tokens = 350              # tokens per answer
serving = "api"
price_per_1m_input = 3.00        # USD per 1M input tokens: Anthropic list price, 2026-11
price_per_1m_output = 15.00      # USD per 1M output tokens: Anthropic list price, 2026-11

[[inference]]                    # an offline job, paid per token
name = "doc-summaries"
team = "knowledge"
model = "gemini-2.5-flash"
kind = "batch"
requests_per_month = 1_000_000   # documents summarised in the first month
monthly_growth = 0.03
input_tokens = 6000              # tokens per document
output_tokens = 400              # tokens per summary
serving = "api"
price_per_1m_input = 0.30        # USD per 1M tokens: Google list price, 2026-11
price_per_1m_output = 2.50

[[inference]]                    # no prices written: taken from genai-prices' bundled snapshot
name = "in-app-assistant"
team = "product"
model = "gpt-4o-mini"
provider = "openai"              # which provider's list price genai-prices looks up
kind = "realtime"
requests_per_month = 4_000_000
monthly_growth = 0.06
input_tokens = 1200
output_tokens = 300
serving = "api"                  # gpt-4o-mini: USD 0.15 in / 0.60 out per 1M tokens (2026-11)

[[platform]]                     # shared overhead: a monthly run-rate with growth
name = "observability"
category = "observability"       # storage, networking, observability, vector_db, …
monthly_cost = 3000              # USD in the first month: traces and prompt logs
monthly_growth = 0.02            # compound growth per month as a fraction

[[platform]]                     # the retrieval index the assistants read from
name = "vector-db"
category = "vector_db"
team = "knowledge"               # the team that owns the cost (default platform)
monthly_cost = 2500              # USD a month
monthly_growth = 0.03

[[platform]]                     # prompt and response logs kept for evaluation
name = "prompt-log-storage"
category = "storage"
monthly_cost = 800               # USD a month
monthly_growth = 0.04

[[platform]]                     # the people who run the LLM platform
name = "llm-platform-oncall"
category = "people"
monthly_cost = 12000             # USD a month, flat
"""

_GPU_PRICES = """
# GPU prices, USD per GPU-hour, from data/prices/gpu_prices.toml (read 2026-11): check the
# provider's pricing page before you commit money.
[[gpu_prices]]                   # price of one GPU-hour on one cloud
cloud = "aws"
gpu = "H100"
on_demand = 3.90                 # USD per GPU-hour, AWS P5 list price after the June 2025 cut
spot = 1.56                      # USD per GPU-hour, 60% off list
reserved = 2.45                  # USD per GPU-hour under a 1-year commitment, 37% off list
reserved_3y = 1.95               # USD per GPU-hour under a 3-year commitment (reference only)
source = "AWS EC2 P5 (p5.48xlarge / 8) list price; spot 60% off, 1-year 37%, 3-year 50% off"
as_of = "2026-11"                # when the price was read, YYYY-MM

[[gpu_prices]]                   # a small GPU for 8B models and batch work
cloud = "aws"
gpu = "L4"
on_demand = 0.80                 # USD per GPU-hour, AWS G6 (g6.xlarge) list price
spot = 0.32                      # USD per GPU-hour, 60% off list
reserved = 0.50                  # USD per GPU-hour under a 1-year commitment, 37% off list
source = "AWS EC2 G6 (g6.xlarge, 1 GPU) list price; spot 60% off, 1-year 37% off"
as_of = "2026-11"
"""

_SELF_HOSTED = _DRIVERS + """
[ranges]                         # P10 and P90 of each uncertain input; expected: [drivers]
inference_volume = [0.8, 1.4]
refresh_frequency = [0.5, 2.0]   # between one refresh every other quarter and monthly
gpu_price = [0.8, 1.25]          # list-price cuts vs. tight H100 capacity
gpu_throughput = [0.8, 1.2]      # × tokens per GPU-second: vLLM tuning, batch sizes
utilization = [0.85, 1.1]        # × utilization, capped at 1
spot_overhead = [0.0, 0.2]       # extra GPU-hours redone after spot interruptions (0.1 = +10%)
""" + _GPU_PRICES + """
[[inference]]                    # a model served on your own GPUs (serving = "self_hosted")
name = "search-answers"
team = "search"                  # the team that owns the cost
model = "llama-3.1-70b"
kind = "realtime"                # realtime (latency-bound) or batch
requests_per_month = 10_000_000  # requests in the first month
monthly_growth = 0.04            # +4% requests a month, compound
input_tokens = 2000              # tokens per request
output_tokens = 250              # tokens per answer
serving = "self_hosted"
cloud = "aws"                    # with gpu: a [[gpu_prices]] row above
gpu = "H100"
output_tokens_per_gpu_second = 500  # vLLM, 70B on H100: about 460-890 tokens/s per GPU
utilization = 0.5                # share of GPU capacity in use: real-time keeps headroom
pricing = "reserved"             # on_demand, spot or reserved: the steady baseline is committed
min_gpus = 4                     # 70B in FP16 needs 2 H100s; two replicas for availability
api_price_per_1m_input = 0.72    # break-even: 70B on a hosted API, USD per 1M, 2026-11
api_price_per_1m_output = 0.72

[[inference]]                    # an offline job on small GPUs
name = "ticket-triage"
team = "support"
model = "llama-3.1-8b"
kind = "batch"
requests_per_month = 20_000_000
monthly_growth = 0.02
input_tokens = 900
output_tokens = 60
serving = "self_hosted"
cloud = "aws"
gpu = "L4"
output_tokens_per_gpu_second = 1400  # vLLM, 8B on L4, batched
utilization = 0.8                # batch queues keep GPUs busy
pricing = "spot"                 # batch work can wait out an interruption

[[training]]                     # a project: cost per run, one run per refresh
name = "support-model-finetune"
team = "support"
model = "llama-3.1-8b"
cloud = "aws"
gpu = "H100"
gpu_hours_per_run = 384          # GPU-hours per run: 8 GPUs × 48 hours
refreshes_per_quarter = 2        # runs per quarter
pricing = "spot"                 # checkpointed, so spot is safe

[[training]]                     # a larger refresh of the served 70B model
name = "search-model-refresh"
team = "search"
model = "llama-3.1-70b"
cloud = "aws"
gpu = "H100"
gpu_hours_per_run = 6000         # GPU-hours per run: 64 GPUs × about 4 days
refreshes_per_quarter = 1
pricing = "reserved"

[[experimentation]]              # a team's weekly GPU budget for experiments
name = "research-sandbox"
team = "research"
cloud = "aws"
gpu = "H100"
gpu_hours_per_week = 200         # GPU-hours a week (52 / 12 weeks a month)
pricing = "spot"

[[platform]]                     # shared overhead: a monthly run-rate with growth
name = "model-artifacts-storage"
category = "storage"             # storage, networking, observability, vector_db, …
monthly_cost = 3000              # USD in the first month: checkpoints and weights
monthly_growth = 0.03            # compound growth per month as a fraction

[[platform]]                     # the people who run the GPU platform
name = "ml-platform-oncall"
category = "people"
monthly_cost = 20000             # USD a month, flat
"""

_COMPANY = _DRIVERS + """
[narrative]                      # the unit the executive summary prices the spend by
unit_name = "support conversation"
unit_workload = "support-chat"

[ranges]                         # P10 and P90 of each uncertain input; expected: [drivers]
inference_volume = [0.8, 1.5]    # adoption of the support and search features is the big unknown
output_tokens = [0.85, 1.4]      # answers tend to get longer with each product release
refresh_frequency = [0.5, 2.0]   # between one refresh every other quarter and monthly
gpu_price = [0.8, 1.25]          # list-price cuts vs. tight H100 capacity
token_price = [0.6, 1.05]        # API prices have mostly fallen; a small rise is possible
inference_growth = [-0.02, 0.02] # added to every monthly_growth: ± 2 points a month
spot_overhead = [0.0, 0.2]       # extra GPU-hours redone after spot interruptions
""" + _GPU_PRICES + """
[[gpu_prices]]                   # a GPU cloud for research: no spot market
cloud = "lambda"
gpu = "H100"
on_demand = 3.29                 # USD per GPU-hour, Lambda H100 SXM list price
reserved = 2.49                  # USD per GPU-hour, 1-year contract quote estimate
source = "Lambda H100 SXM on-demand list price; reserved: a 1-year contract estimate"
as_of = "2026-11"

[[inference]]                    # a model serving workload, paid per token (serving = "api")
name = "support-chat"
team = "support"                 # the team that owns the cost
model = "claude-sonnet-4-5"
kind = "realtime"                # realtime (latency-bound) or batch
requests_per_month = 3_000_000   # requests in the first month
monthly_growth = 0.05            # +5% requests a month, compound
input_tokens = 1800              # tokens per request
output_tokens = 350              # tokens per answer
serving = "api"
price_per_1m_input = 3.00        # USD per 1M input tokens: Anthropic list price, 2026-11
price_per_1m_output = 15.00      # USD per 1M output tokens

[[inference]]                    # a staging workload on a small hosted model
name = "code-assist-staging"
team = "devex"
model = "gpt-4o-mini"
environment = "staging"          # where it runs (default production)
kind = "realtime"
requests_per_month = 600_000
monthly_growth = 0.06
input_tokens = 3000
output_tokens = 500
serving = "api"
price_per_1m_input = 0.15        # USD per 1M tokens: OpenAI list price, 2026-11
price_per_1m_output = 0.60

[[inference]]                    # a model served on your own GPUs (serving = "self_hosted")
name = "search-answers"
team = "search"
model = "llama-3.1-70b"
kind = "realtime"
requests_per_month = 20_000_000
monthly_growth = 0.04
input_tokens = 2500
output_tokens = 220
serving = "self_hosted"
cloud = "aws"                    # with gpu: a [[gpu_prices]] row above
gpu = "H100"
output_tokens_per_gpu_second = 500  # vLLM, 70B on H100: about 460-890 tokens/s per GPU
utilization = 0.45               # share of GPU capacity in use: real-time keeps headroom
pricing = "reserved"             # on_demand, spot or reserved
min_gpus = 4                     # 70B in FP16 needs 2 H100s; two replicas for availability

[[inference]]                    # an offline job on small GPUs
name = "ticket-triage"
team = "support"
model = "llama-3.1-8b"
kind = "batch"
requests_per_month = 15_000_000
monthly_growth = 0.02
input_tokens = 900
output_tokens = 60
serving = "self_hosted"
cloud = "aws"
gpu = "L4"
output_tokens_per_gpu_second = 1400  # vLLM, 8B on L4, batched
utilization = 0.8                # batch queues keep GPUs busy
pricing = "spot"

[[training]]                     # a project: cost per run, one run per refresh
name = "support-chat-finetune"
team = "support"
model = "llama-3.1-70b"
cloud = "aws"
gpu = "H100"
gpu_hours_per_run = 6000         # GPU-hours per run
refreshes_per_quarter = 2        # runs per quarter
pricing = "spot"                 # checkpointed, so spot is safe

[[training]]                     # a small model retrained often
name = "search-reranker-retrain"
team = "search"
model = "reranker-1b"
cloud = "aws"
gpu = "L4"
gpu_hours_per_run = 400          # GPU-hours per run
refreshes_per_quarter = 6        # twice a month
pricing = "on_demand"

[[experimentation]]              # a team's weekly GPU budget for experiments
name = "research-sandbox"
team = "research"
cloud = "lambda"
gpu = "H100"
gpu_hours_per_week = 600         # GPU-hours a week (52 / 12 weeks a month)
pricing = "on_demand"

[[experimentation]]              # a second team's sandbox, on spot
name = "search-sandbox"
team = "search"
cloud = "aws"
gpu = "H100"
gpu_hours_per_week = 120
pricing = "spot"

[[platform]]                     # shared overhead: a monthly run-rate with growth
name = "observability"
category = "observability"       # storage, networking, observability, vector_db, …
monthly_cost = 10000             # USD in the first month
monthly_growth = 0.02            # compound growth per month as a fraction

[[platform]]                     # the retrieval index search reads from
name = "vector-db"
category = "vector_db"
team = "search"                  # the team that owns the cost (default platform)
monthly_cost = 8000
monthly_growth = 0.03

[[platform]]                     # checkpoints, weights and datasets
name = "model-artifacts-storage"
category = "storage"
monthly_cost = 5000
monthly_growth = 0.04

[[platform]]                     # the people who run the ML platform
name = "ml-platform-oncall"
category = "people"
monthly_cost = 24000             # USD a month, flat

[budget]                         # the approved budget the Monitoring page holds the plan against
monthly = 160_000                # USD a month, all environments

[[guardrails]]                   # how each environment's budget is enforced (Governance page)
environment = "staging"
monthly_budget = 6_000           # USD a month
control = "soft_alert"           # hard_quota, soft_alert or approval_gate
alert_at = 0.8                   # warn at 80% of the budget

[[guardrails]]                   # production: costly changes need sign-off
environment = "production"
monthly_budget = 150_000
control = "approval_gate"
approval_threshold = 0.05        # a change adding more than 5% a month needs sign-off
"""

_INTRO = ("# {what}\n# Figures are public reference points read 2026-11 (list prices, vLLM "
          "throughput): replace\n# them with your own. docs/scenario-format.md describes every "
          "key.\n")

COMPANY_TEMPLATES: dict[str, CompanyTemplate] = {
    "blank": CompanyTemplate(
        "Blank", "one platform line to start from",
        _INTRO.format(what="A blank plan: one platform line to start from; add workloads."),
        _BLANK),
    "api-product": CompanyTemplate(
        "API product", "a company that buys tokens: three API workloads and platform lines",
        _INTRO.format(what="A company that buys tokens: API workloads and platform overhead."),
        _API_PRODUCT),
    "self-hosted": CompanyTemplate(
        "Self-hosted", "self-hosted serving, training and experiments on priced GPUs",
        _INTRO.format(what="A company that runs its own models: self-hosted serving, training "
                      "and experiments."),
        _SELF_HOSTED),
    "company": CompanyTemplate(
        "Company", "a mix: API and self-hosted inference, training, experiments, platform",
        _INTRO.format(what="A mid-size company's mix: API and self-hosted inference, training, "
                      "experiments, platform."),
        _COMPANY),
}


def _toml_string(text: str) -> str:
    """Return text as a TOML basic string (quotes and escapes included)."""
    import tomli_w

    return tomli_w.dumps({"v": text}).split("=", 1)[1].strip()


def _commented(line: str, note: str) -> str:
    """Return `line` with `# note` from column 34 (one space after a longer line), and a newline."""
    return f"{line:<32} # {note}\n"


def template_toml(template: str, start: str, name: str | None = None, *,
                  label: str = NEW_SCENARIO) -> str:
    """Return a scenario file's TOML text, with comments, from COMPANY_TEMPLATES[template].

    It starts at `start` (YYYY-MM) for 12 months and is named `name` (default 'LABEL plan from
    START'). The text is read back through the loader: anything it refuses (a bad month, a
    name with control characters) raises BudgetInputError naming `label`.
    """
    if template not in COMPANY_TEMPLATES:
        raise BudgetInputError(label, f'no scenario template "{template}"',
                               fix="use one of " + ", ".join(COMPANY_TEMPLATES))
    try:
        parse_month(start)
    except ValueError:
        raise BudgetInputError(label, f"must be a month written YYYY-MM, got {shown(start)}",
                               place="[scenario]", field="start",
                               fix="write the first forecast month as YYYY-MM, e.g. 2027-01"
                               ) from None
    company = COMPANY_TEMPLATES[template]
    title = company.default_name(start) if name is None else name
    header = "\n" + "".join(_commented(line, note) for line, note in (
        ("[scenario]", "what the plan is and when it runs"),
        (f"name = {_toml_string(title)}", "shown on every page and export"),
        (f"start = {_toml_string(start)}", "first forecast month, YYYY-MM"),
        ("months = 12", "forecast horizon in months"),
        ('currency = "USD"', "every amount in this file is in USD")))
    text = company.intro + header + company.body
    parse_scenario_bytes(text.encode("utf-8"), label)
    return text
