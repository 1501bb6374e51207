"""grader: rubric-driven essay grading for teachers.

    from grader import load_rubric, grade
    report = grade(text, load_rubric("stalin-rise"))
    report.to_dict()   # the version-1 JSON report
"""

from .pipeline import GradingBudgetExceeded, grade
from .rubric import Rubric, RubricError, load_rubric, parse_rubric

__all__ = ["grade", "load_rubric", "parse_rubric", "Rubric", "RubricError",
           "GradingBudgetExceeded"]
__version__ = "0.1.0"


def __getattr__(name: str):  # create_app imports Flask only when asked for
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
