#!/usr/bin/env python3
"""The dependency graph between the folders of Sources/QuantKit, and its cycles (Python 3, stdlib only).

    Tests/style/folder_graph.py [--dot] [ROOT]

Each folder directly under ROOT/Sources/QuantKit is a node; the files directly in
Sources/QuantKit form one more, "(root)". A folder *declares* the names its files declare at
file scope: `struct`, `class`, `enum`, `protocol`, `actor`, `typealias`, `func`, `let` and
`var` (members, including those an `extension X` adds, are not declarations of anything; the
extension itself is a use of X). A folder *uses* a name when an identifier of its code (outside
comments and string literals; interpolations are code) is that name, except:

- after a `.` (`x.count`, `.perChannel`: a member, not a file-scope name);
- directly before a `:` (an argument label, parameter or tuple label: `f(bits: 8)`);
- the name just declared (`func quantize`, `let scale`);
- a name the same file declares in an inner scope (a member, local `let`/`var`/`func`,
  parameter, closure parameter or loop variable): in Swift that declaration shadows the
  file-scope one wherever this file could have used it, so the use is taken to be local. This
  is per file, not per scope: a cheap approximation that errs towards fewer edges.

A used name that the using folder declares itself is local. One declared by exactly one other
folder is an edge A -> B. One declared by several other folders (overloads of a function across
folders) would need type checking to resolve, so it is listed as ambiguous and makes no edge.

Prints each edge with a few of its names (most used first), the ambiguous uses, then either a
topological order (every folder after the folders it uses; exit 0) or, when there are cycles
(exit 1), how many elementary cycles there are, the groups of folders that all depend on each
other, and the cycles with the names behind each of their edges. A tangled graph has thousands
of elementary cycles (3056 on the day this was written), too many to read, so by default it
prints, for every edge that lies on a cycle, the shortest cycle through it: each edge to
remove is shown once with the loop it closes. `--all-cycles` prints every elementary cycle.
`--dot` prints the graph as Graphviz dot instead (edges on cycles in red), with the same exit
status.
"""

import argparse
import collections
import os
import signal
import sys

sys.dont_write_bytecode = True  # keep Tests/style free of __pycache__
from swift_tokens import SwiftSyntaxError, tokenize  # noqa: E402 (after the line above)

FILE_SCOPE_KEYWORDS = {"struct", "class", "enum", "protocol", "actor", "typealias", "func", "let", "var"}
INNER_KEYWORDS = {"let", "var", "func", "struct", "class", "enum", "typealias", "case"}
EXAMPLES_PER_EDGE = 4
NAMES_PER_CYCLE_EDGE = 8
# Enumerating elementary cycles is exponential in the worst case; counting stops here.
CYCLE_COUNT_LIMIT = 100_000
ROOT_FOLDER = "(root)"


def folder_of(relative_path):
    parts = relative_path.split(os.sep)
    return parts[0] if len(parts) > 1 else ROOT_FOLDER


def significant(tokens, k, step):
    """The index of the first non-newline token from `k` in direction `step`, or None."""
    while 0 <= k < len(tokens) and tokens[k].kind == "newline":
        k += step
    return k if 0 <= k < len(tokens) else None


def bound_names(tokens, k):
    """(index, name) of each name the declaration keyword at `k` binds: the name after it, or
    each name of a tuple pattern (`let (q, r) = ...`)."""
    j = significant(tokens, k + 1, 1)
    if j is None:
        return []
    if tokens[j].kind == "ident":
        return [(j, tokens[j].text)]
    names, depth = [], 0
    while j < len(tokens):
        text = tokens[j].text
        depth += {"(": 1, ")": -1}.get(text, 0)
        if tokens[j].kind == "ident" and depth == 1 and tokens[j - 1].text in "(,":
            names.append((j, text))
        if depth == 0:
            break
        j += 1
    return names


