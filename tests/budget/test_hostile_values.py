"""Hostile values in every scenario field and every CLI flag (Hypothesis): never a traceback.

Each run must end one of two ways: exit 0 with finite figures in the JSON, or exit 2 with
exactly one line on stderr. Anything else (an exception, another exit code, NaN or infinity in
the output, a second line) fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.cli import main
from budget.cli_scenario import MAX_COPIES
from budget.inputs import INPUT_NAMES
from budget.params import parse_whole
from budget.schema import TABLES, Key, Table
from tests.conftest import ROOT, SMALL

MONTH_BILLING = ROOT / "data" / "exports" / "billing" / "month=2026-03"
FAST = settings(max_examples=8, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# ---- values -------------------------------------------------------------------------------------

SNIPPETS = ("**bold**", "[x](https://example.com)", "$\\href{https://x.io}{x}$", ":red[x]",
            ":material/home:", "<script>alert(1)</script>", "\u202eevil", "a\u2066b\u2069",
            "zero\u200bwidth", "line\nbreak", "tab\tbed", "nul\x00", "bell\x07", "café",
            "cafe\u0301", "ＣＨＡＴ", "chat ", " chat", "Chat", "n" * 201, "n" * 100_000,
            "٣", "１.５", "1_5", "nan", "inf", "-inf", "1e999", "0x10", "", " ")
NUMBERS = (5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e-9, 9.99e-10, -0.0, 0.0,
           1e308, -1e308, math.nan, math.inf, -math.inf, 10**400, -(10**400), 10**4000,
           2**63, 2**53 + 1)

hostile_text = st.one_of(st.sampled_from(SNIPPETS),
                         st.text(st.characters(exclude_categories=["Cs"]), max_size=30))
hostile_number = st.one_of(st.sampled_from(NUMBERS), st.floats(),
                           st.integers(-(10**30), 10**30))
hostile_value = st.one_of(
    hostile_number, hostile_text, st.booleans(),
    st.sampled_from([date(2027, 1, 1), datetime(2027, 1, 1, 9, 30), time(9, 30)]),
    st.lists(hostile_number, max_size=3), st.just({"nested": 1}))


def edges(key: Key) -> st.SearchStrategy[Any]:
    """Return the key's own edges and their neighbours (where a writer and a reader can differ)."""
    points: list[float] = [b for b in (key.low, key.high) if b is not None]
    near = [math.nextafter(p, d) for p in points for d in (-math.inf, math.inf)]
    return st.sampled_from([*points, *near] or [0.0])


def value_for(key: Key) -> st.SearchStrategy[Any]:
    """Return hostile values for one key (pairs get hostile pairs too)."""
    if key.kind == "pair":
        return st.one_of(hostile_value, st.lists(st.one_of(hostile_number, edges(key)),
                                                 min_size=2, max_size=2))
    return st.one_of(hostile_value, edges(key))


# ---- scenario fields ----------------------------------------------------------------------------

MINIMAL_ROWS: dict[str, dict[str, Any]] = {  # a valid row for tables small.toml leaves out
    "narrative": {"unit_name": "answered ticket", "unit_workload": "chat"},
    "portability": {"workload": "batch-sum"},
    "capacity": {},
    "ranges": {},
    "budget": {"monthly": 1000},
    "guardrails": {"environment": "production", "monthly_budget": 1000,
                   "control": "approval_gate"},
    "projects": {"name": "Chat", "workload_forecast": "chat"},
    "changes": {"month": "2027-12", "workload": "chat", "set": {"requests_per_month": 900000}},
}
FIELDS = [(table, key) for table in TABLES for key in table.keys]


def _row(data: dict[str, Any], table: Table, key: Key) -> dict[str, Any]:
    """Return the row of `data` that `key` belongs in (the API or the self-hosted workload)."""
    if table.name not in data:
        data[table.name] = [dict(MINIMAL_ROWS[table.name])] if table.many else dict(
            MINIMAL_ROWS[table.name])
    rows = data[table.name]
    if not table.many:
        row: dict[str, Any] = rows
        return row
    return rows[1] if key.only_for == "self_hosted" else rows[0]


