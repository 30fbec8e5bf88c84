"""What a coordinator reads: the privacy layer (redaction, the shared/internal export), the self-contained
map (:mod:`trygghet_geo.output.maps`) and the board report (:mod:`trygghet_geo.output.report`).

The modules are imported on first use (folium and matplotlib are slow to import), so this package's
``__init__`` only names them.
"""

from __future__ import annotations

__all__: list[str] = []
