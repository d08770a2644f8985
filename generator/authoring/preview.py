"""Live preview while writing a module: a page on 127.0.0.1 showing every page as an image,
rendered again whenever the module, a template or the practice profile is saved."""

from __future__ import annotations

import html
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..api import (
    LOCALE_DIR,
    TEMPLATES_DIR,
    HandoutError,
    Options,
    checked_in,
    display_path,
    find_practice,
    load_library,
    load_practice,
    page_images,
    parse_language,
    png_bytes,
    render_sample,
)

PREVIEW_SCALE = 1.4  # about 100 dpi: sharp on screen, quick to make
POLL_SECONDS = 0.05
IDLE_SECONDS = 10  # a connection that sends nothing for this long is closed
# Names this server answers to: any other Host header is a page elsewhere reaching it through
# DNS rebinding (its own host name pointed at 127.0.0.1), so it gets 400 and nothing else.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Preview:
    """The latest rendering of one module (or the latest error), and a version that changes
    each time either does."""

    def __init__(
        self,
        module_id: str,
        content_dirs: Iterable[Path] = (),
        practice_file: Path | None = None,
        say: Callable[[str], None] = print,
        language: str = "",
    ):
        self.module_id = module_id
        self.content_dirs = [Path(d) for d in content_dirs]
        self.practice_file = practice_file
        self.say = say
        self.languages = parse_language(language or "en")
        self.version = 0
        self.pages: list[bytes] = []
        self.error = ""
        self.lock = threading.Lock()
        self._seen: dict[Path, int] = {}

    def watched(self) -> list[Path]:
        """The module files (in each language shown), every template and catalogue of page
        strings, and the practice profile."""
        files = [
            path
            for code in self.languages.all
            for path, _ in load_library(self.content_dirs, language=code).files.values()
        ]
        found = [f for f in TEMPLATES_DIR.rglob("*") if f.is_file()]
        found += [f for f in LOCALE_DIR.rglob("*.po") if f.is_file()]
        profile = find_practice(self.practice_file)
        return [*files, *found, *([profile] if profile else [])]

    def changed(self) -> bool:
        """Whether any watched file was saved since the last look."""
        try:
            stamps = {path: path.stat().st_mtime_ns for path in self.watched()}
        except (OSError, HandoutError):
            stamps = {}
        if stamps == self._seen:
            return False
        self._seen = stamps
        return True

    def render(self) -> None:
        """Render the module now; on failure keep the last good pages and show the error."""
        start = time.perf_counter()
        try:
            pages = self._pages()
        except HandoutError as error:
            with self.lock:
                self.error, self.version = error.message, self.version + 1
            self.say(f"Error: {error.message}")
            return
        with self.lock:
            self.pages, self.error, self.version = pages, "", self.version + 1
        took = time.perf_counter() - start
        self.say(f"Rendered {self.module_id}: {len(pages)} page(s) in {took:.1f} s")

    def _pages(self) -> list[bytes]:
        library = load_library(self.content_dirs, language=self.languages.main)
        checked = checked_in(library, [self.module_id], self.languages)
        found = find_practice(self.practice_file)
        practice = load_practice(found) if found else None
        options = Options(language=self.languages.code)
        result = render_sample(checked, library, practice, options)
        images = page_images(result.data, None, PREVIEW_SCALE)
        return [png_bytes(image, fast=True) for image in images]

    def watch(self, stop: threading.Event) -> None:
        """Render whenever something changes, until told to stop."""
        while not stop.is_set():
            if self.changed():
                self.render()
            stop.wait(POLL_SECONDS)

    def snapshot(self) -> tuple[int, list[bytes], str]:
        with self.lock:
            return self.version, list(self.pages), self.error


