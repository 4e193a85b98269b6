"""Phone numbers: parsed with `phonenumbers`, kept in E.164 for dialling and grouped for print."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo
from pydantic import GetCoreSchemaHandler, ValidationInfo
from pydantic_core import PydanticCustomError, core_schema

from booklet.data.text import halfwidth

REGION = "CN"

# Clerks write numbers with all sorts of separators; only digits (and a leading +) matter.
_SEPARATORS = re.compile(r"[\s\-‐–—()（）.·/]")


class Kind(enum.Enum):
    MOBILE = "手机"
    LANDLINE = "固定电话"
    SHORT = "短号码"
    SERVICE = "400/800 服务号码"


@dataclass(frozen=True)
class Phone:
    """A validated phone number: `display` is what is printed, `tel` what a QR code dials."""

    display: str
    e164: str
    kind: Kind

    @property
    def tel(self) -> str:
        return f"tel:{self.e164}"

    def __str__(self) -> str:
        return self.display


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", halfwidth(text))


def parse_phone(text: str, area_code: str | None = None) -> Phone | None:
    """Return the number `text` stands for, or None when it is not a valid Chinese number.

    A landline written without its area code (8888 0001) takes `area_code` from org.yaml,
    because that is what the clerk meant and what a resident outside the area must dial.
    """
    digits = _digits(text)
    if not re.fullmatch(r"\+?\d{3,15}", digits):
        return None
    candidates = [digits]
    if area_code and re.fullmatch(r"\d{7,8}", digits):
        candidates.insert(0, area_code + digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number_for_region(number, REGION):
            number_type = phonenumbers.number_type(number)
            if number_type == PhoneNumberType.MOBILE:
                return Phone(_group_mobile(number), _e164(number), Kind.MOBILE)
            if number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
                return Phone(_group_landline(number), _e164(number), Kind.LANDLINE)
            if number_type in (PhoneNumberType.TOLL_FREE, PhoneNumberType.UAN, PhoneNumberType.SHARED_COST):
                national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
                return Phone(national.replace(" ", "-"), _e164(number), Kind.SERVICE)
            continue
        if not digits.startswith("+") and shortnumberinfo.is_valid_short_number_for_region(
            number, REGION
        ):
            # Short numbers (12345, 110) are dialled as written, without a country code.
            return Phone(digits, digits, Kind.SHORT)
    return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _group_mobile(number: phonenumbers.PhoneNumber) -> str:
    # NATIONAL format for CN mobiles is already "138 0013 8000".
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def _group_landline(number: phonenumbers.PhoneNumber) -> str:
    # NATIONAL gives "0571 8888 8888"; the local convention puts a hyphen after the area code.
    area, _, rest = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL).partition(" ")
    return f"{area}-{rest}" if rest else area


_KIND_TEXT = {
    frozenset({Kind.MOBILE}): "手机号码",
    frozenset({Kind.MOBILE, Kind.LANDLINE}): "手机或固定电话号码",
    frozenset({Kind.MOBILE, Kind.LANDLINE, Kind.SHORT, Kind.SERVICE}): "电话号码",
}


class PhoneField:
    """Pydantic annotation: `Annotated[Phone, PhoneField(Kind.MOBILE)]` accepts only mobiles."""

    def __init__(self, *kinds: Kind) -> None:
        self.kinds = frozenset(kinds)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler):
        return core_schema.with_info_plain_validator_function(
            self._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    def _validate(self, value: Any, info: ValidationInfo) -> Phone:
        if isinstance(value, Phone):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError("booklet", "应为电话号码文字")
        area_code = (info.context or {}).get("area_code")
        wanted = _KIND_TEXT[self.kinds]
        phone = parse_phone(value, area_code)
        if phone is None:
            hint = ""
            if re.search(r"转|分机|ext", value, re.IGNORECASE):
                hint = "（只写总机号码，分机号请写在备注或职责里）"
            elif Kind.LANDLINE in self.kinds and not area_code and re.fullmatch(r"\d{7,8}", _digits(value)):
                hint = "（固定电话请带区号，如 0571-8888 8888，或在 org.yaml 写 area_code）"
            raise PydanticCustomError(
                "booklet", "「{value}」不是有效的{wanted}{hint}",
                {"value": value, "wanted": wanted, "hint": hint},
            )
        if phone.kind not in self.kinds:
            raise PydanticCustomError(
                "booklet", "「{value}」是{kind}，这里应填{wanted}",
                {"value": value, "kind": phone.kind.value, "wanted": wanted},
            )
        return phone
