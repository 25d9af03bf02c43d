"""Creating the first admin from the command line."""

from __future__ import annotations

from domain.clock import Clock
from domain.errors import FieldError, InvalidInputError
from domain.identity import rules
from domain.identity.models import Member, Role
from domain.identity.passwords import hash_password
from domain.identity.services import create_member_with_invite_code


async def create_admin(
    phone: str, display_name: str, password: str, clock: Clock | None = None
) -> tuple[Member, bool]:
    """An admin with this phone: a new member, or an existing one promoted (password unchanged).
    The command line has no injected clock: it stamps the join with the real one."""
    phone = rules.normalise_phone(phone)
    name = rules.clean_display_name(display_name)
    errors = [
        FieldError(field, message)
        for field, message in (
            ("phone", rules.phone_error(phone)),
            ("displayName", rules.display_name_error(name)),
        )
        if message
    ]
    member = await Member.get_or_none(phone=phone) if not errors else None
    if member is None and (message := rules.password_error(password)):
        errors.append(FieldError("password", message))
    if errors:
        raise InvalidInputError(errors, "; ".join(e.message for e in errors))
    if member is not None:
        if not member.has_role(Role.ADMIN):
            member.roles = [*member.roles, Role.ADMIN.value]
            await member.save(update_fields=["roles"])
        return member, False
    member = await create_member_with_invite_code(
        phone=phone,
        password_hash=await hash_password(password),
        display_name=name,
        roles=[Role.RESIDENT.value, Role.ADMIN.value],
        created_at=(clock or Clock()).now(),
    )
    return member, True
