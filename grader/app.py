"""The Flask application factory: configuration, logging, storage, the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the service: defaults, then GRADER_*/DATABASE_URL, then `config` (for tests).

    Migrates the database (unless AUTO_MIGRATE is off) and warms up the word list and the
    bundled rubrics so the first request is as fast as the rest.
    """
    from . import api, headers, jobs, logs, lti, store, web
    from .config import load_config
    from .pipeline import set_default_budget
    from .rubric import bundled_rubrics, load_rubric
    from .text.english import warm_up

    app = Flask("grader", instance_relative_config=True)
    load_config(app, config)
    set_default_budget(app.config["GRADE_CPU_BUDGET"])
    app.json.sort_keys = False
    logs.init_app(app)
    store.init_app(app)
    jobs.init_app(app)  # chooses how batches run; starts nothing (see grader.jobs.embedded)
    api.init_app(app)
    web.init_app(app)
    lti.init_app(app)
    headers.init_app(app)
    if app.config["WARM_UP"]:
        warm_up()
        for rubric_id in bundled_rubrics():
            load_rubric(rubric_id)
    return app
