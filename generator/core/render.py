"""Render checked modules to one HTML document: bodies (see body.py), components, and the page
templates in Jinja's sandbox."""

from __future__ import annotations

import hashlib
import os
import pickle
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import (
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.bccache import Bucket
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .._version import __version__
from .bilingual import paired_body
from .body import PLACEHOLDERS, Slot, fill
from .cache import cache_folder
from .components import Component
from .content import Module
from .drawings import PhoneLink, journey_map, phone_link
from .errors import HandoutError, display_path
from .fonts import FALLBACKS, FONTS, needs_fallbacks
from .languages import N_, Languages, Words, format_day, page_counter, translations
from .measure import OtherWords, words_beside
from .options import PAGE_SIZES, Options, Settled, palette, settle
from .profiles import Personal
from .resources import TEMPLATES_DIR
from .safety import SafetyLines, safety_lines
from .typography import bind_last_words
from .validate import CheckedModule

BLANK_TEXT = N_("blank space to fill in")
KIND_LABELS = {
    "handout": N_("Handout"),
    "worksheet": N_("Worksheet"),
    "measure": N_("Questionnaire"),
}
KIND_NAMES = {
    "handout": N_("handout"),
    "worksheet": N_("worksheet"),
    "measure": N_("questionnaire"),
}  # in a sentence or a list


@dataclass(frozen=True)
class Document:
    """One HTML document ready for WeasyPrint, and what its PDF metadata says."""

    html: str
    title: str
    language: str


# How the page templates are read. Their compiled form depends on these (and on the sandbox
# and the kind of gettext), so the compiled templates kept between runs are filed under them.
SYNTAX = dict(
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)


@lru_cache(maxsize=16)
def environment(
    template_dirs: tuple[Path, ...] = (TEMPLATES_DIR,), languages: Languages = Languages()
) -> SandboxedEnvironment:
    """The Jinja environment of one language (or pair): sandboxed, autoescaped, strict about
    undefined values, its page strings translated through the language's catalogue."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        undefined=StrictUndefined,
        **SYNTAX,
    )
    # The i18n extension adds this method; the environment's type does not declare it.
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(languages.main), newstyle=True
    )
    env.bytecode_cache = TemplateCache(env)
    words = Words(languages)
    env.globals.update(both=words.both, plain=words.plain, aside=words.aside, words=words)
    env.globals["languages"] = languages
    env.globals["page_counter"] = page_counter
    return env


class TemplateCache(FileSystemBytecodeCache):
    """The page templates compiled once and kept in the user's cache folder: compiling them
    costs a fresh command more than the rest of making its HTML. Each is found by its file's
    path and used only while its text is the same (Jinja checks); the folder's name carries
    Jinja's version and how the templates are read. Only templates are kept, never what fills
    them in. A cache that cannot be read or written is skipped, never an error."""

    def __init__(self, env: SandboxedEnvironment):
        newstyle = getattr(env, "newstyle_gettext", False)  # set by the i18n extension
        how = (jinja2.__version__, type(env).__name__, newstyle, sorted(SYNTAX.items()))
        digest = hashlib.sha256(repr(how).encode()).hexdigest()[:16]
        super().__init__(str(cache_folder() / f"templates-{digest}"))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            bucket.reset()  # unreadable or cut short: compiled again, and written again

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def words_of(env: SandboxedEnvironment) -> Words:
    """The page strings of an environment made by environment()."""
    return cast(Words, env.globals["words"])


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
    return fill(parts, placeholder_values(content_context(env, personal, name)))


_BODY_PARTS: dict[tuple, tuple[str | Slot, ...]] = {}


def _body_parts(
    env: SandboxedEnvironment, checked: CheckedModule, options: Options
) -> tuple[str | Slot, ...]:
    """The body cut at its placeholders: it depends only on the module (and the one beside it),
    the language and how its components are drawn (fillable, ink-saver, large print), so each
    is made once."""
    beside = checked.beside.module if checked.beside else None
    key: tuple = (id(env), checked.module, options.fillable, options.ink_saver)
    key += (options.large_print, options.brand, beside)
    key += (options.phone,)
    if key not in _BODY_PARTS:
        if len(_BODY_PARTS) >= 256:
            _BODY_PARTS.clear()
        theirs = checked.beside.segments if checked.beside else (None,) * len(checked.segments)
        fragments = [
            _component_html(env, checked, segment, index, options, other)
            if isinstance(segment, Component)
            else ""
            for index, (segment, other) in enumerate(zip(checked.segments, theirs, strict=True))
        ]
        body = paired_body(checked.body, checked.beside) if checked.beside else checked.body
        _BODY_PARTS[key] = body.assemble(fragments)
    return _BODY_PARTS[key]


def _component_html(
    env: SandboxedEnvironment,
    checked: CheckedModule,
    component: Component,
    index: int,
    options: Options,
    other: Component | str | None = None,
) -> str:
    """One component, drawn once; in a bilingual copy with the other language's words under
    its own ('o': the same component of the module beside it)."""
    # A component draws itself on paper, or as a phone copy's form controls.
    folder = "phone/components" if options.phone else "components"
    template = load_template(env, f"{folder}/{component.name}.html")
    field = f"{checked.module.id}.{component.name}.{index}"
    words = words_of(env)
    marked = _marked(checked, component, words.one)
    return render_template(
        template,
        c=marked,
        o=_other(checked, marked, other, words) if isinstance(other, Component) else None,
        field=field,
        kind=checked.module.kind,
        fillable=options.fillable,
        ink_saver=options.ink_saver,
        large_print=options.large_print,
        palette=palette(options),
        scoring=checked.module.scoring,
        notice=checked.module.notice,
        o_measure=_measure_beside(checked, component, other),
        **_drawing(component, options, words.languages),
        **marked.options,
    )


def _measure_beside(
    checked: CheckedModule, component: Component, other: Component | str | None
) -> OtherWords | None:
    """In a bilingual copy of a measure, its published words in the other language."""
    theirs = checked.beside.module if checked.beside and isinstance(other, Component) else None
    mine = checked.module.scoring
    if component.name != "measure" or not mine or not theirs or not theirs.scoring:
        return None
    return words_beside(mine, theirs.scoring, theirs.notice)


def _drawing(component: Component, options: Options, languages: Languages) -> dict:
    """A drawing's layout comes from one place, so its form fields land on what it draws; in a
    bilingual copy, the other language's words are said under it."""
    if component.name != "journey-map":
        return {}
    beside = journey_map(options.large_print, languages.beside) if languages.beside else None
    return {"map": journey_map(options.large_print, languages.main), "beside_map": beside}


def _marked(
    checked: CheckedModule, component: Component, translate: Callable[[str], str]
) -> Component:
    """The component with the placeholders in its words made markers, like the Markdown's, and
    the texts its author left at their defaults translated."""
    mark = checked.body.mark
    return replace(
        component,
        prompt=mark(component.prompt),
        items=tuple(mark(item) for item in component.items),
        options={
            k: mark(_default(component, k, v, translate)) if isinstance(v, str) else v
            for k, v in component.options.items()
        },
    )


def _default(component: Component, name: str, value: str, translate: Callable[[str], str]) -> str:
    return value if name in component.given else translate(value)


@dataclass(frozen=True)
class Beside:
    """What a bilingual component prints in the second language."""

    prompt: str
    items: tuple[str, ...]
    options: Mapping


def _other(checked: CheckedModule, mine: Component, theirs: Component, words: Words) -> Beside:
    other = _marked(checked, theirs, words.other)
    same = len(other.items) == len(mine.items)
    return Beside(other.prompt, other.items if same else ("",) * len(mine.items), other.options)


def placeholder_values(context: Mapping) -> dict[str, object]:
    """Each placeholder's value, by the name written in modules (e.g. 'client.name')."""
    values: dict[str, object] = {}
    for name in PLACEHOLDERS:
        value: Any = context
        for part in name.split("."):
            value = value[part]
        values[name] = value
    return values


def content_context(
    env: SandboxedEnvironment, personal: Personal, name: Markup | None = None
) -> dict:
    """The placeholders a module may use; what is not known becomes a line to write on.

    In a packet for a participant, the name is the participant's name place (see slots.html)."""
    words = words_of(env)
    blank = Markup('<span class="blank" aria-label="{}"></span>').format(words.plain(BLANK_TEXT))

    def given(text: object) -> object:
        return text if text not in ("", None) else blank

    def isolated(text: str) -> Markup:
        # A name in its own element: a right-to-left name never reorders the sentence around it.
        return Markup("<bdi>{}</bdi>").format(text) if text else blank

    day = format_day(personal.date, words.languages.main) if personal.date else ""
    return {
        "client": {"name": name or isolated(personal.client)},
        "therapist": {"name": isolated(personal.practice.signature)},
        "practice": {"name": isolated(personal.practice.name)},
        "session": {"date": given(day), "number": given(personal.session)},
        "note": given(personal.note),
    }


def render_document(
    checked: Sequence[CheckedModule],
    personal: Personal,
    options: Options = Options(),
    template_dirs: tuple[Path, ...] = (TEMPLATES_DIR,),
    safety: SafetyLines | None = None,
) -> Document:
    """One HTML document holding every module, each starting on a new page."""
    env = environment(template_dirs, options.languages)
    items = [
        item_context(env, entry, personal, options, first=index == 0)
        for index, entry in enumerate(checked)
    ]
    meta = metadata([entry.module for entry in checked], personal, options)
    settled = options if isinstance(options, Settled) else settle(options, personal.practice)
    context = page_context(meta, personal, settled, safety)
    template = load_template(env, "document.html")
    # Packets keep every fallback font (their pages share one head, whoever the participant);
    # a single document loads them only if it has a letter the chosen font may lack.
    html = render_template(template, modules=items, **(context | {"fallbacks": ()}))
    if needs_fallbacks(html):
        html = render_template(template, modules=items, **context)
    return Document(bind_last_words(html, meta["language"]), meta["title"], meta["language"])


def page_context(
    meta: dict, personal: Personal, options: Settled, safety: SafetyLines | None = None
) -> dict:
    """What base.html needs: metadata, paper, variant classes, font, branding, safety lines
    (every choice already made by settle())."""
    return dict(
        personal=personal,
        document=meta,
        paper=PAGE_SIZES[options.paper],
        classes=options.classes,
        options=options,
        font=FONTS[options.font],
        fallbacks=FALLBACKS,
        brand_color=options.brand,
        logo=personal.practice.logo.as_uri() if personal.practice.logo else "",
        safety=safety or safety_lines(personal.practice, None, options.languages),
        version=__version__,
    )


def item_context(
    env: SandboxedEnvironment,
    checked: CheckedModule,
    personal: Personal,
    options: Options,
    first: bool,
    name: Markup | None = None,
) -> dict:
    module = checked.module
    words = words_of(env)
    return {
        "module": module,
        "beside": checked.beside.module if checked.beside else None,
        "template": f"{module.kind}.html",
        "label": words.both(KIND_LABELS[module.kind]),
        "kind_name": words.both(KIND_NAMES[module.kind]),
        "body": body_html(checked, env, personal, options, name),
        "show_note": bool(personal.note) and (first or not options.combined),
        "fillable": options.fillable,
        "name_slot": False,
        "date_text": format_day(personal.date, words.languages.main) if personal.date else "",
        "session": personal.session,
        "band": None,
        "phone_link": _phone_link(personal, module, words),
    }


def _phone_link(personal: Personal, module: Module, words: Words) -> PhoneLink | None:
    """On a printed worksheet, the way to its phone copy, when the practice has a phone_url."""
    if module.kind != "worksheet":
        return None
    label = words.plain("A QR code: open this worksheet on your phone")
    return phone_link(personal.practice.phone_url, module.id, words.languages.main, label)


def metadata(modules: Sequence[Module], personal: Personal, options: Options = Options()) -> dict:
    """The PDF's title, subject, keywords, author and language (the one it is printed in, which
    is the language of the page strings, and of the modules unless English stood in for one)."""
    topics = dict.fromkeys(topic for module in modules for topic in module.topics)
    return {
        "title": "; ".join(module.title for module in modules),
        "subject": " ".join(module.summary for module in modules),
        "keywords": "" if options.discreet else ", ".join(topics),
        "author": personal.author,
        "language": options.languages.main if options.language else modules[0].language,
        "created": created_date(),
    }


def created_date() -> str:
    """A creation date only when SOURCE_DATE_EPOCH fixes one, so builds stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return ""
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_template(env: SandboxedEnvironment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except TemplateSyntaxError as error:
        where = display_path(error.filename or name)
        raise HandoutError(f"{where}: line {error.lineno}: {error.message}") from None
    except TemplateError as error:
        raise HandoutError(f"template '{name}': {error.message or 'not found'}") from None


def render_template(template: jinja2.Template, **context: Any) -> str:
    try:
        return template.render(**context)
    except TemplateError as error:
        raise HandoutError(f"{_where(error, template)}: {error.message}") from None


def _where(error: Exception, template: jinja2.Template) -> str:
    """The template file and line an error came from, read off Jinja's rewritten traceback."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(".html")
    ]
    if not frames:
        return display_path(template.filename or template.name or "template")
    return f"{display_path(frames[-1].filename)}: line {frames[-1].lineno}"
