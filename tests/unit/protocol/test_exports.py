"""The curated surface of lifeline.protocol, and its independence from the rest of lifeline."""

from __future__ import annotations

import ast
from pathlib import Path

import lifeline.protocol

PACKAGE = Path(lifeline.protocol.__file__).parent


def test_all_is_sorted_and_resolvable() -> None:
    assert lifeline.protocol.__all__ == sorted(lifeline.protocol.__all__)
    for name in lifeline.protocol.__all__:
        assert hasattr(lifeline.protocol, name), name


def test_protocol_imports_nothing_else_from_lifeline() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lifeline"):
                assert node.module.startswith("lifeline.protocol"), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("lifeline") or alias.name.startswith("lifeline.protocol")
