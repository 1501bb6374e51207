"""`grader users create EMAIL` (and `set-password`): teacher accounts for the web pages."""

from __future__ import annotations

import sys

import click


def _read_password() -> str:
    """Prompt twice on a terminal; otherwise read the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _store():
    from ..app import create_app
    from ..store import get_store

    return get_store(create_app({"WARM_UP": False, "LOG_LEVEL": "WARNING"}))


@click.group()
def users() -> None:
    """Teacher accounts for the web pages (passwords are stored hashed)."""


@users.command("create")
@click.argument("email")
def users_create(email: str) -> None:
    """Create a teacher EMAIL; the password is prompted for, or read from stdin."""
    from ..store.teachers import AccountError, create_teacher, hash_password

    password = _read_password()
    try:
        hashed = hash_password(password)  # scrypt before the write, not inside it
        with _store().write() as session:
            teacher = create_teacher(session, email, password_hash=hashed)
            address = teacher.email
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created teacher {address}.")


@users.command("set-password")
@click.argument("email")
def users_set_password(email: str) -> None:
    """Give teacher EMAIL a new password (prompted for, or read from stdin)."""
    from ..store.teachers import AccountError, find_teacher, hash_password, set_password

    password = _read_password()
    try:
        hashed = hash_password(password)  # scrypt before the write, not inside it
        with _store().write() as session:
            teacher = find_teacher(session, email)
            if teacher is None:
                raise click.ClickException(f"no teacher {email!r}")
            set_password(session, teacher, password_hash=hashed)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Password changed; the teacher's sessions were ended.")
