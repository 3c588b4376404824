"""``autograd_lab.export``: the lessons as pages that open from disk, with nothing fetched.

The index, a lesson with a stepper and maths (4), one with maths and graphs (8) and the gallery
(two steppers and a ``static()``) are exported once; ``make html`` exports them all.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("jupyter_server_mathjax")
if shutil.which("dot") is None:
    pytest.skip("Graphviz's `dot` program is not installed (apt-get install graphviz); CI "
                "installs it", allow_module_level=True)

from autograd_lab.export import MATHJAX_URL, export_html  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["00_index", "04_non_scalar_outputs", "08_beyond_first_gradients", "gallery"]
EXTERNAL = re.compile(r"^\s*(?:[a-zA-Z][\w+.-]*:|//)")  # a scheme, or a host: not a file here


class Page(HTMLParser):
    """What a page loads, links to and shows: its resources, links, drawings and steppers."""

    def __init__(self, text: str):
        super().__init__()
        self.scripts, self.stylesheets, self.images, self.links, self.styles = [], [], [], [], []
        self.svg_outputs = []  # per image/svg+xml output: whether it holds an <svg> element
        self.steppers = []  # per static stepper: its title, frames' sources and panels' texts
        self._svg_next = self._in_style = False
        self._stepper, self._depth, self._text = None, 0, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._svg_next:
            self.svg_outputs[-1], self._svg_next = tag == "svg", False
        if tag == "script" and "src" in a:
            self.scripts.append(a["src"])
        elif tag == "link":
            self.stylesheets.append(a.get("href", ""))
        elif tag in ("img", "iframe", "source", "embed", "audio", "video"):
            self.images.append(a.get("src", ""))
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        self._in_style = tag == "style"
        self.styles.append(a.get("style") or "")
        if a.get("data-mime-type") == "image/svg+xml":
            self.svg_outputs.append(False)
            self._svg_next = True
        if tag == "div" and "agl-stepper-static" in (a.get("class") or "").split():
            self._stepper, self._depth = {"title": [], "frames": [], "texts": []}, 0
            self.steppers.append(self._stepper)
        if self._stepper is not None:
            self._depth += tag == "div"
            if tag == "img":
                self._stepper["frames"].append(a.get("src", ""))
            elif tag in ("p", "pre"):
                self._text = self._stepper["title" if tag == "p" else "texts"]
                self._text.append("")

    def handle_endtag(self, tag):
        self._in_style = False
        if tag in ("p", "pre"):
            self._text = None
        if tag == "div" and self._stepper is not None:
            self._depth -= 1
            if self._depth == 0:
                self._stepper = None

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        elif self._text is not None:
            self._text[-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    before = {p.name: p.read_bytes() for p in NOTEBOOKS.glob("*.ipynb") if p.stem in NAMES}
    out = tmp_path_factory.mktemp("site")
    pages = export_html(NOTEBOOKS, out, NAMES, log=lambda *_: None)
    after = {p.name: p.read_bytes() for p in NOTEBOOKS.glob("*.ipynb") if p.stem in NAMES}
    assert after == before, "the export must not write into notebooks/"
    return out, {p.stem: Page(p.read_text(encoding="utf-8")) for p in pages}


def test_every_page_and_the_index_exist(site):
    out, pages = site
    assert sorted(pages) == sorted(NAMES)
    assert (out / "index.html").read_bytes() == (out / "00_index.html").read_bytes()


def test_nothing_is_fetched_from_the_network(site):
    _, pages = site
    for name, page in pages.items():
        loaded = page.scripts + page.stylesheets + page.images
        assert not [u for u in loaded if EXTERNAL.match(u) and not u.startswith("data:")], name
        urls = [u.strip("'\" ") for style in page.styles
                for u in re.findall(r"url\(([^)]*)\)", style)]
        assert all(u.startswith(("data:", "#")) for u in urls), (name, urls)
        assert not any("@import" in style for style in page.styles), name
        assert page.scripts == [MATHJAX_URL], name  # MathJax, and no require.js or widgets


def test_mathjax_is_the_local_copy(site):
    out, pages = site
    assert (out / MATHJAX_URL.split("?")[0]).is_file()
    for path in ("config/TeX-AMS-MML_HTMLorMML-full.js", "config/Safe.js",
                 "jax/output/HTML-CSS/fonts/STIX-Web/fontdata.js"):
        assert (out / "mathjax" / path).is_file(), path
    assert list((out / "mathjax/fonts/HTML-CSS/STIX-Web/woff").glob("*.woff"))
    assert r"\partial" in (out / "08_beyond_first_gradients.html").read_text()  # left to MathJax


def test_graphs_are_inline_svg(site):
    _, pages = site
    for name, page in pages.items():
        assert page.svg_outputs and all(page.svg_outputs), name
        assert all(src.startswith("data:") for src in page.images), name


def test_each_stepper_shows_all_its_frames(site):
    _, pages = site
    assert len(pages["gallery"].steppers) == 3  # two steppers, and one's static() again
    assert pages["04_non_scalar_outputs"].steppers
    for name, page in pages.items():
        for stepper in page.steppers:
            title = "".join(stepper["title"])
            n = int(re.search(r"(\d+) steps", title).group(1))
            frames, texts = stepper["frames"], stepper["texts"]
            assert len(frames) == len(texts) == n + 1, (name, title)
            assert all(f.startswith("data:image/svg+xml;base64,") for f in frames)
            assert texts[0].startswith(f"Before step 1 of {n}:")
            for k, text in enumerate(texts[1:], 1):
                assert text.startswith(f"Step {k} of {n}:"), (name, k)


def test_no_live_widget_is_left(site):
    out, _ = site
    for page in out.glob("*.html"):
        assert "widget-view+json" not in page.read_text(), page.name


def test_links_between_lessons_lead_to_pages(site):
    out, pages = site
    lessons = [h.split("#")[0] for p in pages.values() for h in p.links
               if not EXTERNAL.match(h) and not h.startswith("#")]
    assert "01_tensors_that_track_history.html" in lessons
    assert not [h for h in lessons if h.endswith(".ipynb")]
    for href in lessons:  # a page of this export, or of a lesson that exists
        assert (out / href).exists() or (NOTEBOOKS / href).with_suffix(".ipynb").exists(), href


def test_a_stepper_displays_its_frames_when_asked(monkeypatch):
    import autograd_lab as torch
    from autograd_lab.widgets import BackwardStepper

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    stepper = BackwardStepper((x * x).sum())
    assert "application/vnd.jupyter.widget-view+json" in stepper._repr_mimebundle_()
    monkeypatch.setenv("AUTOGRAD_LAB_STATIC_STEPPERS", "1")
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/html"] == stepper.static()._repr_html_()
    assert bundle["text/plain"] == repr(stepper.static())


def test_only_links_to_a_notebook_of_the_same_folder_become_pages():
    from autograd_lab.export import _LESSON_LINK

    def rewrite(text):
        return _LESSON_LINK.sub(r"\1\2.html", text)

    assert rewrite('<a href="01_x.ipynb">') == '<a href="01_x.html">'
    assert rewrite('<a class="k" href="./02_y.ipynb#top">') == '<a class="k" href="02_y.html#top">'
    for kept in ('<a href="dir/x.ipynb">', '<a href="../n/01.ipynb">', '<link href="a.ipynb">',
                 '<a href="https://example.org/a.ipynb">'):
        assert rewrite(kept) == kept
