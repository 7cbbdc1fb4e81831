"""Hostile fixtures: the bundled scenarios and exports with every name and tag full of markup.

Built at test time from data/scenarios/*.toml and data/exports (so they follow the sample):
each name or tag value keeps its own text and gains one of PAYLOADS, the same value always the
same payload, so plans, tags and telemetry still join. Every payload holds MARKER.
"""

from __future__ import annotations

import json
import tomllib
import zlib
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

ROOT = Path(__file__).resolve().parents[3]
MARKER = "evil"
PAYLOADS = (
    "![p](http://evil.test/p.png)",
    "[Open the approved plan](https://evil.test/plan)",
    "https://evil.test/x",
    "www.evil.test",
    ":red[**ALERT: evil budget frozen**]",
    ":material/warning: evil :rotating_light: :streamlit:",
    r"$\href{https://evil.test}{x}$",
    "<img src=http://evil.test/h.png> ops@evil.test",
    "&lt;b&gt; `evil` ~~evil~~ | 1. evil",
)
# Exports only, on values no scenario names: a scenario name may not hold a line break or a
# bidi override (validation refuses them), a billing tag may.
TAG_ONLY = {"code-assist": "code-assist evil\n# evil heading",
            "triage-3.3": "triage-3.3 \u202eevil gnp.exe"}
SCENARIO_NAME = r"FY27 ![p](http://evil.test/p.png) :red[ALERT evil] $\href{https://evil.test}{x}$"
HOSTILE_FILE = "evil ![p](evil.test-f.png) :red[x] $y$"  # a scenario file's stem: no slashes
NAME_KEYS = {"name", "team", "model", "environment", "workload", "workload_forecast",
             "unit_workload", "owner", "unit_name"}
# Clouds and GPUs too, without a slash: the capacity plan keys a pool "cloud/gpu".
POOL_KEYS = {"cloud", "gpu", "secondary_cloud", "self_host_cloud", "self_host_gpu"}
POOL_PAYLOADS = tuple(p for p in PAYLOADS if "/" not in p)
PROSE_KEYS = {"rollback_plan", "cost_dashboard", "source"}
TAG_KEYS = ("team", "model", "endpoint", "environment", "deployment_id", "experiment")
TELEMETRY_COLUMNS = ("model", "endpoint", "team", "environment", "deployment_id")


def hostile(value: str, payloads: tuple[str, ...] = PAYLOADS) -> str:
    """Return value followed by its payload (the same value, the same payload)."""
    return f"{value} {payloads[zlib.crc32(value.encode()) % len(payloads)]}"


def hostile_tag(value: str) -> str:
    """Return the hostile form of a tag value: TAG_ONLY's for its values, else hostile()."""
    return TAG_ONLY.get(value) or hostile(value)


def _rename(data: Any, key: str = "") -> Any:
    if isinstance(data, dict):
        return {k: _rename(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [_rename(v, key) for v in data]
    if isinstance(data, str) and key in NAME_KEYS:
        return hostile(data)
    if isinstance(data, str) and key in POOL_KEYS:
        return hostile(data, POOL_PAYLOADS)
    if isinstance(data, str) and key in PROSE_KEYS:
        return f"{hostile(data)}\n# evil heading"  # free texts may hold a line break
    return data


def write_scenarios(folder: Path) -> Path:
    """Write the bundled scenarios with hostile names (and one hostile file name) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "data" / "scenarios").glob("*.toml")):
        data = _rename(tomllib.loads(path.read_text(encoding="utf-8")))
        if path.stem == "fy27-plan":
            data["scenario"]["name"] = SCENARIO_NAME
        (folder / path.name).write_text(tomli_w.dumps(data), encoding="utf-8")
    (folder / f"{HOSTILE_FILE}.toml").write_text((folder / "fy27-plan.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    return folder


def _tags(text: object) -> object:
    if not isinstance(text, str):
        return text
    tags = json.loads(text)
    return json.dumps({k: hostile_tag(v) if k in TAG_KEYS else v
                       for k, v in tags.items()})


def write_exports(folder: Path) -> Path:
    """Write the bundled exports with hostile tag values (and telemetry to match) into folder."""
    source = ROOT / "data" / "exports"
    for path in sorted(source.glob("*/*/*.parquet")):
        frame = pd.read_parquet(path)
        if "Tags" in frame.columns:
            frame["Tags"] = frame["Tags"].map(_tags)
        for column in TELEMETRY_COLUMNS:
            if column in frame.columns and "Tags" not in frame.columns:
                frame[column] = frame[column].map(hostile_tag)
        target = folder / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(target, index=False)
    return folder
