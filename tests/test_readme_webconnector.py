"""The README's Web Connector section runs as written, line by line, in a fresh folder:
``export`` sets the variable, ``openssl`` makes the test certificate, each ``qbsync`` line
exits 0, and each ``serve`` line serves (started as its own process with ``--port 0`` instead
of the README's port, so parallel runs never collide; asked for ``serverVersion`` over
http or https, then stopped with Ctrl-C's signal). Plus what a consultant sees when a step
is given wrong."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from syncengine.webconnector.config import load
from tests.cli_workspace import qbsync
from tests.webconnector_world import post

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```shell\n(.*?)^```", re.MULTILINE | re.DOTALL)
SERVER_VERSION = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>'
)


def section_lines() -> list[list[str]]:
    """The shell lines of the README's Web Connector section, as arguments."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The Web Connector", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for body in BLOCK.findall(section) for line in body.splitlines()]
    return [shlex.split(line) for line in lines if line and not line.startswith("#")]


def serve(argv: list[str], folder: Path) -> None:
    """Run a ``serve`` line as its own process, call it once, and stop it as Ctrl-C does."""
    port = argv.index("--port") + 1
    argv = [*argv[:port], "0", *argv[port + 1 :]]
    command = [sys.executable, "-m", "syncengine", *argv[1:]]
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("serving 1 company file(s) at "), line
        url = line.rsplit(" ", 1)[1].strip()
        answer = call(url, folder)
        assert b"QB Sync Lab" in answer
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0


def call(url: str, folder: Path) -> bytes:
    """serverVersion over http, or over https trusting the README's test certificate."""
    if not url.startswith("https://"):
        return post(url, SERVER_VERSION)[1]
    context = ssl.create_default_context(cafile=str(folder / "cert.pem"))
    url = url.replace("127.0.0.1", "localhost")  # the name the certificate carries
    request = urllib.request.Request(url, data=SERVER_VERSION, method="POST")
    request.add_header("Content-Type", "text/xml; charset=utf-8")
    with urllib.request.urlopen(request, timeout=30, context=context) as reply:
        return reply.read()


def test_the_readme_web_connector_section_runs(tmp_path, monkeypatch, capsys):
    """Every line of the section, in order, does what the README says."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: the TLS lines cannot run")
    monkeypatch.chdir(tmp_path)
    lines = section_lines()
    assert [a[:3] for a in lines if a[0] == "qbsync"].count(
        ["qbsync", "webconnector", "serve"]
    ) == 2
    for argv in lines:
        if argv[0] == "export":
            name, value = argv[1].split("=", 1)
            monkeypatch.setenv(name, value)
        elif argv[0] == "openssl":
            subprocess.run(argv, cwd=tmp_path, check=True, capture_output=True)
        elif argv[2:3] == ["serve"]:
            serve(argv, tmp_path)
        else:
            ran = qbsync(capsys, *argv[1:])
            assert ran.code == 0, f"{shlex.join(argv)}\n{ran.err}"
    qwc = etree.parse(str(tmp_path / "acme.qwc")).getroot()
    entry = load(tmp_path / "webconnector.json").company("acme")
    assert qwc.findtext("FileID") == entry.file_id and qwc.findtext("UserName") == "acme"
    assert os.environ["QBSYNC_WC_PASSWORD"] not in (tmp_path / "webconnector.json").read_text()


def test_an_http_url_beyond_localhost_is_refused(tmp_path, monkeypatch, capsys):
    """`qwc --url http://host/` exits 2 and says the Web Connector wants https there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QBSYNC_WC_PASSWORD", "pw")
    assert (
        qbsync(capsys, "webconnector", "user", "--username", "a", "--workspace", "a.db").code == 0
    )
    ran = qbsync(
        capsys, "webconnector", "qwc", "--username", "a", "--url", "http://sync.example.com/"
    )
    assert ran.code == 2 and "https" in ran.err


def test_a_qwc_for_an_unknown_user_names_the_users(tmp_path, monkeypatch, capsys):
    """`qwc --username` of a user not configured exits 2 naming the users there are."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QBSYNC_WC_PASSWORD", "pw")
    qbsync(capsys, "webconnector", "user", "--username", "acme", "--workspace", "a.db")
    ran = qbsync(capsys, "webconnector", "qwc", "--username", "globex", "--url", "https://x/")
    assert ran.code == 2 and "acme" in ran.err


def test_serve_without_users_says_how_to_add_one(tmp_path, monkeypatch, capsys):
    """`serve` with an empty configuration exits 2 pointing at `webconnector user`."""
    monkeypatch.chdir(tmp_path)
    ran = qbsync(capsys, "webconnector", "serve", "--port", "0")
    assert ran.code == 2 and "qbsync webconnector user" in ran.err


def test_rehearse_via_webconnector_reports_as_in_process(capsys):
    """`qbsync rehearse --via webconnector --json` ends with the records the in-process
    rehearsal ends with."""
    import json

    runs = []
    for via in ("in-process", "webconnector"):
        ran = qbsync(capsys, "rehearse", "--generate", "60", "--via", via, "--json")
        assert ran.code == 0, ran.err
        runs.append(json.loads(ran.out))
    keys = ("synced", "failed", "waiting", "by_type", "quickbooks_records")
    inprocess, over_soap = ({k: r[k] for k in keys} for r in runs)
    assert inprocess == over_soap


def test_the_readme_export_user_exports_through_serve(tmp_path, monkeypatch, capsys):
    """The section's export lines, then its first `serve` line as a process: it serves both
    users, a simulated Web Connector with `acme-export.qwc`'s user and GUIDs exports the
    company into `client-company/` (complete manifest), and `rehearse --company-from` takes it."""
    import json

    import simpy

    from qbsim import Company, QuickBooksHost
    from qbsim.webconnector import SimulatedWebConnector
    from syncengine.rehearsal.rehearse import setup_company

    monkeypatch.chdir(tmp_path)
    lines = section_lines()
    for argv in lines:
        if argv[0] == "export":
            monkeypatch.setenv(*argv[1].split("=", 1))
        elif argv[0] == "qbsync" and argv[2] in ("user", "qwc"):
            assert qbsync(capsys, *argv[1:]).code == 0, shlex.join(argv)
    qwc = etree.parse(str(tmp_path / "acme-export.qwc")).getroot()
    assert qwc.findtext("IsReadOnly") == "true" and qwc.find("Scheduler") is None
    first_serve = next(a for a in lines if a[2:3] == ["serve"])
    port = first_serve.index("--port") + 1
    command = [sys.executable, "-m", "syncengine", *first_serve[1:port], "0"]
    server = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("serving 2 company file(s) at "), line
        env = simpy.Environment()
        host = QuickBooksHost(env, setup_company(2))
        connector = SimulatedWebConnector(
            host,
            line.rsplit(" ", 1)[1].strip(),
            qwc.findtext("UserName"),
            os.environ["QBSYNC_WC_PASSWORD"],
            owner_id=qwc.findtext("OwnerID"),
            file_id=qwc.findtext("FileID"),
        )
        run = env.run(until=env.process(connector.update()))
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    assert run.finished and "client-company" in run.close_message
    manifest = json.loads((tmp_path / "client-company" / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["records"]["Account"] > 0
    assert Company.from_query_answers(tmp_path / "client-company").count("Account") > 0
    ran = qbsync(capsys, "rehearse", "--generate", "20", "--company-from", "client-company")
    assert ran.code == 0, ran.err
