"""Scoring a cohort of bodies, with the rules that depend on other bodies, and ranking.

Some rules give a body the average of other bodies (e.g. a body whose
budget is secret gets the average of all bodies on the indicators it cannot
be assessed on). The cohort is scored in dependency order: first every body
that needs no average, then the averages, then the bodies that use them.
The explanation names the bodies each average came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bagalau.engine import catalog
from bagalau.engine.exact import Exact, divide
from bagalau.engine.inputs import Submission, ValidatedInputs, validate
from bagalau.engine.tables import annotate as annotate_tables
from bagalau.engine.explanations import note, prose, ref, sub
from bagalau.engine.explanations import number_text as _text
from bagalau.i18n import N_
from bagalau.engine.scoring import AppliedPenalty, BodyScore, Scorer, ScoringError



@dataclass
class RankedBody:
    rank: int
    result: BodyScore
    rounded_total: Decimal
    profile: str | None = None


class CohortScorer:
    """Scores bodies of one edition; bodies may belong to different profiles."""

    def __init__(self, methodology_id: str, options: dict[str, str] | None = None):
        self.methodology_id = methodology_id
        self.source = catalog.methodology(methodology_id)
        self.options = options or {}
        self._scorers: dict[str | None, Scorer] = {}
        self.default_profile = next(iter(self.source.profiles), None)
        self.scorer(self.default_profile)  # fail early on bad options

    def scorer(self, profile: str | None) -> Scorer:
        profile = profile or self.default_profile
        if profile not in self._scorers:
            self._scorers[profile] = Scorer(catalog.load(self.methodology_id, profile), self.options)
        return self._scorers[profile]

    def validate(self, submission: Submission) -> ValidatedInputs:
        return validate(self.scorer(submission.profile).compiled, submission)

    def score(self, bodies: list[ValidatedInputs], *, explain: bool = False, period: int | None = None,
              penalties: dict[str, list[AppliedPenalty]] | None = None,
              progress=None) -> list[BodyScore]:
        """Score in dependency order: every body on its own data first (the
        nodes it must average are held out), then the averages, then the
        bodies that take them. ``progress()`` is called once per body scored on its own data."""
        penalties = penalties or {}
        needs = {body.submission.body_id: self._averaged_nodes(body, period) for body in bodies}
        own: dict[str, BodyScore] = {}
        for body in bodies:
            body_id = body.submission.body_id
            held_out = {node_id: (0, note("held_out", N_("takes the cohort average")))
                        for node_id in self._subtrees(body, needs[body_id])}
            own[body_id] = self._score_one(body, explain and not held_out, period, penalties, held_out or None)
            if progress is not None:
                progress()
        touched = {body.submission.body_id: self._touched(body, needs[body.submission.body_id]) for body in bodies}
        results: dict[str, BodyScore] = {}
        averages: dict = {}  # (node, profile) -> the averages, the same for every body that takes them
        for body in bodies:
            body_id = body.submission.body_id
            if not needs[body_id]:
                results[body_id] = own[body_id]
                continue
            overrides = {}
            for node_id in needs[body_id]:
                overrides.update(self._average(node_id, body, bodies, own, touched, period, averages))
            results[body_id] = self._score_one(body, explain, period, penalties, overrides)
            if explain:   # which nodes took an average, and over which bodies (e.g. p.67 part 3)
                nodes = self.scorer(body.submission.profile).compiled.nodes
                results[body_id].explanation["cohort_averages"] = [
                    {"node": node_id, "name": nodes[node_id].node.name.model_dump(exclude_none=True),
                     "paragraph": nodes[node_id].node.cohort_average.paragraph or nodes[node_id].node.paragraph,
                     "bodies": [source["id"] for source in overrides[node_id][1]["bodies"]]}
                    for node_id in needs[body_id]]
        return [results[body.submission.body_id] for body in bodies]

    def _subtrees(self, body: ValidatedInputs, node_ids: list[str]) -> set[str]:
        nodes = self.scorer(body.submission.profile).compiled.nodes
        return {node.id for node_id in node_ids for node in nodes[node_id].node.walk()}

    def _touched(self, body: ValidatedInputs, node_ids: list[str]) -> set[str]:
        """Nodes whose score, for this body, is or contains an average: they
        cannot feed anyone's average."""
        compiled = self.scorer(body.submission.profile).compiled
        touched = self._subtrees(body, node_ids)
        for node_id in node_ids:
            parent = compiled.nodes[node_id].parent
            while parent is not None:
                touched.add(parent)
                parent = compiled.nodes[parent].parent
        return touched

    def _score_one(self, body: ValidatedInputs, explain, period, penalties, overrides=None) -> BodyScore:
        submission = body.submission
        applied = [*body.penalties, *penalties.get(submission.body_id, [])]  # the file's, then a campaign's
        result = self.scorer(submission.profile).score(
            submission.body_id, body.values, explain=explain, period=period or submission.period,
            name=submission.name, penalties=applied or None, overrides=overrides)
        result.profile = submission.profile or self.default_profile
        if explain and body.tables:   # the rows each aggregated input came from
            annotate_tables(result.explanation, body.tables)
        return result

    def _averaged_nodes(self, body: ValidatedInputs, period) -> list[str]:
        scorer = self.scorer(body.submission.profile)
        nodes = scorer.compiled.cohort_nodes
        flags = scorer.conditions([scorer.compiled.nodes[n].cohort_when for n in nodes], body.values, period)
        return [node_id for node_id, flag in zip(nodes, flags) if flag]

    def _average(self, node_id, body, bodies, own, touched, period, cache) -> dict[str, tuple[Exact, dict]]:
        scorer = self.scorer(body.submission.profile)
        compiled = scorer.compiled.nodes[node_id]
        rule = compiled.node.cohort_average
        profile = body.submission.profile or self.default_profile
        key = (node_id, profile if rule.same_profile else None)
        if key in cache:  # a body taking the average never feeds it, so it is the same for all of them
            return cache[key]
        sources = []
        for other in bodies:
            other_id = other.submission.body_id
            other_profile = other.submission.profile or self.default_profile
            if other_id == body.submission.body_id or node_id in touched[other_id]:
                continue  # only scores computed from the body's own data feed an average
            if rule.same_profile and other_profile != profile:
                continue
            other_scorer = self.scorer(other.submission.profile)
            if node_id not in other_scorer.compiled.nodes:
                continue
            if other_scorer.condition(compiled.cohort_over, other.values, period):
                sources.append((other_id, own[other_id].scores[node_id]))
        if not sources:
            raise ScoringError(body.submission.body_id, node_id,
                               f"{rule.meaning}: the node takes the average of other bodies, but no body of the "
                               f"cohort qualifies ({rule.over})")
        # The node and every node under it take the same bodies' average, so
        # the explanation tree stays consistent.
        averages = {}
        for node in compiled.node.walk():
            mean = divide(sum(own[other_id].scores[node.id] for other_id, _ in sources), len(sources))
            reason = prose(rule.meaning) if node.id == node_id else \
                sub(N_("part of {node}, {meaning}"), node=node_id, meaning=prose(rule.meaning))
            averages[node.id] = (mean, {
                **note("cohort_average", N_("{reason}: the average of {count} bodies = {average} ({paragraph})"),
                       reason=reason, count=len(sources), average=_text(scorer.round(mean)),
                       paragraph=ref(rule.paragraph or compiled.node.paragraph)),
                "bodies": [{"id": other_id, "score": _text(own[other_id].scores[node.id])}
                           for other_id, _ in sources]})
        cache[key] = averages
        return averages


