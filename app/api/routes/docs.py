"""/docs (Swagger UI) and /redoc from files installed with the `fastapi-offline` package,
so the manual works without internet and under a same-origin content security policy
(hence no inline script: the page loads its start-up script from here too)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
{head}
</head>
<body>
{body}
</body>
</html>
"""

_SWAGGER_START = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  showExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
});
"""


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(
            title="tkg API",
            assets=ASSETS_PATH,
            head=f'<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">',
            body=f'<div id="swagger-ui"></div>\n'
            f'<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>\n'
            f'<script src="{ASSETS_PATH}/swagger-start.js"></script>',
        )
    )


@router.get(f"{ASSETS_PATH}/swagger-start.js")
def swagger_start() -> Response:
    return Response(_SWAGGER_START, media_type="text/javascript")


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(
            title="tkg API",
            assets=ASSETS_PATH,
            head="",
            body=f'<redoc spec-url="/openapi.json"></redoc>\n'
            f'<script src="{ASSETS_PATH}/redoc.standalone.js"></script>',
        )
    )


def install_docs(app: FastAPI) -> None:
    """The pages and their assets; the app must be built with docs_url=redoc_url=None."""
    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
