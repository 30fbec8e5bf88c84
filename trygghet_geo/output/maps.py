"""The email-ready interactive map: :func:`make_map` returns a ``folium.Map``; :func:`save_html` writes it.

Plain folium writes one JavaScript object per marker (100,000 incidents → 20+ MB that never paints) and loads
everything from CDNs. Here folium provides the map, the layer control, the scale bar and the fullscreen
button; the data travels as one compact JSON payload (coordinates delta-encoded as integers, see
:mod:`._mapdata`) that a small script of ours (``static/trygghet_map.js``) draws: incidents on a
canvas tile layer, hotspots as ranked polygons, aggregated cells, safety-walk observations, the study area,
a heat map from the same arrays, the ranked list, the legend and a footer. Every text from the data is
written with ``textContent`` in the browser, so no note can inject markup or script.

By default (in a notebook as in a saved file) Leaflet and the plugins are inlined from the copies shipped
in ``output/static`` (Leaflet BSD-2, leaflet.fullscreen MIT, leaflet.heat BSD-2; licences beside them), no
tile layer is used and the network's streets are drawn as a light vector basemap: nothing is fetched when
the map is made, shown or opened, so it works on an air-gapped network and tells no third party which
streets are looked at. A tile server is asked only when the caller passes ``tiles=``.
"""

from __future__ import annotations

import base64
import html
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack

from branca.element import Element, MacroElement

from trygghet_geo._text import resolve_lang, text
from trygghet_geo.errors import ParameterError
from trygghet_geo.output import _layers as layers
from trygghet_geo.output import _mapdata as md
from trygghet_geo.output._densitymap import density_for_map, density_layer
from trygghet_geo.output._trendmap import trend_layer

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from trygghet_geo._typing import MapOptions
    from trygghet_geo.output._source import AnalysisLike

logger = logging.getLogger(__name__)

__all__ = ["make_map", "save_html"]

LEAFLET_CDN_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
LEAFLET_CDN_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"


