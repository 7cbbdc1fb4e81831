"""Load: N concurrent browser sessions move planner sliders on one server for S seconds.

Each session waits `--think` seconds between moves, as a person in a meeting would. Prints rerun
(slider → number repainted) p50/p95, the client-only slider-label repaint in the same runs as
the baseline, problems seen, and the server's memory after warm-up and at the end. Target:
20 sessions, 60 s: no errors, p95 rerun ≤ 1 s, memory flat after warm-up. Loopback only,
bounded in sessions and time.

Protocol clients walk the slider through new values with think times drawn around the mean;
--lockstep makes them start together and think exactly --think seconds (the worst case:
everyone moving at the same instant, every time).

    python bench/load.py [--sessions 20] [--seconds 60] [--think 2] [--clients ws|browser]
                         [--lockstep]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import Server  # noqa: E402
from tests.browser.load import run_load  # noqa: E402
from tests.browser.wsload import run_ws_load  # noqa: E402


def main() -> int:
    """Run the load and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--clients", choices=("ws", "browser"), default="ws",
                        help="ws: clients speaking Streamlit's websocket protocol (light; "
                        "times the full rerun to script_finished); browser: Chromium pages "
                        "(heavy on 2 cores; times slider → number repainted)")
    parser.add_argument("--lockstep", action="store_true",
                        help="ws clients start together and think exactly --think seconds")
    args = parser.parse_args()
    sessions = min(max(args.sessions, 1), 50)
    seconds = min(max(args.seconds, 5.0), 600.0)
    chromium = shutil.which("chromium")
    if args.clients == "browser" and not chromium:
        print("needs Debian's chromium (apt-get install chromium)")
        return 1
    server = Server()
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample_memory() -> None:
        start = time.monotonic()
        while not done.wait(2.0):
            samples.append((time.monotonic() - start, server.rss_mb()))

    sampler = threading.Thread(target=sample_memory, daemon=True)
    try:
        idle = server.rss_mb()
        sampler.start()
        if args.clients == "ws":
            result = run_ws_load(server.url, sessions, seconds, args.think, args.lockstep)
        else:
            result = run_load(str(chromium), server.url, sessions=sessions, seconds=seconds,
                              think_s=args.think)
    finally:
        done.set()
        server.close()
    # warm-up: the first third of the run (page loads included: twenty browsers take a while)
    end = samples[-1][0] if samples else 0.0
    warm = [m for t, m in samples if t >= end / 3]
    pace = "in lockstep" if args.lockstep and args.clients == "ws" else "staggered"
    print(f"{sessions} sessions × {seconds:.0f} s, {args.think:g} s think time ({pace}): "
          f"{len(result.latencies)} reruns ({len(result.latencies) / seconds:.0f} a second: "
          f"with --think near 0 this is one process's ceiling), moves per session "
          f"{min(result.moves)}–{max(result.moves)}")
    what = ("fragment rerun, request → script_finished" if args.clients == "ws"
            else "slider → number repainted")
    print(f"{args.clients} clients, rerun ({what}): p50 {result.percentile(50):.0f} ms, p95 "
          f"{result.percentile(95):.0f} ms (target p95 ≤ 1,000 ms)")
    if result.thumb:
        print(f"client-only slider label p50 {result.percentile(50, thumb=True):.0f} ms")
    if warm:
        print(f"server memory: idle {idle:.0f} MB, after warm-up {warm[0]:.0f} MB, end "
              f"{warm[-1]:.0f} MB, peak {max(m for _, m in samples):.0f} MB "
              f"(growth after warm-up {warm[-1] / warm[0] - 1:+.0%})")
    print(f"problems: {result.problems or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
