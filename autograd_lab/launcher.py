"""``autograd-lab``: open the lessons in JupyterLab, copy them, or restore one.

    autograd-lab lab [--dir DIR] [--port N] [--ip ADDRESS] [--no-browser]
    autograd-lab lessons DEST
    autograd-lab reset LESSON [--dir DIR]

The pristine lessons are never opened: ``lab`` works in a copy (``--dir``, by default
``~/autograd_lab_lessons``) and only adds lessons that are not there yet, so a learner's work is
never overwritten. ``reset`` restores one lesson and keeps the learner's version beside it.
JupyterLab listens on 127.0.0.1 with a fresh random token unless ``--ip`` says otherwise; the
token reaches it through the environment, not its command line, which other users can read.
(``python -m autograd_lab`` is the same command.)
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import re
import secrets
import shutil
import site
import socket
import subprocess
import sys
import time
from pathlib import Path

INDEX = "00_index.ipynb"
DEFAULT_DIR = Path.home() / "autograd_lab_lessons"


class LaunchError(Exception):
    """A problem the user can fix; the message says how."""


def pristine_lessons() -> Path:
    """Where the untouched lessons are: the repository's ``notebooks/`` or the installed copy
    (``share/autograd_lab/notebooks`` under the environment's or the user's prefix)."""
    here = Path(__file__).resolve().parent
    prefixes = [sys.prefix, site.USER_BASE or ""]
    for folder in [here.parent / "notebooks"] + [
            Path(p) / "share" / "autograd_lab" / "notebooks" for p in prefixes if p]:
        if (folder / INDEX).exists():
            return folder
    raise LaunchError("the lessons are not installed with this copy of autograd_lab; "
                      "install it from its repository (pip install '.[lessons]')")


def lesson_files(source: Path) -> list[Path]:
    return sorted(source.glob("*.ipynb"))


def _working_copy(dest: Path, source: Path) -> None:
    """Refuse to use the pristine lessons as the learner's copy."""
    if dest.exists() and dest.resolve() == source.resolve():
        raise LaunchError(f"{dest} holds the original lessons; choose another folder with "
                          "--dir, so the originals stay as they are")


def _cannot_write(dest: Path, error: OSError) -> LaunchError:
    return LaunchError(f"cannot write to {dest} ({error.strerror or error}); choose a folder of "
                       "your own with --dir")


def copy_lessons(dest: Path, source: Path | None = None) -> tuple[list[str], list[str]]:
    """Copy every lesson missing from ``dest``; returns (copied, kept) file names."""
    source = source or pristine_lessons()
    _working_copy(dest, source)
    copied, kept = [], []
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for lesson in lesson_files(source):
            target = dest / lesson.name
            if target.exists():
                kept.append(lesson.name)
            else:
                shutil.copyfile(lesson, target)
                copied.append(lesson.name)
    except OSError as error:
        raise _cannot_write(dest, error) from error
    return copied, kept


def find_lesson(name: str, source: Path) -> Path:
    """A lesson by file name, name without ``.ipynb``, or number (``3`` or ``03``)."""
    number = f"{int(name):02d}" if re.fullmatch(r"[0-9]{1,2}", name) else None
    for lesson in lesson_files(source):
        if name in (lesson.name, lesson.stem) or lesson.name[:2] == number:
            return lesson
    names = ", ".join(p.name for p in lesson_files(source))
    raise LaunchError(f"there is no lesson {name!r}; the lessons are {names}")


def reset_lesson(name: str, dest: Path, source: Path | None = None) -> tuple[Path, Path | None]:
    """Put the pristine lesson back in ``dest``; the learner's version is kept as a backup.

    Returns (restored lesson, backup or None when there was nothing to keep).
    """
    source = source or pristine_lessons()
    _working_copy(dest, source)
    lesson = find_lesson(name, source)
    if not dest.is_dir():
        raise LaunchError(f"{dest} is not a folder of lessons; give yours with --dir")
    target = dest / lesson.name
    backup = None
    try:
        if target.exists():
            stamp = time.strftime("%Y%m%d-%H%M%S")
            backup = dest / f"{lesson.stem}.before-reset-{stamp}.ipynb"
            n = 1
            while backup.exists():
                n += 1
                backup = dest / f"{lesson.stem}.before-reset-{stamp}-{n}.ipynb"
            target.rename(backup)
        shutil.copyfile(lesson, target)
    except OSError as error:
        raise _cannot_write(dest, error) from error
    return target, backup


def trust(notebooks: list[Path]) -> None:
    """Mark freshly copied lessons trusted (as ``jupyter trust`` does), so JupyterLab shows their
    committed drawings before they are run. Without Jupyter installed there is nothing to do."""
    try:
        import nbformat
        from nbformat.sign import NotebookNotary
    except ImportError:
        return
    notary = NotebookNotary()
    for path in notebooks:
        notary.sign(nbformat.read(path, as_version=4))


