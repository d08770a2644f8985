"""Render checked modules to one HTML document: bodies (see body.py), components, and the page
templates in Jinja's sandbox."""

from __future__ import annotations

import os
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .. import __version__
from .body import PLACEHOLDERS, fill
from .components import Component
from .content import Module
from .drawings import journey_map
from .errors import HandoutError, display_path
from .fonts import DEFAULT_FONT, FALLBACKS, FONTS
from .options import DEFAULT_PAPER, PAGE_SIZES, Options, palette
from .profiles import Personal
from .resources import TEMPLATES_DIR
from .validate import CheckedModule

BLANK = Markup('<span class="blank" aria-label="blank space to fill in"></span>')
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


def body_html(
    checked: CheckedModule,
    env: SandboxedEnvironment,
    personal: Personal,
    options: Options = Options(),
    name: Markup | None = None,
) -> Markup:
    """The module body as HTML, with the personal placeholders filled in (escaped).

    The body is never a template (see body.py): its placeholders are markers, filled here."""
    parts = _body_parts(env, checked, options)
    return fill(parts, placeholder_values(content_context(personal, name)))


_BODY_PARTS: dict = {}


def _body_parts(env: SandboxedEnvironment, checked: CheckedModule, options: Options):
    """The body cut at its placeholders: it depends only on the module and how its components
    are drawn (fillable, ink-saver, large print), so each is made once."""
    key = (id(env), checked.module, options.fillable, options.ink_saver, options.large_print)
    key += (options.brand,)  # drawings are printed in the practice's colour
    if key not in _BODY_PARTS:
        if len(_BODY_PARTS) >= 256:
            _BODY_PARTS.clear()
        fragments = [
            _component_html(env, checked, segment, index, options)
            if isinstance(segment, Component)
            else ""
            for index, segment in enumerate(checked.segments)
        ]
        _BODY_PARTS[key] = checked.body.assemble(fragments)
    return _BODY_PARTS[key]


def _component_html(
    env, checked: CheckedModule, component: Component, index: int, options: Options
) -> str:
    template = load_template(env, f"components/{component.name}.html")
    field = f"{checked.module.id}.{component.name}.{index}"
    # A drawing's layout comes from one place, so its form fields land on what it draws.
    drawing = {"map": journey_map(options.large_print)} if component.name == "journey-map" else {}
    marked = _marked(checked, component)
    return render_template(
        template,
        c=marked,
        field=field,
        kind=checked.module.kind,
        fillable=options.fillable,
        ink_saver=options.ink_saver,
        large_print=options.large_print,
        palette=palette(options),
        **drawing,
        **marked.options,
    )


def _marked(checked: CheckedModule, component: Component) -> Component:
    """The component with the placeholders in its words made markers, like the Markdown's."""
    mark = checked.body.mark
    return replace(
        component,
        prompt=mark(component.prompt),
        items=tuple(mark(item) for item in component.items),
        options={k: mark(v) if isinstance(v, str) else v for k, v in component.options.items()},
    )


def placeholder_values(context: Mapping) -> dict[str, object]:
    """Each placeholder's value, by the name written in modules (e.g. 'client.name')."""
    values = {}
    for name in PLACEHOLDERS:
        value = context
        for part in name.split("."):
            value = value[part]
        values[name] = value
    return values


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
        item_context(env, entry, personal, options, first=index == 0)
        for index, entry in enumerate(checked)
    ]
    meta = metadata([entry.module for entry in checked], personal)
    html = render_template(
        load_template(env, "document.html"), modules=items, **page_context(meta, personal, options)
    )
    return Document(html, meta["title"], meta["language"])


def page_context(meta: dict, personal: Personal, options: Options) -> dict:
    """What base.html needs: metadata, paper, variant classes, font, branding."""
    return dict(
        personal=personal,
        document=meta,
        paper=PAGE_SIZES[options.paper or DEFAULT_PAPER],
        classes=options.classes,
        options=options,
        font=FONTS[options.font or DEFAULT_FONT],
        fallbacks=FALLBACKS,
        brand_color=options.brand or personal.practice.brand_color,
        logo=personal.practice.logo.as_uri() if personal.practice.logo else "",
        safety={
            "crisis": personal.practice.crisis_line or DEFAULT_CRISIS,
            "line": personal.practice.safety_line or DEFAULT_SAFETY,
        },
        version=__version__,
    )


def item_context(
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


def metadata(modules: Sequence[Module], personal: Personal) -> dict:
    topics = dict.fromkeys(topic for module in modules for topic in module.topics)
    return {
        "title": "; ".join(module.title for module in modules),
        "subject": " ".join(module.summary for module in modules),
        "keywords": ", ".join(topics),
        "author": personal.author,
        "language": modules[0].language,
        "created": created_date(),
    }


def created_date() -> str:
    """A creation date only when SOURCE_DATE_EPOCH fixes one, so builds stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return ""
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_template(env: SandboxedEnvironment, name: str):
    try:
        return env.get_template(name)
    except TemplateSyntaxError as error:
        where = display_path(error.filename or name)
        raise HandoutError(f"{where}: line {error.lineno}: {error.message}") from None
    except TemplateError as error:
        raise HandoutError(f"template '{name}': {error.message or 'not found'}") from None


def render_template(template, **context) -> str:
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
