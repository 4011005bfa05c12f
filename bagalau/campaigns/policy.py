"""Who may do what: the one access policy of Bagalau.

The campaign steps check it before they change anything, and the API, the web
pages and the command line ask it before they show anything. Nothing else
decides access.

Roles (``users.role``):

* ``administrator``: accounts, tokens, the registry, the audit log; reads
  everything; takes no step of an assessment;
* ``methodologist``: creates campaigns; reads every campaign;
* ``evaluator`` (per campaign): acts in a campaign whose evaluating body is
  theirs, or in which they are assigned to evaluate a body;
* ``commission`` member (per objection): considers the objections of a body
  whose special commission they sit on; a member who took part in evaluating
  that body is refused (2012 §107, 001 ¶102/¶108, 002 ¶118);
* ``body`` officer (per body): submits, objects and plans for their own body,
  and sees only their own body's data until the rating is final;
* ``observer``, and the public without an account: final ratings and the
  published explanations of final runs, the acts and the registry.

``PERMISSIONS`` is the table: for each action, the roles that may take it and
how far (``Scope``). ``check`` raises ``AccessDenied``; its ``hidden`` flag
says the refusal concerns another body's resource, which an interface must
answer as if it did not exist (HTTP 404), so nobody learns what another body
has; other refusals are plain (HTTP 403).

A resource named by its number (an objection) is first looked up with
``visible``: to a caller who may not see it, it does not exist, in the same
words as a number that exists nowhere (404), and the public is asked to sign
in whatever the number (401). Only a caller who may see it learns that they
may not act on it (403): e.g. a methodologist, or an evaluator not on the
body's commission, deciding an objection. So neither the officer of another
body nor a commission member of another body's objection, an evaluator of
another campaign, an observer or the public learns which objections exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store.models import (
    Campaign,
    Commission,
    CommissionMember,
    EvaluatorAssignment,
    Fact,
    User,
)

from .state import CampaignError, NotFound

FINAL_STATES = ("final", "post_audit")
PUBLIC_ROLE = "public"


class Scope(Enum):
    ANY = "any"                   # everything of its kind
    CAMPAIGN = "campaign"         # an evaluator of the campaign
    OWN_BODY = "own body"         # the body officer's own body
    COMMISSION = "commission"     # a member of the body's special commission in the campaign
    SELF = "self"                 # the user's own account


@dataclass(frozen=True)
class Permission:
    doing: str                                     # for messages: "<who> may not <doing>"
    roles: dict[str, Scope]
    public: bool = False                           # anyone, without an account
    public_when_final: bool = False                # anyone, once the campaign is final
    body_data: bool = False                        # concerns one body's data: refusals are hidden


STAFF_READ = {"administrator": Scope.ANY, "methodologist": Scope.ANY, "evaluator": Scope.CAMPAIGN,
              "commission": Scope.COMMISSION, "body": Scope.OWN_BODY}
EVERYONE = {role: Scope.ANY for role in ("administrator", "methodologist", "evaluator", "commission", "body",
                                         "observer")}
EVALUATOR = {"evaluator": Scope.CAMPAIGN}

PERMISSIONS: dict[str, Permission] = {
    # the acts, the registry and the campaigns' public facts
    "methodology.read": Permission("read the methodologies", EVERYONE, public=True),
    "body.read": Permission("read the registry of bodies", EVERYONE, public=True),
    "campaign.read": Permission("see a campaign", EVERYONE, public=True),
    # administration
    "body.import": Permission("import the registry of bodies", {"administrator": Scope.ANY}),
    "user.manage": Permission("manage user accounts", {"administrator": Scope.ANY}),
    "token.manage": Permission("manage API tokens", {**{r: Scope.SELF for r in EVERYONE},
                                                     "administrator": Scope.ANY}),
    "audit.read": Permission("read the audit log", {"administrator": Scope.ANY, "methodologist": Scope.ANY,
                                                    "evaluator": Scope.CAMPAIGN}),
    "job.read": Permission("see a job", {**{r: Scope.SELF for r in EVERYONE}, "administrator": Scope.ANY}),
    # the lifecycle
    "campaign.create": Permission("create a campaign", {"methodologist": Scope.ANY, "evaluator": Scope.ANY}),
    "campaign.open": Permission("open submissions", EVALUATOR),
    "campaign.close": Permission("close submissions", EVALUATOR),
    "submission.write": Permission("submit a report", {"body": Scope.OWN_BODY, "evaluator": Scope.CAMPAIGN},
                                   body_data=True),
    "submission.read": Permission("see a body's reports", STAFF_READ, body_data=True),
    "report.flag": Permission("flag a report", EVALUATOR),
    "fact.write": Permission("record an unreliable fact", EVALUATOR),
    "fact.read": Permission("see the unreliable facts", STAFF_READ, body_data=True),
    "reconciliation.write": Permission("reconcile reports with extracts and decide the proposed facts", EVALUATOR),
    "reconciliation.read": Permission("see the reconciliation acts", STAFF_READ, body_data=True),
    "evidence.upload": Permission("attach evidence", {"evaluator": Scope.CAMPAIGN, "body": Scope.OWN_BODY},
                                  body_data=True),
    "evidence.read": Permission("read evidence", STAFF_READ, body_data=True),
    "scoring.run": Permission("run scoring", EVALUATOR),
    "scores.read": Permission("see a body's scores", STAFF_READ, public_when_final=True, body_data=True),
    "explanation.read": Permission("see a body's explanation", STAFF_READ, public_when_final=True,
                                   body_data=True),
    "rating.read": Permission("see the rating", {"administrator": Scope.ANY, "methodologist": Scope.ANY,
                                                 "evaluator": Scope.CAMPAIGN}, public_when_final=True),
    "conclusion.send": Permission("send draft conclusions", EVALUATOR),
    "conclusion.read": Permission("see a body's conclusions", STAFF_READ, body_data=True),
    "objection.file": Permission("file an objection", {"body": Scope.OWN_BODY}, body_data=True),
    "objection.read": Permission("see a body's objections", STAFF_READ, body_data=True),
    "commission.appoint": Permission("appoint a commission", EVALUATOR),
    "objection.decide": Permission("decide an objection", {"commission": Scope.COMMISSION,
                                                           "evaluator": Scope.COMMISSION}, body_data=True),
    "objection.preview": Permission("preview a decision", {"commission": Scope.COMMISSION,
                                                           "evaluator": Scope.CAMPAIGN}, body_data=True),
    "campaign.finalise": Permission("finalise a campaign", EVALUATOR),
    "plan.write": Permission("record an improvement plan", {"body": Scope.OWN_BODY, "evaluator": Scope.CAMPAIGN},
                             body_data=True),
    "plan.read": Permission("see a body's improvement plan", STAFF_READ, body_data=True),
    "postaudit.check": Permission("check a plan", EVALUATOR),
}


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or the public (no account)."""

    name: str
    role: str
    body: str | None = None
    user_id: int | None = None

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(user.name, user.role, user.body_code, user.id)


