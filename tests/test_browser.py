"""The gallery notebook in a real browser: JupyterLab + Chromium, driven by Playwright.

Runs all cells of ``notebooks/gallery.ipynb`` in a throwaway JupyterLab (see
``browser_support.py``), checks that no cell shows an error and that every drawing is visible,
then steps the first ``BackwardStepper`` with its "Next" button to the end: the shown frame must
change at every step, and the numbers panel must end on the gradient that ``print(x.grad)``
printed. Screenshots go to ``test-artifacts/screenshots/``.

Skips (with the reason) without Chromium at /usr/bin/chromium, Playwright, JupyterLab or
Graphviz; with ``AUTOGRAD_LAB_STRICT=1`` (CI) those are failures instead.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NOTEBOOKS,
    SCREENSHOTS,
    JupyterLab,
    missing_requirements,
)

NOTEBOOK = "gallery.ipynb"
TIMEOUT_MS = 30_000


def _require_browser() -> None:
    reason = missing_requirements()
    if reason is None:
        return
    if os.environ.get("AUTOGRAD_LAB_STRICT"):
        pytest.fail(f"browser test cannot run: {reason} (AUTOGRAD_LAB_STRICT is set, so this is "
                    "an error, not a skip)", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, request):
    _require_browser()
    server = JupyterLab(tmp_path_factory.mktemp("jupyterlab"))
    request.addfinalizer(server.stop)  # registered before start: a half-started server stops too
    server.start()
    return server


@pytest.fixture(scope="module")
def page(lab, request):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    request.addfinalizer(playwright.stop)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    request.addfinalizer(browser.close)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.problems = []  # uncaught page errors, reported when the test fails
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def _code_cells() -> int:
    notebook = json.loads((NOTEBOOKS / NOTEBOOK).read_text())
    return sum(cell["cell_type"] == "code" for cell in notebook["cells"])


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def _wait_idle(page) -> None:
    page.wait_for_function(
        "() => (document.querySelector('#jp-main-statusbar')?.textContent || '')"
        ".includes('| Idle')")


def _run_all(page, cells: int) -> list[dict]:
    """Clear the committed outputs (so old prompts cannot pass for new ones), run all cells and
    wait until every prompt reads ``[N]:`` and the kernel is idle. Returns the error outputs."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
        ".every(p => !/\\[\\d+\\]/.test(p.textContent))")
    # Resolves when the run is over: false when a cell raised (Run All stops there).
    page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')")
    errors = _error_outputs(page)
    if errors:
        return errors
    page.wait_for_function(
        """(n) => {
            const prompts = [...document.querySelectorAll(
                '.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length === n
                && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()))
                && (document.querySelector('#jp-main-statusbar')?.textContent || '')
                    .includes('| Idle');
        }""", arg=cells, timeout=TIMEOUT_MS)
    return _error_outputs(page)


def _error_outputs(page) -> list[dict]:
    """The notebook's error outputs, read from Lab's model (Lab draws them as plain stderr)."""
    notebook = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON()")
    return [{"cell": i, "source": "".join(cell["source"])[:200],
             "error": f"{output.get('ename')}: {output.get('evalue')}"}
            for i, cell in enumerate(notebook["cells"])
            for output in cell.get("outputs", []) if output["output_type"] == "error"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _frame_src(stepper) -> str:
    frame = stepper.locator(".agl-stepper-graph:visible").first
    frame.wait_for(state="visible")
    return frame.get_attribute("src") or ""


def _position(stepper) -> tuple[int, int] | None:
    """(value, max) of the stepper's slider, from its noUiSlider handle (None if unreadable)."""
    handle = stepper.locator(".widget-slider .noUi-handle").first
    if handle.count() == 0:
        return None
    now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
    if now is None or top is None:
        return None
    return round(float(now)), round(float(top))


def test_gallery_runs_and_the_stepper_steps(lab, page):
    cells = _code_cells()
    started = time.monotonic()
    page.goto(lab.url(NOTEBOOK))
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    _wait_idle(page)
    _shot(page, "gallery-start.png")

    errors = _run_all(page, cells)
    assert not errors, f"cells show errors: {errors}\nserver log:\n{lab.log_tail()}"
    notebook = page.locator(".jp-Notebook")
    stderr = notebook.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr.count() == 0, "a cell wrote to stderr:\n" + "\n---\n".join(
        stderr.all_text_contents())
    outputs_text = notebook.locator(".jp-OutputArea").all_text_contents()
    for bad in ("Traceback (most recent call last)", "Error displaying widget"):
        assert not any(bad in text for text in outputs_text), f"an output shows {bad!r}"

    # Every drawing is an <img> with a loaded, nonzero-sized picture.
    drawings = notebook.locator(".jp-RenderedSVG img")
    expected = sum("image/svg+xml" in output.get("data", {})
                   for cell in json.loads((NOTEBOOKS / NOTEBOOK).read_text())["cells"]
                   for output in cell.get("outputs", []))
    assert drawings.count() >= max(expected, 1), (
        f"{drawings.count()} drawings shown, the notebook has {expected}")
    for i in range(drawings.count()):
        image = drawings.nth(i)
        image.scroll_into_view_if_needed()
        image.wait_for(state="visible")
        size = image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight,"
                              " img.getBoundingClientRect().width,"
                              " img.getBoundingClientRect().height]")
        assert size[0] and min(size[1:]) > 0, f"drawing {i} is not visible: {size}"

    # The first stepper: step with "Next" to the end; the frame changes at every step.
    stepper = notebook.locator(".agl-stepper").first
    stepper.scroll_into_view_if_needed()
    stepper.wait_for(state="visible")
    next_button = stepper.locator("button", has_text=re.compile(r"\bNext\b")).first
    next_button.wait_for(state="visible")
    _shot(page, "gallery-stepper-start.png")
    sources = [_frame_src(stepper)]
    for _ in range(200):
        position = _position(stepper)
        if (position is not None and position[0] >= position[1]) or next_button.is_disabled():
            break
        next_button.click()
        deadline = time.monotonic() + 10
        while _frame_src(stepper) == sources[-1]:
            assert time.monotonic() < deadline, (
                f"the frame did not change after Next (step {len(sources)})")
            time.sleep(0.05)
        sources.append(_frame_src(stepper))
    else:
        pytest.fail("the stepper never reached its end")
    assert len(sources) > 2, f"only {len(sources)} frames reached with Next"
    assert all(a != b for a, b in zip(sources, sources[1:])), "the highlight did not move"
    position = _position(stepper)
    if position is not None:  # one click, one step: 0 .. max
        assert position[0] == position[1] == len(sources) - 1, (
            f"slider at {position} after {len(sources) - 1} clicks on Next")

    # The panel's last step shows the gradient print(x.grad) printed.
    panel = _squash(" ".join(stepper.locator(".agl-stepper-panel:visible").all_inner_texts()))
    printed_cell = notebook.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea", has_text="print(x.grad)")).first
    printed_cell.scroll_into_view_if_needed()
    printed = _squash(printed_cell.locator(".jp-OutputArea-output").first.inner_text())
    assert printed.startswith("tensor("), f"unexpected print(x.grad) output: {printed!r}"
    assert f"x.grad = {printed}" in panel, (
        f"panel at the end: {panel!r}\nprint(x.grad): {printed!r}")

    stepper.scroll_into_view_if_needed()
    _shot(page, "gallery-stepper-end.png")
    stepper.screenshot(path=str(SCREENSHOTS / "stepper-end.png"))
    assert not page.problems, f"uncaught page errors: {page.problems}"
    assert time.monotonic() - started < 60, "the browser test is too slow"
