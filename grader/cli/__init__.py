"""Command line: `grader mark`, `grader eval`, `grader rubric check|list`."""
