"""`grader serve`, `grader keys create|list|revoke` and `grader db upgrade`: the service's CLI."""

from __future__ import annotations

import click


def _app(**config):
    from ..app import create_app

    return create_app({"WARM_UP": False, "LOG_LEVEL": "WARNING", **config})


@click.command()
@click.option("--bind", "-b", default=None, help="Address to listen on [GRADER_BIND or "
              "127.0.0.1:8000].")
@click.option("--workers", "-w", type=int, default=None, help="Worker processes "
              "[GRADER_WORKERS or 2].")
@click.option("--threads", type=int, default=None, help="Threads per worker "
              "[GRADER_THREADS or 4].")
def serve(bind: str | None, workers: int | None, threads: int | None) -> None:
    """Run the HTTP service with gunicorn (settings from gunicorn.conf.py defaults)."""
    from gunicorn.app.base import BaseApplication

    from ..serving import gunicorn_settings

    settings = gunicorn_settings()
    settings.update({k: v for k, v in
                     {"bind": [bind] if bind else None, "workers": workers,
                      "threads": threads}.items() if v is not None})
    _app(AUTO_MIGRATE=True).extensions["grader.store"].dispose()  # migrate once, up front

    class Service(BaseApplication):
        def load_config(self) -> None:
            for key, value in settings.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            from ..app import create_app

            return create_app()

    click.echo(f"grader: serving on http://{settings['bind'][0]}", err=True)
    Service().run()


@click.group()
def keys() -> None:
    """Create, list and revoke API keys (only a hash of each key is stored)."""


@keys.command("create")
@click.option("--name", required=True, help="What the key is for, e.g. moodle-prod.")
@click.option("--owner", default=None, help="Owner (teacher or integration) the key acts "
              "for; created if new. Default: a new owner named after the key.")
@click.option("--rate-limit", type=click.IntRange(min=0), default=None,
              help="Requests per minute for this key (0: unlimited) [GRADER_RATE_LIMIT].")
def keys_create(name: str, owner: str | None, rate_limit: int | None) -> None:
    """Create a key and print it once: the key alone is the last line of stdout."""
    from ..store import get_store
    from ..store.keys import create_key

    store = get_store(_app())
    with store.write() as session:
        row, plaintext = create_key(session, name, owner, rate_limit)
        owner_name = row.owner.name
    click.echo(f"Created key {row.prefix} ({name}) for owner {owner_name!r}. "
               "Store it now; it cannot be shown again:")
    click.echo(plaintext)


@keys.command("list")
def keys_list() -> None:
    """List keys: id, name, owner, created, revoked (never the key itself)."""
    from ..store import get_store
    from ..store.keys import list_keys

    with get_store(_app()).read() as session:
        rows = [(k.prefix, k.name, k.owner.name, k.created_at.strftime("%Y-%m-%d %H:%M"),
                 k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "active")
                for k in list_keys(session)]
    click.echo("id\tname\towner\tcreated\tstatus")
    for r in rows:
        click.echo("\t".join(r))


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke the key KEY_ID (its id from `grader keys list`, or its unique name)."""
    from ..store import get_store
    from ..store.keys import revoke_key

    try:
        with get_store(_app()).write() as session:
            row = revoke_key(session, key_id)
            if row is None:
                raise click.ClickException(f"no active key {key_id!r}")
            prefix = row.prefix
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Revoked key {prefix}.")


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (also done automatically at service start)."""
    from ..store.migrate import current

    app = _app(AUTO_MIGRATE=True)
    click.echo(f"database at revision {current(app.extensions['grader.store'].engine)}")


COMMANDS = (serve, keys, db)
