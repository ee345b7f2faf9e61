"""Tests of the bench scripts' own logic (``bench/`` is not a package: its files run as scripts)."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_module(name):
    """``bench/<name>.py`` loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
