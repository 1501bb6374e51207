"""The report: marks, band and feedback assembled from the analysers' findings.

`grader.report.model` holds the plain dataclasses (shared with the analysers);
`grader.report.build.build_report` assembles them.
"""

from .model import Report

__all__ = ["Report"]
