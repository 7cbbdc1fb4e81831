"""Reference prices: the shipped table fills unpriced GPUs, genai-prices fills token prices."""

from __future__ import annotations

import pytest

from budget.forecast import forecast
from budget.pricing import (
    DEFAULT_CATALOG,
    catalog,
    catalog_gpu_row,
    catalog_path,
    egress_usd_per_gb,
    token_price,
)
from budget.scenario import parse_scenario


def test_table_covers_the_required_clouds_and_gpus():
    rows = catalog()["gpu_prices"]
    pairs = {(r["cloud"], r["gpu"]) for r in rows}
    for cloud in ("aws", "gcp", "azure", "lambda"):
        assert any(c == cloud for c, _ in pairs), cloud
    for gpu in ("H100", "A100", "L4"):
        assert any(g == gpu for _, g in pairs), gpu
    assert all(r["source"].strip() and r["as_of"] for r in rows)
    assert all(r["on_demand"] > r.get("reserved", 0) > r.get("reserved_3y", 0) for r in rows)
    assert egress_usd_per_gb("aws") == 0.09 and egress_usd_per_gb("lambda") == 0.0


def test_scenario_falls_back_to_the_table(small_data):
    small_data["training"][0].update(cloud="gcp", gpu="A100")  # small.toml prices only aws/H100
    scenario = parse_scenario(small_data, "x")
    row = catalog_gpu_row("gcp", "A100")
    assert scenario.price("gcp", "A100").on_demand == row["on_demand"]
    # 100 GPU-h a month on demand
    assert forecast(scenario).by_workload["ft"].tolist() == pytest.approx(
        [100 * row["on_demand"]] * 3)


def test_scenario_row_wins_over_the_table(small_data):
    scenario = parse_scenario(small_data, "x")
    assert scenario.price("aws", "H100").on_demand == 4.0  # small.toml's own, not 3.90


def test_token_prices_from_genai_prices(small_data):
    found = token_price("gpt-4o-mini", "openai")
    assert found is not None and (found.input_usd, found.output_usd) == (0.15, 0.6)
    small_data["inference"][0].update(model="gpt-4o-mini", provider="openai")
    del small_data["inference"][0]["price_per_1m_input"]
    del small_data["inference"][0]["price_per_1m_output"]
    chat = parse_scenario(small_data, "x").inference[0]
    assert (chat.price_per_1m_input, chat.price_per_1m_output) == (0.15, 0.6)
    assert "genai-prices" in (chat.price_source or "")
    assert token_price("no-such-model-xyz") is None


def test_token_prices_are_the_base_tiers():
    # Tiered models bill more above 200K input tokens in one request; a plan's requests are
    # priced at the list (short-context) price: Anthropic lists Claude Sonnet 4.5 at $3 / $15,
    # Google Gemini 2.5 Pro at $1.25 / $10 per 1M tokens
    sonnet = token_price("claude-sonnet-4-5", "anthropic")
    assert sonnet is not None and (sonnet.input_usd, sonnet.output_usd) == (3.0, 15.0)
    pro = token_price("gemini-2.5-pro", "google")
    assert pro is not None and (pro.input_usd, pro.output_usd) == (1.25, 10.0)


def test_budget_prices_points_at_another_table(tmp_path, monkeypatch):
    table = tmp_path / "prices.toml"
    table.write_text('[[gpu_prices]]\ncloud = "aws"\ngpu = "H100"\non_demand = 9.5\n'
                     'source = "test"\nas_of = "2026-12"\n\n'
                     '[[egress]]\ncloud = "aws"\nusd_per_gb = 0.5\n', encoding="utf-8")
    monkeypatch.setenv("BUDGET_PRICES", str(table))
    assert catalog_path() == table
    assert catalog_gpu_row("aws", "H100")["on_demand"] == 9.5  # the shipped table's is not
    assert egress_usd_per_gb("aws") == 0.5 and egress_usd_per_gb("gcp") is None
    monkeypatch.setenv("BUDGET_PRICES", str(tmp_path / "missing.toml"))
    assert catalog() == {} and catalog_gpu_row("aws", "H100") is None
    monkeypatch.delenv("BUDGET_PRICES")
    assert catalog_path() == DEFAULT_CATALOG
