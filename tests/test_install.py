"""The package works when installed from a wheel (not editable) and run from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import flat, pdf_pages_text

ROOT = Path(__file__).resolve().parent.parent


def run(*args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_wheel_install_ships_content_and_templates(tmp_path):
    wheels = tmp_path / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(wheels),
        str(ROOT),
    )
    (wheel,) = wheels.glob("handouts-*.whl")
    target = tmp_path / "site"
    run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(target),
        str(wheel),
    )
    assert (target / "generator" / "content" / "modules" / "journey.md").is_file()
    assert (target / "generator" / "templates" / "style.css").is_file()
    assert (target / "generator" / "locale" / "es" / "LC_MESSAGES" / "handouts.po").is_file()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "import generator, sys; print(generator.__file__)"
    assert run(sys.executable, "-c", code, cwd=elsewhere, env=env).stdout.startswith(str(target))
    run(
        sys.executable,
        "-m",
        "generator",
        "build",
        "where-am-i",
        "--client",
        "Zoë",
        cwd=elsewhere,
        env=env,
    )
    pdf = elsewhere / "output" / "where-am-i-zoe.pdf"
    assert "Name: Zoë" in flat(pdf_pages_text(pdf)[0])
    # In Spanish: the catalogue and the Spanish modules came along, and the .po is compiled there.
    run(
        sys.executable,
        "-m",
        "generator",
        "build",
        "where-am-i",
        "--lang",
        "es",
        "--client",
        "Zoë",
        "--date",
        "2026-11-23",
        "--out",
        "es",
        cwd=elsewhere,
        env=env,
    )
    first = flat(pdf_pages_text(elsewhere / "es" / "where-am-i-zoe.pdf")[0])
    assert "Nombre: Zoë" in first and "23 de noviembre de 2026" in first
