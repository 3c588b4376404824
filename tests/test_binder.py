"""Binder: the lessons build and run the way mybinder.org (or any BinderHub) will run them.

Binder builds an image from ``binder/`` with repo2docker. Docker is not needed here: this
module replays the steps of that build that this repository relies on, in a fresh
environment, and checks their result.

What it reproduces:

* a fresh virtual environment (nothing is reused between runs except pip's own download
  cache) on the Python that ``binder/runtime.txt`` names, when that Python is on this machine,
  else on the Python running the tests (a warning says so). It holds what Binder's base
  environment already ships, JupyterLab and ipywidgets, plus nbval, pytest and ipykernel to run
  the check;
* ``binder/apt.txt``: each package must already be installed on this machine (``dpkg -s``).
  The test does not install them (that needs root). A missing one skips the build tests with
  the reason, or fails them when ``AUTOGRAD_LAB_STRICT`` is set;
* ``binder/postBuild`` run as repo2docker runs it, ``./binder/postBuild`` from the root of the
  repository, with the environment's ``bin`` first on ``PATH``. The root is a temporary copy of
  the working tree's files (tracked, plus untracked ones that are not ignored), so the working
  tree is never written to, and the editable install points at the copy. Jupyter's data
  directory (where ``jupyter trust`` keeps its database and secret), its config directory,
  IPython's and matplotlib's directories are private temporary directories too;

and then checks that ``runtime.txt`` reads ``python-3.N``, that there is no
``environment.yml`` (it would make Binder ignore ``runtime.txt``), that the package imports in
that environment, that every ``notebooks/*.ipynb`` is trusted there, and that every notebook
passes strict nbval there.

What it cannot reproduce: the Docker image itself (its Ubuntu base, its non-root user, its
conda environment and the exact versions Binder pins in it), repo2docker's own detection of
the configuration files (only the rules stated above are checked), the installation of the
apt packages, and the launch through BinderHub (the badge's URL opening
``notebooks/00_index.ipynb`` in JupyterLab).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
STRICT = bool(os.environ.get("AUTOGRAD_LAB_STRICT"))
# What Binder's base environment for Python 3.11 ships that the lessons need (repo2docker pins
# these series), and what running the check needs.
BASE_IMAGE = ["jupyterlab==4.*", "ipywidgets==8.*"]
CHECK_TOOLS = ["nbval", "pytest", "ipykernel"]
# Variables of this shell that Binder's build does not have and that would leak into the run.
LEAKY = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
         "PYTHONUSERBASE", "IPYTHONDIR", "MPLBACKEND", "MPLCONFIGDIR", "PYTEST_ADDOPTS",
         "AUTOGRAD_LAB_STRICT")
STEP_TIMEOUT = 1800  # seconds; a step that takes longer than this has hung


def _apt_packages() -> list[str]:
    """binder/apt.txt read as repo2docker reads it: '#' starts a comment, blank lines skip."""
    names = []
    for line in (BINDER / "apt.txt").read_text().splitlines():
        name = line.partition("#")[0].strip()
        if name:
            names.append(name)
    return names


def _git(*args: str) -> bytes | None:
    """git's output in the repository, or None when git or the checkout is missing."""
    if not shutil.which("git"):
        return None
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True)
    return done.stdout if done.returncode == 0 else None


