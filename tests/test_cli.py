"""The command line's own output."""

from __future__ import annotations


def test_summary_says_why_there_are_no_places(capsys) -> None:
    from types import SimpleNamespace

    import pandas as pd

    from trygghet_geo import schema as s
    from trygghet_geo.cli import _print_summary

    def result(edge_ids: list[int]) -> SimpleNamespace:
        inc = pd.DataFrame({s.EDGE_ID: edge_ids})
        return SimpleNamespace(
            incidents=inc, observations=None, left_out={}, hotspots=[], places=pd.DataFrame(), meta={}
        )

    _print_summary(result([-1, -1]))
    assert "ingen händelse kunde placeras på gatunätet" in capsys.readouterr().out
    _print_summary(result([0, 3, 5]))
    assert "inga koncentrationer som sticker ut" in capsys.readouterr().out
