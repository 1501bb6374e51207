"""gunicorn settings come from GRADER_* variables, with defaults for a small server."""

from grader.serving import gunicorn_settings


def test_defaults_suit_a_small_server(monkeypatch):
    for name in ("GRADER_BIND", "GRADER_WORKERS", "GRADER_THREADS", "GRADER_WORKER_CLASS"):
        monkeypatch.delenv(name, raising=False)
    s = gunicorn_settings()
    assert s["bind"] == ["127.0.0.1:8000"]
    assert s["workers"] >= 1 and s["threads"] >= 1
    assert s["worker_class"] == "grader.balanced_worker.BalancedThreadWorker"


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("GRADER_BIND", "127.0.0.1:9123")
    monkeypatch.setenv("GRADER_WORKERS", "3")
    monkeypatch.setenv("GRADER_THREADS", "1")
    monkeypatch.setenv("GRADER_WORKER_CLASS", "sync")
    s = gunicorn_settings()
    assert (s["bind"], s["workers"], s["threads"], s["worker_class"]) == (
        ["127.0.0.1:9123"], 3, 1, "sync")


def test_workers_freeze_their_start_up_objects_and_collect_the_young_less_often():
    import gc

    from grader.serving import YOUNG_COLLECTION_THRESHOLD, freeze_startup_objects, worker_ready

    settings = gunicorn_settings()
    assert settings["post_worker_init"] is worker_ready  # which ends with freeze_startup_objects
    thresholds = gc.get_threshold()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
        assert gc.get_count()[0] < 100  # the collector starts again from (almost) nothing
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *thresholds[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
