"""Reading level: Flesch-Kincaid grade of what the reader reads, and the limit 'check' enforces."""

from __future__ import annotations

import re

from generator.core.content import load_library
from generator.core.readability import GRADE_LIMIT, reading_grade, syllable_count
from generator.core.validate import check_modules
from tests.helpers import module_text

PLAIN = "We can ask for help. It is fine to lean on a friend. Try one small step today."
DENSE = (
    "Interdependence necessitates sophisticated interpersonal negotiation capabilities, "
    "particularly regarding emotional availability, reciprocal accountability, and "
    "collaborative organizational responsibilities characterizing contemporary relationships."
)


def checked_sample(tree, body: str, language: str):
    """A one-module library in a user folder, checked: the module with this body."""
    text = module_text(body).replace("language: en", f"language: {language}")
    library = load_library([tree({"sample.md": text})])
    (checked,) = check_modules(library.select(["sample"]), library.roots)
    return checked


def grade_of(tree, body: str, language: str = "en") -> float | None:
    return reading_grade(checked_sample(tree, body, language))


def test_syllables_err_on_the_high_side():
    assert [syllable_count(w) for w in ("help", "every", "people", "codependency")] == [1, 3, 2, 5]


def test_plain_text_reads_low_and_dense_text_reads_high(tree):
    assert grade_of(tree, PLAIN) < 3
    assert grade_of(tree, DENSE) > 20


def test_components_count_but_markup_and_placeholders_do_not(tree):
    body = f"## Hello\n\n**{PLAIN}** {{{{ client.name }}}}\n\n::: lines 2\n{DENSE}\n:::\n"
    assert grade_of(tree, body) > grade_of(tree, f"## Hello\n\n{PLAIN}\n")


def test_other_languages_are_not_measured(tree):
    assert grade_of(tree, PLAIN, language="es") is None


def test_builtin_modules_read_at_grade_8_or_below():
    library = load_library()
    for checked in check_modules(library.modules.values(), library.roots):
        if checked.module.kind == "measure":  # published, validated wording: not ours to simplify
            continue
        assert reading_grade(checked) <= GRADE_LIMIT, checked.module.id


def test_check_fails_a_module_above_grade_8(run, tree):
    folder = tree({"dense.md": module_text(DENSE)})
    result = run("check", "dense", "where-am-i", "--content", folder)
    assert result.exit_code == 1
    assert "mine/dense.md: reading level is grade" in result.output
    assert "expected 8 or below: try shorter sentences and everyday words" in result.output
    assert re.search(r"^PROBLEMS +mine/dense\.md +grade \d+\.\d$", result.output, re.M)
    # a module that passes is shown with its grade too
    assert re.search(
        r"^ok +content/modules/where-am-i\.md +\d pages, grade \d\.\d$", result.output, re.M
    )


# --- Spanish: Szigriszt-Pazos perspicuity, INFLESZ scale --------------------------------------

PLAIN_ES = "Pedir ayuda está bien. Puede apoyarse en una amiga. Hoy pruebe un paso pequeño."
DENSE_ES = (
    "La interdependencia emocional necesita una negociación interpersonal sofisticada, "
    "particularmente respecto a la disponibilidad afectiva, la responsabilidad recíproca y las "
    "responsabilidades organizativas colaborativas que caracterizan las relaciones contemporáneas."
)


def ease_of(tree, body: str, language: str = "es") -> float | None:
    from generator.core.readability import reading_ease

    return reading_ease(checked_sample(tree, body, language))


def test_spanish_syllables_follow_diphthongs_and_hiatus():
    from generator.core.readability import spanish_syllables

    words = ("ciudad", "día", "cuidado", "poeta", "guitarra", "pingüino", "hoy", "familia")
    assert [spanish_syllables(w) for w in words] == [2, 2, 3, 3, 3, 3, 1, 3]


def test_plain_spanish_is_easy_and_dense_spanish_is_not(tree):
    from generator.core.readability import EASE_LIMIT, ease_problem, inflesz_band

    plain, dense = ease_of(tree, PLAIN_ES), ease_of(tree, DENSE_ES)
    assert plain >= EASE_LIMIT > dense
    assert inflesz_band(dense) in ("algo difícil", "muy difícil")
    assert ease_problem(plain) is None
    assert ease_problem(dense).startswith(f"reading ease is {dense:.1f} on the INFLESZ scale")
    assert ease_of(tree, PLAIN, language="en") is None
