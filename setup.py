"""Packages: everything under grader/, plus the bundled rubrics and model answers, which live
at the top of the repository (rubrics/, model_answers/) and install as grader.bundled.*."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["grader", "grader.*"])
      + ["grader.bundled.rubrics", "grader.bundled.model_answers"])
