#!/usr/bin/env python
"""Fail when a Python file outside migrations and tests passes 500 lines, or a function 60.

Small rooms are easier to find one's way in (docs/architecture.md); CI runs this beside ruff.

    .venv/bin/python scripts/check_sizes.py          # exit 1 and a list when something is too big
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 60
SKIPPED_PARTS = {"migrations", "tests", ".venv", ".git", "node_modules"}


def python_files(root: Path):
    for path in sorted(root.rglob("*.py")):
        if not SKIPPED_PARTS.intersection(path.relative_to(root).parts):
            yield path


def problems_in(path: Path, root: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root)
    found = []
    lines = len(text.splitlines())
    if lines > MAX_FILE_LINES:
        found.append(f"{name}: {lines} lines (at most {MAX_FILE_LINES})")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # From the def (decorators excluded) to its last line, docstring included.
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{name}:{node.lineno}: function {node.name} has {length} lines (at most {MAX_FUNCTION_LINES})"
                )
    return found


def main(root: Path = ROOT) -> int:
    problems = [problem for path in python_files(root) for problem in problems_in(path, root)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
