#!/usr/bin/env python3
"""Prints the dependency cycles between the top-level modules of each crate's src/, and
between the submodules of each top-level module directory.

A module depends on another when any of its files names `crate::OTHER` (in a `use` or a
path). The strongly connected components with more than one module are the cycles that the
layering (issue 13) must break; an empty answer means the modules form a DAG.

    python3 scripts/module-cycles.py [SRC_DIR...]   # default: every crate of the workspace

Between crates, cargo itself refuses a cycle; a path into another crate (`crate::model` naming
the core's re-exported module) names no module of this crate and is not an edge.
"""
import re
import sys
from pathlib import Path


def top_module(src: Path, path: Path) -> str:
    parts = path.relative_to(src).parts
    return parts[0].removesuffix(".rs")


def edges(src: Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in src.rglob("*.rs"):
        module = top_module(src, path)
        if module in ("lib", "main"):
            continue
        text = path.read_text()
        # Strip comments so a doc link does not count as a dependency.
        text = re.sub(r"//[^\n]*", "", text)
        targets = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text))
        # `use crate::{a, b::c}` names several.
        for group in re.findall(r"\bcrate::\{([^}]*)\}", text):
            targets |= set(re.findall(r"(?:^|[,\s{])([a-z_][a-z0-9_]*)(?=::|\s*[,}]|$)", group))
        graph.setdefault(module, set()).update(t for t in targets if t != module)
    return graph


def submodule_edges(top_dir: Path) -> dict[str, set[str]]:
    """The edges between the submodules of one top-level module directory."""
    graph: dict[str, set[str]] = {}
    for path in top_dir.rglob("*.rs"):
        parts = path.relative_to(top_dir).parts
        if parts == ("mod.rs",):
            continue
        module = parts[0].removesuffix(".rs")
        # How many `super::` reach the top module from this file.
        depth = len(parts) - (1 if parts[-1] == "mod.rs" else 0)
        text = re.sub(r"//[^\n]*", "", path.read_text())
        targets = set(re.findall(rf"\bcrate::{top_dir.name}::([a-z_][a-z0-9_]*)", text))
        up = "::".join(["super"] * depth)
        targets |= set(re.findall(rf"(?<![:\w]){up}::([a-z_][a-z0-9_]*)", text))
        for group in re.findall(rf"(?<![:\w]){up}::\{{([^}}]*)\}}", text):
            targets |= set(re.findall(r"(?:^|[,\s{])([a-z_][a-z0-9_]*)(?=::|\s*[,}]|$)", group))
        graph.setdefault(module, set()).update(t for t in targets if t != module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, larger than one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in graph:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    sources = [Path(arg) for arg in sys.argv[1:]] or [
        Path(p) for p in ("crates/core/src", "crates/adapters/src", "crates/ui/src", "src")
    ]
    any_cycle = False
    for src in sources:
        graph = edges(src)
        found = cycles(graph)
        for component in found:
            print(f"{src}: cycle of {len(component)} modules: {', '.join(component)}")
        if not found:
            print(f"no cycle among the {len(graph)} top-level modules of {src}")
        any_cycle |= bool(found)
        for top_dir in sorted(d for d in src.iterdir() if d.is_dir()):
            inner = cycles(submodule_edges(top_dir))
            for component in inner:
                print(f"{top_dir}: cycle of {len(component)} modules: {', '.join(component)}")
            any_cycle |= bool(inner)
    return 1 if any_cycle else 0


if __name__ == "__main__":
    sys.exit(main())
