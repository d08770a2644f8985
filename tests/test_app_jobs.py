"""Roster jobs in the app: hostile rosters answered at once without their content, one job at a
time, Cancel, and files removed when delivered, when idle, when the app stops or was killed."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import generator.app as app_module
from generator.app import Settings, create_app, jobs
from generator.packets.roster import read_roster

BASE = "http://127.0.0.1:5123"
ORIGIN = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}
# A one-session packet in the app's content folder: what these tests follow is the job (its turn,
# files, Cancel and clean-up), which a short packet shows as well as a long one, in less time.
SHORT = "title: A short packet\nmodules: [where-am-i]\n"


@pytest.fixture
def settings(tmp_path):
    content = tmp_path / "content"
    (content / "packets").mkdir(parents=True)
    (content / "packets" / "short.yaml").write_text(SHORT, encoding="utf-8")
    made = Settings(
        content_dirs=(content,),
        practice_file=tmp_path / "config" / "practice.yaml",
        port=5123,
        warm_up=False,
    )
    yield made
    jobs.finish_all()
    made.clean_up()


@pytest.fixture
def client(settings):
    browser = create_app(settings).test_client()
    assert browser.get(f"/?token={settings.token}", base_url=BASE).status_code == 303
    return browser


def csrf(client) -> str:
    page = client.get("/", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)


def post(client, url, data):
    return client.post(
        url, base_url=BASE, data=data, headers=ORIGIN, content_type="multipart/form-data"
    )


def start(client, roster: str, packet: str = "short"):
    """Post a roster for a packet; the app's answer."""
    data = {"csrf": csrf(client), "packet": packet}
    data["roster"] = (io.BytesIO(roster.encode("utf-8")), "roster.csv")
    return post(client, "/packets/roster", data)


def status(client, job: str):
    return client.get(f"/jobs/{job}", base_url=BASE)


