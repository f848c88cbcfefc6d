"""A small Swift tokenizer shared by the style checks in this folder (Python 3, stdlib only).

It knows just enough Swift to tell code from comments and string literals: `//` and nested
`/* */` comments; `"..."`, `\"\"\"...\"\"\"` and raw `#"..."#` literals, with `\\(...)` interpolations
(whose contents are code again, to any depth). Everything else is split into identifiers
(backticked ones unquoted), numbers and one-character punctuation, each with its 1-based line.
A string literal becomes one `string` token on the line where it starts; comments vanish.

Not handled, because no file here uses them: bare `/regex/` literals and `#if` branches that
leave braces unbalanced.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    kind: str  # "ident", "number", "string", "punct" or "newline"
    text: str
    line: int


class SwiftSyntaxError(Exception):
    pass


def _is_ident_start(c):
    return c.isalpha() or c == "_"


def _is_ident_char(c):
    return c.isalnum() or c == "_"


def tokenize(source):
    """The tokens of `source` (a whole file), newlines included as `newline` tokens."""
    tokens = []
    i, line, n = 0, 1, len(source)
    # Each open interpolation remembers the literal to return to and its own paren depth.
    interpolations = []  # [(hashes, multiline, paren_depth)]

    def scan_string(i, hashes, multiline):
        """Scans a literal's contents from `i`; returns where the code resumes and, if an
        interpolation opened, True (the caller then pushes the literal on `interpolations`)."""
        nonlocal line
        closing = ('"""' if multiline else '"') + "#" * hashes
        escape = "\\" + "#" * hashes
        while i < n:
            if source.startswith(closing, i):
                return i + len(closing), False
            if source.startswith(escape, i):
                j = i + len(escape)
                if j < n and source[j] == "(":
                    return j + 1, True
                if j < n and source[j] == "\n":
                    line += 1
                i = j + 1
                continue
            if source[i] == "\n":
                if not multiline:
                    raise SwiftSyntaxError(f"line {line}: unterminated string literal")
                line += 1
            i += 1
        raise SwiftSyntaxError(f"line {line}: unterminated string literal")

    def open_string(i, hashes):
        """`i` is at the opening quote(s) after `hashes` `#` characters."""
        multiline = source.startswith('"""', i)
        start = i + (3 if multiline else 1)
        tokens.append(Token("string", '"', line))
        end, interpolating = scan_string(start, hashes, multiline)
        if interpolating:
            interpolations.append([hashes, multiline, 1])
        return end

    while i < n:
        c = source[i]
        if c == "\n":
            tokens.append(Token("newline", "\n", line))
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif source.startswith("//", i):
            while i < n and source[i] != "\n":
                i += 1
        elif source.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if source.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif source.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += source[i] == "\n"
                    i += 1
        elif c == '"':
            i = open_string(i, 0)
        elif c == "#" and source[i:].lstrip("#").startswith('"'):
            hashes = len(source[i:]) - len(source[i:].lstrip("#"))
            i = open_string(i + hashes, hashes)
        elif c == "`":
            end = source.index("`", i + 1)
            tokens.append(Token("ident", source[i + 1:end], line))
            i = end + 1
        elif _is_ident_start(c) or (c == "$" and i + 1 < n and _is_ident_char(source[i + 1])):
            j = i + 1
            while j < n and _is_ident_char(source[j]):
                j += 1
            tokens.append(Token("ident", source[i:j], line))
            i = j
        elif c.isdigit():
            j = i + 1
            while j < n and (_is_ident_char(source[j]) or (source[j] == "." and j + 1 < n and source[j + 1].isdigit())):
                j += 1
            tokens.append(Token("number", source[i:j], line))
            i = j
        elif interpolations and c in "()":
            top = interpolations[-1]
            top[2] += 1 if c == "(" else -1
            if top[2] == 0:
                hashes, multiline, _ = interpolations.pop()
                i, interpolating = scan_string(i + 1, hashes, multiline)
                if interpolating:
                    interpolations.append([hashes, multiline, 1])
            else:
                tokens.append(Token("punct", c, line))
                i += 1
        else:
            tokens.append(Token("punct", c, line))
            i += 1
    if interpolations:
        raise SwiftSyntaxError("unterminated string interpolation at end of file")
    return tokens
