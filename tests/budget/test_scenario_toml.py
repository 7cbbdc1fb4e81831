"""Saving a version: whatever the planner holds, the file written is one the loader accepts."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
import os
import tomllib
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.inputs import INPUTS, INPUTS_BY_NAME
from budget.scenario import load_scenario, parse_scenario, parse_scenario_bytes
from budget.scenario_model import Scenario, WrittenRange
from budget.scenario_toml import (
    save_edited,
    save_version,
    scenario_data,
    scenario_toml,
    version_name,
)
from budget.schema import NAME_MAX, TINY
from budget.toml_edit import matched_rows
from tests.conftest import SAMPLE, SMALL

NOW = datetime(2026, 12, 1, 9, 30)


def driver_values(name: str) -> st.SearchStrategy[float]:
    """Values a slider, a URL or a file can leave in one driver, its edges and float noise first."""
    spec = INPUTS_BY_NAME[name]
    low, high = spec.low_bound, spec.high_bound
    edges = [low, high, math.nextafter(low, math.inf), math.nextafter(high, -math.inf),
             spec.expected, 0.7 + 0.3, 0.1 + 0.2, 1 / 3, 0.05 * 3, 2.9000000000000004]
    return st.one_of(st.sampled_from([v for v in edges if low <= v <= high]),
                     st.floats(low, high, allow_nan=False),
                     st.just(1e-300).filter(lambda v: low <= v))


def relatives(name: str) -> st.SearchStrategy[tuple[float, float]]:
    """Ranges as the loader keeps them: ratios around 1, or offsets around 0, edges included."""
    if INPUTS_BY_NAME[name].kind == "ratio":
        below = st.sampled_from([0.0, 0.5, 0.7, 0.85, 1 / 3, 1.0])
        above = st.sampled_from([1.0, 1.0000000000000002, 1.1, 1.3, 7 / 3, 2.0])
    else:
        below = st.sampled_from([0.0, -0.02, -0.019999999999999997, -1 / 3, -0.5])
        above = st.sampled_from([0.0, 0.02, 0.15, 1 / 3, 0.5])
    return st.tuples(below, above)


@st.composite
def adjusted(draw: st.DrawFn) -> Scenario:
    """Draw the small scenario with ranges on every input and drivers anywhere in bounds."""
    base = load_scenario(SMALL)
    ranges = tuple(WrittenRange(i.name, draw(relatives(i.name))) for i in INPUTS)
    drivers = {i.name: draw(driver_values(i.name)) for i in INPUTS}
    return dataclasses.replace(base, ranges=ranges).with_drivers(**drivers)


@settings(max_examples=100, deadline=None)
@given(adjusted())
def test_what_is_saved_always_loads_with_the_same_drivers(scenario):
    loaded = parse_scenario_bytes(scenario_toml(scenario).encode("utf-8"), "saved.toml")
    for name, value in dataclasses.asdict(scenario.drivers).items():
        expected = 0.0 if abs(value) < TINY else value  # below TINY is written as 0
        assert getattr(loaded.drivers, name) == expected
    assert [r.name for r in loaded.ranges] == [r.name for r in scenario.ranges]


def test_a_range_edge_that_rounding_would_cut_off_still_holds_the_value():
    # 1/3 × 1.0 rounded to 10 decimals is 0.3333333333 < 1/3: the loader refused that file
    base = dataclasses.replace(load_scenario(SMALL),
                               ranges=(WrittenRange("token_price", (0.7, 1.0)),))
    text = scenario_toml(base.with_drivers(token_price=1 / 3))
    assert tomllib.loads(text)["ranges"]["token_price"] == [0.2333333333, 1 / 3]
    assert parse_scenario_bytes(text.encode(), "x").drivers.token_price == 1 / 3


def test_a_comment_never_breaks_the_file():
    text = scenario_toml(load_scenario(SMALL), "from evil\x00\x7f.toml\nsecond line\u202e")
    assert text.startswith("# from evil\\x00\\x7f.toml\n# second line\\u202e\n\n")
    assert parse_scenario_bytes(text.encode(), "x").name == "Small"


def test_what_would_not_load_is_refused_before_writing():
    too_long = dataclasses.replace(load_scenario(SMALL), name="n" * (NAME_MAX + 1))
    with pytest.raises(BudgetInputError, match=r"^the new version: would not load: .*is 201 "
                       r"characters long"):
        scenario_toml(too_long)


@pytest.mark.parametrize(("length", "kept"), [(10, 10), (NAME_MAX, NAME_MAX - 26)])
def test_version_name_fits_the_name_limit(length, kept):
    name = version_name("n" * length, "2026-12-01 09:30")
    assert name.endswith(" (saved 2026-12-01 09:30)") and len(name) <= NAME_MAX
    assert name.count("n") == kept


def test_save_version_writes_a_loadable_file_once_per_click(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_bytes(SMALL.read_bytes())
    adjusted = load_scenario(source).with_drivers(gpu_price=1.5)
    first = save_version(tmp_path, adjusted, NOW, file_stamp(source))
    again = save_version(tmp_path, adjusted, NOW, file_stamp(source))  # a double click
    assert (first.path.name, first.created) == ("plan-20261201.toml", True)
    assert (again.path, again.created) == (first.path, False)
    saved = load_scenario(first.path)
    assert saved.name == "Small (saved 2026-12-01 09:30)" and saved.drivers.gpu_price == 1.5
    other = save_version(tmp_path, adjusted.with_drivers(gpu_price=2.0), NOW)
    assert (other.path.name, other.created) == ("plan-20261201-2.toml", True)


def test_save_version_refuses_a_source_changed_since_it_was_read(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_bytes(SMALL.read_bytes())
    stamp = file_stamp(source)
    adjusted = load_scenario(source)
    source.write_bytes(SMALL.read_bytes() + b"\n# edited\n")
    os.utime(source, ns=(stamp[0] + 10**9, stamp[0] + 10**9))
    with pytest.raises(BudgetInputError, match=r"^plan.toml: changed on disk after the page read"):
        save_version(tmp_path, adjusted, NOW, stamp)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


# ---- save_edited: the source's text with only the edits made (#17 §2) ----------------------

def comments(text: str) -> list[str]:
    """Return every comment of a TOML text ('#' outside a string, to the end of its line)."""
    out = []
    for line in text.splitlines():
        quoted = False
        for i, char in enumerate(line):
            if char == '"' and (i == 0 or line[i - 1] != "\\"):
                quoted = not quoted
            elif char == "#" and not quoted:
                out.append(line[i:])
                break
    return out


def key_order(text: str) -> list[str]:
    """Return each header and key of a TOML text in the order written ('[[inference]] name')."""
    out, header = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            header = stripped
            out.append(header)
        elif "=" in stripped and not stripped.startswith("#"):
            out.append(f"{header} {stripped.split('=')[0].strip()}")
    return out


def line_changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """Return (lines removed, lines added) from before to after."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return ([d[2:] for d in diff if d.startswith("- ")],
            [d[2:] for d in diff if d.startswith("+ ")])


