"""The web app's routes through Flask's test client: the gate (token, Host, origin, CSRF), each
page, each error, the headers, and that downloads are the PDFs the CLI makes."""

from __future__ import annotations

import html
import io
import re

import pytest

from generator import api
from generator.app import Settings, create_app
from generator.app.gate import cookie_name
from generator.phone.keys import PUBLIC_NAME
from tests.helpers import flat, pdf_pages_text, pdf_reader

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
    assert cookie.startswith(f"{cookie_name('5123')}=")
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


def test_the_csrf_token_is_a_secret_of_its_own_not_made_from_the_cookie(app, settings):
    """Someone who reads the session cookie (a shared machine, a browser extension) learns
    nothing about the form token: it is random, not a hash of the cookie."""
    import hashlib
    import hmac

    browser = app.test_client()
    cookie = browser.get(f"/?token={settings.token}", base_url=BASE).headers["Set-Cookie"]
    session = re.match(r"[^=]+=([^;]+)", cookie).group(1)
    token = csrf(browser)
    assert len(token) == 64 and session not in token
    assert token != hmac.new(session.encode(), b"csrf", hashlib.sha256).hexdigest()
    other = create_app(settings).test_client()  # another launch with the same printed key
    other.get(f"/?token={settings.token}", base_url=BASE)
    assert csrf(other) != token


