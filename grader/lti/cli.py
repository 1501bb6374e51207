"""`grader lti add-platform`, `list-platforms`, `rotate-key`: register LMSs, manage our keys."""

from __future__ import annotations

import click


def _store():
    from ..app import create_app
    from ..store import get_store

    return get_store(create_app({"WARM_UP": False, "LOG_LEVEL": "WARNING"}))


@click.group()
def lti() -> None:
    """LTI 1.3: the LMSs that may launch the tool, and the tool's signing keys."""


@lti.command("add-platform")
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. "
              "https://moodle.school.org or https://canvas.instructure.com.")
@click.option("--client-id", required=True, help="The client id the LMS gave the tool.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True,
              help="A deployment id (repeat for several).")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authorization URL.")
@click.option("--token-url", required=True, help="The platform's OAuth2 access token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
def add_platform(issuer: str, client_id: str, deployment_ids: tuple[str, ...],
                 auth_login_url: str, token_url: str, jwks_url: str) -> None:
    """Register an LMS so its launches are accepted."""
    from .platforms import PlatformError
    from .platforms import add_platform as add

    try:
        with _store().write() as session:
            row = add(session, issuer=issuer, client_id=client_id,
                      deployment_ids=list(deployment_ids), auth_login_url=auth_login_url,
                      auth_token_url=token_url, jwks_url=jwks_url)
            click.echo(f"registered platform {row.id}: {row.issuer} (client {row.client_id}, "
                       f"deployments {', '.join(row.deployment_ids)})")
    except PlatformError as exc:
        raise click.ClickException(str(exc)) from None


@lti.command("list-platforms")
def list_platforms() -> None:
    """Show the registered LMSs."""
    from .platforms import list_platforms as rows

    with _store().read() as session:
        for p in rows(session):
            click.echo(f"{p.id}\t{p.issuer}\t{p.client_id}\t{','.join(p.deployment_ids)}")


@lti.command("rotate-key")
@click.option("--keep-days", type=click.FloatRange(min=0), default=7.0, show_default=True,
              help="How long the old public key stays in the JWKS.")
def rotate_key(keep_days: float) -> None:
    """Sign with a new key; the old one stays published until it expires."""
    from .keys import rotate_key as rotate

    with _store().write() as session:
        new, old = rotate(session, keep_days)
        click.echo(f"new signing key {new.kid}")
        for row in old:
            click.echo(f"old key {row.kid} published until {row.expires_at:%Y-%m-%d %H:%M} UTC")
