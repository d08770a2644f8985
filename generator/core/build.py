"""The whole pipeline for handouts: read and check everything, render in memory, then write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from .content import (
    MODULE_SUFFIX,
    Library,
    Module,
    load_library,
    read_module_cached,
    translation_path,
)
from .discreet import discreet_modules, discreet_names, discreet_personal
from .errors import HandoutError, Problem, ProblemsFound, display_path, field_problem, raise_if
from .fonts import unprintable_problem
from .languages import LOCALE_DIR, N_, SOURCE, Languages, english_name, gettext
from .options import DEFAULT_PAPER, Options, settle
from .output import file_name
from .parity import component_problems, out_of_step
from .profiles import Person, Personal, Practice, make_personal
from .readability import ease_problem, grade_problem, reading_ease, reading_grade
from .render import render_document
from .resources import TEMPLATES_DIR
from .safety import (
    SafetyLines,
    chosen_region,
    longest_lines,
    safety_lines,
    stale_warnings,
)
from .validate import CheckedModule, check_module, check_modules

if TYPE_CHECKING:
    from .pdf import Rendered


@dataclass(frozen=True)
class Prepared:
    """Modules read and checked in the language asked for, the choices settled, who the pages
    are for as this edition prints them, and the crisis and safety lines: everything a render
    needs."""

    checked: tuple[CheckedModule, ...]
    personal: Personal
    options: Options
    library: Library
    safety: SafetyLines
    warnings: tuple[str, ...] = ()  # a region's line not checked for a year, say
    notices: tuple[str, ...] = ()


def prepare_handouts(
    ids: Sequence[str],
    personal: Personal,
    library: Library,
    combine: bool = False,
    options: Options = Options(),
) -> Prepared:
    """Settle the choices, then read and check the modules in their language (every problem
    at once), and find the crisis and safety lines. The discreet edition names no one and
    gives each page a neutral title."""
    if not ids:
        raise HandoutError("no module given; 'handouts list' shows what there is")
    region = chosen_region(options, personal.practice, library.roots)
    paper = region.paper if region else ""
    options = settle(options, personal.practice, combine and len(set(ids)) > 1, paper)
    library = library.in_language(options.languages.main, options.fallback)
    checked = checked_in(library, ids, options.languages)
    if options.discreet:
        checked = discreet_modules(checked, options.languages)
    check_printable(personal, options.font)
    return Prepared(
        checked,
        edition(personal, options),
        options,
        library,
        safety_lines(personal.practice, region, options.languages, options.discreet),
        tuple(stale_warnings(region)),
        library.stand_in_notices(ids),
    )


def edition(personal: Personal, options: Options) -> Personal:
    """Who the pages are for, as this edition prints them: the discreet edition names no one."""
    return discreet_personal(personal) if options.discreet else personal


def checked_in(
    library: Library, ids: Sequence[str], languages: Languages
) -> tuple[CheckedModule, ...]:
    """The modules checked; in a bilingual copy each with its version in the second language
    beside it, which must be in step with it (every problem of every module at once)."""
    checked = check_modules(library.select(ids), library.roots)
    if not languages.beside:
        return checked
    other = library.in_language(languages.beside, library.fallback)
    theirs = check_modules(other.select(ids), other.roots)
    raise_if([p for a, b in zip(checked, theirs, strict=True) for p in component_problems(a, b)])
    return tuple(
        replace(mine, beside=other_one if other_one.module.path != mine.module.path else None)
        for mine, other_one in zip(checked, theirs, strict=True)
    )


def render_prepared(prepared: Prepared, combine: bool, strict: bool) -> list[tuple[str, Rendered]]:
    """Render what prepare_handouts made ready: one PDF per module, or one holding them all."""
    rendered = []
    for name, group in named_groups(prepared, combine):
        result = render_group(
            group, prepared.personal, prepared.options, prepared.library, strict, prepared.safety
        )
        rendered.append((name, replace(result, warnings=(*prepared.warnings, *result.warnings))))
    return rendered


def check_printable(personal: Personal, font_name: str) -> None:
    """Refuse a client name with letters no shipped font has, before anything renders (and
    without repeating the letters)."""
    problem = unprintable_problem(personal.client, font_name)
    if problem:
        raise ProblemsFound([field_problem("client", problem)])


def render_sample(
    group: Sequence[CheckedModule],
    library: Library,
    practice: Practice | None = None,
    options: Options | None = None,
    remember: bool = False,
) -> Rendered:
    """Render modules strictly for the sample client, as check, previews and the catalog show
    them (with the user's practice profile when given), in the library's language. With
    'remember', a PDF rendered before from the same files is taken from the cache, and a new
    one is kept there."""
    personal = sample_person(library.language, practice)
    chosen = settle(options or Options(language=library.language), personal.practice)
    stamp = sample_stamp(library) if remember else None
    return _sample(group, library, personal, chosen, stamp)


def sample_stamp(library: Library) -> str:
    """A digest of what a library's sample pages come from besides their modules: the tool's
    code, and every file under the templates, the message catalogues and the library's content
    folders but the module files. Each sample is also keyed by its module as read, so a module
    added or changed leaves the other modules' samples (and thumbnails) as they were."""
    shared = cache.fingerprint(library.roots, skip=(MODULE_SUFFIX,))
    return cache.key(
        cache.code_fingerprint(), cache.fingerprint((TEMPLATES_DIR, LOCALE_DIR)), shared
    )


def _sample(
    group: Sequence[CheckedModule],
    library: Library,
    personal: Personal,
    options: Options,
    stamp: str | None,
) -> Rendered:
    """The sample pages; with a stamp, remembered under it (see render_sample)."""
    if stamp is None:
        return render_group(group, personal, options, library, True)
    entry = sample_entry(stamp, [checked.module for checked in group], personal, options)
    found = cache.sample(entry)
    if found:
        data, about = found
        return _remembered(data, about)
    result = render_group(group, personal, options, library, True)
    about = {"pages": result.pages, "height": result.page_height, "blank": result.blank_pages}
    cache.keep_sample(entry, result.data, about)
    return result


def sample_entry(
    stamp: str, modules: Sequence[Module], personal: Personal, options: Options
) -> str:
    """The cache's name for the sample pages of these modules, as read (their checked form
    carries markers made afresh each time)."""
    return cache.key(stamp, repr(tuple(modules)), repr(personal), repr(options))


def _remembered(data: bytes, about: dict) -> Rendered:
    from .pdf import Rendered

    blank = tuple(about["blank"])
    return Rendered(data, about["pages"], (), (), about["height"], blank)


def render_group(
    group: Sequence[CheckedModule],
    personal: Personal,
    options: Options,
    library: Library,
    strict: bool,
    safety: SafetyLines | None = None,
) -> Rendered:
    """Render checked modules into one PDF in memory."""
    # The engine is loaded only when something is rendered: a 'list' that knows every page
    # count needs none.
    from .pdf import render_pdf

    document = render_document(group, personal, options, safety=safety)
    logo = (personal.practice.logo,) if personal.practice.logo else ()
    return render_pdf(document, (*library.roots, *logo), strict, options)


def named_groups(prepared: Prepared, combine: bool) -> list[tuple[str, tuple[CheckedModule, ...]]]:
    """Each PDF's file name and modules: one per module, or one holding them all; neutral
    names in the discreet edition."""
    checked, slug = prepared.checked, prepared.personal.slug
    if combine and len(checked) > 1:
        named = [(file_name("handouts", slug), tuple(checked))]
    else:
        named = [(file_name(entry.module.id, slug), (entry,)) for entry in checked]
    if prepared.options.discreet:
        names = discreet_names(len(named), combine and len(checked) > 1)
        named = [(name, group) for name, (_, group) in zip(names, named, strict=True)]
    return named


# --- checking the whole library ----------------------------------------------------------

SAMPLE_NOTE = N_("Notice one moment each day when you let someone help.")
PHONES = "https://www.sample-practice.example/homework"  # where check's phone copies are
SAMPLE_PRACTICE = Practice(
    name="Sample Practice",
    therapist="Sam Sample",
    credentials="LCSW",
    contact="555-0100",
    crisis_line=N_("In a crisis, call your local emergency number."),
)


def sample_person(language: str = SOURCE, practice: Practice | None = None) -> Personal:
    """The sample client, with the note and the sample practice's crisis line in the language
    (or the user's own practice profile, as it is)."""
    translate = gettext(language)
    crisis = translate(SAMPLE_PRACTICE.crisis_line)
    chosen = practice or replace(SAMPLE_PRACTICE, crisis_line=crisis)
    day = dt.date(2026, 1, 15)
    sample = Person("Sample Client", day, 3, translate(SAMPLE_NOTE))
    return make_personal(sample, chosen)


@dataclass(frozen=True)
class ModuleReport:
    """How one module fared in 'handouts check'."""

    module: Module | None
    source: str
    problems: tuple[Problem, ...]
    pages: int = 0
    grade: float | None = None  # Flesch-Kincaid, English
    ease: float | None = None  # Szigriszt-Pazos on the INFLESZ scale, Spanish


def check_library(
    content_dirs: Iterable[Path | str] = (),
    language: str = SOURCE,
    ids: Sequence[str] = (),
) -> list[ModuleReport]:
    """Check every module in the library, or only the modules with these ids (and render each
    strictly); report all problems. In another language, also every English module (of those
    asked for) without a version in it, and every module out of step with its English original.
    An id the library does not know is a HandoutError naming the closest ids there are."""
    library = load_library([Path(d) for d in content_dirs], language=language)
    wanted = list(dict.fromkeys(ids)) or None
    if wanted:
        modules, problems = _named(library, wanted)
    else:
        modules, problems = list(library.modules.values()), list(library.problems)
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.source, []).append(problem)
    reports = [ModuleReport(None, source, tuple(found)) for source, found in by_file.items()]
    reports += _missing(library, wanted)
    return reports + survey(library, modules, fresh=True)


