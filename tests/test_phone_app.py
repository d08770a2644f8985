"""The app's module page gives a phone copy as well as the PDF, and its Answers page reads a
phone answers file through the same API call as a fillable PDF."""

from __future__ import annotations

import html
import io

import pytest

from generator import api

from .phone_support import (
    answers_file,
    config,  # noqa: F401 (the fixture, used by every test here)
    current_public,
)
from .test_app import BASE, ORIGIN, app, client, csrf, post, settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("config")

WORD_ANSWER = {"field": "where-am-i.lines.3", "question": "Why?", "value": "Zoë's café ☕"}


def test_the_module_page_downloads_a_phone_copy(client):  # noqa: F811 (the app's fixture)
    page = client.get("/module/where-am-i", base_url=BASE).get_data(as_text=True)
    assert 'formaction="/module/where-am-i/phone"' in page and "Phone copy" in page
    form = {"csrf": csrf(client), "client": "Zoë"}
    missing = post(client, "/module/where-am-i/phone", form)
    assert missing.status_code == 400  # no practice key yet
    assert "&#39;handouts key new&#39; makes the practice key" in missing.get_data(as_text=True)
    api.new_practice_key()
    answer = post(client, "/module/where-am-i/phone", {**form, "csrf": csrf(client)})
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="where-am-i-zoe.html"'
    assert answer.headers["Cache-Control"] == "no-store"
    copy = answer.get_data(as_text=True)
    assert "Send to my therapist" in copy and "Zoë" in copy


def test_a_phone_answers_file_reads_through_the_same_call(tmp_path):
    api.new_practice_key()
    sent = answers_file(tmp_path / "answers.txt", current_public())
    found = api.read_answers(sent)
    assert found.kind == "phone" and found.module == "where-am-i"
    assert [(a.field, a.value) for a in found] == [("where-am-i.lines.3", "Because")]
    assert len(found) == 1 and found[0].question == "Why?"


def test_the_answers_page_reads_a_phone_answers_file_with_the_pdfs(client, tmp_path):  # noqa: F811
    api.new_practice_key()
    sent = answers_file(tmp_path / "answers.txt", current_public(), [WORD_ANSWER])
    pdf = api.build(["where-am-i"], options=api.Options(fillable=True))[0].data
    form = {
        "csrf": csrf(client),
        "returned": [
            (io.BytesIO(sent.read_bytes()), "answers-20261206-1000.txt"),
            (io.BytesIO(pdf), "where-am-i.pdf"),
            (io.BytesIO(b'{"format": "not ours"}'), "odd.txt"),
        ],
    }
    answer = post(client, "/answers", form)
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 200
    assert "answers-20261206-1000.txt" in page and "where-am-i.pdf" in page
    assert "Zoë's café ☕" in page  # the phone file's words, read in memory
    assert "odd.txt: " in page  # a file that is not an answers file is named with its problem
    assert not list(tmp_path.glob("*.part"))


def test_saving_the_practice_page_makes_the_practice_key(client, settings):  # noqa: F811
    from generator.phone.keys import PUBLIC_NAME, fingerprint, practice_keys, read_public

    page = client.get("/practice", base_url=BASE).get_data(as_text=True)
    assert "No practice key yet. Saving this page makes one" in page
    saved = post(client, "/practice", {"csrf": csrf(client), "name": "Harbour Therapy"})
    assert saved.status_code == 200
    (key,) = practice_keys()
    assert oct(key.path.stat().st_mode & 0o777) == "0o600"
    beside = settings.practice_file.parent / PUBLIC_NAME
    assert fingerprint(read_public(beside)) == key.fingerprint  # beside the profile
    short = api.key_fingerprint(key.fingerprint)
    page = html.unescape(saved.get_data(as_text=True))
    assert f"Made your practice key: {short}." in page
    assert "If you lose the key, you cannot read any answers sent to it" in page
    again = post(client, "/practice", {"csrf": csrf(client), "name": "Harbour Therapy"})
    assert len(practice_keys()) == 1  # made once, then kept
    assert f"Your practice key: {short}." in html.unescape(again.get_data(as_text=True))
    copy = post(client, "/module/where-am-i/phone", {"csrf": csrf(client), "client": "Zoë"})
    assert copy.status_code == 200  # a phone copy, locked to that key
    assert f'"fingerprint": "{key.fingerprint}"' in copy.get_data(as_text=True)
