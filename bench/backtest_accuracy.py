"""Measure the forecasts' own accuracy on the bundled sample (#20's goals), and its cost in time.

Rolling origin over the sample's 12 full months (budget/backtest.py): both methods at 1, 2 and
3 months ahead, and the calibrated plan once more with every month an average month, so the
figure shows what calendar days are worth. The naive forecast (last full month carried forward)
is the baseline every MAPE is read against; the time of one calibrated backtest is shown against
one `calibrate` of the whole history, timed in the same run.

Goals: 1-month MAPE ≤ 3% and ≤ half the naive MAPE; 3-month MAPE ≤ 5%; P10–P90 coverage 0.7 to
0.9 for both methods. A missed goal is printed as missed, with its margin.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budget.backtest import Backtest, backtest  # noqa: E402
from budget.calibrate import calibration  # noqa: E402
from budget.exports import billing_rollup, open_exports, telemetry_rollup  # noqa: E402

SAMPLE = ROOT / "data" / "exports"


def _goals(result: Backtest) -> list[str]:
    """Return a line per goal: met or missed, by how much."""
    by = {s.months_ahead: s for s in result.horizons}
    one, three = by[1], by[3]
    checks = [("1-month MAPE ≤ 3%", one.mape, 0.03, one.mape <= 0.03),
              ("1-month MAPE ≤ half the naive", one.mape, one.naive_mape / 2,
               one.mape <= one.naive_mape / 2),
              ("3-month MAPE ≤ 5%", three.mape, 0.05, three.mape <= 0.05)]
    lines = [f"  {'met   ' if ok else 'MISSED'} {name}: {value:.2%} against {bound:.2%}"
             for name, value, bound, ok in checks]
    for s in result.horizons:
        ok = 0.7 <= s.interval_coverage <= 0.9
        lines.append(f"  {'met   ' if ok else 'MISSED'} {s.months_ahead}-month P10–P90 coverage "
                     f"0.7–0.9: {s.interval_coverage:.2f} ({s.origins} months)")
    return lines


def main() -> None:
    """Print each method's scores and goals, and the backtest's time against one calibrate."""
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    billing, telemetry = billing_rollup(exports), telemetry_rollup(exports)
    start = time.perf_counter()
    calibration(billing, telemetry)
    one_calibrate = time.perf_counter() - start
    runs = {}
    for label, method, calendar in (("calibrate (calendar days)", "calibrate", None),
                                    ("calibrate (average months)", "calibrate", "average"),
                                    ("reforecast (ETS)", "reforecast", None)):
        start = time.perf_counter()
        runs[label] = (backtest(billing, telemetry, (1, 2, 3), method, calendar=calendar),
                       time.perf_counter() - start)
    for label, (result, seconds) in runs.items():
        print(f"{label}: {seconds:.2f} s, {seconds / one_calibrate:.1f}× one calibrate "
              f"({one_calibrate:.2f} s)")
        print("  months ahead  origins   MAPE     bias  naive MAPE  in P10–P90")
        for s in result.horizons:
            print(f"  {s.months_ahead:>12}  {s.origins:>7}  {s.mape:>5.2%}  {s.bias:>+7.2%}  "
                  f"{s.naive_mape:>10.2%}  {s.interval_coverage:>10.2f}")
        print("\n".join(_goals(result)))
        print()
    days = runs["calibrate (calendar days)"][0].horizons[0].mape
    average = runs["calibrate (average months)"][0].horizons[0].mape
    print(f"calendar days: 1-month MAPE {average:.2%} → {days:.2%} ({days / average:.2f}×)")


if __name__ == "__main__":
    main()