def _named(library: Library, ids: list[str]) -> tuple[list[Module], list[Problem]]:
    """The modules with these ids that read cleanly, and the problems of those that do not.
    An id with only an English file is left to _missing, which reports it as check does."""
    unknown = [i for i in ids if i not in library.files and i not in library.sources]
    if unknown:
        raise HandoutError("\n".join(library.unknown(i) for i in unknown))
    modules, problems = [], []
    for module_id in (i for i in ids if i in library.files):
        module, found = read_module_cached(*library.files[module_id])
        problems += found
        modules += [module] if module else []
    return modules, problems


def _missing(library: Library, ids: Sequence[str] | None = None) -> list[ModuleReport]:
    """A report for each English module (of these ids; all when None) with no version in the
    library's language."""
    name = english_name(library.language)
    reports = []
    for module_id, (english, _) in library.sources.items():
        if module_id not in library.files and (ids is None or module_id in ids):
            where = display_path(translation_path(english, library.language))
            problem = Problem(where, f"missing: the {name} version of {display_path(english)}")
            reports.append(ModuleReport(None, where, (problem,)))
    return reports


def survey(library: Library, modules: Sequence[Module], fresh: bool) -> list[ModuleReport]:
    """Problems, reading level and pages of each module, as printed for a sample client; in
    another language than English, whether each is in step with its English original.

    Pages are counted with the longest crisis line and the longest safety line of the regions
    printed on the default paper, and with a worksheet's QR code to its phone copy: a module
    that fits with these fits in every region, with or without a phone_url. They
    are remembered between runs; 'fresh' renders every module again regardless."""
    crisis, safety = longest_lines(library.roots, library.language, DEFAULT_PAPER)
    practice = replace(SAMPLE_PRACTICE, crisis_line=crisis, safety_line=safety, phone_url=PHONES)
    personal = sample_person(library.language, practice)
    counts = cache.load()
    stamp = sample_stamp(library)
    reports = []
    for module in modules:
        entry = cache.key(stamp, repr(module), crisis, safety)
        known = None if fresh else counts.get(entry)
        report = _check_one(module, library, personal, stamp, known)
        if report.pages:
            counts[entry] = report.pages
        reports.append(report)
    cache.save(counts)
    return reports