def read_file(source):
    """(file-scope names, inner-scope names, used identifiers with counts) of one file."""
    tokens = tokenize(source)
    file_scope, inner, uses = set(), set(), collections.Counter()
    depth = 0  # braces
    declared_at = set()  # token indexes of names being declared
    signature_parens = None  # paren depth of a `func`/`init` parameter list being read
    parens = 0
    for k, token in enumerate(tokens):
        text = token.text
        if text == "{":
            depth += 1
            # A closure's parameters: `{ x, y in` or `{ (x, y) in`.
            j, names = k + 1, []
            while j < len(tokens) and tokens[j].kind != "newline" and tokens[j].text not in "{}":
                if tokens[j].text == "in":
                    inner.update(names)
                    break
                if tokens[j].kind == "ident":
                    names.append(tokens[j].text)
                elif tokens[j].text not in "(),_":
                    break
                j += 1
        elif text == "}":
            depth -= 1
        elif text in "([":
            parens += 1
        elif text in ")]":
            parens -= 1
            if signature_parens is not None and parens < signature_parens:
                signature_parens = None
        if token.kind != "ident":
            continue
        after_dot = k > 0 and tokens[k - 1].text == "."
        if after_dot:
            continue
        if text in ("func", "init", "subscript"):
            signature_parens = parens + 1
        if text in FILE_SCOPE_KEYWORDS and depth == 0:
            for index, name in bound_names(tokens, k):
                file_scope.add(name)
                declared_at.add(index)
        elif text in INNER_KEYWORDS or text == "for":
            inner.update(name for _, name in bound_names(tokens, k))
        elif signature_parens is not None and parens == signature_parens:
            nxt = significant(tokens, k + 1, 1)
            if nxt is not None and (tokens[nxt].text == ":" or tokens[nxt].kind == "ident"):
                inner.add(text)  # a parameter's label or name
        nxt = k + 1 < len(tokens) and tokens[k + 1]
        if k in declared_at or (nxt and nxt.text == ":"):
            continue
        uses[text] += 1
    return file_scope, inner, uses


def build_graph(quantkit):
    """(folders, edges {(a, b): Counter of names}, ambiguous [(folder, name, declaring folders)])."""
    declarers = collections.defaultdict(set)  # name -> folders declaring it at file scope
    files = []  # (folder, inner names, uses)
    folders = set()
    for folder_path, subfolders, names in os.walk(quantkit):
        subfolders.sort()
        for name in sorted(names):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(folder_path, name)
            folder = folder_of(os.path.relpath(path, quantkit))
            folders.add(folder)
            with open(path, encoding="utf-8") as file:
                try:
                    file_scope, inner, uses = read_file(file.read())
                except SwiftSyntaxError as error:
                    raise SwiftSyntaxError(f"{path}: {error}") from None
            for declared in file_scope:
                declarers[declared].add(folder)
            files.append((folder, inner, uses))
    edges = collections.defaultdict(collections.Counter)
    ambiguous = collections.defaultdict(set)
    for folder, inner, uses in files:
        for name, count in uses.items():
            owners = declarers.get(name, set())
            if not owners or folder in owners or name in inner:
                continue
            if len(owners) > 1:
                ambiguous[(folder, name)] |= owners
                continue
            edges[(folder, next(iter(owners)))][name] += count
    return sorted(folders), edges, sorted((folder, name, sorted(owners)) for (folder, name), owners in ambiguous.items())


def names_text(counter, limit):
    names = [name for name, _ in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]
    shown = ", ".join(names[:limit])
    return shown + (f", +{len(names) - limit} more" if len(names) > limit else "")


def topological_order(folders, edges):
    """Every folder after the folders it uses (ties alphabetical), or None if there is a cycle."""
    uses = {folder: {b for (a, b) in edges if a == folder} for folder in folders}
    order, placed = [], set()
    while len(order) < len(folders):
        ready = [folder for folder in folders if folder not in placed and uses[folder] <= placed]
        if not ready:
            return None
        order.append(ready[0])
        placed.add(ready[0])
    return order


def strongly_connected_groups(folders, edges):
    """The groups of two or more folders that all reach each other (each a set)."""
    successors = {folder: {b for (a, b) in edges if a == folder} for folder in folders}

    def reachable(start):
        seen, stack = set(), [start]
        while stack:
            for successor in successors[stack.pop()]:
                if successor not in seen:
                    seen.add(successor)
                    stack.append(successor)
        return seen

    reach = {folder: reachable(folder) for folder in folders}
    groups = []
    for folder in folders:
        group = {other for other in reach[folder] if folder in reach[other]}
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


def canonical(cycle):
    """The cycle rotated to start at its alphabetically first folder."""
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


