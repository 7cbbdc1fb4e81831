"""One DuckDB scan over export files of any layout: statements built from allow-listed names only.

Files are grouped by layout (format, header, delimiter, tags type); each group is one
`read_parquet`/`read_csv` over its exact paths (bound parameters, glob characters escaped so a file
called `*.csv` is that file), renamed to FOCUS names and with tags as JSON text; the groups are
stacked by name. Folder keys are never read from paths by DuckDB: the ones that do not collide with
a column are joined on from a table we build, so `BilledCost=0/` can never change a cost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from budget.export_columns import FOCUS_COLUMNS, FileLayout

FILE_COLUMN = "__file"  # the source file of every row
NULL_STRINGS = ["NULL", ""]
TAGS_AS_JSON = {
    "map": 'to_json("Tags")::VARCHAR',
    "struct": 'to_json("Tags")::VARCHAR',
    "entries": 'to_json(map_from_entries("Tags"))::VARCHAR',
}
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_ ]+$")


def glob_literal(path: str) -> str:
    """Return a path DuckDB's glob matches only literally: `[`, `*` and `?` bracketed."""
    return re.sub(r"[\[*?]", lambda m: "[[]" if m.group() == "[" else f"[{m.group()}]", path)


def quoted(name: str, allowed: Sequence[str]) -> str:
    """Return a double-quoted identifier; refuse any name that is not allowed."""
    if name not in allowed or not _IDENTIFIER.match(name):
        raise ValueError(f"identifier {name!r} is not allow-listed")
    return f'"{name}"'


@dataclass(frozen=True)
class Scan:
    """A statement over export files and its bound parameters."""

    sql: str
    params: dict[str, object]


def _group_sql(index: int, group: Sequence[FileLayout],
               csv_types: Mapping[str, str]) -> tuple[str, dict[str, object]]:
    """Return one layout group's SELECT with its parameters."""
    first = group[0]
    files = [glob_literal(f.path) for f in group]
    params: dict[str, object] = {f"files_{index}": files}
    if first.format == "parquet":
        read = (f"read_parquet($files_{index}, hive_partitioning = false, "
                f"union_by_name = true, filename = '{FILE_COLUMN}')")
    else:
        written = dict((canonical, name) for name, canonical in first.renames)
        types = {written.get(c, c): t for c, t in csv_types.items()
                 if written.get(c, c) in first.columns}
        params |= {f"delim_{index}": first.delimiter, f"nulls_{index}": NULL_STRINGS,
                   f"compression_{index}": first.compression}
        typed = ""
        if types:
            params[f"types_{index}"] = types
            typed = f", types = $types_{index}"
        read = (f"read_csv($files_{index}, header = true, delim = $delim_{index}, "
                f"nullstr = $nulls_{index}, compression = $compression_{index}, "
                "hive_partitioning = false, "
                f"union_by_name = true, filename = '{FILE_COLUMN}'{typed})")
    renames = ", ".join(f"{quoted(name, first.columns)} AS {quoted(canonical, FOCUS_COLUMNS)}"
                        for name, canonical in first.renames)
    # Identifiers are allow-listed by quoted(); every value is a bound parameter.
    select = (f"SELECT * RENAME ({renames}) FROM {read}" if renames  # noqa: S608
              else f"SELECT * FROM {read}")  # noqa: S608
    tags = TAGS_AS_JSON.get(first.tags_type)
    if tags:
        select = f"SELECT * REPLACE ({tags} AS \"Tags\") FROM ({select})"  # noqa: S608
    return select, params


def scan(layouts: Sequence[FileLayout], csv_types: Mapping[str, str]) -> Scan:
    """Return one statement reading every file, each group in its own layout, stacked by name."""
    groups: dict[tuple[object, ...], list[FileLayout]] = {}
    for layout in layouts:
        groups.setdefault(layout.schema_key(), []).append(layout)
    parts: list[str] = []
    params: dict[str, object] = {}
    for index, group in enumerate(groups.values()):
        sql, group_params = _group_sql(index, group, csv_types)
        parts.append(sql)
        params |= group_params
    return Scan(" UNION ALL BY NAME ".join(f"({p})" for p in parts), params)
