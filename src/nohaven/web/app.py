"""The FastAPI application factory; later features add routers here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from nohaven import __version__
from nohaven.screen.service import ScreeningService
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web.readlog import ReadLog
from nohaven.web.routes import (
    declarations,
    detection,
    health,
    pages,
    reconcile,
    resolution,
    screening,
    status,
    tracing,
)
from nohaven.web.security import Guard, session_key


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store is opened at start-up and closed at shut-down."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = Store.from_settings(settings)
        app.state.session_key = session_key(app.state.store)
        app.state.read_log = ReadLog(app.state.store)
        app.state.screening = ScreeningService(app.state.store, settings.match_workers)
        app.state.screening.warm()
        warming = None
        if settings.rates is not None and settings.rates.exists():
            warming = tracing.warm_ledger(app, settings.rates.read_text(encoding="utf-8"))
        try:
            yield
        finally:
            if warming is not None:
                warming.join()
            app.state.screening.close()
            app.state.read_log.close()
            app.state.store.close()

    app = FastAPI(
        title="nohaven",
        version=__version__,
        description="Find officials and their families in foreign records, check their "
        "declarations, trace stolen money and package the evidence.",
        lifespan=lifespan,
        # A body sent with no Content-Type is read as JSON, as yente reads it.
        strict_content_type=False,
    )
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(status.router)
    app.include_router(resolution.router)
    app.include_router(screening.router)
    app.include_router(reconcile.router)
    app.include_router(declarations.router)
    app.include_router(tracing.router)
    app.include_router(detection.router)
    app.include_router(pages.router)
    app.add_middleware(Guard, fastapi_app=app)
    if settings.cors_origins:
        # Outside the guard, so a browser's preflight is answered before sign-in is asked.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
        )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
