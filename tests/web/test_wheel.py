"""The wheel carries the web pages' templates and static files (package data)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "grader" / "web"


@pytest.mark.slow
def test_wheel_ships_templates_and_static_files(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("grader-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"grader/web/{p.relative_to(WEB).as_posix()}"
              for p in [*WEB.glob("templates/*.html"), *WEB.glob("static/*")]}
    assert wanted and wanted <= names, sorted(wanted - names)
    assert "grader/store/migrations/versions/0003_web.py" in names
