"""Render checked modules to one HTML document: Markdown, components and Jinja (sandboxed)."""

from __future__ import annotations

import os
import secrets
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import markdown
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from . import __version__
from .components import Component
from .content import Module
from .drawings import journey_map
from .errors import HandoutError, display_path
from .fonts import DEFAULT_FONT, FALLBACKS, FONTS
from .profiles import Personal, date_text
from .resources import TEMPLATES_DIR
from .validate import CheckedModule, image_path

MARKDOWN_EXTENSIONS = ("tables", "sane_lists", "smarty")
BLANK = Markup('<span class="blank" aria-label="blank space to fill in"></span>')
PAPERS = {"letter": "letter", "a4": "A4"}
DEFAULT_PAPER = "letter"
KIND_LABELS = {"handout": "Handout", "worksheet": "Worksheet"}
# What page 1 says when the practice profile gives no crisis or safety line of its own.
DEFAULT_CRISIS = (
    "If you are in crisis or think you might harm yourself, call your local emergency number now."
)
DEFAULT_SAFETY = (
    "A domestic violence service can help you plan how to stay safe, and your therapist or group "
    "leader can help you find one. If you are in danger now, call your local emergency number."
)


@dataclass(frozen=True)
class Options:
    """How a document is laid out."""

    paper: str = ""  # "" until settled: the practice's default, else DEFAULT_PAPER
    combined: bool = False
    fillable: bool = False
    large_print: bool = False
    ink_saver: bool = False
    font: str = ""
    duplex: bool = False  # packets: each module starts on a right-hand page

    @property
    def classes(self) -> str:
        """Classes on the root element that switch on each print variant in the style sheet."""
        flags = {
            "fillable": self.fillable,
            "large-print": self.large_print,
            "ink-saver": self.ink_saver,
            "duplex": self.duplex,
        }
        return " ".join(
            [*(name for name, on in flags.items() if on), f"font-{self.font or DEFAULT_FONT}"]
        )


@dataclass(frozen=True)
class Document:
    """One HTML document ready for WeasyPrint, and what its PDF metadata says."""

    html: str
    title: str
    language: str


@lru_cache(maxsize=8)
def environment(template_dirs: tuple[Path, ...] = (TEMPLATES_DIR,)) -> SandboxedEnvironment:
    """The one Jinja environment: sandboxed, autoescaped, strict about undefined values."""
    return SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class _ImageSources(Treeprocessor):
    """Point each image at its file beside the module, which the checks already vetted."""

    def __init__(self, md, checked: CheckedModule):
        super().__init__(md)
        self.checked = checked

    def run(self, root):
        for image in root.iter("img"):
            image.set("src", image_path(self.checked.module, image.get("src", "")).as_uri())


class _Components(Preprocessor):
    """Swap each component's marker line for its rendered HTML, kept out of Markdown's way."""

    def __init__(self, md, fragments: dict[str, str]):
        super().__init__(md)
        self.fragments = fragments

    def run(self, lines):
        return [
            self.md.htmlStash.store(self.fragments[line]) if line in self.fragments else line
            for line in lines
        ]


def _markdown(checked: CheckedModule, fragments: dict[str, str]) -> markdown.Markdown:
    md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
    # Raw HTML is refused by the checks; these make sure none could slip through anyway.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.preprocessors.register(_Components(md, fragments), "components", 25)
    md.treeprocessors.register(_ImageSources(md, checked), "image_sources", 1)
    return md


def markdown_html(
    checked: CheckedModule, env: SandboxedEnvironment, options: Options = Options()
) -> str:
    """The module body as HTML from Markdown and components, its placeholders not yet filled."""
    nonce = secrets.token_hex(8)
    fragments: dict[str, str] = {}
    parts = []
    for index, segment in enumerate(checked.segments):
        if isinstance(segment, Component):
            marker = f"component-{nonce}-{index}"
            fragments[marker] = _component_html(env, checked, segment, index, options)
            parts.append(f"\n\n{marker}\n\n")
        else:
            parts.append(segment)
    return _markdown(checked, fragments).convert("".join(parts))


def body_html(
    checked: CheckedModule,
    env: SandboxedEnvironment,
    personal: Personal,
    options: Options = Options(),
    name: Markup | None = None,
) -> Markup:
    """The module body as HTML, with the personal placeholders filled in (autoescaped)."""
    try:
        template = _body_template(env, checked, options)
        return Markup(template.render(content_context(personal, name)))
    except TemplateError as error:
        raise HandoutError(f"{checked.module.where}: {error.message}") from None


_BODY_TEMPLATES: dict = {}


def _body_template(env: SandboxedEnvironment, checked: CheckedModule, options: Options):
    """The compiled body of a module: it depends only on the module and how its components
    are drawn (fillable, ink-saver, large print), so each is made once."""
    key = (id(env), checked.module, options.fillable, options.ink_saver, options.large_print)
    if key not in _BODY_TEMPLATES:
        if len(_BODY_TEMPLATES) >= 256:
            _BODY_TEMPLATES.clear()
        _BODY_TEMPLATES[key] = env.from_string(markdown_html(checked, env, options))
    return _BODY_TEMPLATES[key]


