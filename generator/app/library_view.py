"""The library as the app shows it: modules with thumbnails, topics and kinds to filter by, and
the packets there are. Thumbnails are sample pages, made once in the background at start-up."""

from __future__ import annotations

import threading
from functools import lru_cache

from .. import api
from ..api import HandoutError, Library

THUMB_SCALE = 0.5  # a Letter page becomes 306 x 396 pixels
_THUMBS: dict[tuple, bytes] = {}
_LOCK = threading.Lock()


def library(settings) -> Library:
    """The library, read again only when a module file was added, removed or changed."""
    return _library(tuple(settings.content_dirs), _stamp(settings))


@lru_cache(maxsize=4)
def _library(content_dirs, stamp) -> Library:
    return api.library(content_dirs)


def _stamp(settings) -> tuple:
    found = api.library(settings.content_dirs)
    return tuple(sorted((i, p.stat().st_mtime_ns) for i, (p, _) in found.files.items()))


def entries(settings) -> list[dict]:
    """Every module that reads cleanly, by title."""
    modules = library(settings).modules.values()
    return [_entry(module) for module in sorted(modules, key=lambda m: m.title.lower())]


def entry(settings, module_id: str) -> dict | None:
    """One module, with its pages and reading grade as printed for a sample client."""
    found = library(settings).modules.get(module_id)
    if found is None:
        return None
    from ..api import survey

    (report,) = survey(library(settings), [found], fresh=False)
    return _entry(found) | {"pages": report.pages, "grade": report.grade}


def _entry(module) -> dict:
    return {
        "id": module.id,
        "title": module.title,
        "subtitle": module.subtitle,
        "kind": module.kind,
        "minutes": module.minutes,
        "topics": module.topics,
        "summary": module.summary,
        "clinician": module.clinician,
        "mine": not module.builtin,
    }


def filters(items: list[dict]) -> dict:
    """The topics and kinds there are, for the gallery's filters."""
    topics = sorted({topic for item in items for topic in item["topics"]})
    return {"topics": topics, "kinds": sorted({item["kind"] for item in items})}


def thumbnail(settings, module_id: str) -> bytes | None:
    """The first page of a module as printed for a sample client, as a PNG."""
    found = library(settings)
    if module_id not in found.modules:
        return None
    key = (module_id, repr(found.modules[module_id]))
    with _LOCK:
        if key in _THUMBS:
            return _THUMBS[key]
    image = _render_thumbnail(found, module_id)
    with _LOCK:
        _THUMBS[key] = image
    return image


def _render_thumbnail(found: Library, module_id: str) -> bytes:
    from ..api import check_modules, page_images, png_bytes, render_sample

    try:
        checked = check_modules(found.select([module_id]), found.roots)
        pdf = render_sample(checked, found).data
    except HandoutError:
        return b""
    (image,) = page_images(pdf, [0], THUMB_SCALE)
    return png_bytes(image, fast=True)


def warm_up(app) -> None:
    """Make every thumbnail in the background, so the gallery fills in quickly."""
    settings = app.extensions["handouts"]

    def run():
        for item in entries(settings):
            thumbnail(settings, item["id"])

    threading.Thread(target=run, daemon=True, name="thumbnails").start()


def packets(settings) -> list[dict]:
    """The packets there are, built-in and the user's own, with their sessions."""
    from ..api import load_packet, packet_files

    found = library(settings)
    listed = []
    for packet_id, path in packet_files(found).items():
        try:
            packet = load_packet(path, found)
        except HandoutError:
            continue
        sessions = [s for s in packet.sessions if s.number]
        listed.append(
            {
                "id": packet_id,
                "title": packet.title,
                "sessions": sessions,
                "modules": len(packet.module_ids),
            }
        )
    return listed


def packet_name(settings, name: str) -> str:
    """A packet chosen in the form: one of the packets listed, never a path."""
    if name not in {p["id"] for p in packets(settings)}:
        raise HandoutError("Packet: choose one of the packets in the list")
    return name
