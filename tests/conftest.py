"""Shared fixtures: the bundled rubric, the shared/ folder (read-only, may be absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import load_rubric

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "003_9a01c4c2d252de91.txt"
DEV_SET = SHARED / "eval" / "stalin_dev.jsonl"


def pytest_sessionstart(session):
    """Stop at once if the compiled grading core is older than its sources: every test would
    run the old compiled code, not the code in the checkout."""
    from grader import corebuild

    stale = corebuild.status()["stale"]
    if stale:
        pytest.exit(f"the compiled grading core is stale: {', '.join(stale)} changed since it "
                    "was compiled. Run `pip install -e .` again (about a minute), or install "
                    "with GRADER_PURE_PYTHON=1 to work on pure Python.", returncode=3)


@pytest.fixture(scope="session")
def rubric():
    return load_rubric("stalin-rise")


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("../shared/seeds is absent: the seed essay is read from there, not copied")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def dev_set() -> Path:
    if not DEV_SET.exists():
        pytest.skip("../shared/eval is absent: the labelled dev set is read from there")
    return DEV_SET
