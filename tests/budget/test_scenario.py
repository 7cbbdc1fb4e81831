"""Scenario validation: each mistake gives one message naming file, place, field and fix."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from budget.errors import BudgetInputError
from budget.forecast import forecast
from budget.scenario import load_scenario, override_drivers, parse_scenario, parse_scenario_bytes
from budget.scenario_model import WORKLOAD_TABLES, Drivers
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
                                    "must be ≥ 0.01 and ≤ 1, got 0"]),
    ("inference.1.utilization", 1.5, ['field "utilization"', "must be ≥ 0.01 and ≤ 1, got 1.5"]),
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
    # names: as typed, short, visible, unambiguous (#15)
    ("inference.0.name", "chat ", ['[[inference]] row 1 ("chat ")', 'field "name"',
                                   "has spaces at its start or end",
                                   'write it without them: "chat" (nothing is stripped']),
    ("inference.0.team", " support", ['field "team"', "has spaces at its start or end"]),
    ("inference.0.team", "sup\u202eport", ["holds a bidi control character ('\\u202e' at "
                                           "character 4)", "delete that character"]),
    ("inference.0.team", "a\u2068b", ["bidi control character ('\\u2068'"]),
    ("inference.0.model", "a\x00b", ["holds a control character ('\\x00' at character 2)"]),
    ("inference.0.model", "a\u200bb", ["holds an invisible format character"]),
    ("inference.0.model", "a\u2028b", ["holds a control character ('\\u2028'"]),
    ("inference.0.name", "n" * 201, ['("nnnnnnnnnn', "(201 characters))",
                                     "is 201 characters long; names are limited to 200"]),
    ("gpu_prices.0.source", "s" * 2001, ['field "source"',
                                         "is 2,001 characters long; texts are limited to 2,000"]),
    ("training.0.name", "Chat", ['the name "Chat" is already used by [[inference]] row 1 '
                                 '("chat")',
                                 '"Chat" differs from "chat" only in upper/lower case']),
    ("platform.0.name", "ＣＨＡＴ", ['is already used by [[inference]] row 1 ("chat")',
                                 "only in Unicode form"]),
    ("scenario.start", date(2027, 1, 1), ['field "start"', "must be a text in quotes, got the "
                                          "TOML date 2027-01-01", 'like "2027-01"']),
    # numbers a float cannot hold, or that make a division overflow (#15)
    ("inference.0.requests_per_month", 10**400, ["≤ 10,000,000,000,000, got a whole number of "
                                                 "401 digits"]),
    ("inference.0.requests_per_month", -(10**400), ["got a whole number of 401 digits"]),
    ("scenario.months", 10**30, ['field "months"', "got a whole number of 31 digits"]),
    ("inference.1.output_tokens_per_gpu_second", 5e-324,
     ["must be ≥ 0.01 and ≤ 10,000,000, got 5e-324"]),
    ("inference.1.utilization", 0.005, ["must be ≥ 0.01 and ≤ 1, got 0.005"]),
    ("inference.0.price_per_1m_input", 5e-324, ["must be 0 or at least 1e-09 away from 0, got "
                                                "5e-324", "price_per_1m_input = 0"]),
    ("inference.0.input_tokens", 9.9e-10, ["must be 0 or at least 1e-09 away from 0"]),
    ("platform.0.monthly_growth", -1e-12, ["at least 1e-09 away from 0, got -1e-12"]),
    ("platform.0.monthly_growth", 1.5, ["must be > -1 and ≤ 1, got 1.5"]),
    ("drivers.gpu_throughput", 0.001, ['field "gpu_throughput"', "must be ≥ 0.01 and ≤ 10"]),
    ("drivers.utilization", 5e-324, ['field "utilization"', "must be ≥ 0.01 and ≤ 10"]),
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


@pytest.mark.parametrize(("path", "value"), [
    ("inference.0.name", "n" * 200),  # the longest name
    ("inference.0.name", "**bold** [x](https://example.com) $x$ :red[y]"),  # text, not markup
    ("inference.0.team", "👩\u200d💻 devs"),  # a zero-width joiner inside an emoji is fine
    ("gpu_prices.0.source", "line one\nline two\twith a tab"),  # free text may break lines
    ("inference.0.requests_per_month", 10**13),  # a whole number at the bound, exactly
    ("inference.0.input_tokens", 1e-9),
    ("inference.0.input_tokens", 0.0),
    ("platform.0.monthly_growth", -0.0),
    ("inference.1.utilization", 0.01),
    ("platform.0.monthly_growth", 1.0),
])
def test_edge_values_load(small_data, path, value):
    _set(small_data, path, value)
    scenario = parse_scenario(small_data, "x.toml")
    table, index, key = path.split(".")
    assert getattr(getattr(scenario, table)[int(index)], key) == value


def test_duplicates_fold_case_and_unicode_form_everywhere(small_data):
    small_data["inference"][0]["name"] = "caf\u00e9"  # NFC
    small_data["platform"][0]["name"] = "cafe\u0301"  # NFD: the same name
    with pytest.raises(BudgetInputError, match=r'\[\[platform\]\] row 1.*is already used by '
                       r'\[\[inference\]\] row 1.*only in Unicode form'):
        parse_scenario(small_data, "x.toml")
    small_data["platform"][0]["name"] = "obs"
    small_data["guardrails"] = [{"environment": e, "monthly_budget": 1, "control": "soft_alert"}
                                for e in ("dev", "DEV")]
    with pytest.raises(BudgetInputError, match=r'row 2, field "environment": a second guardrail '
                       r'for "DEV" \("DEV" differs from "dev" only in upper/lower case'):
        parse_scenario(small_data, "x.toml")
    small_data["guardrails"] = [{"environment": "a", "monthly_budget": 1, "control": "soft_alert"},
                                {"environment": "b", "monthly_budget": 1, "control": "soft_alert"}]
    small_data["projects"] = [{"name": "Chat"}, {"name": "chat"}]
    with pytest.raises(BudgetInputError, match=r'the project "chat" is listed twice'):
        parse_scenario(small_data, "x.toml")


def test_one_letter_names_are_compared_by_value(small_data):
    # one-character strings are shared objects in Python: a duplicate must still be seen
    small_data["guardrails"] = [{"environment": "a", "monthly_budget": 1, "control": "soft_alert"},
                                {"environment": "a", "monthly_budget": 2, "control": "soft_alert"}]
    with pytest.raises(BudgetInputError, match='a second guardrail for "a"'):
        parse_scenario(small_data, "x.toml")


def test_hostile_keys_are_shown_short_and_escaped(small_data):
    small_data["inference"][0]["x\n" * 500] = 1
    with pytest.raises(BudgetInputError) as caught:
        parse_scenario(small_data, "x.toml")
    message = str(caught.value)
    assert "\n" not in message and len(message) < 1500
    assert 'unknown key "x\\nx\\n' in message and "(1,000 characters)" in message


def test_bom_file_loads_and_fifo_is_refused(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes())
    assert load_scenario(path).name == "Small"
    if hasattr(__import__("os"), "mkfifo"):
        fifo = tmp_path / "pipe.toml"
        __import__("os").mkfifo(fifo)
        with pytest.raises(BudgetInputError, match="is a named pipe"):
            load_scenario(fifo)


@pytest.mark.parametrize(("assignment", "words"), [
    ("inference_volume=1_5", ['"1_5" is not a number', "no underscores"]),  # float() says 15
    ("gpu_price=nan", ['"nan" is not a number']),
    ("gpu_price=inf", ['"inf" is not a number']),
    ("gpu_price=１", ['"１" is not a number']),
    ("token_price=1e-300", ["must be 0 or at least 1e-09 away from 0"]),
    ("utilization=0.001", ["must be ≥ 0.01 and ≤ 10"]),
    ("gpu\x1b[2J=1", ['unknown driver "gpu\\x1b[2J"']),
])
def test_override_refuses_what_float_would_accept(assignment, words):
    with pytest.raises(BudgetInputError) as caught:
        override_drivers(load_scenario(SMALL), [assignment])
    for word in words:
        assert word in str(caught.value)


def test_workload_tables_are_the_named_rows_in_forecast_order():
    small = load_scenario(SMALL)
    assert WORKLOAD_TABLES == ("inference", "training", "experimentation", "platform")
    names = [row.name for table in WORKLOAD_TABLES for row in getattr(small, table)]
    assert names == ["chat", "batch-sum", "ft", "research-experimentation", "obs"]
    assert list(dict.fromkeys(forecast(small).lines["workload"])) == names
