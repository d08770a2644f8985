"""The module page and the library as a tired user meets them: a form already filled with what
the app knows (today, the therapist), the therapist printed on the handout, every message in the
form's words, the handout's language as a field with a warning for an English crisis line on
Spanish pages, a preview that shows page 1 first, and a search that forgives spelling."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.api import Problem
from generator.app import language as app_language
from tests.helpers import flat, pdf_pages_text

from .test_app import BASE, app, client, csrf, post, settings  # noqa: F401 (fixtures)

PROFILE = """name: Riverside Counseling
therapist: Alex Rivera
credentials: LMFT
crisis_line: "In a crisis in the US, call or text 988, or call 911."
"""


@pytest.fixture
def profiled(client, settings):  # noqa: F811
    """The app with a practice profile saved (its crisis line written in English)."""
    settings.practice_file.parent.mkdir(parents=True, exist_ok=True)
    settings.practice_file.write_text(PROFILE, encoding="utf-8")
    return client


def page(client, url="/module/where-am-i") -> str:  # noqa: F811
    return client.get(url, base_url=BASE).get_data(as_text=True)


def value_of(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


# --- a form filled with what the app knows ------------------------------------------------------


def test_a_fresh_form_has_todays_date_a_today_button_and_the_profiles_therapist(profiled):
    html = page(profiled)
    assert value_of(html, "date") == dt.date.today().isoformat()
    assert "data-today" in html and ">Today<" in html
    assert value_of(html, "therapist") == "Alex Rivera"
    assert " novalidate" in html  # a half-typed date is the page's to explain, not a silent stop


def test_the_therapist_and_credentials_print_on_the_handout(profiled):
    data = {"csrf": csrf(profiled), "client": "J.D.", "therapist": "Sam Lee"}
    answer = post(profiled, "/module/where-am-i/download", data)
    pages = [flat(text) for text in pdf_pages_text(answer.get_data())]
    assert all("Riverside Counseling · Sam Lee, LMFT" in text for text in pages)
    default = post(profiled, "/module/where-am-i/download", {**data, "therapist": ""})
    assert "Alex Rivera, LMFT" in flat(pdf_pages_text(default.get_data())[0])


# --- messages in the form's words ---------------------------------------------------------------

BAD_FIELDS = {
    "session": "0",
    "date": "2026-13-45",
    "client": "x" * 300,
    "therapist": "y" * 300,
    "note": "z" * 5000,
    "font": "comic-sans",
    "language": "fr",
}


@pytest.mark.parametrize("field", BAD_FIELDS)
def test_no_option_name_reaches_a_page(client, field):  # noqa: F811
    data = {"csrf": csrf(client), "client": "Ana", field: BAD_FIELDS[field]}
    found = post(client, "/module/where-am-i/preview", data).get_json()
    assert found["error"] and (field in found["fields"] or "form" in found["fields"]), found
    for text in (found["error"], *found["fields"].values()):
        assert not re.search(r"--[a-z]", text), text
    answer = post(client, "/module/where-am-i/download", data)
    assert answer.status_code == 400
    messages = re.findall(r'class="(?:field-)?error"[^>]*>([^<]*)<', answer.get_data(as_text=True))
    assert messages and not any(re.search(r"--[a-z]", m) for m in messages), messages


def test_user_words_name_each_field_by_its_label_from_the_problems_key():
    from generator.api import Person, ProblemsFound, person
    from generator.app.forms import field_errors, user_words

    with pytest.raises(ProblemsFound) as raised:
        person(Person(client="x" * 81, session="0"))
    assert user_words(raised.value) == (
        "Client: expected at most 80 characters, got 81\n"
        "Session: expected a session number from 1 to 999, got 0"
    )
    assert field_errors(raised.value) == {
        "client": "Expected at most 80 characters, got 81",
        "session": "Expected a session number from 1 to 999, got 0",
    }
    assert field_errors(raised.value, form="packet")["client"]  # a packet's name is its client
    spanish = ProblemsFound([Problem("", "no 'fr'", key="language")])
    assert user_words(spanish, "es") == "Idioma de la hoja: no 'fr'"


# --- the handout's language -------------------------------------------------------------------


def test_the_handouts_language_is_a_field_of_the_form(client):  # noqa: F811
    html = page(client)
    assert '<select id="language" name="language">' in html
    assert '<option value="es+en" lang="es">Español with the English alongside</option>' in html
    data = {"csrf": csrf(client), "client": "Zoë", "date": "2026-11-23", "language": "es"}
    first = flat(pdf_pages_text(post(client, "/module/where-am-i/download", data).get_data())[0])
    assert "Nombre: Zoë" in first and "23 de noviembre de 2026" in first
    both = post(client, "/module/where-am-i/download", {**data, "language": "es+en"})
    first = flat(pdf_pages_text(both.get_data())[0])
    assert "Nombre / Name: Zoë" in first and "Where am I on the journey?" in first


def test_an_english_crisis_line_on_spanish_pages_is_warned_of(profiled):
    data = {"csrf": csrf(profiled), "client": "Ana", "language": "es"}
    found = post(profiled, "/module/where-am-i/preview", data).get_json()
    assert len(found["warnings"]) == 1 and "crisis line" in found["warnings"][0]
    english = post(profiled, "/module/where-am-i/preview", {**data, "language": "en"})
    assert english.get_json()["warnings"] == []
    assert "looks like English" not in page(profiled)  # an English handout: nothing to say


@pytest.mark.parametrize(
    ("line", "english"),
    [
        ("In a crisis in the US, call or text 988, or call 911.", True),
        ("National Domestic Violence Hotline: call 1-800-799-7233 or text START to 88788.", True),
        ("En una crisis en EE. UU., llama o envía un mensaje de texto al 988.", False),
        ("Línea 024: atención a la conducta suicida, las 24 horas.", False),
        ("988", False),
        ("Crisis: 988", False),
    ],
)
def test_a_line_looks_english_by_its_common_words(line, english):
    assert app_language.looks_english(line) is english


# --- the preview: page 1 first ----------------------------------------------------------------


def test_the_preview_sends_page_one_first_and_the_others_after(client):  # noqa: F811
    data = {"csrf": csrf(client), "client": "Sam"}
    first = post(client, "/module/where-am-i/preview", data).get_json()
    assert (len(first["pages"]), first["count"]) == (1, 2)
    rest = post(client, "/module/where-am-i/preview", {**data, "part": "rest"}).get_json()
    assert len(rest["pages"]) == 1 and rest["pages"][0] != first["pages"][0]


# --- search -------------------------------------------------------------------------------------

CODEPENDENCY = {"codependency-self-check", "codependency-vs-interdependence"}


@pytest.mark.parametrize(
    "typed", ["codependent", "co-dependency", "codependence", "people pleasing", "Codependency"]
)
def test_search_forgives_spelling(client, typed):  # noqa: F811
    found = post(client, "/search", {"csrf": csrf(client), "q": typed}).get_json()
    assert set(found["ids"]) >= CODEPENDENCY and "trust-tracker" not in found["ids"]


def test_a_search_with_no_result_suggests_the_nearest_topics(client):  # noqa: F811
    found = post(client, "/search", {"csrf": csrf(client), "q": "bondaries"}).get_json()
    assert found["ids"] == [] and found["suggestions"][0] == ["boundaries", "boundaries"]
    within = {"csrf": csrf(client), "q": "trust", "topic": "journey", "kind": "worksheet"}
    assert post(client, "/search", within).get_json()["ids"] == []


def test_topics_are_in_the_apps_language(client):  # noqa: F811
    post(client, "/language", {"csrf": csrf(client), "language": "es", "next": "/"})
    library = page(client, "/")
    assert '<option value="asking-for-help">pedir ayuda</option>' in library
    assert "asking for help" not in library
    found = post(client, "/search", {"csrf": csrf(client), "q": "codependiente"}).get_json()
    assert set(found["ids"]) >= CODEPENDENCY


def test_a_measure_is_called_a_measure_in_the_library_and_on_its_page(client):  # noqa: F811
    def card(html: str, module_id: str) -> str:
        return re.search(rf'data-id="{module_id}">.*?</li>', html, re.S).group()

    library = page(client, "/")
    assert '<p class="kind">measure · 5 min' in card(library, "phq-9")
    assert '<p class="kind">worksheet ·' in card(library, "where-am-i")
    assert '<option value="measure">Measures</option>' in library
    module = page(client, "/module/gad-7")
    assert "About this measure" in module and "<dd>Measure</dd>" in module
    post(client, "/language", {"csrf": csrf(client), "language": "es", "next": "/"})
    spanish = page(client, "/")
    assert '<p class="kind">medida · 5 min' in card(spanish, "gad-7")
    assert '<option value="measure">Medidas</option>' in spanish
    assert "hoja de trabajo" not in card(spanish, "phq-9")
    module = page(client, "/module/phq-9")
    assert "Sobre esta medida" in module and "<dd>Medida</dd>" in module


def test_no_option_name_reaches_the_packets_page(client):  # noqa: F811
    data = {"csrf": csrf(client), "packet": "couples", "client": "Ana", "dates": ["2026-02-30"]}
    answer = post(client, "/packets/download", data)
    assert answer.status_code == 400
    messages = re.findall(r'class="(?:field-)?error"[^>]*>([^<]*)<', answer.get_data(as_text=True))
    assert any("2026-02-30" in m for m in messages), messages
    assert not any(re.search(r"--[a-z]", m) for m in messages), messages
