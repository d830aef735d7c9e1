"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import Depends, Request

from app.api.answers import AnswerCache
from app.core.config import Settings
from tindex.service import IndexService


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_driver(request: Request) -> neo4j.Driver:
    driver: neo4j.Driver = request.app.state.driver
    return driver


async def get_path_index(request: Request) -> IndexService | None:
    """The process's temporal index service; None when paths are searched in Cypher only."""
    service: IndexService | None = getattr(request.app.state, "path_index", None)
    return service


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DriverDep = Annotated[neo4j.Driver, Depends(get_driver)]
PathIndexDep = Annotated[IndexService | None, Depends(get_path_index)]


async def get_path_answers(request: Request) -> AnswerCache:
    cache: AnswerCache = request.app.state.path_answers
    return cache


PathAnswersDep = Annotated[AnswerCache, Depends(get_path_answers)]
