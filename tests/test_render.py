"""HTML rendering: escaping, strict templates, and atomic writes."""

from __future__ import annotations

import pytest

from generator.api import Person
from generator.core.content import load_library
from generator.core.errors import HandoutError
from generator.core.output import write_atomic
from generator.core.profiles import make_personal
from generator.core.render import environment, render_document
from generator.core.resources import TEMPLATES_DIR
from generator.core.validate import check_modules
from tests.helpers import module_text


def checked(ids=("where-am-i",)):
    library = load_library()
    return check_modules(library.select(ids), library.roots)


def test_user_values_are_escaped_and_never_run():
    personal = make_personal(Person(client="<b>x</b> {{ 7*7 }}", note="<script>alert(1)</script>"))
    html = render_document(checked(), personal).html
    assert "&lt;b&gt;x&lt;/b&gt; {{ 7*7 }}" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "49" not in html


def test_a_template_using_an_undefined_value_names_file_and_line(tmp_path):
    (tmp_path / "worksheet.html").write_text(
        '{% extends "module.html" %}\n{% block kind_extra %}{{ nothing.here }}{% endblock %}\n'
    )
    environment.cache_clear()
    with pytest.raises(HandoutError) as caught:
        render_document(checked(), make_personal(), template_dirs=(tmp_path, TEMPLATES_DIR))
    assert caught.value.message == f"{tmp_path / 'worksheet.html'}: line 2: 'nothing' is undefined"


def test_a_template_cannot_reach_python_internals(tmp_path):
    (tmp_path / "worksheet.html").write_text("{{ ''.__class__.__mro__ }}\n")
    with pytest.raises(HandoutError) as caught:
        render_document(checked(), make_personal(), template_dirs=(tmp_path, TEMPLATES_DIR))
    assert "access to attribute '__class__' of 'str' object is unsafe" in caught.value.message


def test_an_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(_fd):
        raise KeyboardInterrupt  # as if Ctrl-C arrived half way through the write

    monkeypatch.setattr("generator.core.pdf.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.pdf", b"%PDF-1.7 partial")
    assert list(tmp_path.iterdir()) == []


def test_compiled_templates_are_kept_between_runs_and_a_broken_copy_is_compiled_again(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    environment.cache_clear()
    first = render_document(checked(), make_personal(Person(client="J.D."))).html
    kept = list(tmp_path.glob("handouts/templates-*/*.cache"))
    assert len(kept) >= 3  # the document, its base and the module's kind at least
    for path in kept:
        path.write_bytes(path.read_bytes()[:20])  # cut short in its header, as by a full disk
    environment.cache_clear()
    assert render_document(checked(), make_personal(Person(client="J.D."))).html == first
    assert all(len(path.read_bytes()) > 20 for path in kept)  # written again, whole
    environment.cache_clear()


def test_a_cache_folder_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "handouts").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    environment.cache_clear()
    html = render_document(checked(), make_personal(Person(client="J.D."))).html
    assert "J.D." in html
    environment.cache_clear()


def test_sample_pages_are_rendered_once_until_a_file_they_come_from_changes(
    tree, tmp_path, monkeypatch
):
    """check, previews and the catalog render the sample pages of a module once; a change to
    the module, or to a file beside the modules, renders them again, a new module beside it
    does not, and a cut-off copy in the cache is never used."""
    from generator.api import render_sample
    from generator.core import build, cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tree({"mine.md": module_text("Words to count.", title="Mine")})
    renders = []
    real = build.render_group
    monkeypatch.setattr(build, "render_group", lambda *a: renders.append(1) or real(*a))

    def sample():
        library = load_library([folder])
        (entry,) = check_modules([library.modules["mine"]], library.roots)
        return render_sample((entry,), library, remember=True)

    first = sample()
    assert sample() == first and len(renders) == 1
    kept = list((tmp_path / "cache" / "handouts" / cache.SAMPLES).glob("*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == first.data
    kept[0].write_bytes(first.data[:100])  # cut short, as by a full disk
    assert sample().data == first.data and len(renders) == 2
    (folder / "mine.md").write_text(module_text("Other words.", title="Mine"), encoding="utf-8")
    changed = sample()
    assert changed.data != first.data and len(renders) == 3
    (folder / "yours.md").write_text(module_text("A module beside it."), encoding="utf-8")
    assert sample() == changed and len(renders) == 3  # another module leaves this one's as it was
    (folder / "images").mkdir()
    (folder / "images" / "map.svg").write_text("<svg/>", encoding="utf-8")
    assert sample() == changed and len(renders) == 4  # a page may show any other file: again


def test_a_thumbnail_is_drawn_once_until_its_module_changes(tree, tmp_path, monkeypatch):
    """The app's thumbnails are kept in the cache folder: a second start of the app shows the
    library without laying a page out; a changed module, or a cut-off file, is drawn again."""
    from generator.api import sample_page
    from generator.core import cache, preview

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tree({"mine.md": module_text("Words to show.", title="Mine")})
    layouts = []
    real = preview._layout
    monkeypatch.setattr(preview, "_layout", lambda *a: layouts.append(1) or real(*a))

    def thumbnail():
        return sample_page(load_library([folder]), "mine", 0.3)

    first = thumbnail()
    assert first.startswith(b"\x89PNG") and thumbnail() == first and len(layouts) == 1
    (kept,) = (tmp_path / "cache" / "handouts" / cache.THUMBNAILS).glob("*.png")
    assert kept.read_bytes() == first
    kept.write_bytes(first[:200])  # cut short, as by a full disk
    assert thumbnail() == first and len(layouts) == 2
    assert sample_page(load_library([folder]), "mine", 0.5) != first and len(layouts) == 3
    (folder / "mine.md").write_text(module_text("Other words.", title="Mine"), encoding="utf-8")
    assert thumbnail() != first and len(layouts) == 4


def test_a_thumbnail_is_page_one_of_the_sample_previews_left(tree, tmp_path, monkeypatch):
    """After 'handouts previews' or 'catalog', the app's thumbnails are page 1 of the samples
    they remembered, the same picture as one laid out afresh, with no layout of their own; a
    damaged sample is laid out afresh instead."""
    from generator.api import render_sample, sample_page
    from generator.core import cache, preview

    folder = tree({"mine.md": module_text("Words to show.\n\n## More\n\n" + "Text. " * 1200)})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh"))
    afresh = sample_page(load_library([folder]), "mine", 0.3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "after-previews"))
    library = load_library([folder])
    (entry,) = check_modules([library.modules["mine"]], library.roots)
    assert render_sample((entry,), library, remember=True).pages >= 2
    (kept,) = (tmp_path / "after-previews" / "handouts" / cache.SAMPLES).glob("*.pdf")
    whole = kept.read_bytes()
    kept.write_bytes(b"\0" * len(whole))  # damaged, at its own size: never used
    assert sample_page(load_library([folder]), "mine", 0.3) == afresh
    for thumbnail in (tmp_path / "after-previews" / "handouts" / cache.THUMBNAILS).glob("*"):
        thumbnail.unlink()
    kept.write_bytes(whole)
    monkeypatch.setattr(preview, "_layout", lambda *a: pytest.fail("laid out again"))
    assert sample_page(load_library([folder]), "mine", 0.3) == afresh
