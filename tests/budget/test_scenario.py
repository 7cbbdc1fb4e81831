"""Scenario validation: each mistake gives one message naming file, place, field and fix."""

from __future__ import annotations

import math
from typing import Any

import pytest

from budget.errors import BudgetInputError
from budget.scenario import (
    Drivers,
    load_scenario,
    override_drivers,
    parse_scenario,
    parse_scenario_bytes,
)
from tests.conftest import ROOT, SAMPLE, SMALL


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set data[a][i][k] from 'a.i.k' (value DELETE removes the key)."""
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value


DELETE = object()

CASES = [
    # (path, value, words that must all appear in the message)
    ("inference.0.requests_per_mnth", 5, ['[[inference]] row 1 ("chat")',
                                           'unknown key "requests_per_mnth"',
                                           'rename it to "requests_per_month"']),
    ("training.0.gpu_hours_per_run", DELETE, ['[[training]] row 1 ("ft")',
                                              "missing required key",
                                              'field "gpu_hours_per_run"',
                                              "add gpu_hours_per_run"]),
    ("scenario.months", "12", ["[scenario]", 'field "months"', 'must be a whole number, got "12"']),
    ("scenario.months", 0, ['field "months"', "must be ≥ 1 and ≤ 120, got 0"]),
    ("scenario.start", "2027-13", ['field "start"', "must be a real month", '"2027-01"']),
    ("scenario.start", "Jan 2027", ['field "start"', "YYYY-MM"]),
    ("inference.0.requests_per_month", -5, ['("chat")', 'field "requests_per_month"',
                                            "must be ≥ 0 and ≤ 10,000,000,000,000, got -5"]),
    ("inference.0.requests_per_month", True, ['field "requests_per_month"',
                                              "must be a number, got true"]),
    ("inference.0.requests_per_month", math.nan, ["must be a finite number"]),
    ("inference.1.utilization", 0, ['[[inference]] row 2 ("batch-sum")', 'field "utilization"',
                                    "must be > 0 and ≤ 1, got 0"]),
    ("inference.1.utilization", 1.5, ['field "utilization"', "must be > 0 and ≤ 1, got 1.5"]),
    ("inference.1.utilization", DELETE, ['field "utilization"', "missing required key"]),
    ("inference.0.kind", "streaming", ['field "kind"', 'must be one of "realtime", "batch"',
                                       "use one of realtime, batch"]),
    ("inference.0.serving", "hosted", ['field "serving"', '"api", "self_hosted"']),
    ("inference.0.cloud", "aws", ['("chat")', 'field "cloud"',
                                  'only applies when serving = "self_hosted"']),
    ("inference.0.price_per_1m_output", DELETE, ['field "price_per_1m_input"',
                                                 'no list price for model "model-a"',
                                                 "genai-prices"]),
    ("training.0.gpu", "B200", ['[[training]] row 1 ("ft")', 'field "gpu"',
                                'no [[gpu_prices]] row for cloud "aws", gpu "B200"', "aws/H100"]),
    ("training.0.name", "chat", ['[[training]] row 1 ("chat")',
                                 'the name "chat" is already used by [[inference]] row 1']),
    ("training.0.pricing", "preemptible", ['field "pricing"', '"on_demand", "spot", "reserved"']),
    ("gpu_prices.0.spot", DELETE, ['[[inference]] row 2 ("batch-sum")', 'field "pricing"',
                                   'pricing "spot" needs a spot price']),
    ("gpu_prices.0.as_of", DELETE, ["[[gpu_prices]] row 1", 'field "as_of"']),
    ("gpu_prices.0.on_demand", 0, ['field "on_demand"', "must be > 0 and ≤ 1,000, got 0"]),
    ("inference.0.requests_per_month", 1e30, ["must be ≥ 0 and ≤ 10,000,000,000,000"]),
    ("drivers.gpu_price", -1, ["[drivers]", 'field "gpu_price"', "must be ≥ 0 and ≤ 100"]),
    ("drivers.gpu_prize", 1.0, ['unknown key "gpu_prize"', 'rename it to "gpu_price"']),
    ("platform.0.category", "coffee", ['[[platform]] row 1 ("obs")', 'field "category"']),
    ("platform.0.monthly_growth", -1, ['field "monthly_growth"', "must be > -1"]),
    ("scenario.currency", "EUR", ['field "currency"', 'must be one of "USD"']),
    ("scenario.name", "", ['field "name"', "must be a non-empty text"]),
]


@pytest.mark.parametrize(("path", "value", "words"), CASES, ids=[c[0] for c in CASES])
def test_validation_messages(small_data, path, value, words):
    _set(small_data, path, value)
    with pytest.raises(BudgetInputError) as caught:
        parse_scenario(small_data, "plans/small.toml")
    message = str(caught.value)
    assert message.startswith("plans/small.toml: ")
    assert "Fix: " in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_unknown_table_suggests_name(small_data):
    small_data["driver"] = small_data.pop("drivers")
    with pytest.raises(BudgetInputError, match=r'unknown table "driver".*rename it to "drivers"'):
        parse_scenario(small_data, "x.toml")


def test_missing_scenario_table(small_data):
    del small_data["scenario"]
    with pytest.raises(BudgetInputError, match=r"missing table \[scenario\]"):
        parse_scenario(small_data, "x.toml")


def test_table_written_as_single_table(small_data):
    small_data["inference"] = small_data["inference"][0]
    with pytest.raises(BudgetInputError, match=r"inference must be a list of tables"):
        parse_scenario(small_data, "x.toml")


def test_duplicate_price_rows(small_data):
    small_data["gpu_prices"].append(dict(small_data["gpu_prices"][0]))
    with pytest.raises(BudgetInputError, match=r"\[\[gpu_prices\]\] row 2.*second price row"):
        parse_scenario(small_data, "x.toml")


def test_bad_toml_names_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[scenario]\nname = "x\n', encoding="utf-8")
    with pytest.raises(BudgetInputError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: is not valid TOML")
    assert "line 2" in str(caught.value)


def test_non_utf8_bytes():
    with pytest.raises(BudgetInputError,
                       match=r"q.toml: is not UTF-8 text \(bad byte at line 1, offset 8"):
        parse_scenario_bytes(b'name = "\xff\xfe"', "q.toml")


def test_missing_file(tmp_path):
    with pytest.raises(BudgetInputError, match="file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_defaults_fill_optional_keys(small_data):
    del small_data["drivers"]
    del small_data["inference"][0]["environment"]
    del small_data["inference"][1]["pricing"]
    scenario = parse_scenario(small_data, "x.toml")
    assert scenario.drivers == Drivers()
    assert scenario.inference[0].environment == "production"
    assert scenario.inference[1].pricing == "on_demand"
    assert scenario.experimentation[0].name == "research-experimentation"
    assert scenario.platform[0].team == "platform"


def test_scenario_is_hashable_and_frozen():
    scenario = load_scenario(SMALL)
    assert hash(scenario) == hash(load_scenario(SMALL))
    with pytest.raises(AttributeError):
        scenario.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("assignments", "words"),
    [
        (["inference_volum=2"], ['--set: unknown driver "inference_volum"',
                                 'rename it to "inference_volume"']),
        (["gpu_price"], ['"gpu_price" is not DRIVER=VALUE']),
        (["gpu_price=cheap"], ['"cheap" is not a number']),
        (["gpu_price=-2"], ['field "gpu_price"', "must be ≥ 0"]),
    ],
)
def test_override_errors(assignments, words):
    with pytest.raises(BudgetInputError) as caught:
        override_drivers(load_scenario(SMALL), assignments)
    for word in words:
        assert word in str(caught.value)


def test_override_sets_drivers():
    scenario = override_drivers(load_scenario(SMALL), ["gpu_price=1.5", "token_price = 0.5"])
    assert scenario.drivers == Drivers(gpu_price=1.5, token_price=0.5)


def test_bundled_sample_is_plausible():
    sample = load_scenario(SAMPLE)
    servings = {w.serving for w in sample.inference}
    kinds = {w.kind for w in sample.inference}
    assert servings == {"api", "self_hosted"}
    assert kinds == {"realtime", "batch"}
    assert len(sample.inference) >= 3
    assert len(sample.training) >= 2
    assert len({e.team for e in sample.experimentation}) >= 2
    assert len(sample.platform) >= 2
    assert all(p.source.strip() and p.as_of for p in sample.gpu_prices)


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "scenarios").glob("*.toml")),
                         ids=lambda p: p.name)
def test_every_bundled_scenario_loads(path):
    scenario = load_scenario(path)
    assert scenario.inference and scenario.training and scenario.platform
