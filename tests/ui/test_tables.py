"""Tests for ui.tables: columns named for people on screen, keys kept in the CSV."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.tables import header, labelled


@pytest.mark.parametrize(("key", "shown"), [
    ("gpus_to_provision", "GPUs to provision"),
    ("mean_wait_in_service_times", "Mean wait (× service time)"),
    ("s1", "First-order S1 (share of variance)"),
    ("st", "Total ST (share of variance)"),
    ("saving_vs_on_demand_usd", "Saving vs on demand (USD)"),
    ("cost_usd", "Cost (USD)"),
    ("gpu_hours", "GPU hours"),
    ("p10", "P10"),
    ("headroom", "Headroom"),
    ("2027-01", "2027-01"),  # a name from the data stays as it is
    ("support-chat", "support-chat"),
    ("aws/H100", "aws/H100"),  # a pool
    ("Platform Team", "Platform Team"), ("TeamA", "TeamA"),  # names someone wrote
])
def test_header(key, shown):
    assert header(key) == shown


def test_labelled_keeps_what_the_page_set_and_names_the_rest():
    frame = pd.DataFrame({"pool": ["aws/H100"], "gpus_to_provision": [3], "cost_usd": [1.0],
                          "hidden": [0]})
    config = labelled(frame, {"cost_usd": {"type_config": {"format": "dollar"}},
                              "pool": "GPU pool", "hidden": None})
    assert config["pool"] == "GPU pool" and config["hidden"] is None
    assert config["gpus_to_provision"] == {"label": "GPUs to provision"}
    assert config["cost_usd"] == {"type_config": {"format": "dollar"}, "label": "Cost (USD)"}
    assert list(frame.columns) == ["pool", "gpus_to_provision", "cost_usd", "hidden"]  # CSV keys
