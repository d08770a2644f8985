"""The web app's routes through Flask's test client: the gate (token, Host, origin, CSRF), each
page, each error, the headers, and that downloads are the PDFs the CLI makes."""

from __future__ import annotations

import io
import re

import pytest

from generator import api
from generator.app import Settings, create_app
from generator.app.gate import COOKIE

from .conftest import flat, pdf_pages_text, pdf_reader

BASE = "http://127.0.0.1:5123"
ORIGIN = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def settings(tmp_path):
    made = Settings(practice_file=tmp_path / "config" / "practice.yaml", port=5123, warm_up=False)
    yield made
    made.clean_up()


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app, settings):
    """A browser that opened the printed address: it holds the session cookie."""
    browser = app.test_client()
    answer = browser.get(f"/?token={settings.token}", base_url=BASE)
    assert answer.status_code == 303
    return browser


def csrf(client) -> str:
    page = client.get("/", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)


def post(client, url, data, **headers):
    return client.post(url, base_url=BASE, data=data, headers={**ORIGIN, **headers})


# --- the gate ---------------------------------------------------------------------------


def test_without_the_token_every_route_is_refused(app):
    browser = app.test_client()
    for url in ("/", "/module/journey", "/packets", "/practice", "/answers", "/static/app.css"):
        assert browser.get(url, base_url=BASE).status_code == 401, url
    assert browser.get("/?token=wrong", base_url=BASE).status_code == 403


def test_the_token_buys_an_httponly_strict_cookie_and_leaves_the_address(app, settings):
    answer = app.test_client().get(f"/module/journey?token={settings.token}", base_url=BASE)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/module/journey"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert settings.token not in cookie


@pytest.mark.parametrize(
    "host", ["evil.example:5123", "127.0.0.1:9999", "localhost", "127.0.0.1.nip.io:5123"]
)
def test_a_foreign_host_header_is_refused(client, host):
    assert client.get("/", base_url=BASE, headers={"Host": host}).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:5123", "localhost:5123", "[::1]:5123"])
def test_the_local_names_are_let_in(app, settings, host):
    browser = app.test_client()
    answer = browser.get(f"/?token={settings.token}", base_url=BASE, headers={"Host": host})
    assert answer.status_code == 303


def test_a_cross_origin_post_is_refused_even_with_the_cookie(client):
    token = csrf(client)
    data = {"csrf": token, "client": "Sam"}
    foreign = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    answer = client.post("/module/journey/download", base_url=BASE, data=data, headers=foreign)
    assert answer.status_code == 403
    silent = client.post("/module/journey/download", base_url=BASE, data=data)
    assert silent.status_code == 403  # no Origin and no Sec-Fetch-Site: refused


def test_a_post_without_the_csrf_token_is_refused(client):
    assert post(client, "/module/journey/download", {"client": "Sam"}).status_code == 403
    assert post(client, "/module/journey/download", {"csrf": "0" * 64}).status_code == 403


def test_every_page_sends_the_safety_headers(client):
    answer = client.get("/", base_url=BASE)
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"


# --- pages ------------------------------------------------------------------------------


def test_the_library_lists_every_module_with_a_described_thumbnail(client):
    page = client.get("/", base_url=BASE).get_data(as_text=True)
    modules = api.library().modules
    for module in modules.values():
        assert f'href="/module/{module.id}"' in page
        assert f'alt="First page of {module.title}"'.replace("'", "&#39;") in page
    assert '<label for="search">Search</label>' in page
    thumb = client.get("/thumb/journey.png", base_url=BASE)
    assert thumb.status_code == 200 and thumb.data.startswith(b"\x89PNG")
    assert client.get("/thumb/nope.png", base_url=BASE).status_code == 404


def test_user_modules_show_in_the_library(tree, tmp_path):
    from .conftest import module_text

    folder = tree({"mine-first.md": module_text(title="My own handout")})
    settings = Settings((folder,), tmp_path / "p.yaml", 5123, warm_up=False)
    browser = create_app(settings).test_client()
    browser.get(f"/?token={settings.token}", base_url=BASE)
    page = browser.get("/", base_url=BASE).get_data(as_text=True)
    assert "My own handout" in page and "yours" in page
    settings.clean_up()


def test_the_module_page_has_every_labelled_field(client):
    page = client.get("/module/where-am-i", base_url=BASE).get_data(as_text=True)
    for label in ("Client", "Therapist", "Date", "Session", "Note", "Paper", "Font"):
        assert re.search(rf"<label for=\"\w+\">{label}</label>", page), label
    for box in ("Fillable", "Large print", "Ink saver"):
        assert f"> {box}</label>" in page
    assert ">Download PDF</button>" in page
    assert client.get("/module/nope", base_url=BASE).status_code == 404


