"""Seeded generator of consistent FOCUS 1.2 billing and serving telemetry for a mid-size company.

Writes hive-partitioned Parquet (`billing/month=YYYY-MM/part-0.parquet`,
`telemetry/month=YYYY-MM/part-0.parquet`). The company matches data/scenarios/fy27-plan.toml in
shape: five inference endpoints over three clouds and three environments, two training projects
with bursts, two teams' experiments, platform overhead, an H100 commitment with idle hours, credits
and some untagged cost. Four incidents are planted (see INCIDENTS) for the monitoring tests.

Billing rows carry every Mandatory FOCUS 1.2 column and the Conditional ones that apply, typed as
the specification's column table says (budget/focus_conformance.py checks them). The commitment
reconciles to the cent: each month, the EffectiveCost of its Used and Unused rows equals the
BilledCost of its Recurring purchase, which covers the month's days in the export.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from budget.export_folders import BILLING, TELEMETRY
from budget.focus_conformance import focus_columns
from budget.unit_costs import SECONDS_PER_HOUR, TOKENS_PER_PRICE_UNIT

START = date(2025, 11, 1)
END = date(2026, 11, 27)  # inclusive; the last full day before "today" in the sample's story
SEED = 20261128

PROVIDERS = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Microsoft"}
REGIONS = {"aws": ("us-east-1", "US East (N. Virginia)"), "gcp": ("us-central1", "Iowa"),
           "azure": ("eastus", "East US")}
# cloud → (billing account name, its type, sub-account name, its type)
ACCOUNTS = {"aws": ("Sample Co AWS organization", "Management Account", "ML production",
                    "Member Account"),
            "gcp": ("Sample Co Google Cloud billing", "Billing Account", "ML production",
                    "Project"),
            "azure": ("Sample Co Azure billing profile", "Billing Profile", "ML production",
                      "Subscription")}
# ServiceName → (ServiceCategory, ServiceSubcategory, ResourceType, SKU prefix)
SERVICES = {
    "Amazon Bedrock": ("AI and Machine Learning", "Generative AI", "Inference profile",
                       "AmazonBedrock"),
    "Vertex AI": ("AI and Machine Learning", "Generative AI", "Endpoint", "VertexAI"),
    "Azure OpenAI": ("AI and Machine Learning", "Generative AI", "Deployment", "AzureOpenAI"),
    "Amazon Elastic Compute Cloud": ("Compute", "Virtual Machines", "Instance", "AmazonEC2"),
    "Compute Engine": ("Compute", "Virtual Machines", "VM instance", "ComputeEngine"),
    "Virtual Machines": ("Compute", "Virtual Machines", "Virtual machine", "AzureVM"),
    "Amazon CloudWatch": ("Management and Governance", "Observability", "Log group",
                          "AmazonCloudWatch"),
    "Amazon OpenSearch Service": ("Databases", "Other (Databases)", "Domain", "AmazonOpenSearch"),
    "Amazon Simple Storage Service": ("Storage", "Object Storage", "Bucket", "AmazonS3"),
    "Amazon VPC": ("Networking", "Network Connectivity", "VPC", "AmazonVPC"),
    "Cloud Storage": ("Storage", "Object Storage", "Bucket", "CloudStorage"),
}
PRICE_KINDS = {"Standard": "OnDemand", "Dynamic": "Spot", "Committed": "Reserved"}
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
# (name, team, service name, cloud, USD per day at START, growth per day, pricing unit,
#  USD per unit, SKU meter)
PLATFORM = (
    ("observability", "platform", "Amazon CloudWatch", "aws", 390.0, 0.0007, "GB", 0.50,
     "Log Data Ingested"),
    ("vector-db", "search", "Amazon OpenSearch Service", "aws", 290.0, 0.0010, "Hours", 1.50,
     "Instance Hours"),
    ("model-artifacts-storage", "platform", "Amazon Simple Storage Service", "aws", 210.0,
     0.0013, "GB-Months", 0.023, "Standard Storage"),
    ("egress-and-networking", "platform", "Amazon VPC", "aws", 150.0, 0.0007, "GB", 0.09,
     "Data Transfer Out"),
    ("gcs-datasets", "knowledge", "Cloud Storage", "gcp", 60.0, 0.0010, "GB-Months", 0.020,
     "Standard Storage"),
)
RESERVED_H100_GPUS = 24  # committed H100s for search-answers (24 × 24 GPU-hours a day)
RESERVED_USD_PER_GPU_HOUR = 2.45  # the commitment's rate, billed monthly (no upfront)
ON_DEMAND_H100_USD = 3.90  # AWS's list price of the same H100 hour
COMMITMENT = {"id": "aws:h100-commitment", "name": "H100 reserved capacity (24 GPUs, 1 year)",
              "type": "Reserved Instance", "category": "Usage", "unit": "GPU-Hours"}
UNTAGGED_USD_PER_DAY = 85.0  # shared NAT gateways and a legacy bucket nobody tagged
NAT_USD_PER_GB = 0.045

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


@dataclass
class _Committed:
    """What the H100 commitment covered on one day, as billed on its Used rows."""

    gpu_hours: float = 0.0
    usd: float = 0.0


def _daily_rows(day: date, rng: np.random.Generator,
                purchase_days: int = 0) -> Iterator[tuple[Row, Row | None]]:
    """Yield (billing row, telemetry row or None) for one day, drawing in a fixed order.

    purchase_days > 0 on the month's first day in the export: the commitment's Recurring
    purchase is billed then, for that many days of the month.
    """
    t = (day - START).days
    weekday = 0.82 if day.weekday() >= 5 else 1.0
    committed = _Committed()
    for e in ENDPOINTS:
        for env, share in ENV_SHARE.items():
            yield _endpoint_rows(day, e, env, (share, weekday), t, rng, committed)
    yield _idle_commitment_row(day, committed), None
    for billing in (*_training_rows(day, t, rng), *_experiment_rows(day, weekday, rng),
                    *_platform_rows(day, t, rng), *_other_rows(day, rng, purchase_days)):
        yield billing, None


def _endpoint_rows(day: date, e: Endpoint, env: str, shares: tuple[float, float], t: int,
                   rng: np.random.Generator, committed: _Committed) -> tuple[Row, Row]:
    """Return the billing and telemetry rows of one endpoint in one environment for a day.

    `shares` is (the environment's share of traffic, the weekday factor).
    """
    share, weekday = shares
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
    tags = _tags(team=e.team, model=e.model, endpoint=e.name, environment=env,
                 workload_class=e.workload_class, deployment_id=deployment)
    gpu_hours = 0.0
    if e.serving == "api":
        billing = _api_row(day, e, env, tags, input_tok, output_tok)
    else:
        gpu_hours = output_tok / (e.output_tokens_per_gpu_second * SECONDS_PER_HOUR
                                  * e.utilization)
        billing = _gpu_serving_row(day, e, env, tags, gpu_hours, committed)
    queue = float(rng.gamma(2.0, 0.15)) * (3.0 if gpu_hours and e.utilization > 0.7 else 1.0)
    telemetry = {
        "date": day, "model": e.model, "endpoint": e.name, "team": e.team,
        "environment": env, "requests": round(requests),
        "input_tokens": round(input_tok), "output_tokens": round(output_tok),
        "gpu_hours": round(gpu_hours, 4), "queue_seconds_p95": round(queue, 3),
        "errors": int(rng.poisson(requests * 0.0008)), "deployment_id": deployment,
    }
    return billing, telemetry


def _api_row(day: date, e: Endpoint, env: str, tags: str, input_tok: float,
             output_tok: float) -> Row:
    """Return an API endpoint's day: tokens priced per 1M, blended over input and output."""
    cost = (input_tok * e.usd_per_1m_input + output_tok * e.usd_per_1m_output
            ) / TOKENS_PER_PRICE_UNIT
    millions = (input_tok + output_tok) / TOKENS_PER_PRICE_UNIT
    return _row(day, e.cloud, _api_service(e.cloud), cost, cost, "Standard", tags,
                quantity=millions, unit="1000000 Tokens", price=cost / millions,
                consumed=(input_tok + output_tok, "Tokens"),
                resource=f"{e.name}-{env}", sku=e.model, meter="Tokens")


def _gpu_serving_row(day: date, e: Endpoint, env: str, tags: str, gpu_hours: float,
                     committed: _Committed) -> Row:
    """Return a self-hosted endpoint's day of GPU-hours; committed ones are paid by the purchase."""
    cost = gpu_hours * e.usd_per_gpu_hour
    is_committed = e.pricing == "Committed"
    if is_committed:
        committed.gpu_hours += gpu_hours
        committed.usd += round(cost, 6)  # the Used row's EffectiveCost
    return _row(day, e.cloud, "Amazon Elastic Compute Cloud",
                0.0 if is_committed else cost,  # paid by the purchase, amortised
                cost, e.pricing, tags, quantity=gpu_hours, unit="GPU-Hours",
                price=ON_DEMAND_H100_USD if is_committed else e.usd_per_gpu_hour,
                gpu=e.gpu, resource=f"{e.name}-{env}", sku=e.gpu,
                meter="GPU Hours", status="Used" if is_committed else None)


def _idle_commitment_row(day: date, committed: _Committed) -> Row:
    """Return the day's unused committed H100 hours.

    They cost what the purchase paid for the day less what the Used rows amortised (to the cent).
    """
    capacity = RESERVED_H100_GPUS * 24.0
    if committed.gpu_hours > capacity:
        raise ValueError(f"{day}: search-answers used {committed.gpu_hours:,.1f} committed H100 "
                         f"GPU-hours, more than the {capacity:,.0f} reserved; the sample's "
                         "story ends before its traffic outgrows the commitment")
    return _row(day, "aws", "Amazon Elastic Compute Cloud", 0.0,
                capacity * RESERVED_USD_PER_GPU_HOUR - committed.usd, "Committed",
                _tags(team="search"), quantity=capacity - committed.gpu_hours,
                unit="GPU-Hours", price=ON_DEMAND_H100_USD, gpu="H100",
                resource="h100-commitment", sku="H100", meter="GPU Hours", status="Unused")


def _training_rows(day: date, t: int, rng: np.random.Generator) -> Iterator[Row]:
    """Yield the day's rows of each training run in progress (the planted overrun included)."""
    overrun = INCIDENTS["training_overrun"]
    for name, team, model, cloud, gpu, pricing, price, hours, span, every in TRAINING:
        run = t // every
        extra = overrun["extra_days"] if f"{name}-run-{run}" == overrun["run"] else 0
        if t % every < span + extra:
            # the overrun's extra days draw from their own generator: other rows stay the same
            source = rng if t % every < span else np.random.default_rng(SEED + t)
            gpu_hours = hours / span * float(source.normal(1.0, 0.05))
            yield _row(day, cloud, _compute_service(cloud), gpu_hours * price,
                       gpu_hours * price, pricing,
                       _tags(team=team, model=model, environment="production",
                             workload_class="training", experiment=f"{name}-run-{run}"),
                       quantity=gpu_hours, unit="GPU-Hours", price=price, gpu=gpu,
                       resource=name, sku=gpu, meter="GPU Hours")


def _experiment_rows(day: date, weekday: float, rng: np.random.Generator) -> Iterator[Row]:
    """Yield each team's sandbox GPU-hours for the day (the planted runaway included)."""
    for team, cloud, gpu, pricing, price, per_day, experiment in EXPERIMENTS:
        gpu_hours = per_day * weekday * float(rng.normal(1.0, 0.08))
        runaway = INCIDENTS["runaway_experiment"]
        if team == runaway["team"] and runaway["start"] <= day <= runaway["end"]:
            gpu_hours *= float(runaway["gpu_hours_factor"])
            experiment = str(runaway["experiment"])
        yield _row(day, cloud, _compute_service(cloud), gpu_hours * price,
                   gpu_hours * price, pricing,
                   _tags(team=team, environment="dev", workload_class="experimentation",
                         experiment=experiment),
                   quantity=gpu_hours, unit="GPU-Hours", price=price, gpu=gpu,
                   resource=f"{team}-sandbox", sku=gpu, meter="GPU Hours")


def _platform_rows(day: date, t: int, rng: np.random.Generator) -> Iterator[Row]:
    """Yield the day's platform lines (storage, observability, networking), growing daily."""
    for name, team, service, cloud, usd, growth, unit, per_unit, meter in PLATFORM:
        cost = usd * (1 + growth) ** t * float(rng.normal(1.0, 0.02))
        yield _row(day, cloud, service, cost, cost, "Standard",
                   _tags(team=team, environment="production", workload_class="platform"),
                   quantity=cost / per_unit, unit=unit, price=per_unit, resource=name,
                   sku=meter.replace(" ", ""), meter=meter)


def _other_rows(day: date, rng: np.random.Generator, purchase_days: int) -> Iterator[Row]:
    """Yield the untagged NAT cost, the commitment's purchase and the monthly credit."""
    cost = UNTAGGED_USD_PER_DAY * float(rng.normal(1.0, 0.05))
    yield _row(day, "aws", "Amazon VPC", cost, cost, "Standard", None,
               quantity=cost / NAT_USD_PER_GB, unit="GB", price=NAT_USD_PER_GB,
               resource="nat-gateway-shared", resource_type="NAT gateway",
               sku="NatGatewayDataProcessed", meter="NAT Gateway Data Processed")
    if purchase_days:  # the commitment's fee for the month's days: billed now, amortised daily
        hours = RESERVED_H100_GPUS * 24.0 * purchase_days
        yield _row(day, "aws", "Amazon Elastic Compute Cloud",
                   hours * RESERVED_USD_PER_GPU_HOUR, 0.0, "Standard", _tags(team="search"),
                   quantity=hours, unit="GPU-Hours", price=RESERVED_USD_PER_GPU_HOUR,
                   resource="h100-commitment", sku="H100", meter="GPU Hours",
                   charge="Purchase", days=purchase_days)
    if day.day == 1:  # a monthly promotional credit, negative
        yield _row(day, "aws", "Amazon Bedrock", -500.0, -500.0, None, None, quantity=None,
                   unit=None, price=None, resource=None, sku=None, meter=None,
                   charge="Credit")


def _api_service(cloud: str) -> str:
    return {"aws": "Amazon Bedrock", "gcp": "Vertex AI", "azure": "Azure OpenAI"}[cloud]


def _compute_service(cloud: str) -> str:
    return {"aws": "Amazon Elastic Compute Cloud", "gcp": "Compute Engine",
            "azure": "Virtual Machines"}[cloud]


def _row(day: date, cloud: str, service: str, billed: float, effective: float,
         pricing: str | None, tags: str | None, *, quantity: float | None, unit: str | None,
         price: float | None, resource: str | None, sku: str | None, meter: str | None,
         consumed: tuple[float, str] | None = None, gpu: str | None = None,
         status: str | None = None, charge: str = "Usage", days: int = 1,
         resource_type: str | None = None) -> Row:
    """Return one FOCUS 1.2 row: every Mandatory column and the Conditional ones that apply.

    `quantity` and `unit` are what the charge is priced in, at `price` (list = contracted: no
    negotiated discounts); what was consumed is the same unless `consumed` says otherwise, and
    nothing on Unused commitment rows, purchases and credits. Rows with a `status` or `charge`
    Purchase belong to the H100 commitment.
    """
    if charge != "Usage" or status == "Unused":
        consumed = None
    elif consumed is None and quantity is not None and unit is not None:
        consumed = (quantity, unit)
    list_cost = billed if price is None or quantity is None else price * quantity
    commitment = status is not None or charge == "Purchase"
    row: Row = {
        **_account_columns(day, cloud),
        **_charge_columns(day, service, resource, charge, days),
        **_commitment_columns(commitment, quantity, status),
        **_cost_columns(billed, effective, list_cost, price, pricing, quantity, unit, consumed),
        **_resource_columns(cloud, service, resource, resource_type),
        **_sku_columns(service, sku, meter, pricing, charge),
        "Tags": tags,
        "x_GpuType": gpu,
    }
    return dict(sorted(row.items()))  # FOCUS columns in name order, x_ columns last


def _account_columns(day: date, cloud: str) -> Row:
    account, account_type, sub_account, sub_account_type = ACCOUNTS[cloud]
    return {
        "BillingAccountId": f"{cloud}-billing-001",
        "BillingAccountName": account,
        "BillingAccountType": account_type,
        "BillingCurrency": "USD",
        "BillingPeriodEnd": datetime(day.year + day.month // 12, day.month % 12 + 1, 1),
        "BillingPeriodStart": datetime(day.year, day.month, 1),
        "InvoiceId": f"{cloud}-invoice-{day:%Y-%m}",
        "InvoiceIssuerName": PROVIDERS[cloud],
        "ProviderName": PROVIDERS[cloud],
        "PublisherName": PROVIDERS[cloud],
        "RegionId": REGIONS[cloud][0],
        "RegionName": REGIONS[cloud][1],
        "SubAccountId": f"{cloud}-ml-prod",
        "SubAccountName": sub_account,
        "SubAccountType": sub_account_type,
    }


def _charge_columns(day: date, service: str, resource: str | None, charge: str,
                    days: int) -> Row:
    start = datetime(day.year, day.month, day.day)
    return {
        "CapacityReservationId": None,
        "CapacityReservationStatus": None,
        "ChargeCategory": charge,
        "ChargeClass": None,
        "ChargeDescription": f"{service} {resource or 'credit'}",
        "ChargeFrequency": {"Purchase": "Recurring", "Credit": "One-Time"}.get(charge,
                                                                              "Usage-Based"),
        "ChargePeriodEnd": start + timedelta(days=days),
        "ChargePeriodStart": start,
    }


def _commitment_columns(commitment: bool, quantity: float | None, status: str | None) -> Row:
    return {
        "CommitmentDiscountCategory": COMMITMENT["category"] if commitment else None,
        "CommitmentDiscountId": COMMITMENT["id"] if commitment else None,
        "CommitmentDiscountName": COMMITMENT["name"] if commitment else None,
        "CommitmentDiscountQuantity": (round(quantity, 6) if commitment and quantity is not None
                                       else None),
        "CommitmentDiscountStatus": status,
        "CommitmentDiscountType": COMMITMENT["type"] if commitment else None,
        "CommitmentDiscountUnit": COMMITMENT["unit"] if commitment else None,
    }


def _cost_columns(billed: float, effective: float, list_cost: float, price: float | None,
                  pricing: str | None, quantity: float | None, unit: str | None,
                  consumed: tuple[float, str] | None) -> Row:
    return {
        "BilledCost": round(billed, 6),
        "ConsumedQuantity": None if consumed is None else round(consumed[0], 6),
        "ConsumedUnit": None if consumed is None else consumed[1],
        "ContractedCost": round(list_cost, 6),
        "ContractedUnitPrice": price,
        "EffectiveCost": round(effective, 6),
        "ListCost": round(list_cost, 6),
        "ListUnitPrice": price,
        "PricingCategory": pricing,
        "PricingQuantity": None if quantity is None else round(quantity, 6),
        "PricingUnit": unit,
    }


def _resource_columns(cloud: str, service: str, resource: str | None,
                      resource_type: str | None) -> Row:
    category, subcategory, kind, _ = SERVICES[service]
    return {
        "ResourceId": None if resource is None else f"{cloud}:{resource}",
        "ResourceName": resource,
        "ResourceType": None if resource is None else resource_type or (
            COMMITMENT["type"] if resource == "h100-commitment" else kind),
        "ServiceCategory": category,
        "ServiceName": service,
        "ServiceSubcategory": subcategory,
    }


def _sku_columns(service: str, sku: str | None, meter: str | None, pricing: str | None,
                 charge: str) -> Row:
    sku_id = f"{SERVICES[service][3]}-{sku}" if sku else None
    price_kind = ("ReservedPurchase-1yrNoUpfront" if charge == "Purchase"
                  else PRICE_KINDS.get(pricing or "", ""))
    return {
        "SkuId": sku_id,
        "SkuMeter": meter if sku_id else None,
        "SkuPriceDetails": None,
        "SkuPriceId": f"{sku_id}-{price_kind}" if sku_id else None,
    }


ARROW_TYPES = {"Decimal": pa.float64(), "Date/Time": pa.timestamp("us"), "String": pa.string(),
               "JSON": pa.string()}


def _schema(columns: Iterable[str]) -> pa.Schema:
    """Return the Arrow schema of billing rows: FOCUS columns typed as the column table says.

    A column of nulls (ChargeClass) stays a typed column; custom x_ columns are strings.
    """
    focus = focus_columns("1.2")
    return pa.schema([(c, ARROW_TYPES[focus[c].data_type] if c in focus else pa.string())
                      for c in columns])


SPLIT_COLUMNS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity",
                 "ConsumedQuantity", "CommitmentDiscountQuantity")


def generate(out_dir: Path, start: date = START, end: date = END, seed: int = SEED,
             copies: int = 1) -> dict[str, int]:
    """Write billing and telemetry partitions under out_dir; return row counts.

    `copies` > 1 repeats every billing row that many times with costs and quantities divided
    evenly (the same totals, more rows): the way the benchmarks scale the sample to millions of
    rows.
    """
    rng = np.random.default_rng(seed)
    counts = {"billing": 0, "telemetry": 0}
    by_month: dict[str, tuple[list[Row], list[Row]]] = {}
    in_month = Counter(f"{day:%Y-%m}" for day in days(start, end))
    for day in days(start, end):
        month = f"{day:%Y-%m}"
        purchase_days = 0 if month in by_month else in_month[month]
        bucket = by_month.setdefault(month, ([], []))
        for billing, telemetry in _daily_rows(day, rng, purchase_days):
            bucket[0].append(billing)
            if telemetry is not None:
                bucket[1].append(telemetry)
    for month, (billing_rows, telemetry_rows) in by_month.items():
        table = pa.Table.from_pylist(billing_rows, schema=_schema(billing_rows[0]))
        folder = out_dir / BILLING / f"month={month}"
        # replicate in chunks of about a million rows, one file each, so memory stays flat
        per_chunk = max(1, 1_000_000 // max(table.num_rows, 1))
        for part, first_copy in enumerate(range(0, copies, per_chunk)):
            chunk = min(per_chunk, copies - first_copy)
            block = _replicate(table, chunk, copies, first_copy) if copies > 1 else table
            _write_table(block, folder, f"part-{part}.parquet")
            counts["billing"] += block.num_rows
        _write(pd.DataFrame(telemetry_rows), out_dir / TELEMETRY / f"month={month}")
        counts["telemetry"] += len(telemetry_rows)
    return counts


def _replicate(table: pa.Table, chunk: int, copies: int, first: int) -> pa.Table:
    """Return copies first … first + chunk − 1 of table, split so all copies sum to table.

    The copies are the same buffers end to end (no row is copied in memory); costs and
    quantities are divided by `copies`. Each copy's ResourceId gets "/N", or its
    ChargeDescription where there is no resource (credits), so no two rows are the same.
    """
    out = pa.concat_tables([table] * chunk)
    for column in SPLIT_COLUMNS:
        out = out.set_column(out.schema.get_field_index(column), column,
                             pc.divide(out[column], float(copies)))
    copy = pa.array(np.repeat(np.arange(first, first + chunk), table.num_rows)).cast(pa.string())
    resource = out["ResourceId"]
    for column, value in (
            ("ResourceId", pc.binary_join_element_wise(resource, copy, "/")),
            ("ChargeDescription", pc.if_else(pc.is_null(resource), pc.binary_join_element_wise(
                out["ChargeDescription"], copy, " /"), out["ChargeDescription"]))):
        out = out.set_column(out.schema.get_field_index(column), column, value)
    return out


def _write_table(table: pa.Table, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / name, compression="zstd")


def _write(frame: pd.DataFrame, folder: Path, name: str = "part-0.parquet") -> None:
    _write_table(pa.Table.from_pandas(frame, preserve_index=False), folder, name)
