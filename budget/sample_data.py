"""Seeded generator of consistent FOCUS billing and serving telemetry for a mid-size company.

Writes hive-partitioned Parquet (`billing/month=YYYY-MM/part-0.parquet`,
`telemetry/month=YYYY-MM/part-0.parquet`). The company matches data/scenarios/fy27-plan.toml in
shape: five inference endpoints over three clouds and three environments, two training projects
with bursts, two teams' experiments, platform overhead, commitments with idle hours, credits and
some untagged cost. Four incidents are planted (see INCIDENTS) for the monitoring tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

START = date(2025, 11, 1)
END = date(2026, 11, 27)  # inclusive; the last full day before "today" in the sample's story
SEED = 20261128

PROVIDERS = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Microsoft"}
REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
ENV_SHARE = {"production": 0.86, "staging": 0.09, "dev": 0.05}


@dataclass(frozen=True)
class Endpoint:
    """An inference endpoint as billed and as seen by the serving stack."""

    name: str
    team: str
    model: str
    cloud: str
    workload_class: str  # realtime_inference | batch_inference
    requests_per_day: float  # production, at START
    growth_per_day: float
    input_tokens: float
    output_tokens: float
    serving: str  # api | self_hosted
    usd_per_1m_input: float = 0.0
    usd_per_1m_output: float = 0.0
    gpu: str = ""
    pricing: str = ""  # Standard | Dynamic | Committed
    usd_per_gpu_hour: float = 0.0
    output_tokens_per_gpu_second: float = 0.0
    utilization: float = 0.0


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("support-chat", "support", "claude-sonnet-4-5", "aws", "realtime_inference",
             70_000, 0.0016, 1800, 350, "api", usd_per_1m_input=3.0, usd_per_1m_output=15.0),
    Endpoint("search-answers", "search", "llama-3.1-70b", "aws", "realtime_inference",
             600_000, 0.0013, 2500, 220, "self_hosted", gpu="H100", pricing="Committed",
             usd_per_gpu_hour=2.45, output_tokens_per_gpu_second=460, utilization=0.45),
    Endpoint("doc-summaries", "knowledge", "gemini-2.5-flash", "gcp", "batch_inference",
             60_000, 0.0010, 6000, 400, "api", usd_per_1m_input=0.30, usd_per_1m_output=2.50),
    Endpoint("ticket-triage", "support", "llama-3.1-8b", "aws", "batch_inference",
             500_000, 0.0007, 900, 60, "self_hosted", gpu="L4", pricing="Dynamic",
             usd_per_gpu_hour=0.32, output_tokens_per_gpu_second=1400, utilization=0.8),
    Endpoint("code-assist", "devex", "gpt-4o-mini", "azure", "realtime_inference",
             15_000, 0.0020, 3000, 500, "api", usd_per_1m_input=0.15, usd_per_1m_output=0.60),
)

# (name, team, model, cloud, gpu, pricing, USD/GPU-hour, GPU-hours per run, days per run, cadence)
TRAINING = (
    ("support-chat-finetune", "support", "llama-3.1-70b", "aws", "H100", "Dynamic", 1.56,
     6000.0, 4, 45),
    ("search-reranker-retrain", "search", "reranker-1b", "gcp", "A100", "Standard", 3.67,
     600.0, 2, 15),
)
# (team, cloud, gpu, pricing, usd/GPU-hour, GPU-hours per day, experiment name)
EXPERIMENTS = (
    ("research", "aws", "H100", "Standard", 3.90, 110.0, "exp-research-daily"),
    ("search", "gcp", "A100", "Dynamic", 1.47, 21.0, "exp-search-daily"),
)
# (name, team, service category, service name, cloud, USD per day at START, growth per day)
PLATFORM = (
    ("observability", "platform", "Management and Governance", "Amazon CloudWatch", "aws",
     390.0, 0.0007),
    ("vector-db", "search", "Databases", "Amazon OpenSearch Service", "aws", 290.0, 0.0010),
    ("model-artifacts-storage", "platform", "Storage", "Amazon Simple Storage Service", "aws",
     210.0, 0.0013),
    ("egress-and-networking", "platform", "Networking", "Amazon VPC", "aws", 150.0, 0.0007),
    ("gcs-datasets", "knowledge", "Storage", "Cloud Storage", "gcp", 60.0, 0.0010),
)
RESERVED_H100_GPUS = 24  # committed H100s for search-answers (24 × 24 GPU-hours a day)
UNTAGGED_USD_PER_DAY = 85.0  # shared NAT gateways and a legacy bucket nobody tagged

INCIDENTS: dict[str, dict[str, Any]] = {
    "release_cost_per_request": {"endpoint": "support-chat", "start": date(2026, 8, 12),
                                 "deployment_id": "support-chat-2026.08.2",
                                 "output_tokens_factor": 1.385},  # ~+19% cost per request
    "retry_loop": {"endpoint": "search-answers", "start": date(2026, 9, 15),
                   "end": date(2026, 9, 18), "requests_factor": 2.0},
    "runaway_experiment": {"team": "research", "start": date(2026, 10, 5),
                           "end": date(2026, 10, 9), "experiment": "exp-moe-sweep-42",
                           "gpu_hours_factor": 6.0},
    "training_overrun": {"run": "support-chat-finetune-run-6", "start": date(2026, 8, 2),
                         "extra_days": 3},  # a 4-day run that took 7: +75% GPU-hours
}
RELEASES = {  # endpoint → [(first day, deployment id)], the planted one included
    "support-chat": [(START, "support-chat-2025.10.4"),
                     (date(2026, 3, 3), "support-chat-2026.03.1"),
                     (date(2026, 8, 12), "support-chat-2026.08.2")],
    "search-answers": [(START, "search-answers-v14"), (date(2026, 5, 20), "search-answers-v15")],
    "doc-summaries": [(START, "doc-summaries-r7")],
    "ticket-triage": [(START, "triage-3.2"), (date(2026, 6, 2), "triage-3.3")],
    "code-assist": [(START, "code-assist-0.9")],
}


def days(start: date = START, end: date = END) -> list[date]:
    """Return every day from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _deployment(endpoint: str, day: date) -> str:
    return [d for first, d in RELEASES[endpoint] if first <= day][-1]


