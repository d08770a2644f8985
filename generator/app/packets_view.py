"""Packets in the app: what is in each one (sessions and modules), and a new packet made from
modules ticked in the library, saved as a packet file the command line reads as it is."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from flask import current_app, redirect, request, url_for

from ..api import HandoutError, display_path
from . import library_view
from .language import current
from .language import translate as _

MAX_SESSIONS = 12
TITLE_LIMIT = 120
MODULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # a packet file's name, as packet.py reads it


def settings():
    return current_app.extensions["handouts"]


def own_folder(settings, language: str = "en") -> Path:
    """Where the app saves the user's packets: packets/ in their first --content folder, else
    in their user settings folder (beside practice.yaml); packets/LANG/ for another language,
    as the library reads them."""
    from ..api import user_profile

    base = Path(settings.content_dirs[0]) if settings.content_dirs else user_profile().parent
    return base / "packets" if language == "en" else base / "packets" / language


def contents(settings, language: str = "en") -> list[dict]:
    """Each packet with its parts: (session title, or '' for a packet without sessions, and the
    titles of its modules)."""
    found = library_view.library(settings, language)
    titles = {m.id: m.title for m in found.modules.values()}
    listed = library_view.packets(settings, language)
    for item in listed:
        item["parts"] = [
            (session.title if session.number else "", [titles.get(m, m) for m in session.modules])
            for session in item["all_sessions"]
        ]
    return listed


def make_packet():
    """Save the ticked modules as a new packet; back to the library with the problems if any."""
    form = request.form
    language = current()
    try:
        path = save_packet(settings(), form, language)
    except HandoutError as error:
        from .views import library_page

        return library_page(make_error=error.message, made=form), 400
    return redirect(url_for("packets_page", made=path.stem), 303)


def save_packet(settings, form, language: str) -> Path:
    """Check the form, write the packet file (read back and checked first) and return it."""
    library = library_view.library(settings, language)
    modules = [m for m in dict.fromkeys(form.getlist("modules")) if m]
    problems = _problems(form, modules, library)
    if problems:
        raise HandoutError("\n".join(problems))
    sessions = int((form.get("sessions") or "1").strip())
    text = packet_yaml(form.get("title", "").strip(), modules, sessions, language)
    folder = own_folder(settings, language)
    target = _free_name(folder, _slug(form.get("title", "")))
    _check(text, target.name, library)
    from ..api import write_file

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        where = display_path(folder)
        raise HandoutError(f"cannot make the folder '{where}': {error.strerror}") from None
    write_file(target, text.encode("utf-8"))
    return target


def _problems(form, modules: list[str], library) -> list[str]:
    from ..api import checked_text

    title, found = checked_text("title", form.get("title"), TITLE_LIMIT)
    problems = [f"{_('Title')}: {problem.message}" for problem in found]
    if not title and not problems:
        problems.append(_("Title: give the packet a title"))
    if not modules:
        problems.append(_("Tick at least one module for the packet"))
    unknown = [m for m in modules if m not in library.modules]
    if unknown:
        problems.append(_("Those modules are not in the library any more; reload the page"))
    sessions = (form.get("sessions") or "1").strip()
    most = min(MAX_SESSIONS, max(1, len(modules)))
    # ASCII digits only: '²'.isdigit() is true, and int('²') fails.
    if not re.fullmatch("[0-9]{1,3}", sessions) or not 1 <= int(sessions) <= most:
        problems.append(_("Sessions: a whole number from 1 to %(most)s", most=most))
    return problems


def packet_yaml(title: str, modules: list[str], sessions: int, language: str) -> str:
    """The packet file: the modules in the library's order, shared out over the sessions."""
    doc: dict = {"title": title}
    if sessions <= 1:
        doc["modules"] = modules
    else:
        size, extra = divmod(len(modules), sessions)
        parts, start = [], 0
        for number in range(1, sessions + 1):
            end = start + size + (1 if number <= extra else 0)
            name = _("Session %(number)s", number=number)
            parts.append({"title": name, "modules": modules[start:end]})
            start = end
        doc["sessions"] = parts
    from ..api import dump_yaml

    head = "# Made in the handouts app. Edit it as any packet file (see the README)."
    return head + "\n" + dump_yaml(doc)


def _slug(title: str) -> str:
    from ..api import slugify

    slug = slugify(title)
    return slug if slug and slug[0].isalpha() else f"packet-{slug}".strip("-")


def _free_name(folder: Path, slug: str) -> Path:
    """A file name no packet has yet: slug.yaml, slug-2.yaml..."""
    target, count = folder / f"{slug}.yaml", 1
    while target.exists():
        count += 1
        target = folder / f"{slug}-{count}.yaml"
    return target


def _check(text: str, name: str, library) -> None:
    """Read the packet back as the command line will, before it is saved."""
    from ..api import load_packet

    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / name
        trial.write_text(text, encoding="utf-8")
        try:
            load_packet(trial, library)
        except HandoutError as error:
            raise HandoutError(error.message.replace(str(trial), name)) from None


def made_message(settings, made: str, language: str) -> str:
    """'Saved ...' for the packet just made, naming its file."""
    if not made or not MODULE_ID.match(made):
        return ""
    path = own_folder(settings, language) / f"{made}.yaml"
    if not path.is_file():
        return ""
    return _("Saved as %(path)s. Choose it in the list to build it.", path=display_path(path))
