from __future__ import annotations

import json

import pytest

from lifeline.domain.csv_import import (
    EXAMPLE_CSV,
    EXAMPLE_JSON,
    IMPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportFormat,
    ImportRow,
    detect_delimiter,
    format_of_filename,
    parse_csv,
    parse_import,
    parse_json,
)
from lifeline.domain.password_policy import Strength, password_strength
from lifeline.errors import InvalidInput

HEADER = ",".join(IMPORT_COLUMNS)
GOOD = "Grace Hopper,Grace,Grace@Example.com,ghopper,COBOL,Sample1%,yes,true,0,7"


def csv_of(*rows: str, header: str = HEADER, sep: str = "\n") -> str:
    return sep.join([header, *rows]) + sep


def test_schema_is_the_documented_ten_columns():
    assert IMPORT_COLUMNS == (
        "Name", "Nickname", "Email", "SSO ID", "Description", "Password", "Enabled",
        "Standard License", "Mobile License", "Tech Group ID",
    )  # fmt: skip


def test_good_row():
    (row,) = parse_csv(csv_of(GOOD))
    assert row == ImportRow(
        row_number=1, name="Grace Hopper", nickname="Grace", email="grace@example.com", sso_id="ghopper",
        description="COBOL", password="Sample1%", enabled=True, standard_license=True, mobile_license=False,
        tech_group_id=7,
    )  # fmt: skip
    assert row.ok
    assert "Sample1%" not in repr(row)


def test_examples_parse_cleanly_and_agree():
    csv_rows = parse_csv(EXAMPLE_CSV)
    json_rows = parse_json(EXAMPLE_JSON)
    assert all(r.ok for r in csv_rows) and len(csv_rows) == 2
    assert csv_rows == json_rows
    assert csv_rows[1].description == "Night shift, Tier 1"
    assert all(password_strength(r.password) >= Strength.GOOD for r in csv_rows)


def test_semicolon_delimiter_and_crlf_and_bom():
    text = csv_of(GOOD.replace(",", ";"), header=";".join(IMPORT_COLUMNS), sep="\r\n")
    (row,) = parse_csv(("\ufeff" + text).encode("utf-8"))
    assert row.ok and row.tech_group_id == 7
    assert detect_delimiter(";".join(IMPORT_COLUMNS)) == ";"


def test_windows_1252_fallback():
    text = csv_of(GOOD.replace("Grace Hopper", "Zoë Café"))
    (row,) = parse_csv(text.encode("cp1252"))
    assert row.name == "Zoë Café"


def test_headers_are_case_and_space_insensitive():
    header = ", ".join(c.upper() for c in IMPORT_COLUMNS)
    assert parse_csv(csv_of(GOOD, header=header))[0].ok


@pytest.mark.parametrize(
    "header",
    [
        ",".join(IMPORT_COLUMNS[:-1]),  # a column missing
        ",".join([IMPORT_COLUMNS[1], IMPORT_COLUMNS[0], *IMPORT_COLUMNS[2:]]),  # order swapped
        ",".join([*IMPORT_COLUMNS, "Phone"]),  # an extra column
        "\t".join(IMPORT_COLUMNS),  # tab is not a supported delimiter
    ],
)
def test_bad_header_rejects_the_file(header):
    with pytest.raises(InvalidInput, match="column headers"):
        parse_csv(csv_of(GOOD, header=header))


def test_blank_lines_are_skipped_and_rows_numbered_by_technician():
    rows = parse_csv(csv_of("", GOOD, " , , , , , , , , , ", GOOD.replace("Grace@", "other@")))
    assert [r.row_number for r in rows] == [1, 2]
    assert all(r.ok for r in rows)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (",Grace,g@example.com,,,Sample1%,yes,yes,no,7", "Missing Name"),
        ("Grace,,,,,Sample1%,yes,yes,no,7", "Missing Email"),
        ("Grace,,g@example.com,,,,yes,yes,no,7", "Missing Password"),
        ("Grace,,g@example.com,,,Sample1%,,yes,no,7", "Missing Enabled"),
        ("Grace,,g@example.com,,,Sample1%,yes,,,7", "Missing Standard License, Mobile License"),
        ("Grace,,g@example.com,,,Sample1%,yes,yes,no,", "Missing Tech Group ID"),
        ("Grace,,not-an-email,,,Sample1%,yes,yes,no,7", "not a valid email"),
        ("Grace,,g@example.com,,,Sample1%,maybe,yes,no,7", "Enabled must be yes/no"),
        ("Grace,,g@example.com,,,Sample1%,yes,yes,no,seven", "positive whole number"),
        ("Grace,,g@example.com,,,Sample1%,yes,yes,no,0", "positive whole number"),
        ("Grace,,g@example.com,,,Sample1%,yes,yes,no,-3", "positive whole number"),
        ("Grace,,g@example.com,,,Sample1%,yes,yes,no", "Expected 10 columns, found 9"),
        ("Grace,,g@example.com,,,Sample1%,yes,yes,no,7,extra", "Expected 10 columns, found 11"),
        ("G" * 129 + ",,g@example.com,,,Sample1%,yes,yes,no,7", "longer than 128"),
    ],
)
def test_bad_rows_fail_alone(line, fragment):
    rows = parse_csv(csv_of(GOOD, line))
    assert rows[0].ok
    assert not rows[1].ok and fragment in rows[1].error
    assert rows[1].row_number == 2