def test_the_session_cookie_is_named_after_the_port(app, settings):
    """Browsers share cookies between ports; a cookie named after this port keeps another
    launch's login from replacing this one's."""
    answer = app.test_client().get(f"/?token={settings.token}", base_url=BASE)
    assert answer.headers["Set-Cookie"].startswith("handouts-session-5123=")
    stranger = app.test_client()
    stranger.set_cookie("handouts-session-6000", "x", domain="127.0.0.1")
    assert stranger.get("/", base_url=BASE).status_code == 401


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.1:80"])
def test_on_port_80_a_host_without_a_port_is_let_in(tmp_path, host):
    """A browser leaves HTTP's default port out of the Host header: with --port 80 the app
    would otherwise refuse every request its own address sends."""
    settings = Settings(practice_file=tmp_path / "p.yaml", port=80, warm_up=False)
    browser = create_app(settings).test_client()
    base = "http://127.0.0.1"
    entered = browser.get(f"/?token={settings.token}", base_url=base, headers={"Host": host})
    assert entered.status_code == 303
    assert browser.get("/", base_url=base, headers={"Host": host}).status_code == 200
    assert browser.get("/", base_url=base, headers={"Host": "evil.example"}).status_code == 400
    settings.clean_up()


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
    from tests.helpers import module_text

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
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Saved. Your next handouts use these details." in page
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
    assert not settings.practice_file.parent.exists()  # nothing written, not even its folder


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
    pdf = api.build(["codependency-self-check"], options=api.Options(fillable=True))[0]
    data = ticked(pdf.data, "codependency-self-check.checklist.1.6")
    upload = {"csrf": csrf(client), "returned": (io.BytesIO(data), "self-check.pdf")}
    answer = client.post(
        "/answers", base_url=BASE, data=upload, headers=ORIGIN, content_type="multipart/form-data"
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<caption>" in page
    rows = dict(re.findall(r"<td>([^<]*)</td><td>(not ticked|ticked)</td>", page))
    assert rows["I find it hard to say no without a long excuse."] == "ticked"  # not "yes"
    assert rows["I keep quiet about what I want so there is no conflict."] == "not ticked"
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    sheet = post(client, "/answers/csv", {"csrf": csrf(client), "key": key})
    assert sheet.headers["Content-Type"].startswith("text/csv")
    assert sheet.headers["Cache-Control"] == "no-store"
    assert sheet.get_data(as_text=True).startswith("field,question,value")
    again = post(client, "/answers/csv", {"csrf": csrf(client), "key": key})
    assert again.status_code == 200 and again.data == sheet.data  # a failed download can be retried
    not_pdf = {"csrf": csrf(client), "returned": (io.BytesIO(b"hello"), "x.pdf")}
    bad = client.post(
        "/answers", base_url=BASE, data=not_pdf, headers=ORIGIN, content_type="multipart/form-data"
    )
    assert bad.status_code == 400


def read_returned(client, files: list[tuple[bytes, str]]):
    upload = {"csrf": csrf(client), "returned": [(io.BytesIO(d), n) for d, n in files]}
    return client.post(
        "/answers", base_url=BASE, data=upload, headers=ORIGIN, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("name", ["Łukasz ñ 日本.pdf", "a; b=c, it's 50% done.pdf", "日本.pdf"])
def test_the_csv_downloads_whatever_the_upload_was_called(client, name):
    from urllib.parse import unquote

    pdf = api.build(["where-am-i"], options=api.Options(fillable=True))[0]
    page = read_returned(client, [(pdf.data, name)]).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    for _ in range(2):  # and again: the answers stay until the next files are read
        sheet = post(client, "/answers/csv", {"csrf": csrf(client), "key": key})
        assert sheet.status_code == 200 and sheet.data.startswith(b"field,question,value")
        header = sheet.headers["Content-Disposition"]
        assert header.isascii() and unquote(header.split("filename*=UTF-8''")[1]) == (
            name[:-4] + "-answers.csv"
        )


@pytest.mark.parametrize(
    ("name", "fallback", "full"),
    [
        ('say "hi"; x.csv', "say _hi_ x.csv", 'say "hi"; x.csv'),
        ("a\r\nSet-Cookie: b=c.csv", "a Set-Cookie_ b_c.csv", "a Set-Cookie: b=c.csv"),
        ("..\\..\\x.csv", "x.csv", ".. .. x.csv"),
        ("Łukasz Wójcik.csv", "Lukasz Wojcik.csv", "Łukasz Wójcik.csv"),
        ("日本", "RiBen", "日本"),
        ("\u202e\u200b", "download", "download"),
        ("ab\u202ecsv.exe", "abcsv.exe", "abcsv.exe"),
    ],
)
def test_a_download_header_holds_any_name_safely(name, fallback, full):
    """Quotes, semicolons and line breaks cannot end the header or add another; the browser
    gets the name itself (RFC 5987) and a plain ASCII one for the few that cannot read it."""
    from email.message import Message
    from urllib.parse import unquote

    from generator.app.views import disposition

    header = disposition(name)
    assert header.isascii() and "\n" not in header and "\r" not in header
    parsed = Message()
    parsed["Content-Disposition"] = header
    assert parsed.get_content_disposition() == "attachment"
    assert parsed.get_param("filename", header="content-disposition") == fallback
    given = re.search(r"; filename\*=UTF-8''(\S+)$", header)  # only when it differs
    assert (unquote(given.group(1)) if given else fallback) == full
    assert disposition(name, inline=True).startswith("inline; ")


def test_several_returned_pdfs_are_read_at_once_each_named_as_the_user_named_it(client):
    first = api.build(["codependency-self-check"], options=api.Options(fillable=True))[0].data
    second = ticked(first, "codependency-self-check.checklist.1.2")
    answer = read_returned(
        client,
        [(first, "Ana week 1.pdf"), (b"not a pdf at all", "Łukasz notes.pdf"), (second, "Bo.pdf")],
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert re.findall(r"<h2 id=\"returned-\d\">([^<]+)</h2>", page) == ["Ana week 1.pdf", "Bo.pdf"]
    assert "Łukasz notes.pdf: is not a PDF file" in page
    assert "handouts-app-" not in page and "/tmp" not in page
    keys = re.findall(r'name="key" value="([^"]+)"', page)
    sheets = [post(client, "/answers/csv", {"csrf": csrf(client), "key": k}) for k in keys]
    assert [s.headers["Content-Disposition"].split('"')[1] for s in sheets] == [
        "Ana week 1-answers.csv",
        "Bo-answers.csv",
    ]
    assert sheets[0].data != sheets[1].data  # each table its own file's answers


def test_a_problem_names_the_returned_file_never_a_temporary_path(client, settings):
    answer = read_returned(client, [(b"%PDF-1.7 broken", "From Ana.pdf")])
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "From Ana.pdf: the PDF is damaged; its form cannot be read" in page
    assert str(settings.workdir) not in page and "tmp" not in page.lower()


def test_open_shows_the_pdf_in_the_browser_instead_of_saving_it(client):
    data = {"csrf": csrf(client), "client": "Sam"}
    saved = post(client, "/module/journey/download", data)
    shown = post(client, "/module/journey/download", {**data, "open": "1"})
    assert saved.headers["Content-Disposition"].startswith('attachment; filename="journey-sam.pdf"')
    assert shown.headers["Content-Disposition"].startswith('inline; filename="journey-sam.pdf"')
    assert shown.headers["Content-Type"] == "application/pdf" and shown.data == saved.data
    page = client.get("/module/journey", base_url=BASE).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="open" value="1" formtarget="_blank"', page)


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
        assert 'name="language" value="es" lang="es"' in page, url  # a button, not a select
        assert 'id="language-switch"' not in page, url


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
        "Español con el inglés al lado",
        "Idioma de la hoja",
        ">Biblioteca<",
        "Ir al contenido",
    ):
        assert words in page, words
    library = client.get("/", base_url=BASE).get_data(as_text=True)
    assert "hojas informativas, hojas de trabajo y medidas" in library
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
    answer = post(client, "/practice", {**data, "brand_color": "#ffcc00"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Todavía no se guardó nada." in page
    assert "<legend><h2>Idioma y región</h2></legend>" in page
    answer = post(client, "/practice", data)
    assert "Guardado. Sus próximas hojas usarán estos datos." in answer.get_data(as_text=True)
    saved = api.practice(settings.practice_file)
    assert (saved.language, saved.region) == ("es", "MX")


# --- the practice profile: saved whole or not at all, and never a page it breaks -------------


def png(colour: str = "navy", size=(64, 64)) -> bytes:
    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", size, colour).save(stream, "PNG")
    return stream.getvalue()


def save_practice(client, token: str, logo: bytes | None = None, **fields):
    """The Practice form posted as the browser sends it, with a logo file chosen or not."""
    data = {"csrf": token, "paper": "letter", "font": "noto", **fields}
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), "my logo.PNG")
    return client.post(
        "/practice", base_url=BASE, data=data, headers=ORIGIN, content_type="multipart/form-data"
    )


def folder_state(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_save_with_a_new_logo_writes_nothing_and_keeps_the_logo_chosen(
    client, settings, tmp_path, run
):
    token = csrf(client)
    assert save_practice(client, token, png("navy"), name="Harbour").status_code == 200
    folder = settings.practice_file.parent
    before = folder_state(folder)
    answer = save_practice(client, token, png("darkred"), name="Cove", brand_color="purple")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert folder_state(folder) == before  # the old logo and profile, byte for byte
    for url in ("/practice", "/module/journey", "/"):
        assert client.get(url, base_url=BASE).status_code == 200, url
    result = run("build", "where-am-i", "--practice", settings.practice_file, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    # The top of the page lists the problem, linked to its field, and takes the focus.
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert summary and 'tabindex="-1"' in summary.group(0) and "autofocus" in summary.group(0)
    assert '<a href="#brand_color">Brand colour: Expected a colour as #RRGGBB' in summary.group(1)
    assert 'id="brand_color-error">Expected a colour' in page  # and beside the field
    assert 'value="Cove"' in page
    # The new logo is kept for the next try: shown, and sent again without choosing it.
    held = re.search(r'name="held_logo" value="([^"]+)"', page).group(1)
    picture = client.get(f"/practice/held/{held}", base_url=BASE)
    assert picture.data == png("darkred") and picture.headers["Cache-Control"] == "no-store"
    assert f'src="/practice/held/{held}"' in page
    answer = save_practice(client, token, name="Cove", brand_color="#5a1e1e", held_logo=held)
    assert answer.status_code == 200
    saved = api.practice(settings.practice_file)
    assert saved.name == "Cove" and saved.logo.read_bytes() == png("darkred")
    logos = [p.name for p in folder.iterdir() if p.name not in ("practice.yaml", PUBLIC_NAME)]
    assert logos == [saved.logo.name]  # the old logo went once the new profile was in place
    assert client.get(f"/practice/held/{held}", base_url=BASE).status_code == 404
    assert list((settings.workdir / "logos").iterdir()) == []


def test_a_bad_logo_is_reported_with_every_other_problem_and_nothing_is_held(client, settings):
    answer = save_practice(client, csrf(client), png("navy", (8, 8)), brand_color="teal")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="logo-error">Expected 32 to 6000 pixels a side, got 8 x 8' in page
    assert 'id="brand_color-error">Expected a colour' in page
    assert 'name="held_logo"' not in page and not settings.practice_file.parent.exists()


BROKEN_PROFILES = {
    "yaml": ("name: Harbour\nbrand_color: [\n", "line 3", "not valid YAML"),
    "missing logo": ("name: Harbour\nlogo: gone.png\n", "line 2", "'logo': 'gone.png': no such"),
    "light colour": ("name: Harbour\nbrand_color: '#ffcc00'\n", "line 2", "has 1.51:1"),
}


@pytest.mark.parametrize("kind", BROKEN_PROFILES)
def test_a_profile_with_problems_breaks_no_page_and_says_where_to_fix_it(client, settings, kind):
    text, line, problem = BROKEN_PROFILES[kind]
    settings.practice_file.parent.mkdir(parents=True)
    settings.practice_file.write_text(text, encoding="utf-8")
    for url in ("/", "/module/journey", "/packets", "/practice", "/answers"):
        answer = client.get(url, base_url=BASE)
        notice = html.unescape(answer.get_data(as_text=True).partition('id="profile-problems"')[2])
        assert answer.status_code == 200, (url, answer.status_code)
        assert f"{settings.practice_file}: {line}: " in notice and problem in notice, url
        assert url == "/practice" or 'href="/practice">Put it right on the Practice page' in notice
    # A handout cannot be made until it is put right: each way to make one says why.
    form = {"csrf": csrf(client), "client": "Sam"}
    for url in ("/module/journey/preview", "/module/journey/download", "/packets/download"):
        answer = post(client, url, {**form, "packet": "couples"})
        said = html.unescape(answer.get_data(as_text=True))
        assert answer.status_code == 400 and problem in said, url
    assert settings.practice_file.read_text(encoding="utf-8") == text


def test_the_practice_page_shows_a_bad_value_from_the_file_beside_its_field(client, settings):
    settings.practice_file.parent.mkdir(parents=True)
    settings.practice_file.write_text("name: Harbour\nbrand_color: purple\n", encoding="utf-8")
    page = client.get("/practice", base_url=BASE).get_data(as_text=True)
    assert 'value="Harbour"' in page and 'value="purple"' in page
    assert 'id="brand_color-error">Expected a colour as #RRGGBB' in page
    answer = save_practice(client, csrf(client), name="Harbour", brand_color="#24606a")
    assert answer.status_code == 200 and 'id="profile-problems"' not in answer.get_data(True)
    assert api.practice(settings.practice_file).brand_color == "#24606a"


def test_a_profile_naming_a_missing_logo_is_put_right_by_removing_it(client, settings):
    settings.practice_file.parent.mkdir(parents=True)
    settings.practice_file.write_text("name: Harbour\nlogo: gone.png\n", encoding="utf-8")
    page = client.get("/practice", base_url=BASE).get_data(as_text=True)
    assert 'name="remove_logo"' in page and 'src="/practice/logo"' not in page
    answer = save_practice(client, csrf(client), name="Harbour")
    assert answer.status_code == 400
    assert 'id="logo-error">' in answer.get_data(as_text=True)
    answer = save_practice(client, csrf(client), name="Harbour", remove_logo="1")
    assert answer.status_code == 200 and api.practice(settings.practice_file).logo is None


def test_concurrent_saves_never_collide(app, settings):
    """Six people (or six tabs) saving at once, each with a logo: every save is whole, the
    profile read afterwards is one of them, with its own logo, and nothing is left over."""
    import threading

    browsers = []
    for _ in range(6):
        browser = app.test_client()
        browser.get(f"/?token={settings.token}", base_url=BASE)
        browsers.append((browser, csrf(browser)))
    colours = ["navy", "darkred", "darkgreen", "black", "purple", "brown"]
    answers: list = []

    def save(index: int) -> None:
        browser, token = browsers[index]
        for round_ in range(3):
            name = f"Practice {index}-{round_}"
            answers.append(save_practice(browser, token, png(colours[index]), name=name))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 18
    saved = api.practice(settings.practice_file)
    index = int(saved.name.split()[1].partition("-")[0])
    assert saved.logo.read_bytes() == png(colours[index])
    kept = {p.name for p in settings.practice_file.parent.iterdir()} - {PUBLIC_NAME}
    assert kept == {"practice.yaml", saved.logo.name}  # (the practice key's public half too)


def test_the_logo_is_shown_from_the_profile_and_can_be_removed(client, settings):
    token = csrf(client)
    assert client.get("/practice/logo", base_url=BASE).status_code == 404
    answer = save_practice(client, token, png("navy"), name="Harbour")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert '<p class="saved" role="status">Saved. Your next handouts use these details.' in page
    assert '<img src="/practice/logo" alt="Your logo now">' in page
    assert 'name="remove_logo"' in page
    picture = client.get("/practice/logo", base_url=BASE)
    assert picture.mimetype == "image/png" and picture.headers["Cache-Control"] == "no-store"
    assert picture.data == png("navy")
    assert app_refuses_without_cookie(client, "/practice/logo")
    logo = api.practice(settings.practice_file).logo
    assert save_practice(client, token, name="Harbour", remove_logo="1").status_code == 200
    assert api.practice(settings.practice_file).logo is None and not logo.exists()
    assert "/practice/logo" not in client.get("/practice", base_url=BASE).get_data(True)


def app_refuses_without_cookie(client, url: str) -> bool:
    from flask import current_app  # noqa: F401  (the client's app)

    stranger = client.application.test_client()
    return stranger.get(url, base_url=BASE).status_code == 401


@pytest.mark.parametrize("name", ["../practice.yaml", "x" * 22 + ".png", "%2e%2e%2fetc.png"])
def test_a_held_logo_is_only_one_the_app_holds(client, settings, name):
    assert client.get(f"/practice/held/{name}", base_url=BASE).status_code == 404
    answer = save_practice(client, csrf(client), name="Harbour", held_logo=name)
    assert answer.status_code == 200 and api.practice(settings.practice_file).logo is None


def test_a_brand_colour_too_light_to_read_is_refused_with_its_contrast(client, settings):
    page = client.get("/practice", base_url=BASE).get_data(as_text=True)
    assert 'type="color"' in page and 'data-colour-picker="brand_color"' in page
    for heading in ("Your practice", "Language and region", "Look"):
        assert f"<legend><h2>{heading}</h2></legend>" in page
    answer = save_practice(client, csrf(client), name="Harbour", brand_color="#FFCC00")
    assert answer.status_code == 400
    assert (
        'id="brand_color-error">Expected a colour dark enough to read on white, with a contrast '
        "of at least 4.5:1; &#39;#FFCC00&#39; has 1.51:1, pick a darker one"
    ) in answer.get_data(as_text=True)
    assert save_practice(client, csrf(client), brand_color="#767676").status_code == 200


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b"])
def test_a_line_or_paragraph_separator_in_a_one_line_field_is_refused(client, settings, separator):
    answer = save_practice(client, csrf(client), name=f"Harbour{separator}Therapy")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    error = re.search(r'id="name-error">([^<]*)<', page).group(1)
    assert error.startswith("Expected the practice&#39;s name") and "(U+" in error
    assert '<a href="#name">Practice name: Expected' in page
    assert not settings.practice_file.exists()


def test_a_save_with_a_new_logo_on_a_full_disk_says_so_and_writes_nothing(
    client, settings, monkeypatch
):
    """The disk fills up between choosing a logo and pressing Save: the page says so in plain
    words (never a 500, even though the logo cannot be held for the next try either), and no
    file is left behind, empty or whole."""
    from tests.test_input_edges import fill_disk

    token = csrf(client)
    fill_disk(monkeypatch)
    answer = save_practice(client, token, png("navy"), name="Harbour")
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    assert "the disk is full; nothing was written there. Free some space and try again" in page
    assert not re.search(r"logo-[0-9a-f]{16}", page)  # the folder is named, not a made-up file
    assert 'value="Harbour"' in page and 'name="held_logo"' not in page
    assert list(settings.practice_file.parent.iterdir()) == []
    assert list(settings.workdir.rglob("*.*")) == []


def test_a_profile_that_cannot_be_written_leaves_no_new_logo_behind(tmp_path):
    """The logo is written first; when the profile then cannot be (here a folder is in its
    place), the new logo goes again and the user hears why, naming the file."""
    target = tmp_path / "config" / "practice.yaml"
    target.mkdir(parents=True)
    with pytest.raises(api.HandoutError, match=r"cannot write '.*practice\.yaml': "):
        api.save_practice(target, {"name": "Harbour"}, api.Logo(png(), ".png"))
    assert [p.name for p in target.parent.iterdir()] == ["practice.yaml"]
    assert list(target.iterdir()) == []


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
