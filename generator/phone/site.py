"""A homework site: phone copies of the library (or some modules) as static files for any web
host, with an index by topic, a web-app manifest and a service worker for use offline. No
client's details are in it: each copy is the blank one, and the client may type a name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..core.content import Library
from ..core.drawings import phone_folder
from ..core.languages import N_
from ..core.options import Options, settle
from ..core.output import prepare_folder, write_file
from ..core.profiles import Personal, Practice
from ..core.render import KIND_LABELS, environment, load_template, render_template, words_of
from ..core.resources import TEMPLATES_DIR
from ..core.safety import safety_lines
from ..core.topics import shelves
from .copy import PHONE_DIR, PhoneCopy, _logo, _style, content_policy, phone_copies

SITE_TITLE = N_("Worksheets and handouts")
# The index's own script: it only starts the service worker.
INDEX_SCRIPT = (
    'if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) '
    '{ navigator.serviceWorker.register("sw.js").catch(function () {}); }'
)


@dataclass(frozen=True)
class Site:
    """What a site build wrote."""

    folder: Path
    pages: tuple[Path, ...]  # the index first, then each module's copy


def build_site(
    out: Path,
    library: Library,
    public,
    practice: Practice | None = None,
    options: Options = Options(),
    ids: Sequence[str] = (),
) -> Site:
    """Render every page in memory first, then write them all into the folder: 'out' for
    English, a folder of its own in 'out' for another language ('out/es'), where the QR codes
    of printed worksheets point."""
    practice = practice or Practice()
    options = settle(options, practice)
    chosen = sorted(ids or library.in_language(options.languages.main).modules)
    personal = Personal(practice=practice)
    copies = phone_copies(chosen, personal, library, public, options, site=True)
    files = {copy.name: copy.data for copy in copies}
    files["index.html"] = _index(library, copies, practice, options).encode("utf-8")
    files["manifest.webmanifest"] = _manifest(practice, options)
    files["sw.js"] = _worker(files)
    folder = out / phone_folder(options.languages.main)
    prepare_folder(folder)
    for name, data in files.items():
        write_file(folder / name, data)
    names = ["index.html", *(c.name for c in copies)]
    return Site(folder, tuple(folder / name for name in names))


def _index(library: Library, copies: Sequence[PhoneCopy], practice: Practice, options) -> str:
    languages = options.languages
    env = environment((TEMPLATES_DIR,), languages)
    words = words_of(env)
    style = _style(options.brand or practice.brand_color)
    modules = [library.in_language(languages.main).modules[c.module] for c in copies]
    entries = [
        {"module": module, "file": copy.name, "title": module.title, "summary": module.summary}
        | {"kind": words.one(KIND_LABELS[module.kind])}
        for copy, module in zip(copies, modules, strict=True)
    ]
    return render_template(
        load_template(env, "phone/index.html"),
        language=languages.main,
        title=practice.name or words.one(SITE_TITLE),
        practice=practice,
        logo=_logo(practice.logo),
        crisis=safety_lines(practice, None, languages).crisis,
        topics=shelves(entries, languages.main),  # as the catalog shelves them
        csp=content_policy(INDEX_SCRIPT, style, site=True),
        style=Markup(style),
        script=Markup(INDEX_SCRIPT),
    )


def _manifest(practice: Practice, options: Options) -> bytes:
    name = practice.name or "Handouts"
    colour = options.brand or practice.brand_color or "#24606a"
    found = {"name": name, "short_name": name[:12], "start_url": "./index.html", "scope": "./"}
    found |= {"display": "standalone", "theme_color": colour, "background_color": "#ffffff"}
    return json.dumps(found | {"lang": options.languages.main}, ensure_ascii=False).encode()


def _worker(files: dict[str, bytes]) -> bytes:
    """The service worker, its cache named after what the site holds: a rebuilt site replaces
    what phones kept of the old one."""
    digest = hashlib.sha256(b"".join(files[name] for name in sorted(files))).hexdigest()[:12]
    script = (PHONE_DIR / "sw.js").read_text(encoding="utf-8")
    return script.replace("VERSION", digest).encode("utf-8")
