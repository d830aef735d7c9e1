"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import Depends, Request

from app.core.config import Settings


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_driver(request: Request) -> neo4j.Driver:
    driver: neo4j.Driver = request.app.state.driver
    return driver


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DriverDep = Annotated[neo4j.Driver, Depends(get_driver)]
