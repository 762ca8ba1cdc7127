"""Unit names as plans write them → registry units: splitting, Vietnamese-aware matching,
abbreviations, aliases, collective phrases; unresolved names kept as written."""

from __future__ import annotations

import pytest

from dondoc.storage.unit_names import RegisteredUnit, UnitDirectory, canonical
from tests.plan_fixtures import CENTERS, DEPARTMENTS, TANPHU_UNITS, WARDS


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return UnitDirectory(
        [
            RegisteredUnit(code, name, kind, tuple(a for a in aliases.split(";") if a))
            for code, name, kind, _parent, aliases in TANPHU_UNITS
        ]
    )


def resolved(directory: UnitDirectory, cell: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(n.written, n.codes) for n in directory.resolve_cell(cell)]


def test_list_with_a_distributive_prefix(directory: UnitDirectory) -> None:
    cell = "Các phòng: Nội vụ, Tài chính - Kế hoạch; Văn phòng HĐND và UBND quận"
    assert resolved(directory, cell) == [
        ("Nội vụ", ("NV",)),
        ("Tài chính - Kế hoạch", ("TCKH",)),
        ("Văn phòng HĐND và UBND quận", ("VP",)),
    ]


def test_bullets_and_abbreviations(directory: UnitDirectory) -> None:
    assert resolved(directory, "- Phòng VH& TT - Phòng Nội vụ") == [
        ("Phòng VH& TT", ("VHTT",)),
        ("Phòng Nội vụ", ("NV",)),
    ]
    assert resolved(directory, "Phòng TC-KH") == [("Phòng TC-KH", ("TCKH",))]
    assert resolved(directory, "Phòng QLĐT") == [("Phòng QLĐT", ("QLDT",))]
    assert resolved(directory, "Phòng LĐ-TB&XH") == [("Phòng LĐ-TB&XH", ("LDTBXH",))]
    assert resolved(directory, "Phòng GD&ĐT") == [("Phòng GD&ĐT", ("GDDT",))]


def test_names_with_dash_and_va_stay_whole(directory: UnitDirectory) -> None:
    cell = "Phòng Lao động - Thương binh và Xã hội; Phòng Nội vụ"
    assert resolved(directory, cell) == [
        ("Phòng Lao động - Thương binh và Xã hội", ("LDTBXH",)),
        ("Phòng Nội vụ", ("NV",)),
    ]
    assert resolved(directory, "Phòng Tài chính – Kế hoạch") == [
        ("Phòng Tài chính – Kế hoạch", ("TCKH",))
    ]
    # Even when the registry does not know the name, it is not cut at "-" or "và".
    empty = UnitDirectory([])
    assert resolved(empty, "Phòng Lao động - Thương binh và Xã hội") == [
        ("Phòng Lao động - Thương binh và Xã hội", ())
    ]


def test_diacritics_case_and_aliases(directory: UnitDirectory) -> None:
    assert resolved(directory, "phong noi vu") == [("phong noi vu", ("NV",))]
    assert resolved(directory, "PHÒNG TƯ PHÁP") == [("PHÒNG TƯ PHÁP", ("TP",))]
    assert resolved(directory, "Văn phòng UBND quận") == [("Văn phòng UBND quận", ("VP",))]
    assert resolved(directory, "Văn phòng Ủy ban nhân dân quận") == [
        ("Văn phòng Ủy ban nhân dân quận", ("VP",))
    ]
    assert resolved(directory, "Bệnh viện quận") == [("Bệnh viện quận", ("BV",))]
    assert resolved(directory, "Phường Sơn Kỳ") == [("Phường Sơn Kỳ", ("P03",))]
    assert canonical("Phòng VH&TT") == canonical("Phòng Văn hóa và Thông tin")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("UBND 11 phường", WARDS),
        ("UBND các phường", WARDS),
        ("UBND cấp phường", WARDS),
        ("Ủy ban nhân dân các phường", WARDS),
        ("Các cơ quan chuyên môn", DEPARTMENTS),
        ("Các phòng, ban, ngành", DEPARTMENTS),
        ("đơn vị sự nghiệp công lập", CENTERS),
        ("Các đơn vị sự nghiệp công lập thuộc quận", CENTERS),
    ],
)
def test_collective_phrases_expand_by_kind(
    directory: UnitDirectory, cell: str, expected: list[str]
) -> None:
    named = directory.resolve_cell(cell)
    assert len(named) == 1
    assert named[0].collective
    assert sorted(named[0].codes) == sorted(expected)


def test_every_unit_but_the_wards(directory: UnitDirectory) -> None:
    for cell in ("Các cơ quan, đơn vị", "Các cơ quan, đơn vị thuộc quận"):
        (named,) = directory.resolve_cell(cell)
        assert named.collective and set(named.codes) == set(DEPARTMENTS + CENTERS), cell
    (vague,) = directory.resolve_cell("Các cơ quan, đơn vị liên quan")
    assert vague.codes == () and not vague.collective


def test_collectives_inside_a_list(directory: UnitDirectory) -> None:
    cell = "Các cơ quan chuyên môn, đơn vị sự nghiệp công lập, UBND 11 phường"
    named = directory.resolve_cell(cell)
    assert [n.written for n in named] == [
        "Các cơ quan chuyên môn",
        "đơn vị sự nghiệp công lập",
        "UBND 11 phường",
    ]
    assert set().union(*(n.codes for n in named)) == set(DEPARTMENTS + CENTERS + WARDS)


def test_unresolved_names_are_kept_as_written(directory: UnitDirectory) -> None:
    cell = "Chi Cục Thuế quận, Công an, quận, Bảo hiểm xã hội quận, Kho bạc Nhà nước quận, Bưu điện"
    assert resolved(directory, cell) == [
        ("Chi Cục Thuế quận", ()),
        ("Công an quận", ()),
        ("Bảo hiểm xã hội quận", ()),
        ("Kho bạc Nhà nước quận", ()),
        ("Bưu điện", ()),
    ]
    assert resolved(directory, "Văn phòng UBND quận và các cơ quan, đơn vị liên quan") == [
        ("Văn phòng UBND quận", ("VP",)),
        ("các cơ quan, đơn vị liên quan", ()),
    ]


def test_a_name_with_a_comma_in_the_registry(directory: UnitDirectory) -> None:
    ward_style = UnitDirectory(
        [
            RegisteredUnit("KTHTDT", "Phòng Kinh tế, Hạ tầng và Đô thị", "phong_ban"),
            RegisteredUnit("VHXH", "Phòng Văn hóa - Xã hội", "phong_ban"),
        ]
    )
    assert resolved(ward_style, "Phòng Kinh tế, Hạ tầng và Đô thị; Phòng VH-XH") == [
        ("Phòng Kinh tế, Hạ tầng và Đô thị", ("KTHTDT",)),
        ("Phòng VH-XH", ("VHXH",)),
    ]


def test_ambiguous_names_resolve_to_nobody() -> None:
    twins = UnitDirectory(
        [
            RegisteredUnit("A", "Phòng Kinh tế", "phong_ban", ("Kinh tế",)),
            RegisteredUnit("B", "Kinh tế", "khac"),
        ]
    )
    named = twins.resolve_cell("Kinh tế")
    assert named[0].codes == ()
    assert named[0].ambiguous


def test_html_and_empty_cells(directory: UnitDirectory) -> None:
    assert resolved(directory, "<p>Phòng Nội vụ</p><br>") == [("Phòng Nội vụ", ("NV",))]
    assert resolved(directory, "") == []
    assert resolved(directory, " \n ") == []
