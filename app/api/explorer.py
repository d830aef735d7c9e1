"""The explorer page: web/'s Vite build, served at /explorer when it has been built."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from app.core.config import Settings

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>tkg explorer</title>
<body style="font-family:system-ui;max-width:40em;margin:4em auto;line-height:1.5">
<h1>The explorer is not built</h1>
<p>The API works without it (see <a href="/docs">/docs</a>). To get the explorer, install
Node.js 20+ and npm, then run <code>make web</code> (it runs <code>npm ci &amp;&amp; npm run
build</code> in <code>web/</code>) and reload this page.</p></body></html>"""


def install_explorer(app: FastAPI, settings: Settings) -> None:
    """Mount the built explorer, or a page saying how to build it."""
    built = settings.explorer_dir / "index.html"

    @app.get("/explorer", include_in_schema=False)
    def explorer_root() -> RedirectResponse:
        # Its assets are relative to /explorer/; the bare path would resolve them one level up.
        return RedirectResponse("/explorer/")

    if built.is_file():
        app.mount(
            "/explorer/", StaticFiles(directory=settings.explorer_dir, html=True), name="explorer"
        )
        return

    @app.get("/explorer/", include_in_schema=False)
    def explorer_missing() -> HTMLResponse:
        return HTMLResponse(NOT_BUILT, status_code=503)
