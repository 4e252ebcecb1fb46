"""The live check: every distinct URL fetched politely and judged as an editor would."""

from __future__ import annotations

from linkwatch.live.check import check_live
from linkwatch.live.options import LiveOptions
from linkwatch.live.outcome import Checked, LiveRun, Previous
from linkwatch.live.soft404 import Probe, not_found_wording, probe_evidence, redirect_evidence
from linkwatch.live.urls import citation_key, doi_of, normalise_url

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