def serve(
    preview: Preview, port: int = 0, idle_seconds: float = IDLE_SECONDS
) -> tuple[ThreadingHTTPServer, threading.Event]:
    """Start the watcher and a web server on 127.0.0.1 (port 0: any free port), both in
    background threads. Returns the server (its port is server.server_address[1]) and the
    event that stops the watcher."""
    stop = threading.Event()
    preview.changed()
    preview.render()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    handler = type("Handler", (_Handler,), {"preview": preview, "timeout": idle_seconds})
    server = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, stop


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A browser that goes away mid-answer, or a connection left idle, is normal: no
        traceback on the terminal for it. Anything else is a bug and is shown."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    preview: Preview
    # 'timeout' (seconds a connection may stay silent) is set with 'preview' by serve().

    def do_GET(self):
        if not self._host_allowed():
            self._send(400, "text/plain", b"this preview answers only to 127.0.0.1 or localhost")
            return
        version, pages, error = self.preview.snapshot()
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(200, "text/html; charset=utf-8", _page(self.preview, version, pages, error))
        elif path == "/version":
            self._send(200, "text/plain", str(version).encode())
        elif path.startswith("/page/") and path.removesuffix(".png")[6:].isdigit():
            number = int(path.removesuffix(".png")[6:])
            if 1 <= number <= len(pages):
                self._send(200, "image/png", pages[number - 1])
            else:
                self._send(404, "text/plain", b"no such page")
        else:
            self._send(404, "text/plain", b"not found")

    def _host_allowed(self) -> bool:
        port = self.server.server_port  # type: ignore[attr-defined]  # an HTTPServer's
        host = (self.headers.get("Host") or "").strip().lower()
        names = {f"{name}:{port}" for name in LOOPBACK_NAMES}
        return host in names or (port == 80 and host in LOOPBACK_NAMES)

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # requests are not worth a line each
        pass


def _page(preview: Preview, version: int, pages: list[bytes], error: str) -> bytes:
    title = html.escape(f"{preview.module_id} - handouts preview")
    problem = f'<pre class="error">{html.escape(error)}</pre>' if error else ""
    note = "Showing the last version that rendered." if error and pages else ""
    images = "".join(
        f'<img src="/page/{n}.png?v={version}" alt="Page {n}">' for n in range(1, len(pages) + 1)
    )
    return _TEMPLATE.format(
        title=title, module=html.escape(preview.module_id), error=problem, note=note,
        images=images, version=version, count=len(pages),
    ).encode("utf-8")  # fmt: skip


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ margin: 0; background: #d9dedf; font: 15px/1.4 sans-serif; color: #1d2426; }}
header {{ position: sticky; top: 0; background: #24606a; color: #fff; padding: 8px 16px; }}
.error {{ margin: 16px; padding: 12px 16px; background: #fff0ec; border-left: 5px solid #b5652b;
  white-space: pre-wrap; font: 14px/1.4 monospace; color: #5c1e00; }}
.note {{ margin: 0 16px; color: #5a6568; }}
main {{ display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; justify-content: center; }}
img {{ background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); max-width: 100%; }}
</style></head>
<body><header><strong>{module}</strong> &middot; {count} page(s) &middot; saves show here by
themselves</header>
{error}<p class="note">{note}</p>
<main>{images}</main>
<script>
const shown = {version};
setInterval(async () => {{
  try {{
    const now = await (await fetch("/version", {{cache: "no-store"}})).text();
    if (Number(now) !== shown) location.reload();
  }} catch (e) {{}}
}}, 150);
</script>
</body></html>
"""


def stop_serving(server: ThreadingHTTPServer, stop: threading.Event) -> None:
    stop.set()
    server.shutdown()
    server.server_close()


def where(module_id: str, content_dirs: Iterable[Path], language: str = "") -> str:
    """The module's file as shown to the user, for the start-up line."""
    main = parse_language(language or "en").main
    library = load_library([Path(d) for d in content_dirs], language=main)
    path = library.files.get(module_id)
    if path is None:
        raise HandoutError(library.unknown(module_id))
    return display_path(path[0])
