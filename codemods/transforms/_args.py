"""Adding a keyword argument to a call without disturbing its layout."""

from __future__ import annotations

import libcst as cst


def _layout_whitespace(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """The whitespace the call uses between arguments: a newline + indent for calls laid
    out one argument per line, else one space. Comments are never copied."""
    candidates = [call.whitespace_before_args]
    if call.args and isinstance(call.args[0].comma, cst.Comma):
        candidates.append(call.args[0].comma.whitespace_after)
    for ws in candidates:
        if isinstance(ws, cst.ParenthesizedWhitespace):
            return cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(),
                empty_lines=(),
                indent=ws.indent,
                last_line=ws.last_line,
            )
    return cst.SimpleWhitespace(" ")


def keyword_arg(keyword: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(keyword),
        value=value,
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def has_keyword(call: cst.Call, keyword: str) -> bool:
    return any(isinstance(a.keyword, cst.Name) and a.keyword.value == keyword for a in call.args)


def add_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """``f(a, b=1)`` → ``f(a, <keyword>=<value>, b=1)``: after the positional arguments,
    before the keyword ones, in the call's own layout."""
    new = keyword_arg(keyword, value)
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    index = 0
    while index < len(args) and args[index].keyword is None and args[index].star in ("", "*"):
        index += 1
    sep = _layout_whitespace(call)
    if index == 0:
        args.insert(0, new.with_changes(comma=cst.Comma(whitespace_after=sep)))
        return call.with_changes(args=args)
    prev = args[index - 1]
    if isinstance(prev.comma, cst.Comma):
        args[index - 1] = prev.with_changes(comma=cst.Comma(whitespace_after=sep))
        args.insert(index, new.with_changes(comma=prev.comma))
    else:
        args[index - 1] = prev.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.insert(index, new)
    return call.with_changes(args=args)