def graphviz_warning() -> str | None:
    if shutil.which("dot"):
        return None
    return ("Graphviz is not installed, so the graphs cannot be drawn. Install it with "
            "'sudo apt-get install graphviz' (Debian/Ubuntu), 'conda install graphviz' or "
            "'brew install graphviz' (macOS), then restart.")


def listening_address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``--ip`` as an address; '' and '*' (every interface, to Jupyter) are refused."""
    try:
        return ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        raise LaunchError(f"{ip!r} is not an IP address: give one such as 127.0.0.1 (this "
                          "machine only) or 0.0.0.0 (every network interface)") from None


def check_port(ip: str, port: int) -> None:
    """Fail with a clear message if ``ip:port`` cannot be listened on."""
    address = listening_address(ip)
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family) as probe:
        if os.name == "posix":  # as the server will: a port just closed is free again
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((str(address), port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise LaunchError(f"port {port} on {ip} is in use (is another JupyterLab "
                                  "running?); stop it or choose another port with --port") \
                    from error
            raise LaunchError(f"cannot listen on {ip}:{port} ({error.strerror or error}); "
                              "choose another address with --ip") from error


def lab_command(folder: Path, ip: str, port: int, open_browser: bool) -> list[str]:
    """The JupyterLab command line: this interpreter, one address, one port (the token goes in
    the environment, see ``lab_environment``)."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.ip={ip}",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--ServerApp.root_dir={folder}", f"--LabApp.default_url=/lab/tree/{INDEX}"]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab_environment(token: str) -> dict[str, str]:
    if not token:
        raise LaunchError("refusing to start JupyterLab without a token")
    return dict(os.environ, JUPYTER_TOKEN=token)


def lab(folder: Path, ip: str, port: int, open_browser: bool) -> int:
    try:
        import jupyterlab  # noqa: F401
    except ImportError as error:
        raise LaunchError("JupyterLab is not installed: pip install 'autograd_lab[lessons]'") \
            from error
    check_port(ip, port)
    copied, _ = copy_lessons(folder)
    if copied:
        trust([folder / name for name in copied])
        print(f"Copied {len(copied)} lessons into {folder}")
    print(f"Your lessons: {folder} (the originals stay untouched; "
          "'autograd-lab reset LESSON' restores one)")
    warning = graphviz_warning()
    if warning:
        print(f"Warning: {warning}", file=sys.stderr)
    if not listening_address(ip).is_loopback:
        print(f"Warning: listening on {ip}, not only on this machine: anyone who can reach it "
              "and has the token can run code here.", file=sys.stderr)
    token = secrets.token_urlsafe(24)
    host = f"[{ip.strip('[]')}]" if ":" in ip else ip
    print(f"Open the lessons at http://{host}:{port}/lab/tree/{INDEX}?token={token}", flush=True)
    command, env = lab_command(folder, ip, port, open_browser), lab_environment(token)
    if os.name == "posix":  # become JupyterLab: Ctrl-C and signals reach it directly
        sys.stderr.flush()
        os.execve(command[0], command, env)
    return subprocess.call(command, env=env)


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1 to 65535)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograd-lab", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lab_args = commands.add_parser("lab", help="open the lessons in JupyterLab")
    lab_args.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                          help=f"your copy of the lessons (default: {DEFAULT_DIR})")
    lab_args.add_argument("--ip", default="127.0.0.1",
                          help="address to listen on (default: 127.0.0.1, this machine only)")
    lab_args.add_argument("--port", type=_port, default=8888)
    lab_args.add_argument("--no-browser", action="store_true", help="do not open a browser")
    copy_args = commands.add_parser("lessons", help="copy the lessons into a folder")
    copy_args.add_argument("dest", type=Path)
    reset_args = commands.add_parser("reset", help="restore a lesson, keeping your version")
    reset_args.add_argument("lesson", help="a lesson's number or file name, e.g. 3")
    reset_args.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "lab":
            return lab(args.dir.expanduser().resolve(), args.ip, args.port, not args.no_browser)
        if args.command == "lessons":
            copied, kept = copy_lessons(args.dest.expanduser())
            trust([args.dest.expanduser() / name for name in copied])
            print(f"Copied {len(copied)} lessons into {args.dest}"
                  + (f"; kept your {len(kept)} existing ones" if kept else ""))
            return 0
        restored, backup = reset_lesson(args.lesson, args.dir.expanduser())
        trust([restored])
        print(f"Restored {restored}" + (f"; your version is now {backup}" if backup else ""))
        return 0
    except LaunchError as error:
        print(f"autograd-lab: {error}", file=sys.stderr)
        return 2
