"""Showback and chargeback: who spent what, and who pays for the shared platform, to the cent.

Money is summed exactly (Decimal) and rounded once, to integer cents: every split here hands out
whole cents whose sum is the rounded total, so no cent is created or lost. Amounts are in the rows'
one billing currency; the `_usd` names follow the house convention (the sample company bills USD).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from budget.dimensions import UNALLOCATED
from budget.errors import BudgetInputError
from budget.files import decode_toml, read_bounded
from budget.forecast import INFERENCE_CATEGORIES
from budget.periods import in_period
from budget.schema import name_key, same_name_note, show_value, text_problem

if TYPE_CHECKING:
    from budget.exports import Exports

METHODS = ("headcount", "usage", "revenue", "even")
WEIGHTED_METHODS = ("headcount", "revenue")  # the methods that read a weights file
COST_BASES = {"EffectiveCost": "effective_cost", "BilledCost": "billed_cost"}
SHARED_TEAMS = ("platform",)
SHOWBACK_PARTS = ("inference_usd", "training_usd", "experimentation_usd", "storage_usd",
                  "platform_usd")
SHOWBACK_COLUMNS = ("team", "gpu_hours", *SHOWBACK_PARTS, "total_usd")
CHARGEBACK_COLUMNS = ("team", "direct_usd", "shared_usd", "total_usd", "weight")
EXAMPLE_WEIGHTS = "data/allocation/weights.toml"
NOT_A_TEAM = frozenset({"unallocated", UNALLOCATED})  # names a weights file may not give a share
DEFAULT_WEIGHTS = Path(__file__).resolve().parent.parent / EXAMPLE_WEIGHTS  # the sample's
_PRECISION = 80  # digits: DECIMAL(38, 12) sums stay exact
MAX_WEIGHT = 1e15  # weights are relative: no file needs a larger one


@dataclass(frozen=True, eq=False)
class Chargeback:
    """Direct cost per team plus its share of the shared pool; unallocated kept on its own line."""

    method: str
    cost_basis: str
    currency: str
    shared_teams: tuple[str, ...]
    pool_usd: float
    table: pd.DataFrame  # CHARGEBACK_COLUMNS, one row per receiving team, sorted by team
    unallocated_usd: float
    total_usd: float  # = table["total_usd"] + unallocated_usd, to the cent
    teams_without_weight: tuple[str, ...] = ()  # teams with direct cost but no weight (got 0)

    @property
    def direct_usd(self) -> float:
        """Return the receiving teams' own (controllable) cost, summed."""
        return float(self.table["direct_usd"].sum())

    @property
    def teams_usd(self) -> float:
        """Return the team totals summed and rounded to the cent (total_usd less unallocated)."""
        return round(float(self.table["total_usd"].sum()) * 100) / 100


def exact_amount(value: float | Decimal) -> Decimal:
    """Return the decimal a float cost was printed from (repr round-trips DECIMAL(38,12) sums)."""
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def to_cents(amount: Decimal) -> int:
    """Round an exact amount to whole cents, half to even (as Python's round(amount, 2))."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def usd(cents: int) -> float:
    """Return whole cents as the float that prints as exactly those cents."""
    return float(Decimal(cents) / 100)


def largest_remainder(total_cents: int, weights: Mapping[str, float | Decimal],
                      source: str = "weights") -> dict[str, int]:
    """Split whole cents by weight (Hamilton); extra cents go to the largest remainders, by name.

    Each share is within one cent of its exact share `total_cents * w / sum(w)` and the shares
    sum to `total_cents` exactly (negative totals too). A weight of 0 gets 0. Negative, NaN or
    infinite weights, or all weights zero, raise BudgetInputError naming `source` and the team.
    """
    check_weights(weights, source)
    exact = {team: Fraction(weight) for team, weight in weights.items()}
    weight_sum = sum(exact.values(), Fraction(0))
    shares = {team: total_cents * weight / weight_sum for team, weight in exact.items()}
    return _hand_out(total_cents, shares)


def round_to_total(total_cents: int, amounts: Mapping[str, Decimal]) -> dict[str, int]:
    """Round exact amounts (any sign) to cents summing to `total_cents`, largest remainder first."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _hand_out(total_cents, {k: Fraction(v * 100) for k, v in amounts.items()})


