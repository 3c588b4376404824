"""The lessons as a static site that opens from disk: ``python -m autograd_lab.export OUT_DIR``.

Each notebook is executed afresh, in memory (the files in ``notebooks/`` are never written), by a
``python3`` kernel with ``AUTOGRAD_LAB_STATIC_STEPPERS=1``, so every ``BackwardStepper`` shows
all its frames, then converted by nbconvert to a page that loads nothing from the network: graphs
are inline SVG, the maths is typeset by a copy of MathJax 2 (from the ``jupyter-server-mathjax``
package) in ``OUT_DIR/mathjax``, and there is no require.js nor widget script. Links between
lessons (``01_x.ipynb``) lead to their pages (``01_x.html``); ``index.html`` is the index lesson.

nbconvert and nbclient are imported here only; the core of autograd_lab never imports this module.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import os
import re
import shutil
import time
from pathlib import Path

__all__ = ["export_html", "MATHJAX_URL"]

MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"

# nbconvert's JupyterLab template, less everything it would fetch: require.js, the widget manager,
# mermaid. Graphs go in as SVG elements (not images: their tooltips work, their text is found);
# a stepper's panels in monospace, each frame kept on one printed page. These MathJax files have
# the STIX-Web fonts only, so MathJax is told to use them.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js %}{% endblock html_head_js %}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}
{% block html_head_css %}
<style>
.jp-RenderedSVG svg { max-width: 100%; height: auto; }
.agl-stepper-static pre { font-family: var(--jp-code-font-family); }
.agl-stepper-static > div { break-inside: avoid; }
</style>
{% endblock html_head_css %}
{% block html_head_js_mathjax %}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web",
                                 imageFont: null}});
</script>
{{ super() }}
{% endblock html_head_js_mathjax %}
{% block data_svg scoped %}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{{ output.data['image/svg+xml'] }}
</div>
{% endblock data_svg %}
"""
_PROLOG = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*)*", re.S)
# A link to another notebook of the same folder (``01_x.ipynb``), in an <a>: every page is
# written into one folder, so only such links have a page to point to.
_LESSON_LINK = re.compile(r"""(<a\b[^>]*?\bhref=["'])(?:\./)?([^"'#?/:]+)\.ipynb(?=["'#?])""")


def mathjax_source() -> Path:
    """The MathJax 2 folder that the ``jupyter-server-mathjax`` package ships."""
    spec = importlib.util.find_spec("jupyter_server_mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the HTML export needs jupyter-server-mathjax (pip install "
                                  "jupyter-server-mathjax, or the [lessons] extra)")
    return Path(spec.submodule_search_locations[0]) / "static"


def _title(nb) -> str | None:
    """The notebook's first heading, as plain text."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.search(r"^#+\s+(.+)$", cell.source, re.M)
            if found:
                return re.sub(r"[`*]", "", found.group(1)).strip()
    return None


def _execute(nb, cwd: Path, timeout: int) -> None:
    from nbclient import NotebookClient

    env = {**os.environ, "AUTOGRAD_LAB_STATIC_STEPPERS": "1"}
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not its TCP warning
                   resources={"metadata": {"path": str(cwd)}}).execute(env=env)
    for cell in nb.cells:  # SVG drawings go into the page as they are: no XML prolog
        for output in cell.get("outputs", ()):
            svg = output.get("data", {}).get("image/svg+xml")
            if svg:
                output["data"]["image/svg+xml"] = _PROLOG.sub("", svg)


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file="offline.html.j2",
                        extra_loaders=[jinja2.DictLoader({"offline.html.j2": _TEMPLATE})],
                        mathjax_url=MATHJAX_URL, embed_images=True)


def export_html(notebooks_dir, out_dir, names=None, *, timeout: int = 600,
                log=print) -> list[Path]:
    """Execute the notebooks of ``notebooks_dir`` (those named in ``names``, default all) and
    write their pages, ``index.html`` and MathJax into ``out_dir``. Returns the pages written."""
    import nbformat

    notebooks_dir, out_dir = Path(notebooks_dir).resolve(), Path(out_dir)
    paths = sorted(notebooks_dir.glob("*.ipynb")) if names is None else [
        notebooks_dir / (n if n.endswith(".ipynb") else n + ".ipynb") for n in names]
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(mathjax_source(), out_dir / "mathjax", dirs_exist_ok=True)
    exporter, pages = _exporter(), []
    for path in paths:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        _execute(nb, notebooks_dir, timeout)
        nb.metadata["title"] = _title(nb) or path.stem
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        page = out_dir / (path.stem + ".html")
        page.write_text(_LESSON_LINK.sub(r"\1\2.html", body), encoding="utf-8")
        pages.append(page)
        log(f"{page} ({time.perf_counter() - start:.1f} s)")
    index = out_dir / "index.html"
    first = out_dir / "00_index.html"
    if first in pages:
        shutil.copyfile(first, index)
    else:
        items = "".join(f'<li><a href="{p.name}">{html.escape(p.stem)}</a></li>' for p in pages)
        index.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Lessons"
                         f"</title></head><body><ul>{items}</ul></body></html>", encoding="utf-8")
    return pages


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m autograd_lab.export",
                                     description="Write the lessons as a static HTML site.")
    parser.add_argument("out_dir", help="folder for the pages (made if missing)")
    parser.add_argument("--notebooks", default="notebooks", help="folder of the notebooks")
    parser.add_argument("names", nargs="*", help="only these notebooks (default: all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pages = export_html(args.notebooks, args.out_dir, args.names or None)
    print(f"{len(pages)} pages in {time.perf_counter() - start:.0f} s: "
          f"open {Path(args.out_dir) / 'index.html'}")


if __name__ == "__main__":
    main()