def rank(scorer: Scorer, results: list[BodyScore], by_profile: bool = True) -> list[RankedBody]:
    """Order by total, highest first, within each profile (central and local
    bodies are rated separately). Bodies whose totals are equal once rounded
    as the act prints them share a rank (1, 2, 2, 4)."""
    groups: dict[str | None, list[BodyScore]] = {}
    for result in results:
        groups.setdefault(result.profile if by_profile else None, []).append(result)
    ranked: list[RankedBody] = []
    for profile, members in groups.items():
        ordered = sorted(((scorer.round(r.total), r) for r in members), key=lambda pair: (-pair[0], pair[1].body_id))
        group: list[RankedBody] = []
        for position, (total, result) in enumerate(ordered, start=1):
            same = group and group[-1].rounded_total == total
            group.append(RankedBody(rank=group[-1].rank if same else position, result=result,
                                    rounded_total=total, profile=profile))
        ranked += group
    return ranked


def score_cohort(scorer: Scorer, bodies: list[ValidatedInputs], *, explain: bool = False,
                 period: int | None = None) -> list[BodyScore]:
    """Score bodies of a single-profile edition with no cohort rules (kept for
    simple callers; CohortScorer handles profiles and averages)."""
    return [scorer.score(body.submission.body_id, body.values, explain=explain,
                         period=period or body.submission.period, name=body.submission.name)
            for body in bodies]
