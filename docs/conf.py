"""Sphinx configuration of the trygghet_geo documentation site (``make docs``; offline, warnings as errors).

The pages are Markdown (MyST), the API reference comes from the numpydoc docstrings, and the two notebooks
in ``notebooks/`` are rendered with their outputs by myst-nb: executed once and kept in a jupyter-cache
folder under ``_build``, so a second build runs nothing and no build needs the network (the notebooks use
the bundled sample).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trygghet_geo  # noqa: E402

project = "trygghet_geo"
author = "trygghet_geo contributors"
copyright = "trygghet_geo contributors, MIT licence"  # noqa: A001
release = version = trygghet_geo.__version__
language = "sv"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "architecture.md", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]

# the API reference: numpydoc docstrings, types from the annotations
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# the notebooks: executed once, outputs cached (docs/_build/.jupyter_cache); no kernel runs on a rebuild
nb_execution_mode = "cache"
nb_execution_cache_path = str(Path(__file__).parent / "_build" / ".jupyter_cache")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_merge_streams = True
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "pydata_sphinx_theme"
html_title = f"trygghet_geo {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