def shortest_cycles(folders, edges):
    """For every edge on a cycle, the shortest cycle through it (breadth-first back from its
    head, neighbours in alphabetical order); each cycle once, shortest first."""
    successors = {folder: sorted(b for (a, b) in edges if a == folder) for folder in folders}
    cycles = set()
    for (a, b) in edges:
        previous, queue = {b: None}, [b]
        while queue and a not in previous:
            node = queue.pop(0)
            for successor in successors[node]:
                if successor not in previous:
                    previous[successor] = node
                    queue.append(successor)
        if a in previous:
            path, node = [], a
            while node is not None:
                path.append(node)
                node = previous[node]
            cycles.add(canonical(list(reversed(path))))
    return sorted((list(cycle) for cycle in cycles), key=lambda cycle: (len(cycle), cycle))


def elementary_cycles(folders, edges, limit=None):
    """Every elementary cycle (at most `limit`), each starting at its alphabetically first folder."""
    successors = {folder: sorted(b for (a, b) in edges if a == folder) for folder in folders}
    cycles = []
    for start in folders:
        # Only cycles whose smallest folder is `start`, so that each is found once.
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for successor in reversed(successors[node]):
                if successor == start:
                    cycles.append(path)
                    if limit is not None and len(cycles) >= limit:
                        return cycles
                elif successor > start and successor not in path:
                    stack.append((successor, path + [successor]))
    return sorted(cycles, key=lambda cycle: (len(cycle), cycle))


def print_dot(folders, edges, groups):
    in_group = {folder: index for index, group in enumerate(groups) for folder in group}
    print("digraph QuantKit {")
    print("    rankdir=BT;")
    print("    node [shape=box];")
    for folder in folders:
        print(f'    "{folder}";')
    for (a, b), names in sorted(edges.items()):
        on_cycle = a in in_group and in_group.get(b) == in_group[a]
        color = ", color=red, fontcolor=red" if on_cycle else ""
        print(f'    "{a}" -> "{b}" [label="{names_text(names, EXAMPLES_PER_EDGE)}"{color}];')
    print("}")


def print_cycle(cycle, edges):
    print(" -> ".join(cycle + [cycle[0]]))
    for i, a in enumerate(cycle):
        b = cycle[(i + 1) % len(cycle)]
        print(f"    {a} -> {b} (names: {names_text(edges[(a, b)], NAMES_PER_CYCLE_EDGE)})")


def print_report(folders, edges, ambiguous, groups, all_cycles):
    print("Edges (A -> B: code in A uses names declared in B):")
    for (a, b), names in sorted(edges.items()):
        print(f"{a} -> {b} (names: {names_text(names, EXAMPLES_PER_EDGE)})")
    if ambiguous:
        print("\nAmbiguous uses (declared at file scope in several other folders; no edge):")
        for folder, name, owners in ambiguous:
            print(f"{folder} uses {name}, declared in {', '.join(owners)}")
    if not groups:
        print("\nAcyclic. Topological order (each folder after the folders it uses):")
        print(", ".join(topological_order(folders, edges)))
        return
    count = len(elementary_cycles(folders, edges, CYCLE_COUNT_LIMIT))
    count_text = f"at least {count}" if count >= CYCLE_COUNT_LIMIT else str(count)
    print(f"\nNot acyclic: {count_text} elementary cycles, among these folders that all depend on each other:")
    for group in groups:
        print("    " + ", ".join(sorted(group)))
    if all_cycles:
        print("\nEvery elementary cycle:")
        cycles = elementary_cycles(folders, edges, CYCLE_COUNT_LIMIT)
    else:
        print("\nThe shortest cycle through each edge that lies on one (every cycle: --all-cycles):")
        cycles = shortest_cycles(folders, edges)
    for cycle in cycles:
        print_cycle(cycle, edges)


def main():
    parser = argparse.ArgumentParser(description="The folder dependency graph of Sources/QuantKit and its cycles.")
    parser.add_argument("--dot", action="store_true", help="print Graphviz dot instead of the report")
    parser.add_argument("--all-cycles", action="store_true",
                        help=f"print every elementary cycle (up to {CYCLE_COUNT_LIMIT}), not only the shortest through each edge")
    parser.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                        help="the package folder (default: this repository)")
    arguments = parser.parse_args()
    try:
        folders, edges, ambiguous = build_graph(os.path.join(os.path.normpath(arguments.root), "Sources", "QuantKit"))
    except SwiftSyntaxError as error:
        print(f"cannot read: {error}", file=sys.stderr)
        return 2
    groups = strongly_connected_groups(folders, edges)
    if arguments.dot:
        print_dot(folders, edges, groups)
    else:
        print_report(folders, edges, ambiguous, groups, arguments.all_cycles)
    return 1 if groups else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quietly stop when piped into head
    sys.exit(main())