def finished(client, job: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while (state := status(client, job).get_json())["state"] in ("waiting", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return state


def job_folders(settings) -> list[Path]:
    return sorted(settings.workdir.glob("job-*"))


# --- hostile rosters ------------------------------------------------------------------------


def test_a_roster_without_a_header_is_refused_at_once_without_its_names(
    client, settings, monkeypatch
):
    monkeypatch.chdir(settings.workdir.parent)  # the app's folder is shown relative to here
    answer = start(client, "Secret Person,Tuesday\nOther Person,Tuesday\n")
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error.startswith("Roster (CSV): line 1: the header row is missing or not recognised")
    assert "Secret" not in error and "Tuesday" not in error
    assert "handouts-app" not in error and "job-" not in error
    assert job_folders(settings) == []  # nothing of it kept


def test_a_roster_over_the_row_cap_is_refused(client, settings, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_ROWS", 3)
    answer = start(client, "name\nA\nB\nC\nD\n")
    assert answer.status_code == 400
    assert "the roster has more than 3 rows; split it" in answer.get_json()["error"]
    assert job_folders(settings) == []


def test_the_total_counts_the_rows_that_can_be_built(client):
    roster = 'name\nAna\n"Unclosed,quote\n\nBo\n,nobody\nCy\n'
    answer = start(client, roster)
    job = answer.get_json()["job"]
    assert status(client, job).get_json()["total"] == 3  # not 6 lines
    state = finished(client, job)
    assert (state["state"], state["done"], state["total"]) == ("done", 3, 3)
    assert [bad[:6] for bad in state["bad"]] == ["row 3:", "row 6:"]


# --- files leave the disk ---------------------------------------------------------------------


def test_download_all_removes_the_job_and_its_files(client, settings):
    job = start(client, "name\nAna\nBo\n").get_json()["job"]
    assert finished(client, job)["state"] == "done"
    (folder,) = job_folders(settings)
    answer = post(client, f"/jobs/{job}/zip", {"csrf": csrf(client)})
    assert answer.status_code == 200 and answer.data.startswith(b"PK")
    assert not folder.exists()
    assert status(client, job).status_code == 404


def test_the_last_single_download_removes_the_job(client, settings):
    job = start(client, "name\nAna\nBo\n").get_json()["job"]
    state = finished(client, job)
    names = [*state["written"], *state["extra"]]
    assert names == ["ana.pdf", "bo.pdf", "all-participants.pdf", "report.txt"]
    (folder,) = job_folders(settings)
    for name in names:
        assert folder.exists()  # until the last one is sent
        answer = post(client, f"/jobs/{job}/file", {"csrf": csrf(client), "file": name})
        assert answer.status_code == 200 and answer.data
    assert not folder.exists()


def test_a_job_nobody_visits_is_removed_after_the_idle_time(client, settings, monkeypatch):
    job = start(client, "name\nAna\n").get_json()["job"]
    assert finished(client, job)["state"] == "done"
    monkeypatch.setattr(jobs, "IDLE_SECONDS", 0.1)
    time.sleep(0.2)
    assert status(client, job).status_code == 404
    assert job_folders(settings) == []


def test_cancel_stops_a_job_and_removes_its_files(client, settings):
    job = start(client, "name\n" + "".join(f"Person {n}\n" for n in range(300))).get_json()["job"]
    deadline = time.monotonic() + 60
    while status(client, job).get_json()["done"] == 0:  # under way
        assert time.monotonic() < deadline
        time.sleep(0.1)
    process = jobs._JOBS[job].process
    answer = post(client, f"/jobs/{job}/cancel", {"csrf": csrf(client)})
    assert answer.get_json() == {"state": "cancelled"}
    assert not process.is_alive()
    assert job_folders(settings) == []
    assert status(client, job).status_code == 404


def built_in_this_process(job, args) -> None:
    """The job's run in the test's own process (so that a patched disk is the run's disk too),
    its news read as the app reads a job process's news."""
    import multiprocessing

    news, sender = multiprocessing.Pipe(duplex=False)
    job.state = "running"
    with sender:
        jobs._run(*args, sender)
    with news:
        jobs._follow(job, news)


def test_too_little_free_disk_is_said_before_any_packet_is_built(client, settings, monkeypatch):
    from generator.core import output

    real = output.shutil.disk_usage
    monkeypatch.setattr(output.shutil, "disk_usage", lambda p: real(p)._replace(free=5_000_000))
    monkeypatch.setattr(jobs, "_take_turn", built_in_this_process)
    job = start(client, "name\nAna\nBo\n", "couples").get_json()["job"]
    state = finished(client, job)
    assert state["state"] == "failed" and state["written"] == []
    assert state["error"].startswith(
        "There is not enough free disk space to build these packets: they need about "
    )
    assert "MB and 5 MB are free. Free some space, then build them again." in state["error"]
    assert "handouts-app" not in state["error"] and "job-" not in state["error"]
    (folder,) = job_folders(settings)
    assert not list(folder.glob("packets/*.pdf"))  # not one packet was started


def test_a_roster_sent_to_a_full_disk_is_refused_in_plain_words(client, settings, monkeypatch):
    from tests.test_input_edges import fill_disk

    fill_disk(monkeypatch)
    answer = start(client, "name\nAna\nBo\n")
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert "the disk is full; nothing was written there. Free some space and try again" in error
    assert "handouts-app" not in error and "job-" not in error and "Ana" not in error
    assert job_folders(settings) == []


def test_one_roster_at_a_time_the_next_one_waits_and_says_so(client):
    first = start(client, "name\n" + "".join(f"P{n}\n" for n in range(40))).get_json()["job"]
    second = start(client, "name\nAna\n").get_json()["job"]
    assert status(client, first).get_json()["state"] in ("waiting", "running")
    assert status(client, second).get_json()["state"] == "waiting"
    assert finished(client, first)["state"] == "done"
    assert finished(client, second)["state"] == "done"


def test_the_sample_roster_is_one_the_app_reads(client, tmp_path):
    page = client.get("/packets", base_url=BASE).get_data(as_text=True)
    assert 'href="/packets/sample-roster.csv" download>Sample roster (CSV)</a>' in page
    answer = client.get("/packets/sample-roster.csv", base_url=BASE)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    (tmp_path / "sample.csv").write_bytes(answer.data)
    found = read_roster(tmp_path / "sample.csv")
    assert len(found.rows) == 2 and not found.bad
    assert answer.data.splitlines()[0] == b"name,pronouns,group,note"


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_start_removes_what_a_killed_launch_left(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"handouts-app-{dead_pid()}-x1y2z3"
    alive = tmp_path / f"handouts-app-{os.getpid()}-a1b2c3"
    other = tmp_path / "handouts-app-notmine"
    for folder in (dead, alive, other):
        (folder / "job-1").mkdir(parents=True)
    planted = tmp_path / f"handouts-app-{dead_pid()}-planted"  # by someone else, to a folder
    planted.symlink_to(other, target_is_directory=True)
    assert app_module.sweep_left_behind() == 1
    assert not dead.exists() and alive.exists() and (other / "job-1").exists()
    made = Settings(warm_up=False)
    assert made.workdir.name.startswith(f"handouts-app-{os.getpid()}-")
    made.clean_up()


def test_closing_the_terminal_stops_the_app_and_removes_its_files(tmp_path):
    """SIGHUP, as a closed terminal sends it: the app stops as on Ctrl-C and leaves nothing;
    and at its start it removed what a killed launch had left."""
    left = tmp_path / f"handouts-app-{dead_pid()}-x1y2z3" / "job-1"
    left.mkdir(parents=True)
    (left / "roster.csv").write_text("name\nSecret Person\n")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "app", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert "Open http://127.0.0.1:" in process.stdout.readline()
    own = [p.name for p in tmp_path.iterdir() if p.name.startswith("handouts-app-")]
    assert own and all(name.startswith(f"handouts-app-{process.pid}-") for name in own)
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Stopped. Nothing the app made is left on disk." in out and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir() if p.name != "config"] == []


def test_the_report_names_the_roster_as_the_user_named_it(client, settings):
    data = {"csrf": csrf(client), "packet": "short"}
    data["roster"] = (io.BytesIO(b"name\nAna\nBo\n"), "Grupo del martes.csv")
    job = post(client, "/packets/roster", data).get_json()["job"]
    assert finished(client, job)["state"] == "done"
    import zipfile

    archive = zipfile.ZipFile(
        io.BytesIO(post(client, f"/jobs/{job}/zip", {"csrf": csrf(client)}).data)
    )
    report = archive.read("report.txt").decode("utf-8")
    assert "Roster: Grupo del martes.csv" in report
    assert str(settings.workdir) not in report and "roster.csv" not in report
