"""A browser for the live gunicorn: its own cookies, forms, redirects not followed."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class LiveBrowser:
    """A browser with its own cookies against the live server; redirects are not followed."""

    def __init__(self, url: str, cookie: str | None = None) -> None:
        self.url = url
        self.jar = CookieJar()
        self.cookie = cookie  # a session cookie copied from another browser
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def send(self, method: str, path: str, form: dict[str, str] | None = None,
             timeout: float = 30) -> tuple[int, dict[str, str], str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if self.cookie:
            req.add_header("Cookie", self.cookie)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode()

    def token(self, path: str = "/sign-in") -> str:
        """The CSRF token of the form on `path`."""
        status, _, page = self.send("GET", path)
        return TOKEN.search(page)[1]

    def session_cookie(self) -> str:
        """The signed-in session's cookie, to replay from another browser."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if c.name == "session")
