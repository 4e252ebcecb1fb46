"""The live check: every distinct URL fetched politely and judged as an editor would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.live.check import check_live
    from linkwatch.live.options import LiveOptions
    from linkwatch.live.outcome import Checked, LiveRun, Previous
    from linkwatch.live.soft404 import Probe, not_found_wording, probe_evidence, redirect_evidence
    from linkwatch.live.urls import citation_key, doi_of, normalise_url

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.live.check": ("check_live",),
        "linkwatch.live.options": ("LiveOptions",),
        "linkwatch.live.outcome": ("Checked", "LiveRun", "Previous"),
        "linkwatch.live.soft404": (
            "Probe",
            "not_found_wording",
            "probe_evidence",
            "redirect_evidence",
        ),
        "linkwatch.live.urls": ("citation_key", "doi_of", "normalise_url"),
    },
)

__all__ = [
    "Checked",
    "LiveOptions",
    "LiveRun",
    "Previous",
    "Probe",
    "check_live",
    "citation_key",
    "doi_of",
    "normalise_url",
    "not_found_wording",
    "probe_evidence",
    "redirect_evidence",
]
