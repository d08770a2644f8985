"""The whole pipeline for handouts: read and check everything, render in memory, then write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .content import Library, Module, load_library
from .errors import HandoutError, Problem, display_path
from .fonts import unprintable_problem
from .options import Options, settle
from .output import DEFAULT_OUT, file_name, prepare_folder, write_file
from .pdf import Rendered, render_pdf
from .profiles import Personal, Practice, make_personal
from .readability import ease_problem, grade_problem, reading_ease, reading_grade
from .render import render_document
from .resources import TEMPLATES_DIR
from .validate import CheckedModule, check_module, check_modules


@dataclass(frozen=True)
class Built:
    """What a build wrote, and anything the user should know about it."""

    paths: tuple[Path, ...]
    pages: tuple[int, ...]
    notices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def build_handout(
    ids: Sequence[str],
    personal: Personal | None = None,
    out: Path | str | None = None,
    combine: bool = False,
    content_dirs: Iterable[Path | str] = (),
    strict: bool = True,
    options: Options = Options(),
) -> Built:
    """Build one PDF per module (or one combined PDF) and write it atomically.

    Paper and font not set in the options come from the practice profile, else the defaults."""
    out = Path(out) if out else DEFAULT_OUT
    if out.suffix.lower() == ".pdf" and len(set(ids)) > 1 and not combine:
        raise HandoutError(
            f"--out '{display_path(out)}': a file name needs a single module "
            "or --combine; give a folder to get one PDF per module"
        )
    library = load_library([Path(d) for d in content_dirs])
    rendered = render_handouts(ids, personal or Personal(), library, combine, strict, options)
    targets = [(out if out.suffix.lower() == ".pdf" else out / name, r) for name, r in rendered]
    _write(targets)
    return Built(
        paths=tuple(path for path, _ in targets),
        pages=tuple(result.pages for _, result in targets),
        notices=library.notices,
        warnings=tuple(w for _, result in targets for w in result.warnings),
    )


def render_handouts(
    ids: Sequence[str],
    personal: Personal,
    library: Library,
    combine: bool = False,
    strict: bool = True,
    options: Options = Options(),
) -> list[tuple[str, Rendered]]:
    """Read, check and render modules in memory: each PDF with the file name it is given."""
    if not ids:
        raise HandoutError("no module given; 'handouts list' shows what there is")
    checked = check_modules(library.select(ids), library.roots)
    options = settle(options, personal.practice, combined=combine and len(checked) > 1)
    check_printable(personal, options.font)
    return [
        (name, render_group(group, personal, options, library, strict))
        for name, group in _named_groups(checked, personal, combine)
    ]


def check_printable(personal: Personal, font_name: str) -> None:
    """Refuse a client name with letters no shipped font has, before anything renders (and
    without repeating the letters)."""
    problem = unprintable_problem(personal.client, font_name)
    if problem:
        raise HandoutError(f"--client: {problem}")


def render_sample(group, library: Library, practice: Practice | None = None) -> Rendered:
    """Render modules strictly for the sample client, as check, previews and the catalog show
    them (with the user's practice profile when given)."""
    personal = make_personal(**{**SAMPLE, "practice": practice or SAMPLE["practice"]})
    return render_group(group, personal, settle(Options(), personal.practice), library, True)


def render_group(group, personal, options, library: Library, strict: bool) -> Rendered:
    """Render checked modules into one PDF in memory."""
    document = render_document(group, personal, options)
    logo = (personal.practice.logo,) if personal.practice.logo else ()
    return render_pdf(document, (*library.roots, *logo), strict, options)


def _named_groups(checked: Sequence[CheckedModule], personal: Personal, combine: bool):
    """Each PDF's file name and modules: one per module, or one holding them all."""
    if combine and len(checked) > 1:
        return [(file_name("handouts", personal.slug), tuple(checked))]
    return [(file_name(entry.module.id, personal.slug), (entry,)) for entry in checked]


def _write(rendered: list[tuple[Path, Rendered]]) -> None:
    for folder in dict.fromkeys(path.parent for path, _ in rendered):
        prepare_folder(folder)
    for path, result in rendered:
        write_file(path, result.data)


# --- checking the whole library ----------------------------------------------------------

SAMPLE = dict(
    client="Sample Client",
    date=dt.date(2026, 1, 15),
    session=3,
    note="Notice one moment each day when you let someone help.",
    practice=Practice(
        name="Sample Practice",
        therapist="Sam Sample",
        credentials="LCSW",
        contact="555-0100",
        crisis_line="In a crisis, call your local emergency number.",
    ),
)


@dataclass(frozen=True)
class ModuleReport:
    """How one module fared in 'handouts check'."""

    module: Module | None
    source: str
    problems: tuple[Problem, ...]
    pages: int = 0
    grade: float | None = None


def check_library(content_dirs: Iterable[Path | str] = ()) -> list[ModuleReport]:
    """Check every module in the library (and render each strictly); report all problems."""
    library = load_library([Path(d) for d in content_dirs])
    by_file: dict[str, list[Problem]] = {}
    for problem in library.problems:
        by_file.setdefault(problem.source, []).append(problem)
    reports = [ModuleReport(None, source, tuple(found)) for source, found in by_file.items()]
    return reports + survey(library, list(library.modules.values()), fresh=True)


def survey(library: Library, modules: Sequence[Module], fresh: bool) -> list[ModuleReport]:
    """Problems, reading grade and pages of each module, as printed for a sample client.

    Page counts are remembered between runs; 'fresh' renders every module again regardless."""
    personal = make_personal(**SAMPLE)
    counts = cache.load()
    stamp = cache.fingerprint((TEMPLATES_DIR, *library.roots))
    reports = []
    for module in modules:
        entry = cache.key(stamp, repr(module))
        report = _check_one(module, library, personal, None if fresh else counts.get(entry))
        if report.pages:
            counts[entry] = report.pages
        reports.append(report)
    cache.save(counts)
    return reports


def _check_one(
    module: Module, library: Library, personal: Personal, known_pages: int | None = None
) -> ModuleReport:
    checked, problems = check_module(module, library.roots)
    grade = reading_grade(checked) if not problems else None
    too_hard = grade_problem(checked, grade) or ease_problem(
        reading_ease(checked) if not problems else None
    )
    if too_hard:
        problems.append(Problem(module.where, too_hard))
    if problems:
        return ModuleReport(module, module.where, tuple(problems), grade=grade)
    if known_pages:
        return ModuleReport(module, module.where, (), known_pages, grade)
    try:
        result = render_sample((checked,), library, personal.practice)
    except HandoutError as error:
        problems.append(Problem(module.where, error.message))
        return ModuleReport(module, module.where, tuple(problems), grade=grade)
    return ModuleReport(module, module.where, (), result.pages, grade)