def _tags(**values: str) -> str:
    return json.dumps({k: v for k, v in values.items() if v}, separators=(",", ":"))


Row = dict[str, object]


def _daily_rows(day: date, rng: np.random.Generator) -> Iterator[tuple[Row, Row | None]]:
    """Yield (billing row, telemetry row or None) for one day."""
    t = (day - START).days
    weekday = 0.82 if day.weekday() >= 5 else 1.0
    for e in ENDPOINTS:
        for env, share in ENV_SHARE.items():
            noise = float(rng.normal(1.0, 0.03))
            requests = e.requests_per_day * (1 + e.growth_per_day) ** t * share * weekday * noise
            output_tokens = e.output_tokens
            deployment = _deployment(e.name, day)
            inc = INCIDENTS["release_cost_per_request"]
            if e.name == inc["endpoint"] and day >= inc["start"] and env == "production":
                output_tokens *= float(inc["output_tokens_factor"])
            retry = INCIDENTS["retry_loop"]
            if (e.name == retry["endpoint"] and retry["start"] <= day <= retry["end"]
                    and env == "production"):
                requests *= float(retry["requests_factor"])
            input_tok = requests * e.input_tokens
            output_tok = requests * output_tokens
            gpu_hours = 0.0
            tags = _tags(team=e.team, model=e.model, endpoint=e.name, environment=env,
                         workload_class=e.workload_class, deployment_id=deployment)
            if e.serving == "api":
                cost = (input_tok * e.usd_per_1m_input + output_tok * e.usd_per_1m_output) / 1e6
                billing = _row(day, e.cloud, "AI and Machine Learning", _api_service(e.cloud),
                               cost, cost, "Standard", tags, quantity=(input_tok + output_tok)
                               / 1e6, unit="1M Tokens", resource=f"{e.name}-{env}")
            else:
                gpu_hours = output_tok / (e.output_tokens_per_gpu_second * 3600 * e.utilization)
                cost = gpu_hours * e.usd_per_gpu_hour
                billed = 0.0 if e.pricing == "Committed" else cost  # paid up front, amortised
                billing = _row(day, e.cloud, "Compute", "Amazon Elastic Compute Cloud", billed,
                               cost, e.pricing, tags, quantity=gpu_hours, unit="GPU-Hours",
                               gpu=e.gpu, resource=f"{e.name}-{env}",
                               status="Used" if e.pricing == "Committed" else None)
            queue = float(rng.gamma(2.0, 0.15)) * (3.0 if gpu_hours and e.utilization > 0.7
                                                   else 1.0)
            telemetry = {
                "date": day, "model": e.model, "endpoint": e.name, "team": e.team,
                "environment": env, "requests": round(requests),
                "input_tokens": round(input_tok), "output_tokens": round(output_tok),
                "gpu_hours": round(gpu_hours, 4), "queue_seconds_p95": round(queue, 3),
                "errors": int(rng.poisson(requests * 0.0008)), "deployment_id": deployment,
            }
            yield billing, telemetry

    # committed H100s: the part of the commitment search-answers did not use is idle
    used = sum(_search_gpu_hours(day, env, t, weekday) for env in ENV_SHARE)
    idle = max(RESERVED_H100_GPUS * 24 - used, 0.0)
    yield _row(day, "aws", "Compute", "Amazon Elastic Compute Cloud", 0.0, idle * 2.45,
               "Committed", _tags(team="search"), quantity=idle, unit="GPU-Hours", gpu="H100",
               resource="h100-commitment", status="Unused"), None

    overrun = INCIDENTS["training_overrun"]
    for name, team, model, cloud, gpu, pricing, price, hours, span, every in TRAINING:
        run = t // every
        extra = overrun["extra_days"] if f"{name}-run-{run}" == overrun["run"] else 0
        if t % every < span + extra:
            # the overrun's extra days draw from their own generator: other rows stay the same
            source = rng if t % every < span else np.random.default_rng(SEED + t)
            gpu_hours = hours / span * float(source.normal(1.0, 0.05))
            yield _row(day, cloud, "Compute", _compute_service(cloud), gpu_hours * price,
                       gpu_hours * price, pricing,
                       _tags(team=team, model=model, environment="production",
                             workload_class="training", experiment=f"{name}-run-{run}"),
                       quantity=gpu_hours, unit="GPU-Hours", gpu=gpu, resource=name), None

    for team, cloud, gpu, pricing, price, per_day, experiment in EXPERIMENTS:
        gpu_hours = per_day * weekday * float(rng.normal(1.0, 0.08))
        runaway = INCIDENTS["runaway_experiment"]
        if team == runaway["team"] and runaway["start"] <= day <= runaway["end"]:
            gpu_hours *= float(runaway["gpu_hours_factor"])
            experiment = str(runaway["experiment"])
        yield _row(day, cloud, "Compute", _compute_service(cloud), gpu_hours * price,
                   gpu_hours * price, pricing,
                   _tags(team=team, environment="dev", workload_class="experimentation",
                         experiment=experiment),
                   quantity=gpu_hours, unit="GPU-Hours", gpu=gpu,
                   resource=f"{team}-sandbox"), None

    for name, team, category, service, cloud, usd, growth in PLATFORM:
        cost = usd * (1 + growth) ** t * float(rng.normal(1.0, 0.02))
        yield _row(day, cloud, category, service, cost, cost, "Standard",
                   _tags(team=team, environment="production", workload_class="platform"),
                   quantity=cost, unit="USD", resource=name), None

    cost = UNTAGGED_USD_PER_DAY * float(rng.normal(1.0, 0.05))
    yield _row(day, "aws", "Networking", "Amazon VPC", cost, cost, "Standard", None,
               quantity=cost, unit="USD", resource="nat-gateway-shared"), None

    if day.day == 1:  # the month's H100 commitment fee: billed now, amortised into usage
        month_days = (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).day
        fee = RESERVED_H100_GPUS * 24 * month_days * 2.45
        yield _row(day, "aws", "Compute", "Amazon Elastic Compute Cloud", fee, 0.0, "Committed",
                   _tags(team="search"), quantity=None, unit=None, resource="h100-commitment",
                   category_override="Purchase"), None
        # a monthly promotional credit, negative
        yield _row(day, "aws", "AI and Machine Learning", "Amazon Bedrock", -500.0, -500.0,
                   None, None, quantity=None, unit=None, resource="credit",
                   category_override="Credit"), None