def copied(tmp_path, source=SMALL, name="plan.toml"):
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    return path


def previous_of(path) -> str:
    return f"{path.name}@{hashlib.sha256(path.read_bytes()).hexdigest()}"


def replaced(rows, index, **values):
    rows = list(rows)
    rows[index] = dataclasses.replace(rows[index], **values)
    return tuple(rows)


def test_save_edited_keeps_every_comment_and_the_key_order_of_the_sample(tmp_path):
    source = copied(tmp_path, SAMPLE, "fy27-plan.toml")
    text = source.read_text()
    loaded = load_scenario(source)
    # search-answers (row 2) at 0.5 utilization instead of 0.45
    edited = dataclasses.replace(loaded, inference=replaced(loaded.inference, 1, utilization=0.5))
    saved = save_edited(tmp_path, source, edited, "FY27 plan, denser serving",
                        "search-answers batches better on vLLM 0.9", NOW)
    out = saved.path.read_text()
    # counted by hand in the file: 2 header lines, 2 above [narrative] and [ranges], 5 after
    # ranges, 8 section rules, 10 in [[inference]], 3 in [[portability]], 1 in [budget], 2 in
    # [[guardrails]], 1 in [[projects]] = 34 (the 33 left one out); each kept, none added
    assert len(comments(text)) == 34
    assert comments(out) == comments(text)
    assert all(f'source = "{p.source}"' in out for p in loaded.gpu_prices)  # price sources
    assert key_order(out) == [*key_order(text)[:5], "[scenario] previous", "[scenario] reason",
                              *key_order(text)[5:]]
    removed, added = line_changes(text, out)
    assert removed == ['name = "FY27 plan"',
                       "utilization = 0.45                   "
                       "# latency-bound serving keeps headroom"]
    assert added == ['name = "FY27 plan, denser serving"', f'previous = "{previous_of(source)}"',
                     'reason = "search-answers batches better on vLLM 0.9"',
                     "utilization = 0.5                   # latency-bound serving keeps headroom"]
    version = load_scenario(saved.path)
    assert version == dataclasses.replace(edited, name="FY27 plan, denser serving",
                                          source=str(saved.path))
    assert (version.previous, version.reason) == (previous_of(source),
                                                  "search-answers batches better on vLLM 0.9")
    assert (saved.path.name, saved.created, saved.unchanged) == (
        "fy27-plan-denser-serving.toml", True, False)
    assert source.read_text() == SAMPLE.read_text()  # the source untouched


