"""WSGI entry point: `gunicorn wsgi:app` (settings in gunicorn.conf.py)."""

from grader import create_app

app = create_app()