def _search_gpu_hours(day: date, env: str, t: int, weekday: float) -> float:
    e = ENDPOINTS[1]
    requests = e.requests_per_day * (1 + e.growth_per_day) ** t * ENV_SHARE[env] * weekday
    retry = INCIDENTS["retry_loop"]
    if retry["start"] <= day <= retry["end"] and env == "production":
        requests *= 2.0
    return requests * e.output_tokens / (e.output_tokens_per_gpu_second * 3600 * e.utilization)


def _api_service(cloud: str) -> str:
    return {"aws": "Amazon Bedrock", "gcp": "Vertex AI", "azure": "Azure OpenAI"}[cloud]


def _compute_service(cloud: str) -> str:
    return {"aws": "Amazon Elastic Compute Cloud", "gcp": "Compute Engine",
            "azure": "Virtual Machines"}[cloud]


def _row(day: date, cloud: str, category: str, service: str, billed: float, effective: float,
         pricing: str | None, tags: str | None, *, quantity: float | None, unit: str | None,
         resource: str, gpu: str | None = None, status: str | None = None,
         category_override: str | None = None) -> dict[str, object]:
    """Return one FOCUS 1.2 row (a subset of the columns, Mandatory ones included)."""
    start = pd.Timestamp(day)
    month = start.to_period("M")
    return {
        "BillingAccountId": f"{cloud}-billing-001",
        "BillingCurrency": "USD",
        "BillingPeriodStart": month.start_time,
        "BillingPeriodEnd": (month + 1).start_time,
        "ChargePeriodStart": start,
        "ChargePeriodEnd": start + pd.Timedelta(days=1),
        "ChargeCategory": category_override or "Usage",
        "ChargeClass": None,
        "ChargeDescription": f"{service} {resource}",
        "ChargeFrequency": {"Purchase": "Recurring", "Credit": "One-Time"}.get(
            category_override or "", "Usage-Based"),
        "BilledCost": round(billed, 6),
        "EffectiveCost": round(effective, 6),
        "ListCost": round(max(effective, billed), 6),
        "ContractedCost": round(effective, 6),
        "PricingCategory": pricing,
        "CommitmentDiscountStatus": status,
        "ConsumedQuantity": None if quantity is None else round(quantity, 6),
        "ConsumedUnit": unit,
        "ProviderName": PROVIDERS[cloud],
        "PublisherName": PROVIDERS[cloud],
        "InvoiceIssuerName": PROVIDERS[cloud],
        "RegionId": REGIONS[cloud],
        "ResourceId": f"{cloud}:{resource}",
        "ResourceName": resource,
        "ServiceCategory": category,
        "ServiceName": service,
        "SubAccountId": f"{cloud}-ml-prod",
        "Tags": tags,
        "x_GpuType": gpu,
    }


