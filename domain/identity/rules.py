"""Pure identity rules: phone numbers, passwords, display names, invite codes. No I/O."""

from __future__ import annotations

import re
import secrets
import unicodedata

from domain.errors import FieldError

# ASCII digits only: ``\d`` would also take ``５`` or ``١`` and store a number no one can dial.
_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_INVITE_CODE_SHAPE = re.compile(r"[0-9A-Z]{1,8}")
# Only the full-width forms an input method types (０-９, ＋, －, （）): NFKC would also turn
# ``²`` into ``2``, which is not the number the member typed.
_FULL_WIDTH_TO_ASCII = str.maketrans(
    {**{chr(0xFF10 + n): str(n) for n in range(10)}, "＋": "+", "－": "-", "（": "(", "）": ")"}
)
# Longer input is not a phone number whatever it contains: refuse it before any other work.
PHONE_INPUT_MAX = 40
# No 0/O/1/I: codes are read aloud and typed from posters.
INVITE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
INVITE_CODE_LENGTH = 8
PASSWORD_MIN = 8
PASSWORD_MAX = 128
DISPLAY_NAME_MAX = 20


def normalise_phone(raw: str) -> str:
    """Digits only, without a +86 / 0086 prefix: ``+86 138-0013-8000`` → ``13800138000``.
    Full-width digits (a Chinese input method's ``１３８…``) fold to ASCII; anything else stays
    for ``phone_error`` to refuse."""
    text = (raw or "")[: PHONE_INPUT_MAX + 1]
    digits = re.sub(r"[\s\-()]", "", text.translate(_FULL_WIDTH_TO_ASCII))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def phone_error(phone: str) -> str | None:
    """None for a well-formed mainland mobile number; the only shape that may reach a query."""
    if not _MAINLAND_MOBILE.fullmatch(phone):
        return "请输入11位中国大陆手机号"
    return None


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; what everyone but the owner and admins sees."""
    if not phone:
        return None
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def password_error(password: str) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"密码至少{PASSWORD_MIN}位"
    if len(password) > PASSWORD_MAX:
        return f"密码最多{PASSWORD_MAX}位"
    if len(set(password)) < 4:
        return "密码过于简单"
    return None


def clean_display_name(raw: str) -> str:
    """Trim, fold full-width forms, and drop control and format characters (bidi tricks)."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def display_name_error(name: str) -> str | None:
    if not name:
        return "请填写昵称"
    if len(name) > DISPLAY_NAME_MAX:
        return f"昵称最多{DISPLAY_NAME_MAX}个字"
    return None


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


def normalise_invite_code(raw: str | None) -> str | None:
    code = (raw or "").strip().upper()
    return code or None


def invite_code_is_well_formed(code: str) -> bool:
    """Codes are 8 ASCII letters or digits (older ones may use 0/1/I/O): anything else cannot
    exist, so it is refused before a query."""
    return _INVITE_CODE_SHAPE.fullmatch(code) is not None


def registration_field_errors(
    phone: str, password: str, display_name: str, accepted_privacy_policy: bool
) -> list[FieldError]:
    errors: list[FieldError] = []
    for field, message in (
        ("phone", phone_error(phone)),
        ("password", password_error(password)),
        ("displayName", display_name_error(display_name)),
    ):
        if message:
            errors.append(FieldError(field, message))
    if not accepted_privacy_policy:
        errors.append(FieldError("acceptPrivacyPolicy", "请阅读并同意隐私政策"))
    return errors
