"""Render checked modules to one HTML document: bodies (see body.py), components, and the page
templates in Jinja's sandbox."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import (
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .. import __version__
from .body import PLACEHOLDERS, BodyHtml, fill
from .cache import cache_folder
from .components import Component
from .content import Module
from .drawings import journey_map
from .errors import HandoutError, display_path
from .fonts import DEFAULT_FONT, FALLBACKS, FONTS, needs_fallbacks
from .languages import N_, Languages, format_day, gettext, translations
from .options import DEFAULT_PAPER, PAGE_SIZES, Options, palette
from .profiles import Personal
from .resources import TEMPLATES_DIR
from .safety import SafetyLines, safety_lines
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
    env.install_gettext_translations(translations(languages.main), newstyle=True)
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
        how = (jinja2.__version__, type(env).__name__, env.newstyle_gettext, sorted(SYNTAX.items()))
        digest = hashlib.sha256(repr(how).encode()).hexdigest()[:16]
        super().__init__(str(cache_folder() / f"templates-{digest}"))

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            bucket.reset()  # unreadable or cut short: compiled again, and written again

    def dump_bytecode(self, bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


class Words:
    """Page strings in a document's language, and in the language printed beside it, if any:
    `both` as HTML (the second language in a span of its own, which the style sheet sets
    smaller), `plain` as text for attributes and style sheets ('Nombre / Name')."""

    def __init__(self, languages: Languages):
        self.languages = languages
        self.main = gettext(languages.main)
        self.beside = gettext(languages.beside) if languages.beside else None

    # Like Jinja's own '_' (newstyle gettext), every string is a format string: '%%' for '%'.
    def one(self, text: str, **values) -> str:
        return self.main(text) % values

    def other(self, text: str, **values) -> str:
        """The string in the second language ("" in a document in one language)."""
        return self.beside(text) % values if self.beside is not None else ""

    def both(self, text: str, **values) -> Markup:
        main = Markup.escape(self.one(text, **values))
        if self.beside is None:
            return main
        return main + Markup('<span class="also" lang="{}">{}</span>').format(
            self.languages.beside, self.other(text, **values)
        )

    def plain(self, text: str, **values) -> str:
        return " / ".join(t for t in (self.one(text, **values), self.other(text, **values)) if t)

    def aside(self, text: str) -> Markup:
        """Words already in the second language (a module's own), in a span of their own."""
        if self.beside is None or not text:
            return Markup("")
        return Markup('<span class="also" lang="{}">{}</span>').format(self.languages.beside, text)


def page_counter(text: str) -> Markup:
    """'Página {page} de {pages}' as the content of a page-margin box in CSS: the words as CSS
    strings, the numbers as the page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", str(text))
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    css = [counters.get(part) or _css_string(part) for part in parts if part]
    return Markup(" ".join(css))


def _css_string(text: str) -> str:
    """Text as a quoted CSS string that cannot end its string or the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


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


_BODY_PARTS: dict = {}


def _body_parts(env: SandboxedEnvironment, checked: CheckedModule, options: Options):
    """The body cut at its placeholders: it depends only on the module (and the one beside it),
    the language and how its components are drawn (fillable, ink-saver, large print), so each
    is made once."""
    key = (id(env), checked.module, options.fillable, options.ink_saver, options.large_print)
    key += (options.brand, checked.beside.module if checked.beside else None)
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
        body = paired_body(checked) if checked.beside else checked.body
        _BODY_PARTS[key] = body.assemble(fragments)
    return _BODY_PARTS[key]


# --- bilingual copies ----------------------------------------------------------------------
# The two modules' text in two columns, part beside part: the checks made sure both have the
# same components in the same order, so the text between one component and the next pairs up
# one to one, and within it each section (from one heading to the next) when both have as many.

HEADING_TAG = re.compile(r"(?=<h[1-6][ >])")
ENDS_WITH_HEADING = re.compile(r"</h[1-6]>\s*$")


def paired_body(checked: CheckedModule) -> BodyHtml:
    """The body of a bilingual copy: each stretch of text beside its translation, each
    component (drawn once, in both languages) between them."""
    mine, other = checked.body, checked.beside.body
    language = checked.beside.module.language
    texts_markers = re.split("(<!--cm" + mine.nonce + r"x\d+x-->)", mine.html)
    texts, markers = texts_markers[0::2], texts_markers[1::2]
    # The other body's placeholders become this body's, so that one fill serves both.
    theirs = re.split("<!--cm" + other.nonce + r"x\d+x-->", other.html)
    theirs = [text.replace(f"ph{other.nonce}x", f"ph{mine.nonce}x") for text in theirs]
    html = []
    for index, text in enumerate(texts):
        html += [_pair(a, b, language) for a, b in _sections(text, theirs[index])]
        html += markers[index : index + 1]
    return BodyHtml("\n".join(html), mine.nonce)


def _sections(mine: str, theirs: str) -> list[tuple[str, str]]:
    """Two stretches of text cut at their headings, when both have as many; else whole."""
    cut = [_cut(mine), _cut(theirs)]
    return list(zip(*cut, strict=True)) if len(cut[0]) == len(cut[1]) else [(mine, theirs)]


def _cut(html: str) -> list[str]:
    return [part for part in HEADING_TAG.split(html) if part.strip()]


def _pair(mine: str, theirs: str, language: str) -> str:
    if not mine.strip() and not theirs.strip():
        return ""
    # A part that ends with a heading stays on the page of what comes after it.
    ending = " pair--heading" if ENDS_WITH_HEADING.search(mine) else ""
    return (
        f'<div class="pair{ending}"><div class="pair-main">{mine}</div>'
        f'<div class="pair-beside" lang="{language}">{theirs}</div></div>'
    )


def _component_html(
    env,
    checked: CheckedModule,
    component: Component,
    index: int,
    options: Options,
    other: Component | None = None,
) -> str:
    """One component, drawn once; in a bilingual copy with the other language's words under
    its own ('o': the same component of the module beside it)."""
    template = load_template(env, f"components/{component.name}.html")
    field = f"{checked.module.id}.{component.name}.{index}"
    words = env.globals["words"]
    marked = _marked(checked, component, words.one)
    return render_template(
        template,
        c=marked,
        o=_other(checked, marked, other, words) if other is not None else None,
        field=field,
        kind=checked.module.kind,
        fillable=options.fillable,
        ink_saver=options.ink_saver,
        large_print=options.large_print,
        palette=palette(options),
        scoring=checked.module.scoring,
        notice=checked.module.notice,
        **_drawing(component, options, words.languages),
        **marked.options,
    )


def _drawing(component: Component, options: Options, languages: Languages) -> dict:
    """A drawing's layout comes from one place, so its form fields land on what it draws; in a
    bilingual copy, the other language's words are said under it."""
    if component.name != "journey-map":
        return {}
    beside = journey_map(options.large_print, languages.beside) if languages.beside else None
    return {"map": journey_map(options.large_print, languages.main), "beside_map": beside}


def _marked(checked: CheckedModule, component: Component, translate) -> Component:
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


def _default(component: Component, name: str, value: str, translate) -> str:
    return value if name in component.given else translate(value)


@dataclass(frozen=True)
class Beside:
    """What a bilingual component prints in the second language."""

    prompt: str
    items: tuple[str, ...]
    options: Mapping


def _other(checked: CheckedModule, mine: Component, theirs: Component, words) -> Beside:
    other = _marked(checked, theirs, words.other)
    same = len(other.items) == len(mine.items)
    return Beside(other.prompt, other.items if same else ("",) * len(mine.items), other.options)


def placeholder_values(context: Mapping) -> dict[str, object]:
    """Each placeholder's value, by the name written in modules (e.g. 'client.name')."""
    values = {}
    for name in PLACEHOLDERS:
        value = context
        for part in name.split("."):
            value = value[part]
        values[name] = value
    return values


def content_context(env, personal: Personal, name: Markup | None = None) -> dict:
    """The placeholders a module may use; what is not known becomes a line to write on.

    In a packet for a participant, the name is the participant's name place (see slots.html)."""
    words = env.globals["words"]
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
    context = page_context(meta, personal, options, safety)
    template = load_template(env, "document.html")
    # Packets keep every fallback font (their pages share one head, whoever the participant);
    # a single document loads them only if it has a letter the chosen font may lack.
    html = render_template(template, modules=items, **(context | {"fallbacks": ()}))
    if needs_fallbacks(html):
        html = render_template(template, modules=items, **context)
    return Document(html, meta["title"], meta["language"])


def page_context(
    meta: dict, personal: Personal, options: Options, safety: SafetyLines | None = None
) -> dict:
    """What base.html needs: metadata, paper, variant classes, font, branding, safety lines."""
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
        safety=safety or safety_lines(personal.practice, None, options.languages),
        version=__version__,
    )


def item_context(
    env, checked: CheckedModule, personal: Personal, options: Options, first: bool, name=None
) -> dict:
    module = checked.module
    words = env.globals["words"]
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
    }


def metadata(modules: Sequence[Module], personal: Personal, options: Options = Options()) -> dict:
    """The PDF's title, subject, keywords, author and language (the one it is printed in, which
    is the language of the page strings, and of the modules unless English stood in for one)."""
    topics = dict.fromkeys(topic for module in modules for topic in module.topics)
    return {
        "title": "; ".join(module.title for module in modules),
        "subject": " ".join(module.summary for module in modules),
        "keywords": ", ".join(topics),
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
