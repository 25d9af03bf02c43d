"""Where deliveries may go: http(s) addresses whose every resolved address is public. An
address on loopback, a private, link-local, shared or reserved range would let an admin's URL
reach the servers behind ours (SSRF); it is refused when registered and again at each send (a
name can resolve elsewhere later), unless the settings allow it (tests, a local receiver)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from domain.errors import InvalidInputError

BAD_URL = "请填写以 https:// 或 http:// 开头的完整地址"
PRIVATE = "这个地址指向内网或本机，不能接收推送"
UNRESOLVED = "这个地址无法解析"


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_url(url: str, allow_private: bool) -> None:
    """Refuse (``InvalidInputError`` on ``url``) an address deliveries may not go to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 300:
        raise InvalidInputError.single("url", BAD_URL)
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise InvalidInputError.single("url", BAD_URL) from error
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except OSError as error:
        raise InvalidInputError.single("url", UNRESOLVED) from error
    if not found or not all(_public(str(info[4][0])) for info in found):
        raise InvalidInputError.single("url", PRIVATE)
