"""Phone numbers: validated by phonenumbers, grouped for print, dialled in E.164."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booklet.data.phones import Kind, parse_phone


@pytest.mark.parametrize("written, display, e164, kind", [
    ("13800138000", "138 0013 8000", "+8613800138000", Kind.MOBILE),
    ("138-0013-8000", "138 0013 8000", "+8613800138000", Kind.MOBILE),
    ("１３８００１３８０００", "138 0013 8000", "+8613800138000", Kind.MOBILE),
    ("+86 138 0013 8000", "138 0013 8000", "+8613800138000", Kind.MOBILE),
    ("0571-88888888", "0571-8888 8888", "+8657188888888", Kind.LANDLINE),
    ("(010) 8888 0001", "010-8888 0001", "+861088880001", Kind.LANDLINE),
    ("12345", "12345", "12345", Kind.SHORT),
    ("110", "110", "110", Kind.SHORT),
])
def test_numbers_are_grouped_for_print_and_dialled_in_e164(written, display, e164, kind):
    phone = parse_phone(written)
    assert (phone.display, phone.e164, phone.kind) == (display, e164, kind)
    assert phone.tel == f"tel:{e164}"


@pytest.mark.parametrize("written", ["1380000", "0571-123", "88880001", "abc", "", "+1 202 555 0100"])
def test_invalid_numbers_are_refused(written):
    assert parse_phone(written) is None


@given(st.sampled_from(["139", "138", "186", "150", "177"]), st.integers(0, 99_999_999))
def test_any_mobile_round_trips(prefix, rest):
    digits = f"{prefix}{rest:08d}"
    phone = parse_phone(digits)
    assert phone is not None and phone.kind is Kind.MOBILE
    assert phone.display.replace(" ", "") == digits
    assert [len(group) for group in phone.display.split(" ")] == [3, 4, 4]
    assert parse_phone(phone.display) == phone


@given(st.text(max_size=20))
def test_parsing_never_raises(text):
    parse_phone(text)
