"""Every portal route, named."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from portal.views import identity

STATIC_DIR = Path(__file__).parent / "static"


def portal_routes() -> list[Route]:
    return [
        Route("/", identity.home, name="home"),
        Route("/register", identity.register_page, methods=["GET", "POST"], name="register"),
        Route("/register/check", identity.register_check, methods=["POST"], name="register_check"),
        Route("/login", identity.login_page, methods=["GET", "POST"], name="login"),
        Route("/logout", identity.logout, methods=["POST"], name="logout"),
        Route("/profile", identity.profile_page, methods=["GET", "POST"], name="profile"),
        Route("/profile/check", identity.profile_check, methods=["POST"], name="profile_check"),
        Route("/privacy", identity.privacy, name="privacy"),
    ]