PUBLIC = Actor("public", PUBLIC_ROLE)


class AccessDenied(CampaignError):
    """Not allowed. ``hidden``: the refusal is about another body's resource, to be
    answered as "not found"; ``unauthenticated``: an account would be needed."""

    def __init__(self, message: str, *, hidden: bool = False, unauthenticated: bool = False, action: str = ""):
        super().__init__(message)
        self.message, self.hidden, self.unauthenticated, self.action = message, hidden, unauthenticated, action


def actor_of(session: Session, who: "Actor | User | str | None") -> Actor:
    if who is None:
        return PUBLIC
    if isinstance(who, Actor):
        return who
    if isinstance(who, User):
        return Actor.of(who)
    user = session.execute(select(User).where(User.name == who)).scalar_one_or_none()
    if user is None:
        raise CampaignError(f"unknown user '{who}'; add one with `bagalau users add NAME --role ROLE`")
    if not user.active:
        raise AccessDenied(f"the account of {who} is disabled", action="")
    return Actor.of(user)


def check(session: Session, who: "Actor | User | str | None", action: str, *, campaign: Campaign | None = None,
          body: str | None = None, owner: str | None = None) -> Actor:
    """Raise ``AccessDenied`` unless ``who`` may take ``action`` (on ``campaign``,
    for ``body``; ``owner`` names the user a SELF-scoped thing belongs to)."""
    permission = PERMISSIONS[action]
    actor = actor_of(session, who)
    if permission.public or (permission.public_when_final and campaign is not None
                             and campaign.state in FINAL_STATES):
        return actor
    scope = permission.roles.get(actor.role)
    if scope is None:
        if not actor.authenticated:
            raise AccessDenied(f"sign in to {permission.doing}", unauthenticated=True, action=action)
        only = ", ".join(permission.roles)
        raise AccessDenied(f"{actor.name} ({actor.role}) may not {permission.doing}; only: {only}",
                           hidden=permission.body_data and actor.role == "body" and body not in (None, actor.body),
                           action=action)
    refusal = _out_of_scope(session, actor, scope, permission, campaign, body, owner)
    if refusal is not None:
        raise AccessDenied(refusal[0], hidden=refusal[1], action=action)
    return actor


def needs_account(session: Session, who, action: str, campaign: Campaign | None = None) -> None:
    """Ask the public to sign in (``AccessDenied``, unauthenticated) for an action it may never take here,
    before anything is looked up, so that the answer is the same whether the thing exists or not."""
    permission = PERMISSIONS[action]
    if actor_of(session, who).authenticated or permission.public or (
            permission.public_when_final and campaign is not None and campaign.state in FINAL_STATES):
        return
    raise AccessDenied(f"sign in to {permission.doing}", unauthenticated=True, action=action)


def visible(session: Session, who, action: str, *, campaign: Campaign, body: str | None, missing: str) -> None:
    """``NotFound(missing)`` unless ``who`` may take the read ``action`` (may see the thing): ``missing`` is
    what a number that exists nowhere is told, word for word, so a refusal here reveals nothing."""
    if not allowed(session, who, action, campaign=campaign, body=body):
        raise NotFound(missing)