def test_download_is_the_pdf_the_cli_makes(client, run, tmp_path):
    data = {
        "csrf": csrf(client),
        "client": "Zoë Ñúñez",
        "date": "2026-11-23",
        "session": "4",
        "note": "Ask for help once.",
        "paper": "a4",
        "font": "atkinson",
        "fillable": "1",
    }
    answer = post(client, "/module/where-am-i/download", data)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"
    assert (
        answer.headers["Content-Disposition"] == 'attachment; filename="where-am-i-zoe-nunez.pdf"'
    )
    run(
        "build",
        "where-am-i",
        "--client",
        "Zoë Ñúñez",
        "--date",
        "2026-11-23",
        "--session",
        "4",
        "--note",
        "Ask for help once.",
        "--paper",
        "a4",
        "--font",
        "atkinson",
        "--fillable",
    )
    assert answer.data == (tmp_path / "output" / "where-am-i-zoe-nunez.pdf").read_bytes()


def test_several_modules_make_one_session_pdf(client):
    data = {"csrf": csrf(client), "client": "Sam", "also": ["where-am-i"]}
    answer = post(client, "/module/journey/download", data)
    assert answer.headers["Content-Disposition"] == 'attachment; filename="handouts-sam.pdf"'
    text = flat(" ".join(pdf_pages_text(answer.data)))
    assert "Independence is a pit stop" in text and "Where am I on the journey?" in text


