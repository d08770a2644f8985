"""A phone copy: one module as one self-contained HTML file that saves the client's answers on
the phone and sends them back locked to the practice's key. Same words as the PDF: the same
checked module, body and components (drawn as form controls), crisis and safety lines."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from markupsafe import Markup, escape

from .. import __version__
from ..core.build import prepare_handouts
from ..core.components import Component
from ..core.content import Library
from ..core.languages import N_
from ..core.options import Options
from ..core.profiles import Personal
from ..core.render import (
    environment,
    item_context,
    load_template,
    metadata,
    render_template,
    words_of,
)
from ..core.resources import TEMPLATES_DIR
from ..core.validate import CheckedModule
from .keys import fingerprint

PHONE_DIR = TEMPLATES_DIR / "phone"
ANSWER_PLACES = {"lines", "box", "checklist", "scale", "table", "log", "network-map"}
# What the script says, in the page's language (the catalogue's words, handed to it as data).
SCRIPT_STRINGS = {
    "not_saved": N_("This phone could not save your answers. Send them before you close the page."),
    "no_crypto": N_("This browser cannot lock your answers. Open this file in Safari or Chrome."),
    "not_sealed": N_("Something went wrong while locking your answers. Please try again."),
    "share_title": N_("My answers"),
    "shared": N_("Your answers file was handed to your phone to send."),
    "downloaded": N_(
        "Your answers file is saved in your downloads. Send it to your therapist the way you "
        "usually do."
    ),
    "clear_confirm": N_("Clear all your answers from this phone? This cannot be undone."),
    "cleared": N_("Your answers are cleared from this phone."),
    "read_question": N_("Read this aloud"),
}
# A table wider than the phone scrolls within its own box, named for a screen reader by this.
TABLE_LABEL = N_("Table")


@dataclass(frozen=True)
class PhoneCopy:
    """A finished phone copy in memory, and the file name the command line gives it."""

    name: str
    html: str
    module: str
    copy: str  # the copy's id: its answers are stored on the phone under it

    @property
    def data(self) -> bytes:
        return self.html.encode("utf-8")

    def write(self, target: Path | str = "output") -> Path:
        """Write the copy atomically: into a folder under its own name, or to an .html path."""
        from ..core.output import prepare_folder, write_file

        target = Path(target)
        path = target if target.suffix.lower() == ".html" else target / self.name
        prepare_folder(path.parent)
        write_file(path, self.data)
        return path


def phone_copies(
    ids: Sequence[str],
    personal: Personal,
    library: Library,
    public: ec.EllipticCurvePublicKey,
    options: Options = Options(),
    site: bool = False,
) -> list[PhoneCopy]:
    """One phone copy per module, each locked to the practice's public key; for a homework
    site, each page also names the site's manifest and may start its service worker."""
    chosen = replace(options, phone=True, fillable=False, large_print=False, ink_saver=False)
    prepared = prepare_handouts(ids, personal, library, False, chosen)
    return [
        render_copy(entry, personal, prepared.options, prepared.safety, public, site)
        for entry in prepared.checked
    ]


def render_copy(
    checked: CheckedModule, personal: Personal, options, safety, public, site: bool = False
) -> PhoneCopy:
    env = environment((TEMPLATES_DIR,), options.languages)
    item = item_context(env, checked, personal, options, first=True)
    module = checked.module
    copy = _copy_id(item["body"], personal, module.id, options.language, fingerprint(public))
    style = _style(options.brand or personal.practice.brand_color)
    script = (PHONE_DIR / "phone.js").read_text(encoding="utf-8")
    html = render_template(
        load_template(env, "phone/copy.html"),
        item=item,
        personal=personal,
        document=metadata([module], personal, options),
        safety=safety,
        answerable=any(_answers(s) for s in checked.segments),
        logo=_logo(personal.practice.logo),
        csp=content_policy(script, style, site),
        site=site,
        style=Markup(style),
        script=Markup(script),
        data=_data(env, module, options, copy, public, site),
        version=__version__,
    )
    slug = f"-{personal.slug}" if personal.slug else ""
    table = words_of(env).one(TABLE_LABEL)
    return PhoneCopy(f"{module.id}{slug}.html", _for_phone(html, table), module.id, copy)


def _answers(segment) -> bool:
    return isinstance(segment, Component) and (
        segment.name in ANSWER_PLACES or segment.name == "journey-map"
    )


def content_policy(script: str, style: str, site: bool = False) -> str:
    """Nothing from the network, ever: only this page's own script and style, and pictures
    written into the page itself; on a homework site, also its own manifest and service
    worker (which keeps each page opened once for use offline)."""
    own = "; manifest-src 'self'; worker-src 'self'" if site else ""
    return (
        "default-src 'none'; "
        f"script-src '{_hash(script)}'; style-src '{_hash(style)}'; img-src data:; "
        # a table's column alignment (Markdown writes it as a style attribute); nothing more
        "style-src-attr 'unsafe-inline'; "
        f"base-uri 'none'; form-action 'none'{own}"
    )


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _style(brand: str) -> str:
    css = (PHONE_DIR / "phone.css").read_text(encoding="utf-8")
    # The colour is checked as #rrggbb by the profile's schema and --brand's option.
    return css + (f":root {{ --brand: {brand}; }}\n" if brand else "")


def _logo(path: Path | None) -> str:
    return _data_uri(path.as_uri()) if path is not None else ""


IMAGE_SOURCE = re.compile(r'src="(file://[^"]+)"')
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
IMAGE_TYPES |= {".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}


EMPTY_HEADER = re.compile(r"<th>\s*</th>")
TABLE = re.compile(r"<table>.*?</table>", re.S)


def _for_phone(html: str, table_label: str) -> str:
    """The module's pictures written into the page: a phone copy fetches nothing, and carries
    no path of this computer (the body's checks allowed only pictures under the content
    roots). A table's empty corner is a plain cell: a screen reader has no header to read. A
    table is in a box of its own that scrolls sideways when the table is wider than a small
    phone, so that the page never does (and the box can be reached and scrolled by keyboard)."""
    html = IMAGE_SOURCE.sub(lambda match: f'src="{_data_uri(match.group(1))}"', html)
    html = EMPTY_HEADER.sub("<td></td>", html)
    box = f'<div class="table-box" role="region" tabindex="0" aria-label="{escape(table_label)}">'
    return TABLE.sub(lambda match: f"{box}{match.group(0)}</div>", html)


def _data_uri(address: str) -> str:
    path = Path(url2pathname(unquote(urlparse(address).path)))
    kind = IMAGE_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _copy_id(body: str, personal: Personal, module_id: str, language: str, key: str) -> str:
    who = (personal.client, str(personal.date or ""), str(personal.session or ""), personal.note)
    seed = json.dumps([module_id, language, key, __version__, *who, str(body)])
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]


def _data(env, module, options: Options, copy: str, public, site: bool = False) -> Markup:
    """What the script needs, as JSON that cannot end its script element."""
    words = env.globals["words"]
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    found = {
        "module": module.id,
        "title": module.title,
        "language": options.languages.main,
        "copy": copy,
        "key": base64.urlsafe_b64encode(spki).rstrip(b"=").decode("ascii"),
        "fingerprint": fingerprint(public),
        "strings": {name: words.one(text) for name, text in SCRIPT_STRINGS.items()},
        "site": site,
    }
    text = json.dumps(found, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