def make_map(
    analysis: AnalysisLike,
    *,
    lang: Literal["sv", "en"] | None = None,
    privacy: Literal["shared", "internal"] = "shared",
    self_contained: bool = True,
    heatmap: bool | Literal["density", "planar", "both"] = True,
    title: str | None = None,
    k: int = 5,
    cell_m: float = 100.0,
    streets: bool | None = None,
    tiles: str | None = None,
    density: gpd.GeoDataFrame | None = None,
    basemap: dict[str, gpd.GeoDataFrame] | bool | None = None,
    trend: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """The interactive map of an analysis.

    Parameters
    ----------
    analysis : AnalysisLike
        The result of :func:`trygghet_geo.analyze` (or one built by hand from its tables).
    lang : {"sv", "en"} or None
        Language of everything the reader sees; ``None`` (default) means ``options.lang`` (Swedish unless
        set).
    privacy : {"shared", "internal"}
        ``"shared"`` (default): what :func:`.privacy.prepare_export` allows in a shared file
        (single points only where at least ``k`` incidents share a ``cell_m`` cell or a hotspot, the rest as
        counted cells; dates by month; notes redacted). ``"internal"``: points as geocoded, for the analyst.
    self_contained : bool
        Inline Leaflet and the plugins (default), so the map shows with no network at all, in a notebook as
        in a saved file. ``False`` loads Leaflet from a CDN (jsdelivr.net), which then learns the address of
        every computer that shows the map, and when.
    heatmap : bool or {"density", "planar", "both"}
        The heat layer. ``True`` (off until ticked) or ``"density"`` (shown): "Täthet längs gatorna", the
        street pieces coloured by network kernel density in quantile classes, legend in events per km
        and year (:func:`trygghet_geo.density.network_kde`; in the shared mode only pieces whose density
        comes from at least ``k`` events). ``"planar"``: the planar heat map of the points (off until
        ticked); ``"both"``; ``False``.
    density : GeoDataFrame, optional
        A lixel table from :func:`~trygghet_geo.density.network_kde` to draw; default: computed from the
        analysis' incidents with its defaults.
    basemap : dict of GeoDataFrame or bool, optional
        Context drawn under everything else (water, parks and green areas, buildings, railway, a few
        landmark names) from :func:`trygghet_geo.network.basemap_from_pbf`, carried in the file itself.
        Default: the analysis' own (``analysis.basemap``, which :func:`trygghet_geo.analyze` reads from the
        network's OSM extract); ``False``: none.
    trend : GeoDataFrame, optional
        A segment table from :func:`~trygghet_geo.emerging_hotspots`: the layer "Utveckling" colours the
        segments by ``pattern`` with a legend of the pattern names (in the shared mode only segments holding
        at least ``k`` events). Every map also has a time filter (from–to month) that redraws the incidents
        and shows each hotspot's incidents in the chosen months.
    title : str, optional
        Map title; default ``analysis.meta["title"]``.
    k, cell_m : int, float
        Passed to :func:`~trygghet_geo.output.privacy.prepare_export`.
    streets : bool, optional
        Draw the network's streets as a vector basemap; default: when no ``tiles`` are asked for.
    tiles : str, optional
        A background of map tiles from a tile server (a folium tiles name such as ``"OpenStreetMap"``, or a
        URL template). Off by default. Every tile is a request to that server: it learns the viewer's IP
        address, browser and the exact area and zoom level looked at, i.e. which streets (and so which
        hotspots) the analyst or a reader of the file is studying, and the map stays blank where the server
        cannot be reached (air-gapped police networks). OpenStreetMap's own tile servers also have a usage
        policy that forbids heavy use.

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; ``.save(path)`` or :func:`save_html` writes it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> from trygghet_geo.analysis import Analysis
    >>> from trygghet_geo.network import network_from_lines
    >>> line = LineString([(674000, 6580000), (674300, 6580000)])
    >>> lines = gpd.GeoDataFrame(geometry=[line], crs="EPSG:3006")
    >>> net = network_from_lines(lines)
    >>> empty = gpd.GeoDataFrame({"status": []}, geometry=[], crs="EPSG:3006")
    >>> a = Analysis(empty, None, empty, empty, net, meta={"title": "Test"})
    >>> m = make_map(a, privacy="internal", self_contained=True)
    >>> "leaflet" in m.get_root().render()
    True
    """
    import folium
    from folium.plugins import Fullscreen

    language = resolve_lang(lang)
    _check_args(language, privacy, k, cell_m)
    if heatmap not in (True, False, "density", "planar", "both"):
        raise ParameterError(f"heatmap must be True, False, 'density', 'planar' or 'both', got {heatmap!r}")
    labels = _labels(language, k, cell_m)
    tables = layers.export_tables(analysis, privacy, k=k, cell_m=cell_m)
    draw_streets = tiles is None if streets is None else bool(streets)
    payload = layers.payload(
        analysis, tables, lang=language, labels=labels, title=title, streets=draw_streets
    )
    if basemap is None or basemap is True:
        basemap = getattr(analysis, "basemap", None)
    if basemap is not None and basemap is not False:
        from trygghet_geo.output._basemap import basemap_payload

        payload.update(basemap_payload(basemap))
    if heatmap is True or heatmap in ("density", "both"):
        density = density_for_map(analysis) if density is None else density
        payload["density"] = density_layer(density, privacy=privacy, k=k, labels=labels)
    payload["trend"] = trend_layer(trend, privacy=privacy, k=k, lang=language)
    bounds = layers.bounds(analysis, payload)
    m = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=14,
        tiles=None,
        control_scale=True,
        max_zoom=19,
    )
    m.default_js = [] if self_contained else [("leaflet", LEAFLET_CDN_JS)]
    m.default_css = [] if self_contained else [("leaflet_css", LEAFLET_CDN_CSS)]
    if tiles is not None:  # a request to a tile server per tile viewed: only when the caller asks
        folium.TileLayer(tiles, control=False, max_zoom=19).add_to(m)
    m.get_root().title = _html_text(payload["title"])  # type: ignore[attr-defined]
    groups = _add_groups(m, payload, labels, heat=heatmap, streets=draw_streets)
    groups["layers"] = folium.LayerControl(position="topleft", collapsed=False)
    groups["layers"].add_to(m)
    _MapData(payload, groups, self_contained=self_contained).add_to(m)
    # folium's Fullscreen.__init__ carries no annotations, so mypy sees an untyped call.
    fullscreen = Fullscreen(  # type: ignore[no-untyped-call]
        position="topleft", title=labels["fullscreen"], title_cancel=labels["exit_fullscreen"]
    )
    fullscreen.default_js, fullscreen.default_css = [], []  # inlined by _MapData instead of fetched
    fullscreen.add_to(m)
    m.fit_bounds(bounds)
    from trygghet_geo.manifest import output_manifest
    from trygghet_geo.output._provenance import PANEL_STYLE, about_html, stable_ids

    about = output_manifest(analysis, privacy=privacy, k=k, cell_m=cell_m, lang=language)
    panel = _Raw(about_html(about, language, style=PANEL_STYLE))
    m.get_root().html.add_child(panel, name="trygghet_manifest")  # type: ignore[attr-defined]
    stable_ids(m.get_root())  # last: every element's id from its place in the tree, not random
    return m


