"""Render checked modules to one HTML document: Markdown, components and Jinja (sandboxed)."""

from __future__ import annotations

import os
import re
import secrets
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import markdown
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .. import __version__
from .components import Component
from .content import Module
from .drawings import journey_map
from .errors import HandoutError, display_path
from .fonts import DEFAULT_FONT, FALLBACKS, FONTS
from .languages import N_, Languages, format_day, gettext, translations
from .options import DEFAULT_PAPER, PAGE_SIZES, Options, palette
from .profiles import Personal
from .resources import TEMPLATES_DIR
from .safety import SafetyLines, safety_lines
from .validate import CheckedModule, image_path

MARKDOWN_EXTENSIONS = ("tables", "sane_lists", "smarty")
BLANK_TEXT = N_("blank space to fill in")
KIND_LABELS = {"handout": N_("Handout"), "worksheet": N_("Worksheet")}
KIND_NAMES = {"handout": N_("handout"), "worksheet": N_("worksheet")}  # in a sentence or a list


@dataclass(frozen=True)
class Document:
    """One HTML document ready for WeasyPrint, and what its PDF metadata says."""

    html: str
    title: str
    language: str


@lru_cache(maxsize=16)
def environment(
    template_dirs: tuple[Path, ...] = (TEMPLATES_DIR,), languages: Languages = Languages()
) -> SandboxedEnvironment:
    """The Jinja environment of one language (or pair): sandboxed, autoescaped, strict about
    undefined values, its page strings translated through the language's catalogue."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(languages.main), newstyle=True)
    words = Words(languages)
    env.globals.update(both=words.both, plain=words.plain, languages=languages, words=words)
    env.globals["page_counter"] = page_counter
    return env


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
    """The module body as HTML from Markdown and components, its placeholders not yet filled.

    With the module in a second language beside it, each stretch of text is printed beside the
    same stretch in the other language, and each component once (see _paired_html)."""
    if checked.beside is not None:
        return _paired_html(checked, env, options)
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


HEADING = re.compile(r"^#{1,6}\s", re.M)


def _paired_html(checked: CheckedModule, env: SandboxedEnvironment, options: Options) -> str:
    """A bilingual body: the two modules' parts side by side, in step (the checks made sure
    they have the same components in the same order, so their parts pair up one to one)."""
    other = checked.beside
    html = []
    for index, (mine, theirs) in enumerate(zip(checked.segments, other.segments, strict=True)):
        if isinstance(mine, Component):
            html.append(_component_html(env, checked, mine, index, options, theirs))
        else:
            html += [_pair(checked, a, other, b) for a, b in _sections(mine, theirs)]
    return "\n".join(html)


def _sections(mine: str, theirs: str) -> list[tuple[str, str]]:
    """Two stretches of text cut at their headings, when both have as many: each section then
    sits beside its own translation, rather than the whole stretch beside the whole."""
    cut = [_cut(mine), _cut(theirs)]
    return list(zip(*cut, strict=True)) if len(cut[0]) == len(cut[1]) else [(mine, theirs)]


def _cut(text: str) -> list[str]:
    starts = [0, *(m.start() for m in HEADING.finditer(text) if m.start())]
    parts = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [part for part in parts if part.strip()]


def _pair(checked: CheckedModule, mine: str, other: CheckedModule, theirs: str) -> str:
    left = _markdown(checked, {}).convert(mine)
    right = _markdown(other, {}).convert(theirs)
    if not left.strip() and not right.strip():
        return ""
    return (
        f'<div class="pair"><div class="pair-main">{left}</div>'
        f'<div class="pair-beside" lang="{other.module.language}">{right}</div></div>'
    )


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
        return Markup(template.render(content_context(env, personal, name)))
    except TemplateError as error:
        raise HandoutError(f"{checked.module.where}: {error.message}") from None


_BODY_TEMPLATES: dict = {}


def _body_template(env: SandboxedEnvironment, checked: CheckedModule, options: Options):
    """The compiled body of a module: it depends only on the module (and the one beside it), the
    language and how its components are drawn (fillable, ink-saver, large print), so each is
    made once."""
    key = (id(env), checked.module, options.fillable, options.ink_saver, options.large_print)
    key += (options.brand, checked.beside.module if checked.beside else None)
    if key not in _BODY_TEMPLATES:
        if len(_BODY_TEMPLATES) >= 256:
            _BODY_TEMPLATES.clear()
        _BODY_TEMPLATES[key] = env.from_string(markdown_html(checked, env, options))
    return _BODY_TEMPLATES[key]


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
    languages = words.languages
    return render_template(
        template,
        c=component,
        o=_other(component, other, words) if other is not None else None,
        field=field,
        kind=checked.module.kind,
        fillable=options.fillable,
        ink_saver=options.ink_saver,
        large_print=options.large_print,
        palette=palette(options),
        aside=words.aside,
        **_drawing(component, options, languages),
        **filled_options(component, words.one),
    )


def _drawing(component: Component, options: Options, languages: Languages) -> dict:
    """A drawing's layout comes from one place, so its form fields land on what it draws; in a
    bilingual copy, the other language's words are said under it."""
    if component.name != "journey-map":
        return {}
    beside = journey_map(options.large_print, languages.beside) if languages.beside else None
    return {"map": journey_map(options.large_print, languages.main), "beside_map": beside}


def filled_options(component: Component, translate) -> dict:
    """A component's options; the texts the author left at their defaults, translated."""
    return {
        name: translate(value) if isinstance(value, str) and name not in component.given else value
        for name, value in component.options.items()
    }


def _other(mine: Component, theirs: Component, words) -> dict:
    """What a bilingual component prints in the second language: prompt, items and options."""
    return {
        "prompt": theirs.prompt,
        "items": theirs.items if len(theirs.items) == len(mine.items) else ("",) * len(mine.items),
        "options": filled_options(theirs, words.other),
    }


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
    html = render_template(load_template(env, "document.html"), modules=items, **context)
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
