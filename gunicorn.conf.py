"""gunicorn settings for `gunicorn wsgi:app`, from GRADER_* environment variables."""

from grader.serving import gunicorn_settings

_settings = gunicorn_settings()
bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
worker_class = _settings["worker_class"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
keepalive = _settings["keepalive"]
max_requests = _settings["max_requests"]
max_requests_jitter = _settings["max_requests_jitter"]
accesslog = _settings["accesslog"]
errorlog = _settings["errorlog"]
loglevel = _settings["loglevel"]
post_worker_init = _settings["post_worker_init"]


def on_starting(server):
    """Migrate the database once in the master, before workers start."""
    from grader.app import create_app

    create_app({"WARM_UP": False}).extensions["grader.store"].dispose()
