"""Share a study: one self-contained HTML report, and tables for notebooks.

``write_report(study, "report.html")`` (or ``hyperhop report --storage URL --study NAME
-o report.html``) writes one file that opens without a network: the summary, the best
trials, the plots as inline PNG images and the parameter importances.
"""

from __future__ import annotations

from hyperhop.report.html import report_html, write_report

__all__ = ["report_html", "write_report"]
