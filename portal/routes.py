"""Every portal route, named."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from portal.views import (
    admin_brand,
    admin_catalogue,
    admin_estates,
    admin_groups,
    admin_lift,
    admin_members,
    admin_playbooks,
    admin_safety,
    admin_settings,
    admin_tags,
    admin_webhooks,
    attribution,
    back_office,
    campaigns,
    dashboard,
    estate_changes,
    events,
    first_run,
    groups,
    honours,
    host,
    identity,
    me,
    moderation,
    my_data,
    notifications,
    points,
    posters,
    posts,
    private_groups,
    products,
    purchases,
    referrals,
    residents,
    rewards,
    search,
    standing,
    web_app,
)

STATIC_DIR = Path(__file__).parent / "static"


def portal_routes() -> list[Route]:
    return [
        Route("/", posts.home, name="home"),
        Route("/register", identity.register_page, methods=["GET", "POST"], name="register"),
        Route("/register/check", identity.register_check, methods=["POST"], name="register_check"),
        Route("/login", identity.log_in_page, methods=["GET", "POST"], name="log_in"),
        Route("/logout", identity.log_out, methods=["POST"], name="log_out"),
        Route("/profile", identity.profile_page, methods=["GET", "POST"], name="profile"),
        Route("/profile/check", identity.profile_check, methods=["POST"], name="profile_check"),
        Route("/privacy", identity.privacy, name="privacy"),
        Route("/privacy/v/{version:str}", identity.privacy, name="privacy_version"),
        Route(
            "/login/consent",
            identity.consent_page,
            methods=["GET", "POST"],
            name="log_in_consent",
        ),
        Route("/admin", back_office.home, name="admin_home"),
        Route("/staff/estate-requests", estate_changes.requests_page, name="estate_requests"),
        Route("/staff/residents", residents.residents_page, name="staff_residents"),
        Route(
            "/staff/residents/{member_id:int}/attest",
            residents.attest,
            methods=["POST"],
            name="attest_resident",
        ),
        Route(
            "/staff/estate-requests/{request_id:int}/{decision:str}",
            estate_changes.decide,
            methods=["POST"],
            name="decide_estate_request",
        ),
        *points_routes(),
        *mall_routes(),
        *post_routes(),
        *group_routes(),
        *moderation_routes(),
        *referral_routes(),
        *campaign_routes(),
        *event_routes(),
        *dashboard_routes(),
        *host_routes(),
        *groups_admin_routes(),
        *members_admin_routes(),
        *settings_admin_routes(),
        *estates_admin_routes(),
        *my_data_routes(),
        *catalogue_admin_routes(),
        *product_routes(),
        *tags_admin_routes(),
        *safety_admin_routes(),
        *brand_admin_routes(),
        *notification_routes(),
    ]


def notification_routes() -> list[Route]:
    return [
        Route("/notifications", notifications.notifications_page, name="notifications"),
        Route("/notifications/more", notifications.notifications_page, name="notifications_more"),
        Route(
            "/notifications/read",
            notifications.mark_all_read,
            methods=["POST"],
            name="mark_notifications_read",
        ),
        Route(
            "/notifications/{notification_id:int}/open",
            notifications.open_notification,
            name="open_notification",
        ),
        Route("/notifications/stream", notifications.unread_stream, name="notifications_stream"),
        Route(
            "/notifications/preferences",
            notifications.preferences_page,
            methods=["GET", "POST"],
            name="notification_preferences",
        ),
    ]


def points_routes() -> list[Route]:
    return [
        Route("/points", points.points_page, name="points"),
        Route("/points/history", points.points_page, name="points_history"),
        Route("/points/check-in", points.check_in, methods=["POST"], name="check_in"),
        Route("/points/badge", points.badge, name="points_badge"),
        Route("/points/standing", standing.standing, name="my_standing"),
        Route("/members/me/badge", honours.choose_badge, methods=["POST"], name="choose_badge"),
        Route("/members/{member_id:int}", honours.member_page, name="member_profile"),
        Route("/admin/badges", honours.badges_page, name="admin_badges"),
        Route(
            "/admin/badges/{action:str}",
            honours.badge_action,
            methods=["POST"],
            name="admin_badge_action",
        ),
        Route("/points/nps", standing.answer_nps, methods=["POST"], name="answer_nps"),
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


def post_routes() -> list[Route]:
    return [
        Route("/feed", posts.feed, name="feed_page"),
        Route("/posts/{post_id:int}", posts.post_page, name="post"),
        Route("/posts/{post_id:int}/poster", posters.post_poster_page, name="post_poster"),
        Route("/posts/{post_id:int}/poster.png", posters.post_poster_png, name="post_poster_png"),
        Route("/posts/{post_id:int}/like", posts.like, methods=["POST"], name="like_post"),
        Route("/posts/seen", posts.seen, methods=["POST"], name="posts_seen"),
        Route("/posts/{post_id:int}/unlike", posts.like, methods=["POST"], name="unlike_post"),
        Route("/posts/{post_id:int}/comments", posts.comment, methods=["POST"], name="add_comment"),
        Route("/posts/{post_id:int}/report", posts.report, methods=["POST"], name="report_post"),
        Route("/share", posts.share, methods=["GET", "POST"], name="share"),
        Route("/share/draft", posts.share_draft, methods=["POST"], name="share_draft"),
        Route("/share/rows/{row}", posts.share_row, name="share_row"),
        Route("/share/removed", posts.removed_row, methods=["GET", "POST"], name="removed_row"),
        Route("/my/posts", posts.my_posts, name="my_posts"),
        Route("/search", search.search_page, name="search"),
        Route("/search/suggest", search.suggest, name="search_suggest"),
    ]


def group_routes() -> list[Route]:
    return [
        Route("/groups", groups.groups_page, name="groups"),
        Route("/groups/{slug}", groups.group_page, name="group"),
        Route("/groups/{group_id:int}/join", groups.membership, methods=["POST"], name="join"),
        Route("/groups/{group_id:int}/leave", groups.membership, methods=["POST"], name="leave"),
        *private_group_routes(),
    ]


def moderation_routes() -> list[Route]:
    return [
        Route("/moderation", moderation.queue, name="moderation"),
        Route("/moderation/audit", moderation.audit, name="audit_log"),
        Route(
            "/moderation/posts/{post_id:int}/{action}",
            moderation.moderate,
            methods=["POST"],
            name="moderate_post",
        ),
        Route(
            "/moderation/comments/{comment_id:int}/{action}",
            moderation.review_comment,
            methods=["POST"],
            name="review_comment",
        ),
    ]


def referral_routes() -> list[Route]:
    return [
        Route("/invite", referrals.invite_page, name="invite"),
        Route("/invite/poster", referrals.poster, name="invite_poster"),
        Route(
            "/admin/purchases/import",
            purchases.import_page,
            methods=["GET", "POST"],
            name="admin_import_purchases",
        ),
    ]


def campaign_routes() -> list[Route]:
    return [
        Route("/campaigns", campaigns.campaigns_page, name="campaigns"),
        Route("/campaigns/{campaign_id:int}", campaigns.campaign_page, name="campaign"),
        Route(
            "/campaigns/{campaign_id:int}/poster",
            posters.campaign_poster_page,
            name="campaign_poster",
        ),
        Route(
            "/campaigns/{campaign_id:int}/poster.png",
            posters.campaign_poster_png,
            name="campaign_poster_png",
        ),
        Route("/campaigns/{campaign_id:int}/vote", campaigns.vote, methods=["POST"], name="vote"),
        Route(
            "/campaigns/{campaign_id:int}/propose",
            campaigns.propose,
            methods=["POST"],
            name="propose_entry",
        ),
        Route("/campaigns/{campaign_id:int}/tally", campaigns.tally_stream, name="campaign_tally"),
        Route(
            "/admin/campaigns",
            campaigns.admin_campaigns,
            methods=["GET", "POST"],
            name="admin_campaigns",
        ),
        Route(
            "/admin/campaigns/{campaign_id:int}/close",
            campaigns.close,
            methods=["POST"],
            name="close_campaign",
        ),
        Route(
            "/admin/campaigns/{campaign_id:int}/open-voting",
            campaigns.open_voting,
            methods=["POST"],
            name="open_voting",
        ),
        Route(
            "/admin/campaigns/entries/{entry_id:int}/{action:str}",
            campaigns.moderate,
            methods=["POST"],
            name="moderate_entry",
        ),
    ]


def event_routes() -> list[Route]:
    return [
        Route("/events", events.events_page, name="events"),
        Route("/events/{event_id:int}", events.event_page, name="event"),
        Route(
            "/events/{event_id:int}/register",
            events.register,
            methods=["POST"],
            name="register_for_event",
        ),
        Route(
            "/events/registrations/{registration_id:int}/cancel",
            events.cancel,
            methods=["POST"],
            name="cancel_event_registration",
        ),
    ]


def dashboard_routes() -> list[Route]:
    return [
        Route("/admin/dashboard", dashboard.dashboard_page, name="admin_dashboard"),
        Route(
            "/admin/dashboard/tiers",
            dashboard.recompute,
            methods=["POST"],
            name="admin_recompute_tiers",
        ),
        Route("/admin/members.csv", dashboard.members_csv, name="admin_members_csv"),
        Route("/admin/attribution", attribution.attribution_page, name="admin_attribution"),
        Route(
            "/admin/attribution/recipes", attribution.top_recipes, name="admin_attribution_recipes"
        ),
        Route(
            "/admin/attribution.csv",
            attribution.attribution_csv_download,
            name="admin_attribution_csv",
        ),
        Route("/admin/lift", admin_lift.lift_page, name="admin_lift"),
        Route("/admin/lift.csv", admin_lift.lift_csv_download, name="admin_lift_csv"),
    ]


def private_group_routes() -> list[Route]:
    """A member's request to join a private group; the hosts' requests, invitations, removals."""
    base = "/groups/{group_id:int}"
    admin = base + "/private"
    post = ["POST"]
    return [
        Route(base + "/request", private_groups.request_join, methods=post, name="request_join"),
        Route(admin, private_groups.admin_page, name="private_group_admin"),
        Route(
            admin + "/requests/{request_id:int}/approve",
            private_groups.decide,
            methods=post,
            name="approve_join_request",
        ),
        Route(
            admin + "/requests/{request_id:int}/decline",
            private_groups.decide,
            methods=post,
            name="decline_join_request",
        ),
        Route(admin + "/invite", private_groups.invite, methods=post, name="invite_to_group"),
        Route(
            admin + "/members/{member_id:int}/remove",
            private_groups.remove,
            methods=post,
            name="remove_from_group",
        ),
    ]


def host_routes() -> list[Route]:
    """The host's desk: the groups' console, the event console and the pickup desk."""
    members = "/host/groups/{group_id:int}/members"
    return [
        Route("/host", host.console, name="host_console"),
        Route(members, host.members_page, name="host_group_members"),
        Route(
            members + "/{member_id:int}/tags",
            host.member_tags,
            methods=["POST"],
            name="host_add_member_tag",
        ),
        Route(
            members + "/{member_id:int}/tags/{tag_id:int}/remove",
            host.member_tags,
            methods=["POST"],
            name="host_remove_member_tag",
        ),
        Route("/host/events", host.events_page, name="host_events"),
        Route("/host/events/new", host.new_event, methods=["GET", "POST"], name="new_event"),
        Route("/host/events/check-in", host.check_in, methods=["POST"], name="event_check_in"),
        Route("/host/events/{event_id:int}", host.attendees_page, name="event_attendees"),
        Route("/host/pickups", host.pickups, methods=["GET", "POST"], name="host_pickups"),
    ]


def groups_admin_routes() -> list[Route]:
    base = "/admin/groups/{group_id:int}"
    return [
        Route(
            "/admin/groups",
            admin_groups.groups_page,
            methods=["GET", "POST"],
            name="admin_groups",
        ),
        Route(base, admin_groups.group_page, methods=["GET", "POST"], name="admin_group"),
        Route(
            base + "/hosts/{action:str}",
            admin_groups.hosts,
            methods=["POST"],
            name="admin_group_appoint_host",
        ),
        Route(
            base + "/hosts/{member_id:int}/{action:str}",
            admin_groups.hosts,
            methods=["POST"],
            name="admin_group_host",
        ),
        Route(
            base + "/archive", admin_groups.archive, methods=["POST"], name="admin_group_archive"
        ),
        Route(
            base + "/restore", admin_groups.archive, methods=["POST"], name="admin_group_restore"
        ),
    ]


def members_admin_routes() -> list[Route]:
    """Back office, members: find a member, their record, roles, suspensions and estate."""
    member, post = "/admin/members/{member_id:int}", ["POST"]
    return [
        Route("/admin/members", admin_members.members_page, name="admin_members"),
        Route(member, admin_members.member_page, name="admin_member"),
        Route(f"{member}/roles/grant", admin_members.grant, methods=post, name="admin_grant_role"),
        Route(f"{member}/roles/revoke", admin_members.revoke, methods=post, name="admin_revoke"),
        Route(f"{member}/suspend", admin_members.suspend, methods=["POST"], name="admin_suspend"),
        Route(f"{member}/lift", admin_members.lift, methods=["POST"], name="admin_lift_suspension"),
        Route(
            f"{member}/estate", admin_members.set_estate, methods=["POST"], name="admin_set_estate"
        ),
        Route(
            "/admin/role-grants/{request_id:int}/{decision:str}",
            admin_members.decide_grant,
            methods=["POST"],
            name="admin_decide_role_grant",
        ),
    ]


def settings_admin_routes() -> list[Route]:
    return [
        Route(
            "/admin/settings",
            admin_settings.rules_page,
            methods=["GET", "POST"],
            name="admin_settings",
        ),
        Route(
            "/admin/playbooks",
            admin_playbooks.playbooks_page,
            methods=["GET", "POST"],
            name="admin_playbooks",
        ),
        Route("/admin/playbooks.csv", admin_playbooks.report_csv, name="admin_playbooks_csv"),
        Route(
            "/admin/playbooks/{playbook_id:int}/{action:str}",
            admin_playbooks.switch,
            methods=["POST"],
            name="admin_playbook_switch",
        ),
        Route(
            "/admin/webhooks",
            admin_webhooks.webhooks_page,
            methods=["GET", "POST"],
            name="admin_webhooks",
        ),
        Route(
            "/admin/webhooks/{endpoint_id:int}/{action:str}",
            admin_webhooks.switch,
            methods=["POST"],
            name="admin_webhook_switch",
        ),
        Route(
            "/admin/webhooks/deliveries/{delivery_id:int}/redeliver",
            admin_webhooks.redeliver,
            methods=["POST"],
            name="admin_webhook_redeliver",
        ),
        Route(
            "/admin/privacy",
            admin_settings.privacy_page,
            methods=["GET", "POST"],
            name="admin_privacy",
        ),
    ]


def estates_admin_routes() -> list[Route]:
    return [
        Route(
            "/admin/estates",
            admin_estates.estates_page,
            methods=["GET", "POST"],
            name="admin_estates",
        ),
        Route(
            "/admin/estates/{estate_id:int}",
            admin_estates.estate_page,
            methods=["GET", "POST"],
            name="admin_estate",
        ),
        Route(
            "/admin/estates/{estate_id:int}/pickup-points",
            admin_estates.add_point,
            methods=["POST"],
            name="admin_add_pickup_point",
        ),
        Route(
            "/admin/estates/{estate_id:int}/{action:str}",
            admin_estates.estate_status,
            methods=["GET", "POST"],
            name="admin_estate_status",
        ),
        Route(
            "/admin/pickup-points/{point_id:int}",
            admin_estates.change_point,
            methods=["POST"],
            name="admin_update_pickup_point",
        ),
        Route(
            "/admin/pickup-points/{point_id:int}/archive",
            admin_estates.change_point,
            methods=["POST"],
            name="admin_archive_pickup_point",
        ),
    ]


def catalogue_admin_routes() -> list[Route]:
    """Rewards (admins) and events (their hosts and admins) after creation."""
    return [
        Route(
            "/admin/rewards/{reward_id:int}",
            admin_catalogue.edit_reward,
            methods=["GET", "POST"],
            name="admin_edit_reward",
        ),
        Route(
            "/admin/rewards/{reward_id:int}/picture",
            admin_catalogue.reward_picture,
            methods=["POST"],
            name="admin_reward_picture",
        ),
        Route(
            "/admin/rewards/{reward_id:int}/retire",
            admin_catalogue.retire_reward,
            methods=["POST"],
            name="admin_retire_reward",
        ),
        Route(
            "/host/events/{event_id:int}/edit",
            admin_catalogue.edit_event,
            methods=["GET", "POST"],
            name="edit_event",
        ),
        Route(
            "/host/events/{event_id:int}/cancel",
            admin_catalogue.cancel_event,
            methods=["POST"],
            name="cancel_event",
        ),
    ]


def product_routes() -> list[Route]:
    """The product catalogue (admins), the share form's product picker, a post's products."""
    return [
        Route(
            "/admin/products",
            products.admin_products,
            methods=["GET", "POST"],
            name="admin_products",
        ),
        Route(
            "/admin/products/{product_id:int}",
            products.edit_product,
            methods=["GET", "POST"],
            name="admin_edit_product",
        ),
        Route(
            "/admin/products/import",
            products.import_products,
            methods=["POST"],
            name="admin_import_products",
        ),
        Route(
            "/posts/{post_id:int}/products",
            products.tag_post,
            methods=["POST"],
            name="tag_post_products",
        ),
        Route("/share/products", products.picker, name="product_picker"),
        Route("/share/products/chip", products.chip, name="product_chip"),
    ]


def tags_admin_routes() -> list[Route]:
    return [
        Route("/admin/tags", admin_tags.tags_page, methods=["GET", "POST"], name="admin_tags"),
        Route(
            "/admin/tags/{tag_id:int}/{action:str}",
            admin_tags.tag_action,
            methods=["POST"],
            name="admin_tag_action",
        ),
    ]


def safety_admin_routes() -> list[Route]:
    return [
        Route(
            "/admin/safety", admin_safety.words_page, methods=["GET", "POST"], name="admin_safety"
        ),
        Route(
            "/admin/safety/{word_id:int}/remove",
            admin_safety.remove_word,
            methods=["POST"],
            name="admin_safety_remove",
        ),
    ]


def brand_admin_routes() -> list[Route]:
    """The first run's setup page, the brand's admin page and the public about page."""
    return [
        Route("/setup", first_run.setup_page, methods=["GET", "POST"], name="setup"),
        Route("/about", first_run.about, name="about"),
        Route("/manifest.webmanifest", web_app.manifest, name="web_app_manifest"),
        Route("/icons/icon-{size:int}.png", web_app.icon, name="web_app_icon"),
        Route("/admin/brand", admin_brand.brand_page, methods=["GET", "POST"], name="admin_brand"),
    ]


def my_data_routes() -> list[Route]:
    """A member's data rights: a copy of their data, and deleting their account."""
    return [
        Route("/me", me.me_page, name="me"),
        Route("/me/data", my_data.data_page, methods=["GET", "POST"], name="my_data"),
        Route("/me/data/status", my_data.data_status, name="my_data_status"),
        Route("/me/data/{export_id:int}/download", my_data.download, name="my_data_download"),
        Route("/me/delete", my_data.delete_page, methods=["GET", "POST"], name="delete_account"),
    ]