def run(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in this process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def numbers(data: Any) -> Iterator[float]:
    """Yield every number in decoded JSON."""
    if isinstance(data, bool):
        return
    if isinstance(data, int | float):
        yield float(data)
    elif isinstance(data, dict):
        for value in data.values():
            yield from numbers(value)
    elif isinstance(data, list):
        for value in data:
            yield from numbers(value)


def assert_clean(code: int, out: str, err: str, *, json_out: bool = True) -> None:
    """Exit 0 with finite JSON figures, or exit 2 with one line on stderr; nothing else."""
    assert "Traceback" not in err
    if code == 0:
        if json_out:
            data = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
            assert all(math.isfinite(n) for n in numbers(data))
        return
    assert code == 2, (code, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    assert "Fix: " in err, err


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


CAPACITY_KEYS = {"peak_factor", "stress_surge", "interruption_overhead", "min_gpus",
                 "self_host_cloud", "self_host_gpu", "self_host_output_tokens_per_gpu_second",
                 "self_host_utilization", "api_price_per_1m_input", "api_price_per_1m_output",
                 "pricing", "gpu_throughput", "utilization", "spot_overhead"}


@pytest.mark.parametrize(("table", "key"), FIELDS, ids=[f"{t.name}.{k.name}" for t, k in FIELDS])
@FAST
@given(data=st.data())
def test_every_scenario_field(folder, table, key, data):
    scenario = tomllib.loads(SMALL.read_text(encoding="utf-8"))
    value = data.draw(value_for(key), label=key.name)
    _row(scenario, table, key)[key.name] = value
    path = folder / f"{table.name}-{key.name}.toml"
    path.write_text(tomli_w.dumps(scenario), encoding="utf-8")
    assert_clean(*run(["forecast", str(path), "--format", "json"]))
    if key.name in CAPACITY_KEYS:
        assert_clean(*run(["capacity", str(path), "--format", "json"]))


# ---- CLI flags ----------------------------------------------------------------------------------

hostile_flag = st.one_of(hostile_text, hostile_number.map(repr), hostile_number.map(str),
                         st.sampled_from(["1", "0", "-1", "0.18", "200", "2026-08-01",
                                          "2026-W10", "8", "100", "1e3", "+1", " 1 "]))


@pytest.mark.parametrize("command", ["forecast", "sensitivity", "capacity"])
@FAST
@given(driver=st.one_of(st.sampled_from(INPUT_NAMES), hostile_text), value=hostile_flag)
def test_set_flags(command, driver, value):
    extra = ["--draws", "100", "--no-sobol"] if command == "sensitivity" else []
    assert_clean(*run([command, str(SMALL), f"--set={driver}={value}", *extra,
                       "--format", "json"]))


def _whole(text: str) -> int | None:
    try:
        return parse_whole(text)
    except ValueError:
        return None


FLAGS = [("sensitivity", "--draws"), ("sensitivity", "--seed"), ("alerts", "--threshold"),
         ("alerts", "--floor-usd"), ("alerts", "--since"), ("digest", "--week"),
         ("calibrate", "--weeks"), ("ingest", "--tag-map"), ("sample-data", "--copies")]
# Flags that take any text run the whole command for most values: fewer examples.
TEXT_FLAGS = [("chargeback", "--shared-team"), ("calibrate", "--name")]


def flag_test(flags: list[tuple[str, str]], values: st.SearchStrategy[str],
              examples: int) -> Any:
    """Return a test running each (command, flag) with `examples` drawn values."""

    @pytest.mark.parametrize(("command", "flag"), flags)
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(value=values)
    def test(folder: Path, command: str, flag: str, value: str) -> None:
        flag_run(folder, command, flag, value)

    return test


test_other_flags = flag_test(FLAGS, hostile_flag, 15)
test_text_flags = flag_test(TEXT_FLAGS, hostile_text, 4)


def flag_run(folder: Path, command: str, flag: str, value: str) -> None:
    """Run `command` on small inputs with `flag`=value and check how it ends."""
    target = {"sensitivity": [str(SMALL), "--no-sobol"], "alerts": [str(MONTH_BILLING)],
              "digest": [str(MONTH_BILLING)], "ingest": [str(MONTH_BILLING)],
              "chargeback": [str(MONTH_BILLING), "--method", "even"],
              "calibrate": [str(MONTH_BILLING), "--out", str(folder / "out.toml"), "--force"],
              "sample-data": ["--out", str(folder / "never")]}[command]
    if command == "sample-data" and _whole(value) in range(1, MAX_COPIES + 1):
        return  # a valid count writes megabytes of Parquet: not what this test is about
    json_out = command not in ("digest", "calibrate", "sample-data")
    fmt = ["--format", "json"] if json_out else []
    if command == "sensitivity":
        fmt += ["--draws", "100"] if flag == "--seed" else []
    assert_clean(*run([command, *target, f"{flag}={value}", *fmt]), json_out=json_out)
    assert not list(folder.glob(".*.tmp"))  # no half-written --out
