"""The local web app: the whole command line as pages in the browser, for this computer only."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import stat
import tempfile
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from ..api import HandoutError
from .gate import Gate

UPLOAD_LIMIT = 25 * 1024 * 1024  # the largest request: a returned PDF with a little to spare
ANSWER_SECONDS = 120  # the longest the app waits, when it stops, for an answer under way


@dataclass
class Settings:
    """One launch of the app: its content folders, practice profile, port and private folder."""

    content_dirs: tuple[Path, ...] = ()
    practice_file: Path | None = None
    port: int = 0
    language: str = ""  # --lang: the app's language until one is chosen in it
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    workdir: Path = field(default_factory=lambda: private_folder())
    answers: dict = field(default_factory=dict)  # a returned form's answers, for its CSV
    warm_up: bool = True  # make every thumbnail in the background at start-up
    stopping: threading.Event = field(default_factory=threading.Event)  # set when the app stops
    background: list[threading.Thread] = field(default_factory=list)  # work started on its own

    def finish_background(self) -> None:
        """Tell work started on its own (the thumbnails) to stop, and wait for what is under
        way: a thread still inside the renderer when Python exits can crash it."""
        self.stopping.set()
        for thread in self.background:
            thread.join()

    def clean_up(self) -> None:
        """Remove the private folder and everything in it: uploads, roster packets, zips."""
        shutil.rmtree(self.workdir, ignore_errors=True)


PRIVATE_PREFIX = "handouts-app-"  # then the app's process id: handouts-app-1234-k2j4h5


def private_folder() -> Path:
    """A new private folder for one launch, named with its process id."""
    return Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))


def sweep_left_behind() -> int:
    """Remove the private folders of launches whose process is gone (killed, or the computer
    turned off): their rosters and packets. Returns how many."""
    from ..api import running

    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*-*"):
        owner = folder.name.removeprefix(PRIVATE_PREFIX).split("-")[0]
        if owner.isdigit() and _own_folder(folder) and not running(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _own_folder(folder: Path) -> bool:
    """A real folder of this user's (the temporary folder may be shared with others)."""
    try:
        found = folder.lstat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    return mine and stat.S_ISDIR(found.st_mode)


def create_app(settings: Settings) -> Flask:
    """The Flask app for one launch, behind its gate."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=UPLOAD_LIMIT, SECRET_KEY=secrets.token_bytes(32))
    app.extensions["handouts"] = settings
    Gate(settings.token).install(app)
    from . import language, views

    language.install(app)
    views.register(app)
    return app


def serve(settings: Settings, say=print, open_browser: bool = False) -> None:
    """Serve the app on 127.0.0.1 until Ctrl-C, SIGTERM or SIGHUP, then remove every file it
    made (and first, what launches that did not stop cleanly left behind)."""
    import signal
    import webbrowser

    from waitress import wasyncore

    from . import jobs

    sweep_left_behind()

    connections: dict = {}  # waitress's: the listening socket, and each browser connection
    try:
        server = listen(settings, connections)
    except BaseException:  # a port in use, or a stop before the app was up
        settings.finish_background()
        settings.clean_up()
        raise
    settings.port = server.effective_port
    # "Task queue depth is 3" is a browser asking for a page's pictures at once, not a problem.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    def stop(*_) -> None:
        # A page still loading when the app stops is cut off, and waitress would print the
        # traceback of each answer it could not finish: expected, so not shown.
        logging.getLogger("waitress").disabled = True
        settings.stopping.set()
        # Answers under way (a preview, a download) are finished first: a thread still inside
        # the renderer when Python exits can crash it. (Closing waits 5 s at most.)
        server.task_dispatcher.shutdown(timeout=ANSWER_SECONDS)
        # The listening socket, and every connection a browser still holds.
        wasyncore.close_all(connections, ignore_all=True)

    # Ctrl-C, a termination, and the terminal closing (SIGHUP) all stop the app the same way.
    names = ("SIGTERM", "SIGINT", "SIGHUP")
    stops = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, stop) for sig in stops}
    try:
        # The address is printed once a stop is handled: whoever reads it may close the
        # terminal at once.
        url = f"http://127.0.0.1:{settings.port}/?token={settings.token}"
        say(f"Open {url}  (Ctrl-C to stop)")
        tidy = threading.Thread(target=jobs.keep_tidy, args=(settings.stopping,), daemon=True)
        tidy.start()
        if open_browser:
            webbrowser.open(url)
        _run(server, connections, settings.stopping)
    except OSError:  # a stop closing the sockets under the loop
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop()
        settings.finish_background()
        jobs.finish_all()
        settings.clean_up()
        with suppress(OSError):  # the terminal may be gone
            say("Stopped. Nothing the app made is left on disk.")


def _run(server, connections: dict, stopping: threading.Event) -> None:
    """Serve until the app stops, one pass of waitress's loop at a time. (waitress's own loop
    goes on while any connection is open, and a browser's request read as the app stopped
    waits for ever for an answer: a stop under load could leave the app running.)"""
    from waitress import wasyncore

    timeout, use_poll = server.adj.asyncore_loop_timeout, server.adj.asyncore_use_poll
    while not stopping.is_set():
        wasyncore.loop(timeout, use_poll, connections, count=1)


def listen(settings: Settings, connections: dict | None = None):
    """The server on 127.0.0.1 at the chosen port (any free one when 0); its sockets are kept
    in 'connections' when given."""
    from waitress.server import create_server

    try:
        # A body over the limit is refused from its Content-Length, before any of it is read
        # (else waitress would spool it to a temporary file first, key or no key).
        return create_server(
            create_app(settings),
            map=connections,
            host="127.0.0.1",
            port=settings.port,
            threads=6,
            ident="handouts",
            max_request_body_size=UPLOAD_LIMIT,
        )
    except OSError as error:
        raise HandoutError(
            f"--port {settings.port}: cannot listen there ({error.strerror}); "
            "choose another port, or leave --port out to use any free one"
        ) from None