def _hand_out(total_cents: int, shares: Mapping[str, Fraction]) -> dict[str, int]:
    """Floor exact cent shares, then give the missing cents to the largest remainders (by name)."""
    if not shares:
        return {}
    floors = {key: math.floor(share) for key, share in shares.items()}
    each, extra = divmod(total_cents - sum(floors.values()), len(shares))
    order = sorted(shares, key=lambda key: (floors[key] - shares[key], key))
    lucky = set(order[:extra])
    return {key: floors[key] + each + (key in lucky) for key in sorted(shares)}


def check_weights(weights: Mapping[str, Any], source: str, place: str = "") -> None:
    """Raise BudgetInputError unless every weight is a finite number ≥ 0 and one is above 0."""
    for team, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float | Decimal):
            raise BudgetInputError(source, f"is not a number ({weight!r})", place=place,
                                   field=str(team),
                                   fix="give each team a number, e.g. support = 40")
        if isinstance(weight, float | Decimal) and not math.isfinite(weight):
            raise BudgetInputError(source, f"is not a finite number ({weight})", place=place,
                                   field=str(team), fix="give each team a number ≥ 0")
        if weight < 0:
            raise BudgetInputError(source, f"is negative ({show_value(weight)})", place=place,
                                   field=str(team),
                                   fix="weights are ≥ 0; use 0 for a team that pays no shared "
                                   "cost")
    if not any(weights.values()):
        raise BudgetInputError(source, "every team's weight is zero, so there is nothing to "
                               "share the pool by", place=place,
                               fix="give at least one team a weight above 0")


def check_method(method: str) -> None:
    """Raise BudgetInputError unless `method` is one of METHODS."""
    if method not in METHODS:
        raise BudgetInputError("chargeback", f'unknown method "{method}"', field="method",
                               fix="choose one of " + ", ".join(METHODS))


def cost_column(cost_basis: str) -> str:
    """Return the rollup column for a FOCUS cost basis ("EffectiveCost" or "BilledCost")."""
    if cost_basis not in COST_BASES:
        raise BudgetInputError("chargeback", f'unknown cost basis "{cost_basis}"',
                               field="cost basis", fix="choose one of " + ", ".join(COST_BASES))
    return COST_BASES[cost_basis]


def one_currency(rows: pd.DataFrame, source: str) -> str:
    """Return the rows' one billing currency ("" for no rows); several raise BudgetInputError."""
    currencies = sorted(str(c) for c in rows["currency"].dropna().unique())
    if len(currencies) > 1:
        raise BudgetInputError(source, "holds costs in several currencies (" +
                               ", ".join(currencies) + "); a split needs one currency",
                               field="BillingCurrency",
                               fix="filter the rows to one currency, or convert them first")
    return currencies[0] if currencies else ""


def _teams(rows: pd.DataFrame) -> list[str]:
    return [str(t) for t in rows["team"].fillna(UNALLOCATED)]


