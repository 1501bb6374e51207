"""Which build of the grading core is loaded: compiled ahead of time by mypyc, or pure Python.

setup.py compiles the modules in SOURCES with mypyc (about twice as fast a grade()); the .py
files stay the only source. `GRADER_PURE_PYTHON=1 pip install ...` builds pure Python on
purpose; a failed compilation fails the install instead. After a compiled build, setup.py
records each source's SHA-256 in STAMP beside the package, so a checkout whose .py files
changed since `pip install -e .` ran is told that it runs stale compiled code.

This module imports only the standard library: setup.py loads it before anything is
installed.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import json
import os
from pathlib import Path

# The grading core compiled by mypyc: pure functions over plain data, no Flask, database or
# queue (paths from the repository root).
SOURCES = (
    "grader/text/budget.py",
    "grader/text/dates.py",
    "grader/text/document.py",
    "grader/text/english.py",
    "grader/text/lexicon.py",
    "grader/text/punkt.py",
    "grader/text/scopes.py",
    "grader/text/sentences.py",
    "grader/text/tokens.py",
    "grader/text/wordcount.py",
    "grader/rubric/cues.py",
    "grader/analysis/claim_flags.py",
    "grader/analysis/coverage.py",
    "grader/analysis/facts.py",
    "grader/analysis/number_checks.py",
    "grader/analysis/order_checks.py",
    "grader/analysis/people.py",
    "grader/analysis/writing.py",
    "grader/report/build.py",
    "grader/report/feedback.py",
    "grader/report/model.py",
    "grader/report/scoring.py",
)
# mypyc puts the compiled code in one extension module, `grader__mypyc`, installed beside the
# grader package (it must sit at the top, or the modules' __file__ come out wrong); each
# module above becomes a small shim that loads it.
SHARED_LIB = "grader__mypyc"
# Set to 1 when installing to build the pure-Python package on purpose.
PURE_ENV = "GRADER_PURE_PYTHON"
# Written by setup.py after a compiled build: {"compiler": ..., "sources": {path: sha256}}.
STAMP = "_corebuild.json"

_PACKAGE = Path(__file__).resolve().parent


def module_name(source: str) -> str:
    """'grader/text/tokens.py' -> 'grader.text.tokens'."""
    return source.removesuffix(".py").replace("/", ".")


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of each source under `root` (the directory holding the grader package)."""
    return {s: hashlib.sha256((root / s).read_bytes()).hexdigest() for s in SOURCES}


def pure_requested() -> bool:
    """Whether GRADER_PURE_PYTHON asks for the pure-Python build."""
    return os.environ.get(PURE_ENV, "").strip() not in ("", "0")


def status() -> dict:
    """{"compiled": every core module is compiled, "compiler": what compiled them,
    "interpreted": core modules loaded from .py files, "stale": compiled modules whose .py
    changed since they were compiled}. Imports the core; hashes its sources (a few ms)."""
    interpreted = []
    compiled = []
    for source in SOURCES:
        name = module_name(source)
        module = importlib.import_module(name)
        if str(module.__file__).endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            compiled.append(source)
        else:
            interpreted.append(name)
    stamp_file = _PACKAGE / STAMP
    stamp = json.loads(stamp_file.read_text("utf-8")) if stamp_file.is_file() else {}
    recorded = stamp.get("sources", {})
    stale = []
    for source in compiled:
        path = _PACKAGE.parent / source
        if not path.is_file():  # installed without its .py: nothing to be stale against
            continue
        if recorded.get(source) != hashlib.sha256(path.read_bytes()).hexdigest():
            stale.append(module_name(source))
    return {"compiled": not interpreted, "compiler": stamp.get("compiler") if compiled else None,
            "interpreted": interpreted, "stale": stale}


def describe() -> str:
    """One line for `grader --version`."""
    st = status()
    if st["compiled"]:
        line = f"grading core: compiled ({st['compiler'] or 'mypyc'})"
    elif len(st["interpreted"]) == len(SOURCES):
        line = "grading core: pure Python"
    else:
        line = "grading core: partly compiled, interpreted: " + ", ".join(st["interpreted"])
    if st["stale"]:
        line += ("; STALE, changed since compiled: " + ", ".join(st["stale"])
                 + " (pip install -e . again)")
    return line
