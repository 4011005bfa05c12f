"""Scoring a cohort of bodies and ranking them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .inputs import ValidatedInputs
from .scoring import BodyScore, Scorer


@dataclass
class RankedBody:
    rank: int
    result: BodyScore
    rounded_total: Decimal


def score_cohort(scorer: Scorer, bodies: list[ValidatedInputs], *, explain: bool = False,
                 period: int | None = None) -> list[BodyScore]:
    return [scorer.score(body.submission.body_id, body.values, explain=explain,
                         period=period or body.submission.period, name=body.submission.name)
            for body in bodies]


def rank(scorer: Scorer, results: list[BodyScore]) -> list[RankedBody]:
    """Order by total, highest first. Bodies whose totals are equal once
    rounded as the act prints them share a rank (1, 2, 2, 4)."""
    rounded = sorted(((scorer.round(r.total), r) for r in results), key=lambda pair: (-pair[0], pair[1].body_id))
    ranked: list[RankedBody] = []
    for position, (total, result) in enumerate(rounded, start=1):
        same = ranked and ranked[-1].rounded_total == total
        ranked.append(RankedBody(rank=ranked[-1].rank if same else position, result=result, rounded_total=total))
    return ranked
