"""Source positions for the few nodes a scan reports, cheaply.

libcst's ``PositionProvider`` regenerates the whole module's code to count characters:
on a typical file it costs more than parsing. CPython's ``ast`` has the positions for
free, so we parse once more with ``ast`` (≈10× faster than libcst) and pair nodes of the
same kind in source order: the scanner's walker records libcst's ``Call``, ``Attribute``,
``With``, ``FunctionDef``, ``Assign``, ``AnnAssign``, ``Import`` and ``ImportFrom`` nodes in
source order, and the ``ast`` nodes of the matching kinds sorted by position are the same
sequence. The pairing is verified (counts per kind, callee / attribute / function names);
on any doubt — or when ``ast`` cannot parse what libcst could — we fall back to
``PositionProvider``. ``ast`` columns count UTF-8 bytes; they are converted to characters.

A range is ``(line, col, end_line, end_col)``: 1-based lines, 0-based character columns,
like libcst's ``CodeRange``.
"""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst

Range = tuple[int, int, int, int]

_AST_KIND = {
    ast.Call: "Call",
    ast.Attribute: "Attribute",
    ast.With: "With",
    ast.AsyncWith: "With",
    ast.FunctionDef: "FunctionDef",
    ast.AsyncFunctionDef: "FunctionDef",
    ast.Assign: "Assign",
    ast.AnnAssign: "AnnAssign",
    ast.Import: "Import",
    ast.ImportFrom: "ImportFrom",
}


def _cst_label(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Name):
            return func.value
        if isinstance(func, cst.Attribute):
            return func.attr.value
        return None
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.FunctionDef):
        return node.name.value
    return None


def _ast_label(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
        return None
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return node.name
    return None


class _Columns:
    """Byte offset → character offset, per line (only non-ASCII lines cost anything)."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)

    def char(self, line: int, byte_col: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))
        return byte_col


def ast_ranges(
    source: str, order: dict[str, list[cst.CSTNode]], wanted: set[int], functions: dict[int, tuple[int, int]]
) -> dict[int, Range] | None:
    """Ranges for the libcst nodes whose ``id`` is in ``wanted``; None when the pairing with
    ``ast`` cannot be trusted (the caller then uses ``PositionProvider``). For function
    definitions, ``functions[id]`` receives (first decorator line or 0, first body statement
    line after a docstring or 0)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    buckets: dict[str, list[ast.AST]] = {k: [] for k in order}
    for node in ast.walk(tree):
        kind = _AST_KIND.get(type(node))
        if kind is not None:
            buckets[kind].append(node)
    columns = _Columns(source)
    out: dict[int, Range] = {}
    for kind, cst_nodes in order.items():
        if not any(id(n) in wanted for n in cst_nodes):
            continue
        nodes = buckets[kind]
        if len(nodes) != len(cst_nodes):
            return None
        nodes.sort(key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)))
        for cnode, anode in zip(cst_nodes, nodes):
            if _cst_label(cnode) != _ast_label(anode):
                return None
            if id(cnode) in wanted:
                end_line = anode.end_lineno or anode.lineno
                out[id(cnode)] = (
                    anode.lineno,
                    columns.char(anode.lineno, anode.col_offset),
                    end_line,
                    columns.char(end_line, anode.end_col_offset or 0),
                )
                if isinstance(anode, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions[id(cnode)] = _function_info(anode)
    return out


def _function_info(node: Any) -> tuple[int, int]:
    """(first decorator line or 0, first body statement line after a docstring or 0)."""
    deco = node.decorator_list[0].lineno if node.decorator_list else 0
    body = node.body
    first = body[0] if body else None
    if (
        first is not None
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        first = body[1] if len(body) > 1 else None
    return deco, (first.lineno if first is not None else 0)


def provider_ranges(
    module: cst.Module, wanted_nodes: list[cst.CSTNode], functions: dict[int, tuple[int, int]]
) -> dict[int, Range]:
    """The slow, exact path: libcst's ``PositionProvider`` (same conventions as ``ast_ranges``;
    a function's range starts on its ``def`` line)."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    out: dict[int, Range] = {}
    for node in wanted_nodes:
        rng = positions.get(node)
        if rng is None:
            continue
        if isinstance(node, cst.FunctionDef):
            first = node.asynchronous if node.asynchronous is not None else node.name
            line = positions[first].start.line
            out[id(node)] = (line, 0, rng.end.line, rng.end.column)
            deco = positions[node.decorators[0]].start.line if node.decorators else 0
            body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
            stmts = list(body)
            if stmts and _is_docstring(stmts[0]):
                stmts = stmts[1:]
            functions[id(node)] = (deco, positions[stmts[0]].start.line if stmts else 0)
            continue
        out[id(node)] = (rng.start.line, rng.start.column, rng.end.line, rng.end.column)
    return out


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
