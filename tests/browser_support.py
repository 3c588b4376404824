"""Helpers for the real-browser test: a throwaway JupyterLab server, and Chromium to drive it.

The server binds 127.0.0.1 on a free port with a random token, keeps its config, data, runtime
and IPython dirs in a temporary directory and serves a scratch copy of ``notebooks/`` (Lab writes
checkpoints and autosaves into the folder it serves). ``JupyterLab.stop()`` sends SIGTERM, then
kills; the kernels it started go with it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def missing_requirements() -> str | None:
    """Why the browser test cannot run here (None when it can)."""
    import importlib.util

    if not Path(CHROMIUM).exists():
        return (f"Chromium is not installed at {CHROMIUM} "
                "(apt-get install -y --no-install-recommends chromium)")
    for module, extra in (("playwright", "pip install playwright"),
                          ("jupyterlab", "the [lessons] extra"),
                          ("ipywidgets", "the [lessons] extra"),
                          ("ipykernel", "pip install ipykernel")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed ({extra})"
    if shutil.which("dot") is None:
        return "Graphviz's dot is not installed (apt-get install graphviz)"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on 127.0.0.1 serving a scratch copy of the notebooks."""

    def __init__(self, workdir: Path, notebooks: Path = NOTEBOOKS):
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        shutil.copytree(notebooks, self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    def _env(self) -> dict:
        env = dict(os.environ)
        dirs = {name: self.workdir / name.lower() for name in
                ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")}
        for name, path in dirs.items():
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        # No news toast over the notebook.
        labconfig = dirs["JUPYTER_CONFIG_DIR"] / "labconfig"
        labconfig.mkdir(exist_ok=True)
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        # The kernel is this interpreter's (the venv's): put its bin first on PATH.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env.pop("JUPYTER_PATH", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self, timeout: float = 30.0) -> None:
        env = self._env()
        # A fresh data dir knows no signatures, so Lab would show the committed drawings as
        # text until the cells run: trust the copies, as a learner's own notebooks are.
        subprocess.run([sys.executable, "-m", "jupyter", "trust",
                        *map(str, sorted(self.root.glob("*.ipynb")))],
                       env=env, check=True, capture_output=True, timeout=60)
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
            f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}", "--LabApp.expose_app_in_browser=True",
            "--ServerApp.open_browser=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        log = open(self.log_path, "wb")  # the child keeps its own handle
        self.process = subprocess.Popen(command, cwd=self.workdir, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                url = f"{self.base}/api/status?token={self.token}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n"
                           + self.log_tail())

    def url(self, notebook: str) -> str:
        return f"{self.base}/lab/tree/{notebook}?token={self.token}&reset"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:]).replace(self.token, "TOKEN")

    def stop(self) -> None:
        """SIGTERM the server (and its kernels, same process group), then kill what is left."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # kernels in the same group that outlived the server
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
