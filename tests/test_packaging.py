"""A wheel installed outside the repository still finds the bundled rubrics, and runs the
grading core compiled (the build compiles it with mypyc: a minute on first build)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_installed_wheel_finds_bundled_rubrics(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("grader-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    code = ("import grader, sys; r = grader.load_rubric('stalin-rise'); "
            "assert 'site' in grader.__file__, grader.__file__; "
            "print(r.id, len(r.factors), len(r.facts), bool(r.model_answer)); "
            "from grader import corebuild; st = corebuild.status(); "
            "print(st['compiled'] or corebuild.pure_requested(), st['stale'])")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["stalin-rise", "5", "23", "True", "True", "[]"]