def test_weak_password_is_left_to_the_service():
    (row,) = parse_csv(csv_of(GOOD.replace("Sample1%", "weak")))
    assert row.ok and row.password == "weak"


def test_password_is_not_stripped():
    (row,) = parse_csv(csv_of(GOOD.replace("Sample1%", '" Sample1% "')))
    assert row.password == " Sample1% "


def test_global_group_overrides_and_excuses_the_file_column():
    rows = parse_csv(
        csv_of(
            GOOD,
            GOOD.replace("Grace@", "b@").replace(",7", ","),
            GOOD.replace("Grace@", "c@").replace(",7", ",junk"),
        ),
        global_group_id=3,
    )
    assert [r.tech_group_id for r in rows] == [3, 3, 3]
    assert all(r.ok for r in rows)


def test_duplicate_emails_fail_the_later_row():
    rows = parse_csv(csv_of(GOOD, GOOD.replace("Grace@Example.com", "GRACE@example.com")))
    assert rows[0].ok
    assert "already used on row 1" in rows[1].error


def test_500_rows_accepted_501_rejected():
    lines = [GOOD.replace("Grace@", f"g{i}@") for i in range(MAX_IMPORT_ROWS)]
    assert len(parse_csv(csv_of(*lines))) == MAX_IMPORT_ROWS
    with pytest.raises(InvalidInput, match="at most 500"):
        parse_csv(csv_of(*lines, GOOD))


def test_empty_files_rejected():
    with pytest.raises(InvalidInput, match="empty"):
        parse_csv("\n\n")
    with pytest.raises(InvalidInput, match="no technicians"):
        parse_csv(HEADER + "\n")
    with pytest.raises(InvalidInput, match="no technicians"):
        parse_json('{"technicians": []}')


def test_oversized_and_undecodable_files_rejected():
    with pytest.raises(InvalidInput, match="larger than"):
        parse_csv(b"x" * (MAX_IMPORT_BYTES + 1))
    with pytest.raises(InvalidInput, match="neither UTF-8"):
        parse_csv(b"Name\x81\x8d")


def test_malformed_quoting_rejected():
    with pytest.raises(InvalidInput, match="malformed"):
        parse_csv(csv_of('Grace,"Gr"ace,g@example.com,,,Sample1%,yes,yes,no,7'))


# ---- JSON ---------------------------------------------------------------------------------------


def tech(**change):
    base = {"name": "Grace", "email": "grace@example.com", "password": "Sample1%", "enabled": True,
            "standard_license": "yes", "mobile_license": 0, "tech_group_id": "7"}  # fmt: skip
    return {**base, **change}


def test_json_list_and_optional_keys():
    (row,) = parse_json(json.dumps([tech()]))
    assert row.ok and row.nickname == "" and row.tech_group_id == 7 and row.mobile_license is False


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        (tech(phone="1"), "Unknown field"),
        (tech(name=None), "Missing Name"),
        (tech(name=5), "Name must be text"),
        (tech(password=12345678), "Password must be text"),
        (tech(enabled="sometimes"), "Enabled must be"),
        (tech(enabled=2.5), "Enabled must be"),
        (tech(tech_group_id=True), "positive whole number"),
        (tech(tech_group_id=1.5), "positive whole number"),
        ("Grace", "must be a JSON object"),
    ],
)
def test_json_bad_records(record, fragment):
    rows = parse_json(json.dumps({"technicians": [tech(email="ok@example.com"), record]}))
    assert rows[0].ok
    assert fragment in rows[1].error


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('{"users": []}', "must be"),
        ('{"technicians": {}}', "JSON list"),
        ('"hello"', "JSON list"),
    ],
)
def test_json_bad_files(text, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        parse_json(text)


def test_json_501_rejected():
    with pytest.raises(InvalidInput, match="at most 500"):
        parse_json(json.dumps([tech(email=f"g{i}@example.com") for i in range(MAX_IMPORT_ROWS + 1)]))


# ---- dispatch -----------------------------------------------------------------------------------


def test_parse_import_dispatches_by_format():
    assert parse_import(EXAMPLE_CSV, "csv") == parse_import(EXAMPLE_JSON.encode(), ImportFormat.JSON)
    with pytest.raises(InvalidInput):
        parse_import(EXAMPLE_CSV, "xlsx")
    with pytest.raises(InvalidInput):
        parse_import(EXAMPLE_CSV, "csv", global_group_id=0)


@pytest.mark.parametrize(("name", "fmt"), [("techs.CSV", ImportFormat.CSV), ("a.b.json", ImportFormat.JSON)])
def test_format_of_filename(name, fmt):
    assert format_of_filename(name) is fmt


def test_format_of_filename_rejects_others():
    with pytest.raises(InvalidInput):
        format_of_filename("techs.xlsx")
