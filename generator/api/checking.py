"""Checking and surveying the library: problems, pages and reading level of each module."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.content import Library, Module
from ..core.errors import Problem
from ..core.languages import Languages

if TYPE_CHECKING:  # named only: the modules behind them load the engine or a PDF library
    from ..core.build import ModuleReport
    from ..core.validate import CheckedModule


from .types import PathLike


def check(
    content_dirs: Iterable[PathLike] = (), language: str = "en", ids: Sequence[str] = ()
) -> list[ModuleReport]:
    """Check every module, or only those with these ids (front matter, components, reading
    level, a strict render): a list of ModuleReport, one per module file, each with its
    problems, pages (counted with the longest lines of the regions printed on Letter) and
    reading level. In another language, also each module against its English original, and
    each one missing. An unknown id is a HandoutError naming the closest ids there are."""
    from ..core.build import check_library

    return check_library(content_dirs, language, ids)


def survey(library: Library, modules: Sequence[Module], fresh: bool = False) -> list[ModuleReport]:
    """Pages and reading level of each module, as 'list' shows them: remembered between runs
    until a module or template changes, unless 'fresh'."""
    from ..core.build import survey as measure

    return measure(library, modules, fresh)


def check_module(module: Module, roots: Iterable[Path]) -> tuple[CheckedModule, list[Problem]]:
    """One module's body and components checked: the checked module and every problem."""
    from ..core.validate import check_module as checked

    return checked(module, roots)


def check_modules(modules: Iterable[Module], roots: Iterable[Path]) -> tuple[CheckedModule, ...]:
    """Modules checked, every problem of every module raised at once."""
    from ..core.validate import check_modules as checked

    return checked(modules, roots)


def checked_in(
    library: Library, ids: Sequence[str], languages: Languages
) -> tuple[CheckedModule, ...]:
    """Modules checked in a language; in a bilingual copy each with its translation beside it."""
    from ..core.build import checked_in as checked

    return checked(library, ids, languages)


def reading_grade(checked: CheckedModule) -> float | None:
    """The US school grade of an English module's client text (Flesch-Kincaid)."""
    from ..core.readability import reading_grade as grade

    return grade(checked)


def reading_ease(checked: CheckedModule) -> float | None:
    """The INFLESZ reading ease of a Spanish module's client text (Szigriszt-Pazos)."""
    from ..core.readability import reading_ease as ease

    return ease(checked)
