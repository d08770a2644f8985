"""The app's Clients page through Flask's test client: unlock, import, a client's page with
its alert and chart, report, exports, forget, the lock after 15 idle minutes, and codes kept
out of addresses."""

from __future__ import annotations

import io
import re

import pytest

from generator.api import new_practice_key
from generator.app import Settings, clients_view, create_app

from .phone_support import config, current_public  # noqa: F401 (config: the fixture)
from .progress_fixtures import blank, filled, items, phone_answers, phq9
from .test_app import BASE, ORIGIN

PASS = "harbour lights"


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_RECORD", str(tmp_path / "record.db"))
    settings = Settings(practice_file=tmp_path / "practice.yaml", port=5123, warm_up=False)
    app = create_app(settings)
    browser = app.test_client()
    assert browser.get(f"/?token={settings.token}", base_url=BASE).status_code == 303
    yield browser
    settings.clean_up()


def csrf(browser) -> str:
    import re

    page = browser.get("/clients", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)


def post(browser, url, data):
    return browser.post(url, base_url=BASE, data={"csrf": csrf(browser), **data}, headers=ORIGIN)


def unlocked(browser):
    answer = post(browser, "/clients/unlock", {"passphrase": PASS})
    assert answer.status_code == 200
    return answer


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("returned")
    return [
        filled(folder, "first.pdf", "phq-9", {**phq9(18), "date": "2026-10-01"}),
        filled(folder, "second.pdf", "phq-9", {**phq9(12, item9=1), "date": "2026-10-15"}),
    ]


def files(paths):
    return [(io.BytesIO(p.read_bytes()), p.name) for p in paths]


def test_locked_until_the_passphrase_is_given(client):
    page = client.get("/clients", base_url=BASE).get_data(as_text=True)
    assert 'type="password"' in page and "AB-12" not in page.replace('placeholder="AB-12"', "")
    unlocked(client)
    wrong = post(client, "/clients/lock", {})
    assert "Locked." in wrong.get_data(as_text=True)
    refused = post(client, "/clients/unlock", {"passphrase": "nope"})
    assert refused.status_code == 400
    assert "That passphrase does not open the record" in refused.get_data(as_text=True)


def test_import_by_upload_shows_the_alert_then_the_clients_page(client, returned):
    unlocked(client)
    answer = post(client, "/clients/import", {"client": "ab-12", "returned": files(returned)})
    page = answer.get_data(as_text=True)
    assert "Added 2; already in the record: 0." in page
    assert "item 9" in page and "Several days" in page
    assert "<td>AB-12</td><td>0</td><td>2</td><td>2026-10-15</td>" in page
    shown = post(client, "/clients/show", {"client": "AB-12"}).get_data(as_text=True)
    assert shown.index("Alerts") < shown.index("Patient Health Questionnaire (PHQ-9)")
    assert '<svg class="progress-chart"' in shown and "Moderately severe" in shown


def test_a_bad_upload_is_named_and_the_good_ones_added(client, returned):
    unlocked(client)
    bad = [
        (io.BytesIO(b"%PDF-1.7 broken"), "broken.pdf"),
        (io.BytesIO(blank("gad-7")), "blank.pdf"),
    ]
    page = post(
        client, "/clients/import", {"client": "AB-12", "returned": [*bad, *files(returned[:1])]}
    )
    text = page.get_data(as_text=True)
    assert "broken.pdf: the PDF is damaged; its form cannot be read" in text
    assert "blank.pdf: nothing is filled in" in text and "Added 1;" in text


@pytest.mark.usefixtures("config")
def test_phone_answers_files_are_imported_by_upload_with_the_pdfs(client, returned, tmp_path):
    new_practice_key()
    public = current_public()
    # Phones name their files by the minute: two alike are two files, not one.
    sent = [
        phone_answers(tmp_path / f"{n}.txt", public, "phq-9", items(6, 2), f"2026-11-0{n}T12:00Z")
        for n in (3, 4)
    ]

    def same_name(paths):
        return [(io.BytesIO(p.read_bytes()), "answers-20261103-1200.txt") for p in paths]

    unlocked(client)
    data = {"client": "AB-12", "returned": [*same_name(sent), *files(returned[:1])]}
    page = post(client, "/clients/import", data).get_data(as_text=True)
    assert "Added 3; already in the record: 0." in page
    assert "<strong>2026-11-03</strong>" in page and "More than half the days" in page
    assert "<td>AB-12</td><td>0</td><td>3</td><td>2026-11-04</td>" in page
    again = post(client, "/clients/import", {"client": "AB-12", "returned": same_name(sent[:1])})
    assert "Added 0; already in the record: 1." in again.get_data(as_text=True)
    shown = post(client, "/clients/show", {"client": "AB-12"}).get_data(as_text=True)
    assert "Alerts" in shown and "November 4, 2026" in shown and "More than half the days" in shown


@pytest.mark.usefixtures("config")
def test_a_phone_file_locked_with_a_key_passphrase_is_named_without_the_client(client, tmp_path):
    new_practice_key(None, "long secret words")
    phone = phone_answers(
        tmp_path / "a.txt", current_public("long secret words"), "phq-9", items(3), "2026-11-03"
    )
    unlocked(client)
    sent = [(io.BytesIO(phone.read_bytes()), "answers-20261103-1200.txt")]
    page = post(client, "/clients/import", {"client": "QZ-4821", "returned": sent})
    text = page.get_data(as_text=True)
    (said,) = re.findall(r'<p class="error">([^<]*)</p>', text)
    assert said == (
        "answers-20261103-1200.txt: the practice key has a passphrase; give it to read this file"
    )
    assert "Added 0;" in text


def test_report_exports_and_forget(client, returned):
    unlocked(client)
    post(client, "/clients/import", {"client": "AB-12", "returned": files(returned)})
    report = post(client, "/clients/report", {"client": "AB-12", "audience": "client"})
    assert report.status_code == 200 and report.data.startswith(b"%PDF-")
    assert (
        report.headers["Content-Disposition"]
        == 'attachment; filename="progress-ab-12-for-client.pdf"'
    )
    exported = post(client, "/clients/export", {"client": "AB-12", "format": "fhir"})
    assert b'"resourceType": "Bundle"' in exported.data
    unconfirmed = post(client, "/clients/forget", {"client": "AB-12"})
    assert unconfirmed.status_code == 400
    gone = post(client, "/clients/forget", {"client": "AB-12", "confirm": "yes"})
    assert "Erased" in gone.get_data(as_text=True) and "<td>AB-12</td>" not in gone.get_data(
        as_text=True
    )


def test_it_locks_itself_after_fifteen_idle_minutes(client, monkeypatch):
    unlocked(client)
    now = clients_view.time.monotonic()
    monkeypatch.setattr(clients_view.time, "monotonic", lambda: now + 14 * 60)
    assert 'type="password"' not in client.get("/clients", base_url=BASE).get_data(as_text=True)
    monkeypatch.setattr(clients_view.time, "monotonic", lambda: now + 14 * 60 + 15 * 60 + 1)
    assert 'type="password"' in client.get("/clients", base_url=BASE).get_data(as_text=True)
    assert post(client, "/clients/show", {"client": "AB-12"}).status_code == 401


def test_client_codes_never_appear_in_an_address(client, returned):
    unlocked(client)
    page = post(client, "/clients/import", {"client": "AB-12", "returned": files(returned)})
    import re

    addresses = re.findall(r'(?:href|action)="([^"]*)"', page.get_data(as_text=True))
    assert addresses and not [a for a in addresses if "AB-12" in a]
