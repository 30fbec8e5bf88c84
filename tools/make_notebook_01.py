"""Write notebooks/01_kom_igang.ipynb from the cells below (kept as code so diffs stay readable)."""

from pathlib import Path

import nbformat as nbf

CELLS = [
    (
        "md",
        """# Kom igång med trygghet_geo

En första timme med verktyget på det medföljande exemplet: **centrala Helsingfors verkliga gatunät**
(OpenStreetMap, © OpenStreetMap contributors, ODbL) med **syntetiska** händelser och synpunkter från
trygghetsvandringar. Inget i exemplet beskriver verkliga händelser.

Stegen: läsa in → geokoda platstext → klustra längs gatorna (DBSCAN på nätverksavstånd) → hotspots →
rangordna platser → karta.""",
    ),
    (
        "code",
        """import trygghet_geo as tg
from trygghet_geo import sample

tg.options.progress = False  # no progress bars in the executed notebook
paths = sample.write_raw("../data/raw")
paths""",
    ),
    (
        "md",
        """## 1. Läs in filerna som en användare har dem
Händelserna är en CSV med `;` och decimalkomma, synpunkterna en Excel-fil. Varje rad får `status` och,
när något är fel, en `reason` — ingen rad försvinner.""",
    ),
    (
        "code",
        """incidents = tg.read_incidents(paths["incidents"])
observations = tg.read_observations(paths["observations"])
print(len(incidents), "händelser,", len(observations), "synpunkter")
columns = ["category", "raw_category", "occurred_at", "place_text", "precision", "status", "reason"]
incidents[columns].head()""",
    ),
    ("code", """incidents["status"].value_counts()"""),
    (
        "md",
        """## 2. Geokoda platstext offline
Gazetteeren byggs från samma OSM-data som gatunätet. Inget skickas över nätet.""",
    ),
    (
        "code",
        """from trygghet_geo.geocode import geocode

network = sample.load_network()
gazetteer = sample.load_gazetteer()
geocoded = geocode(incidents, gazetteer=gazetteer)
geocoded["geocode_method"].value_counts()""",
    ),
    (
        "md",
        """## 3. Klustra längs gatorna
`NetworkDBSCAN` följer scikit-learns konventioner; `eps_m` är avståndet **längs gatorna** i meter.""",
    ),
    (
        "code",
        """from trygghet_geo import schema

usable = geocoded[(geocoded["status"] == "ok") & geocoded["precision"].isin(list(schema.STREET_PRECISION))]
points = usable.to_crs(network.crs)
model = tg.NetworkDBSCAN(eps_m=100, min_samples=5, network=network).fit(points)
labels = model.labels_
print("kluster:", labels.max() + 1, " brus:", (labels == -1).sum(), "av", len(labels))""",
    ),
    (
        "md",
        """Med 100 m och 5 händelser blir nästan hela centrum *ett* kluster: exemplet är en tät stadskärna
(~1 750 händelser om året). `suggest_parameters` väljer i stället inställningarna ur data: hur många
händelser som väntas inom eps längs gatorna om de låg slumpvis, och hur många som krävs för att slumpen
sällan ska räcka. Varje händelse vägs efter hur mycket gata som omger den (ett torg med många gångvägar
får fler händelser bara för att där finns mer gata).""",
    ),
    (
        "code",
        """snap = model.snap_
params = tg.suggest_parameters(snap["edge_id"], snap["edge_offset_m"], network)
print(params.explain())
weight = params.sample_weight(network, snap["edge_id"], snap["edge_offset_m"])
model = tg.NetworkDBSCAN(eps_m=params.eps_m, min_samples=params.min_samples, network=network)
model.fit(points, sample_weight=weight)
print("kluster:", model.labels_.max() + 1, " brus:", (model.labels_ == -1).sum())""",
    ),
    (
        "md",
        """## 4. Hela flödet i ett anrop
`analyze` gör allt ovan (med samma val av inställningar) och lägger till hotspots, Monte Carlo-signifikans,
stabilitet, rangordning och kartan.""",
    ),
    (
        "code",
        """result = tg.analyze(
    paths["incidents"], paths["observations"], network=network, gazetteer=gazetteer, n_simulations=19,
    synthetic=True, source_note=sample.SOURCE_NOTE, study_area=paths["area"],
)
result.left_out""",
    ),
    (
        "code",
        """columns = ["rank", "name", "score", "p_value", "significant", "stability", "reason"]
result.places[columns].head()""",
    ),
    (
        "md",
        """## 5. Kartan
`to_map()` ger en `folium.Map` som visas direkt i notebooken; `to_html()` skriver en fil att skicka med
e-post (delningsläge `"shared"` som standard).""",
    ),
    (
        "code",
        """m = result.to_map(privacy="internal")
m""",
    ),
]


def main() -> None:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src) for kind, src in CELLS
    ]
    out = Path(__file__).resolve().parents[1] / "notebooks" / "01_kom_igang.ipynb"
    nbf.write(nb, out)
    print(out)


if __name__ == "__main__":
    main()