def test_a_bad_field_is_shown_next_to_it_and_nothing_is_sent(client):
    data = {"csrf": csrf(client), "client": "x" * 81, "date": "2026-02-30"}
    answer = post(client, "/module/journey/download", data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="client-error">Expected at most 80 characters, got 81</p>' in page
    assert 'id="date-error">Expected a date as YYYY-MM-DD' in page
    assert 'aria-invalid="true"' in page


def test_the_preview_follows_the_form(client):
    data = {"csrf": csrf(client), "client": "Sam"}
    answer = post(client, "/module/where-am-i/preview", data)
    found = answer.get_json()
    assert answer.status_code == 200
    assert found["name"] == "where-am-i-sam.pdf"
    assert all(page.startswith("data:image/png;base64,") for page in found["pages"])
    bad = post(client, "/module/where-am-i/preview", {**data, "session": "0"}).get_json()
    assert bad["fields"]["session"].startswith("Expected a session number")


def test_a_packet_downloads_with_its_cli_name(client):
    data = {"csrf": csrf(client), "packet": "couples", "client": "Ana", "dates": ["2026-12-01"]}
    answer = post(client, "/packets/download", data)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="couples-ana.pdf"'
    assert "Ana" in flat(pdf_pages_text(answer.data)[0])
    refused = post(client, "/packets/download", {**data, "packet": "../../etc/passwd"})
    assert refused.status_code == 400
    assert "choose one of the packets" in refused.get_data(as_text=True)


def test_the_practice_form_saves_the_profile_init_writes(client, settings):
    page = client.get("/practice", base_url=BASE).get_data(as_text=True)
    for label in (
        "Practice name",
        "Contact",
        "Therapist",
        "Credentials",
        "Crisis line",
        "Safety line",
        "Logo",
        "Brand colour",
        "Paper",
        "Font",
    ):
        assert re.search(rf"<label for=\"\w+\">{label}</label>", page), label
    data = {
        "csrf": csrf(client),
        "name": "Harbour Therapy",
        "therapist": "Robin Vale",
        "crisis_line": "Call 988.",
        "safety_line": "Call 555-0123.",
        "paper": "a4",
        "font": "noto",
        "brand_color": "#334455",
    }
    answer = post(client, "/practice", data)
    assert answer.status_code == 200 and "Saved to" in answer.get_data(as_text=True)
    saved = api.practice(settings.practice_file)
    assert (saved.name, saved.paper, saved.safety_line) == (
        "Harbour Therapy",
        "a4",
        "Call 555-0123.",
    )
    assert settings.practice_file.read_text(encoding="utf-8").startswith("# Your practice profile")


def test_practice_errors_show_next_to_their_field_and_nothing_is_written(client, settings):
    data = {"csrf": csrf(client), "brand_color": "teal", "paper": "letter", "font": "noto"}
    data |= {"safety_line": "Call " + "5" * 300, "region": "Mars"}  # past the browser's limits
    logo = (io.BytesIO(b"not a png"), "logo.png")
    answer = client.post(
        "/practice",
        base_url=BASE,
        data={**data, "logo": logo},
        headers=ORIGIN,
        content_type="multipart/form-data",
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="brand_color-error">Expected a colour as #RRGGBB' in page
    assert 'id="logo-error">' in page
    assert 'id="safety_line-error">Expected at most' in page
    assert 'id="region-error">Expected a region' in page
    assert 'role="alert"' not in page  # every problem sits at its own field
    assert not settings.practice_file.exists()
    assert list(settings.practice_file.parent.iterdir()) == []


def ticked(pdf: bytes, name: str) -> bytes:
    """The PDF with one checkbox ticked, as a client's PDF reader saves it."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for field in document.Root.AcroForm.Fields:
            if str(field.T) == name:
                field.V = pikepdf.Name("/on")  # the on state our checkboxes have
        saved = io.BytesIO()
        document.save(saved)
    return saved.getvalue()


def test_answers_are_read_shown_and_sent_as_csv(client, tmp_path):
    pdf = api.build(["where-am-i"], options=api.Options(fillable=True))[0]
    data = ticked(pdf.data, "where-am-i.checklist.11.2")
    upload = {"csrf": csrf(client), "returned": (io.BytesIO(data), "where-am-i.pdf")}
    answer = client.post(
        "/answers", base_url=BASE, data=upload, headers=ORIGIN, content_type="multipart/form-data"
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<caption>" in page
    boxes = re.findall(r"<td>I notice that [^<]*</td><td>([^<]*)</td>", page)
    assert boxes == ["not ticked", "ticked", "not ticked"]  # not "no", beside "I say no"
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    sheet = post(client, "/answers/csv", {"csrf": csrf(client), "key": key})
    assert sheet.headers["Content-Type"].startswith("text/csv")
    assert sheet.headers["Cache-Control"] == "no-store"
    assert sheet.get_data(as_text=True).startswith("field,question,value")
    assert post(client, "/answers/csv", {"csrf": csrf(client), "key": key}).status_code == 404
    not_pdf = {"csrf": csrf(client), "returned": (io.BytesIO(b"hello"), "x.pdf")}
    bad = client.post(
        "/answers", base_url=BASE, data=not_pdf, headers=ORIGIN, content_type="multipart/form-data"
    )
    assert bad.status_code == 400


def test_uploads_are_bounded(client):
    def send(size: int):
        upload = {"csrf": csrf(client), "returned": (io.BytesIO(b"%PDF" + b"0" * size), "x.pdf")}
        return client.post(
            "/answers",
            base_url=BASE,
            data=upload,
            headers=ORIGIN,
            content_type="multipart/form-data",
        )

    over_the_file_limit = send(21_000_000)
    assert over_the_file_limit.status_code == 400
    assert "the file is too large (at most 20 MB)" in over_the_file_limit.get_data(as_text=True)
    over_the_request_limit = send(30_000_000)
    assert over_the_request_limit.status_code == 413
    assert "too large" in over_the_request_limit.get_data(as_text=True)


def test_nothing_with_client_details_stays_on_disk(client, settings):
    post(client, "/module/journey/download", {"csrf": csrf(client), "client": "Sam"})
    pdf = api.build(["where-am-i"], options=api.Options(fillable=True))[0]
    upload = {"csrf": csrf(client), "returned": (io.BytesIO(pdf.data), "where-am-i.pdf")}
    client.post(
        "/answers", base_url=BASE, data=upload, headers=ORIGIN, content_type="multipart/form-data"
    )
    assert list(settings.workdir.iterdir()) == []
    assert pdf_reader(pdf.data).pages


def test_several_downloads_at_once_are_each_served_right(app, settings):
    import threading

    names = ["Ana", "Ben", "Cai", "Dee"]
    got: dict[str, bytes] = {}

    def fetch(name: str) -> None:
        browser = app.test_client()
        browser.get(f"/?token={settings.token}", base_url=BASE)
        answer = post(
            browser, "/module/where-am-i/download", {"csrf": csrf(browser), "client": name}
        )
        got[name] = answer.data

    threads = [threading.Thread(target=fetch, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == names
    for name, data in got.items():
        assert f"Name: {name}" in flat(pdf_pages_text(data)[0])


# --- the language switch ----------------------------------------------------------------------


def switch(client, language: str, next_page: str = "/"):
    return post(
        client, "/language", {"csrf": csrf(client), "language": language, "next": next_page}
    )


def test_every_page_has_the_language_switch(client):
    for url in ("/", "/module/journey", "/packets", "/practice", "/answers"):
        page = client.get(url, base_url=BASE).get_data(as_text=True)
        assert 'action="/language"' in page and 'name="language"' in page, url
        assert '<option value="es" lang="es">Español</option>' in page, url


def test_the_switch_turns_the_app_and_its_library_to_spanish(client):
    answer = switch(client, "es", "/module/where-am-i")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/module/where-am-i")
    cookie = client.get_cookie("handouts_lang", domain="127.0.0.1")
    assert cookie.value == "es" and cookie.http_only and cookie.same_site == "Strict"
    page = client.get("/module/where-am-i", base_url=BASE).get_data(as_text=True)
    assert '<html lang="es">' in page
    for words in (
        "¿Dónde estoy en el camino?",
        "Para su cliente",
        "Descargar PDF",
        "Facilidad de lectura (INFLESZ)",
        "Con el inglés al lado",
        ">Biblioteca<",
        "Ir al contenido",
    ):
        assert words in page, words
    library = client.get("/", base_url=BASE).get_data(as_text=True)
    assert "Hojas informativas y hojas de trabajo" in library
    assert "La independencia es una parada, no la meta" in library
    strings = re.search(r'data-strings="([^"]+)"', library).group(1)
    assert "Actualizando la vista previa" in strings.replace("&#34;", '"')
    switch(client, "en")
    assert "Independence is a pit stop" in client.get("/", base_url=BASE).get_data(as_text=True)


def test_a_download_in_spanish_and_in_both_languages(client):
    switch(client, "es")
    data = {"csrf": csrf(client), "client": "Zoë", "date": "2026-11-23", "fillable": "1"}
    answer = post(client, "/module/where-am-i/download", data)
    assert answer.status_code == 200
    first = flat(pdf_pages_text(answer.get_data())[0])
    assert "Nombre: Zoë" in first and "23 de noviembre de 2026" in first
    both = post(client, "/module/where-am-i/download", {**data, "bilingual": "1"})
    first = flat(pdf_pages_text(both.get_data())[0])
    assert "Nombre / Name: Zoë" in first and "Where am I on the journey?" in first


def test_the_switch_refuses_another_site_and_an_unknown_language(client):
    answer = switch(client, "fr", "https://elsewhere.example/")
    assert answer.status_code == 303 and answer.headers["Location"] in ("/", f"{BASE}/")
    assert client.get_cookie("handouts_lang", domain="127.0.0.1") is None
    answer = post(client, "/language", {"language": "es", "next": "/"})  # no CSRF token
    assert answer.status_code == 403


def test_errors_and_the_gate_speak_the_chosen_language(client):
    switch(client, "es")
    page = client.get("/module/nope", base_url=BASE).get_data(as_text=True)
    assert "Ese módulo no está en la biblioteca." in page
    assert "Algo necesita su atención" in page


def test_the_practice_page_saves_language_and_region(client, settings):
    switch(client, "es")
    page = client.get("/practice", base_url=BASE).get_data(as_text=True)
    assert '<option value="es+en"' in page and '<option value="MX"' in page
    data = {"csrf": csrf(client), "name": "Río", "language": "es", "region": "MX"}
    assert post(client, "/practice", data).status_code == 200
    saved = api.practice(settings.practice_file)
    assert (saved.language, saved.region) == ("es", "MX")


# --- the crisis line and the discreet edition ------------------------------------------------


def test_every_page_says_so_until_a_region_or_crisis_line_is_set(client, settings):
    banner = "No crisis line is set"
    for url in ("/", "/module/journey", "/practice"):
        assert banner in client.get(url, base_url=BASE).get_data(as_text=True), url
    settings.practice_file.parent.mkdir(parents=True, exist_ok=True)
    settings.practice_file.write_text('region: "US"\n', encoding="utf-8")
    assert banner not in client.get("/", base_url=BASE).get_data(as_text=True)


def test_the_discreet_tick_box_downloads_the_discreet_edition(client):
    page = client.get("/module/relationship-safety", base_url=BASE).get_data(as_text=True)
    assert 'name="discreet"' in page
    data = {"csrf": csrf(client), "client": "Jo Quill", "discreet": "1"}
    answer = post(client, "/module/relationship-safety/download", data)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    text = flat(" ".join(pdf_pages_text(answer.get_data())))
    assert "Quill" not in text and "Numbers to keep:" in text
