"""``linkwatch find``: candidate source pages for unlinked citations, from web-archive indexes.

The stage reads citations.csv, looks each unlinked citation's outlet up in the registry
(:mod:`linkwatch.find.outlets`), asks archive indexes for the outlet's pages around the
citation date (:mod:`linkwatch.find.index`), scores the likeliest captures against the
citation (:mod:`linkwatch.find.score`) and writes candidates.csv
(:mod:`linkwatch.find.candidates`); :mod:`linkwatch.find.run` ties them together.
"""

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.find.candidates import Candidate, read_candidates
    from linkwatch.find.outlets import Outlet, OutletRegistry, load_registry
    from linkwatch.find.run import FindOutcome, Plan, plan_find, run_find
    from linkwatch.find.score import THRESHOLD, judge_page
    from linkwatch.find.settings import FindSettings

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.find.candidates": ("Candidate", "read_candidates"),
        "linkwatch.find.outlets": ("Outlet", "OutletRegistry", "load_registry"),
        "linkwatch.find.run": ("FindOutcome", "Plan", "plan_find", "run_find"),
        "linkwatch.find.settings": ("FindSettings",),
        "linkwatch.find.score": ("THRESHOLD", "judge_page"),
    },
)

__all__ = [
    "THRESHOLD",
    "Candidate",
    "FindOutcome",
    "FindSettings",
    "Outlet",
    "OutletRegistry",
    "Plan",
    "judge_page",
    "load_registry",
    "plan_find",
    "read_candidates",
    "run_find",
]
