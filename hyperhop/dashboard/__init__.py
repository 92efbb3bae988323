"""A live, read-only web dashboard over any storage (``hyperhop dashboard``).

Needs the ``dashboard`` extra (``pip install 'hyperhop[dashboard]'``) for plotly.js, which
ships inside the ``plotly`` Python package, so the pages work offline; the server itself is
the standard library's.
"""

from __future__ import annotations

from hyperhop.dashboard.data import StudyView
from hyperhop.dashboard.server import DashboardServer, make_server, serve

__all__ = ["DashboardServer", "StudyView", "make_server", "serve"]
