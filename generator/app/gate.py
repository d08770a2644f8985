"""The app's gate: only this computer's browser, holding this launch's token, gets in.

Modelled on how Jupyter guards a local server: a per-launch secret in the printed address is
exchanged for an HttpOnly, SameSite=Strict cookie named after the port (cookies ignore ports, so two
launches on two ports would otherwise overwrite each other's); the Host header must name this
machine (DNS rebinding); a state change must come from the app's own pages (Origin / Sec-Fetch-Site)
and carry the session's CSRF token, a random secret kept on the server; documents are never cached
and may load nothing from elsewhere."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from flask import Flask, abort, g, redirect, request

from ..api import N_

COOKIE = "handouts-session"  # + "-PORT"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


class Gate:
    """The secrets of one launch: the token in the printed address, and the session it buys."""

    def __init__(self, token: str | None = None):
        self.token = token or secrets.token_urlsafe(32)
        self.session = secrets.token_urlsafe(32)
        self.csrf = secrets.token_hex(32)  # not derived from the cookie: knowing one tells nothing

    def install(self, app: Flask) -> None:
        app.before_request(self.check)
        app.after_request(self.headers)

    def check(self):
        """Host first, then the token exchange, then the session cookie, then same origin."""
        if not _local_host(request.host, request.environ.get("SERVER_PORT", "")):
            abort(400, N_("This address is not allowed. Open the address the app printed."))
        if request.endpoint == "static":
            return self._need_session()
        given = request.args.get("token")
        if given is not None:
            return self._exchange(given)
        self._need_session()
        if request.method not in SAFE_METHODS:
            self._same_origin()
        g.csrf = self.csrf
        return None

    def _exchange(self, given: str):
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            abort(
                403, N_("This link has expired. Open the address the app printed when it started.")
            )
        rest = {k: v for k, v in request.args.items() if k != "token"}
        target = request.path + (f"?{urlencode(rest)}" if rest else "")
        response = redirect(target, 303)
        name = cookie_name(request.environ.get("SERVER_PORT", ""))
        response.set_cookie(name, self.session, httponly=True, samesite="Strict", path="/")
        return response

    def _need_session(self):
        cookie = request.cookies.get(cookie_name(request.environ.get("SERVER_PORT", "")), "")
        if not hmac.compare_digest(cookie.encode(), self.session.encode()):
            abort(401, N_("Open the address the app printed when it started (it holds a key)."))

    def _same_origin(self) -> None:
        site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if site not in (None, "same-origin") or (origin and origin != request.host_url[:-1]):
            abort(403, N_("Refused: this request did not come from the app's own page."))
        if origin is None and site is None:
            abort(403, N_("Refused: the browser did not say where this request came from."))
        sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
        if not hmac.compare_digest(sent.encode(), self.csrf.encode()):
            abort(403, N_("Refused: the form has expired. Reload the page and try again."))

    def headers(self, response):
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin "null"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.endpoint != "static" or response.status_code >= 400:
            response.headers["Cache-Control"] = "no-store"
        return response


def cookie_name(port: str) -> str:
    """The session cookie of the launch on this port, e.g. 'handouts-session-53117'."""
    return f"{COOKIE}-{port}"


def _local_host(host: str, port: str) -> bool:
    """127.0.0.1, localhost or [::1], with the port the app listens on (which a browser leaves
    out of the Host header when it is HTTP's default, 80)."""
    name, colon, given_port = host.rpartition(":")
    if not colon or (name.startswith("[") and not name.endswith("]")):  # no port; or a bare [::1]
        name, given_port = host, ""
    return name in LOCAL_HOSTS and (given_port == port or (given_port, port) == ("", "80"))