def _check_one(
    module: Module, library: Library, personal: Personal, stamp: str, known_pages: int | None
) -> ModuleReport:
    checked, problems = check_module(module, library.roots)
    grade = reading_grade(checked) if not problems else None
    ease = reading_ease(checked) if not problems else None
    too_hard = grade_problem(checked, grade) or ease_problem(ease)
    if module.kind == "measure":  # published, validated wording: shown, never to be simplified
        too_hard = None
    problems += ([Problem(module.where, too_hard)] if too_hard else []) + _parity(checked, library)
    if problems:
        return ModuleReport(module, module.where, tuple(problems), grade=grade, ease=ease)
    if known_pages:
        return ModuleReport(module, module.where, (), known_pages, grade, ease)
    try:
        options = settle(Options(language=library.language), personal.practice)
        result = _sample((checked,), library, personal, options, stamp)
    except HandoutError as error:
        problems.append(Problem(module.where, error.message))
        return ModuleReport(module, module.where, tuple(problems), grade=grade, ease=ease)
    return ModuleReport(module, module.where, (), result.pages, grade, ease)


def _parity(checked: CheckedModule, library: Library) -> list[Problem]:
    """How a module in another language differs from its English original. A module of the
    user's own with no English original is not compared; a built-in one must have one."""
    module = checked.module
    if library.language == SOURCE or module.id in library.stand_ins:
        return []
    if module.id not in library.sources:
        return (
            [Problem(module.where, "no English original: expected one of the same file name")]
            if module.builtin
            else []
        )
    english, problems = read_module_cached(*library.sources[module.id])
    if english is None:
        return []  # its own problems are 'handouts check''s to report, in English
    original, problems = check_module(english, library.roots)
    return [] if problems else out_of_step(checked, original)
