"""/manifest.webmanifest and /icons/icon-<size>.png: what a phone needs to install the portal."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.programme.brand import DEFAULT_NAME
from portal import web_app

ICON_MAX_AGE = "public, max-age=86400"


async def manifest(request: Request) -> Response:
    brand = getattr(request.state, "brand", None)
    name = brand.name if brand is not None else DEFAULT_NAME
    return JSONResponse(
        web_app.manifest(name),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


async def icon(request: Request) -> Response:
    size: int = request.path_params["size"]
    if size not in web_app.ICON_SIZES:
        return Response(status_code=404)
    return Response(
        web_app.icon_png(size), media_type="image/png", headers={"Cache-Control": ICON_MAX_AGE}
    )
