"""``autograd-lab``: the learner's copy is never overwritten, reset keeps the old version, and
JupyterLab starts on 127.0.0.1 behind a token, with clear messages when something is wrong."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from autograd_lab import launcher

PRISTINE = launcher.pristine_lessons()


def _edit(path: Path, text: str) -> None:
    notebook = json.loads(path.read_text())
    notebook["cells"][0]["source"] = text
    path.write_text(json.dumps(notebook))


@pytest.fixture(autouse=True)
def private_jupyter_data(tmp_path_factory, monkeypatch):
    """Trusting a copy writes a signature into Jupyter's data dir: keep it out of the user's."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path_factory.mktemp("jupyter-data")))


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograd_lab", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def test_lessons_copies_every_lesson_and_never_overwrites_the_learners_work(tmp_path):
    dest = tmp_path / "mine"
    result = _cli("lessons", str(dest))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in dest.glob("*.ipynb"))
    assert names == sorted(p.name for p in launcher.lesson_files(PRISTINE))
    assert "00_index.ipynb" in names
    _edit(dest / "01_tensors_that_track_history.ipynb", "my notes")
    (dest / "00_index.ipynb").unlink()
    result = _cli("lessons", str(dest))
    assert "Copied 1 lessons" in result.stdout and "kept your" in result.stdout
    kept = json.loads((dest / "01_tensors_that_track_history.ipynb").read_text())
    assert kept["cells"][0]["source"] == "my notes"
    assert (dest / "00_index.ipynb").read_bytes() == (PRISTINE / "00_index.ipynb").read_bytes()


def test_reset_restores_the_lesson_and_keeps_the_learners_version_beside_it(tmp_path):
    launcher.copy_lessons(tmp_path)
    lesson = tmp_path / "01_tensors_that_track_history.ipynb"
    _edit(lesson, "my answers")
    mine = lesson.read_bytes()
    result = _cli("reset", "1", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert lesson.read_bytes() == (PRISTINE / lesson.name).read_bytes()
    backups = list(tmp_path.glob("01_tensors_that_track_history.before-reset-*.ipynb"))
    assert [b.read_bytes() for b in backups] == [mine]
    assert str(backups[0]) in result.stdout
    _cli("reset", "01_tensors_that_track_history", "--dir", str(tmp_path))  # twice: two backups
    assert len(list(tmp_path.glob("01_*.before-reset-*.ipynb"))) == 2


def test_the_pristine_lessons_are_untouched_by_copy_and_reset(tmp_path):
    before = {p.name: p.read_bytes() for p in launcher.lesson_files(PRISTINE)}
    launcher.copy_lessons(tmp_path)
    _edit(tmp_path / "00_index.ipynb", "changed")
    launcher.reset_lesson("0", tmp_path)
    assert {p.name: p.read_bytes() for p in launcher.lesson_files(PRISTINE)} == before


def test_clear_messages_for_what_the_user_can_fix(tmp_path, monkeypatch):
    result = _cli("reset", "42", "--dir", str(tmp_path))
    assert result.returncode == 2 and "there is no lesson '42'" in result.stderr
    assert "there is no lesson '²'" in _cli("reset", "²", "--dir", str(tmp_path)).stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(launcher.LaunchError, match=f"port {port} .* is in use.*--port"):
            launcher.check_port("127.0.0.1", port)
    for address in ("localhost", "*", ""):
        with pytest.raises(launcher.LaunchError, match="is not an IP address"):
            launcher.check_port(address, 8888)
    result = _cli("lab", "--port", "99999")
    assert result.returncode == 2 and "not a port number" in result.stderr
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    for args in (("lessons", str(a_file)), ("lessons", str(a_file / "sub")),
                 ("reset", "1", "--dir", str(a_file))):
        result = _cli(*args)
        assert result.returncode == 2 and "--dir" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr

    def refuse(*_):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(launcher.shutil, "copyfile", refuse)
    with pytest.raises(launcher.LaunchError, match="cannot write to .*Permission denied.*--dir"):
        launcher.copy_lessons(tmp_path / "locked")
    monkeypatch.setattr(launcher.shutil, "which", lambda _: None)
    assert re.search(r"apt-get install graphviz.*conda.*brew", launcher.graphviz_warning())


def test_the_originals_are_never_the_working_copy(tmp_path):
    before = {p.name: p.read_bytes() for p in launcher.lesson_files(PRISTINE)}
    for args in (("reset", "1", "--dir", str(PRISTINE)), ("lessons", str(PRISTINE))):
        result = _cli(*args)
        assert result.returncode == 2 and "holds the original lessons" in result.stderr
    assert {p.name: p.read_bytes() for p in launcher.lesson_files(PRISTINE)} == before
    assert not list(PRISTINE.glob("*.before-reset-*"))


def test_jupyterlab_is_told_one_address_and_gets_its_token_privately():
    command = launcher.lab_command(Path("/tmp/x"), "127.0.0.1", 8888, False)
    assert "--ServerApp.ip=127.0.0.1" in command and "--ServerApp.port_retries=0" in command
    assert "--LabApp.default_url=/lab/tree/00_index.ipynb" in command
    assert not any("token" in part.lower() for part in command)  # `ps` shows the command line
    assert launcher.lab_environment("abc")["JUPYTER_TOKEN"] == "abc"
    with pytest.raises(launcher.LaunchError, match="without a token"):
        launcher.lab_environment("")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:  # not listening (yet)
        return 0


@pytest.mark.skipif(not launcher.shutil.which("jupyter-lab")
                    and not Path(sys.executable).with_name("jupyter-lab").exists(),
                    reason="JupyterLab (the [lessons] extra) is not installed")
def test_lab_serves_the_working_copy_on_localhost_behind_a_token(tmp_path):
    import psutil

    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"))
    server = subprocess.Popen(
        [sys.executable, "-m", "autograd_lab", "lab", "--dir", str(tmp_path / "mine"),
         "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        url, seen = None, []
        deadline = time.time() + 60
        while time.time() < deadline and url is None:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                pytest.fail("autograd-lab lab exited:\n" + "".join(seen))
            seen.append(line)
            match = re.search(r"Open the lessons at (\S+)", line)
            url = match and match.group(1)
        assert url and url.startswith(f"http://127.0.0.1:{port}/lab/tree/00_index.ipynb?token=")
        token = url.split("token=")[1]
        assert len(token) >= 24
        base = f"http://127.0.0.1:{port}"
        while time.time() < deadline and _status(f"{base}/api/status?token={token}") != 200:
            time.sleep(0.3)
        assert _status(f"{base}/api/status?token={token}") == 200
        assert _status(f"{base}/api/status") == 403  # no token, no entry
        assert _status(f"{base}/api/contents/00_index.ipynb?token={token}") == 200
        listening = {c.laddr.ip for c in psutil.Process(server.pid).net_connections("inet")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
        assert listening == {"127.0.0.1"}  # this machine only
        assert token not in " ".join(psutil.Process(server.pid).cmdline())
        import nbformat
        from nbformat.sign import NotebookNotary

        notary = NotebookNotary(data_dir=str(tmp_path / "data"))
        copies = sorted((tmp_path / "mine").glob("*.ipynb"))
        assert copies and all(  # so Lab shows the committed drawings before a run
            notary.check_signature(nbformat.read(p, as_version=4)) for p in copies)
    finally:
        server.terminate()
        server.wait(timeout=30)
