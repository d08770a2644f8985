"""Phone copies: one self-contained file per module, with the PDF's own words, safety lines
first, every answer place a labelled control, and nothing that could reach the network."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from lxml import html as lxml_html

from generator import api
from generator.core.build import prepare_handouts
from generator.core.options import Options
from generator.core.render import render_document

from .phone_support import config  # noqa: F401 (the fixture, used by every test here)

pytestmark = pytest.mark.usefixtures("config")
BLOCKS = "//h1|//h2|//h3|//p|//li"


@pytest.fixture
def key():
    api.new_practice_key()
    return api.practice_public_key()


def _tree(text: str):
    return lxml_html.fromstring(text)


def _words(tree, root_xpath: str) -> list[str]:
    """The body's headings, paragraphs and list items, outside its components."""
    (body,) = tree.xpath(root_xpath)
    blocks = body.xpath("." + BLOCKS.replace("|//", "|.//"))
    outside = [b for b in blocks if not b.xpath("ancestor::*[contains(@class, 'component')]")]
    return [" ".join(b.text_content().split()) for b in outside]


def test_the_phone_copy_has_the_pdfs_words_for_every_module(key):
    library = api.library()
    ids = sorted(library.modules)
    who = api.person(api.Person(client="Zoë", date="2026-12-06", session=4, note="One small step."))
    copies = api.build_phone(ids, who, content=library, public_key=key)
    prepared = prepare_handouts(ids, who, library)
    for copy, checked in zip(copies, prepared.checked, strict=True):
        paper = render_document([checked], who, prepared.options, safety=prepared.safety).html
        phone_words = _words(_tree(copy.html), "//div[@class='module-body']")
        assert phone_words == _words(_tree(paper), "//div[@class='module-body']"), copy.name
        assert len(copy.data) <= 250_000, copy.name
        assert copy.name == f"{checked.module.id}-zoe.html"


def test_safety_lines_come_first_and_personal_details_are_in(tmp_path, key):
    practice = tmp_path / "practice.yaml"
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    practice.write_text(
        "name: Riverside Counseling\ntherapist: Alex Rivera\nbrand_color: '#8a2be2'\n"
        "crisis_line: 'Call or text 988.'\nlogo: logo.svg\n"
    )
    who = api.person(
        api.Person(client="Zoë", date="2026-12-06", note="Try it twice."),
        practice=api.practice(practice),
    )
    (copy,) = api.build_phone(["needs-and-boundaries"], who, public_key=key)
    tree = _tree(copy.html)
    text = " ".join(tree.xpath("//article")[0].text_content().split())
    assert (
        text.index("If someone frightens you:")
        < text.index("Call or text 988.")
        < text.index(api.library().modules["needs-and-boundaries"].title)
    )
    assert "Zoë" in text and "Try it twice." in text and "A note for you from Alex Rivera" in text
    assert "--brand: #8a2be2;" in copy.html
    assert tree.xpath("//img[@class='practice-logo']/@src")[0].startswith("data:image/svg+xml")
    assert "Your answers stay on this phone until you send them." in text


def test_every_answer_place_is_a_labelled_control(key):
    (copy,) = api.build_phone(["where-am-i"], public_key=key)
    tree = _tree(copy.html)
    fields = tree.xpath("//form//*[@name]")
    assert fields and all(f.get("data-q") for f in fields)
    for field in tree.xpath("//textarea|//input[@type='text']"):
        labelled = tree.xpath(f"//label[@for='{field.get('id')}']") or field.xpath(
            "ancestor::label"
        )
        assert labelled, field.get("name")
    scale = tree.xpath("//fieldset[contains(@class, 'c-scale')]")[0]
    assert [i.get("value") for i in scale.xpath(".//input[@type='radio']")] == [
        str(n) for n in range(1, 11)
    ]
    assert [s.text for s in scale.xpath(".//label/span")] == [str(n) for n in range(1, 11)]
    assert "1 = Very hard" in scale.text_content()
    stops = tree.xpath("//fieldset[contains(@class, 'c-journey-choice')]//input/@value")
    assert "Independence (the pit stop)" in stops and tree.xpath("//svg[@class='journey-svg']")
    assert tree.xpath("//input[@type='checkbox']")
    (network,) = api.build_phone(["support-network-map"], public_key=key)
    rings = _tree(network.html).xpath("//div[contains(@class, 'c-network-map')]//textarea/@name")
    assert [r.rsplit(".", 1)[1] for r in rings] == ["me", "inner", "outer"]


def test_a_handout_is_a_reading_copy(key):
    (copy,) = api.build_phone(["what-is-interdependence"], public_key=key)
    tree = _tree(copy.html)
    assert not tree.xpath("//form//*[@name]") and not tree.xpath("//*[@id='send']")
    assert "Read aloud" in copy.html and "stay on this phone" not in copy.html


def test_nothing_can_reach_the_network(key):
    (copy,) = api.build_phone(["attachment-styles"], public_key=key)
    tree = _tree(copy.html)
    (policy,) = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy.startswith("default-src 'none'; ")
    (script,) = [s.text for s in tree.xpath("//script") if s.get("type") is None]
    (style,) = [s.text for s in tree.xpath("//style")]
    for text in (script, style):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    sources = tree.xpath("//@src|//@href")
    assert sources and all(s.startswith(("data:", "#")) for s in sources)
    assert not re.search(r"https?://(?!www\.w3\.org/)", copy.html)
    assert "file:" not in copy.html and "/work/" not in copy.html


