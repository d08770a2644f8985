"""Rosters: encodings, separators, header case; bad rows set aside with their row number."""

from __future__ import annotations

import pytest

from generator.core.errors import HandoutError
from generator.packets.roster import read_roster


def roster(tmp_path, data: bytes | str):
    path = tmp_path / "roster.csv"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return read_roster(path)


def names(found) -> list[str]:
    return [row.participant.name for row in found.rows]


def test_utf8_with_bom_semicolons_and_any_header_case(tmp_path):
    data = "NAME; Pronouns ;Group\r\nZoë Ñúñez;she/her;Tue\r\n".encode()
    found = roster(tmp_path, b"\xef\xbb\xbf" + data)
    (row,) = found.rows
    assert (row.participant.name, row.participant.pronouns, row.participant.group) == (
        "Zoë Ñúñez",
        "she/her",
        "Tue",
    )
    assert row.participant.slug == "zoe-nunez"
    assert row.line == 2


def test_commas_quotes_and_blank_lines(tmp_path):
    found = roster(tmp_path, 'name,note\n"Kim, Alex","Bring a pen, please"\n\n李小龙,\n')
    assert names(found) == ["Kim, Alex", "李小龙"]
    assert found.rows[0].participant.note == "Bring a pen, please"
    assert found.rows[1].participant.slug == "lixiaolong"  # spelled in ASCII, not dropped


def test_bad_rows_are_set_aside_with_row_number_and_reason(tmp_path):
    data = (
        b"name,group\n"
        b"Ana,A\n"
        b",B\n" + b"X" * 81 + b",C\n"  # empty name  # over-long name
        b"Jos\xe9,D\n"  # Latin-1, not UTF-8
        b"Bo,E,extra\n"  # a value in an unknown column
        b"Cy,F\n"
    )
    found = roster(tmp_path, data)
    assert names(found) == ["Ana", "Cy"]
    assert [str(bad) for bad in found.bad] == [
        "row 3: name: expected a name, got nothing",
        "row 4: name: expected at most 80 characters, got 81",
        "row 5: not valid UTF-8 text; save the roster as 'CSV UTF-8'",
        "row 6: 3 values, but the header names 2 columns (a value in an unknown column)",
    ]


def test_reasons_never_repeat_the_row_content(tmp_path):
    found = roster(tmp_path, "name,pronouns\nSecret Person," + "p" * 41 + "\n")
    (bad,) = found.bad
    assert "Secret" not in str(bad)
    assert str(bad) == "row 2: pronouns: expected at most 40 characters, got 41"


def test_same_names_get_distinct_file_names(tmp_path):
    found = roster(tmp_path, "name\nAna Díaz\nAna Diaz\nana díaz\nReport\n")
    assert [row.participant.slug for row in found.rows] == [
        "ana-diaz",
        "ana-diaz-2",
        "ana-diaz-3",
        "report-2",  # never the name of the summary report
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Name,Email\nAna,a@x\n", "line 1: column(s) B not recognised; expected a first row"),
        ("group\nA\n", "line 1: expected a 'name' column"),
        ("name,Name\nA,B\n", "line 1: column(s) named twice: name"),
        ("\n\n", "the roster is empty"),
        ("name\n", "the roster has a header but no participants"),
    ],
)
def test_a_bad_header_stops_before_anything_is_built(tmp_path, data, message):
    with pytest.raises(HandoutError) as caught:
        roster(tmp_path, data)
    assert "roster.csv" in caught.value.message
    assert message in caught.value.message


def test_a_roster_without_its_header_row_never_shows_the_names(tmp_path):
    with pytest.raises(HandoutError) as caught:
        roster(tmp_path, "Secret Person,Tuesday\nOther Person,Tuesday\n")
    message = caught.value.message
    assert "line 1: the header row is missing or not recognised" in message
    assert "Secret" not in message and "Tuesday" not in message
    assert message.count("\n") == 0  # one message for the one problem


@pytest.mark.parametrize(
    "header",
    ["Name", " FULL NAME ", "participant", "Client", "\ufeffname", "Participant_Name"],
)
def test_common_name_headers_are_recognised(tmp_path, header):
    found = roster(tmp_path, f"{header},Group\nAna Díaz,Tue\n")
    assert names(found) == ["Ana Díaz"]


def test_first_and_last_name_columns_are_joined(tmp_path):
    found = roster(tmp_path, "First name;Last Name;group\nAna;Díaz;A\n;Lee;B\nCy;;C\n;;D\n")
    assert names(found) == ["Ana Díaz", "Lee", "Cy"]
    assert [str(bad) for bad in found.bad] == ["row 5: name: expected a name, got nothing"]
    with pytest.raises(HandoutError, match="both a 'name' column and 'first name'"):
        roster(tmp_path, "name,first name\nA,B\n")


UNREADABLE = "cannot be read as CSV"


@pytest.mark.parametrize(
    "hostile",
    [
        '"Secret Person,A\n',  # a quote never closed: it would swallow every row after it
        '"' + "x" * 200_000 + '",A\n',  # longer than csv.field_size_limit()
        '"Secret"Person,A\n',  # a quote out of place
    ],
)
def test_a_row_the_csv_reader_cannot_read_is_one_bad_row(tmp_path, hostile):
    found = roster(tmp_path, "name,group\nAna,A\n" + hostile + "Bo,B\nCy,C\n")
    assert names(found) == ["Ana", "Bo", "Cy"]
    (bad,) = found.bad
    assert bad.line == 3 and UNREADABLE in bad.reason and "Secret" not in str(bad)


def test_nul_bytes_and_a_huge_field_are_bad_rows_by_number(tmp_path):
    data = "name\nAna\nSe\x00cret\n" + "x" * 200_000 + "\nBo\u2028Lee\nCy\n"
    found = roster(tmp_path, data)
    assert [row.line for row in found.rows] == [2, 5, 6]  # a U+2028 does not end a CSV line
    assert [(bad.line, bad.reason[:21]) for bad in found.bad] == [
        (3, "name: expected plain "),
        (4, UNREADABLE),
    ]


def test_rows_over_the_cap_are_refused_before_anything_is_built(tmp_path):
    data = "name\n" + "".join(f"P{n}\n" for n in range(6))
    assert len(roster(tmp_path, data).rows) == 6
    path = tmp_path / "roster.csv"
    assert len(read_roster(path, max_rows=6).rows) == 6
    with pytest.raises(HandoutError, match="more than 5 rows; split it"):
        read_roster(path, max_rows=5)
