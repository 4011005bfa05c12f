"""Assessment campaigns: the lifecycle as explicit state transitions.

A campaign is one methodology edition, one reporting period, one evaluator
and a set of evaluated bodies. Its states, in order::

    created → submissions → verification → scored → drafts_sent
            → objections → commission → final → post_audit

Each function below is one step. It checks the campaign's state and the
actor's role, does its work in the caller's session, writes an audit entry
for every change in that same session, and never commits: the caller
(``store.transaction``) commits the step as a whole or not at all.
Forbidden steps raise ``CampaignError`` with a message saying why and what
to do instead; a concurrent change raises ``ConflictError``.

Rules taken from the acts (2012 = order № 457, spec 000):

* the schedule's fixed deadlines come from the definition's ``schedule``
  (2012: conclusions 1 June §9, corrected conclusions 15 June §10, the
  akim's report 25 July §11, all of the year after the reporting year);
* an unreliable fact names the input, the reported and the verified value
  and the document. Where the penalty rule ``replaces_value`` (2012 §105)
  the score is recalculated with the verified value and no points are
  taken per fact; where it gives points (001 ¶97–99, 002 ¶15) they are
  taken as the rule says, and a verified value, when given, also replaces
  the reported one (001 ¶94);
* objections: 2012 sets no deadline for them (spec 000, A20). The campaign
  setting ``objection_working_days`` (default 5) counts working days on the
  Kazakhstan calendar from the day the draft conclusions were sent — the
  same five working days 001 ¶106 and 002 ¶115 give;
* re-verification after the commission's decision: the window is the
  edition's schedule entry ``reverification`` (2012 §104: five working days
  after the appeal is considered), not a setting; each decision records its
  due day as ``reverification_due`` (none where the act sets no window);
* the special commission may not include staff who took part in
  evaluating that body (2012 §107, 001 ¶102/¶108, 002 ¶118);
* a commission decision that changes inputs or facts triggers a rescore as
  a new, immutable scoring run;
* nothing that holds a result or a decision is changed in place: a
  correction is a new row that supersedes (a fact's removal, an
  objection's decision, a plan action's check), and finalising stores a
  signed checkpoint of the audit chain with the final rating;
* after final, submissions cannot change; the improvement plan (2012
  §109–110) is checked in the next campaign (§108, §111) and its results
  go into that campaign's conclusions as "post-audit results" (§112, A22).

Who may take each step is decided by ``policy``, the one access policy of
the API, the web pages and the command line.

One module per stage: ``state`` (states, errors, audit helpers), ``users``, ``policy``,
``schedule``, ``submissions``, ``verification``, ``reconciliation`` (reports
against source-system extracts: proposed facts an evaluator confirms or
dismisses), ``runs``, ``conclusions``,
``objections``, ``rating``, ``postaudit`` and ``lifecycle``; ``integrity``
holds the checks of ``bagalau audit verify`` (ratings recomputed from the
stored runs); ``registry``
keeps the bodies and ``workdays`` the Kazakhstan calendar. The names below
are the campaigns' API.
"""

from __future__ import annotations

from .conclusions import send_draft_conclusions
from .lifecycle import NEXT_STEP, advance, status
from .objections import (
                          appoint_commission,
                          decide_objection,
                          file_objection,
)
from .policy import AccessDenied, Actor, evaluated_by
from .postaudit import check_post_audit, post_audit_results, record_improvement_plan
from .rating import RatingRow, final_anchor, finalise, publish_rating, rating, rating_document
from .runs import latest_run, run_scoring
from .schedule import create_campaign, get_campaign, open_submissions, schedule
from .state import (
                          DEFAULT_SETTINGS,
                          PLAN_STATUSES,
                          STATES,
                          CampaignError,
                          ConflictError,
                          NotFound,
                          jsonable,
)
from .submissions import (
                          close_submissions,
                          flag_incomplete,
                          flag_reports,
                          latest_submission,
                          read_submission,
                          submit,
)
from .users import add_user, get_user
from .reconciliation import DerivedInputs, decide_finding, finding_status, open_reconciliation, reconciliation_acts
from .verification import active_facts, add_fact, direction_of

__all__ = [
    "STATES",
    "DEFAULT_SETTINGS",
    "PLAN_STATUSES",
    "CampaignError",
    "ConflictError",
    "NotFound",
    "AccessDenied",
    "Actor",
    "jsonable",
    "add_user",
    "get_user",
    "get_campaign",
    "create_campaign",
    "schedule",
    "open_submissions",
    "latest_submission",
    "read_submission",
    "submit",
    "close_submissions",
    "flag_reports",
    "flag_incomplete",
    "direction_of",
    "add_fact",
    "active_facts",
    "DerivedInputs",
    "open_reconciliation",
    "decide_finding",
    "finding_status",
    "reconciliation_acts",
    "run_scoring",
    "latest_run",
    "send_draft_conclusions",
    "file_objection",
    "evaluated_by",
    "appoint_commission",
    "decide_objection",
    "finalise",
    "final_anchor",
    "RatingRow",
    "rating",
    "rating_document",
    "publish_rating",
    "record_improvement_plan",
    "check_post_audit",
    "post_audit_results",
    "status",
    "NEXT_STEP",
    "advance",
]
