"""Reference prices: the GPU/egress/storage table in data/prices and API token prices.

GPU rows fill in any (cloud, gpu) a scenario uses without pricing it itself; API token prices
come from genai-prices' offline snapshot (its network update is never started) when an API
workload leaves its prices out. A scenario's own numbers always win.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_CATALOG = Path(__file__).resolve().parent.parent / "data" / "prices" / "gpu_prices.toml"


def catalog_path() -> Path:
    """Return the price table's path (BUDGET_PRICES overrides data/prices/gpu_prices.toml)."""
    return Path(os.environ.get("BUDGET_PRICES", DEFAULT_CATALOG))


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def catalog() -> dict[str, Any]:
    """Return the price table as parsed TOML ({} when the file is missing)."""
    path = catalog_path()
    return _load(str(path)) if path.exists() else {}


def catalog_gpu_row(cloud: str, gpu: str) -> dict[str, Any] | None:
    """Return the table's [[gpu_prices]] row for (cloud, gpu), or None."""
    for row in catalog().get("gpu_prices", []):
        if row.get("cloud") == cloud and row.get("gpu") == gpu:
            return dict(row)
    return None


def egress_usd_per_gb(cloud: str) -> float | None:
    """Return internet egress USD per GB for a cloud, or None when the table has none."""
    for row in catalog().get("egress", []):
        if row.get("cloud") == cloud:
            return float(row["usd_per_gb"])
    return None


@dataclass(frozen=True)
class TokenPrice:
    """USD per 1M input and output tokens from genai-prices, and where they came from."""

    input_usd: float
    output_usd: float
    source: str


PRICED_TOKENS = 1_000  # a request this size is in every model's base (short-context) tier


@lru_cache(maxsize=256)
def token_price(model: str, provider: str | None = None) -> TokenPrice | None:
    """Return a model's list token prices from genai-prices' bundled snapshot, or None.

    The base tier's: priced on a request of PRICED_TOKENS tokens each way, scaled to 1M. A
    1M-token request would land in a long-context tier (claude-sonnet-4-5 bills $6 / $22.50
    per 1M above 200K input tokens instead of its $3 / $15 list price).
    """
    from genai_prices import Usage, calc_price

    try:
        result = calc_price(Usage(input_tokens=PRICED_TOKENS, output_tokens=PRICED_TOKENS),
                            model_ref=model, provider_id=provider)
    except Exception:  # an unknown model or provider: the caller asks the user for prices
        return None

    def usd(value: Decimal | None) -> float:
        return float(value * (1_000_000 // PRICED_TOKENS)) if value is not None else 0.0

    return TokenPrice(usd(result.input_price), usd(result.output_price),
                      f"genai-prices snapshot: {result.provider.name} {result.model.id}")
