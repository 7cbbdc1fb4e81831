"""Docs are tested: every scenario key is documented, every page input has help text."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from budget.inputs import SLIDERS
from budget.schema import TABLES
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")


def _section(table_header: str) -> str:
    start = DOC.index(f"## `{table_header}`")
    following = DOC.find("\n## ", start + 1)
    return DOC[start: following if following != -1 else len(DOC)]


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_every_key_documented(table):
    section = _section(f"[[{table.name}]]" if table.many else f"[{table.name}]")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))
    assert {k.name for k in table.keys} <= documented
    assert documented <= {k.name for k in table.keys}, "docs list a key the schema lacks"


def test_readme_quickstart_has_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 dev.py run" in readme
    assert "python3 dev.py test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py test" in ci


# --- README: the URL keys the app reads, and every CLI flag -----------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")
APP_SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")),
               *sorted((ROOT / "pages").glob("*.py"))]


def _readme_section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    following = README.find("\n## ", start + 1)
    return README[start: following if following != -1 else len(README)]


def _module_values(tree: ast.Module) -> dict[str, set[str]]:
    """Return each module-level name's string values: a constant, or a dict literal's values."""
    values: dict[str, set[str]] = {}
    for node in tree.body:
        target, value = (node.targets[0], node.value) if isinstance(node, ast.Assign) else (
            (node.target, node.value) if isinstance(node, ast.AnnAssign) else (None, None))
        if not isinstance(target, ast.Name) or value is None:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            values[target.id] = {value.value}
        elif isinstance(value, ast.Dict):
            values[target.id] = {v.value for v in value.values
                                 if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return values


def _names_in_scope(path: Path) -> dict[str, set[str]]:
    """Return the string values a name can hold in a module: its constants, the ui.* constants
    it imports, and loop variables over a dict's .items() (the value) or .values()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    values = _module_values(tree)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ui."):
            source = ROOT / "ui" / f"{node.module.removeprefix('ui.')}.py"
            imported = _module_values(ast.parse(source.read_text(encoding="utf-8")))
            for alias in node.names:
                if alias.name in imported:
                    values[alias.asname or alias.name] = imported[alias.name]
    for loop in ast.walk(tree):
        if (isinstance(loop, ast.For) and isinstance(loop.iter, ast.Call)
                and isinstance(loop.iter.func, ast.Attribute)
                and isinstance(loop.iter.func.value, ast.Name)
                and loop.iter.func.value.id in values):
            dict_values = values[loop.iter.func.value.id]
            if loop.iter.func.attr == "items" and isinstance(loop.target, ast.Tuple):
                second = loop.target.elts[1]
                if isinstance(second, ast.Name):
                    values[second.id] = dict_values
            elif loop.iter.func.attr == "values" and isinstance(loop.target, ast.Name):
                values[loop.target.id] = dict_values
    return values


def _url_keys_read(path: Path) -> set[str]:
    """Return the URL keys a source file binds (bind="query-params") or reads (st.query_params).

    A key written `….url_key` is a driver slider's, declared in budget.inputs.SLIDERS.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _names_in_scope(path)

    def resolve(expr: ast.expr, where: int) -> set[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.Attribute) and expr.attr == "url_key":
            return {slider.url_key for slider in SLIDERS.values()}
        if isinstance(expr, ast.Name) and expr.id in names:
            return names[expr.id]
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and (
                expr.value.id in names):
            return names[expr.value.id]
        raise AssertionError(f"{path.name}:{where}: cannot tell which URL key this is; declare "
                             "it as a module constant (or a dict of them)")

    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            kwargs = {k.arg: k.value for k in node.keywords}
            bind = kwargs.get("bind")
            if isinstance(bind, ast.Constant) and bind.value == "query-params":
                keys |= resolve(kwargs["key"], node.lineno)
        if isinstance(node, ast.Attribute) and node.attr == "query_params":
            parent = next(p for p in ast.walk(tree) if node in ast.iter_child_nodes(p))
            if isinstance(parent, ast.Subscript):
                keys |= resolve(parent.slice, parent.lineno)
            elif isinstance(parent, ast.Attribute) and parent.attr == "get":
                call = next(p for p in ast.walk(tree) if isinstance(p, ast.Call)
                            and p.func is parent)
                keys |= resolve(call.args[0], call.lineno)
            else:
                raise AssertionError(f"{path.name}:{node.lineno}: st.query_params used in a way "
                                     "this test cannot read (use .get(KEY) or [KEY])")
    return keys


def test_readme_url_keys_are_the_keys_the_app_reads():
    read = set().union(*(_url_keys_read(path) for path in APP_SOURCES))
    tour = _readme_section("A tour of the pages")
    table = tour[tour.index("These query keys are a public contract"):]
    documented = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)
    assert len(documented) == len(set(documented)), "a URL key is listed twice"
    # the sliders' five keys, the shared picker's and the Compare and Present pages' own
    assert {"scenario", "plan_volume", "plan_gpu_price", "cmp_old", "slide"} <= read
    assert sorted(read - set(documented)) == [], "URL keys the app reads but README omits"
    assert sorted(set(documented) - read) == [], "README lists URL keys the app does not read"


def _cli_commands() -> dict[str, set[str]]:
    """Return each sub-command's option flags (not --help), from the CLI's own parser."""
    from budget.cli_parser import parser

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {flag for action in command._actions for flag in action.option_strings
                   if flag.startswith("--") and flag != "--help"}
            for name, command in sub.choices.items()}


def _readme_cli_flags() -> dict[str, set[str]]:
    """Return the flags README's command-line section names for each `python -m budget CMD`."""
    section = _readme_section("Command line")
    starts = list(re.finditer(r"python -m budget ([a-z-]+)", section))
    flags: dict[str, set[str]] = {}
    for here, following in zip(starts, [*starts[1:], None], strict=True):
        text = section[here.start(): following.start() if following else len(section)]
        flags.setdefault(here.group(1), set()).update(re.findall(r"(?<![\w-])--[a-z][a-z-]*",
                                                                 text))
    return flags


def test_readme_names_every_cli_flag_and_only_real_ones():
    commands = _cli_commands()
    documented = _readme_cli_flags()
    assert len(commands) == 16 and {"--set", "--format"} <= commands["forecast"]
    assert sorted(set(commands) - set(documented)) == [], "commands README does not show"
    assert sorted(set(documented) - set(commands)) == [], "README shows commands that do not exist"
    missing = {name: sorted(flags - documented[name]) for name, flags in commands.items()
               if flags - documented[name]}
    assert missing == {}, "flags README's command-line section does not name"
    unknown = {name: sorted(flags - commands[name]) for name, flags in documented.items()
               if flags - commands[name]}
    assert unknown == {}, "flags README names that the command does not take"
