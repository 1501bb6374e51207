"""The grading core runs compiled by mypyc (unless GRADER_PURE_PYTHON asked for pure Python),
and from the sources as they are now: a silently interpreted or stale core fails CI."""

import grader.corebuild as corebuild


def test_the_grading_core_is_the_build_that_was_asked_for():
    st = corebuild.status()
    if corebuild.pure_requested():
        assert not st["compiled"] and st["interpreted"] == [corebuild.module_name(s)
                                                             for s in corebuild.SOURCES]
        return
    assert st["interpreted"] == [], (
        "grading core modules loaded from .py, not compiled by mypyc: reinstall with "
        "`pip install -e .` (or set GRADER_PURE_PYTHON=1 if pure Python is meant)")
    assert st["compiled"] and st["compiler"].startswith("mypyc ")


def test_the_compiled_core_is_not_stale():
    st = corebuild.status()
    assert st["stale"] == [], (
        "these modules changed since they were compiled, and the old compiled code is what "
        "runs: `pip install -e .` again")


def test_describe_names_the_build():
    line = corebuild.describe()
    assert line.startswith("grading core: ")
    assert ("pure Python" in line) == corebuild.pure_requested()
