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


def library(settings, language: str = "en") -> Library:
    """The library in a language, read again only when a module file was added, removed or
    changed."""
    return _library(tuple(settings.content_dirs), language, _stamp(settings, language))


@lru_cache(maxsize=8)
def _library(content_dirs, language, stamp) -> Library:
    return api.library(content_dirs, language)


def _stamp(settings, language: str) -> tuple:
    found = api.library(settings.content_dirs, language)
    return tuple(sorted((i, p.stat().st_mtime_ns) for i, (p, _) in found.files.items()))


def entries(settings, language: str = "en") -> list[dict]:
    """Every module that reads cleanly, by title."""
    modules = library(settings, language).modules.values()
    return [_entry(module) for module in sorted(modules, key=lambda m: m.title.lower())]


def entry(settings, module_id: str, language: str = "en") -> dict | None:
    """One module, with its pages and reading level as printed for a sample client."""
    found = library(settings, language).modules.get(module_id)
    if found is None:
        return None
    from ..api import survey

    (report,) = survey(library(settings, language), [found], fresh=False)
    return _entry(found) | {"pages": report.pages, "grade": report.grade, "ease": report.ease}


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


def filters(items: list[dict], language: str = "en") -> dict:
    """The topics (key and name, by name) and kinds there are, for the gallery's filters."""
    from .search import topic_name

    keys = {topic for item in items for topic in item["topics"]}
    topics = sorted(((key, topic_name(key, language)) for key in keys), key=lambda t: t[1])
    return {"topics": topics, "kinds": sorted({item["kind"] for item in items})}


def thumbnail(settings, module_id: str, language: str = "en") -> bytes | None:
    """The first page of a module as printed for a sample client, as a PNG."""
    found = library(settings, language)
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
    """Page 1 for the sample client, laid out as the live preview is (only page 1 drawn)."""
    try:
        return api.sample_page(found, module_id, THUMB_SCALE)
    except HandoutError:
        return b""


def warm_up(app, thumbnails: bool = True) -> None:
    """Read the library in every language, then make every thumbnail, in the background: the
    gallery fills in quickly, and the first switch to another language finds its modules read
    and its catalogue compiled (these are most of the switch)."""
    settings = app.extensions["handouts"]
    first = settings.language or "en"  # the language the app opens in, most likely
    languages = [first, *(code for code in api.known_languages() if code != first)]

    def run():
        for language in languages:
            api.gettext(language)  # the catalogue, compiled on first use
            entries(settings, language)
        for language in languages if thumbnails else ():
            for item in entries(settings, language):
                if settings.stopping.is_set():
                    return
                thumbnail(settings, item["id"], language)

    thread = threading.Thread(target=run, daemon=True, name="thumbnails")
    settings.background.append(thread)
    thread.start()


def packets(settings, language: str = "en") -> list[dict]:
    """The packets there are in a language, built-in and the user's own (made in the app
    too), with their sessions."""
    from ..api import load_packet, packet_files

    found = library(settings, language)
    listed = []
    for packet_id, path in {**_made_in_app(settings, language), **packet_files(found)}.items():
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
                "all_sessions": packet.sessions,
                "modules": len(packet.module_ids),
                "path": path,
            }
        )
    return listed


def _made_in_app(settings, language: str) -> dict:
    """Packets the app saved in the user settings folder (with no --content folder to hold
    them): the library does not look there, so they are named by their path."""
    if settings.content_dirs:
        return {}
    from .packets_view import own_folder

    return {path.stem: path for path in sorted(own_folder(settings, language).glob("*.yaml"))}


def packet_name(settings, name: str, language: str = "en") -> str:
    """A packet chosen in the form: one of the packets listed, never a path typed in; one
    made in the app is given to the build by its path."""
    chosen = {p["id"]: p for p in packets(settings, language)}.get(name)
    if chosen is None:
        raise HandoutError("Packet: choose one of the packets in the list")
    return str(chosen["path"]) if chosen["path"].parent == _own(settings, language) else name


def _own(settings, language: str):
    from .packets_view import own_folder

    return None if settings.content_dirs else own_folder(settings, language)
