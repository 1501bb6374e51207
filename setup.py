"""Packages: everything under grader/, plus the bundled rubrics and model answers, which live
at the top of the repository (rubrics/, model_answers/) and install as grader.bundled.*.

The grading core (grader/corebuild.py lists its modules) is compiled with mypyc, in both
`pip install .` and `pip install -e .`; a compiler error fails the install, it never falls
back to pure Python silently. GRADER_PURE_PYTHON=1 builds pure Python on purpose."""

import json
import runpy
import sys
from pathlib import Path

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.editable_wheel import editable_wheel

HERE = Path(__file__).resolve().parent
core = runpy.run_path(str(HERE / "grader" / "corebuild.py"))


def _remove_inplace_builds() -> None:
    """Delete compiled modules an earlier editable install left beside the sources (they would
    shadow the .py files of a pure-Python build), and their stamp."""
    names = [(HERE, core["SHARED_LIB"])]
    names += [((HERE / source).parent, Path(source).stem) for source in core["SOURCES"]]
    found = [lib for folder, name in names for suffix in (".so", ".pyd")
             for lib in folder.glob(f"{name}.*{suffix}")]
    for lib in [*found, HERE / "grader" / core["STAMP"]]:
        if lib.exists():
            print(f"removing {lib.relative_to(HERE)}", file=sys.stderr)
            lib.unlink()


class BuildCore(build_ext):
    """build_ext that runs mypyc first (here, not when setup.py is loaded: pip loads it three
    times per install), then stamps the sources compiled beside the package, in the build
    and, for an editable install, in the checkout."""

    compiled: list[Extension] | None = None  # mypyc's extensions, made once per process
    digests: dict[str, str] = {}  # the sources they were made from

    def finalize_options(self) -> None:
        if BuildCore.compiled is None:
            from mypyc.build import mypycify

            BuildCore.digests = core["digests"](HERE)
            group = core["SHARED_LIB"].removesuffix("__mypyc")  # mypyc adds the suffix
            BuildCore.compiled = mypycify(list(core["SOURCES"]), opt_level="3", group_name=group)
        self.distribution.ext_modules = BuildCore.compiled
        super().finalize_options()

    def run(self) -> None:
        super().run()
        import mypy.version

        stamp = json.dumps({"compiler": f"mypyc {mypy.version.__version__}",
                            "sources": BuildCore.digests}, indent=1, sort_keys=True)
        folders = [Path(self.build_lib) / "grader"]
        if self.inplace or getattr(self, "editable_mode", False):
            folders.append(HERE / "grader")
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / core["STAMP"]).write_text(stamp + "\n", encoding="utf-8")


class PureEditable(editable_wheel):
    """An editable install of the pure-Python build: first removes the compiled modules that
    an earlier editable install left in the checkout."""

    def run(self) -> None:
        _remove_inplace_builds()
        super().run()


def compiled_core() -> dict:
    if core["pure_requested"]():
        print(f"{core['PURE_ENV']} is set: the grading core is not compiled", file=sys.stderr)
        return {"cmdclass": {"editable_wheel": PureEditable}}
    # A stand-in that tells setuptools there is an extension to build (a platform wheel);
    # BuildCore replaces it with mypyc's.
    return {"ext_modules": [Extension(core["SHARED_LIB"], sources=[])],
            "cmdclass": {"build_ext": BuildCore}}


setup(packages=find_packages(include=["grader", "grader.*"])
      + ["grader.bundled.rubrics", "grader.bundled.model_answers"],
      **compiled_core())
