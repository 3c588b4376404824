"""Helpers for the real-browser test: a throwaway JupyterLab server, and Chromium to drive it.

The server is started the way ``make lab`` starts it, with ``autograd-lab lab``: on 127.0.0.1, a
free port and the random token the command prints, serving the working copy of the lessons it
makes (in a temporary directory: Lab writes checkpoints and autosaves into the folder it serves).
Its config, data, runtime and IPython dirs are temporary too. ``JupyterLab.stop()`` shuts the
kernels down through the server's API, then sends the server SIGTERM, then kills what is left.
"""

from __future__ import annotations

import json
import os
import re
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

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.root = self.workdir / "my_lessons"
        self.port = free_port()
        self.token = ""  # the one autograd-lab prints
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
        # Every cell rendered at once (Lab otherwise draws only what is in view).
        settings = self.workdir / "lab-settings"
        tracker = settings / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True, exist_ok=True)
        (tracker / "tracker.jupyterlab-settings").write_text(json.dumps(
            {"windowingMode": "none"}))
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
        # The test drives Lab through its command registry.
        (dirs["JUPYTER_CONFIG_DIR"] / "jupyter_lab_config.json").write_text(json.dumps(
            {"LabApp": {"expose_app_in_browser": True}}))
        # The kernel is this interpreter's (the venv's): put its bin first on PATH.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env.pop("JUPYTER_PATH", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self, timeout: float = 60.0) -> None:
        command = [sys.executable, "-m", "autograd_lab", "lab", "--dir", str(self.root),
                   "--port", str(self.port), "--no-browser"]
        log = open(self.log_path, "wb")  # the child keeps its own handle
        self.process = subprocess.Popen(command, cwd=self.workdir, env=self._env(), stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"autograd-lab lab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            if not self.token:
                found = re.search(r"Open the lessons at (\S+)",
                                  self.log_path.read_text(errors="replace"))
                expected = f"{self.base}/lab/tree/00_index.ipynb?token="
                if found and not found.group(1).startswith(expected):
                    raise RuntimeError(f"unexpected address: {found.group(1)}")
                self.token = found.group(1).split("token=")[1] if found else ""
            try:
                url = f"{self.base}/api/status?token={self.token}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if self.token and response.status == 200:
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
        text = "\n".join(text.splitlines()[-lines:])
        return text.replace(self.token, "TOKEN") if self.token else text

    def _shut_down_kernels(self) -> None:
        def call(method: str, path: str):
            request = urllib.request.Request(f"{self.base}{path}?token={self.token}",
                                             method=method)
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.read()

        try:
            for kernel in json.loads(call("GET", "/api/kernels")):
                call("DELETE", f"/api/kernels/{kernel['id']}")
        except (urllib.error.URLError, OSError, ValueError):
            pass  # the server is gone already: so are its kernels' connections

    def stop(self) -> None:
        """Shut the kernels down (they run in sessions of their own), SIGTERM the server, then
        kill what is left of its process group."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        self._shut_down_kernels()
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # anything else in the server's group
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
