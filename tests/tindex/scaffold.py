"""What the index's cross-checks on random temporal graphs share: the graph loaded into the
empty database with its index read back, and windows drawn near its facts' bounds."""

from __future__ import annotations

import neo4j
from hypothesis import strategies as st

from app.api.params import scope_from
from app.core.config import Settings
from queries.models import TimeScope
from tests.api.temporal_graphs import TemporalGraph, Window, probe_dates, windows
from tests.api.test_crosscheck import load
from tindex.build import read_index
from tindex.index import TemporalIndex


def indexed(driver: neo4j.Driver, settings: Settings, graph: TemporalGraph) -> TemporalIndex:
    """The graph written to the (empty) database, and the index read from it."""
    load(driver, settings.neo4j_database, graph)
    return read_index(driver, settings.neo4j_database, "test")


def draw_window(data: st.DataObject, graph: TemporalGraph) -> tuple[Window, TimeScope]:
    """A window near the graph's dates, and the scope the API makes of it."""
    window = data.draw(windows(probe_dates(graph)), label="window")
    return window, scope_from(None, window.lo.isoformat(), window.hi.isoformat(), None)
