"""The one Jinja2 environment of the package's HTML documents (report, lägesbild, hot-list).

Every value a template shows passes two steps, in this order: :func:`~trygghet_geo.output._redact.clean_text`
(the package's one text cleaner: control, bidi, zero-width and noncharacters out, so a place or area name
cannot hide or reorder text) as the environment's ``finalize``, then autoescaping (``& < > " '``), so user
text is never markup and the documents are safe inside ``srcdoc="…"``. Markup the package builds itself
(``markupsafe.Markup``) is cleaned the same way and stays markup. Undefined names are errors.
"""

from __future__ import annotations

from typing import Any

__all__ = ["environment"]


def _shown(value: Any) -> Any:
    """A value as a template shows it: text cleaned, markup cleaned and kept as markup, the rest as is."""
    import markupsafe

    from trygghet_geo.output._redact import clean_text

    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(clean_text(str(value)))
    if isinstance(value, str):
        return clean_text(value)
    return value


def environment() -> Any:
    """The environment, loading the package's ``templates/`` folder.

    >>> environment().from_string("{{ x }}").render(x="<b>Stor\\u202egatan</b>")
    '&lt;b&gt;Storgatan&lt;/b&gt;'
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("trygghet_geo.output", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_shown,
    )