def generate(out_dir: Path, start: date = START, end: date = END, seed: int = SEED,
             copies: int = 1) -> dict[str, int]:
    """Write billing and telemetry partitions under out_dir; return row counts.

    `copies` > 1 repeats every billing row that many times with costs divided evenly (the same
    totals, more rows): the way the benchmarks scale the sample to millions of rows.
    """
    rng = np.random.default_rng(seed)
    counts = {"billing": 0, "telemetry": 0}
    by_month: dict[str, tuple[list[dict[str, object]], list[dict[str, object]]]] = {}
    for day in days(start, end):
        bucket = by_month.setdefault(f"{day:%Y-%m}", ([], []))
        for billing, telemetry in _daily_rows(day, rng):
            bucket[0].append(billing)
            if telemetry is not None:
                bucket[1].append(telemetry)
    for month, (billing_rows, telemetry_rows) in by_month.items():
        frame = pd.DataFrame(billing_rows)
        folder = out_dir / "billing" / f"month={month}"
        # replicate in chunks of about a million rows, one file each, so memory stays flat
        per_chunk = max(1, 1_000_000 // max(len(frame), 1))
        for part, first in enumerate(range(0, copies, per_chunk)):
            chunk = min(per_chunk, copies - first)
            block = _replicate(frame, chunk, copies, first) if copies > 1 else frame
            _write(block, folder, f"part-{part}.parquet")
            counts["billing"] += len(block)
        _write(pd.DataFrame(telemetry_rows), out_dir / "telemetry" / f"month={month}")
        counts["telemetry"] += len(telemetry_rows)
    return counts


def _replicate(frame: pd.DataFrame, chunk: int, copies: int, first: int) -> pd.DataFrame:
    """Return `chunk` of `copies` repeats of frame, costs split so all copies sum to frame."""
    out = frame.loc[frame.index.repeat(chunk)].reset_index(drop=True)
    for column in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost",
                   "ConsumedQuantity"):
        out[column] = out[column] / copies
    copy = first + out.index % chunk
    out["ResourceId"] = out["ResourceId"] + "/" + copy.astype(str)
    return out


def _write(frame: pd.DataFrame, folder: Path, name: str = "part-0.parquet") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, folder / name, compression="zstd")
