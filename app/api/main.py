"""Gathers the routers."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import actors, events, graph, health, paths, relationships

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(actors.router)
api_router.include_router(relationships.router)
api_router.include_router(events.router)
api_router.include_router(paths.router)
api_router.include_router(graph.router)
