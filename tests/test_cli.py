"""The command line: every command, its output, and how each bad input is reported."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from tests.helpers import flat, module_text, pdf_pages_text


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_version_and_help(run):
    assert run("--version").output == f"handouts, version {__version__}\n"
    result = run("--help")
    for command in ("build", "check", "list", "show"):
        assert command in result.output
    for command in ("build", "check", "list", "show"):
        assert run(command, "--help").exit_code == 0


def test_list_shows_a_table_and_filters(run, library_reports):
    # The library's 'check' left every page count in the cache: list shows them, rendering none.
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "KIND", "TITLE", "MIN", "PAGES", "GRADE", "TOPICS"]
    assert any(re.match(r"journey\s.*\s2\s+\d\.\d\s", line) for line in lines)
    columns = [re.split(r"\s{2,}", line) for line in lines[1:]]
    pages = {row[0]: int(row[4]) for row in columns}
    assert pages == {module_id: report.pages for module_id, report in library_reports.items()}
    assert any(line.startswith("where-am-i") and "worksheet" in line for line in lines)
    worksheets = run("list", "--kind", "worksheet").output
    assert "where-am-i" in worksheets and "journey " not in worksheets
    assert "codependency-vs-interdependence" in run("list", "--topic", "boundaries").output
    assert run("list", "--topic", "no-such-topic").output == "No modules match.\n"


def test_list_counts_pages_and_notices_a_changed_module(run, tree, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tree({"mine.md": module_text("Short.")})
    short = run("list", "--topic", "testing", "--content", folder).output
    assert short.splitlines()[1].split()[4:6] == ["5", "1"]
    cached = (tmp_path / "cache" / "handouts" / "pages.json").read_text()
    assert list(json.loads(cached).values()) == [1]
    (folder / "mine.md").write_text(module_text("## Part\n\n" + "Long text. " * 900))
    longer = run("list", "--topic", "testing", "--content", folder).output
    assert longer.splitlines()[1].split()[5] == "3"


def test_show_prints_front_matter_and_summary(run):
    result = run("show", "journey")
    assert result.exit_code == 0
    assert result.output.startswith("journey  (handout, about 10 minutes)\n")
    assert "Summary:" in result.output and "Stephen R. Covey" in result.output
    assert "File:      content/modules/journey.md  (built-in)" in result.output


def test_build_writes_named_pdfs_and_prints_paths(run, tmp_path):
    result = run(
        "build",
        "journey",
        "where-am-i",
        "--client",
        "J.D.",
        "--therapist",
        "Sam Lee",
        "--date",
        "2026-11-22",
        "--session",
        "4",
        "--note",
        "Ask one person for help",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("output/journey-jd.pdf  (")
    assert files_under(tmp_path / "output") == ["journey-jd.pdf", "where-am-i-jd.pdf"]
    first = flat(pdf_pages_text(tmp_path / "output" / "where-am-i-jd.pdf")[0])
    assert "A note for you from Sam Lee" in first and "Session: 4" in first


def test_build_to_a_file_and_combined(run, tmp_path):
    assert run("build", "where-am-i", "--out", "mine.pdf").exit_code == 0
    assert (tmp_path / "mine.pdf").is_file()
    result = run("build", "journey", "where-am-i", "--combine", "--slug", "group-a", "--out", "c")
    assert result.exit_code == 0
    assert files_under(tmp_path / "c") == ["handouts-group-a.pdf"]


def test_user_module_shadows_builtin_with_notice(run, tree, tmp_path):
    folder = tree({"modules/journey.md": module_text("My own words.", title="My journey")})
    result = run("build", "journey", "--content", folder, "--out", "o")
    assert result.exit_code == 0
    assert "notice: mine/modules/journey.md replaces the built-in module 'journey'" in result.output
    assert "My own words." in flat(pdf_pages_text(tmp_path / "o" / "journey.pdf")[0])


# --- bad input: message, exit code, and nothing written --------------------------------


def assert_refused(result, tmp_path, *expected: str):
    assert result.exit_code == 1
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "output").exists()


def test_unknown_module_suggests_close_ids(run, tmp_path):
    result = run("build", "jorney", "where-am-i")
    assert_refused(result, tmp_path, "Error: unknown module 'jorney'; did you mean journey?\n")


def test_bad_front_matter_is_reported_with_file_and_field(run, tree, tmp_path):
    folder = tree({"bad.md": module_text().replace("minutes: 5", "minutes: soon")})
    result = run("build", "bad", "--content", folder)
    assert_refused(
        result,
        tmp_path,
        "Error: mine/bad.md: line 7: front matter 'minutes': "
        "expected a whole number of minutes from 1 to 240, got 'soon'",
    )


def test_malformed_yaml_is_reported_with_line(run, tree, tmp_path):
    folder = tree({"bad.md": module_text().replace("kind: handout", "kind: [handout")})
    result = run("build", "bad", "--content", folder)
    assert_refused(result, tmp_path, "Error: mine/bad.md: line 4: front matter is not valid YAML")


def test_undefined_placeholder_in_a_module(run, tree, tmp_path):
    folder = tree({"bad.md": module_text("Hi {{ client.nmae }}")})
    result = run("build", "bad", "--content", folder)
    assert_refused(
        result, tmp_path, "Error: mine/bad.md: line 15: unknown placeholder '{{ client.nmae }}'"
    )


def test_template_code_in_a_module_is_refused(run, tree, tmp_path):
    folder = tree({"bad.md": module_text("{{ ''.__class__.__mro__ }} {{ 7*7 }}")})
    result = run("build", "bad", "--content", folder)
    assert_refused(
        result,
        tmp_path,
        "2 problems found:",
        "unknown placeholder '{{ ''.__class__.__mro__ }}'",
        "unknown placeholder '{{ 7*7 }}'",
    )


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/pixel.png"])
def test_images_from_outside_are_refused(run, tree, tmp_path, target):
    folder = tree({"bad.md": module_text(f"![Logo]({target})")})
    result = run("build", "bad", "--content", folder)
    assert_refused(
        result,
        tmp_path,
        f"Error: mine/bad.md: line 15: image '{target}': only "
        "image files inside the content folder can be used",
    )


def test_output_folder_that_cannot_be_written(run, tmp_path):
    (tmp_path / "blocker").write_text("a file, not a folder")
    result = run("build", "where-am-i", "--out", "blocker/out")
    assert result.exit_code == 1
    assert "Error: cannot write to output folder 'blocker/out': Not a directory" in result.output
    assert files_under(tmp_path) == ["blocker"]


def test_bad_options_are_reported_together(run, tmp_path):
    result = run("build", "journey", "--date", "22/11/2026", "--session", "0", "--client", "x" * 81)
    assert_refused(
        result,
        tmp_path,
        "--client: expected at most 80 characters, got 81",
        "--date: expected a date as YYYY-MM-DD, e.g. 2026-11-22, got '22/11/2026'",
        "--session: expected a session number from 1 to 999, got 0",
    )


def test_bad_practice_profile_names_the_key(run, tree, tmp_path):
    folder = tree({"practice.yaml": "name: Riverside\ncolour: teal\n"})
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert_refused(
        result,
        tmp_path,
        "mine/practice.yaml: line 2: 'colour': unknown key; expected one of "
        "name, therapist, credentials, contact, crisis_line, safety_line, discreet_line, logo, "
        "brand_color, paper, font, language, region",
    )


def test_check_checks_the_modules_named(run):
    result = run("check", "journey", "where-am-i")
    assert result.exit_code == 0
    assert re.match(
        r"ok +content/modules/journey\.md +2 pages, grade \d\.\d\n"
        r"ok +content/modules/where-am-i\.md +\d pages, grade \d\.\d\n"
        r"All 2 modules passed\.\n$",
        result.output,
    )


def test_check_of_an_unknown_module_names_the_closest_ones(run, tree):
    folder = tree({"my-module.md": module_text()})
    result = run("check", "jorney", "my-modul", "where-am-i", "--content", folder)
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown module 'jorney'; did you mean journey?\n"
        "unknown module 'my-modul'; did you mean my-module?\n"
    )
    assert run("check", "my-module", "--content", folder).output.endswith("The module passed.\n")


def test_check_lists_every_problem_at_once(run, tree):
    folder = tree(
        {
            "one.md": module_text("<i>x</i>"),
            "two.md": module_text().replace("kind: handout", "kind: sheet"),
            "three.md": module_text("Only text", kind="worksheet"),
        }
    )
    result = run("check", "one", "two", "three", "--content", folder)
    assert result.exit_code == 1
    assert "mine/one.md: line 15: raw HTML is not allowed" in result.output
    assert (
        "mine/two.md: line 3: front matter 'kind': expected handout or worksheet or measure"
        in result.output
    )
    assert "mine/three.md: a worksheet needs at least one component" in result.output
    assert result.output.rstrip().endswith("Error: 4 problem(s) in 3 module file(s)")


def test_debug_shows_the_traceback(run):
    result = run("--debug", "build", "nope")
    assert result.exit_code == 1
    assert "Traceback" in result.output


def test_python_dash_m_works(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "generator", "list", "--kind", "handout"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "journey" in done.stdout


def test_missing_content_folder_is_an_error(run, tmp_path):
    result = run("build", "journey", "--content", "nowhere")
    assert_refused(result, tmp_path, "Error: --content: 'nowhere': expected a folder of modules")


def test_a_build_without_a_region_or_crisis_line_says_so_on_stderr_each_time(run):
    for _ in range(2):
        result = run("build", "journey", "--out", "o")
        assert result.exit_code == 0
        assert "warning: no crisis line: page 1 says only 'call your local emergency number'" in (
            result.stderr
        )
    assert "no crisis line" not in run("build", "journey", "--out", "o", "--region", "US").output


def test_init_writes_the_region_it_is_given(run, tmp_path):
    result = run("init", "--region", "mx")
    assert result.exit_code == 0, result.output
    assert 'region: "MX"' in (tmp_path / "practice.yaml").read_text(encoding="utf-8")
    assert "no crisis line" not in run("build", "journey", "--out", "o").output
    assert "unknown region 'ZZ'" in run("init", "other.yaml", "--region", "ZZ").output


def test_build_discreet_gives_a_neutral_file_name(run, tmp_path):
    result = run("build", "relationship-safety", "--client", "Jo Quill", "--discreet", "--out", "o")
    assert result.exit_code == 0, result.output
    assert files_under(tmp_path / "o") == ["notes.pdf"]
    assert "Quill" not in flat(" ".join(pdf_pages_text(tmp_path / "o" / "notes.pdf")))