def save_html(
    analysis: AnalysisLike, path: str | Path, *, self_contained: bool = True, **kwargs: Unpack[MapOptions]
) -> Path:
    """Write the map of ``analysis`` as one HTML file (options as :func:`make_map`); returns the path.

    A file is written to travel, by e-mail to laptops behind firewalls that block CDNs, so it is
    self-contained as :func:`make_map` is by default: Leaflet and its plugins inlined, the streets drawn
    from the network instead of tiles. Pass ``self_contained=False`` for a smaller file that loads Leaflet
    from a CDN, and ``tiles="OpenStreetMap"`` for a tile background (see :func:`make_map` for what each
    request reveals).

    >>> import trygghet_geo as tg
    >>> analysis = tg.analyze("brott.csv", network="gatunat.gpkg")  # doctest: +SKIP
    >>> save_html(analysis, "karta.html")  # doctest: +SKIP
    PosixPath('karta.html')
    """
    path = Path(path)
    m = make_map(analysis, self_contained=self_contained, **kwargs)
    text = m.get_root().render()
    from trygghet_geo._atomic import write_text

    write_text(path, text)  # whole or not at all
    logger.info("wrote %s (%.2f MB)", path, len(text.encode("utf-8")) / 1e6)
    return path


# --- arguments and labels ----------------------------------------------------------------------------------


def _check_args(lang: str, privacy: str, k: int, cell_m: float) -> None:
    from trygghet_geo.output.privacy import check_gate

    if lang not in ("sv", "en"):
        raise ParameterError(f"lang must be 'sv' or 'en', got {lang!r}")
    check_gate(privacy, k, cell_m)


def _labels(lang: str, k: int, cell_m: float) -> dict[str, str]:
    labels = dict(md.LABELS[lang])
    cell = f"{cell_m:g}"
    labels["privacy_shared"] = labels["privacy_shared"].format(k=k, cell=cell)
    from trygghet_geo.output._basemap import basemap_labels

    labels.update(basemap_labels(lang))
    for key in ("trend", "time_filter", "time_from", "time_to", "time_shown", "time_in_range"):
        labels[key] = text(f"map.{key}", lang=lang)
    return labels


# --- what may be shown -------------------------------------------------------------------------------------


def _add_groups(
    m: folium.Map, payload: dict[str, Any], labels: dict[str, str], *, heat: bool | str, streets: bool
) -> dict[str, Any]:
    """One folium FeatureGroup per layer so folium's LayerControl lists them; our script fills them.

    Leaflet writes layer names into the control as HTML, so every name is escaped here.
    """
    import folium

    def group(name: str, show: bool = True) -> folium.FeatureGroup:
        fg = folium.FeatureGroup(name=_html_text(name), show=show)
        fg.add_to(m)
        return fg

    groups: dict[str, Any] = {"hotspots": group(labels["hotspots"])}
    groups["incidents"] = [
        group(f"{labels['incidents']}: {c['label']} ({c['n']})") for c in payload["incidents"]
    ]
    if payload["cells"]:
        groups["cells"] = group(f"{labels['cells']} ({sum(payload['cells']['n'])})")
    if payload.get("density"):
        groups["density"] = group(labels["density"], show=heat == "density")
    if payload.get("trend"):
        groups["trend"] = group(labels["trend"])
    if heat in ("planar", "both"):
        groups["heatmap"] = group(labels["heatmap"], show=False)
    if payload["observations"]:
        groups["observations"] = group(f"{labels['observations']} ({len(payload['observations']['cat'])})")
    if payload["area"]:
        groups["area"] = group(labels["area"])
    if streets and payload["streets"]:
        groups["streets"] = group(labels["streets"])
    for key in ("water", "green", "buildings", "rail"):  # the vector basemap (output/_basemap.py)
        if payload.get(key):
            groups[key] = group(labels[f"basemap.{key}"])
    return groups