def test_a_changed_field_is_rewritten_in_place_and_nothing_else(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    edited = dataclasses.replace(
        loaded, inference=replaced(loaded.inference, 0, requests_per_month=1_200_000.0))
    saved = save_edited(tmp_path, source, edited, "Small v2", "chat grows faster", NOW)
    removed, added = line_changes(source.read_text(), saved.path.read_text())
    assert removed == ['name = "Small"', "requests_per_month = 1_000_000"]
    assert added == ['name = "Small v2"', f'previous = "{previous_of(source)}"',
                     'reason = "chat grows faster"', "requests_per_month = 1_200_000"]
    assert load_scenario(saved.path).inference[0].requests_per_month == 1_200_000


def test_a_row_added_and_a_row_removed(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    ft2 = dataclasses.replace(loaded.training[0], name="ft2", gpu_hours_per_run=450.0)
    edited = dataclasses.replace(loaded, training=(*loaded.training, ft2), platform=())
    saved = save_edited(tmp_path, source, edited, "Small v2", "a second fine-tune; obs dropped",
                        NOW)
    removed, added = line_changes(source.read_text(), saved.path.read_text())
    assert removed == ['name = "Small"', "", "[[platform]]", 'name = "obs"',
                       'category = "observability"', "monthly_cost = 1000",
                       "monthly_growth = 0.5"]
    # ft2 goes right after ft, every key written (pricing included), a blank line between
    assert added == ['name = "Small v2"', f'previous = "{previous_of(source)}"',
                     'reason = "a second fine-tune; obs dropped"', "[[training]]",
                     'name = "ft2"', 'team = "support"', 'model = "model-a"', 'cloud = "aws"',
                     'gpu = "H100"', "gpu_hours_per_run = 450", "refreshes_per_quarter = 1",
                     'pricing = "on_demand"', ""]
    assert "\npricing = \"on_demand\"\n\n[[training]]\nname = \"ft2\"" in saved.path.read_text()
    assert saved.path.read_text().endswith('pricing = "reserved"\n')  # no blank line at the end
    version = load_scenario(saved.path)
    assert [t.name for t in version.training] == ["ft", "ft2"] and version.platform == ()
    assert version == dataclasses.replace(edited, name="Small v2", source=str(saved.path))


def test_a_dated_change_added(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    with_change = parse_scenario_bytes(
        SMALL.read_bytes() + b'\n[[changes]]\nmonth = "2028-01"\nworkload = "chat"\n'
        b"set = { input_tokens = 500 }\n", "changed.toml")
    edited = dataclasses.replace(loaded, changes=with_change.changes)
    saved = save_edited(tmp_path, source, edited, "Small v2", "prompts trimmed in January", NOW)
    removed, added = line_changes(source.read_text(), saved.path.read_text())
    assert removed == ['name = "Small"']
    assert added[3:] == ["", "[[changes]]", 'month = "2028-01"', 'workload = "chat"',
                         "set = {input_tokens = 500}"]
    version = load_scenario(saved.path)
    assert version.changes == with_change.changes
    assert dict(version.changes[0].resolved) == {"input_tokens": 500.0}


def test_drivers_ranges_and_changes_tables_are_made_when_missing(tmp_path):
    drivers = SMALL.read_text().index("[drivers]")
    bare = SMALL.read_text()[:drivers] + SMALL.read_text()[SMALL.read_text().index("[[gpu"):]
    source = tmp_path / "plan.toml"
    source.write_text(bare)
    loaded = load_scenario(source)
    edited = dataclasses.replace(loaded.with_drivers(gpu_price=1.5),
                                 ranges=(WrittenRange("gpu_price", (0.8, 1.2)),))
    saved = save_edited(tmp_path, source, edited, "Small v2", "GPUs dearer", NOW)
    _, added = line_changes(bare, saved.path.read_text())
    # 0.8 × 1.5 = 1.2 and 1.2 × 1.5 = 1.8: the range is written around the new expected value
    assert added[3:] == ["", "[drivers]", "gpu_price = 1.5", "", "[ranges]",
                         "gpu_price = [1.2, 1.8]"]
    assert load_scenario(saved.path).drivers.gpu_price == 1.5


def test_previous_is_the_source_file_and_the_sha256_of_its_bytes(tmp_path):
    source = copied(tmp_path)
    edited = load_scenario(source).with_drivers(token_price=0.5)
    saved = save_edited(tmp_path, source, edited, "Small v2", "cheaper tokens", NOW)
    digest = hashlib.sha256(SMALL.read_bytes()).hexdigest()
    assert load_scenario(saved.path).previous == f"plan.toml@{digest}"
    # saved again from the version: previous names the version, not the first file
    again = save_edited(tmp_path, saved.path, load_scenario(saved.path).with_drivers(
        token_price=0.4), "Small v3", "cheaper still", NOW)
    digest = hashlib.sha256(saved.path.read_bytes()).hexdigest()
    version = load_scenario(again.path)
    assert (version.previous, version.reason) == (f"small-v2.toml@{digest}", "cheaper still")
    assert again.path.read_text().count("previous = ") == 1


def test_an_unchanged_draft_writes_nothing(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    saved = save_edited(tmp_path, source, loaded, "Another name", "no change really", NOW)
    assert (saved.path, saved.created, saved.unchanged) == (source, False, True)
    # drivers moved and moved back, written 1 vs 1.0: still the same plan
    same_again = loaded.with_drivers(gpu_price=1.0, token_price=1)
    assert save_edited(tmp_path, source, same_again, "Small", "again", NOW).unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_a_double_save_writes_one_file(tmp_path):
    source = copied(tmp_path)
    edited = load_scenario(source).with_drivers(gpu_price=1.5)
    first = save_edited(tmp_path, source, edited, "Small v2", "GPUs dearer", NOW)
    again = save_edited(tmp_path, source, edited, "Small v2", "GPUs dearer", NOW)
    assert (first.created, again.created, again.unchanged) == (True, False, False)
    assert again.path == first.path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml", "small-v2.toml"]
    other = save_edited(tmp_path, source, edited, "Small v2", "another reason", NOW)
    assert other.path.name == "small-v2-2.toml"  # never over a file


def test_a_name_without_letters_names_the_file_from_the_source_and_date(tmp_path):
    source = copied(tmp_path)
    edited = load_scenario(source).with_drivers(gpu_price=1.5)
    saved = save_edited(tmp_path, source, edited, "★", "GPUs dearer", NOW)
    assert saved.path.name == "plan-20261201.toml"


def test_a_source_changed_on_disk_since_it_was_read_is_refused(tmp_path):
    source = copied(tmp_path)
    stamp = file_stamp(source)
    edited = load_scenario(source).with_drivers(gpu_price=1.5)
    source.write_bytes(SMALL.read_bytes() + b"\n# edited\n")
    os.utime(source, ns=(stamp[0] + 10**9, stamp[0] + 10**9))
    with pytest.raises(BudgetInputError, match=r"^plan.toml: changed on disk after the page read"):
        save_edited(tmp_path, source, edited, "Small v2", "GPUs dearer", NOW, stamp)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


@pytest.mark.parametrize(("name", "reason", "message"), [
    ("Small v2", "  ", 'field "reason": has no reason'),
    ("", "why", 'field "name": has no name'),
    ("Small\nv2", "why", "would not load"),
])
def test_a_version_without_a_name_or_reason_or_that_does_not_load_is_refused(
        tmp_path, name, reason, message):
    source = copied(tmp_path)
    edited = load_scenario(source).with_drivers(gpu_price=1.5)
    with pytest.raises(BudgetInputError, match=message):
        save_edited(tmp_path, source, edited, name, reason, NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_a_draft_the_loader_refuses_writes_nothing(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    edited = dataclasses.replace(loaded, inference=replaced(loaded.inference, 1, utilization=1.5))
    with pytest.raises(BudgetInputError, match=r'would not load: .*"utilization"'):
        save_edited(tmp_path, source, edited, "Small v2", "too busy", NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_save_version_keeps_the_comments_too(tmp_path):
    source = copied(tmp_path, SAMPLE, "fy27-plan.toml")
    adjusted = load_scenario(source).with_drivers(gpu_price=1.2)
    saved = save_version(tmp_path, adjusted, NOW, file_stamp(source), name="FY27 at 1.2",
                         reason="H100 capacity is tight")
    out = saved.path.read_text()
    assert comments(out) == comments(SAMPLE.read_text())
    removed, added = line_changes(SAMPLE.read_text(), out)
    # gpu_price 1.0 → 1.2, and its range moves with it: 0.8 × 1.2 = 0.96, 1.25 × 1.2 = 1.5
    assert removed == ['name = "FY27 plan"', "gpu_price = 1.0",
                       "gpu_price = [0.8, 1.25]           "
                       "# list-price cuts vs. tight H100 capacity"]
    assert added == ['name = "FY27 at 1.2"', f'previous = "{previous_of(source)}"',
                     'reason = "H100 capacity is tight"', "gpu_price = 1.2",
                     "gpu_price = [0.96, 1.5]           # list-price cuts vs. tight H100 capacity"]
    assert save_version(tmp_path, load_scenario(source), NOW, name="x", reason="y").unchanged


SMALL_ON_CATALOG = SMALL.read_text() + """
[[training]]
name = "rerank"
team = "search"
model = "reranker"
cloud = "gcp"
gpu = "A100"
gpu_hours_per_run = 100
refreshes_per_quarter = 3
"""


def test_an_edited_price_row_from_the_shipped_table_is_written_out(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_text(SMALL_ON_CATALOG)
    loaded = load_scenario(source)
    catalog = loaded.price("gcp", "A100")  # not in the file: from data/prices/gpu_prices.toml
    edited = dataclasses.replace(loaded, gpu_prices=(
        loaded.gpu_prices[0], dataclasses.replace(catalog, on_demand=2.5, source="our quote")))
    saved = save_edited(tmp_path, source, edited, "Small v2", "a quote for A100s", NOW)
    text = saved.path.read_text()
    # the new row follows aws/H100, every key it has written (the shipped spot and reserved)
    assert ('as_of = "2026-11"\n\n[[gpu_prices]]\ncloud = "gcp"\ngpu = "A100"\n'
            f"on_demand = 2.5\nspot = {catalog.spot}\nreserved = {catalog.reserved}\n"
            f'reserved_3y = {catalog.reserved_3y}\nsource = "our quote"\n'
            f'as_of = "{catalog.as_of}"\n\n[[inference]]\n') in text
    version = load_scenario(saved.path)
    assert version.price("gcp", "A100").on_demand == 2.5
    assert version == dataclasses.replace(edited, name="Small v2", source=str(saved.path))


def test_a_shipped_price_the_draft_keeps_after_its_workload_goes_is_written_out(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_text(SMALL_ON_CATALOG)
    loaded = load_scenario(source)
    # rerank goes; the draft still holds the gcp/A100 row it was priced with, so the file must
    edited = dataclasses.replace(loaded, training=loaded.training[:1])
    saved = save_edited(tmp_path, source, edited, "Small v2", "rerank cancelled", NOW)
    version = load_scenario(saved.path)
    assert [f"{p.cloud}/{p.gpu}" for p in version.gpu_prices] == ["aws/H100", "gcp/A100"]
    assert version.price("gcp", "A100") == loaded.price("gcp", "A100")
    assert 'name = "rerank"' not in saved.path.read_text()


def test_a_list_price_the_loader_would_change_is_written_out(tmp_path):
    no_prices = SMALL.read_text().replace('model = "model-a"\nenvironment', 'model = "gpt-4o-mini"'
                                          '\nenvironment').replace(
        "price_per_1m_input = 1.0\nprice_per_1m_output = 4.0\n", "")
    source = tmp_path / "plan.toml"
    source.write_text(no_prices)
    loaded = load_scenario(source)
    assert (loaded.inference[0].price_per_1m_input, loaded.inference[0].price_per_1m_output) == (
        0.15, 0.6)  # genai-prices' list price for gpt-4o-mini
    # the model changes but the draft keeps the old prices: written, or gpt-4o's 2.5/10 would load
    edited = dataclasses.replace(loaded, inference=replaced(loaded.inference, 0, model="gpt-4o"))
    saved = save_edited(tmp_path, source, edited, "Small v2", "bigger model, same price", NOW)
    _, added = line_changes(no_prices, saved.path.read_text())
    assert added[3:] == ['model = "gpt-4o"', "price_per_1m_input = 0.15",
                         "price_per_1m_output = 0.6"]
    assert load_scenario(saved.path).inference[0].price_per_1m_output == 0.6
    # a draft that only moves requests leaves the prices to genai-prices, as the file did
    more = dataclasses.replace(loaded, inference=replaced(loaded.inference, 0,
                                                          requests_per_month=2e6))
    again = save_edited(tmp_path, source, more, "Small v3", "more chats", NOW)
    assert "price_per_1m" not in again.path.read_text().split("[[inference]]")[1]


def test_a_nameless_experimentation_row_keeps_its_name_when_its_team_changes(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    edited = dataclasses.replace(loaded, experimentation=replaced(
        loaded.experimentation, 0, team="applied-ml"))
    saved = save_edited(tmp_path, source, edited, "Small v2", "research moved", NOW)
    version = load_scenario(saved.path)
    # written without a name it would now be "applied-ml-experimentation": the name is written
    assert (version.experimentation[0].name, version.experimentation[0].team) == (
        "research-experimentation", "applied-ml")


def test_a_file_with_a_byte_order_mark_and_windows_line_ends(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes().replace(b"\n", b"\r\n"))
    edited = load_scenario(source).with_drivers(gpu_price=1.5)
    saved = save_edited(tmp_path, source, edited, "Small v2", "GPUs dearer", NOW)
    assert b"gpu_price = 1.5" in saved.path.read_bytes()
    assert load_scenario(saved.path).drivers.gpu_price == 1.5
    digest = hashlib.sha256(source.read_bytes()).hexdigest()  # of the bytes, BOM included
    assert load_scenario(saved.path).previous == f"plan.toml@{digest}"


SAMPLE_LOADED = load_scenario(SAMPLE)
REMOVABLE = ("code-assist-staging", "observability", "vector-db", "ml-platform-oncall")


@st.composite
def sample_edits(draw: st.DrawFn) -> tuple[Scenario, set[str]]:
    """Return the sample with random edits, and the names of the rows it removed."""
    s = SAMPLE_LOADED
    if draw(st.booleans()):
        s = s.with_drivers(gpu_price=draw(st.sampled_from([0.8, 1.0, 1.25])),
                           inference_volume=draw(st.sampled_from([1.0, 1.5, 2.0])))
    growth = st.sampled_from([0.0, 0.01, 0.05, 1 / 30])
    for i in draw(st.sets(st.integers(0, len(s.inference) - 1))):
        s = dataclasses.replace(s, inference=replaced(
            s.inference, i, monthly_growth=draw(growth),
            requests_per_month=s.inference[i].requests_per_month * draw(st.sampled_from([1, 2]))))
    for i in draw(st.sets(st.integers(0, len(s.training) - 1))):
        s = dataclasses.replace(s, training=replaced(s.training, i, gpu_hours_per_run=draw(
            st.sampled_from([100.0, 6000.0, 12_345.5]))))
    removed = draw(st.sets(st.sampled_from(REMOVABLE)))
    s = dataclasses.replace(
        s, inference=tuple(w for w in s.inference if w.name not in removed),
        platform=tuple(p for p in s.platform if p.name not in removed))
    for n in range(draw(st.integers(0, 2))):
        s = dataclasses.replace(s, platform=(*s.platform, dataclasses.replace(
            s.platform[0], name=f"added-{n}", monthly_cost=draw(st.sampled_from([1.0, 2500.0])))))
    if draw(st.booleans()):
        changed = parse_scenario_bytes(SAMPLE.read_bytes() + (
            b'\n[[changes]]\nmonth = "2027-06"\nworkload = "search-answers"\n'
            b"set = { utilization = 0.6 }\n"), "changed.toml")
        s = dataclasses.replace(s, changes=changed.changes)
    return s, removed


@settings(max_examples=25, deadline=None)
@given(sample_edits())
def test_any_edit_of_the_sample_saves_what_the_draft_says_and_keeps_the_comments(tmp_path_factory,
                                                                                  drafted):
    edited, removed = drafted
    folder = tmp_path_factory.mktemp("save")
    source = folder / "fy27-plan.toml"
    source.write_bytes(SAMPLE.read_bytes())
    saved = save_edited(folder, source, edited, "Edited", "a random edit", NOW)
    if saved.unchanged:
        assert edited == SAMPLE_LOADED and saved.path == source
        return
    version = load_scenario(saved.path)
    # ranges are written around the new expected value (0.8 × 0.8 = 0.64) and read back as
    # ratios to it (0.64 / 0.8 = 0.7999999999999999): equal to the last bit or so
    assert dataclasses.replace(version, ranges=()) == dataclasses.replace(
        edited, name="Edited", source=str(saved.path), ranges=())
    assert [(r.name, pytest.approx(r.relative, rel=1e-12)) for r in version.ranges] == [
        (r.name, r.relative) for r in edited.ranges]
    kept = [c for c in comments(SAMPLE.read_text())
            if not ("code-assist-staging" in removed and c == "# OpenAI list price, 2026-11")]
    assert comments(saved.path.read_text()) == kept


TWO_CHANGES = SMALL.read_text() + """
[[changes]]                  # prompts trimmed from January
month = "2028-01"
workload = "chat"
set = { input_tokens = 500 }

[[changes]]                  # the spot price drops from December
month = "2027-12"
gpu = "aws/H100"
set = { spot = 1.5 }
"""


def test_a_dated_change_removed_and_one_edited(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_text(TWO_CHANGES)
    loaded = load_scenario(source)
    spot = parse_scenario_bytes(TWO_CHANGES.replace("spot = 1.5", "spot = 1.25").encode(),
                                "x").changes[1]
    edited = dataclasses.replace(loaded, changes=(spot,))  # the first gone, the second at 1.25
    saved = save_edited(tmp_path, source, edited, "Small v2", "prompts stay; spot lower", NOW)
    version = load_scenario(saved.path)
    assert version.changes == (spot,) and dict(spot.resolved) == {"spot": 1.25}
    assert version == dataclasses.replace(edited, name="Small v2", source=str(saved.path))
    # changes are matched by month and target: the first goes with its comment, the second is
    # edited in place (its comment kept)
    removed, added = line_changes(TWO_CHANGES, saved.path.read_text())
    assert removed == ['name = "Small"', "[[changes]]                  # prompts trimmed from "
                       "January", 'month = "2028-01"', 'workload = "chat"',
                       "set = { input_tokens = 500 }", "", "set = { spot = 1.5 }"]
    assert added[3:] == ["set = { spot = 1.25 }"]
    assert "# the spot price drops from December" in saved.path.read_text()


@pytest.mark.parametrize("name", ['Plan "Q1" – café', "a\\b", "𝔽𝕐27 [draft] # not a comment"])
def test_names_with_quotes_and_symbols_are_written_as_typed(tmp_path, name):
    source = copied(tmp_path)
    edited = load_scenario(source).with_drivers(gpu_price=1.5)
    saved = save_edited(tmp_path, source, edited, name, 'why "now"', NOW)
    version = load_scenario(saved.path)
    assert (version.name, version.reason) == (name, 'why "now"')


def test_a_draft_the_file_cannot_say_is_refused_naming_where(tmp_path):
    source = copied(tmp_path)
    loaded = load_scenario(source)
    # a change whose resolved values disagree with what it sets: no text loads back as it
    made = parse_scenario_bytes(SMALL.read_bytes() + b'\n[[changes]]\nmonth = "2028-01"\n'
                                b'workload = "chat"\nset = { input_tokens = 500 }\n', "x")
    wrong = dataclasses.replace(made.changes[0], resolved=(("input_tokens", 400.0),))
    with pytest.raises(BudgetInputError, match=r"^the new version: would not say what the draft "
                       r"says \(\[\[changes\]\] row 1\)"):
        save_edited(tmp_path, source, dataclasses.replace(loaded, changes=(wrong,)), "Small v2",
                    "a bad draft", NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


# ---- save_edited: comments stay with the change they belong to ---------------------------

HEAD = 'name = "Small"\nstart = "2027-11"\nmonths = 3\ncurrency = "USD"\n'


def saved_text(tmp_path, text: str, edit, reason: str = "a change edited") -> tuple[str, str]:
    """Save `text` edited by `edit(data)` (on scenario_data); return (saved text, its header)."""
    source = tmp_path / "plan.toml"
    source.write_text(text)
    data = scenario_data(load_scenario(source))
    edit(data)
    saved = save_edited(tmp_path, source, parse_scenario(data, str(source)), "Small v2", reason,
                        NOW)
    version = load_scenario(saved.path)
    assert version == dataclasses.replace(parse_scenario(data, str(source)), name="Small v2",
                                          source=str(saved.path), previous=previous_of(source),
                                          reason=reason)
    head = ('name = "Small v2"\nstart = "2027-11"\nmonths = 3\ncurrency = "USD"\n'
            f'previous = "{previous_of(source)}"\nreason = "{reason}"\n')
    return saved.path.read_text(), head


SUB_TABLES = SMALL.read_text() + """
[[changes]]  # trim
month = "2028-01"
workload = "chat"
[changes.set]  # the set
input_tokens = 500

[[changes]]
month = "2027-12"
gpu = "aws/H100"
[changes.set]
spot = 1.5  # spot drop
"""


def test_a_change_set_in_a_sub_table_is_edited_key_by_key(tmp_path):
    def edit(data):
        data["changes"][0]["set"]["input_tokens"] = 400
        data["changes"][1]["set"]["on_demand"] = 3.5

    out, head = saved_text(tmp_path, SUB_TABLES, edit)
    # the [changes.set] headers, their comments and 'spot = 1.5  # spot drop' stay as typed;
    # 400 set in place, on_demand added at the end of its sub-table
    assert out == SUB_TABLES.replace(HEAD, head).replace(
        "input_tokens = 500\n", "input_tokens = 400\n").replace(
        "spot = 1.5  # spot drop\n", "spot = 1.5  # spot drop\non_demand = 3.5\n")
    assert out.endswith('[changes.set]  # the set\ninput_tokens = 400\n\n[[changes]]\n'
                        'month = "2027-12"\ngpu = "aws/H100"\n[changes.set]\n'
                        'spot = 1.5  # spot drop\non_demand = 3.5\n')


DOTTED_SET = SMALL.read_text() + """
[[changes]]  # trim
month = "2028-01"
workload = "chat"
set.input_tokens = 500  # from the prompt review
set.output_tokens = 400
"""


def test_a_change_set_in_dotted_keys_is_edited_key_by_key(tmp_path):
    def edit(data):
        data["changes"][0]["set"] = {"input_tokens": 450, "output_tokens": 400,
                                     "requests_per_month": 900_000}

    out, head = saved_text(tmp_path, DOTTED_SET, edit)
    assert out.endswith('[[changes]]  # trim\nmonth = "2028-01"\nworkload = "chat"\n'
                        "set.input_tokens = 450  # from the prompt review\n"
                        "set.output_tokens = 400\nset.requests_per_month = 900000\n")
    assert out.startswith(SMALL.read_text().replace(HEAD, head))


RENAMED = SMALL.read_text().replace(
    "requests_per_month = 1_000_000", "requests_per_month = 1_000_000  # the sales plan") + """
[[changes]]  # trim
month = "2028-01"
workload = "chat"
set = { input_tokens = 500 }  # shorter prompts
"""


def test_a_workload_renamed_keeps_its_row_and_its_change_with_their_comments(tmp_path):
    def edit(data):  # as the Edit page renames: the workload and the change that names it
        data["inference"][0]["name"] = "chat2"
        data["changes"][0]["workload"] = "chat2"

    out, head = saved_text(tmp_path, RENAMED, edit, "chat renamed")
    # only the two names change: the change is the same row with another target (its comments
    # kept), and so is the workload (1_000_000 and 0.10 stay as typed)
    removed, added = line_changes(RENAMED, out)
    assert removed == ['name = "Small"', 'name = "chat"', 'workload = "chat"']
    assert added == ['name = "Small v2"', f'previous = "{previous_of(tmp_path / "plan.toml")}"',
                     'reason = "chat renamed"', 'name = "chat2"', 'workload = "chat2"']
    assert out == RENAMED.replace(HEAD, head).replace('name = "chat"', 'name = "chat2"').replace(
        'workload = "chat"', 'workload = "chat2"')


TWO_OF_ONE_MONTH = SMALL.read_text() + """
[[changes]]  # trim
month = "2028-01"
workload = "chat"
set = { input_tokens = 500 }

[[changes]]  # second
month = "2028-01"
workload = "chat"
set = { output_tokens = 100 }  # out
"""


def test_the_first_of_two_changes_of_one_month_and_workload_deleted(tmp_path):
    out, head = saved_text(tmp_path, TWO_OF_ONE_MONTH, lambda data: data["changes"].pop(0))
    # the first row goes with its '# trim'; the second stays as written, its comments with it
    assert out == SMALL.read_text().replace(HEAD, head) + (
        '\n[[changes]]  # second\nmonth = "2028-01"\nworkload = "chat"\n'
        "set = { output_tokens = 100 }  # out\n")


def test_the_second_of_two_changes_of_one_month_and_workload_edited(tmp_path):
    def edit(data):
        data["changes"][1]["set"]["output_tokens"] = 150

    out, head = saved_text(tmp_path, TWO_OF_ONE_MONTH, edit)
    assert out == TWO_OF_ONE_MONTH.replace(HEAD, head).replace(
        "set = { output_tokens = 100 }  # out", "set = { output_tokens = 150 }  # out")


def test_a_windows_file_keeps_crlf_on_every_line_written(tmp_path):
    source = tmp_path / "plan.toml"
    crlf = SMALL.read_text().replace("\n", "\r\n").encode()
    source.write_bytes(b"\xef\xbb\xbf" + crlf)
    data = scenario_data(load_scenario(source))
    data["drivers"]["gpu_price"] = 1.5
    data["changes"] = [{"month": "2028-01", "workload": "chat", "set": {"input_tokens": 500}}]
    saved = save_edited(tmp_path, source, parse_scenario(data, str(source)), "Small v2",
                        "GPUs dearer", NOW)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()  # of the bytes, BOM included
    head = ('name = "Small v2"\nstart = "2027-11"\nmonths = 3\ncurrency = "USD"\n'
            f'previous = "plan.toml@{digest}"\nreason = "GPUs dearer"\n')
    expected = SMALL.read_text().replace(HEAD, head).replace(
        "gpu_price = 1.0", "gpu_price = 1.5") + (
        '\n[[changes]]\nmonth = "2028-01"\nworkload = "chat"\nset = {input_tokens = 500}\n')
    # the BOM is read past (as before); previous, reason, the edit and the new row: CRLF each
    assert saved.path.read_bytes() == expected.replace("\n", "\r\n").encode()
    assert load_scenario(saved.path).drivers.gpu_price == 1.5


def change(month: str, workload: str, **values: float) -> dict:
    return {"month": month, "workload": workload, "set": values}


def price(gpu: str, on_demand: float) -> dict:
    return {"cloud": "aws", "gpu": gpu, "on_demand": on_demand}


@pytest.mark.parametrize(("table", "old", "new", "shipped", "pairs"), [
    # a change whose only difference is its target (its workload renamed): the same row
    ("changes", [change("2028-01", "chat", input_tokens=500), change("2027-12", "ft", a=1)],
     [change("2028-01", "chat2", input_tokens=500), change("2027-12", "ft", a=1)], set(),
     [(0, 0), (1, 1)]),
    # two of one month and workload, the first deleted: the second is matched by what it says
    ("changes", [change("2028-01", "chat", a=1), change("2028-01", "chat", b=2)],
     [change("2028-01", "chat", b=2)], set(), [(1, 0)]),
    # 1_000 and 1000.0 say the same
    ("changes", [change("2028-01", "chat", a=1000), change("2028-01", "chat", b=2)],
     [change("2028-01", "chat", a=1000.0)], set(), [(0, 0)]),
    # the first deleted and the second edited: by month and target before position
    ("changes", [change("2028-01", "chat", a=1), change("2027-12", "ft", b=2)],
     [change("2027-12", "ft", b=3)], set(), [(1, 0)]),
    # a row added after the one kept is no edit of the one deleted before it
    ("platform", [{"name": "a"}, {"name": "b"}], [{"name": "b"}, {"name": "c"}], set(),
     [(1, 0)]),
    # a row of the shipped price table is never the file's row by position
    ("gpu_prices", [price("H100", 4.0)], [price("A100", 1.0)], {"aws/A100"}, []),
    ("gpu_prices", [price("H100", 4.0)], [price("H200", 5.0)], {"aws/A100"}, [(0, 0)]),
])
def test_matched_rows(table, old, new, shipped, pairs):
    assert matched_rows(table, old, new, shipped) == pairs
