#!/usr/bin/env python3
"""Reports every Swift function whose body is longer than a limit (Python 3, stdlib only).

    Tests/style/long_functions.py [--limit N] [ROOT]

Scans every `.swift` file under ROOT/Sources (ROOT defaults to the package folder; the C kernels
under Sources/CKernels have none) and prints `path:line: name N lines` for each function,
initializer, deinitializer, subscript, computed property (or property with observers) and
closure-bodied property (`let table: [Int] = { ... }()`, `let grid = (0 ... 20).map { ... }`)
whose span is more than N lines (default 60), then exits 1 if it printed any, 0 otherwise.

The span counts from the line of the declaration's keyword (`func`, `init`, `var`, ...; not its
attributes or doc comment) to the line of the closing brace of its body, both included: a
one-line function is 1 line. Nested functions are reported on their own as well as inside their
parent. Properties are only looked at where they are members (file or type scope): a local
`let` inside a function belongs to that function. Protocol requirements have no body and are
skipped. Comments and string literals (multi-line, raw, interpolated) are skipped by
swift_tokens.py, so braces inside them never count.
"""

import argparse
import os
import signal
import sys

sys.dont_write_bytecode = True  # keep Tests/style free of __pycache__
from swift_tokens import SwiftSyntaxError, tokenize  # noqa: E402 (after the line above)

FUNCTION_KEYWORDS = {"func", "init", "deinit", "subscript"}
PROPERTY_KEYWORDS = {"var", "let"}
TYPE_KEYWORDS = {"struct", "class", "enum", "extension", "protocol", "actor"}
MODIFIERS = {
    "public", "private", "fileprivate", "internal", "package", "open", "static", "class", "final",
    "lazy", "override", "nonisolated", "weak", "unowned", "mutating", "nonmutating", "required",
    "convenience", "dynamic", "optional", "indirect", "consuming", "borrowing", "isolated",
}
# A property declaration goes on past a line break when its line ends in one of these or the next
# line starts with `.` (a wrapped initializer expression).
CONTINUATION_ENDINGS = set("=+-*/%&|^<>?:,([")


class Frame:
    """One `{ ... }` being read: what opened it and what is pending inside it."""

    def __init__(self, kind, declaration=None):
        self.kind = kind  # "file", "type", "protocol" or "code"
        self.declaration = declaration  # (name, line) of the function or property it is the body of
        self.depth = 0  # open ( and [ inside this frame
        self.pending = None  # (kind, name, line, depth): a declaration whose `{` is still to come


def starts_statement(tokens, k):
    """Whether everything before token `k` on its line is attributes and modifiers."""
    j = k - 1
    while j >= 0 and tokens[j].kind != "newline" and tokens[j].text not in ";{}":
        token = tokens[j]
        if token.text == ")":  # `@available(...)`, `private(set)`: skip the parentheses
            depth = 0
            while j >= 0:
                depth += {")": 1, "(": -1}.get(tokens[j].text, 0)
                if depth == 0:
                    break
                j -= 1
            j -= 1
            continue
        if token.text in MODIFIERS or token.text == "@" or (j > 0 and tokens[j - 1].text == "@"):
            j -= 1
            continue
        return False
    return True


def declared_name(tokens, k):
    """The name the declaration keyword at `k` introduces (an operator function's symbol too)."""
    keyword = tokens[k].text
    if keyword in ("init", "deinit", "subscript"):
        return keyword
    name = ""
    for token in tokens[k + 1:]:
        if token.kind == "ident" and not name:
            return token.text
        if token.kind != "punct" or token.text in "(<:=":
            break
        name += token.text
    return name or keyword


def next_significant(tokens, k):
    while k < len(tokens) and tokens[k].kind == "newline":
        k += 1
    return tokens[k] if k < len(tokens) else None


def function_spans(source):
    """(name, first line, last line) of every function-like body in one file's source."""
    tokens = tokenize(source)
    frames = [Frame("file")]
    spans = []
    for k, token in enumerate(tokens):
        frame = frames[-1]
        text = token.text
        after_dot = k > 0 and tokens[k - 1].text == "."
        if token.kind == "ident" and not after_dot:
            if text in TYPE_KEYWORDS and not (text == "class" and tokens[k + 1].text in MODIFIERS | FUNCTION_KEYWORDS | PROPERTY_KEYWORDS):
                frame.pending = ("protocol" if text == "protocol" else "type", text, token.line, frame.depth)
            elif text in FUNCTION_KEYWORDS and frame.kind != "protocol":
                frame.pending = ("code", declared_name(tokens, k), token.line, frame.depth)
            elif text in PROPERTY_KEYWORDS and frame.kind in ("file", "type") and starts_statement(tokens, k):
                frame.pending = ("property", declared_name(tokens, k), token.line, frame.depth)
        elif token.kind == "punct" and text in "([":
            frame.depth += 1
        elif token.kind == "punct" and text in ")]":
            frame.depth -= 1
        elif text == "{":
            pending = frame.pending
            if pending and pending[3] == frame.depth:
                frame.pending = None
                kind, name, line, _ = pending
                if kind in ("code", "property"):
                    frames.append(Frame("code", (name, line)))
                else:
                    frames.append(Frame(kind))
            else:
                frames.append(Frame("code"))
        elif text == "}":
            closed = frames.pop()
            if not frames:
                raise SwiftSyntaxError(f"line {token.line}: unbalanced '}}'")
            if closed.declaration:
                name, line = closed.declaration
                spans.append((name, line, token.line))
        elif text == ";" or token.kind == "newline":
            pending = frame.pending
            if pending and pending[0] == "property" and frame.depth == pending[3]:
                previous = tokens[k - 1] if k > 0 else None
                following = next_significant(tokens, k + 1)
                continues = (token.kind == "newline" and previous is not None and previous.text in CONTINUATION_ENDINGS) \
                    or (following is not None and following.text == ".")
                if text == ";" or not continues:
                    frame.pending = None
    if len(frames) != 1:
        raise SwiftSyntaxError("unbalanced '{' at end of file")
    return spans


def swift_files(sources):
    for folder, subfolders, files in os.walk(sources):
        subfolders[:] = sorted(name for name in subfolders if os.path.join(folder, name) != os.path.join(sources, "CKernels"))
        for name in sorted(files):
            if name.endswith(".swift"):
                yield os.path.join(folder, name)


def main():
    parser = argparse.ArgumentParser(description="Report Swift functions longer than a limit.")
    parser.add_argument("--limit", type=int, default=60, help="longest allowed span in lines (default 60)")
    parser.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                        help="the package folder (default: this repository)")
    arguments = parser.parse_args()
    root = os.path.normpath(arguments.root)
    found = 0
    for path in swift_files(os.path.join(root, "Sources")):
        relative = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as file:
            source = file.read()
        try:
            spans = function_spans(source)
        except SwiftSyntaxError as error:
            print(f"{relative}: cannot read: {error}", file=sys.stderr)
            return 2
        for name, first, last in sorted(spans, key=lambda span: span[1]):
            length = last - first + 1
            if length > arguments.limit:
                print(f"{relative}:{first}: {name} {length} lines")
                found += 1
    return 1 if found else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quietly stop when piped into head
    sys.exit(main())
