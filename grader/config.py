"""Service configuration: defaults in code, then GRADER_* and DATABASE_URL, then a mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: SQLite file grader.sqlite3 in the instance folder
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # request body limit (413 above it)
    "MAX_WORDS": 20_000,  # essays longer than this are refused with 422
    # per-upload reading budgets (grader.ingest.IngestLimits): over one, the upload is
    # refused (413, or 422 when too slow) or, in a batch, the item fails with the reason
    "INGEST_MAX_EXPANDED_BYTES": 32_000_000,  # decompressed bytes: zip entries, XML, PDF
    "INGEST_MAX_PDF_CONTENT_BYTES": 2_000_000,  # decoded page content of one PDF
    "INGEST_MAX_XML_BYTES": 8_000_000,  # XML of one .docx/.odt
    "INGEST_MAX_SECONDS": 10.0,  # wall time to read one upload
    "INGEST_MAX_TEXT_CHARS": 2_000_000,  # characters of text from one upload
    "GRADE_CPU_BUDGET": 10.0,  # CPU seconds per essay; past it a clear 422 / item error
    # heavy work takes turns in each process (grader.admission): essays of HEAVY_CHARS
    # characters or more, reading documents, batch grading; light requests never wait
    "HEAVY_SLOTS": 1,  # heavy jobs at a time per process
    "HEAVY_CHARS": 30_000,  # an essay this long is heavy (a 700-word essay is ~4,000)
    "HEAVY_WAIT": 30.0,  # seconds a request waits for a turn, then 503 + Retry-After
    "HEAVY_QUEUE": 1,  # heavy requests that may wait for a turn at once; more get 503
    # CPU priority of Celery batch workers (os.nice increment): on a machine that also
    # serves requests, requests go first and batches take the CPU left over; 0 leaves it
    "BATCH_NICE": 10,
    "RATE_LIMIT": 1200,  # requests per minute per API key and process; 0 disables
    "AUTO_MIGRATE": True,  # run database migrations in create_app
    "WARM_UP": True,  # load the word list and bundled rubrics in create_app
    "LOG_LEVEL": "INFO",
    "LOG_JSON": True,
    "PAGE_SIZE": 50,
    "MAX_PAGE_SIZE": 500,
    "DB_POOL_SIZE": 5,
    "SECRET_KEY": None,
    # flask-smorest / OpenAPI
    "API_TITLE": "grader API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs however they are spelt."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(app: Flask, config: Mapping[str, Any] | None = None) -> None:
    """Fill app.config: defaults, then the environment, then `config` (tests pass one)."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("GRADER")
    app.config.setdefault("ENV_NAME", os.environ.get("GRADER_ENV", "development"))
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    if config:
        app.config.from_mapping(config)
    url = app.config["DATABASE_URL"]
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "grader.sqlite3")
    app.config["DATABASE_URL"] = normalise_database_url(str(url))
