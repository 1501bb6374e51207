"""Bundled rubrics and model answers (installed from rubrics/ and model_answers/)."""
