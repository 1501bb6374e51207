"""The store on a real database: migrations up and down, SQLite pragmas, keys, transactions."""

import json

import pytest
from sqlalchemy import inspect, select, text

from grader.store.engine import make_engine
from grader.store.keys import authenticate, create_key, hash_key, revoke_key
from grader.store.migrate import current, downgrade, upgrade
from grader.store.models import Owner
from grader.store.session import Store
from tests.api.backends import PgSchema, postgres_problem


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
        yield eng
        eng.dispose()
        return
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    schema = PgSchema()
    eng = make_engine(schema.create())
    yield eng
    eng.dispose()
    schema.drop()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from grader.store.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


HEAD = _head()  # the newest migration (0001, then batches, web... as they are added)


def test_migrations_up_down_up(engine):
    upgrade(engine)
    assert current(engine) == HEAD
    assert {"owners", "api_keys", "submissions", "audit_events"} <= set(
        inspect(engine).get_table_names())
    upgrade(engine)  # idempotent
    downgrade(engine, "base")
    assert current(engine) is None and "submissions" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current(engine) == HEAD


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    eng.dispose()


def test_keys_hash_lookup_and_revoke(engine):
    upgrade(engine)
    store = Store(engine)
    with store.write() as session:
        row, key = create_key(session, "moodle", owner="school")
    assert row.key_hash == hash_key(key) and key not in row.key_hash
    with store.read() as session:
        caller = authenticate(session, key)
        assert caller is not None and caller.key_name == "moodle"
        assert authenticate(session, key + "x") is None
    with store.write() as session:
        revoke_key(session, "moodle")
    with store.read() as session:
        assert authenticate(session, key) is None
    with engine.connect() as conn:  # the API's lookup: a bare connection
        assert authenticate(conn, key) is None
        assert authenticate(conn, "grd_nope_x") is None and authenticate(conn, "junk") is None


def test_a_failed_write_leaves_nothing(engine):
    upgrade(engine)
    store = Store(engine)
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(Owner(name="half-written"))
        session.flush()
        raise RuntimeError("boom")
    with store.read() as session:
        assert session.scalars(select(Owner)).all() == []


def test_migration_0005_binds_lti_assignments_to_their_first_links_course(engine):
    upgrade(engine, "0004_lti")
    now = "2026-01-01 00:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO owners (id, name, kind, created_at) "
                          "VALUES (1, 'lti', 'lti', :now)"), {"now": now})
        conn.execute(text(
            "INSERT INTO lti_platforms (id, owner_id, issuer, client_id, deployment_ids, "
            "auth_login_url, auth_token_url, jwks_url, created_at) VALUES (1, 1, 'https://l', "
            "'c', '[\"d1\", \"d2\"]', 'https://l/a', 'https://l/t', 'https://l/j', :now)"),
            {"now": now})
        for aid in ("launched", "never"):
            conn.execute(text(
                "INSERT INTO lti_assignments (assignment_id, platform_id, show_feedback, "
                "auto_release, released) VALUES (:a, 1, false, false, false)"), {"a": aid})
        for link, deployment, course in ((1, "d1", "course-7"), (2, "d2", "course-8")):
            conn.execute(text(
                "INSERT INTO lti_links (id, platform_id, deployment_id, context_id, "
                "resource_link_id, assignment_id, created_at) VALUES "
                "(:id, 1, :d, :c, :r, 'launched', :now)"),
                {"id": link, "d": deployment, "c": course, "r": f"r{link}", "now": now})
    upgrade(engine)
    with engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT assignment_id, deployment_id || '/' || context_id FROM lti_assignments")
            ).all())
    assert rows == {"launched": "d1/course-7", "never": None}
    downgrade(engine, "0004_lti")  # and back down
    assert "teacher_sessions" not in inspect(engine).get_table_names()


def test_rubric_versions_migration_backfills_what_is_known(engine):
    """0006: each stored rubric's definition becomes a version; submissions stored since it
    was saved get its digest, older ones (graded by a lost definition) keep none."""
    from datetime import UTC, datetime, timedelta

    from grader.store.rubrics import definition_digest

    upgrade(engine, "0005_sessions_lti_binding")
    saved = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    naive = engine.dialect.name == "sqlite"

    def at(t: datetime):
        return t.replace(tzinfo=None) if naive else t

    definition = {"id": "mine", "version": "2", "title": "Mine", "factors": []}
    with engine.begin() as conn:
        owner = conn.execute(text("INSERT INTO owners (name, kind, created_at) VALUES "
                                  "('o', 'integration', :t) RETURNING id"),
                             {"t": at(saved)}).scalar()
        conn.execute(text("INSERT INTO rubrics (owner_id, rubric_id, version, title, "
                          "definition, created_at, updated_at) VALUES (:o, 'mine', '2', "
                          "'Mine', :d, :t, :t)"),
                     {"o": owner, "d": json.dumps(definition), "t": at(saved)})
        for public_id, when in (("before", saved - timedelta(days=1)),
                                ("after", saved + timedelta(seconds=1))):
            conn.execute(text(
                "INSERT INTO submissions (id, owner_id, rubric_id, rubric_version, text, "
                "report, metadata, marks, max_marks, created_at, updated_at) VALUES "
                "(:id, :o, 'mine', '2', 'x', '{}', '{}', 1, 2, :t, :t)"),
                {"id": public_id, "o": owner, "t": at(when)})
    upgrade(engine)
    with engine.connect() as conn:
        digests = dict(conn.execute(text("SELECT id, rubric_digest FROM submissions")).all())
        versions = conn.execute(text("SELECT rubric_id, digest FROM rubric_versions")).all()
    assert versions == [("mine", definition_digest(definition))]
    assert digests == {"before": None, "after": definition_digest(definition)}
    downgrade(engine, "0005_sessions_lti_binding")
    assert "rubric_versions" not in inspect(engine).get_table_names()
