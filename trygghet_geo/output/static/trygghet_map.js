/* trygghet_geo map runtime (MIT, part of trygghet_geo).
 *
 * Decodes the compact payload written by trygghet_geo.maps and draws it with plain Leaflet:
 *  - incidents: one delta-encoded integer array per category, drawn by a canvas GridLayer that paints only
 *    the points inside each tile (no Leaflet object per point),
 *  - hotspots, aggregated cells, observations, study area, streets, heat map, ranked-list panel, legend, footer,
 *  - the "Utveckling" layer (street segments by pattern over time) and a from–to month time filter.
 * Every text from the data is written with textContent, never as HTML.
 */
var TrygghetMap = (function () {
  "use strict";

  function decode(a, q) {
    var n = a.length, out = new Float64Array(n), x = 0, y = 0;
    for (var i = 0; i < n; i += 2) { x += a[i]; y += a[i + 1]; out[i] = x / q; out[i + 1] = y / q; }
    return out;
  }

  function latlngs(a, q) {
    var f = decode(a, q), r = new Array(f.length / 2);
    for (var i = 0, j = 0; i < f.length; i += 2, j++) r[j] = [f[i + 1], f[i]];
    return r;
  }

  function polygons(polys, q) {
    return polys.map(function (rings) { return rings.map(function (r) { return latlngs(r, q); }); });
  }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }

  function table(rows, parent) {
    var t = el("table", "tg-kv", null, parent);
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === "") return;
      var tr = el("tr", null, null, t);
      el("th", null, r[0], tr);
      el("td", null, r[1], tr);
    });
    return t;
  }

  function lowerBound(arr, v) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // Points projected once to zoom-0 pixels and sorted by x; each tile binary-searches its x range.
  var PointLayer = L.GridLayer.extend({
    options: { color: "#000", pane: "tgPoints", updateWhenZooming: false, maxZoom: 19 },
    initialize: function (xy, crs, options, months) {
      L.setOptions(this, options);
      var n = xy.length / 2, px = new Float64Array(n), py = new Float64Array(n), idx = new Uint32Array(n);
      for (var i = 0; i < n; i++) {
        var p = crs.latLngToPoint(L.latLng(xy[2 * i + 1], xy[2 * i]), 0);
        px[i] = p.x; py[i] = p.y; idx[i] = i;
      }
      idx.sort(function (a, b) { return px[a] - px[b]; });
      this._allX = new Float64Array(n); this._allY = new Float64Array(n); this._allM = new Int32Array(n);
      for (var k = 0; k < n; k++) {
        this._allX[k] = px[idx[k]]; this._allY[k] = py[idx[k]];
        this._allM[k] = months && months.length === n ? months[idx[k]] : -1;
      }
      this._xs = this._allX; this._ys = this._allY; this.shown = n;
    },
    // The time filter: keep the points of months lo..hi (month indices; null: all) and repaint.
    setRange: function (lo, hi) {
      if (lo === null) { this._xs = this._allX; this._ys = this._allY; }
      else {
        var m = this._allM, keep = [];
        for (var i = 0; i < m.length; i++) if (m[i] >= lo && m[i] <= hi) keep.push(i);
        this._xs = new Float64Array(keep.length); this._ys = new Float64Array(keep.length);
        for (var k = 0; k < keep.length; k++) { this._xs[k] = this._allX[keep[k]]; this._ys[k] = this._allY[keep[k]]; }
      }
      this.shown = this._xs.length;
      if (this._map) this.redraw();
      return this.shown;
    },
    // Tiles are drawn synchronously and never wait for a download, so tiles of other zoom levels are
    // dropped at once; Leaflet would otherwise keep scaled-up (blurred) parents while it fades new ones in.
    _pruneTiles: function () {
      L.GridLayer.prototype._pruneTiles.call(this);
      for (var key in this._tiles) {
        if (this._tiles[key].coords.z !== this._tileZoom) this._removeTile(key);
      }
    },
    _radius: function (z) { return z < 13 ? 1.6 : z < 15 ? 2.4 : z < 17 ? 3.4 : 5; },
    createTile: function (c) {
      var size = this.getTileSize(), tile = L.DomUtil.create("canvas", "leaflet-tile");
      var ratio = window.devicePixelRatio || 1;
      tile.width = size.x * ratio; tile.height = size.y * ratio;
      tile.style.width = size.x + "px"; tile.style.height = size.y + "px";
      var ctx = tile.getContext("2d"), k = Math.pow(2, c.z), r = this._radius(c.z);
      ctx.scale(ratio, ratio);
      var ox = c.x * size.x, oy = c.y * size.y;
      var x0 = (ox - r) / k, x1 = (ox + size.x + r) / k, y0 = (oy - r) / k, y1 = (oy + size.y + r) / k;
      var xs = this._xs, ys = this._ys, i = lowerBound(xs, x0), n = 0;
      ctx.beginPath();
      for (; i < xs.length && xs[i] <= x1; i++) {
        var y = ys[i];
        if (y < y0 || y > y1) continue;
        var X = xs[i] * k - ox, Y = y * k - oy;
        ctx.moveTo(X + r, Y); ctx.arc(X, Y, r, 0, 6.283185307179586); n++;
      }
      if (n) {
        ctx.fillStyle = this.options.color; ctx.globalAlpha = 0.85; ctx.fill();
        if (r > 2) { ctx.globalAlpha = 1; ctx.lineWidth = 0.8; ctx.strokeStyle = "#ffffff"; ctx.stroke(); }
      }
      tile.setAttribute("data-points", String(n));
      return tile;
    },
    // How many points are drawn within px screen pixels of latlng at the map's zoom.
    near: function (map, latlng, px) {
      var p = map.options.crs.latLngToPoint(latlng, 0), r = px / Math.pow(2, map.getZoom());
      var xs = this._xs, ys = this._ys, n = 0;
      for (var i = lowerBound(xs, p.x - r); i < xs.length && xs[i] <= p.x + r; i++) {
        var dx = xs[i] - p.x, dy = ys[i] - p.y;
        if (dx * dx + dy * dy <= r * r) n++;
      }
      return n;
    }
  });

  function popupHotspot(h, L_) {
    var box = el("div", "tg-popup");
    el("div", "tg-popup-title", (h.rank ? L_.rank + " " + h.rank + ": " : "") + h.name, box);
    var rows = [[L_.reason, h.reason], [L_.trend, h.trend], [L_.p_value, h.p_value], [L_.score, h.score],
                [L_.hours, h.hours], [L_.weekdays, h.weekdays], [L_.n_observations, h.n_obs],
                [L_.time_in_range, h.n_range === undefined ? null : h.n_range]];
    table(rows, box).classList.add("tg-reason-table");
    if (h.lit) el("div", "tg-popup-lit", h.lit, box);  // street lighting from the OSM lit tags
    if (h.counts && h.counts.length) {
      el("div", "tg-popup-sub", L_.counts, box);
      table(h.counts, box);
    }
    if (h.obs_counts && h.obs_counts.length) {
      el("div", "tg-popup-sub", L_.obs_counts, box);
      table(h.obs_counts, box);
    }
    return box;
  }

  function addHotspots(map, D, fg, L_) {
    var byPlace = [];
    D.hotspots.forEach(function (h) {
      var layer = L.polygon(polygons(h.poly, D.q), {
        color: h.color, weight: 2, fillColor: h.color, fillOpacity: 0.35, className: "tg-hotspot"
      });
      layer.bindPopup(function () { return popupHotspot(h, L_); },
                      { maxWidth: 320, maxHeight: Math.max(200, Math.round(map.getSize().y * 0.6)) });
      if (h.rank) {
        layer.bindTooltip(el("span", null, String(h.rank)),
                          { permanent: true, direction: "center", className: "tg-rank-label" });
      }
      fg.addLayer(layer);
      byPlace.push([h, layer]);
    });
    return byPlace;
  }

  function addIncidents(map, D, groups, heatPts) {
    var layers = D.incidents.map(function (c, i) {
      var f = decode(c.xy, D.q);
      var layer = new PointLayer(f, map.options.crs, { color: c.color, className: "tg-points tg-points-" + i }, c.m);
      groups[i].addLayer(layer);
      if (heatPts) for (var j = 0; j < f.length; j += 2) heatPts.push([f[j + 1], f[j], 1]);
      return layer;
    });
    // The points are painted on canvas tiles, so a click is matched to them here: a popup lists the
    // categories of the visible points under the cursor. Inside a hotspot its own popup opens instead.
    map.on("click", function (e) {
      var target = e.originalEvent && e.originalEvent.target;
      if (target && target.classList && target.classList.contains("tg-hotspot")) return;
      var rows = [];
      layers.forEach(function (layer, i) {
        if (!map.hasLayer(layer)) return;
        var n = layer.near(map, e.latlng, layer._radius(map.getZoom()) + 3);
        if (n) rows.push([D.incidents[i].label, n]);
      });
      if (!rows.length) return;
      var box = el("div", "tg-popup tg-points-popup");
      el("div", "tg-popup-title", D.labels.points_here, box);
      table(rows, box);
      L.popup({ maxWidth: 260 }).setLatLng(e.latlng).setContent(box).openOn(map);
    });
    return layers;
  }

  function addCells(map, D, fg, L_, heatPts) {
    if (!D.cells || !D.cells.n.length) return;
    var renderer = L.canvas({ pane: "tgPoints" }), f = decode(D.cells.xy, D.q), max = Math.max.apply(null, D.cells.n);
    for (var i = 0, j = 0; i < f.length; i += 4, j++) {
      var b = [[f[i + 1], f[i]], [f[i + 3], f[i + 2]]], n = D.cells.n[j];
      var r = L.rectangle(b, { renderer: renderer, color: "#777", weight: 0.6, opacity: 0.6,
                               fillColor: "#555", fillOpacity: 0.08 + 0.3 * n / max });
      r.bindTooltip(el("span", null, (D.cells.t ? D.cells.t[j] : n) + " " + L_.events_in_cell));
      fg.addLayer(r);
      if (heatPts) heatPts.push([(f[i + 1] + f[i + 3]) / 2, (f[i] + f[i + 2]) / 2, n]);
    }
  }

  function addObservations(D, fg, L_) {
    var O = D.observations;
    if (!O || !O.cat.length) return;
    var f = decode(O.xy, D.q);
    for (var i = 0; i < O.cat.length; i++) {
      var c = D.obs_categories[O.cat[i]];
      var icon = L.divIcon({ className: "tg-obs", html: el("span", "tg-obs-icon", c.symbol),
                             iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10] });
      icon.options.html.style.background = c.color;
      var st = O.state ? O.state[i] : "";
      if (st) {  // resolved, praise or an uncertain place: shown, but not as a current problem
        icon.options.html.style.opacity = "0.45";
        icon.options.html.style.outline = st === "uncertain" ? "2px dashed #333" : "2px solid #2a7";
      }
      var m = L.marker([f[2 * i + 1], f[2 * i]], { icon: icon, title: c.label });
      (function (i, c, st) {
        m.bindPopup(function () {
          var box = el("div", "tg-popup");
          el("div", "tg-popup-title", c.label, box);
          var rows = [[L_.category, c.label], [L_.note, O.note[i]], [L_.measure, O.measure[i]], [L_.date, O.date[i]]];
          if (st) rows.push([L_.obs_state, L_["obs_state_" + st]]);
          table(rows, box);
          return box;
        }, { maxWidth: 320 });
      })(i, c, st);
      fg.addLayer(m);
    }
  }

  // A swatch's number in black or white, whichever contrasts more with its colour (WCAG 2.1 AA: 4.5:1).
  function paint(node, hex) {
    var c = /^#([0-9a-f]{6})$/i.exec(hex || ""), lum = 0;
    if (c) {
      lum = [0, 2, 4].map(function (i) {
        var v = parseInt(c[1].substr(i, 2), 16) / 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      }).reduce(function (a, v, i) { return a + v * [0.2126, 0.7152, 0.0722][i]; }, 0);
    }
    node.style.background = hex;
    node.style.color = (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff";
  }

  function addPanel(map, D, byPlace, L_) {
    var Panel = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "tg-panel leaflet-bar");
        L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
        var head = el("div", "tg-panel-head", null, box);
        el("div", "tg-title", D.title, head);
        var toggle = el("button", "tg-toggle", L_.hide_panel, head);
        toggle.type = "button";
        var body = el("div", "tg-panel-body", null, box);
        if (D.period) el("div", "tg-meta", L_.period + ": " + D.period, body);
        if (D.source) el("div", "tg-meta tg-source", L_.source + ": " + D.source, body);
        el("div", "tg-list-title", L_.ranked, body);
        var list = el("ol", "tg-list", null, body);
        var ranked = byPlace.filter(function (p) { return p[0].rank; });
        if (!ranked.length) el("li", "tg-empty", L_.no_places, list);
        ranked.sort(function (a, b) { return a[0].rank - b[0].rank; }).forEach(function (p) {
          var h = p[0], layer = p[1], li = el("li", "tg-place", null, list);
          li.setAttribute("data-rank", String(h.rank));
          li.tabIndex = 0;
          var sw = el("span", "tg-swatch", String(h.rank), li); paint(sw, h.color);
          var txt = el("span", "tg-place-text", null, li);
          el("span", "tg-place-name", h.name, txt);
          if (h.reason) el("span", "tg-place-reason", h.reason, txt);
          function go() {
            var fg = D._groups.hotspots;
            if (!map.hasLayer(fg)) map.addLayer(fg);
            // no animation, so the popup's own auto-pan afterwards brings all of it into view
            map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [40, 40], animate: false });
            layer.openPopup(layer.getBounds().getCenter());
          }
          L.DomEvent.on(li, "click", go);
          L.DomEvent.on(li, "keydown", function (e) { if (e.key === "Enter") go(); });
        });
        L.DomEvent.on(toggle, "click", function () {
          var hidden = body.style.display === "none";
          body.style.display = hidden ? "" : "none";
          toggle.textContent = hidden ? L_.hide_panel : L_.show_panel;
        });
        return box;
      }
    });
    new Panel().addTo(map);
  }

  function addDensity(D, fg) {  // street pieces by density class, one canvas polyline per class
    var r = L.canvas({ pane: "tgStreets" });
    D.density.lines.forEach(function (cls, i) {
      if (!cls.length) return;
      fg.addLayer(L.polyline(cls.map(function (a) { return latlngs(a, D.q); }),
        { renderer: r, color: D.density.colors[i], weight: 4, opacity: 0.9, interactive: false }));
    });
  }

  function densityLegend(D, L_, box) {
    var d = D.density, f = function (v) { return v.toLocaleString(D.locale, { maximumFractionDigits: 1 }); };
    el("div", "tg-legend-sub", L_.density + " (" + d.unit + ", " + L_.bandwidth + " " + f(d.bandwidth_m) + " m)", box);
    d.limits.forEach(function (lim, i) {
      var it = el("div", "tg-legend-item tg-density-item", null, box);
      el("span", "tg-line", null, it).style.background = d.colors[i];
      el("span", null, f(lim[0]) + "–" + f(lim[1]), it);
    });
  }

  function addTrend(D, fg) {  // street segments by pattern over time, one canvas polyline per pattern
    var r = L.canvas({ pane: "tgStreets" });
    D.trend.classes.forEach(function (c) {
      fg.addLayer(L.polyline(c.lines.map(function (a) { return latlngs(a, D.q); }),
        { renderer: r, color: c.color, weight: 5, opacity: 0.9, interactive: false }));
    });
  }

  function trendLegend(D, box) {
    el("div", "tg-legend-sub", D.trend.title, box);
    D.trend.classes.forEach(function (c) {
      var it = el("div", "tg-legend-item tg-trend-item", null, box);
      it.setAttribute("data-pattern", c.key);
      el("span", "tg-line", null, it).style.background = c.color;
      el("span", null, c.label + " (" + c.n + ")", it);
    });
  }

  // From–to month: the incident layers keep the points of the chosen months, the legend counts and each
  // hotspot (its incidents in the chosen months, faded when it has none) follow.
  function addTimeFilter(map, D, pointLayers, byPlace, L_) {
    if (!D.months || D.months.length < 2) return;
    var Filter = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "tg-time leaflet-bar");
        L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
        el("div", "tg-legend-sub", L_.time_filter, box);
        function select(label, cls, value) {
          var lab = el("label", "tg-time-label", label + " ", box), s = el("select", cls, null, lab);
          D.months.forEach(function (m, i) { var o = el("option", null, m, s); o.value = String(i); });
          s.value = String(value);
          return s;
        }
        var from = select(L_.time_from, "tg-time-from", 0), to = select(L_.time_to, "tg-time-to", D.months.length - 1);
        var shown = el("div", "tg-time-shown", null, box);
        function apply() {
          var lo = +from.value, hi = +to.value;
          if (lo > hi) { var t = lo; lo = hi; hi = t; }
          var all = lo === 0 && hi === D.months.length - 1, total = 0;
          pointLayers.forEach(function (layer, i) {
            var n = layer.setRange(all ? null : lo, all ? null : hi);
            total += n;
            var cnt = document.querySelector(".tg-legend .tg-count-" + i);
            if (cnt) cnt.textContent = n.toLocaleString(D.locale);
          });
          byPlace.forEach(function (p) {
            var h = p[0], layer = p[1];
            if (!h.mc) return;
            var n = 0;
            for (var k = lo; k <= hi; k++) n += h.mc[k] || 0;
            h.n_range = all ? undefined : n;
            layer.setStyle({ fillOpacity: n || all ? 0.35 : 0.05, opacity: n || all ? 1 : 0.35 });
            if (layer.getElement()) layer.getElement().setAttribute("data-range-count", String(n));
          });
          shown.textContent = L_.time_shown + ": " + total.toLocaleString(D.locale);
          box.setAttribute("data-shown", String(total));
        }
        L.DomEvent.on(from, "change", apply);
        L.DomEvent.on(to, "change", apply);
        apply();
        return box;
      }
    });
    new Filter().addTo(map);
  }

  function addLegend(map, D, L_) {
    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var outer = el("div", "tg-legend leaflet-bar");
        L.DomEvent.disableClickPropagation(outer); L.DomEvent.disableScrollPropagation(outer);
        var head = el("div", "tg-panel-head", null, outer);
        el("div", "tg-legend-title", L_.legend, head);
        var fold = el("button", "tg-legend-toggle", "\u2212", head);  // collapsible: a short screen
        fold.type = "button"; fold.setAttribute("aria-label", L_.legend);  // keeps the place list clear
        var box = el("div", "tg-legend-body", null, outer);
        outer.tabIndex = 0;  // a region that may scroll: reachable by keyboard (WCAG 2.1.1)
        outer.setAttribute("role", "region"); outer.setAttribute("aria-label", L_.legend);
        function setOpen(open) {
          box.style.display = open ? "" : "none";
          fold.textContent = open ? "\u2212" : "+";
          fold.setAttribute("aria-expanded", open ? "true" : "false");
        }
        L.DomEvent.on(fold, "click", function () { setOpen(box.style.display === "none"); });
        setOpen(window.innerHeight >= 560);
        if (D.rank_scale.length) {
          el("div", "tg-legend-sub", L_.rank_scale, box);
          var row = el("div", "tg-ramp", null, box);
          D.rank_scale.forEach(function (r) {
            var s = el("span", "tg-swatch", String(r[0]), row); paint(s, r[1]);
          });
        }
        if (D.incidents.length) {
          el("div", "tg-legend-sub", L_.incidents, box);
          D.incidents.forEach(function (c) {
            var it = el("div", "tg-legend-item", null, box);
            el("span", "tg-dot", null, it).style.background = c.color;
            var lab = el("span", null, c.label + " (", it);
            el("span", "tg-count tg-count-" + D.incidents.indexOf(c), c.n.toLocaleString(D.locale), lab);
            lab.appendChild(document.createTextNode(")"));
          });
        }
        if (D.cells && D.cells.n.length) {
          var cit = el("div", "tg-legend-item", null, box);
          el("span", "tg-cell", null, cit);
          el("span", null, L_.cells, cit);
        }
        if (D.density && D._groups.density) densityLegend(D, L_, box);
        if (D.trend && D._groups.trend) trendLegend(D, box);
        if (D.observations && D.observations.cat.length) {
          el("div", "tg-legend-sub", L_.observations, box);
          D.obs_categories.forEach(function (c) {
            if (!c.n) return;
            var it = el("div", "tg-legend-item", null, box);
            el("span", "tg-obs-icon", c.symbol, it).style.background = c.color;
            el("span", null, c.label + " (" + c.n + ")", it);
          });
          var counts = {};
          (D.observations.state || []).forEach(function (s) { if (s) counts[s] = (counts[s] || 0) + 1; });
          ["resolved", "positive", "uncertain"].forEach(function (s) {
            if (counts[s]) el("div", "tg-legend-item", L_["obs_state_" + s] + ": " + counts[s], box);
          });
        }
        return outer;
      }
    });
    new Legend().addTo(map);
  }

  function addFooter(map, D) {
    var Footer = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "tg-footer");
        L.DomEvent.disableClickPropagation(box);
        D.footer.forEach(function (line) { el("div", null, line, box); });
        return box;
      }
    });
    new Footer().addTo(map);
  }

  // The vector basemap (water, green, buildings, rail, landmark names): one SVG path per layer in a pane under
  // everything else, so a reader can tell the park from the car park with no tiles.
  var BASE_STYLE = {
    water: { color: "#8fbcd9", weight: 1, fillColor: "#b7d7ec", fillOpacity: 1 },
    green: { stroke: false, fillColor: "#d3e8c4", fillOpacity: 1 },
    buildings: { color: "#c2b8ad", weight: 0.6, fillColor: "#e2dbd3", fillOpacity: 1 },
    rail: { color: "#8a7f8e", weight: 1.6, dashArray: "5 3", fill: false }
  };

  function addBasemap(map, D, G) {
    var renderer = null;
    ["water", "green", "buildings", "rail"].forEach(function (key) {
      var B = D[key];
      if (!B || !G[key]) return;
      if (!renderer) {
        map.createPane("tgBase").style.zIndex = 200;
        map.getPane("tgBase").style.pointerEvents = "none";
        renderer = L.svg({ pane: "tgBase" });
      }
      var style = L.extend({ renderer: renderer, interactive: false, className: "tg-base tg-base-" + key },
                           BASE_STYLE[key]);
      if (B.poly && B.poly.length) G[key].addLayer(L.polygon(polygons(B.poly, D.q), style));
      if (B.lines && B.lines.length) {
        var ls = L.extend({}, style, { fill: false, weight: key === "water" ? 2 : style.weight,
                                       color: key === "water" ? "#8fbcd9" : style.color });
        G[key].addLayer(L.polyline(B.lines.map(function (a) { return latlngs(a, D.q); }), ls));
      }
    });
    var M = D.landmarks;
    if (M && M.name.length) {
      var f = decode(M.xy, D.q);
      M.name.forEach(function (name, i) {
        var fg = G[M.layer[i]];
        if (!fg) return;
        var icon = L.divIcon({ className: "tg-landmark tg-landmark-" + M.layer[i], html: el("span", null, name),
                               iconSize: null });
        fg.addLayer(L.marker([f[2 * i + 1], f[2 * i]], { icon: icon, interactive: false, keyboard: false,
                                                          pane: "tgBase" }));
      });
    }
    if (renderer) map.attributionControl.addAttribution(D.labels["basemap.attribution"]);
  }

  function accessible(map, D) {  // the page's language, zoom allowed (WCAG 1.4.4), the map named
    document.documentElement.lang = (D.locale || "sv").split("-")[0];
    var vp = document.querySelector('meta[name="viewport"]');
    if (vp) vp.setAttribute("content", "width=device-width, initial-scale=1.0");
    var box = map.getContainer();
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", D.title);
  }

  function build(map, D, G) {
    var L_ = D.labels;
    D._groups = G;
    document.title = D.title;
    accessible(map, D);
    map.createPane("tgStreets").style.zIndex = 250;
    map.createPane("tgPoints").style.zIndex = 350;
    map.getPane("tgStreets").style.pointerEvents = "none";
    addBasemap(map, D, G);
    if (D.streets && G.streets) {
      var lines = D.streets.map(function (a) { return latlngs(a, D.q); });
      G.streets.addLayer(L.polyline(lines, { renderer: L.canvas({ pane: "tgStreets" }), color: "#8d949c",
                                            weight: 1.2, opacity: 0.9, interactive: false }));
      map.attributionControl.addAttribution(L_.osm);
    }
    if (D.area && G.area) {
      G.area.addLayer(L.polygon(polygons(D.area, D.q), { fill: false, color: "#333", weight: 2,
                                                          dashArray: "6 5", interactive: false }));
    }
    var heatPts = G.heatmap ? [] : null;
    var pointLayers = addIncidents(map, D, G.incidents, heatPts);
    if (G.cells) addCells(map, D, G.cells, L_, heatPts);
    if (G.heatmap && typeof L.heatLayer === "function") {
      G.heatmap.addLayer(L.heatLayer(heatPts, { radius: 14, blur: 16, minOpacity: 0.3, maxZoom: 17 }));
    }
    if (D.density && G.density) addDensity(D, G.density);
    if (D.trend && G.trend) addTrend(D, G.trend);
    if (G.observations) addObservations(D, G.observations, L_);
    var byPlace = addHotspots(map, D, G.hotspots, L_);
    addPanel(map, D, byPlace, L_);
    addLegend(map, D, L_);
    addFooter(map, D);
    addTimeFilter(map, D, pointLayers, byPlace, L_);
    if (G.layers && map.getSize().x < 700) {  // phones: the layer list folds into its button
      G.layers.options.collapsed = true;
      G.layers.remove(); G.layers.addTo(map);
    }
    // printing lays the page out anew (print stylesheet: A4 landscape), so Leaflet measures the map again
    window.addEventListener("beforeprint", function () { map.invalidateSize({ animate: false }); });
    window.addEventListener("afterprint", function () { map.invalidateSize({ animate: false }); });
    map.getContainer().setAttribute("data-tg-ready", "1");
    return byPlace;
  }

  return { build: build, decode: decode, PointLayer: PointLayer };
})();
