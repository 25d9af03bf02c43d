"""What the navigation offers: the tabs of the phone's bottom bar and the staff links a role may
use (the desktop's 管理 menu and the 我的 page's 管理 section list the same ones)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.identity.models import Member, Role


@dataclass(frozen=True)
class Link:
    href: str
    label: str  # a message of the catalogue, translated by the template
    roles: frozenset[Role]


def _link(href: str, label: str, *roles: Role) -> Link:
    return Link(href, label, frozenset(roles))


HOST, MODERATOR, ADMIN = Role.HOST, Role.MODERATOR, Role.ADMIN
STAFF_LINKS = (
    _link("/moderation", "Moderation", MODERATOR, HOST, ADMIN),
    _link("/host/pickups", "Pickups", HOST, ADMIN),
    _link("/host/events", "Event check-in", HOST, ADMIN),
    _link("/host", "Host console", HOST, ADMIN),
    _link("/staff/residents", "Resident verification", HOST, ADMIN),
    _link("/staff/estate-requests", "Estate change requests", HOST, ADMIN),
    _link("/admin/dashboard", "Dashboard", HOST, ADMIN),
    _link("/admin/campaigns", "Campaign admin", MODERATOR, ADMIN),
    _link("/admin/rewards", "Rewards", ADMIN),
    _link("/admin/products", "Products", ADMIN),
    _link("/admin/purchases/import", "Import purchases", ADMIN),
    _link("/admin/playbooks", "Tier playbooks", ADMIN),
    _link("/admin/attribution", "Posts that sold", ADMIN),
    _link("/admin/lift", "Community lift", ADMIN),
    _link("/admin", "Back office", ADMIN),
)


def staff_links(member: Member | None) -> list[Link]:
    """The staff pages ``member``'s roles open, in a fixed order; none for a resident."""
    if member is None:
        return []
    return [link for link in STAFF_LINKS if any(member.has_role(r) for r in link.roles)]


@dataclass(frozen=True)
class Tab:
    href: str
    label: str
    icon: str  # a glyph shown above the label
    prefixes: tuple[str, ...]  # paths that mark the tab current


MEMBER_TABS = (
    Tab("/", "Home", "⌂", ("/feed", "/posts")),
    Tab("/groups", "Groups", "◎", ("/groups",)),
    Tab("/share", "Publish", "＋", ("/share",)),
    Tab("/notifications", "Messages", "✉", ("/notifications",)),
    Tab("/me", "Me", "☺", ("/me", "/points", "/redemptions", "/profile", "/my/", "/invite")),
)
GUEST_TABS = (
    Tab("/", "Home", "⌂", ("/feed", "/posts")),
    Tab("/groups", "Groups", "◎", ("/groups",)),
    Tab("/events", "Events", "◷", ("/events",)),
    Tab("/login", "Log in", "☺", ("/login", "/register")),
)


def tabs(member: Member | None) -> tuple[Tab, ...]:
    return MEMBER_TABS if member is not None else GUEST_TABS


def current(tab: Tab, path: str) -> bool:
    if tab.href == "/":
        return path == "/" or path.startswith(tab.prefixes)
    return path == tab.href or path.startswith(tab.prefixes)