def test_in_spanish_the_page_speaks_spanish(key):
    (copy,) = api.build_phone(["where-am-i"], options=Options(language="es"), public_key=key)
    tree = _tree(copy.html)
    assert tree.get("lang") == "es"
    text = tree.text_content()
    for words in ("Enviar a mi terapeuta", "Borrar mis respuestas", "Leer en voz alta"):
        assert words in text
    assert "Sus respuestas se quedan en este teléfono hasta que las envíe." in text  # usted
    assert '"clear_confirm": "¿Borrar todas sus respuestas' in copy.html


# Forms of tú: the house register for adults is usted.
TU = re.compile(r"\b(tu|tus|te|ti|abre|envía|envíalo|envíes|sueles|tengas|tienes|puedes)\b", re.I)


def test_in_spanish_the_copy_and_the_site_say_usted_to_the_client(key, tmp_path):
    """Every word of the copy's own (outside the module's body, whose quoted speech may say tú),
    its script's messages and the homework site's index address the client as usted."""
    spanish = Options(language="es")
    said = []
    for module in ("where-am-i", "what-is-interdependence"):
        (copy,) = api.build_phone([module], options=spanish, public_key=key)
        tree = _tree(copy.html)
        for body in tree.xpath("//div[@class='module-body']"):
            body.getparent().remove(body)
        (data,) = tree.xpath("//script[@id='copy-data']")
        said += [_said(tree), *json.loads(data.text)["strings"].values()]
    site = api.build_site(tmp_path / "site", ["where-am-i"], options=spanish, public_key=key)
    said.append(_said(_tree(site.pages[0].read_text(encoding="utf-8"))))
    text = " ".join(" ".join(said).split())
    assert "Cuando lo tenga listo" in text and "abra este archivo" in text
    assert TU.findall(text) == []


def _said(tree) -> str:
    """The page's words, without its style sheet and scripts."""
    for code in tree.xpath("//style|//script"):
        code.getparent().remove(code)
    return tree.text_content()


@pytest.mark.parametrize(
    ("language", "note", "terms"),
    [
        (
            "en",
            "Answer these questions and send your answers to your therapist or group leader.",
            "No permission required to reproduce, translate, display or distribute",
        ),
        (
            "es",
            "Conteste estas preguntas y envíe sus respuestas a su terapeuta o a quien coordina "
            "su grupo.",
            "No se requiere permiso para reproducir, traducir, presentar o distribuir",
        ),
    ],
)
def test_a_measures_phone_copy_is_answered_and_sent_in_the_pages_language(
    language, note, terms, key
):
    options = Options(language=language)
    content = api.library(language=language)
    (copy,) = api.build_phone(["gad-7"], options=options, content=content, public_key=key)
    tree = _tree(copy.html)
    (foot,) = tree.xpath("//footer[@class='module-foot']")
    text = " ".join(foot.text_content().split())
    assert note in text
    assert "worksheet" not in text.lower() and "hoja de trabajo" not in text.lower()
    (notice,) = tree.xpath("//p[@class='measure-notice']")  # the publisher's, as on paper
    assert terms in notice.text_content()
    if language == "es":
        assert "No permission" not in text and "Cited for" not in text


def _sources_line(html: str) -> str:
    (line,) = _tree(html).xpath("//p[@class='sources']")
    return " ".join(line.text_content().split())


@pytest.mark.parametrize("module_id", ["phq-9", "gad-7", "journey", "where-am-i"])
def test_the_phone_copy_cites_its_sources_as_the_paper_page_does(module_id, key):
    """The paper page's one sources line, in the page's language: a Spanish copy used to print
    each source's author and title as the front matter has them ('... and colleagues',
    'Handouts project contributors'), in English."""
    options = Options(language="es")
    content = api.library(language="es")
    (copy,) = api.build_phone([module_id], options=options, content=content, public_key=key)
    phone = _sources_line(copy.html)
    prepared = prepare_handouts([module_id], api.person(api.Person()), content, options=options)
    paper = render_document(prepared.checked, prepared.personal, prepared.options).html
    assert phone == _sources_line(paper)
    assert phone.startswith("Fuentes: ") and phone.endswith(").")
    for english in ("and colleagues", "Handouts project contributors", "Spanish for the USA"):
        assert english not in phone
    expected = {
        "phq-9": "Fuentes: Spitzer et al. 1999; Kroenke et al. 2001 (Base de la puntuación y de "
        "los niveles de gravedad).",
        "gad-7": "Fuentes: Spitzer et al. 2006a; Spitzer et al. 2006b (Base de la puntuación y "
        "de los niveles de gravedad).",
    }
    if module_id in expected:
        assert phone == expected[module_id]
    else:
        assert "Colaboradores del proyecto Handouts 2026 (CC BY 4.0)." in phone


def test_the_command_writes_the_copy(run, key):
    result = run("build", "where-am-i", "--phone", "--client", "Zoë", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "output/where-am-i-zoe.html  (phone copy," in result.output
    refused = run("build", "where-am-i", "--phone", "--fillable")
    assert refused.exit_code == 1 and "drop --fillable" in refused.output
