"""Row templates (template_row) and scenario templates (template_toml): every one loads, names
are unique, GPU rows land on a price the file can pay, and the totals match a hand computation."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from budget.errors import BudgetInputError
from budget.forecast import forecast
from budget.pricing import catalog_gpu_row, token_price
from budget.scenario import load_scenario, parse_scenario, parse_scenario_bytes
from budget.scenario_templates import (
    COMPANY_TEMPLATES,
    ROW_TEMPLATES,
    template_row,
    template_toml,
)
from budget.scenario_toml import scenario_data
from tests.conftest import ROOT, SMALL

SCENARIO_FILES = [*sorted((ROOT / "data" / "scenarios").glob("*.toml")), SMALL]


def _growth_sum(growth: float, months: int = 12) -> float:
    """Return 1 + (1+g) + … + (1+g)^(months-1): a first month's amount × this = its horizon."""
    return ((1 + growth) ** months - 1) / growth


def _with_row(data: dict[str, Any], template_id: str, name: str | None = None,
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (data with the template's row appended, that row)."""
    table, row = template_row(template_id, data, name)
    return {**data, table: [*data.get(table, []), row]}, row


def _minimal(gpu_prices: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a one-platform-line scenario with the given [[gpu_prices]] rows."""
    data: dict[str, Any] = {
        "scenario": {"name": "t", "start": "2027-01", "months": 2},
        "platform": [{"name": "obs", "category": "observability", "monthly_cost": 100}]}
    if gpu_prices:
        data["gpu_prices"] = gpu_prices
    return data


def _price(cloud: str, gpu: str, **prices: float) -> dict[str, Any]:
    return {"cloud": cloud, "gpu": gpu, "source": "test", "as_of": "2026-11", **prices}


def test_row_templates_are_the_five_named_ones():
    assert {k: (t.label, t.table) for k, t in ROW_TEMPLATES.items()} == {
        "api-product": ("API product", "inference"),
        "self-hosted-model": ("Self-hosted model", "inference"),
        "fine-tuning-project": ("Fine-tuning project", "training"),
        "team-sandbox": ("Team sandbox", "experimentation"),
        "platform-line": ("Platform line", "platform"),
    }
    assert ROW_TEMPLATES["api-product"].row["serving"] == "api"
    assert ROW_TEMPLATES["self-hosted-model"].row["serving"] == "self_hosted"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("template_id", list(ROW_TEMPLATES))
@pytest.mark.parametrize("shape", ["toml", "scenario_data"])
def test_every_row_template_loads_in_every_bundled_file(path: Path, template_id: str, shape: str):
    data = (tomllib.loads(path.read_text(encoding="utf-8")) if shape == "toml"
            else scenario_data(load_scenario(path)))
    before = copy.deepcopy(data)
    grown, row = _with_row(data, template_id)
    assert data == before  # template_row does not change its input
    scenario = parse_scenario(grown, str(path))
    assert row["name"] == f"new-{template_id}"
    table = ROW_TEMPLATES[template_id].table
    assert row["name"] in [w.name for w in getattr(scenario, table)]
    base = forecast(load_scenario(path)).total_cost_usd
    assert forecast(scenario).total_cost_usd > base  # the new row costs something


def test_api_product_row_is_priced_by_genai_prices():
    grown, row = _with_row(tomllib.loads(SMALL.read_text(encoding="utf-8")), "api-product")
    assert "price_per_1m_input" not in row and row["model"] == "gpt-4o-mini"
    new = next(w for w in parse_scenario(grown, "t").inference if w.name == row["name"])
    listed = token_price("gpt-4o-mini", "openai")
    assert listed is not None and (listed.input_usd, listed.output_usd) == (0.15, 0.60)
    assert (new.price_per_1m_input, new.price_per_1m_output) == (0.15, 0.60)
    # small.toml runs 3 months: 1,000,000 requests × (1,500 × 0.15 + 400 × 0.60) / 1M = 465 in
    # the first month, growing 5%: 465 × (1 + 1.05 + 1.1025) = 1,465.9125 more in the total
    before = forecast(load_scenario(SMALL)).total_cost_usd
    assert forecast(parse_scenario(grown, "t")).total_cost_usd == pytest.approx(
        before + 465 * 3.1525)


def test_names_are_unique_whatever_the_spelling(small_data):
    small_data["inference"][0]["name"] = "new-api-product"
    small_data["platform"][0]["name"] = "NEW-API-PRODUCT-2"  # the same name, case-folded
    assert template_row("api-product", small_data)[1]["name"] == "new-api-product-3"
    assert template_row("platform-line", small_data, name="batch-sum")[1]["name"] == "batch-sum-2"
    # the unnamed [[experimentation]] row of team research is called research-experimentation
    sandbox = template_row("team-sandbox", small_data, name="Research-Experimentation")[1]
    assert sandbox["name"] == "Research-Experimentation-2"
    grown = {**small_data, "experimentation": [*small_data["experimentation"], sandbox]}
    parse_scenario(grown, "t")  # no duplicate-name error
    long_name = "x" * 200
    small_data["training"][0]["name"] = long_name
    longer = template_row("fine-tuning-project", small_data, name=long_name)[1]["name"]
    assert longer == "x" * 198 + "-2"  # still within the 200 characters a name may have


def test_gpu_row_prefers_the_files_row_with_its_pricing():
    # lambda/H100 has no spot; the file's gcp/A100 has: the sandbox (spot) goes there
    data = _minimal([_price("lambda", "H100", on_demand=3.29),
                     _price("gcp", "A100", on_demand=3.67, spot=1.47)])
    grown, row = _with_row(data, "team-sandbox")
    assert (row["cloud"], row["gpu"], row["pricing"]) == ("gcp", "A100", "spot")
    # 160 GPU-hours a week × 52 / 12 × 1.47 = 1,019.2 a month, + 100 of obs, × 2 months
    assert forecast(parse_scenario(grown, "t")).total_cost_usd == pytest.approx(
        2 * (160 * 52 / 12 * 1.47 + 100))


def test_gpu_row_same_gpu_type_first():
    data = _minimal([_price("gcp", "A100", on_demand=3.67, reserved=2.31),
                     _price("lambda", "H100", on_demand=3.29, reserved=2.49)])
    row = template_row("self-hosted-model", data)[1]
    assert (row["cloud"], row["gpu"], row["pricing"]) == ("lambda", "H100", "reserved")


def test_gpu_row_falls_back_to_a_reference_row_the_file_does_not_price():
    # the file's only H100 row has no spot, so the reference table's aws/H100 cannot be used
    # (the file's own row wins): the next reference H100 with a spot price is gcp's
    data = _minimal([_price("aws", "H100", on_demand=3.90)])
    grown, row = _with_row(data, "fine-tuning-project")
    reference = catalog_gpu_row("gcp", "H100")
    assert reference is not None and reference["spot"] == 1.68
    assert (row["cloud"], row["gpu"], row["pricing"]) == ("gcp", "H100", "spot")
    scenario = parse_scenario(grown, "t")
    assert scenario.price("gcp", "H100").spot == 1.68  # filled in by the loader
    # 384 GPU-hours × 1 run a quarter / 3 × 1.68 = 215.04 a month, + 100 of obs, × 2 months
    assert forecast(scenario).total_cost_usd == pytest.approx(2 * (384 / 3 * 1.68 + 100))


def test_gpu_row_without_any_price_row_uses_the_reference_table():
    grown, row = _with_row(_minimal([]), "self-hosted-model")
    assert (row["cloud"], row["gpu"], row["pricing"]) == ("aws", "H100", "reserved")
    assert parse_scenario(grown, "t").price("aws", "H100").reserved == 2.45


def test_gpu_row_without_a_reference_table_buys_on_demand(monkeypatch, tmp_path):
    monkeypatch.setenv("BUDGET_PRICES", str(tmp_path / "none.toml"))
    grown, row = _with_row(_minimal([_price("aws", "H100", on_demand=4.0)]), "team-sandbox")
    assert (row["cloud"], row["gpu"], row["pricing"]) == ("aws", "H100", "on_demand")
    # 160 × 52 / 12 × 4.0 = 2,773.33 a month, + 100, × 2 months
    assert forecast(parse_scenario(grown, "t")).total_cost_usd == pytest.approx(
        2 * (160 * 52 / 12 * 4.0 + 100))
    with pytest.raises(BudgetInputError, match=r"add a \[\[gpu_prices\]\] row"):
        template_row("team-sandbox", _minimal([]))


def test_unknown_row_template_names_the_choices():
    with pytest.raises(BudgetInputError, match="api-product, self-hosted-model"):
        template_row("gpu-cluster", _minimal([]))


@pytest.mark.parametrize("template", list(COMPANY_TEMPLATES))
def test_every_scenario_template_loads_and_forecasts(template: str):
    text = template_toml(template, "2028-03", name=f"My {template} plan")
    scenario = parse_scenario_bytes(text.encode("utf-8"), "t")
    assert (scenario.name, scenario.start, scenario.months) == (f"My {template} plan",
                                                               "2028-03", 12)
    assert forecast(scenario).total_cost_usd > 0
    lines = text.splitlines()
    headers = [line for line in lines if line.startswith("[")]
    assert headers and all("#" in line for line in headers)  # one comment per table
    assert all(len(line) <= 100 for line in lines)


@pytest.mark.parametrize("template", list(COMPANY_TEMPLATES))
def test_template_gpu_prices_are_the_reference_tables(template: str):
    data = tomllib.loads(template_toml(template, "2027-01"))
    for row in data.get("gpu_prices", []):
        reference = catalog_gpu_row(row["cloud"], row["gpu"])
        assert reference is not None and row["source"] and row["as_of"] == "2026-11"
        for key in ("on_demand", "spot", "reserved", "reserved_3y"):
            if key in row:
                assert row[key] == reference[key], (row["cloud"], row["gpu"], key)


def test_templates_hold_what_their_brief_says():
    tables = {t: tomllib.loads(template_toml(t, "2027-01")) for t in COMPANY_TEMPLATES}
    assert set(tables["blank"]) == {"scenario", "platform"}  # and nothing more
    assert len(tables["blank"]["platform"]) == 1
    api = tables["api-product"]
    assert len(api["inference"]) >= 2 and {w["serving"] for w in api["inference"]} == {"api"}
    assert "ranges" in api and len(api["platform"]) >= 2
    hosted = tables["self-hosted"]
    assert {w["serving"] for w in hosted["inference"]} == {"self_hosted"}
    assert hosted["training"]
    assert {"on_demand", "spot", "reserved"} <= set(hosted["gpu_prices"][0])
    company = tables["company"]
    assert {w["serving"] for w in company["inference"]} == {"api", "self_hosted"}
    assert {"training", "experimentation", "platform", "ranges"} <= set(company)


def test_blank_total_by_hand():
    # one platform line, USD 2,000 a month flat, over 12 months = 24,000
    scenario = parse_scenario_bytes(template_toml("blank", "2027-01").encode("utf-8"), "t")
    assert forecast(scenario).total_cost_usd == pytest.approx(24_000)


def test_api_product_total_by_hand():
    # first month × (1.0 + (1+g) + … + (1+g)^11) for each line:
    # support-chat 2,000,000 × (1,800 × 3.00 + 350 × 15.00) / 1M = 21,300, g 5%
    # doc-summaries 1,000,000 × (6,000 × 0.30 + 400 × 2.50) / 1M = 2,800, g 3%
    # in-app-assistant (genai-prices 0.15 / 0.60) 4,000,000 × (1,200 × 0.15 + 300 × 0.60) / 1M
    #   = 1,440, g 6%
    # platform: 3,000 at 2%, 2,500 at 3%, 800 at 4%, 12,000 flat
    # = 339,034.8 + 39,737.7 + 24,292.7 + 40,236.3 + 35,480.1 + 12,020.6 + 144,000 ≈ 634,802.2
    assert token_price("gpt-4o-mini", "openai") is not None
    expected = (21_300 * _growth_sum(0.05) + 2_800 * _growth_sum(0.03)
                + 1_440 * _growth_sum(0.06) + 3_000 * _growth_sum(0.02)
                + 2_500 * _growth_sum(0.03) + 800 * _growth_sum(0.04) + 12_000 * 12)
    assert expected == pytest.approx(634_802.2, abs=0.1)
    scenario = parse_scenario_bytes(template_toml("api-product", "2027-01").encode("utf-8"), "t")
    assert forecast(scenario).total_cost_usd == pytest.approx(expected)


def test_self_hosted_total_by_hand():
    # search-answers: 10,000,000 × 250 tokens / (500 tokens/s × 3,600 × 0.5) = 2,777.8 GPU-hours
    #   × 2.45 reserved = 6,805.56 in the first month, g 4%
    # ticket-triage: 20,000,000 × 60 / (1,400 × 3,600 × 0.8) = 297.62 GPU-hours × 0.32 spot
    #   = 95.24, g 2%
    # support-model-finetune: 2 runs a quarter / 3 × 384 GPU-hours × 1.56 spot = 399.36 a month
    # search-model-refresh: 1 / 3 × 6,000 × 2.45 reserved = 4,900 a month
    # research-sandbox: 200 GPU-hours a week × 52 / 12 × 1.56 spot = 1,352 a month
    # platform: 3,000 at 3%, 20,000 flat
    # = 102,258.9 + 1,277.3 + 4,792.3 + 58,800 + 16,224 + 42,576.1 + 240,000 ≈ 465,928.7
    expected = (10_000_000 * 250 / (500 * 3600 * 0.5) * 2.45 * _growth_sum(0.04)
                + 20_000_000 * 60 / (1400 * 3600 * 0.8) * 0.32 * _growth_sum(0.02)
                + 12 * (2 / 3 * 384 * 1.56 + 1 / 3 * 6000 * 2.45 + 200 * 52 / 12 * 1.56)
                + 3_000 * _growth_sum(0.03) + 20_000 * 12)
    assert expected == pytest.approx(465_928.7, abs=0.1)
    scenario = parse_scenario_bytes(template_toml("self-hosted", "2027-01").encode("utf-8"), "t")
    assert forecast(scenario).total_cost_usd == pytest.approx(expected)


def test_default_name_and_escaping():
    data = tomllib.loads(template_toml("blank", "2027-05"))
    assert data["scenario"]["name"] == "Blank plan from 2027-05"
    tricky = 'Plan "B" \\ [x] # not a comment'
    assert tomllib.loads(template_toml("blank", "2027-05", tricky))["scenario"]["name"] == tricky


@pytest.mark.parametrize(("template", "start", "name", "message"), [
    ("blank", "2027-13", None, 'field "start"'),
    ("blank", "2027-1", None, 'field "start"'),
    ("blank", '2027-01"\n[x]', None, 'field "start"'),  # never TOML injected into the file
    ("blank", "2027-01", "line\nbreak", 'field "name"'),
    ("blank", "2027-01", " padded", 'field "name"'),
    ("galaxy", "2027-01", None, "blank, api-product, self-hosted, company"),
])
def test_bad_template_inputs_are_refused(template, start, name, message):
    with pytest.raises(BudgetInputError, match=r"^the new scenario: ") as caught:
        template_toml(template, start, name)
    assert message in str(caught.value)