def _component_html(
    env, checked: CheckedModule, component: Component, index: int, options: Options
) -> str:
    template = _template(env, f"components/{component.name}.html")
    field = f"{checked.module.id}.{component.name}.{index}"
    # A drawing's layout comes from one place, so its form fields land on what it draws.
    drawing = {"map": journey_map(options.large_print)} if component.name == "journey-map" else {}
    return _render(
        template,
        c=component,
        field=field,
        kind=checked.module.kind,
        fillable=options.fillable,
        ink_saver=options.ink_saver,
        large_print=options.large_print,
        **drawing,
        **component.options,
    )


def content_context(personal: Personal, name: Markup | None = None) -> dict:
    """The placeholders a module may use; what is not known becomes a line to write on.

    In a packet for a participant, the name is the participant's name place (see slots.html)."""

    def given(text: object) -> object:
        return text if text not in ("", None) else BLANK

    def isolated(text: str) -> Markup:
        # A name in its own element: a right-to-left name never reorders the sentence around it.
        return Markup("<bdi>{}</bdi>").format(text) if text else BLANK

    return {
        "client": {"name": name or isolated(personal.client)},
        "therapist": {"name": isolated(personal.practice.signature)},
        "practice": {"name": isolated(personal.practice.name)},
        "session": {"date": given(personal.date_text), "number": given(personal.session)},
        "note": given(personal.note),
    }


def render_document(
    checked: Sequence[CheckedModule],
    personal: Personal,
    options: Options = Options(),
    template_dirs: tuple[Path, ...] = (TEMPLATES_DIR,),
) -> Document:
    """One HTML document holding every module, each starting on a new page."""
    env = environment(template_dirs)
    items = [
        _item(env, entry, personal, options, first=index == 0)
        for index, entry in enumerate(checked)
    ]
    meta = _metadata([entry.module for entry in checked], personal)
    html = _render(
        _template(env, "document.html"), modules=items, **page_context(meta, personal, options)
    )
    return Document(html, meta["title"], meta["language"])


def page_context(meta: dict, personal: Personal, options: Options) -> dict:
    """What base.html needs: metadata, paper, variant classes, font, branding."""
    return dict(
        personal=personal,
        document=meta,
        paper=PAPERS[options.paper or DEFAULT_PAPER],
        classes=options.classes,
        options=options,
        font=FONTS[options.font or DEFAULT_FONT],
        fallbacks=FALLBACKS,
        brand_color=personal.practice.brand_color,
        logo=personal.practice.logo.as_uri() if personal.practice.logo else "",
        safety={
            "crisis": personal.practice.crisis_line or DEFAULT_CRISIS,
            "line": personal.practice.safety_line or DEFAULT_SAFETY,
        },
        version=__version__,
    )


def _item(
    env, checked: CheckedModule, personal: Personal, options: Options, first: bool, name=None
) -> dict:
    module = checked.module
    return {
        "module": module,
        "template": f"{module.kind}.html",
        "label": KIND_LABELS[module.kind],
        "body": body_html(checked, env, personal, options, name),
        "show_note": bool(personal.note) and (first or not options.combined),
        "fillable": options.fillable,
        "name_slot": False,
        "date_text": personal.date_text,
        "session": personal.session,
        "band": None,
    }


# --- packets ---------------------------------------------------------------------------


def render_packet(
    packet,
    checked: Mapping[str, CheckedModule],
    personal: Personal,
    options: Options,
    layout: Mapping,
    view: Mapping | None = None,
    facilitator: bool = False,
    dates: Sequence[date] = (),
) -> Document:
    """One HTML document for a packet: cover, contents, sessions and their modules.

    With a participant view, the participant's details fill the fixed-size places of
    slots.html; without one, those places are blank lines to write on."""
    env = environment()
    parts = [
        _part(env, session, checked, personal, options, view, facilitator, dates, packet)
        for session in packet.sessions
    ]
    meta = _metadata([checked[m].module for m in packet.module_ids], personal)
    meta |= {"title": packet.title + (" (facilitator edition)" if facilitator else "")}
    meta["subject"] = packet.subtitle or meta["subject"]
    cover = {
        "kind": "Facilitator edition" if facilitator else _packet_kind(packet),
        "leader": personal.practice.signature,
        "dates": [date_text(day) for day in dates],
        "sessions": sum(1 for s in packet.sessions if s.number),
        "group": "group" in packet.audience,
    }
    html = _render(
        _template(env, "packet.html"),
        packet=packet,
        parts=parts,
        cover=cover,
        view=view,
        layout=layout,
        facilitator=facilitator,
        **page_context(meta, personal, options),
    )
    return Document(html, meta["title"], meta["language"])


