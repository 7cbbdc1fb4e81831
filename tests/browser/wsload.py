"""Light load clients that speak Streamlit's websocket protocol, as the browser does.

Each client opens /_stcore/stream, asks for the planner page, finds the "Inference volume"
slider's widget id in the page's deltas, then moves it as a person would: a random walk one
step (0.05×) left or right at a time over 0.50×–2.00×, with a think time drawn around the mean
(people in a meeting neither move in lockstep nor at a metronome's pace). Each move is a
rerun_script message with the new widget state, timed until the server's script_finished.
Seeded per client, so a run is repeatable. No browser, so twenty of them fit on two cores
beside the server they load.
"""

from __future__ import annotations

import asyncio
import random
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.load import LoadResult

SLIDER_LABEL = "Inference volume"
METRIC_LABEL = "Horizon total"


def _rerun(page: str, widget_id: str | None = None, value: float | None = None,
           fragment_id: str = "") -> bytes:
    msg = BackMsg()
    state = msg.rerun_script
    state.page_name = page
    state.query_string = ""
    state.fragment_id = fragment_id  # the browser reruns only the slider's fragment
    if widget_id is not None and value is not None:
        widget = state.widget_states.widgets.add()
        widget.id = widget_id
        widget.double_array_value.data.append(value)
    return bytes(msg.SerializeToString())


async def _until_finished(ws, found: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Read messages until script_finished; note the slider id, metric text and problems."""
    problems: list[str] = []
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=60)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "slider" and element.slider.label == SLIDER_LABEL:
                found["slider"] = element.slider.id
                found["fragment"] = msg.delta.fragment_id
            elif which == "metric" and element.metric.label == METRIC_LABEL:
                found["metric"] = element.metric.body
            elif which == "exception":
                problems.append(element.exception.message)
            elif which == "alert" and element.alert.format == 1:  # ERROR
                problems.append(element.alert.body)
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the run restarted itself (st.rerun): wait for the run that ends
            return problems


STEP = 0.05
LOW, HIGH = 0.5, 2.0


def next_value(value: float, rng: random.Random) -> float:
    """Return the slider value one step left or right of `value`, kept within LOW–HIGH."""
    step = STEP if rng.random() < 0.5 else -STEP
    if not LOW <= value + step <= HIGH:
        step = -step
    return round(value + step, 2)


async def _client(url: str, seconds: float, think_s: float, result: LoadResult,
                  seed: int, lockstep: bool) -> None:
    import websockets

    rng = random.Random(seed)  # noqa: S311 - a repeatable walk, not a secret
    moves = 0
    try:
        async with websockets.connect(f"{url}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None, open_timeout=60) as ws:
            found: dict[str, str] = {}
            await ws.send(_rerun("planner"))
            result.problems += await _until_finished(ws, found)
            if "slider" not in found:
                result.problems.append("the planner sent no Inference volume slider")
                return
            until = time.monotonic() + seconds
            value = 1.0
            if not lockstep:  # people do not start together
                await asyncio.sleep(rng.uniform(0, think_s))
            while time.monotonic() < until:
                value = next_value(value, rng)
                before = found.get("metric")
                start = time.perf_counter()
                await ws.send(_rerun("planner", found["slider"], value,
                                     found.get("fragment", "")))
                result.problems += await _until_finished(ws, found)
                result.latencies.append(time.perf_counter() - start)
                if found.get("metric") == before:
                    result.problems.append("a move did not change the horizon total")
                moves += 1
                await asyncio.sleep(think_s if lockstep else rng.uniform(0.5, 1.5) * think_s)
    except Exception as exc:  # a dropped connection or a timeout is a finding
        result.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        result.moves.append(moves)


def run_ws_load(http_url: str, clients: int, seconds: float, think_s: float,
                lockstep: bool = False) -> LoadResult:
    """Run `clients` protocol clients against one server; return their rerun times.

    With `lockstep` every client starts at once and thinks exactly `think_s`: the worst case,
    everyone moving a slider in the same instant, again and again.
    """
    url = http_url.replace("http://", "ws://", 1)
    result = LoadResult()

    async def main() -> None:
        await asyncio.gather(*[_client(url, seconds, think_s, result, seed, lockstep)
                               for seed in range(clients)])

    asyncio.run(main())
    return result