@cache
def _static(name: str) -> str:
    return resources.files("trygghet_geo.output").joinpath("static", name).read_text(encoding="utf-8")


@cache
def _static_data_uri(name: str, mime: str) -> str:
    data = resources.files("trygghet_geo.output").joinpath("static", name).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _vendor_css() -> str:
    """Leaflet's and the fullscreen control's CSS with their images turned into data URIs."""
    css = _static("leaflet.css")
    for img in ("layers-2x.png", "layers.png", "marker-icon.png"):
        css = css.replace(f"url(images/{img})", f"url({_static_data_uri(img, 'image/png')})")
    return css + "\n" + _fullscreen_css()


def _script_text(code: str) -> str:
    """Vendored JavaScript is trusted code, but a ``</script`` inside it would still end the block."""
    return code.replace("</script", "<\\/script")


class _Raw(Element):
    """Text written into the page verbatim.

    branca wraps what a MacroElement's macros return in a new ``Element`` and renders it as a Jinja2
    template a second time, so ``{{ ... }}`` typed into a note would be evaluated. This element is never
    treated as a template.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _MapData(MacroElement):
    """Carries the CSS, the (inlined) scripts and the payload; added to the map after the FeatureGroups."""

    def __init__(self, payload: dict[str, Any], groups: dict[str, Any], *, self_contained: bool) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__ is unannotated
        self._name = "TrygghetMapData"
        head = []
        if self_contained:
            head.append(f"<script>{_script_text(_static('leaflet.js'))}</script>")
        css = _vendor_css() if self_contained else _fullscreen_css()
        head.append(f"<style>{css}\n{_static('trygghet_map.css')}</style>")
        head.append(f"<script>{_script_text(_static('Control.FullScreen.js'))}</script>")
        head.append(f"<script>{_script_text(_static('leaflet-heat.js'))}</script>")
        self.head = "\n".join(head)
        self.runtime = _script_text(_static("trygghet_map.js"))
        self.data = md.safe_json(payload)
        self.groups = groups  # named at render time, after the ids are made stable

    def render(self, **kwargs: Any) -> str:
        figure: Any = self.get_root()
        figure.header.add_child(_Raw(self.head), name=self.get_name())
        parent: Any = self._parent
        call = f"TrygghetMap.build({parent.get_name()}, {self.data}, {_groups_js(self.groups)});"
        figure.script.add_child(_Raw(f"{self.runtime}\n{call}"), name=self.get_name())
        return ""


def _html_text(text: str) -> str:
    """Text for folium's own templates: HTML-escaped, and braces as entities.

    folium renders what its templates produce a second time as Jinja2 templates, so a ``{{`` or ``{%`` in a
    layer name would be evaluated; as ``&#123;`` the browser still shows ``{``.
    """
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def _fullscreen_css() -> str:
    return _static("Control.FullScreen.css").replace(
        "url(icon-fullscreen.svg)", f"url({_static_data_uri('icon-fullscreen.svg', 'image/svg+xml')})"
    )


def _groups_js(groups: dict[str, Any]) -> str:
    """JS object literal naming the FeatureGroup variables (identifiers folium generated, not user text)."""
    parts = []
    for key, value in groups.items():
        if isinstance(value, list):
            parts.append(f"{key}: [{', '.join(g.get_name() for g in value)}]")
        else:
            parts.append(f"{key}: {value.get_name()}")
    return "{" + ", ".join(parts) + "}"