def _unavailable(reason: str):
    if STRICT:
        pytest.fail(f"{reason} (AUTOGRAD_LAB_STRICT is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def _run(cmd, *, cwd, env, what: str) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=STEP_TIMEOUT)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-80:])
        pytest.fail(f"{what} failed (exit status {done.returncode}): {' '.join(map(str, cmd))}"
                    f"\n{tail}", pytrace=False)
    return done.stdout


# ------------------------------------------------------------------ the files themselves

def test_runtime_txt_names_a_python_3_version():
    text = (BINDER / "runtime.txt").read_text()
    assert re.fullmatch(r"python-3\.\d+\n?", text), (
        f"binder/runtime.txt must be one line such as 'python-3.11', not {text!r}")


def test_nothing_overrides_runtime_txt_or_the_binder_folder():
    assert not (BINDER / "environment.yml").exists(), (
        "binder/environment.yml makes Binder ignore runtime.txt (and requirements.txt)")
    assert not (BINDER / "Dockerfile").exists(), "a Dockerfile makes Binder ignore the rest"
    assert not (ROOT / ".binder").exists(), "Binder refuses both binder/ and .binder/"


def test_post_build_is_an_executable_bash_script_that_stops_at_the_first_error():
    script = BINDER / "postBuild"
    assert script.stat().st_mode & stat.S_IXUSR, "binder/postBuild is not executable"
    lines = script.read_text().splitlines()
    assert re.fullmatch(r"#!\s*(/usr)?/bin/(env )?bash", lines[0]), lines[0]
    assert "set -euo pipefail" in lines
    tracked = _git("ls-files", "-s", "binder/postBuild")
    if tracked:  # once committed, git must keep the bit: Binder builds from git
        assert tracked.startswith(b"100755"), tracked


def test_apt_txt_lists_plain_package_names():
    names = _apt_packages()
    assert names, "binder/apt.txt lists no package"
    for name in names:  # the names repo2docker accepts
        assert re.match(r"^[a-z0-9.+-]+$", name), name


# ------------------------------------------------------------------ the build, replayed

def _binder_python() -> tuple[str, str]:
    """The Python runtime.txt asks for if this machine has it, else the one running the tests."""
    wanted = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == wanted:  # the one running the tests
        return sys.executable, wanted
    candidate = shutil.which(f"python{wanted}")
    if candidate:
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == wanted:
            return candidate, wanted
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if STRICT:
        pytest.fail(f"binder/runtime.txt asks for Python {wanted}, which is not on this machine "
                    "(AUTOGRAD_LAB_STRICT is set, so this is a failure)")
    warnings.warn(f"binder/runtime.txt asks for Python {wanted}, which is not on this "
                  f"machine: the Binder environment is built on Python {here} instead",
                  stacklevel=2)
    return sys.executable, here


def _copy_of_the_repository(destination: Path) -> None:
    """The working tree's files (tracked, and untracked but not ignored), modes kept."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listed is None:  # not a git checkout: copy the tree without the usual debris
        shutil.copytree(ROOT, destination, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", ".venv*", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis",
            ".ruff_cache", "build", "test-artifacts", "my_lessons"))
        return
    for name in sorted(set(listed.decode().split("\0")) - {""}):
        source = ROOT / name
        if not source.is_file():  # deleted in the working tree, or a submodule
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@pytest.fixture(scope="module")
def binder():
    missing = []
    for name in _apt_packages():
        try:
            status = subprocess.run(["dpkg", "-s", name], capture_output=True, text=True)
        except FileNotFoundError:
            _unavailable(f"dpkg is not available, so binder/apt.txt ({name}) cannot be "
                         "checked on this machine")
        if status.returncode != 0 or "Status: install ok installed" not in status.stdout:
            missing.append(name)
    if missing:
        _unavailable(f"the system packages in binder/apt.txt are not installed here: "
                     f"{', '.join(missing)} (apt-get install {' '.join(missing)})")

    python, version = _binder_python()
    work = Path(tempfile.mkdtemp(prefix="autograd_lab-binder-"))
    try:
        repo, venv = work / "repo", work / "venv"
        data_dir = work / "jupyter-data"
        _copy_of_the_repository(repo)
        env = {k: v for k, v in os.environ.items()
               if k not in LEAKY and not k.startswith("JUPYTER")}
        env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
                   JUPYTER_DATA_DIR=str(data_dir),
                   JUPYTER_CONFIG_DIR=str(work / "jupyter-config"),
                   IPYTHONDIR=str(work / "ipython"),
                   MPLCONFIGDIR=str(work / "matplotlib"),
                   PYTHONNOUSERSITE="1")
        _run([python, "-m", "venv", str(venv)], cwd=work, env=env,
             what="creating the environment")
        python_in_venv = str(venv / "bin" / "python")
        _run([python_in_venv, "-m", "pip", "install", "--quiet", *BASE_IMAGE, *CHECK_TOOLS],
             cwd=work, env=env, what="installing what Binder's base environment ships")
        _run(["./binder/postBuild"], cwd=repo, env=env, what="binder/postBuild")
        yield SimpleNamespace(repo=repo, python=python_in_venv, env=env, data_dir=data_dir,
                              version=version)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_environment_runs_the_python_of_runtime_txt_when_there_is_one(binder):
    out = _run([binder.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
               cwd=binder.repo, env=binder.env, what="asking the environment's Python version")
    assert out.strip() == binder.version


def test_the_package_imports_in_the_binder_environment(binder):
    out = _run([binder.python, "-c",
                "import autograd_lab, autograd_lab.viz, autograd_lab.widgets; "
                "print(autograd_lab.__file__)"],
               cwd=binder.repo.parent, env=binder.env, what="importing the package")
    assert Path(out.strip().splitlines()[-1]).is_relative_to(binder.repo), (
        "the editable install does not point at the repository postBuild ran in")


def test_every_notebook_is_trusted(binder):
    notebooks = sorted(str(p) for p in (binder.repo / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks/*.ipynb"
    assert (binder.data_dir / "nbsignatures.db").is_file(), (
        "postBuild's `jupyter trust` wrote no trust database in JUPYTER_DATA_DIR")
    check = textwrap.dedent("""
        import sys
        import nbformat
        from nbformat.sign import NotebookNotary
        notary = NotebookNotary(data_dir=sys.argv[1])
        for path in sys.argv[2:]:
            if not notary.check_signature(nbformat.read(path, as_version=4)):
                print("untrusted:", path)
    """)
    out = _run([binder.python, "-c", check, str(binder.data_dir), *notebooks],
               cwd=binder.repo, env=binder.env, what="checking the notebooks' signatures")
    assert "untrusted:" not in out, out


def test_every_notebook_passes_strict_nbval(binder):
    _run([binder.python, "-m", "pytest", "--nbval", "--nbval-current-env",
          "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg", "notebooks",
          "-p", "no:cacheprovider", "-q"],
         cwd=binder.repo, env=binder.env, what="nbval on every notebook")