# The page area's height (style.css: @page margins of 19 mm and 20 mm), and what a Notes page
# holds: its heading's fixed height, the ruled lines' spacing (--write-line), room to spare.
PAGE_AREA_MM = {"letter": 279.4 - 39, "a4": 297 - 39}
NOTES_HEAD_MM = {False: 14, True: 20}
NOTES_LINE_MM = {False: 8.5, True: 12}
NOTES_SPARE_MM = 4


def notes_lines(options: Options) -> int:
    """How many ruled lines fill a Notes page under its heading, so that it is exactly one page."""
    large = options.large_print
    room = PAGE_AREA_MM[options.paper or DEFAULT_PAPER] - NOTES_HEAD_MM[large] - NOTES_SPARE_MM
    return int(room // NOTES_LINE_MM[large])


def render_notes_page(packet: Document, personal: Personal, options: Options) -> Document:
    """A ruled Notes page (a heading and lines to write on) alone, where it sits in the page
    area and with no header or footer: laid over the pages a packet leaves blank."""
    meta = {"title": packet.title, "language": packet.language, "created": _created()}
    meta |= dict.fromkeys(("author", "subject", "keywords"), "")
    html = _render(
        _template(environment(), "notes-page.html"),
        notes_lines=notes_lines(options),
        **page_context(meta, personal, options),
    )
    return Document(html, packet.title, packet.language)


def render_stamps(
    pages: Sequence[Sequence],
    page_height: float,
    view: Mapping,
    layout: Mapping,
    meta: Document,
    personal: Personal,
    options: Options,
) -> str:
    """The HTML of one participant's details alone, each at its place on its page."""
    context = page_context(
        {
            "title": meta.title,
            "language": meta.language,
            "author": "",
            "subject": "",
            "keywords": "",
            "created": _created(),
        },
        personal,
        options,
    )
    return _render(
        _template(environment(), "stamps.html"),
        pages=pages,
        page_height=page_height,
        view=view,
        layout=layout,
        **context,
    )


def _packet_kind(packet) -> str:
    audience = {"group": "Workshop", "couples": "For couples", "family": "For families"}
    kinds = [audience[a] for a in packet.audience if a in audience]
    return " · ".join([*(kinds[:1] or ["Packet"]), f"{len(packet.module_ids)} modules"])


def _part(env, session, checked, personal, options, view, facilitator, dates, packet) -> dict:
    number = session.number
    band = {"id": f"packet-session-{number}", "label": f"Session {number} · {session.title}"}
    band = band if number else None
    notes = session.notes if facilitator else None
    personal = replace(personal, client="", note="", session=number or None)
    personal = replace(personal, date=_session_date(dates, number, len(packet.sessions)))
    name = Markup(env.get_template("slots.html").module.name(view)) if view else None
    items = []
    for index, module_id in enumerate(session.modules):
        # A form handed in without saying who wrote it: no name on it (packet.html hides the
        # name line), nor in its text.
        anonymous = module_id in packet.anonymous
        named = view is not None and not anonymous
        item = _item(
            env, checked[module_id], personal, options, first=False, name=name if named else None
        )
        item |= {"name_slot": named, "participant": view if named else None, "show_note": False}
        item["anonymous"] = anonymous
        item["band"] = band if index == 0 and not notes else None
        items.append(item)
    return {
        "number": number,
        "title": session.title or packet.title,
        "summary": session.summary,
        "band": band,
        "notes": notes,
        "notes_id": f"notes-session-{number}",
        "entries": items,
    }


def _session_date(dates: Sequence[date], number: int, sessions: int) -> date | None:
    """A session's own date when there is one per session; the one date when only one."""
    if len(dates) == 1:
        return dates[0]
    if number and len(dates) == sessions:
        return dates[number - 1]
    return None


def _metadata(modules: Sequence[Module], personal: Personal) -> dict:
    topics = dict.fromkeys(topic for module in modules for topic in module.topics)
    return {
        "title": "; ".join(module.title for module in modules),
        "subject": " ".join(module.summary for module in modules),
        "keywords": ", ".join(topics),
        "author": personal.author,
        "language": modules[0].language,
        "created": _created(),
    }


def _created() -> str:
    """A creation date only when SOURCE_DATE_EPOCH fixes one, so builds stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return ""
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _template(env: SandboxedEnvironment, name: str):
    try:
        return env.get_template(name)
    except TemplateSyntaxError as error:
        where = display_path(error.filename or name)
        raise HandoutError(f"{where}: line {error.lineno}: {error.message}") from None
    except TemplateError as error:
        raise HandoutError(f"template '{name}': {error.message or 'not found'}") from None


def _render(template, **context) -> str:
    try:
        return template.render(**context)
    except TemplateError as error:
        raise HandoutError(f"{_where(error, template)}: {error.message}") from None


def _where(error: Exception, template) -> str:
    """The template file and line an error came from, read off Jinja's rewritten traceback."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(".html")
    ]
    if not frames:
        return display_path(template.filename or template.name)
    return f"{display_path(frames[-1].filename)}: line {frames[-1].lineno}"
