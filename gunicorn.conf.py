"""gunicorn settings for `gunicorn wsgi:app`, from GRADER_* environment variables.

The master only migrates the database (and survives one that is down); the app, and any
batch work, lives in the workers (grader.serving)."""

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
worker_exit = _settings["worker_exit"]
on_starting = _settings["on_starting"]
