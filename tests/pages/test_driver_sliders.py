"""The five driver sliders (AppTest): labels, ranges, steps, formats, help and URL keys, pinned."""

from __future__ import annotations

import pytest

from tests.conftest import SMALL
from tests.pages.apptest import open_page

# (URL key, label, help) exactly as the planner showed them before the drivers were declared once
SLIDERS = [
    ("plan_volume", "Inference volume",
     "Multiplies every inference workload's requests per month. 1.00× is the workloads as "
     "written; the file sets {file}."),
    ("plan_output_tokens", "Output length",
     "Multiplies every inference workload's output tokens per request. 1.00× is the workloads "
     "as written; the file sets {file}."),
    ("plan_refresh", "Model refresh frequency",
     "Multiplies every training workload's refreshes per quarter. 1.00× is the workloads as "
     "written; the file sets {file}."),
    ("plan_gpu_price", "GPU price",
     "Multiplies every GPU hourly price. 1.00× is the workloads as written; the file sets "
     "{file}."),
    ("plan_token_price", "API token price",
     "Multiplies every API token price. 1.00× is the workloads as written; the file sets "
     "{file}."),
]


def _open(monkeypatch, folder):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(folder))
    return open_page("planner")


def test_sliders_as_declared(monkeypatch):
    app = _open(monkeypatch, SMALL.parent)
    assert [s.key for s in app.slider] == [key for key, _, _ in SLIDERS]
    for slider, (key, label, help_text) in zip(app.slider, SLIDERS, strict=True):
        assert slider.label == label
        assert (slider.min, slider.max, slider.step, slider.value) == (0.0, 3.0, 0.05, 1.0)
        assert slider.proto.format == "%.2f×"
        assert slider.help == help_text.format(file="1.00×"), key


@pytest.mark.parametrize(("written", "top"), [(2.5, 3.0), (4.5, 4.5)])
def test_a_file_value_above_three_widens_its_slider(monkeypatch, tmp_path, written, top):
    text = SMALL.read_text(encoding="utf-8").replace("gpu_price = 1.0", f"gpu_price = {written}")
    (tmp_path / "small.toml").write_text(text, encoding="utf-8")
    app = _open(monkeypatch, tmp_path)
    slider = app.slider(key="plan_gpu_price")
    assert (slider.value, slider.max) == (written, top)
    assert slider.help.endswith(f"the file sets {written:.2f}×.")
    assert app.slider(key="plan_volume").max == 3.0  # the others keep 3
