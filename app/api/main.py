"""Gathers the routers."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import (
    actors,
    analytics,
    events,
    graph,
    health,
    loads,
    paths,
    problems,
    relationships,
    timeslider,
)

# Included straight into the app: every level of router nesting is matched anew on each
# request, which cost a measurable share of a fast query's answer.
ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    actors.router,
    relationships.router,
    events.router,
    paths.router,
    graph.router,
    timeslider.router,
    loads.router,
    analytics.router,
    problems.router,
)
