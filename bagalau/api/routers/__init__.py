"""One router per resource, mounted under /api/v1 in this order."""

from __future__ import annotations

from . import audit, auth, bodies, campaigns, methodologies, objections, plans, runs, submissions, tokens, users, \
    verification

ROUTERS = [auth.router, tokens.router, users.router, methodologies.router, bodies.router, campaigns.router,
           submissions.router, verification.router, runs.router, runs.jobs_router, objections.router, plans.router,
           audit.router]