def _exact_sums(keys: Iterable[Any], values: Iterable[Any], source: str) -> dict[Any, Decimal]:
    """Sum costs exactly per key; NaN counts as nothing (as SQL SUM skips NULL)."""
    sums: dict[Any, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        for key, value in zip(keys, values, strict=True):
            amount = exact_amount(value)
            if amount.is_nan():
                continue
            if not amount.is_finite():
                raise BudgetInputError(source, f"has an infinite cost for {key}",
                                       fix="export the period again")
            sums[key] = sums.get(key, Decimal(0)) + amount
    return sums


def _target_cents(exact_sum: Decimal, total: Decimal | None, currency: str, source: str) -> int:
    """Return the cents to hand out: the rows' rounded sum, or the given exact total's."""
    if total is None:
        return to_cents(exact_sum)
    if abs(exact_sum - total) > Decimal("0.01"):
        raise BudgetInputError(source, f"the rows add up to {exact_sum:.2f} {currency} but the "
                               f"exports' total is {total:.2f}",
                               fix="pass the unfiltered rollup of the same exports")
    return to_cents(total)


def _team_cents(rows: pd.DataFrame, measure: str, total: Decimal | None, source: str,
                currency: str) -> dict[str, int]:
    """Return each team's cost in whole cents, summing to the rounded total."""
    exact = _exact_sums(_teams(rows), rows[measure].tolist(), source)
    target = _target_cents(sum(exact.values(), Decimal(0)), total, currency, source)
    return round_to_total(target, exact)


def showback(rows: pd.DataFrame, measure: str = "effective_cost", *,
             total: Decimal | None = None, source: str = "billing rows") -> pd.DataFrame:
    """Return spend per team by kind of work; shared teams included, 'unallocated' last.

    Columns are SHOWBACK_COLUMNS: inference is realtime plus batch inference; storage is
    ServiceCategory "Storage" not already counted as inference, training or experimentation;
    platform is everything else. Cents are exact: each row's parts sum to its total and the
    totals sum to the rows' total (or `total`, the exports' exact sum) rounded to the cent.
    """
    if measure not in COST_BASES.values():
        raise BudgetInputError("showback", f'unknown cost measure "{measure}"', field="measure",
                               fix="choose one of " + ", ".join(COST_BASES.values()))
    team_cents = _team_cents(rows, measure, total, source, one_currency(rows, source))
    workload = rows["workload_class"].astype(str).to_numpy()
    storage = (rows["service_category"].astype(str) == "Storage").to_numpy()
    part = np.select([np.isin(workload, INFERENCE_CATEGORIES), workload == "training",
                      workload == "experimentation", storage], list(SHOWBACK_PARTS[:4]),
                     default="platform_usd")
    teams = _teams(rows)
    cells = _exact_sums(zip(teams, part.tolist(), strict=True), rows[measure].tolist(), source)
    hours = rows["gpu_hours"].fillna(0.0) if "gpu_hours" in rows else pd.Series(0.0, rows.index)
    gpu_hours = hours.groupby(pd.Series(teams, index=rows.index)).sum()
    team_cents.setdefault(UNALLOCATED, 0)
    order = [*sorted(t for t in team_cents if t != UNALLOCATED), UNALLOCATED]
    records = []
    for team in order:
        parts = round_to_total(team_cents[team],
                               {p: cells.get((team, p), Decimal(0)) for p in SHOWBACK_PARTS})
        records.append({"team": team, "gpu_hours": round(float(gpu_hours.get(team, 0.0)), 6),
                        **{p: usd(parts[p]) for p in SHOWBACK_PARTS},
                        "total_usd": usd(team_cents[team])})
    return pd.DataFrame(records, columns=list(SHOWBACK_COLUMNS))


def _receiver_weights(method: str, direct: Mapping[str, int],
                      weights: Mapping[str, float] | None, pool_cents: int,
                      weights_source: str, shared_teams: Sequence[str],
                      ) -> tuple[dict[str, float | Decimal], tuple[str, ...]]:
    """Return each receiving team's weight for `method` and the teams that had none."""
    if method == "even":
        return {team: 1.0 for team in direct}, ()
    if method == "usage":
        negative = sorted(t for t, cents in direct.items() if cents < 0)
        if pool_cents and negative:
            raise BudgetInputError(
                "chargeback", f"team {negative[0]} has a negative direct cost "
                f"({usd(direct[negative[0]]):.2f}), which cannot weight a usage share",
                field="method", fix="use headcount, revenue or even, or a period without net "
                "credits for that team")
        if pool_cents and direct and not any(direct.values()):
            raise BudgetInputError("chargeback", "no team has direct cost to weight a usage "
                                   "share by", field="method", fix="use headcount, revenue or "
                                   "even")
        return {team: Decimal(cents) / 100 for team, cents in direct.items()}, ()
    if weights is None:
        raise BudgetInputError("chargeback", f'method "{method}" needs per-team weights',
                               field="weights", fix=f"pass --weights FILE with a [{method}] "
                               f"table (see {EXAMPLE_WEIGHTS})")
    place = f"[{method}]"
    _check_teams(weights, weights_source, place)  # a file's or the page's table: same rules
    for team in weights:
        if team in shared_teams:
            raise BudgetInputError(weights_source, "cannot receive a share (it is a shared "
                                   "team: its cost is the pool)", place=place, field=team,
                                   fix="remove that line")
    check_weights(weights, weights_source, place)
    missing = tuple(sorted(t for t in direct if t not in weights))
    teams = sorted(set(direct) | set(weights))
    return {team: weights.get(team, 0.0) for team in teams}, missing


def chargeback(rows: pd.DataFrame, method: str, weights: Mapping[str, float] | None = None,
               cost_basis: str = "EffectiveCost", shared_teams: Sequence[str] = SHARED_TEAMS,
               *, total: Decimal | None = None, source: str = "billing rows",
               weights_source: str = "weights") -> Chargeback:
    """Charge each team its direct cost plus a cent-exact share of the shared teams' pool.

    Direct cost is each team's own tagged cost; the pool is the shared teams' cost; cost tagged
    'unallocated' stays on its own line, never shared. The pool is split by `method`:
    "headcount" and "revenue" by `weights` (from load_weights; teams with weights but no cost
    still appear; teams with cost but no weight get 0 and are listed in teams_without_weight);
    "usage" by each team's direct cost; "even" equally. Team totals plus unallocated equal the
    rows' total (or `total`, the exports' exact sum, see exports_total) rounded to the cent.
    `weights` is read only by the headcount and revenue methods.
    """
    check_method(method)
    measure = cost_column(cost_basis)
    if UNALLOCATED in shared_teams:
        raise BudgetInputError("chargeback", "unallocated cost cannot be a shared pool",
                               field="shared teams", fix="name tagged teams only")
    currency = one_currency(rows, source)
    cents = _team_cents(rows, measure, total, source, currency)
    pool_cents = sum(cents.get(team, 0) for team in shared_teams)
    unallocated_cents = cents.get(UNALLOCATED, 0)
    direct = {t: c for t, c in cents.items() if t != UNALLOCATED and t not in shared_teams}
    shares, missing = _receiver_weights(method, direct, weights, pool_cents, weights_source,
                                        shared_teams)
    if pool_cents and not shares:
        raise BudgetInputError("chargeback", f"there is a shared pool of {usd(pool_cents):.2f} "
                               f"{currency} but no team to charge it to", field="method",
                               fix="tag the teams' own costs, or give teams weights")
    split = (largest_remainder(pool_cents, shares, weights_source) if pool_cents
             else dict.fromkeys(shares, 0))
    table = pd.DataFrame(
        [{"team": team, "direct_usd": usd(direct.get(team, 0)), "shared_usd": usd(split[team]),
          "total_usd": usd(direct.get(team, 0) + split[team]), "weight": float(shares[team])}
         for team in sorted(shares)], columns=list(CHARGEBACK_COLUMNS))
    return Chargeback(method=method, cost_basis=cost_basis, currency=currency,
                      shared_teams=tuple(shared_teams), pool_usd=usd(pool_cents), table=table,
                      unallocated_usd=usd(unallocated_cents), total_usd=usd(sum(cents.values())),
                      teams_without_weight=missing)


def chargeback_json(result: Chargeback) -> dict[str, Any]:
    """Return the chargeback CLI's JSON: method, cost basis, pool, teams, unallocated."""
    return {
        "method": result.method,
        "cost_basis": result.cost_basis,
        "pool": result.pool_usd,
        "teams": [{"team": row["team"], "direct": row["direct_usd"],
                   "shared": row["shared_usd"], "total": row["total_usd"]}
                  for row in result.table.to_dict("records")],
        "unallocated": result.unallocated_usd,
    }


def exports_total(exports: Exports, cost_basis: str = "EffectiveCost") -> Decimal:
    """Return the exports' exact total of one cost basis (all currencies together)."""
    column = cost_column(cost_basis)
    from budget.exports import exact_totals  # DuckDB and Ibis only when exports are read

    totals = exact_totals(exports).values()
    return sum((t.billed if column == "billed_cost" else t.effective for t in totals), Decimal(0))


def load_weights(path: Path | str, method: str) -> dict[str, float]:
    """Read the `[method]` table of a weights TOML file: team = weight (≥ 0, any unit)."""
    label = str(path)
    raw = read_bounded(path, label, missing_fix=f"check the path; {EXAMPLE_WEIGHTS} is an example")
    return parse_weights_bytes(raw, label, method)


def parse_weights_bytes(raw: bytes, label: str, method: str) -> dict[str, float]:
    """Decode and parse weights TOML bytes; `label` names the file in errors."""
    check_method(method)
    if method not in WEIGHTED_METHODS:
        raise BudgetInputError(label, f'method "{method}" takes no weights file',
                               field="method", fix="leave out the weights file, or use "
                               + " or ".join(WEIGHTED_METHODS))
    data = decode_toml(raw, label)
    table = data.get(method)
    if not isinstance(table, dict):
        found = ", ".join(f"[{name}]" for name, v in data.items() if isinstance(v, dict))
        problem = (f"has no [{method}] table" if table is None
                   else f'"{method}" is not a table')
        raise BudgetInputError(label, problem + (f" (tables found: {found})" if found else ""),
                               fix=f"add a [{method}] table with one line per team, e.g. "
                               "support = 40")
    place = f"[{method}]"
    if not table:
        raise BudgetInputError(label, "has no teams", place=place,
                               fix="add one line per team, e.g. support = 40")
    _check_teams(table, label, place)
    check_weights(table, label, place)
    for team, weight in table.items():
        if weight > MAX_WEIGHT:
            raise BudgetInputError(label, f"is above {MAX_WEIGHT:,.0f} ({show_value(weight)})",
                                   place=place, field=team, fix="weights are relative: divide "
                                   "every team's weight by the same number")
    return {str(team): float(weight) for team, weight in table.items()}


def _check_teams(table: Mapping[str, Any], label: str, place: str) -> None:
    """Refuse team names that are unusable, not teams, or one team spelt twice."""
    seen: dict[str, str] = {}
    not_teams = {name_key(t) for t in NOT_A_TEAM}
    for team in table:
        problem = text_problem(team)
        if problem is not None:
            raise BudgetInputError(label, f"the team name {problem[0]}", place=place,
                                   field=team, fix=problem[1])
        if name_key(team) in not_teams:
            raise BudgetInputError(label, "cannot receive a share (unallocated cost is shown on "
                                   "its own line and never shared)", place=place,
                                   field=team, fix="remove that line")
        first = seen.setdefault(name_key(team), team)
        if first != team:
            raise BudgetInputError(label, f"a second line for one team: "
                                   f"{same_name_note(first, team)}", place=place, field=team,
                                   fix="keep one line per team, spelt as in the exports' tags")


def period_rows(billing: pd.DataFrame, currency: str, period: str) -> pd.DataFrame:
    """Return the billing rows in one currency and one period (a YYYY-MM month or ALL_DATES)."""
    return in_period(billing[billing["currency"] == currency], period)


def tagged_teams(rows: pd.DataFrame) -> list[str]:
    """Return the teams of the rows, sorted, without the unallocated line."""
    return sorted(str(t) for t in rows["team"].unique() if t != UNALLOCATED)


def editable_weights(method: str, teams: Sequence[str],
                     path: Path | str = DEFAULT_WEIGHTS) -> pd.DataFrame:
    """Return team and weight rows to edit: the weights file's values, 0 for teams it lacks.

    An unreadable or invalid file gives every team 0.
    """
    try:
        weights = load_weights(path, method)
    except BudgetInputError:
        weights = {}
    names = sorted(set(teams) | set(weights))
    return pd.DataFrame({"team": names, "weight": [float(weights.get(t, 0.0)) for t in names]})


def edited_weights(records: Iterable[Mapping[str, Any]],
                   shared_teams: Sequence[str]) -> dict[str, float]:
    """Return team = weight from edited rows, without blank teams, empty weights or shared teams."""
    return {str(r["team"]): float(r["weight"]) for r in records
            if str(r.get("team") or "").strip() and r.get("weight") is not None
            and str(r["team"]) not in shared_teams}
