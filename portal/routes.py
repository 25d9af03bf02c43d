"""Every portal route, named."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from portal.views import identity, points, rewards

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
        *points_routes(),
        *mall_routes(),
    ]


def points_routes() -> list[Route]:
    return [
        Route("/points", points.points_page, name="points"),
        Route("/points/history", points.points_page, name="points_history"),
        Route("/points/check-in", points.check_in, methods=["POST"], name="check_in"),
        Route("/points/badge", points.badge, name="points_badge"),
        Route(
            "/admin/points/adjust",
            points.adjust_page,
            methods=["GET", "POST"],
            name="admin_adjust_points",
        ),
        Route(
            "/admin/points/adjustments/{request_id:int}/approve",
            points.approve,
            methods=["POST"],
            name="admin_approve_adjustment",
        ),
    ]


def mall_routes() -> list[Route]:
    return [
        Route("/mall", rewards.mall, name="mall"),
        Route("/mall/{reward_id:int}", rewards.reward_card, name="reward_card"),
        Route("/mall/{reward_id:int}/confirm", rewards.confirm, name="redeem_confirm"),
        Route("/mall/{reward_id:int}/redeem", rewards.redeem, methods=["POST"], name="redeem"),
        Route("/redemptions", rewards.redemptions, name="redemptions"),
        Route(
            "/redemptions/{redemption_id:int}/cancel",
            rewards.cancel,
            methods=["POST"],
            name="cancel_redemption",
        ),
        Route("/host/pickups", rewards.pickups, methods=["GET", "POST"], name="host_pickups"),
        Route(
            "/admin/rewards", rewards.admin_rewards, methods=["GET", "POST"], name="admin_rewards"
        ),
        Route(
            "/admin/rewards/{reward_id:int}/restock",
            rewards.restock,
            methods=["POST"],
            name="admin_restock_reward",
        ),
    ]
