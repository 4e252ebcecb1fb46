"""Calibration of ``linkwatch find``'s score on the generated newsroom (tests/web/newsroom.py).

Generates a calibration split and a held-out split (different seeds), runs find's ranking
on each citation over the captures an index would list (the generated records of the
outlet's hosts in the date range, one capture per page) with the same first pass, fetch
limit and scoring as ``linkwatch find``, and reports top-1 and top-3 accuracy, the
precision of candidates at or above the threshold, and wrong accepts with
``--accept-above THRESHOLD``. With ``--fit``, the logistic weights are fitted on the
calibration split first (plain gradient descent, L2) and printed for ``score.py``.

Usage: .venv/bin/python bench/find_calibration.py [--fit] [--calibrate-seed 20231027]
       [--holdout-seed 20240201] [--splits 6] [--days-per-outlet 3] [--pages-per-day 30]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkwatch.archives.memento import Memento
from linkwatch.compare.text import PageText, page_text
from linkwatch.find import score as scoring
from linkwatch.find.candidates import best_to_accept
from linkwatch.find.index import IndexCapture, page_key
from linkwatch.find.outlets import load_registry
from linkwatch.find.run import plan_find, rank_captures
from linkwatch.find.settings import FindSettings
from tests.web.newsroom import Ground, build_ground

ROOT = "http://archive.invalid/ground/"


def _captures(ground: Ground) -> list[IndexCapture]:
    seen: dict[str, IndexCapture] = {}
    for r in sorted(ground.records, key=lambda r: r.timestamp):
        memento = Memento(f"{ROOT}{r.timestamp}/{r.url}", r.timestamp, 200, "", "text/html")
        seen.setdefault(page_key(r.url) + r.timestamp[:8], IndexCapture(r.url, memento, "g"))
    return list(seen.values())


Samples = list[tuple[dict[str, float], int]]


def evaluate(
    grounds: list[Ground], settings: FindSettings
) -> tuple[dict[str, object], Samples, Samples]:
    """Accuracy figures over ``grounds``; also (features, label) of every fetched capture and
    of every candidate shown (the top ``settings.top`` per citation)."""
    registry = load_registry()
    top1 = top3 = present = 0
    above = above_right = accepted = wrong_accepts = absent_above = 0
    samples: Samples = []
    shown: Samples = []
    bins = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.01]
    reliability = [[0, 0] for _ in bins[:-1]]
    by_style: dict[int, list[int]] = {}
    for ground in grounds:
        bodies = {r.url + r.timestamp: r.body for r in ground.records}
        captures = _captures(ground)
        for gc in ground.citations:
            plan = plan_find([gc.citation], registry, settings.window)[0]
            if plan.skip:
                continue
            assert plan.outlet is not None and plan.start and plan.end
            listed = [
                c
                for c in captures
                if plan.outlet.owns(c.host) and plan.start <= c.memento.when.date() <= plan.end
            ]
            by_page: dict[str, IndexCapture] = {}
            for c in listed:
                by_page.setdefault(page_key(c.original), c)
            clues = scoring.clues_for(gc.citation)
            seen: dict[str, dict[str, float]] = {}

            async def fetch(
                cap: IndexCapture,
                clues: scoring.Clues = clues,
                cited: str = gc.cited_url,
                bodies: dict[str, bytes] = bodies,
                seen: dict[str, dict[str, float]] = seen,
            ) -> PageText | None:
                body = bodies[cap.original + cap.memento.timestamp]
                page = page_text(body, "text/html; charset=utf-8")
                values, _ = scoring.features(clues, cap.original, page)
                seen[cap.original] = values
                samples.append((values, int(cap.original == cited)))
                return page

            candidates, _ = asyncio.run(
                rank_captures(plan, list(by_page.values()), fetch, settings)
            )
            urls = [c.url for c in candidates]
            shown += [(seen[c.url], int(c.url == gc.cited_url)) for c in candidates]
            for c in candidates:
                slot = next(i for i in range(len(bins) - 1) if c.score < bins[i + 1])
                reliability[slot][0] += 1
                reliability[slot][1] += c.url == gc.cited_url
            if gc.cited_url:
                style = by_style.setdefault(gc.style, [0, 0])
                style[0] += 1
                style[1] += bool(urls[:1] == [gc.cited_url])
                present += 1
                top1 += bool(urls[:1] == [gc.cited_url])
                top3 += gc.cited_url in urls[:3]
            if candidates and candidates[0].score >= scoring.THRESHOLD:
                above += 1
                above_right += candidates[0].url == gc.cited_url
                absent_above += not gc.cited_url
            best = best_to_accept(candidates, scoring.THRESHOLD, scoring.ACCEPT_MARGIN)
            if best is not None:
                accepted += 1
                wrong_accepts += best.url != gc.cited_url
    total = sum(len(g.citations) for g in grounds)
    return (
        {
            "citations": total,
            "page in archive": present,
            "top-1": top1 / present if present else 0.0,
            "top-3": top3 / present if present else 0.0,
            "best at or above threshold": above,
            "precision at threshold": above_right / above if above else 1.0,
            "page absent but best at or above threshold": absent_above,
            "accepted": accepted,
            "wrong accepts": wrong_accepts,
            **{
                f"candidates scoring {bins[i]:.1f}-{min(bins[i + 1], 1.0):.1f}, the cited page": (
                    f"{right}/{n}"
                )
                for i, (n, right) in enumerate(reliability)
            },
            **{
                f"top-1 for citation style {s} (see citation_context)": f"{right}/{n}"
                for s, (n, right) in sorted(by_style.items())
            },
        },
        samples,
        shown,
    )


def fit(
    samples: Samples, steps: int = 4000, names: list[str] | None = None
) -> tuple[dict[str, float], float]:
    """Logistic regression by batch gradient descent with a light L2 penalty."""
    names = names or list(scoring.WEIGHTS)
    w = dict.fromkeys(names, 0.0)
    b = 0.0
    rate, l2, n = 0.5, 1e-3, len(samples)
    for _ in range(steps):
        grad = dict.fromkeys(names, 0.0)
        gb = 0.0
        for values, label in samples:
            z = b + sum(w[k] * values[k] for k in names)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            err = p - label
            gb += err
            for k in names:
                grad[k] += err * values[k]
        for k in names:
            w[k] -= rate * (grad[k] / n + l2 * w[k])
        b -= rate * gb / n
    return dict(w), b


def linear(values: dict[str, float]) -> float:
    """The score's linear predictor (before the logistic) with the current weights."""
    return scoring.INTERCEPT + sum(scoring.WEIGHTS[k] * values.get(k, 0.0) for k in scoring.WEIGHTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--calibrate-seed", type=int, default=20231027)
    parser.add_argument("--holdout-seed", type=int, default=20240201)
    parser.add_argument("--splits", type=int, default=6, help="Grounds per split.")
    parser.add_argument("--days-per-outlet", type=int, default=3)
    parser.add_argument("--pages-per-day", type=int, default=30)
    args = parser.parse_args()
    settings = FindSettings()
    shape = {"days_per_outlet": args.days_per_outlet, "pages_per_day": args.pages_per_day}
    calibrate = [build_ground(args.calibrate_seed + i, **shape) for i in range(args.splits)]
    holdout = [build_ground(args.holdout_seed + i, **shape) for i in range(args.splits)]
    if args.fit:
        # Every capture in each citation's window is a sample, not only those the first
        # pass would fetch, so pages dated other days are represented too.
        wide = dataclasses.replace(settings, fetch_limit=10_000)
        _, samples, _ = evaluate(calibrate, wide)
        weights, intercept = fit(samples)
        scoring.WEIGHTS.update(weights)
        scoring.INTERCEPT = intercept
        # Then Platt scaling on the candidates a person is shown (the top three of each
        # citation), so a score reads as the chance that candidate is the cited page.
        _, _, shown = evaluate(calibrate, settings)
        scale, shift = fit([({"z": linear(v)}, y) for v, y in shown], names=["z"])
        scoring.WEIGHTS.update({k: round(v * scale["z"], 2) for k, v in scoring.WEIGHTS.items()})
        scoring.INTERCEPT = round(intercept * scale["z"] + shift, 2)
        print(f"fitted on {len(samples)} captures, scaled on {len(shown)} shown candidates:")
        print(f"WEIGHTS = {scoring.WEIGHTS}")
        print(f"INTERCEPT = {scoring.INTERCEPT}")
        chosen = scoring.THRESHOLD
        for threshold in [t / 20 for t in range(4, 20)]:
            scoring.THRESHOLD = threshold
            figures, _, _ = evaluate(calibrate, settings)
            print(
                f"  threshold {threshold:.2f}: precision {figures['precision at threshold']:.3f}"
                f" over {figures['best at or above threshold']} citations"
            )
        scoring.THRESHOLD = chosen
    for label, grounds in (("calibration", calibrate), ("held-out", holdout)):
        figures, _, _ = evaluate(grounds, settings)
        print(f"{label} split:")
        for key, value in figures.items():
            print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")


if __name__ == "__main__":
    main()
