"""Shared fixtures: throwaway content trees, the CLI runner, PDF readers, a WeasyPrint log guard."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.api import Person
from generator.cli import cli
from generator.core.options import Options
from tests.helpers import PRACTICE, SCREENSHOTS, chromium


def run_folder(tmp_path_factory) -> Path:
    """A folder of this test run that every worker sees (with several workers, each has its own
    temporary folder inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def one_worker_at_a_time(tmp_path_factory, name: str) -> Iterator[Path]:
    """While one worker of this test run is inside, another that asks for the same name waits;
    yields the run's folder for what is made once."""
    folder = run_folder(tmp_path_factory) / "made-once"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder


def made_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The file or folder 'name' of this test run, made by the first worker that asks for it
    while the others wait, then read by all: a render of the whole library costs seconds."""
    with one_worker_at_a_time(tmp_path_factory, name) as folder:
        if not (folder / f"{name}.done").exists():
            make(folder / name)
            (folder / f"{name}.done").touch()
    return folder / name


@pytest.fixture(scope="session", autouse=True)
def user_folders(tmp_path_factory):
    """The user's cache and config folders are the test session's own, never the real ones.
    The cache (page counts and compiled templates, nothing personal) is shared by the run's
    workers, as one user's cache is shared by the commands they run."""
    folder = tmp_path_factory.mktemp("user")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(run_folder(tmp_path_factory) / "cache"))
        patch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        patch.setenv("XDG_DATA_HOME", str(folder / "data"))  # the progress record's folder
        patch.delenv("HANDOUTS_PASSPHRASE", raising=False)
        patch.delenv("HANDOUTS_RECORD", raising=False)
        yield folder


@pytest.fixture(scope="session")
def fillable(tmp_path_factory):
    """Every built-in module as its own fillable PDF (read by the form, accessibility and
    safety tests alike: rendering the library is the slow part)."""
    from generator.core.content import load_library
    from tests.helpers import build_handout

    ids = sorted(load_library().modules)

    def make(out: Path) -> None:
        build_handout(ids, out=out, options=Options(fillable=True))

    out = made_once(tmp_path_factory, "fillable", make)
    return {module_id: out / f"{module_id}.pdf" for module_id in ids}


# The practice the library is built for in the print-variant and safety tests: its own lines.
@pytest.fixture(scope="session")
def library_pdf(tmp_path_factory):
    """Every built-in module in one PDF, in a print variant (options), for a client with a note
    and the practice above: each variant rendered once a session, for every test of it."""
    from generator.core.content import load_library
    from generator.core.profiles import make_personal
    from tests.helpers import build_handout

    built: dict[Options, Path] = {}
    personal = make_personal(
        Person(client="Jordan D.", note="Bring this next time."), practice=PRACTICE
    )

    def render(options: Options = Options()) -> Path:
        if options not in built:
            ids = sorted(load_library().modules)

            def make(out: Path) -> None:
                build_handout(ids, personal, out, combine=True, options=options)

            name = hashlib.sha256(repr(options).encode()).hexdigest()[:16]
            built[options] = made_once(tmp_path_factory, f"library-{name}.pdf", make)
        return built[options]

    return render


@pytest.fixture(scope="session")
def library_reports(tmp_path_factory):
    """'handouts check' on the built-in library, by module id: each module checked and rendered
    strictly for the sample client with a note, and with the longest crisis line and the longest
    safety line of any region printed on Letter (the longest a module gets in any of them). The
    one render of the whole library that the library, command line and listing tests share; it
    also leaves every module's page count in the session's cache, as a real 'check' does."""
    from generator.core.build import check_library

    # Two workers checking at once would both render every module; one after the other, the
    # second finds the first's sample pages in the run's cache, as a second 'check' does.
    with one_worker_at_a_time(tmp_path_factory, "library-reports"):
        return {report.module.id: report for report in check_library() if report.module}


@pytest.fixture(scope="session")
def browser():
    """Chromium driven by Playwright, launched once by each worker that runs a browser test."""
    playwright = pytest.importorskip("playwright.sync_api")
    path = chromium()
    if path is None:
        message = "no Chromium: install it (Debian: apt-get install chromium); make test does"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def thumbnails(tmp_path_factory):
    """Every module's sample pages and thumbnail in every language, made once in the run's
    cache before the run's first app starts, as 'handouts previews' and a first start of the
    app leave them: each app then finds its thumbnails there, as on a user's second start, and
    the previews and catalog tests their samples (two apps started at once on two workers
    would each draw them all)."""
    from generator import api
    from generator.app.library_view import THUMB_SCALE

    def make(done: Path) -> None:
        for language in api.known_languages():
            found = api.library((), language)
            for checked in api.check_modules(found.select(sorted(found.modules)), found.roots):
                api.render_sample((checked,), found, remember=True)
                api.sample_page(found, checked.module.id, THUMB_SCALE)
        done.touch()

    made_once(tmp_path_factory, "thumbnails", make)


@pytest.fixture
def tree(tmp_path):
    """Build a throwaway folder from a dict of relative path -> text (or bytes)."""

    def make(files: dict[str, str | bytes], root: str = "mine") -> Path:
        base = tmp_path / root
        for name, content in files.items():
            path = base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        base.mkdir(parents=True, exist_ok=True)
        return base

    return make


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI in-process from a temp folder; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


class _Guard(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage())


@pytest.fixture(autouse=True)
def weasyprint_guard(request):
    """Fail any test in which WeasyPrint logged a warning it was not told to expect."""
    from generator.core.pdf import ENVIRONMENT_NOTES

    guard = _Guard()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(guard)
    yield guard
    logger.removeHandler(guard)
    unexpected = [r for r in guard.records if not r.startswith(ENVIRONMENT_NOTES)]
    if unexpected and not request.node.get_closest_marker("weasyprint_warnings"):
        pytest.fail(f"WeasyPrint logged unexpected warnings: {unexpected}")


def pytest_configure(config):
    config.addinivalue_line("markers", "weasyprint_warnings: the test expects WeasyPrint warnings")
    SCREENSHOTS["wanted"] = config.getoption("--screenshots")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files.")
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="Save screenshots of the pages the browser tests open in output/screenshots/.",
    )
