"""The package's shape: the front ends stand on generator.api alone, the API names what it
exports, core speaks of fields (never of command-line flags), and every file and function stays
small enough to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
FRONT_ENDS = [*PACKAGE.glob("cli/*.py"), *PACKAGE.glob("app/*.py"), *PACKAGE.glob("authoring/*.py")]
WINGS = ("generator.core", "generator.packets", "generator.phone", "generator.progress")
FLAG = re.compile(r"(?<![\w!-])--[a-z]")  # "--client", not "<!--" or "pair--heading"


def _imported(path: Path) -> set[str]:
    """Every module a file imports, relative imports made absolute."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            found.add(".".join(p for p in (base, node.module or "") if p))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_front_ends_import_nothing_from_core_or_the_wings(path):
    inner = [m for m in _imported(path) if m.startswith(WINGS)]
    assert inner == []


def test_the_api_and_the_package_root_name_what_they_export():
    for path in (*PACKAGE.glob("api/*.py"), PACKAGE / "__init__.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"_ALSO|_WHERE|import_module|def __getattr__", text), path.name


def test_the_api_imports_nothing_from_the_front_ends():
    front = ("generator.cli", "generator.app", "generator.authoring")
    imported = {m for path in PACKAGE.glob("api/*.py") for m in _imported(path)}
    assert [m for m in imported if m.startswith(front)] == []


def _messages(path: Path) -> list[str]:
    """The string constants of a file that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_core_holds_no_command_line_flag_text():
    found = {
        path.name: [text for text in _messages(path) if FLAG.search(text)]
        for path in sorted(PACKAGE.glob("core/*.py"))
    }
    assert {name: texts for name, texts in found.items() if texts} == {}


def test_no_file_is_over_450_lines():
    long = {
        path.relative_to(PACKAGE).as_posix(): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert long == {}


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    names = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    count = len(names) + bool(args.vararg) + bool(args.kwarg)
    return count - bool(names and names[0].arg in ("self", "cls"))


def _click_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "command"
        for d in node.decorator_list
    )


def test_no_function_outside_click_commands_takes_more_than_six_parameters():
    many = [
        f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno} {node.name}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _parameters(node) > 6
        and not _click_command(node)
    ]
    assert many == []