def allowed(session: Session, who, action: str, **scope) -> bool:
    try:
        check(session, who, action, **scope)
    except AccessDenied:
        return False
    return True


def _out_of_scope(session: Session, actor: Actor, scope: Scope, permission: Permission, campaign: Campaign | None,
                  body: str | None, owner: str | None) -> tuple[str, bool] | None:
    """Why ``actor`` is out of the scope (message, hidden), or None."""
    if scope is Scope.ANY:
        return None
    if scope is Scope.SELF:
        if owner is not None and owner != actor.name:
            return f"{actor.name} may not {permission.doing} of another user", True
        return None
    if scope is Scope.OWN_BODY:
        if body is None:
            return f"{actor.name} speaks for body '{actor.body}' and may only {permission.doing} for it", False
        if body != actor.body:
            return (f"{actor.name} speaks for body '{actor.body}' and may not {permission.doing} for '{body}'",
                    permission.body_data)
        return None
    if scope is Scope.CAMPAIGN:
        if campaign is None:
            return f"{actor.name} may {permission.doing} only in a campaign they evaluate", False
        if not evaluates(session, actor, campaign):
            return f"{actor.name} is not an evaluator of campaign '{campaign.name}'", False
        return None
    # Scope.COMMISSION
    if campaign is None or body is None:
        return f"{actor.name} may {permission.doing} only as a member of a body's commission", False
    if not sits_on_commission(session, actor, campaign, body):
        # plain 403: the member is the evaluator's staff, not another body (only bodies are kept from
        # learning what other bodies have)
        return f"{actor.name} is not a member of the commission for '{body}'", False
    conflict = evaluated_by(session, campaign, body).get(actor.name)
    if conflict:
        return _section_107(actor.name, body, conflict), False
    return None


# --- the facts the scopes rest on --------------------------------------------------------

def evaluates(session: Session, actor: Actor, campaign: Campaign) -> bool:
    """An evaluator of the campaign: of its evaluating body, or assigned to one of its bodies."""
    if actor.role != "evaluator":
        return False
    if actor.body is not None and actor.body == campaign.evaluator_code:
        return True
    return session.execute(select(EvaluatorAssignment.user_id).where(
        EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.user_id == actor.user_id)
        .limit(1)).first() is not None


def sits_on_commission(session: Session, actor: Actor, campaign: Campaign, body: str) -> bool:
    return session.execute(select(CommissionMember.user_id).join(
        Commission, Commission.id == CommissionMember.commission_id).where(
        Commission.campaign_id == campaign.id, Commission.body_code == body,
        CommissionMember.user_id == actor.user_id).limit(1)).first() is not None


def commission_bodies(session: Session, actor: Actor, campaign: Campaign) -> set[str]:
    return set(session.execute(select(Commission.body_code).join(
        CommissionMember, Commission.id == CommissionMember.commission_id).where(
        Commission.campaign_id == campaign.id, CommissionMember.user_id == actor.user_id)).scalars())


def evaluated_by(session: Session, campaign: Campaign, body: str) -> dict[str, str]:
    """Users who took part in evaluating ``body``: name -> how (2012 §107)."""
    found: dict[str, str] = {}
    for user in session.execute(select(User).join(EvaluatorAssignment, EvaluatorAssignment.user_id == User.id).where(
            EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.body_code == body)).scalars():
        found[user.name] = "assigned to evaluate it"
    for fact in session.execute(select(Fact).where(Fact.campaign_id == campaign.id, Fact.body_code == body)).scalars():
        found.setdefault(fact.recorded_by, f"recorded unreliable fact #{fact.id}")
    return found


def _section_107(name: str, body: str, how: str) -> str:
    return (f"{name} may not sit on the commission for '{body}': they took part in evaluating that body ({how}) "
            "— 2012 §107")


def check_commission_member(session: Session, user: User, campaign: Campaign, body: str) -> None:
    """May ``user`` be appointed to the special commission for ``body``? Its members
    are the evaluator's staff, and none of them took part in evaluating the body (§107)."""
    if user.role not in ("commission", "evaluator"):
        raise AccessDenied(f"{user.name} ({user.role}) cannot sit on a commission; its members are the "
                           "evaluator's staff (roles commission or evaluator)", action="commission.appoint")
    conflict = evaluated_by(session, campaign, body).get(user.name)
    if conflict:
        raise AccessDenied(_section_107(user.name, body, conflict), action="commission.appoint")


def visible_bodies(session: Session, who, action: str, campaign: Campaign) -> set[str] | None:
    """The bodies of ``campaign`` whose data ``who`` may see for ``action``: None
    means all of them."""
    actor = actor_of(session, who)
    permission = PERMISSIONS[action]
    if permission.public or (permission.public_when_final and campaign.state in FINAL_STATES):
        return None
    scope = permission.roles.get(actor.role)
    if scope is Scope.ANY or (scope is Scope.CAMPAIGN and evaluates(session, actor, campaign)):
        return None
    if scope is Scope.OWN_BODY:
        return {actor.body} if actor.body else set()
    if scope is Scope.COMMISSION:
        return commission_bodies(session, actor, campaign)
    return set()
