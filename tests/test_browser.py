"""Every lesson in a real browser: JupyterLab + Chromium, driven by Playwright.

JupyterLab is started the way ``make lab`` starts it (``autograd-lab lab``, see
``browser_support.py``). For each notebook (the index, the lessons and the gallery) the test
first checks that, opened and not yet run, its steppers show from the widget state saved in it;
then it runs all cells and waits for the kernel to be idle, then checks that only the cells tagged
``raises-exception`` show an error, nothing reaches stderr, every drawing is visible, and every
``BackwardStepper`` steps with its "Next" button to its end: the frame changes at every step and
the last panel shows the leaves' final gradients. Screenshots go to ``test-artifacts/screenshots/``.

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

NOTEBOOK_NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
TIMEOUT_MS = 60_000

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
except ImportError:  # the test skips, saying why
    PlaywrightTimeout, expect = TimeoutError, None


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


def _notebook(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text())


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def _wait_idle(page) -> None:
    page.wait_for_function(
        "() => (document.querySelector('#jp-main-statusbar')?.textContent || '')"
        ".includes('| Idle')")


def _run_all(page, cells: int) -> list[dict]:
    """Clear the committed outputs (so old prompts cannot pass for new ones), run all cells and
    wait until every prompt reads ``[N]:`` and the kernel is idle. Returns the error outputs.

    Lab goes on past a cell tagged ``raises-exception``; any other error stops the run, and the
    errors then say why. A run that neither ends nor stops on an error fails here."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
        ".every(p => !/\\[\\d+\\]/.test(p.textContent))")
    # Started, not awaited: the command's promise lasts as long as the run, with no time limit.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    try:
        page.wait_for_function(
            """(n) => {
                const prompts = [...document.querySelectorAll(
                    '.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                return prompts.length === n
                    && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()))
                    && (document.querySelector('#jp-main-statusbar')?.textContent || '')
                        .includes('| Idle');
            }""", arg=cells, timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        errors = _error_outputs(page)
        if not errors:
            pytest.fail(f"the notebook did not finish running in {TIMEOUT_MS // 1000} s")
        return errors
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


def _check_drawings(notebook, expected: int) -> None:
    """Every drawing is an <img> with a loaded, nonzero-sized picture."""
    drawings = notebook.locator(".jp-RenderedSVG img")
    assert drawings.count() >= expected, (
        f"{drawings.count()} drawings shown, the notebook has {expected}")
    for i in range(drawings.count()):
        image = drawings.nth(i)
        image.scroll_into_view_if_needed()
        image.wait_for(state="visible")
        size = image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight,"
                              " img.getBoundingClientRect().width,"
                              " img.getBoundingClientRect().height]")
        assert size[0] and min(size[1:]) > 0, f"drawing {i} is not visible: {size}"


def _step_to_the_end(stepper) -> str:
    """Press Next until the last step; the frame must change at every click. Returns the text
    of the last panel."""
    stepper.scroll_into_view_if_needed()
    stepper.wait_for(state="visible")
    next_button = stepper.locator("button", has_text=re.compile(r"\bNext\b")).first
    next_button.wait_for(state="visible")
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
    position = _position(stepper)
    if position is not None:  # one click, one step: 0 .. max
        assert position[0] == position[1] == len(sources) - 1, (
            f"slider at {position} after {len(sources) - 1} clicks on Next")
    return _squash(" ".join(stepper.locator(".agl-stepper-panel:visible").all_inner_texts()))


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_runs_draws_and_steps_in_the_browser(lab, page, name):
    saved = _notebook(name)
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    on_purpose = {i for i, c in enumerate(saved["cells"])
                  if "raises-exception" in c.get("metadata", {}).get("tags", [])}
    stem = name.removesuffix(".ipynb")
    page.goto(lab.url(name))
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    _wait_idle(page)
    notebook = page.locator(".jp-Notebook")
    expected_steppers = sum("BackwardStepper(" in "".join(c["source"]) for c in code)
    # Opened, not yet run: the steppers are drawn from the widget state saved in the lesson.
    expect(notebook.locator(".agl-stepper")).to_have_count(expected_steppers)
    assert not any("Error displaying widget" in text
                   for text in notebook.locator(".jp-OutputArea").all_text_contents())

    errors = _run_all(page, len(code))
    unexpected = [e for e in errors if e["cell"] not in on_purpose]
    assert not unexpected, f"cells show errors: {unexpected}\nserver log:\n{lab.log_tail()}"
    assert {e["cell"] for e in errors} == on_purpose, "a raises-exception cell did not raise"
    stderr = notebook.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    shown_errors = stderr.count()  # Lab draws error outputs as stderr too
    assert shown_errors == len(on_purpose), "a cell wrote to stderr:\n" + "\n---\n".join(
        stderr.all_text_contents())
    outputs_text = notebook.locator(".jp-OutputArea").all_text_contents()
    assert not any("Error displaying widget" in text for text in outputs_text)
    _shot(page, f"{stem}.png")

    _check_drawings(notebook, sum("image/svg+xml" in o.get("data", {})
                                  for c in code for o in c.get("outputs", [])))
    steppers = notebook.locator(".agl-stepper")
    assert steppers.count() == expected_steppers
    for k in range(steppers.count()):
        panel = _step_to_the_end(steppers.nth(k))
        assert re.search(r"\.grad = tensor\(", panel), f"the last step shows no gradient: {panel}"
        steppers.nth(k).screenshot(path=str(SCREENSHOTS / f"{stem}-stepper-{k + 1}-end.png"))
    if name == "gallery.ipynb":
        _gallery_panel_matches_print(page, notebook, steppers.first)
    assert not page.problems, f"uncaught page errors: {page.problems}"


def _gallery_panel_matches_print(page, notebook, stepper) -> None:
    """The gallery's first stepper ends on the gradient that print(x.grad) printed."""
    panel = _squash(" ".join(stepper.locator(".agl-stepper-panel:visible").all_inner_texts()))
    printed_cell = notebook.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea", has_text="print(x.grad)")).first
    printed_cell.scroll_into_view_if_needed()
    printed = _squash(printed_cell.locator(".jp-OutputArea-output").first.inner_text())
    assert printed.startswith("tensor("), f"unexpected print(x.grad) output: {printed!r}"
    assert f"x.grad = {printed}" in panel, (
        f"panel at the end: {panel!r}\nprint(x.grad): {printed!r}")
