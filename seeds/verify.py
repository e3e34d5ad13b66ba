#!/usr/bin/env python3
"""Independent verifier for the shuangsui draw protocol, versions
`shuangsui-draw/2` and `shuangsui-draw/1`.

This file is a second implementation of SPEC.md, written from that document
alone (not from the Rust code).  It uses the Python 3.11 standard library
only; ChaCha20 is implemented below in pure Python (SPEC §9), cross-checked
against the `cryptography` package when that happens to be installed.

Usage
  python3 seeds/verify.py                 run every case folder under seeds/
                                          (v1), seeds/v2/ (v2) and seeds/plans/
                                          (plans, SPEC §17)
  python3 seeds/verify.py seeds/05-xyz    run one case folder
  python3 seeds/verify.py --bless         also write the missing expected
                                          files of v2 cases (never overwrites)
  python3 seeds/verify.py --record R.json --entities E.csv --inspectors I.csv
                          [--exclude X.csv ...] [--announcement A.json]
                                          verify a published record (SPEC §13)

Tables are read as CSV only (UTF-8, or GBK/GB18030 when the file is not valid
UTF-8; comma- or tab-separated; SPEC §3.0).  Excel files (.xlsx, .xls) are
not read: open them in Excel or WPS and save them as CSV first.

A case folder holds entities.csv, inspectors.csv, task.toml, seed.txt,
optionally exclusions.csv and announcement.json, and expected.json (either
the full expected record, SPEC §11, or {"error": "<ErrorKind>"}, SPEC §14).

Exit status: 0 when everything reproduced, 1 on a difference, 2 on an input
error (record verification only).  Warnings (for instance an id that fails
the GB 32100 code check where that is only a warning) go to stderr.

Every function cites the section of SPEC.md it implements.  Where SPEC.md
leaves a choice open, the choice made here is marked "CHOICE:".
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime
import hashlib
import io
import json
import re
import struct
import sys
import tomllib
from pathlib import Path

PROTOCOL = "shuangsui-draw/1"
PROTOCOL_V2 = "shuangsui-draw/2"
PROTOCOLS = (PROTOCOL, PROTOCOL_V2)


# ---------------------------------------------------------------------------
# SPEC §14: errors
# ---------------------------------------------------------------------------

ERROR_KINDS = {
    "Io", "Csv", "MissingColumn", "DuplicateColumn", "EmptyDirectory",
    "DuplicateId", "InvalidId", "InvalidText", "InvalidValue", "InvalidDate",
    "InvalidTask", "InvalidSeed", "OverlappingStrata", "QuotaExceedsStratum",
    "NoQualifiedInspector", "Infeasible", "AnnouncementMismatch",
    "InvalidRecord", "Unannounced",
}


class DrawError(Exception):
    """An error of one of the SPEC §14 kinds, with a human-readable message."""

    def __init__(self, kind: str, message: str):
        assert kind in ERROR_KINDS, kind
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


# ---------------------------------------------------------------------------
# SPEC §1: notation
# ---------------------------------------------------------------------------

def u64be(x: int) -> bytes:
    """SPEC §1: 8-byte big-endian unsigned integer."""
    return struct.pack(">Q", x)


def lp(b: bytes) -> bytes:
    """SPEC §1: length prefix, u64be(len(b)) ‖ b."""
    return u64be(len(b)) + b


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def _as_bytes(f) -> bytes:
    return f.encode("utf-8") if isinstance(f, str) else bytes(f)


def H(tag: str, *fields) -> bytes:
    """SPEC §1: H(tag, f1, …, fn) = SHA256(lp(tag) ‖ lp(f1) ‖ … ‖ lp(fn)).
    Text fields are taken by their UTF-8 bytes, digests by their raw bytes."""
    assert tag.startswith("shuangsui/1/")
    return sha256(b"".join(lp(_as_bytes(f)) for f in (tag,) + fields))


def canonical_json(value) -> str:
    """SPEC §1: canonical JSON (keys sorted by bytes, no whitespace, UTF-8).
    Python compares str by code point, which equals UTF-8 byte order."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)


def by_bytes(s: str) -> bytes:
    """SPEC §1: sort key "by bytes" (UTF-8 bytes, lexicographic)."""
    return s.encode("utf-8")


# ---------------------------------------------------------------------------
# SPEC §2: text normalization
# ---------------------------------------------------------------------------

# Step 1: U+FF01…U+FF5E → U+0021…U+007E; U+3000 → U+0020.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
# Step 2: the whitespace set of SPEC §2.
_WS = ("\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029"
       "\u202f\u205f\u3000\ufeff")
_WS_RUN = re.compile(f"[{_WS}]+")
_WS_EDGES = re.compile(f"^[{_WS}]+|[{_WS}]+$")
# Step 3: control characters (C0, DEL and C1).
_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f]")


def normalize(text: str, where: str = "") -> str:
    """SPEC §2: full-width fold, whitespace trim/collapse, control check."""
    if not isinstance(text, str):
        raise DrawError("InvalidText", f"{where}: expected text, got {text!r}")
    s = text.translate(_FOLD)
    s = _WS_EDGES.sub("", s)
    s = _WS_RUN.sub(" ", s)
    m = _CONTROL.search(s)
    if m:
        raise DrawError("InvalidText",
                        f"{where}: control character U+{ord(m.group()):04X} "
                        f"in {s!r}; remove it from the file")
    return s


def ascii_upper(s: str) -> str:
    """SPEC §3.1: upper-case ASCII letters only (no Unicode case mapping)."""
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)


def ascii_lower(s: str) -> str:
    """SPEC §3.2/§3.3: lower-case ASCII letters only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


# ---------------------------------------------------------------------------
# SPEC §3.3: headers
# ---------------------------------------------------------------------------

def header_match_form(normalized_header: str) -> str:
    """SPEC §3.3: ASCII lower-case, then remove spaces, '_' and '-'."""
    s = ascii_lower(normalized_header)
    return s.replace(" ", "").replace("_", "").replace("-", "")


ID_PRIMARY, ID_LEGACY = "id", "id(legacy)"   # internal roles of id columns

_ENTITY_ROWS = [
    (ID_PRIMARY, "统一社会信用代码 统一信用代码 社会信用代码 信用代码 id code uscc creditcode"),
    (ID_LEGACY, "注册号 regno registrationnumber"),
    ("name", "企业名称 主体名称 市场主体名称 名称 name entityname"),
]
_ENTITY_ATTRIBUTE_ROWS = [
    ("所属区域", "所属区域 区域 所属地区 地区 区划 乡镇街道 region area"),
    ("行业", "行业 行业门类 所属行业 industry"),
    ("信用风险等级", "信用风险等级 风险等级 信用等级 信用风险分类 creditclass riskclass creditrisk"),
    ("企业类型", "企业类型 市场主体类型 主体类型 entitytype"),
    ("登记机关", "登记机关 registrationauthority"),
    ("法定代表人", "法定代表人 负责人 经营者 legalrepresentative"),
    ("住所", "住所 经营场所 地址 address"),
    ("管辖单位", "管辖单位 属地监管所 supervisingunit"),
]
_INSPECTOR_ROWS = [
    ("id", "执法证号 执法证件号 证号 执法证编号 id certificateno certificate"),
    ("name", "姓名 名称 name"),
    ("department", "单位 部门 所属部门 所属单位 执法单位 department"),
    ("fields", "执法领域 执法类别 执法事项 执法门类 fields field"),
    ("status", "状态 人员状态 status"),
    ("expiry", "有效期 证件有效期 有效期至 证件有效期至 expiry validuntil"),
]


def _table(rows):
    return {header_match_form(alias): key
            for key, aliases in rows for alias in aliases.split()}


ENTITY_ATTRIBUTE_HEADERS = _table(_ENTITY_ATTRIBUTE_ROWS)
ENTITY_HEADERS = {**_table(_ENTITY_ROWS), **ENTITY_ATTRIBUTE_HEADERS}
# "other — looked up in the attribute rows of the entity table"
INSPECTOR_HEADERS = {**ENTITY_ATTRIBUTE_HEADERS, **_table(_INSPECTOR_ROWS)}


def entity_key(normalized: str) -> str:
    """SPEC §3.3/§5.1: map a key (header, `where` key, strata_by attribute,
    avoid_same entity key) through the entity table.  Both id rows mean
    `id` (CHOICE: a `where` key 注册号 means the entity id, see report)."""
    key = ENTITY_HEADERS.get(header_match_form(normalized), normalized)
    return "id" if key in (ID_PRIMARY, ID_LEGACY) else key


def inspector_key(normalized: str) -> str:
    """SPEC §3.3/§5.2: map an avoid_same inspector key via the inspector table."""
    return INSPECTOR_HEADERS.get(header_match_form(normalized), normalized)


# ---------------------------------------------------------------------------
# Reading a table (SPEC §3.0): CSV in UTF-8 or GB18030, comma or tab
# ---------------------------------------------------------------------------

class Inputs:
    """How the input tables are read (SPEC §3.1 code check, §5.3 reading
    keys), and the warnings collected while reading them.

    `invalid_codes` is "error" or "warn" (task key, SPEC §3.1); `columns`
    maps "entities" / "inspectors" / "exclusions" to {header match form:
    target text} (task tables [columns.*], SPEC §5.3)."""

    def __init__(self, invalid_codes: str = "error", columns=None):
        self.invalid_codes = invalid_codes
        self.columns = columns or {}
        self.warnings: list[str] = []
        self.seed_tables = None      # the task file's [[seed]] tables (v2)

    def warn(self, message: str):
        self.warnings.append(message)


def _blank(cell: str) -> bool:
    """SPEC §3.0: a cell that is empty or whitespace (§2 fold, §2 set)."""
    return _WS_EDGES.sub("", cell.translate(_FOLD)) == ""


_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


_WINDOW = 64 * 1024


def decode_table(path: Path):
    """SPEC §3.0: the text of a CSV file and its separator.

    Encoding: a file starting with the UTF-8 byte-order mark is UTF-8 (the
    mark is skipped).  Otherwise the 64 KiB starting at the file's first
    byte >= 0x80 decide: UTF-8 when they are valid UTF-8 (a sequence cut off
    by the 64 KiB limit counts as valid), GB18030 otherwise (and for a file
    of ASCII only, where both read the same).  A file read as UTF-8 must be
    UTF-8 as a whole, one read as GB18030 valid GB18030: otherwise `Csv`.

    Separator: the first line of the 64 KiB after the BOM (lines end at LF
    or CR) that holds a comma or a tab decides: tab when it has more tabs
    than commas, else comma; comma when no line has either.  Counted on the
    bytes (GB18030 never uses these bytes inside a character).

    Excel workbooks are refused with a hint: this verifier reads CSV only."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DrawError("Io", f"{path}: cannot read ({e.strerror})")
    if (raw.startswith(_EXCEL_MAGIC)
            or Path(path).suffix.lower() in (".xlsx", ".xls", ".xlsm")):
        raise DrawError("Io", f"{path}: an Excel workbook; verify.py reads CSV "
                              "only — open it in Excel/WPS and save it as "
                              "CSV (UTF-8) first")
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    delimiter = _delimiter(body[:_WINDOW])
    first = next((i for i, b in enumerate(body) if b >= 0x80), None)
    if bom or first is None:
        utf8 = True
    else:
        window = body[first:first + _WINDOW]
        at_eof = first + _WINDOW >= len(body)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(window, final=at_eof)
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        try:
            return body.decode("utf-8"), delimiter
        except UnicodeDecodeError as e:
            raise DrawError("Csv", f"{path}: not UTF-8 text from byte "
                                   f"{e.start} on, though its first non-ASCII "
                                   "text is UTF-8 — the file mixes encodings; "
                                   "save it again as UTF-8 CSV")
    try:
        return body.decode("gb18030"), delimiter
    except UnicodeDecodeError as e:
        raise DrawError("Csv", f"{path}: neither UTF-8 nor GBK/GB18030 text "
                               f"(byte {e.start}); save the file as UTF-8 CSV")


def _delimiter(head: bytes) -> str:
    """SPEC §3.0: the first line holding a comma or a tab decides."""
    for line in re.split(b"\r|\n", head):
        tabs, commas = line.count(b"\t"), line.count(b",")
        if tabs + commas:
            return "\t" if tabs > commas else ","
    return ","


def parse_csv(path: Path):
    """Return [(line number, cells)] for every record of the file, the line
    number being the file line on which the record starts (SPEC §3.0)."""
    text, delimiter = decode_table(path)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        # SPEC §3.0: a quote never closed, or text after a closing quote
        raise DrawError("Csv", f"{path}: row {start}: {e} (a quote left open "
                               "swallows the rows after it; text after a "
                               "closing quote needs the whole value quoted "
                               "with inner quotes doubled)")
    return rows


def _header_key(cell: str, table: dict, mapping: dict):
    """SPEC §3.3 and §5.3 [columns.*]: the key of a header cell, or None for
    an empty header (ignored, SPEC §3.0).  A header named in the mapping is
    read as if it were the mapped field or alias; a header that is neither
    in the mapping nor in the table is an attribute keyed by its normalized
    text.  CHOICE: mapping keys are matched like table aliases (ASCII case,
    spaces, '_' and '-' ignored)."""
    norm = normalize(cell)
    if norm == "":
        return None
    form = header_match_form(norm)
    if form in mapping:
        norm = mapping[form]
        form = header_match_form(norm)
    return table.get(form, norm)


def read_table(path: Path, table: dict, id_keys, label: str, mapping=None,
               lenient: bool = False):
    """SPEC §3.0: find the header row, pad short rows, refuse extra cells.

    Returns (header row number, [(column index, header text, key)],
    iterator of (row number, cells)) with the ignored (empty-header)
    columns left out of the column list; or None when the file has no
    non-empty row.  The header row is the first of the first 30 non-empty
    rows with a cell whose key is one of `id_keys`; failing that the first
    non-empty row (the caller then reports the missing id column).  With `lenient` (a table
    whose other columns are ignored, §4), a header cell that is not valid
    text (§2) makes an ignored column instead of an error."""
    mapping = mapping or {}
    rows = [(n, cells) for n, cells in parse_csv(path)
            if not all(_blank(c) for c in cells)]
    if not rows:
        return None

    def key_or_none(cell):
        try:
            return _header_key(cell, table, mapping)
        except DrawError:
            return None

    at = 0
    for i, (_, cells) in enumerate(rows[:30]):
        if any(key_or_none(c) in id_keys for c in cells):
            at = i
            break
    header_row, header = rows[at]
    columns = []
    for i, cell in enumerate(header):
        # InvalidText on a header that is not valid text, unless lenient
        key = key_or_none(cell) if lenient else _header_key(cell, table,
                                                             mapping)
        if key is not None:
            columns.append((i, cell, key))
    return header_row, columns, _data_rows(path, label, header,
                                           rows[at + 1:])


def _data_rows(path, label, header, rows):
    """SPEC §3.0: the data rows below the header, short rows padded with
    empty cells; a non-empty cell beyond the header's last column is `Csv`.
    A generator, so that the caller checks the columns (MissingColumn,
    DuplicateColumn) before any row."""
    for n, cells in rows:
        extra = [j for j in range(len(header), len(cells))
                 if not _blank(cells[j])]
        if extra:
            raise DrawError("Csv", f"{path}: row {n} has a value in column "
                                   f"{extra[0] + 1}, beyond the header's last "
                                   f"column ({len(header)}) in the {label}; "
                                   "remove it or give the column a header")
        yield n, cells + [""] * (len(header) - len(cells))


def check_line_breaks(path, n, header_text, cell):
    """SPEC §3.0: a line break in a key column is an error (`Csv`)."""
    if "\n" in cell or "\r" in cell:
        raise DrawError("Csv", f"{path}: row {n}, column {header_text!r}: the "
                               "cell spans several lines — most likely a "
                               "quote (\") left open swallowed the rows after "
                               "it; close or remove the quote")


_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]*[Ee][+-]?|[Ee][+-])[0-9]+")


def check_not_scientific(path, n, header_text, text):
    """SPEC §3.0: an id whose normalized text is a number in scientific
    notation — digits, then either '.', optional digits, E/e and an
    optional sign, or E/e and a sign; then digits — is `InvalidId` (Excel
    lost the digits).  `12E345`, without point or sign, may be a real id."""
    if _SCIENTIFIC.fullmatch(normalize(text)):
        raise DrawError("InvalidId", f"{path}: row {n}, column {header_text!r}: "
                                     f"{text!r} is a number in scientific "
                                     "notation (Excel turned the code into a "
                                     "number and lost its digits); format the "
                                     "column as text and enter the codes again")


def map_columns(path, columns, name: str):
    """SPEC §3.3: two columns that map to the same key are `DuplicateColumn`
    (the id pair of §3.1 has two distinct internal keys, so it passes).
    Returns {key: column index}."""
    seen = {}
    for i, text, key in columns:
        if key in seen:
            raise DrawError("DuplicateColumn",
                            f"{path}: columns {seen[key] + 1} and {i + 1} both "
                            f"mean {key!r} in the {name}; keep one of them")
        seen[key] = i
    return seen


# ---------------------------------------------------------------------------
# SPEC §3.1: the code check (GB 32100-2015 with its GB 11714 part)
# ---------------------------------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def code_is_valid(s: str) -> bool:
    """SPEC §3.1: a valid 统一社会信用代码 (18 characters, both check
    characters right) or a legacy 注册号 of 15 digits."""
    if len(s) == 15 and s.isascii() and s.isdigit():
        return True
    if len(s) != 18 or any(c not in _USCC_ALPHABET for c in s):
        return False
    # characters 9–17 (1-based) are the organisation code; 17 is its check
    org = s[8:16]
    total = sum(w * (int(c) if c.isdigit() else ord(c) - ord("A") + 10)
                for w, c in zip(_ORG_WEIGHTS, org))
    c = 11 - total % 11
    if s[16] != ("X" if c == 10 else "0" if c == 11 else str(c)):
        return False
    total = sum(pow(3, i, 31) * _USCC_ALPHABET.index(s[i]) for i in range(17))
    return s[17] == _USCC_ALPHABET[(31 - total % 31) % 31]


def code_check(eid: str, where: str, inputs: Inputs, error: bool):
    """SPEC §3.1: an id that fails the check is `InvalidId` when `error`,
    otherwise a warning."""
    if code_is_valid(eid):
        return
    msg = (f"{where}: {eid!r} is neither a valid 统一社会信用代码 (GB 32100, "
           "check characters wrong or wrong length/characters) nor a 15-digit "
           "注册号")
    if error:
        raise DrawError("InvalidId", msg + "; correct it, or write "
                                           "invalid_codes = \"warn\" in the task")
    inputs.warn(msg)


# ---------------------------------------------------------------------------
# SPEC §3.1: entity directory
# ---------------------------------------------------------------------------

_ENTITY_ID = re.compile(r"[0-9A-Z]+")


def entity_id(text: str, where: str) -> str:
    """SPEC §3.1: normalize, upper-case ASCII, require [0-9A-Z]+."""
    s = ascii_upper(normalize(text, where))
    if _SCIENTIFIC.fullmatch(s):   # SPEC §3.0, for every entity id
        raise DrawError("InvalidId", f"{where}: {s!r} is a number in "
                                     "scientific notation")
    if not _ENTITY_ID.fullmatch(s):
        raise DrawError("InvalidId",
                        f"{where}: entity id {s!r} must be non-empty and use "
                        "only 0-9 and A-Z (统一社会信用代码 or 注册号)")
    return s


def inspector_id(text: str, where: str) -> str:
    """SPEC §3.2: normalize, upper-case ASCII, non-empty (CHOICE: no charset
    restriction, the SPEC states none for inspector ids)."""
    s = ascii_upper(normalize(text, where))
    if not s:
        raise DrawError("InvalidId", f"{where}: empty 执法证号")
    if _SCIENTIFIC.fullmatch(s):   # SPEC §3.0, for every inspector id
        raise DrawError("InvalidId", f"{where}: {s!r} is a number in "
                                     "scientific notation")
    return s


class Entity:
    __slots__ = ("id", "name", "attrs", "row")

    def __init__(self, id_, name, attrs, row):
        self.id, self.name, self.attrs, self.row = id_, name, attrs, row

    def value(self, key: str):
        """Value of `key` for conditions (SPEC §5.1): id, name or attribute."""
        if key == "id":
            return self.id
        if key == "name":
            return self.name
        return self.attrs.get(key)

    def leaf(self, keys) -> bytes:
        """SPEC §3.1: SHA256("shuangsui/1/entity" ‖ 0 ‖ id ‖ 0 ‖ name ‖ 0 ‖
        v_1 ‖ 0 ‖ … ‖ v_m ‖ 0), v_i the value for the directory's i-th
        attribute key (empty when absent)."""
        fields = [self.id, self.name] + [self.attrs.get(k, "") for k in keys]
        return sha256(b"shuangsui/1/entity\0"
                      + b"".join(f.encode() + b"\0" for f in fields))


class Directory(dict):
    """{id: row} with the directory's attribute keys k_1 … k_m (SPEC §3.1):
    the canonical keys of all attribute columns, sorted by bytes."""
    attr_keys: list = []


def load_entities(path: Path, inputs: Inputs):
    """SPEC §3.0, §3.1, §3.3: read the entity directory; return {id: Entity}.
    The code check is an error unless `inputs.invalid_codes` is "warn"."""
    table = read_table(path, ENTITY_HEADERS, (ID_PRIMARY, ID_LEGACY),
                       "entity directory", inputs.columns.get("entities"))
    if table is None:
        raise DrawError("EmptyDirectory", f"{path}: the file is empty")
    header_row, columns, rows = table
    keys = map_columns(path, columns, "entity directory")
    if ID_PRIMARY not in keys and ID_LEGACY not in keys:
        raise DrawError("MissingColumn", f"{path}: no 统一社会信用代码/注册号 "
                                         "(id) column in the first 30 non-empty "
                                         "rows; name the id column's header, "
                                         "or map it with [columns.entities]")
    if "name" not in keys:
        raise DrawError("MissingColumn", f"{path}: no 企业名称 (name) column "
                                         f"in the header row {header_row}")
    both = ID_PRIMARY in keys and ID_LEGACY in keys
    entities = Directory()
    entities.attr_keys = sorted(
        {k for k in keys if k not in (ID_PRIMARY, ID_LEGACY, "name")}
        | ({"注册号"} if both else set()), key=by_bytes)
    for n, cells in rows:
        primary = legacy = name = ""
        primary_col = legacy_col = ""
        attrs = {}
        for i, text, key in columns:
            cell = cells[i]
            if key in (ID_PRIMARY, ID_LEGACY, "name"):
                check_line_breaks(path, n, text, cell)
            v = normalize(cell, f"{path}: row {n}, column {text!r}")
            if key == ID_PRIMARY:
                primary, primary_col = v, text
            elif key == ID_LEGACY:
                legacy, legacy_col = v, text
            elif key == "name":
                name = v
            elif v:
                attrs[key] = v
        where = f"{path}: row {n}"
        if both:
            raw_id, col = (primary, primary_col) if primary else (legacy,
                                                                  legacy_col)
            if legacy:
                # CHOICE: the 注册号 attribute keeps the normalized text (not
                # upper-cased), as every other attribute value.
                attrs["注册号"] = legacy
        elif ID_PRIMARY in keys:
            raw_id, col = primary, primary_col
        else:
            raw_id, col = legacy, legacy_col
        if both:   # SPEC §3.0: every id cell, the 注册号 beside a code too
            check_not_scientific(path, n, primary_col, primary)
            check_not_scientific(path, n, legacy_col, legacy)
        check_not_scientific(path, n, col, raw_id)
        eid = entity_id(raw_id, f"{where}, column {col!r}")
        code_check(eid, f"{where}, column {col!r}", inputs,
                   error=inputs.invalid_codes == "error")
        if not name:
            # CHOICE: SPEC §3.1 says "must be non-empty" without a kind.
            raise DrawError("InvalidValue", f"{where}: empty 企业名称 (name)")
        if eid in entities:
            raise DrawError("DuplicateId", f"{path}: rows {entities[eid].row} "
                                           f"and {n} both have id {eid}")
        entities[eid] = Entity(eid, name, attrs, n)
    if not entities:
        raise DrawError("EmptyDirectory", f"{path}: no data rows")
    return entities


# ---------------------------------------------------------------------------
# SPEC §3.2: inspector directory
# ---------------------------------------------------------------------------

_FIELD_SEPARATORS = re.compile("[;；,，、|/]")
_ACTIVE = {"有效", "在职", "在岗", "正常", "启用", "active", "valid"}
_INACTIVE = {"失效", "无效", "停用", "注销", "离职", "调离", "暂停", "inactive",
             "invalid", "suspended"}
_DATE_FORMS = [re.compile(r"([0-9]{4}) ?([-/.]) ?([0-9]{1,2}) ?\2 ?([0-9]{1,2})"),
               re.compile(r"([0-9]{4}) ?(年) ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?日")]


def canonical_fields(text: str, where: str) -> str:
    """SPEC §3.2: split on ; ； , ， 、 | /, normalize parts, drop empty,
    sort by bytes, de-duplicate, join with ';'."""
    parts = {normalize(p, where) for p in _FIELD_SEPARATORS.split(text)}
    parts.discard("")
    return ";".join(sorted(parts, key=by_bytes))


def canonical_status(text: str, where: str) -> str:
    """SPEC §3.2: `active` / `inactive`; empty means active."""
    s = ascii_lower(text)
    if s == "" or s in _ACTIVE:
        return "active"
    if s in _INACTIVE:
        return "inactive"
    raise DrawError("InvalidValue", f"{where}: status {text!r} is not one of "
                                    "有效/在职/…/失效/停用/… (SPEC §3.2)")


def canonical_date(text: str, where: str) -> str:
    """SPEC §3.2: on the normalized text, `Y S M S D` with S one of - / .
    (the same both times) or `Y年M月D日`; Y four ASCII digits (0001–9999),
    M and D one or two; one optional space on either side of each
    separator; the day must exist (proleptic Gregorian) → YYYY-MM-DD."""
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m:
            try:
                d = datetime.date(int(m[1]), int(m[3]), int(m[4]))
            except ValueError:
                break
            return d.isoformat()
    raise DrawError("InvalidDate", f"{where}: {text!r} is not a date such as "
                                   "2027-06-30 or 2027年6月30日")


class Inspector:
    __slots__ = ("id", "name", "department", "fields", "field_set", "status",
                 "expiry", "attrs", "row")

    def value(self, key: str):
        """Value of `key` for avoid_same (SPEC §5.2).  CHOICE: the core
        columns (id, name, department, …) are usable as keys too."""
        if key in ("id", "name", "department", "fields", "status", "expiry"):
            return getattr(self, key)
        return self.attrs.get(key)

    def leaf(self, keys) -> bytes:
        """SPEC §3.2: SHA256("shuangsui/1/inspector" ‖ 0 ‖ id ‖ 0 ‖ name ‖ 0 ‖
        department ‖ 0 ‖ fields ‖ 0 ‖ status ‖ 0 ‖ expiry ‖ 0 ‖ v_1 ‖ 0 ‖ … ‖
        v_m ‖ 0)."""
        fields = [self.id, self.name, self.department, self.fields,
                  self.status, self.expiry] + [self.attrs.get(k, "")
                                               for k in keys]
        return sha256(b"shuangsui/1/inspector\0"
                      + b"".join(f.encode() + b"\0" for f in fields))


_INSPECTOR_CORE = ("id", "name", "department", "fields", "status", "expiry")


def load_inspectors(path: Path, inputs: Inputs):
    """SPEC §3.0, §3.2, §3.3: read the inspector directory; return
    {id: Inspector}."""
    table = read_table(path, INSPECTOR_HEADERS, ("id",), "inspector directory",
                       inputs.columns.get("inspectors"))
    if table is None:
        raise DrawError("EmptyDirectory", f"{path}: the file is empty")
    header_row, columns, rows = table
    keys = map_columns(path, columns, "inspector directory")
    if "id" not in keys:
        raise DrawError("MissingColumn", f"{path}: no 执法证号 (id) column in "
                                         "the first 30 non-empty rows; name "
                                         "the id column's header, or map it "
                                         "with [columns.inspectors]")
    if "name" not in keys:
        raise DrawError("MissingColumn", f"{path}: no 姓名 (name) column in "
                                         f"the header row {header_row}")
    inspectors = Directory()
    inspectors.attr_keys = sorted(
        {k for k in keys if k not in _INSPECTOR_CORE}, key=by_bytes)
    for n, cells in rows:
        where = f"{path}: row {n}"
        ins = Inspector()
        ins.row, ins.attrs = n, {}
        raw, col = {}, {}
        for i, text, key in columns:
            cell = cells[i]
            if key in _INSPECTOR_CORE:
                check_line_breaks(path, n, text, cell)
            v = normalize(cell, f"{where}, column {text!r}")
            if key in _INSPECTOR_CORE:
                raw[key], col[key] = v, text
            elif v:
                ins.attrs[key] = v
        check_not_scientific(path, n, col["id"], raw["id"])
        ins.id = inspector_id(raw["id"], f"{where}, column {col['id']!r}")
        ins.name = raw["name"]
        if not ins.name:
            raise DrawError("InvalidValue", f"{where}: empty 姓名 (name)")
        ins.department = raw.get("department", "")
        ins.fields = canonical_fields(raw.get("fields", ""), where)
        ins.field_set = set(ins.fields.split(";")) if ins.fields else set()
        ins.status = canonical_status(raw.get("status", ""), where)
        ins.expiry = (canonical_date(raw["expiry"], where)
                      if raw.get("expiry") else "")
        if ins.id in inspectors:
            raise DrawError("DuplicateId", f"{path}: rows {inspectors[ins.id].row}"
                                           f" and {n} both have id {ins.id}")
        inspectors[ins.id] = ins
    if not inspectors:
        raise DrawError("EmptyDirectory", f"{path}: no data rows")
    return inspectors


# ---------------------------------------------------------------------------
# SPEC §3.4: directory digests
# ---------------------------------------------------------------------------

def directory_digest(tag: str, rows: "Directory") -> bytes:
    """SPEC §3.4: SHA256(lp(tag) ‖ u64be(m) ‖ lp(k_1) ‖ … ‖ lp(k_m) ‖
    u64be(n) ‖ leaf_1 ‖ … ‖ leaf_n), leaves sorted by the id bytes of their
    rows."""
    keys = rows.attr_keys
    ids = sorted(rows, key=by_bytes)
    return sha256(lp(tag.encode()) + u64be(len(keys))
                  + b"".join(lp(k.encode()) for k in keys)
                  + u64be(len(ids))
                  + b"".join(rows[i].leaf(keys) for i in ids))


# ---------------------------------------------------------------------------
# SPEC §4: exclusions
# ---------------------------------------------------------------------------

def load_exclusions(path: Path, inputs: Inputs) -> set:
    """SPEC §4: a table (§3.0) whose header row has an id column found by
    the entity headers (primary or legacy id); other columns are ignored.
    With both columns, a row's id is its 统一社会信用代码, or its 注册号 when
    that is empty; rows without either are skipped.  An empty file is an
    empty list.  Codes that fail the §3.1 check are kept, with a warning."""
    table = read_table(path, ENTITY_HEADERS, (ID_PRIMARY, ID_LEGACY),
                       "exclusion list", inputs.columns.get("exclusions"),
                       lenient=True)
    if table is None:
        return set()
    _, columns, rows = table
    ids_cols = [(i, text, key) for i, text, key in columns
                if key in (ID_PRIMARY, ID_LEGACY)]
    cols = map_columns(path, ids_cols, "exclusion list")
    if not cols:
        raise DrawError("MissingColumn", f"{path}: no 统一社会信用代码/注册号 "
                                         "(id) column in the first 30 non-empty "
                                         "rows; name the id column's header, "
                                         "or map it with [columns.exclusions]")
    ids = set()
    for n, cells in rows:
        found = {}
        for i, text, key in ids_cols:
            check_line_breaks(path, n, text, cells[i])
            found[key] = (normalize(cells[i], f"{path}: row {n}, column "
                                              f"{text!r}"), text)
        raw, col = found.get(ID_PRIMARY, ("", ""))
        if not raw:
            raw, col = found.get(ID_LEGACY, ("", ""))
        if not raw:
            continue
        where = f"{path}: row {n}, column {col!r}"
        check_not_scientific(path, n, col, raw)
        eid = entity_id(raw, where)
        code_check(eid, where, inputs, error=False)
        ids.add(eid)
    return ids


def exclusions_digest(ids: set) -> bytes:
    """SPEC §4: SHA256(lp(tag) ‖ u64be(e) ‖ lp(id_1) ‖ … ‖ lp(id_e))."""
    ordered = sorted(ids, key=by_bytes)
    return sha256(lp(b"shuangsui/1/exclusions") + u64be(len(ordered))
                  + b"".join(lp(i.encode()) for i in ordered))


# ---------------------------------------------------------------------------
# SPEC §5: the task
# ---------------------------------------------------------------------------

def _bad(msg: str):
    raise DrawError("InvalidTask", msg)


def _check_keys(table, allowed, where):
    """SPEC §5.3: unknown keys are an error."""
    if not isinstance(table, dict):
        _bad(f"{where} must be a table")
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        _bad(f"{where}: unknown key(s) {', '.join(unknown)} (misspelt?)")


def _text(v, where, nonempty=True) -> str:
    if not isinstance(v, str):
        _bad(f"{where} must be a text")
    s = normalize(v, where)
    if nonempty and not s:
        _bad(f"{where} must not be empty")
    return s


def _text_or_list(v, where) -> list:
    """SPEC §5.3: `fields`, `departments`, `exclusions` and each `where`
    value are a text or a list of texts.  CHOICE: a single text is one item
    (it is not split on separators); empty texts are refused."""
    if isinstance(v, str):
        return [_text(v, where)]
    if not isinstance(v, list):
        _bad(f"{where} must be a text or a list of texts")
    return [_text(x, f"{where}[{i}]") for i, x in enumerate(v)]


def _int(v, where, minimum) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        _bad(f"{where} must be an integer ≥ {minimum}")
    return v


_RATIO = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,4}))? ?%")


def ratio_ppm(v, where) -> int:
    """SPEC §5.1, §5.3: after §2 normalization, 1–3 digits, optionally '.'
    and 1–4 digits, optionally a space, then '%'; stored in parts per
    million ("2.5%" → 25000); at most 100%."""
    s = _text(v, where)
    m = _RATIO.fullmatch(s)
    if not m:
        _bad(f"{where}: ratio {s!r} must look like \"3%\" or \"2.5%\"")
    ppm = int(m[1]) * 10000 + int((m[2] or "").ljust(4, "0"))
    if ppm > 1_000_000:
        _bad(f"{where}: ratio {s!r} is above 100%")
    return ppm


def _where(v, where) -> list:
    """SPEC §5.1: conditions {attribute, in}, keys mapped via §3.3, values
    sorted and distinct, conditions sorted by attribute, each attribute once."""
    if not isinstance(v, dict):
        _bad(f"{where} must be a table such as {{ \"信用风险等级\" = \"C\" }}")
    conds = {}
    for raw_key, raw_vals in v.items():
        key = entity_key(_text(raw_key, f"{where} key"))
        if key in conds:
            _bad(f"{where}: attribute {key!r} appears twice")
        vals = _text_or_list(raw_vals, f"{where}.{raw_key}")
        if key == "id":    # SPEC §5.1: values of an id condition are ids
            vals = [entity_id(x, f"{where}.{raw_key}") for x in vals]
        if not vals:
            _bad(f"{where}.{raw_key}: empty list of values")
        conds[key] = sorted(set(vals), key=by_bytes)
    return [{"attribute": k, "in": conds[k]} for k in sorted(conds, key=by_bytes)]


def _default_stratum_name(conds) -> str:
    """SPEC §5.3: `key=value|value;key=value` in canonical order, or 全部."""
    if not conds:
        return "全部"
    return ";".join(f"{c['attribute']}={'|'.join(c['in'])}" for c in conds)


def _strata(doc) -> list:
    """SPEC §5.1, §5.3: `[[strata]]`, `strata_by`, or the default 全部."""
    if "strata" in doc and "strata_by" in doc:
        _bad("give either strata_by or [[strata]], not both")
    out = []
    if "strata_by" in doc:
        sb = doc["strata_by"]
        _check_keys(sb, {"attribute", "ratios", "counts"}, "strata_by")
        if "attribute" not in sb:
            _bad("strata_by: missing attribute")
        attr = entity_key(_text(sb["attribute"], "strata_by.attribute"))
        if ("ratios" in sb) == ("counts" in sb):
            _bad("strata_by needs exactly one of ratios and counts")
        use_ratio = "ratios" in sb
        table = sb["ratios" if use_ratio else "counts"]
        if not isinstance(table, dict):
            _bad("strata_by.ratios/counts must be a table")
        values = {}
        for raw_value, q in table.items():
            value = _text(raw_value, "strata_by value")
            if attr == "id":   # SPEC §5.1: values of an id condition are ids
                value = entity_id(value, "strata_by value")
            if value in values:
                _bad(f"strata_by: value {value!r} listed twice")
            values[value] = q
        for value in sorted(values, key=by_bytes):
            w = f"strata_by.{value}"
            out.append({
                "name": f"{attr}={value}",
                "where": [{"attribute": attr, "in": [value]}],
                "ratio_ppm": ratio_ppm(values[value], w) if use_ratio else None,
                "count": None if use_ratio else _int(values[value], w, 0),
            })
    elif "strata" in doc:
        if not isinstance(doc["strata"], list):
            _bad("strata must be a list of tables ([[strata]])")
        for i, st in enumerate(doc["strata"]):
            w = f"strata[{i}]"
            _check_keys(st, {"name", "where", "ratio", "count"}, w)
            conds = _where(st.get("where", {}), f"{w}.where")
            if ("ratio" in st) == ("count" in st):
                _bad(f"{w}: give exactly one of ratio and count")
            # SPEC §5.3: a missing or empty name gets the default name
            name = (_text(st["name"], f"{w}.name", nonempty=False)
                    if "name" in st else "")
            out.append({
                "name": name or _default_stratum_name(conds),
                "where": conds,
                "ratio_ppm": ratio_ppm(st["ratio"], f"{w}.ratio")
                if "ratio" in st else None,
                "count": _int(st["count"], f"{w}.count", 0)
                if "count" in st else None,
            })
    else:
        out.append({"name": "全部", "where": [], "ratio_ppm": 1_000_000,
                    "count": None})
    if not out:
        _bad("the task needs at least one stratum")
    names = [st["name"] for st in out]   # SPEC §5.3: names are distinct
    for i, name in enumerate(names):
        if name in names[:i]:
            _bad(f"two strata are named {name!r}")
    return out


def _team(doc) -> dict:
    """SPEC §5.2, §5.3: team rules with defaults."""
    t = doc.get("team", {})
    _check_keys(t, {"size", "max_per_inspector", "avoid_same", "conflicts",
                    "departments"}, "team")
    size = _int(t.get("size", 2), "team.size", 2)
    if size > 1000:
        _bad("team.size: a team has at most 1000 inspectors (SPEC §5.2)")
    per_dep, seen = [], set()
    deps = t.get("departments", [])
    if not isinstance(deps, list):
        _bad("team.departments must be a list of tables ([[team.departments]])")
    for i, d in enumerate(deps):
        w = f"team.departments[{i}]"
        _check_keys(d, {"name", "count"}, w)
        if "name" not in d or "count" not in d:
            _bad(f"{w} needs name and count")
        name = _text(d["name"], f"{w}.name")
        if name in seen:   # SPEC §5.3: a department listed twice is an error
            _bad(f"{w}: department {name!r} listed twice")
        seen.add(name)
        per_dep.append({"department": name,
                        "count": _int(d["count"], f"{w}.count", 1)})
    if per_dep and sum(d["count"] for d in per_dep) != size:
        _bad(f"team.departments counts add up to "
             f"{sum(d['count'] for d in per_dep)}, but team.size is {size}")
    cap = t.get("max_per_inspector")
    if cap is not None:
        cap = _int(cap, "team.max_per_inspector", 1)   # SPEC §5.2: 1 … 2^32
        if cap > 2 ** 32:
            _bad("team.max_per_inspector must be at most 2^32")
    avoid = set()
    raw_avoid = t.get("avoid_same", [])
    if isinstance(raw_avoid, (str, dict)):   # SPEC §5.3: a single item
        raw_avoid = [raw_avoid]
    if not isinstance(raw_avoid, list):
        _bad("team.avoid_same must be a list")
    for i, a in enumerate(raw_avoid):
        w = f"team.avoid_same[{i}]"
        if isinstance(a, str):
            k = _text(a, w)
            ek, ik = k, k
        else:
            _check_keys(a, {"entity", "inspector"}, w)
            if "entity" not in a or "inspector" not in a:
                _bad(f"{w} needs entity and inspector")
            ek = _text(a["entity"], f"{w}.entity")
            ik = _text(a["inspector"], f"{w}.inspector")
        avoid.add((entity_key(ek), inspector_key(ik)))
    # SPEC §5.2: sorted by (entity, inspector), distinct (after mapping)
    avoid = [{"entity": e, "inspector": i} for e, i in
             sorted(avoid, key=lambda p: (by_bytes(p[0]), by_bytes(p[1])))]
    conflicts = set()
    raw_conf = t.get("conflicts", [])
    if not isinstance(raw_conf, list):
        _bad("team.conflicts must be a list")
    for i, c in enumerate(raw_conf):
        w = f"team.conflicts[{i}]"
        _check_keys(c, {"entity", "inspector"}, w)
        if "entity" not in c or "inspector" not in c:
            _bad(f"{w} needs entity and inspector")
        if not isinstance(c["entity"], str) or not isinstance(c["inspector"], str):
            _bad(f"{w}: ids must be texts")
        conflicts.add((entity_id(c["entity"], f"{w}.entity"),
                       inspector_id(c["inspector"], f"{w}.inspector")))
    return {
        "size": size,
        "per_department": per_dep,
        "max_per_inspector": cap,
        "avoid_same": avoid,
        "conflicts": [{"entity": e, "inspector": i} for e, i in
                      sorted(conflicts, key=lambda p: (by_bytes(p[0]),
                                                       by_bytes(p[1])))],
    }


def _draw_date(v) -> str:
    """SPEC §5.3: a TOML date or a text in any date form of §3.2; anything
    else is `InvalidTask`."""
    if isinstance(v, (datetime.datetime, datetime.time)):
        _bad("draw_date must be a date without time, e.g. 2026-12-01")
    if isinstance(v, datetime.date):
        return v.isoformat()
    s = _text(v, "draw_date")
    try:
        return canonical_date(s, "draw_date")
    except DrawError:
        _bad(f"draw_date {s!r} is not a date such as 2026-12-01, 2026/12/1 "
             "or 2026年12月1日")


def _exclusions(v, inputs) -> list:
    """SPEC §4, §5: the task's own exclusion ids, normalized as entity ids,
    sorted by bytes, distinct.  A malformed id is `InvalidTask`; an id that
    fails the §3.1 code check is kept with a warning (as in §4)."""
    ids = set()
    for i, x in enumerate(_text_or_list(v, "exclusions")):
        eid = entity_id(x, f"exclusions[{i}]")
        code_check(eid, f"task exclusions[{i}]", inputs, error=False)
        ids.add(eid)
    return sorted(ids, key=by_bytes)


def _fields(v) -> list:
    """SPEC §5.3: each entry is one 执法领域; one holding a §3.2 field
    separator (; , 、 | /, after the §2 fold) is refused, not split."""
    out = _text_or_list(v, "fields")
    for f in out:
        if _FIELD_SEPARATORS.search(f):
            _bad(f"fields: {f!r} contains a separator; write a list")
    return out


def _reading_options(doc) -> Inputs:
    """SPEC §5.3: the keys about reading the inputs, not part of the
    canonical task: invalid_codes and [columns.*]."""
    mode = doc.get("invalid_codes", "error")
    if not isinstance(mode, str) or normalize(mode, "invalid_codes") not in (
            "error", "warn"):
        _bad("invalid_codes must be \"error\" or \"warn\"")
    columns = {}
    raw = doc.get("columns", {})
    _check_keys(raw, {"entities", "inspectors", "exclusions"}, "columns")
    for table, mapping in raw.items():
        w = f"columns.{table}"
        if not isinstance(mapping, dict):
            _bad(f"{w} must be a table of header = field, e.g. "
                 "\"纳税人识别号\" = \"id\"")
        out = {}
        for header, target in mapping.items():
            h = header_match_form(_text(header, f"{w} key"))
            if h in out:
                _bad(f"{w}: header {header!r} is mapped twice")
            out[h] = _text(target, f"{w}.{header}")
        columns[table] = out
    return Inputs(normalize(mode), columns)


TASK_KEYS = {"name", "item", "fields", "departments", "draw_date",
             "exclusions", "strata_by", "strata", "team", "invalid_codes",
             "columns", "seed"}


def build_task(doc: dict):
    """SPEC §5, §5.3: reduce a parsed task file to (canonical task, reading
    options).  Every problem is `InvalidTask` (SPEC §5.3)."""
    try:
        return _build_task(doc)
    except DrawError as e:
        if e.kind == "InvalidTask":
            raise
        raise DrawError("InvalidTask", f"{e.kind}: {e.message}")


def _build_task(doc: dict):
    _check_keys(doc, TASK_KEYS, "task")
    for required in ("name", "item", "draw_date"):
        if required not in doc:
            _bad(f"task: missing required key {required}")
    inputs = _reading_options(doc)
    team = _team(doc)
    if "departments" in doc:
        departments = []
        for d in _text_or_list(doc["departments"], "departments"):
            if d in departments:   # SPEC §5.3: listed twice is an error
                _bad(f"departments: {d!r} listed twice")
            departments.append(d)
    else:
        departments = [d["department"] for d in team["per_department"]]
    for d in team["per_department"]:
        if d["department"] not in departments:
            _bad(f"team.departments: {d['department']!r} is not one of the "
                 "task's departments")
    task = {
        "name": _text(doc["name"], "name"),
        "item": _text(doc["item"], "item"),
        "fields": sorted(set(_fields(doc.get("fields", []))), key=by_bytes),
        "departments": departments,
        "draw_date": _draw_date(doc["draw_date"]),
        "exclusions": _exclusions(doc.get("exclusions", []), inputs),
        "strata": _strata(doc),
        "team": team,
    }
    return task, inputs


def load_task(path: Path):
    """SPEC §5.3: read task.toml; return (canonical task, reading options)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DrawError("Io", f"{path}: cannot read ({e.strerror})")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise DrawError("InvalidTask", f"{path}: not UTF-8 (byte {e.start})")
    except tomllib.TOMLDecodeError as e:
        hint = ""
        if "key" in str(e).lower() and not raw.isascii():
            hint = (" (TOML 1.0 needs keys outside ASCII quoted: "
                    "\"所属区域\" = …)")
        raise DrawError("InvalidTask", f"{path}: not valid TOML: {e}{hint}")
    task, inputs = build_task(doc)
    # SPEC §5.3, §6.2: the [[seed]] tables are not part of the canonical
    # task; they are parsed into forms when the announcement is made.
    inputs.seed_tables = doc.get("seed")
    return task, inputs


CANONICAL_TASK_KEYS = {"name", "item", "fields", "departments", "draw_date",
                       "exclusions", "strata", "team"}


def task_from_canonical(obj) -> dict:
    """SPEC §11/§13: re-derive a canonical task from the canonical task in a
    record, by writing it back in task-file form and running build_task.
    The caller compares the result with `obj`.  Problems are InvalidRecord."""
    try:
        if not isinstance(obj, dict) or set(obj) != CANONICAL_TASK_KEYS:
            raise DrawError("InvalidRecord", "the record's task must have "
                            f"exactly the keys {sorted(CANONICAL_TASK_KEYS)}")
        doc = {k: obj[k] for k in ("name", "item", "fields", "departments",
                                   "draw_date", "exclusions")}
        doc["strata"] = []
        for st in obj["strata"]:
            if set(st) != {"name", "where", "ratio_ppm", "count"}:
                raise DrawError("InvalidRecord", "a stratum of the record's "
                                "task must have name, where, ratio_ppm, count")
            s = {"name": st["name"],
                 "where": {c["attribute"]: c["in"] for c in st["where"]}}
            if len(s["where"]) != len(st["where"]):
                _bad("an attribute appears twice in a stratum")
            if st["ratio_ppm"] is not None:
                ppm = _int(st["ratio_ppm"], "ratio_ppm", 0)
                s["ratio"] = f"{ppm // 10000}.{ppm % 10000:04d}%"
            if st["count"] is not None:
                s["count"] = st["count"]
            doc["strata"].append(s)
        t = obj["team"]
        if set(t) != {"size", "per_department", "max_per_inspector",
                      "avoid_same", "conflicts"}:
            raise DrawError("InvalidRecord", "the record's team must have size, "
                            "per_department, max_per_inspector, avoid_same, "
                            "conflicts")
        doc["team"] = {
            "size": t["size"],
            "departments": [{"name": d["department"], "count": d["count"]}
                            for d in t["per_department"]],
            "avoid_same": [dict(a) for a in t["avoid_same"]],
            "conflicts": [dict(c) for c in t["conflicts"]],
        }
        if t["max_per_inspector"] is not None:
            doc["team"]["max_per_inspector"] = t["max_per_inspector"]
        # Quiet: the record's own exclusion ids are checked again in step 2.
        task, _ = build_task(doc)
    except (KeyError, TypeError, AttributeError) as e:
        raise DrawError("InvalidRecord", f"the record's task is malformed ({e!r})")
    except DrawError as e:
        if e.kind == "InvalidRecord":
            raise
        raise DrawError("InvalidRecord", f"the record's task is not a valid "
                                         f"task: {e.message}")
    return task


# ---------------------------------------------------------------------------
# SPEC §6: the seed
# ---------------------------------------------------------------------------

_LOTTERY_OTHER = re.compile(r"[^0-9 ,\-.;、+|]")


def canonical_source(kind: str, raw: str, where: str = "seed"):
    """SPEC §6: canonical (kind, value) of one seed source.  `kind` is text,
    lottery, lottery-unordered or beacon."""
    value = normalize(raw, where)
    if kind == "text":
        if not value:
            raise DrawError("InvalidSeed", f"{where}: empty text source")
        return "text", value
    if kind in ("lottery", "lottery-unordered"):
        # SPEC §6: runs of ASCII digits separated by any of space , - . ; 、
        # + |; any other character is an error.  CHOICE: separators may also
        # lead, trail and repeat ("1,,2" is 1.2./).
        bad = _LOTTERY_OTHER.search(value)
        if bad:
            raise DrawError("InvalidSeed", f"{where}: {bad.group()!r} in the "
                                           f"lottery numbers {value!r} is "
                                           "neither a digit nor a separator "
                                           "(space , - . ; 、 + |); a letter O "
                                           "for a zero?")
        numbers = [int(x) for x in re.findall(r"[0-9]+", value)]
        if not numbers:
            raise DrawError("InvalidSeed", f"{where}: no lottery numbers in "
                                           f"{value!r}")
        if kind == "lottery-unordered":
            numbers.sort()
        return "lottery", "".join(f"{n}." for n in numbers) + "/"
    if kind == "beacon":
        hexs = _WS_RUN.sub("", value).lower()
        if hexs.startswith("0x"):
            hexs = hexs[2:]
        if not hexs or len(hexs) % 2 or not re.fullmatch(r"[0-9a-f]+", hexs):
            raise DrawError("InvalidSeed", f"{where}: beacon value must be an "
                                           "even, non-zero number of hex digits")
        return "beacon", hexs
    raise DrawError("InvalidSeed", f"{where}: unknown seed kind {kind!r}")


_SEED_KINDS = ("text", "lottery", "lottery-unordered", "beacon")


def parse_seed_line(line: str, where: str):
    """SPEC §6: `kind:value`, the kind matched without regard to (ASCII)
    case or surrounding spaces; without a known kind, the whole line is a
    `text` source.  CHOICE: the line is normalized (§2) first, so a
    full-width colon or full-width kind letters also work."""
    s = normalize(line, where)
    kind, colon, value = s.partition(":")
    kind = ascii_lower(kind.strip(" "))
    if colon and kind in _SEED_KINDS:
        return canonical_source(kind, value, where)
    return canonical_source("text", s, where)


def load_seed(path: Path):
    """seed.txt: one source per non-empty line; returns [(kind, value)]."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as e:
        raise DrawError("Io", f"{path}: cannot read ({e.strerror})")
    except UnicodeDecodeError:
        raise DrawError("InvalidSeed", f"{path}: not UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    sources = []
    for n, line in enumerate(text.splitlines(), start=1):
        if normalize(line, f"{path}: line {n}") == "":
            continue
        sources.append(parse_seed_line(line, f"{path}: line {n}"))
    if not sources:
        raise DrawError("InvalidSeed", f"{path}: no seed source")
    return sources


def seed_digest(sources) -> bytes:
    """SPEC §6: H("shuangsui/1/seed", kind_1, value_1, …)."""
    fields = []
    for s in sources:
        fields += [s["kind"], s["value"]]
    return H("shuangsui/1/seed", *fields)


# ---------------------------------------------------------------------------
# SPEC §9: ChaCha20 (RFC 8439 block function) and bounded integers
# ---------------------------------------------------------------------------

_M32 = 0xFFFFFFFF


def _quarter(s, a, b, c, d):
    """RFC 8439 §2.1 quarter round on the state list s."""
    s[a] = (s[a] + s[b]) & _M32; s[d] ^= s[a]; s[d] = ((s[d] << 16) | (s[d] >> 16)) & _M32
    s[c] = (s[c] + s[d]) & _M32; s[b] ^= s[c]; s[b] = ((s[b] << 12) | (s[b] >> 20)) & _M32
    s[a] = (s[a] + s[b]) & _M32; s[d] ^= s[a]; s[d] = ((s[d] << 8) | (s[d] >> 24)) & _M32
    s[c] = (s[c] + s[d]) & _M32; s[b] ^= s[c]; s[b] = ((s[b] << 7) | (s[b] >> 25)) & _M32


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """RFC 8439 §2.3: one 64-byte ChaCha20 block (20 rounds)."""
    state = ([0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
             + list(struct.unpack("<8L", key)) + [counter & _M32]
             + list(struct.unpack("<3L", nonce)))
    w = state[:]
    for _ in range(10):
        _quarter(w, 0, 4, 8, 12); _quarter(w, 1, 5, 9, 13)
        _quarter(w, 2, 6, 10, 14); _quarter(w, 3, 7, 11, 15)
        _quarter(w, 0, 5, 10, 15); _quarter(w, 1, 6, 11, 12)
        _quarter(w, 2, 7, 8, 13); _quarter(w, 3, 4, 9, 14)
    return struct.pack("<16L", *((x + y) & _M32 for x, y in zip(w, state)))


def _chacha20_self_test():
    """RFC 8439 §2.3.2 test vector; runs on every invocation."""
    key = bytes(range(32))
    nonce = bytes.fromhex("000000090000004a00000000")
    expected = bytes.fromhex(
        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
        "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
    if chacha20_block(key, 1, nonce) != expected:
        sys.exit("ChaCha20 self-test failed (RFC 8439 §2.3.2)")


try:   # optional cross-check (SPEC §9: "encrypt zero bytes … zero nonce")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

    def _library_first_block(key: bytes) -> bytes:
        enc = Cipher(algorithms.ChaCha20(key, bytes(16)), mode=None).encryptor()
        return enc.update(bytes(64))
except Exception:      # not installed: the pure-Python code stands alone
    _library_first_block = None


class ChaChaStream:
    """SPEC §9: ChaCha20 keystream under team_key, zero nonce, counter from
    0, read as little-endian 64-bit words."""

    def __init__(self, key: bytes):
        self.key, self.counter, self.buf, self.pos = key, 0, b"", 0

    def next_u64(self) -> int:
        if self.pos == len(self.buf):
            self.buf = chacha20_block(self.key, self.counter, bytes(12))
            if self.counter == 0 and _library_first_block is not None:
                if _library_first_block(self.key) != self.buf:
                    sys.exit("ChaCha20 disagrees with the cryptography package")
            self.counter += 1
            self.pos = 0
        word = int.from_bytes(self.buf[self.pos:self.pos + 8], "little")
        self.pos += 8
        return word

    def uniform(self, n: int) -> int:
        """SPEC §9: t = 2^64 mod n; draw x until x ≥ t; return x mod n."""
        assert n >= 1
        t = (1 << 64) % n
        while True:
            x = self.next_u64()
            if x >= t:
                return x % n


# ---------------------------------------------------------------------------
# SPEC §7, §8, §10, §11: the draw
# ---------------------------------------------------------------------------

def assign_strata(task, entities):
    """SPEC §5.1: the stratum index of every entity (None if unstratified)."""
    conds = [[(c["attribute"], set(c["in"])) for c in st["where"]]
             for st in task["strata"]]
    out = {}
    for eid in sorted(entities, key=by_bytes):
        e = entities[eid]
        hits = [s for s, cs in enumerate(conds)
                if all(e.value(k) in vals for k, vals in cs)]
        if len(hits) > 1:
            names = [task["strata"][s]["name"] for s in hits[:2]]
            raise DrawError("OverlappingStrata",
                            f"entity {eid} matches both strata {names[0]!r} "
                            f"and {names[1]!r}; make the conditions disjoint")
        out[eid] = hits[0] if hits else None
    return out


def quota(stratum, eligible: int, index: int) -> int:
    """SPEC §5.1: count, or ceil(eligible × r / 10^6) in integers."""
    if stratum["count"] is not None:
        if stratum["count"] > eligible:
            raise DrawError("QuotaExceedsStratum",
                            f"stratum {index} ({stratum['name']}) asks for "
                            f"{stratum['count']} but only {eligible} entities "
                            "are eligible")
        return stratum["count"]
    return (eligible * stratum["ratio_ppm"] + 999_999) // 1_000_000


def qualification_failure(ins, task, draw_date):
    """SPEC §10: the first general rule an inspector fails, or None."""
    if ins.status != "active":
        return "inactive"
    if ins.expiry and ins.expiry < draw_date:
        return "certificate expired"
    if not set(task["fields"]) <= ins.field_set:
        return "missing field"
    if task["departments"] and ins.department not in task["departments"]:
        return "department not in the task"
    return None


# SPEC §10: the order in which an Infeasible error counts the exclusions.
INFEASIBLE_RULES = ["inactive", "certificate expired", "missing field",
                    "department not in the task",
                    "wrong department for the slot", "explicit conflict",
                    "same avoid_same value", "already on the team",
                    "at the cap"]


def form_teams(task, entities, inspectors, draws, draw_key):
    """SPEC §10: fill each drawn entity's team slot by slot."""
    team_rules = task["team"]
    canon = [inspectors[i] for i in sorted(inspectors, key=by_bytes)]
    general = {ins.id: qualification_failure(ins, task, task["draw_date"])
               for ins in canon}
    # SPEC §14: NoQualifiedInspector when at least one entity is drawn and
    # no inspector is qualified in the sense of §10 (checked before any team
    # is formed).
    if draws and all(why is not None for why in general.values()):
        raise DrawError("NoQualifiedInspector",
                        "no inspector is qualified for this task (active, "
                        "certificate valid on the draw date, holding the "
                        f"fields {task['fields']}, in the task's departments)")
    conflicts = {(c["entity"], c["inspector"]) for c in team_rules["conflicts"]}
    cap = team_rules["max_per_inspector"]
    slots = ([d["department"] for d in team_rules["per_department"]
              for _ in range(d["count"])] or [None] * team_rules["size"])
    load = {ins.id: 0 for ins in canon}
    for d in draws:
        e = entities[d["entity"]["id"]]
        stream = ChaChaStream(H("shuangsui/1/team", draw_key, e.id))
        team, on_team = [], set()
        for slot, dept in enumerate(slots):
            reasons = {}
            candidates = []
            for ins in canon:
                why = general[ins.id]
                if why is None and dept is not None and ins.department != dept:
                    why = "wrong department for the slot"
                if why is None and (e.id, ins.id) in conflicts:
                    why = "explicit conflict"
                if why is None and any(
                        e.value(a["entity"]) and
                        e.value(a["entity"]) == ins.value(a["inspector"])
                        for a in team_rules["avoid_same"]):
                    why = "same avoid_same value"
                if why is None and ins.id in on_team:
                    why = "already on the team"
                if why is None and cap is not None and load[ins.id] >= cap:
                    why = "at the cap"
                if why is None:
                    candidates.append(ins)
                else:
                    reasons[why] = reasons.get(why, 0) + 1
            if not candidates:
                detail = ", ".join(f"{k}: {reasons[k]}" for k in
                                   INFEASIBLE_RULES if k in reasons)
                raise DrawError("Infeasible",
                                f"entity {e.id}, team slot {slot + 1}"
                                f"{' (' + dept + ')' if dept else ''}: no "
                                f"candidate inspector ({detail}); raise "
                                "max_per_inspector or add inspectors")
            least = min(load[c.id] for c in candidates)
            candidates = [c for c in candidates if load[c.id] == least]
            pick = candidates[stream.uniform(len(candidates))]
            load[pick.id] += 1
            on_team.add(pick.id)
            team.append({"id": pick.id, "name": pick.name,
                         "department": pick.department,
                         "role": "leader" if slot == 0 else "member"})
        d["team"] = team


def run_draw(task, entities, inspectors, exclusion_ids, sources,
             announcement_digest=None, protocol=PROTOCOL) -> dict:
    """SPEC §7–§11: make the record.  `sources` is a list of
    {"kind", "value", "description"} (v1) or {"kind", "value",
    "description", "form"} (v2), already canonical.  `announcement_digest`
    is a hex digest or None."""
    task_digest = H("shuangsui/1/task", canonical_json(task))
    ent_digest = directory_digest("shuangsui/1/entities", entities)
    ins_digest = directory_digest("shuangsui/1/inspectors", inspectors)
    exc_digest = exclusions_digest(exclusion_ids)
    sd = seed_digest(sources)
    # SPEC §7
    if protocol == PROTOCOL_V2:
        # v2: the announcement's 32 raw digest bytes, or the empty string
        # for an unannounced draw, close the key.
        draw_key = H("shuangsui/1/draw-key", PROTOCOL_V2, task_digest,
                     ent_digest, ins_digest, exc_digest, sd,
                     bytes.fromhex(announcement_digest)
                     if announcement_digest is not None else b"")
    else:
        draw_key = H("shuangsui/1/draw-key", PROTOCOL, task_digest,
                     ent_digest, ins_digest, exc_digest, sd)
    # SPEC §5.1, §8
    where = assign_strata(task, entities)
    strata_out, draws = [], []
    for s, st in enumerate(task["strata"]):
        members = [eid for eid, idx in where.items() if idx == s]
        eligible = [eid for eid in members if eid not in exclusion_ids]
        k = quota(st, len(eligible), s)
        skey = H("shuangsui/1/stratum", draw_key, u64be(s))
        tickets = sorted((sha256(skey + eid.encode()), by_bytes(eid), eid)
                         for eid in eligible)
        chosen = tickets[:k]
        strata_out.append({
            "index": s, "name": st["name"], "key": skey.hex(),
            "population": len(members),
            "excluded": len(members) - len(eligible),
            "eligible": len(eligible), "quota": k,
            "threshold": chosen[-1][0].hex() if k else None,
        })
        for p, (ticket, _, eid) in enumerate(chosen, start=1):
            draws.append({"stratum": s, "position": p, "ticket": ticket.hex(),
                          "entity": {"id": eid, "name": entities[eid].name},
                          "team": []})
    # SPEC §10
    form_teams(task, entities, inspectors, draws, draw_key)
    # SPEC §11
    record = {
        "protocol": protocol,
        "task": task,
        "task_digest": task_digest.hex(),
        "entities": {"count": len(entities), "digest": ent_digest.hex()},
        "inspectors": {"count": len(inspectors), "digest": ins_digest.hex()},
        "exclusions": {"count": len(exclusion_ids), "digest": exc_digest.hex()},
        "seed": {"sources": sources, "digest": sd.hex()},
        "announcement_digest": announcement_digest,
        "draw_key": draw_key.hex(),
        "unstratified": sum(1 for idx in where.values() if idx is None),
        "strata": strata_out,
        "draws": draws,
    }
    record["record_digest"] = record_digest(record)
    return record


def record_digest(record: dict) -> str:
    """SPEC §11: H("shuangsui/1/record", canonical_json(record − record_digest))."""
    body = {k: v for k, v in record.items() if k != "record_digest"}
    return H("shuangsui/1/record", canonical_json(body)).hex()


# ---------------------------------------------------------------------------
# SPEC §12: the announcement
# ---------------------------------------------------------------------------

def announcement_digest(ann: dict) -> str:
    """SPEC §12: H("shuangsui/1/announcement", canonical_json(ann − digest))."""
    body = {k: v for k, v in ann.items() if k != "announcement_digest"}
    return H("shuangsui/1/announcement", canonical_json(body)).hex()


def announcement_self_check(ann, where="announcement") -> str:
    """SPEC §12: an announcement whose `protocol` is not this one, or whose
    own `announcement_digest` does not match its content, is refused
    (`InvalidRecord`).  Returns the digest."""
    if not isinstance(ann, dict):
        raise DrawError("InvalidRecord", f"{where}: not a JSON object")
    if ann.get("protocol") != PROTOCOL:
        raise DrawError("InvalidRecord", f"{where}: protocol "
                                         f"{ann.get('protocol')!r} is not "
                                         f"{PROTOCOL}")
    digest = announcement_digest(ann)
    if ann.get("announcement_digest") != digest:
        raise DrawError("InvalidRecord",
                        f"{where}: announcement_digest says "
                        f"{ann.get('announcement_digest')!r}, but its content "
                        f"hashes to {digest}; the announcement was edited")
    return digest


def _seed_descriptions(ann, n_sources, mismatch):
    """SPEC §6, §12: the descriptions of the seed sources, from the
    announcement's `seed_sources` (one text per source, in order)."""
    descriptions = ann.get("seed_sources")
    if not isinstance(descriptions, list):
        raise DrawError("InvalidRecord", "announcement: seed_sources must be "
                                         "a list of texts")
    if len(descriptions) != n_sources:
        mismatch("number of seed sources", len(descriptions), n_sources)
    out = []
    for i, d in enumerate(descriptions):
        if not isinstance(d, str):
            raise DrawError("InvalidRecord", f"announcement: seed_sources[{i}]"
                                             " must be a text")
        out.append(normalize(d, f"announcement seed_sources[{i}]"))
    return out


def check_announcement(ann, task, entities, inspectors, exclusion_ids, n_sources):
    """SPEC §12: refuse an announcement that does not check out by itself
    (`InvalidRecord`), or whose task digest, directory digests, exclusion
    digest or number of seed sources differ from this draw's
    (`AnnouncementMismatch`).  Returns (digest, seed source descriptions).
    CHOICE: the counts beside the digests are compared as well."""
    digest = announcement_self_check(ann)

    def mismatch(what, announced, here):
        raise DrawError("AnnouncementMismatch",
                        f"the announcement's {what} ({_show(announced)}) "
                        f"differs from this draw's ({_show(here)}); the inputs "
                        "changed after the announcement")
    task_digest = H("shuangsui/1/task", canonical_json(task)).hex()
    if ann.get("task_digest") != task_digest:
        mismatch("task_digest", ann.get("task_digest"), task_digest)
    expect = {
        "entities": {"count": len(entities), "digest":
                     directory_digest("shuangsui/1/entities", entities).hex()},
        "inspectors": {"count": len(inspectors), "digest":
                       directory_digest("shuangsui/1/inspectors", inspectors).hex()},
        "exclusions": {"count": len(exclusion_ids),
                       "digest": exclusions_digest(exclusion_ids).hex()},
    }
    for key, value in expect.items():
        if ann.get(key) != value:
            mismatch(f"{key} count/digest", ann.get(key, _MISSING), value)
    return digest, _seed_descriptions(ann, n_sources, mismatch)


# ---------------------------------------------------------------------------
# SPEC §6.2–§6.4 (v2): seed forms, entering a seed under its form, entropy
# ---------------------------------------------------------------------------

def _group(count, lo, hi, ordered=True, distinct=False) -> dict:
    """A lottery group of a form, keys in SPEC §6.2 order."""
    return {"count": count, "min": lo, "max": hi, "ordered": ordered,
            "distinct": distinct}


# SPEC §6.2 presets.  CHOICE (see report): a group of one number is written
# with the task file's defaults, ordered = true and distinct = false (the
# table says neither), e.g. 双色球's blue ball.
LOTTERY_PRESETS = {
    "福彩3D": [_group(3, 0, 9)],
    "排列3": [_group(3, 0, 9)],
    "排列5": [_group(5, 0, 9)],
    "双色球": [_group(6, 1, 33, False, True), _group(1, 1, 16)],
    "大乐透": [_group(5, 1, 35, False, True), _group(2, 1, 12, False, True)],
    "七乐彩": [_group(7, 1, 30, False, True), _group(1, 1, 30)],
}
# SPEC §6.2: also accepted, written as the names above.  CHOICE: matched
# exactly after §2 normalization (no case folding: `福彩3d` is listed as an
# alias of its own, so `3d` or `排列３` folded to `排列3` are what they are).
LOTTERY_PRESET_ALIASES = {"排列三": "排列3", "排列五": "排列5", "3D": "福彩3D",
                          "福彩3d": "福彩3D", "超级大乐透": "大乐透"}

_SEED_KIND_KEYS = {
    "lottery": {"lottery", "issue", "date", "groups"},
    "beacon": {"beacon", "round", "date", "bytes"},
    "text": {"text", "place", "date"},
}
MAX_ROUND = 2 ** 53 - 1


def _form_int(v, where, lo, hi) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        _bad(f"{where} must be an integer from {lo} to {hi}")
    return v


def _form_bool(v, where) -> bool:
    if not isinstance(v, bool):
        _bad(f"{where} must be true or false")
    return v


def _form_date(v, where) -> str:
    """CHOICE: a form's date is written like draw_date (a TOML date or a
    text in a §3.2 date form) and canonicalized to YYYY-MM-DD."""
    if isinstance(v, (datetime.datetime, datetime.time)):
        _bad(f"{where} must be a date without time, e.g. 2026-11-30")
    if isinstance(v, datetime.date):
        return v.isoformat()
    s = _text(v, where)
    try:
        return canonical_date(s, where)
    except DrawError:
        _bad(f"{where}: {s!r} is not a date such as 2026-11-30")


def _form_groups(raw, where) -> list:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 8:
        _bad(f"{where} must be a list of 1 to 8 groups such as "
             "{ count = 3, min = 0, max = 9 }")
    groups = []
    for i, g in enumerate(raw):
        w = f"{where}[{i}]"
        _check_keys(g, {"count", "min", "max", "ordered", "distinct"}, w)
        for k in ("count", "min", "max"):
            if k not in g:
                _bad(f"{w}: missing {k}")
        c = _form_int(g["count"], f"{w}.count", 1, 100)
        a = _form_int(g["min"], f"{w}.min", 0, 999_999_999)
        b = _form_int(g["max"], f"{w}.max", 0, 999_999_999)
        if not a < b:
            _bad(f"{w}: min ({a}) must be below max ({b})")
        o = _form_bool(g.get("ordered", True), f"{w}.ordered")
        u = _form_bool(g.get("distinct", False), f"{w}.distinct")
        if u and c > b - a + 1:
            _bad(f"{w}: {c} distinct numbers cannot be drawn from {a}–{b}")
        groups.append(_group(c, a, b, o, u))
    return groups


def parse_seed_form(table, where="seed") -> dict:
    """SPEC §6.2: one [[seed]] table → its form (keys in §6.2 order).
    Every problem is `InvalidTask`."""
    if not isinstance(table, dict):
        _bad(f"{where} must be a table ([[seed]])")
    kinds = [k for k in _SEED_KIND_KEYS if k in table]
    if len(kinds) != 1:
        _bad(f"{where}: give exactly one of lottery = …, beacon = …, "
             "text = … (found "
             f"{', '.join(kinds) if kinds else 'none'})")
    kind = kinds[0]
    _check_keys(table, _SEED_KIND_KEYS[kind], f"{where} ({kind})")
    for k in sorted(_SEED_KIND_KEYS[kind] - {"groups"}, key=by_bytes):
        if k not in table:
            _bad(f"{where} ({kind}): missing {k}")
    date = _form_date(table["date"], f"{where}.date")
    if kind == "lottery":
        game = _text(table["lottery"], f"{where}.lottery")
        game = LOTTERY_PRESET_ALIASES.get(game, game)
        # CHOICE: the issue is a text (as in SPEC's example), not a number.
        issue = _text(table["issue"], f"{where}.issue")
        if game in LOTTERY_PRESETS:
            groups = [dict(g) for g in LOTTERY_PRESETS[game]]
            # CHOICE: groups given beside a preset name must be the preset's.
            if "groups" in table and _form_groups(
                    table["groups"], f"{where}.groups") != groups:
                _bad(f"{where}: {game} is a preset game; its groups are fixed "
                     "— leave groups out, or give the game another name")
        elif "groups" in table:
            groups = _form_groups(table["groups"], f"{where}.groups")
        else:
            _bad(f"{where}: {game!r} is not a preset game "
                 f"({', '.join(LOTTERY_PRESETS)}); give its groups")
        return {"kind": "lottery", "game": game, "issue": issue, "date": date,
                "groups": groups}
    if kind == "beacon":
        # CHOICE: the beacon's name must be non-empty (SPEC says so of the
        # game, the issue, the event and the place only).
        return {"kind": "beacon",
                "beacon": _text(table["beacon"], f"{where}.beacon"),
                "round": _form_int(table["round"], f"{where}.round", 0,
                                   MAX_ROUND),
                "date": date,
                "bytes": _form_int(table["bytes"], f"{where}.bytes", 1, 64)}
    return {"kind": "text", "event": _text(table["text"], f"{where}.text"),
            "place": _text(table["place"], f"{where}.place"), "date": date}


def parse_seed_forms(tables) -> list:
    """SPEC §6.2: the task file's [[seed]] tables, in order."""
    if tables is None:
        return []
    if not isinstance(tables, list):
        _bad("seed must be a list of tables ([[seed]])")
    try:
        return [parse_seed_form(t, f"seed[{i}]") for i, t in enumerate(tables)]
    except DrawError as e:
        if e.kind == "InvalidTask":
            raise
        raise DrawError("InvalidTask", f"{e.kind}: {e.message}")


def form_from_canonical(obj, where) -> dict:
    """SPEC §12: a form read from an announcement or a record must be a
    valid form (§6.2) written canonically: it is re-derived by writing it
    back as a [[seed]] table and compared.  Problems are `InvalidRecord`."""
    try:
        if not isinstance(obj, dict):
            raise DrawError("InvalidRecord", f"{where}: a form must be an object")
        kind = obj.get("kind")
        keys = {"lottery": {"kind", "game", "issue", "date", "groups"},
                "beacon": {"kind", "beacon", "round", "date", "bytes"},
                "text": {"kind", "event", "place", "date"}}.get(kind)
        if keys is None or set(obj) != keys:
            raise DrawError("InvalidRecord", f"{where}: not a seed form "
                            "(kind lottery, beacon or text with its keys, "
                            "SPEC §6.2)")
        table = {k: v for k, v in obj.items() if k != "kind"}
        if kind == "lottery":
            table["lottery"] = table.pop("game")
            if not isinstance(table["groups"], list) or not all(
                    isinstance(g, dict) and set(g) == {"count", "min", "max",
                                                       "ordered", "distinct"}
                    for g in table["groups"]):
                raise DrawError("InvalidRecord", f"{where}: each group must "
                                "have count, min, max, ordered, distinct")
        elif kind == "text":
            table["text"] = table.pop("event")
        if not isinstance(obj["date"], str):
            raise DrawError("InvalidRecord", f"{where}: date must be a text")
        form = parse_seed_form(table, where)
    except DrawError as e:
        if e.kind == "InvalidRecord":
            raise
        raise DrawError("InvalidRecord", f"{where}: not a valid form: "
                                         f"{e.message}")
    if form != obj:
        p, exp, got = first_difference(obj, form)
        raise DrawError("InvalidRecord", f"{where}: the form is not written "
                        f"canonically at {'.'.join(map(str, p))}: "
                        f"{_show(exp)} should be {_show(got)}")
    return form


def describe_form(form) -> str:
    """SPEC §11: the source's line for people (the Rust reference's
    wording, which the v2 vectors pin)."""
    if form is None:
        return ""
    if form["kind"] == "lottery":
        return f"{form['game']} 第{form['issue']}期（{form['date']} 开奖）"
    if form["kind"] == "beacon":
        return f"{form['beacon']} 第{form['round']}轮（{form['date']}）"
    return f"{form['event']}，{form['place']}（{form['date']}）"


def describe_form_rule(form) -> str:
    """What was announced, in words (for InvalidSeed messages, §6.3)."""
    if form["kind"] == "lottery":
        parts = []
        for g in form["groups"]:
            parts.append(f"{g['count']} {'distinct ' if g['distinct'] else ''}"
                         f"numbers {g['min']}–{g['max']}"
                         f"{'' if g['ordered'] else ' (any order)'}")
        return (f"{form['game']} issue {form['issue']} ({form['date']}): "
                + " + ".join(parts))
    if form["kind"] == "beacon":
        return (f"{form['beacon']} round {form['round']} ({form['date']}): "
                f"{form['bytes']} bytes = {2 * form['bytes']} hex digits")
    return f"the text read out at {form['event']}, {form['place']} ({form['date']})"


_LOTTERY_V2_OTHER = re.compile(r"[^0-9 ,、;\-.+|]")
_LOTTERY_V2_GROUP = re.compile(r"[+|]")


def _seed_prefix(s: str):
    """SPEC §6.1/§6.3: an optional `kind:` prefix, matched without regard
    to ASCII case or surrounding spaces.  Returns (kind or None, rest)."""
    kind, colon, rest = s.partition(":")
    k = ascii_lower(kind.strip(" "))
    if colon and k in _SEED_KINDS:
        return k, rest
    return None, s


def lottery_value(groups_numbers, groups) -> str:
    """SPEC §6.1: each number in decimal followed by '.', each group ends
    with '/'; an unordered group is sorted numerically first."""
    out = []
    for nums, g in zip(groups_numbers, groups):
        nums = nums if g["ordered"] else sorted(nums)
        out.append("".join(f"{n}." for n in nums) + "/")
    return "".join(out)


def enter_seed(text: str, form: dict, where: str = "seed"):
    """SPEC §6.3: read one entered text under its announced form; return
    (kind, value).  Anything else is `InvalidSeed`, saying what was
    announced and what was given."""
    s = normalize(text, where)
    kind, rest = _seed_prefix(s)
    announced = describe_form_rule(form)

    def refuse(why):
        raise DrawError("InvalidSeed", f"{where}: {why}; announced: "
                                       f"{announced}; given: {s!r}")
    if kind == "lottery-unordered":
        refuse("lottery-unordered: is not accepted in an announced draw (the "
               "form says which numbers are ordered)")
    if kind is not None and kind != form["kind"]:
        refuse(f"the prefix {kind}: is not the announced kind "
               f"{form['kind']}")
    # CHOICE: the rest after a prefix is normalized again (spaces after the
    # colon are not part of the value).
    value = normalize(rest, where)
    if form["kind"] == "text":
        if not value:
            refuse("empty text")
        return "text", value
    if form["kind"] == "beacon":
        # CHOICE: lower-cased before `0x` is removed, so `0X` is accepted
        # too (as in §6.1).
        hexs = _WS_RUN.sub("", value).lower()
        if hexs.startswith("0x"):
            hexs = hexs[2:]
        if not re.fullmatch(r"[0-9a-f]*", hexs):
            refuse("a beacon value has hex digits only")
        if len(hexs) != 2 * form["bytes"]:
            refuse(f"{len(hexs)} hex digits, not {2 * form['bytes']}")
        return "beacon", hexs
    groups = form["groups"]
    bad = _LOTTERY_V2_OTHER.search(value)
    if bad:
        refuse(f"{bad.group()!r} is neither a digit nor a separator (space "
               ", 、 ; - . between numbers, + or | between groups)")
    seps = len(_LOTTERY_V2_GROUP.findall(value))
    if seps == len(groups) - 1:
        parts = _LOTTERY_V2_GROUP.split(value)
        numbers = [re.findall(r"[0-9]+", p) for p in parts]
    elif seps == 0:
        flat = re.findall(r"[0-9]+", value)
        want = sum(g["count"] for g in groups)
        if len(flat) != want:
            refuse(f"{len(flat)} numbers, not {want}")
        numbers, at = [], 0
        for g in groups:
            numbers.append(flat[at:at + g["count"]])
            at += g["count"]
    else:
        refuse(f"{seps} group separators (+ or |); give {len(groups) - 1} "
               "or none")
    out = []
    for i, (nums, g) in enumerate(zip(numbers, groups)):
        label = f"group {i + 1}" if len(groups) > 1 else "the numbers"
        if len(nums) != g["count"]:
            refuse(f"{label}: {len(nums)} numbers given, {g['count']} "
                   "announced")
        vals = []
        for n in nums:
            if len(n.lstrip("0")) > 9:
                refuse(f"{label}: {n} has more than 9 digits")
            v = int(n)
            if not g["min"] <= v <= g["max"]:
                refuse(f"{label}: {v} is outside {g['min']}–{g['max']}")
            vals.append(v)
        if g["distinct"] and len(set(vals)) != len(vals):
            dup = next(v for v in vals if vals.count(v) > 1)
            refuse(f"{label}: {dup} appears twice, the numbers are distinct")
        out.append(vals)
    return "lottery", lottery_value(out, groups)


def value_fits_form(kind: str, value: str, form: dict) -> str | None:
    """SPEC §13.1 step 2: does a record's canonical value fit its form
    (the value one of the texts §6.3 accepts would give)?  Returns None
    or the reason it does not."""
    if kind != form["kind"]:
        return f"kind {kind} but the form is {form['kind']}"
    if kind == "text":
        return None if value and normalize(value) == value else \
            "not a non-empty normalized text"
    if kind == "beacon":
        return None if re.fullmatch(f"[0-9a-f]{{{2 * form['bytes']}}}",
                                    value) else \
            f"not {2 * form['bytes']} lower-case hex digits"
    if not re.fullmatch(r"(?:(?:(?:0|[1-9][0-9]*)\.)+/)+", value):
        return "not a canonical lottery value such as 3.0.7./"
    parts = value[:-1].split("/")
    if len(parts) != len(form["groups"]):
        return f"{len(parts)} groups, the form has {len(form['groups'])}"
    for i, (p, g) in enumerate(zip(parts, form["groups"])):
        nums = [int(x) for x in p[:-1].split(".")]
        if len(nums) != g["count"]:
            return f"group {i + 1} has {len(nums)} numbers, not {g['count']}"
        if any(not g["min"] <= n <= g["max"] for n in nums):
            return f"group {i + 1} has a number outside {g['min']}–{g['max']}"
        if g["distinct"] and len(set(nums)) != len(nums):
            return f"group {i + 1} repeats a number"
        if not g["ordered"] and nums != sorted(nums):
            return f"group {i + 1} is unordered but not sorted"
    return None


def form_outcomes(form) -> int:
    """SPEC §6.4: the number N of possible results of a form."""
    import math
    if form["kind"] == "text":
        return 1
    if form["kind"] == "beacon":
        return 2 ** (8 * form["bytes"])
    n = 1
    for g in form["groups"]:
        r, c = g["max"] - g["min"] + 1, g["count"]
        if g["ordered"]:
            n *= math.perm(r, c) if g["distinct"] else r ** c
        else:
            n *= math.comb(r, c) if g["distinct"] else math.comb(r + c - 1, c)
    return n


def entropy_of(n: int) -> float:
    """SPEC §6.4: floor(10 × log2 N) / 10, computed exactly as
    (bit length of N^10 − 1) / 10, capped at 256."""
    return min(256.0, ((n ** 10).bit_length() - 1) / 10)


def seed_entropy(forms) -> float:
    """SPEC §6.4: the entropy of the product of the sources' N."""
    n = 1
    for f in forms:
        n *= form_outcomes(f)
    return entropy_of(n)


LOW_ENTROPY_BITS = 20
LOW_ENTROPY_WARNING = (
    "the seed has fewer than 20 bits of entropy: an office able to redraw in "
    "secret would need few tries to find a result it likes; several sources "
    "are safer (RFC 3797 §4)")


def shown_value(kind: str, value: str, form) -> str:
    """SPEC §6.3 "Shown to people"."""
    if kind != "lottery":
        return value
    groups = [g[:-1].split(".") for g in value[:-1].split("/")]
    if form is None:
        return " ".join(n for g in groups for n in g)
    return " + ".join(" ".join(n.zfill(len(str(fg["max"]))) for n in g)
                      for g, fg in zip(groups, form["groups"]))


# ---------------------------------------------------------------------------
# SPEC §12 (v2): the announcement
# ---------------------------------------------------------------------------

_ANN_V2_KEYS = ["protocol", "task", "task_digest", "entities", "inspectors",
                "exclusions", "published", "seed_sources",
                "announcement_digest"]
_ANN_V1_KEYS = [k for k in _ANN_V2_KEYS if k != "published"]
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_form_dates(forms, published, draw_date, kind, where="seed"):
    """SPEC §12: at least one source; published ≤ each source's date ≤ the
    task's draw_date.  Failures are `kind` (InvalidTask when announcing,
    InvalidRecord when reading)."""
    if not forms:
        raise DrawError(kind, f"{where}: an announcement needs at least one "
                              "seed source ([[seed]] in the task file)")
    for i, f in enumerate(forms):
        if not published <= f["date"]:
            raise DrawError(kind, f"{where}[{i}]: the source's date "
                            f"{f['date']} is before the announcement's "
                            f"publication date {published}: the seed must not "
                            "exist yet when the announcement is published")
        if not f["date"] <= draw_date:
            raise DrawError(kind, f"{where}[{i}]: the source's date "
                            f"{f['date']} is after the draw date {draw_date}")


def directory_summary(entities, inspectors, exclusion_ids) -> dict:
    return {
        "entities": {"count": len(entities), "digest": directory_digest(
            "shuangsui/1/entities", entities).hex()},
        "inspectors": {"count": len(inspectors), "digest": directory_digest(
            "shuangsui/1/inspectors", inspectors).hex()},
        "exclusions": {"count": len(exclusion_ids),
                       "digest": exclusions_digest(exclusion_ids).hex()},
    }


def build_announcement(task, entities, inspectors, exclusion_ids, published,
                       forms) -> dict:
    """SPEC §12: the v2 announcement of a task, its directories, its
    exclusion list (the task's own united with the list beside it), the
    publication date and the seed forms.  Problems are `InvalidTask`."""
    try:
        published = canonical_date(normalize(published, "published"),
                                   "published")
    except DrawError as e:
        _bad(f"published: {e.message}")
    check_form_dates(forms, published, task["draw_date"], "InvalidTask")
    ann = {"protocol": PROTOCOL_V2, "task": task,
           "task_digest": H("shuangsui/1/task", canonical_json(task)).hex(),
           **directory_summary(entities, inspectors, exclusion_ids),
           "published": published, "seed_sources": forms}
    ann["announcement_digest"] = announcement_digest(ann)
    return ann


def read_announcement(ann, where="announcement") -> dict:
    """SPEC §12, reading an announcement (both versions): its protocol is
    one of the two, its digest matches its content, its task is canonical
    and hashes to its task_digest, and (v2) its forms and dates follow the
    rules.  Any failure is `InvalidRecord`, naming what differs.
    CHOICE: the keys must be exactly those of SPEC §12, and the directory
    summaries {count, digest} well-formed."""
    def bad(msg):
        raise DrawError("InvalidRecord", f"{where}: {msg}")
    if not isinstance(ann, dict):
        bad("not a JSON object")
    protocol = ann.get("protocol")
    if protocol not in PROTOCOLS:
        bad(f"protocol {protocol!r} is not one of {', '.join(PROTOCOLS)}")
    keys = _ANN_V2_KEYS if protocol == PROTOCOL_V2 else _ANN_V1_KEYS
    if set(ann) != set(keys):
        extra = sorted(set(ann) - set(keys))
        missing = sorted(set(keys) - set(ann))
        bad(f"keys differ from SPEC §12 (missing {missing}, unknown {extra})")
    digest = announcement_digest(ann)
    if ann["announcement_digest"] != digest:
        bad(f"announcement_digest says {_show(ann['announcement_digest'])}, "
            f"but its content hashes to {digest}; the announcement was edited")
    task = task_from_canonical(ann["task"])
    if task != ann["task"]:
        p, exp, got = first_difference(ann["task"], task)
        bad(f"its task is not in canonical form at {'.'.join(map(str, p))}: "
            f"{_show(exp)} should be {_show(got)}")
    td = H("shuangsui/1/task", canonical_json(task)).hex()
    if ann["task_digest"] != td:
        bad(f"its readable task hashes to {td}, not to its task_digest "
            f"{_show(ann['task_digest'])}: it shows people a task that was "
            "never drawn")
    for k in ("entities", "inspectors", "exclusions"):
        v = ann[k]
        if not (isinstance(v, dict) and set(v) == {"count", "digest"}
                and isinstance(v["count"], int)
                and not isinstance(v["count"], bool) and v["count"] >= 0
                and isinstance(v["digest"], str)
                and _HEX64.fullmatch(v["digest"])):
            bad(f"{k} must be {{\"count\": n, \"digest\": 64 hex digits}}")
    if protocol == PROTOCOL:
        if not isinstance(ann["seed_sources"], list) or not all(
                isinstance(d, str) for d in ann["seed_sources"]):
            bad("seed_sources must be a list of texts (v1)")
        return ann
    published = ann["published"]
    if not (isinstance(published, str) and _ISO_DATE.fullmatch(published)):
        bad(f"published {_show(published)} is not a YYYY-MM-DD date")
    try:
        datetime.date.fromisoformat(published)
    except ValueError:
        bad(f"published {published!r} is not a date")
    forms = ann["seed_sources"]
    if not isinstance(forms, list):
        bad("seed_sources must be a list of forms")
    for i, f in enumerate(forms):
        form_from_canonical(f, f"{where}: seed_sources[{i}]")
    check_form_dates(forms, published, task["draw_date"], "InvalidRecord",
                     f"{where}: seed_sources")
    return ann


def match_announcement(ann, task, entities, inspectors, exclusion_ids,
                       n_texts):
    """SPEC §12: a draw given an announcement refuses
    (`AnnouncementMismatch`) when the task digest, a directory digest or
    count, or the exclusion digest differs, or the number of seed texts
    differs from the number of announced sources.  CHOICE: a v2 draw given
    a v1 announcement is refused the same way."""
    def mismatch(what, announced, here):
        raise DrawError("AnnouncementMismatch",
                        f"the announcement's {what} ({_show(announced)}) "
                        f"differs from this draw's ({_show(here)})")
    if ann["protocol"] != PROTOCOL_V2:
        mismatch("protocol", ann["protocol"], PROTOCOL_V2)
    td = H("shuangsui/1/task", canonical_json(task)).hex()
    if ann["task_digest"] != td:
        mismatch("task_digest", ann["task_digest"], td)
    for k, v in directory_summary(entities, inspectors, exclusion_ids).items():
        if ann[k] != v:
            mismatch(f"{k} count/digest", ann[k], v)
    if len(ann["seed_sources"]) != n_texts:
        mismatch("number of seed sources", len(ann["seed_sources"]), n_texts)


def read_seed_texts(path: Path) -> list:
    """seed.txt: one source text per non-empty line, as a person enters it."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise DrawError("Io", f"{path}: cannot read ({e.strerror})")
    except UnicodeDecodeError:
        raise DrawError("InvalidSeed", f"{path}: not UTF-8")
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if normalize(line, f"{path}: line {n}") != ""]


def unannounced_source(line: str, where: str):
    """SPEC §6.3: an unannounced v2 source is written in the v1 notation
    with a known kind prefix (no bare text)."""
    s = normalize(line, where)
    kind, rest = _seed_prefix(s)
    if kind is None:
        raise DrawError("InvalidSeed", f"{where}: an unannounced v2 source "
                                       "needs a kind prefix (lottery:, "
                                       "lottery-unordered:, beacon:, text:); "
                                       f"given {s!r}")
    return canonical_source(kind, rest, where)


def draw_v2(task, entities, inspectors, exclusion_ids, texts, ann=None):
    """SPEC §6.3, §7, §11, §12: a v2 draw.  `texts` are the entered seed
    texts [(where, text)]; `ann` a read v2 announcement, or None for an
    explicitly unannounced draw."""
    if ann is None:
        if not texts:
            raise DrawError("InvalidSeed", "no seed source")
        sources = []
        for where, t in texts:
            kind, value = unannounced_source(t, where)
            sources.append({"kind": kind, "value": value, "description": "",
                            "form": None})
        return run_draw(task, entities, inspectors, exclusion_ids, sources,
                        None, PROTOCOL_V2)
    match_announcement(ann, task, entities, inspectors, exclusion_ids,
                       len(texts))
    sources = []
    for (where, t), form in zip(texts, ann["seed_sources"]):
        kind, value = enter_seed(t, form, where)
        sources.append({"kind": kind, "value": value,
                        "description": describe_form(form), "form": form})
    return run_draw(task, entities, inspectors, exclusion_ids, sources,
                    ann["announcement_digest"], PROTOCOL_V2)


# ---------------------------------------------------------------------------
# SPEC §13 (v2 and v1): verification with an assurance statement
# ---------------------------------------------------------------------------

def _v2_record_source(i, s, announced):
    """SPEC §11, §13.1 step 2: a v2 record's seed source.  Its value must
    fit its form; a source without form must be in an unannounced record.
    CHOICE: a source with a form in an unannounced record is refused too,
    and the description is not checked (it is not re-derived, §11)."""
    if not isinstance(s, dict) or set(s) != {"kind", "value", "description",
                                             "form"}:
        raise Difference(f"seed source {i + 1} must have kind, value, "
                         "description and form (v2)")
    kind, value, description, form = (s["kind"], s["value"],
                                      s["description"], s["form"])
    if not all(isinstance(x, str) for x in (kind, value, description)):
        raise Difference(f"seed source {i + 1}: kind, value and description "
                         "must be texts")
    if form is None:
        if announced:
            raise Difference(f"seed source {i + 1} has no form, but the "
                             "record names an announcement")
        try:
            record_source(i, {"kind": kind, "value": value,
                              "description": normalize(description)})
        except DrawError as e:
            raise Difference(e.message)
    else:
        if not announced:
            raise Difference(f"seed source {i + 1} has a form, but the record "
                             "says the draw was unannounced")
        try:
            form_from_canonical(form, f"seed source {i + 1}: form")
        except DrawError as e:
            raise Difference(e.message)
        why = value_fits_form(kind, value, form)
        if why:
            raise Difference(f"seed source {i + 1}: the value {value!r} does "
                             f"not fit its form ({describe_form_rule(form)}): "
                             f"{why}")
    return {"kind": kind, "value": value, "description": description,
            "form": form}


def _step5(record, ann):
    """SPEC §13.1 step 5: read the announcement and check it against the
    record.  Raises Difference."""
    try:
        read_announcement(ann)
    except DrawError as e:
        raise Difference(f"the announcement cannot be read: {e.message}")
    if ann["protocol"] != record["protocol"]:
        raise Difference(f"the announcement is {ann['protocol']}, the record "
                         f"{record['protocol']}")
    if record["announcement_digest"] != ann["announcement_digest"]:
        raise Difference(f"the record's announcement_digest "
                         f"{_show(record['announcement_digest'])} is not the "
                         f"announcement's {ann['announcement_digest']}: the "
                         "draw was not made under this announcement")
    for k in ("task_digest", "entities", "inspectors", "exclusions"):
        if ann[k] != record[k]:
            raise Difference(f"the announcement's {k} {_show(ann[k])} is not "
                             f"the record's {_show(record[k])}")
    forms = [s["form"] for s in record["seed"]["sources"]]
    if len(forms) != len(ann["seed_sources"]):
        raise Difference(f"the announcement has {len(ann['seed_sources'])} "
                         f"seed sources, the record {len(forms)}")
    for i, (a, r) in enumerate(zip(ann["seed_sources"], forms)):
        if a != r:
            raise Difference(f"seed source {i + 1}: the announced form "
                             f"{_show(a)} is not the record's {_show(r)}")


def verify_v2(record, entities, inspectors, file_exclusions, ann=None):
    """SPEC §13.1 steps 1–5 for a v2 record, with the directories and the
    exclusion list given (the latter is united with the record's
    task.exclusions).  Returns the assurance of §13.2 as a dict and the
    first difference (None when reproduced).
    CHOICE: a verification that does not reproduce proves nothing:
    committed_before_seed and seed_form_bound are then false and there is
    no entropy_bits."""
    try:
        _verify_v2_steps(record, entities, inspectors, file_exclusions, ann)
    except Difference as e:
        return {"reproduced": False, "committed_before_seed": False,
                "seed_form_bound": False}, str(e)
    sources = record["seed"]["sources"]
    bound = bool(sources) and all(s["form"] is not None for s in sources)
    if record["announcement_digest"] is None:
        committed = False
    elif ann is None:
        committed = None
    else:
        committed = True
    return {"reproduced": True, "committed_before_seed": committed,
            "seed_form_bound": bound,
            "entropy_bits": seed_entropy([s["form"] for s in sources])
            if bound else None}, None


def _verify_v2_steps(record, entities, inspectors, file_exclusions, ann):
    if not isinstance(record, dict) or set(record) != set(_RECORD_ORDER):
        raise Difference("not a record: its keys are not those of SPEC §11")
    if record["protocol"] != PROTOCOL_V2:
        raise Difference(f"protocol {record['protocol']!r} is not "
                         f"{PROTOCOL_V2}")
    # Step 1
    digest = record_digest(record)
    if digest != record["record_digest"]:
        raise Difference(f"record_digest: the record says "
                         f"{_show(record['record_digest'])}, its contents hash "
                         f"to {digest}; the record was changed after it was "
                         "made")
    # Step 2
    try:
        task = task_from_canonical(record["task"])
    except DrawError as e:
        raise Difference(e.message)
    if task != record["task"]:
        p, exp, got = first_difference(record["task"], task)
        raise Difference(f"the record's task is not in canonical form at "
                         f"{'.'.join(map(str, p))}: {_show(exp)} should be "
                         f"{_show(got)} — a rule written this way would be "
                         "shown but never applied")
    td = H("shuangsui/1/task", canonical_json(task)).hex()
    if record["task_digest"] != td:
        raise Difference(f"the record's task hashes to {td}, not to its "
                         f"task_digest {_show(record['task_digest'])}")
    ad = record["announcement_digest"]
    if ad is not None and not (isinstance(ad, str) and _HEX64.fullmatch(ad)):
        raise Difference(f"announcement_digest {_show(ad)} is neither null "
                         "nor 64 hex digits")
    seed = record["seed"]
    if not isinstance(seed, dict) or not isinstance(seed.get("sources"), list) \
            or not seed["sources"]:
        raise Difference("the record's seed must be {\"sources\": [...], "
                         "\"digest\": …} with at least one source")
    sources = [_v2_record_source(i, s, ad is not None)
               for i, s in enumerate(seed["sources"])]
    # Step 3
    exclusion_ids = set(task["exclusions"]) | set(file_exclusions)
    for k, v in directory_summary(entities, inspectors, exclusion_ids).items():
        if record[k] != v:
            raise Difference(f"the {k} given are not the record's: the record "
                             f"says {_show(record[k])}, the files give "
                             f"{_show(v)}")
    # Step 4
    try:
        rerun = run_draw(task, entities, inspectors, exclusion_ids, sources,
                         ad, PROTOCOL_V2)
    except DrawError as e:
        raise Difference(f"the draw cannot be re-run from the record: {e}")
    diff = first_difference(record, rerun)
    if diff:
        p, exp, got = diff
        raise Difference(f"{describe(p, record)}: the record says {_show(exp)}, "
                         f"the re-run gives {_show(got)}")
    # Step 5
    if ann is not None:
        _step5(record, ann)


def sources_to_check(record, ann_given: bool) -> list:
    """SPEC §13.2: one line per source that a person compares with the
    public event."""
    lines = []
    for s in record["seed"]["sources"]:
        form = s.get("form")
        shown = shown_value(s["kind"], s["value"], form)
        if form is None:
            lines.append(f"{s['kind']} {shown}: its form was not announced, so "
                         "the same public result could have been written in "
                         "other ways")
        else:
            lines.append(f"{describe_form(form)} 应为 {shown}：请与公布结果核对")
    if record.get("announcement_digest") is not None:
        lines.append("the announcement must have been public on its "
                     "published date, before the earliest source's date")
    return lines


# ---------------------------------------------------------------------------
# Vector cases (seeds/NN-*/)
# ---------------------------------------------------------------------------

def draw_case(folder: Path, inputs_out: list | None = None) -> dict:
    """Run the draw of one case folder and return the record.  The reading
    options (with their warnings) are appended to `inputs_out`."""
    task, inputs = load_task(folder / "task.toml")
    if inputs_out is not None:
        inputs_out.append(inputs)
    entities = load_entities(folder / "entities.csv", inputs)
    inspectors = load_inspectors(folder / "inspectors.csv", inputs)
    # SPEC §4: the task's own exclusions united with the list beside it
    exclusion_ids = set(task["exclusions"])
    if (folder / "exclusions.csv").exists():
        exclusion_ids |= load_exclusions(folder / "exclusions.csv", inputs)
    raw_sources = load_seed(folder / "seed.txt")
    descriptions = [""] * len(raw_sources)
    ann_digest = None
    if (folder / "announcement.json").exists():
        ann = load_json(folder / "announcement.json", "InvalidRecord")
        ann_digest, descriptions = check_announcement(
            ann, task, entities, inspectors, exclusion_ids, len(raw_sources))
    sources = [{"kind": k, "value": v, "description": d}
               for (k, v), d in zip(raw_sources, descriptions)]
    return run_draw(task, entities, inspectors, exclusion_ids, sources,
                    ann_digest)


def load_json(path: Path, kind: str):
    try:
        return json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except OSError as e:
        raise DrawError("Io", f"{path}: cannot read ({e.strerror})")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DrawError(kind, f"{path}: not valid JSON ({e})")


_MISSING = object()

# order in which record fields are compared (SPEC §11 listing order)
_RECORD_ORDER = ["protocol", "task", "task_digest", "entities", "inspectors",
                 "exclusions", "seed", "announcement_digest", "draw_key",
                 "unstratified", "strata", "draws", "record_digest"]


def first_difference(a, b, path=()):
    """Depth-first first difference between two JSON values, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b), key=lambda k: (
            _RECORD_ORDER.index(k) if not path and k in _RECORD_ORDER else 99,
            by_bytes(k)))
        for k in keys:
            d = first_difference(a.get(k, _MISSING), b.get(k, _MISSING),
                                 path + (k,))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, path + (i,))
            if d:
                return d
        if len(a) != len(b):
            return path + ("(number of items)",), len(a), len(b)
        return None
    if type(a) is not type(b) or a != b:
        return path, a, b
    return None


def describe(path, record) -> str:
    """Plain words for a path into a record (SPEC §13 step 3)."""
    words, node = [], record
    for i, step in enumerate(path):
        prev = path[i - 1] if i else None
        if isinstance(step, int) and prev == "draws":
            d = node[step] if isinstance(node, list) and step < len(node) else {}
            words.append(f"draw #{step + 1} (stratum {d.get('stratum')}, "
                         f"position {d.get('position')})")
        elif isinstance(step, int) and prev == "team":
            words.append(f"team slot {step + 1}")
        elif isinstance(step, int) and prev == "strata" and i == 1:
            words.append(f"stratum {step}")
        elif isinstance(step, int):
            words.append(f"item {step + 1}")
        elif step in ("draws", "team") or (step == "strata" and i == 0):
            pass
        else:
            words.append(str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return " → ".join(words) or "(whole record)"


def _show(v) -> str:
    return "(absent)" if v is _MISSING else canonical_json(v)


def _print_warnings(inputs_list, prefix=""):
    for inputs in inputs_list:
        for w in inputs.warnings:
            print(f"{prefix}warning: {w}", file=sys.stderr)


def run_case(folder: Path):
    """Run one case folder; return (ok, message)."""
    try:
        expected = json.loads((folder / "expected.json").read_bytes()
                              .decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return False, f"cannot read expected.json ({e})"
    want_error = expected.get("error") if isinstance(expected, dict) and \
        set(expected) == {"error"} else None
    inputs = []
    try:
        record = draw_case(folder, inputs)
    except DrawError as e:
        if want_error == e.kind:
            return True, ""
        if want_error:
            return False, f"expected error {want_error}, got {e}"
        return False, f"expected a record, got error {e}"
    finally:
        _print_warnings(inputs, f"{folder.name}: ")
    if want_error:
        return False, f"expected error {want_error}, but the draw succeeded"
    if canonical_json(record) != canonical_json(expected):
        diff = first_difference(expected, record)
        p, exp, got = diff
        return False, (f"first difference at {describe(p, expected)}: "
                       f"expected {_show(exp)}, computed {_show(got)}")
    if record_digest(expected) != expected.get("record_digest"):
        return False, ("expected.json's record_digest does not match its own "
                       "contents")
    return True, ""


def run_cases(folders) -> int:
    passed = failed = 0
    for folder in folders:
        ok, msg = run_case(folder)
        if ok:
            passed += 1
            print(f"ok   {folder.name}", flush=True)
        else:
            failed += 1
            print(f"FAIL {folder.name} : {msg}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


# ---------------------------------------------------------------------------
# SPEC §13: verification of a published record
# ---------------------------------------------------------------------------

class Difference(Exception):
    """A verification difference (exit status 1)."""


_LOTTERY_VALUE = re.compile(r"(?:(?:0|[1-9][0-9]*)\.)+/")


def record_source(i: int, s) -> dict:
    """SPEC §6, §11: one seed source of a record, checked to be canonical.
    The value is in canonical form already (a lottery value is `3.0.7./`),
    so it is checked, not re-derived from raw numbers."""
    if not isinstance(s, dict) or set(s) != {"kind", "value", "description"}:
        raise DrawError("InvalidRecord", f"seed source {i + 1} must have "
                                         "kind, value and description")
    kind, value, description = s["kind"], s["value"], s["description"]
    if not all(isinstance(x, str) for x in (kind, value, description)):
        raise DrawError("InvalidRecord", f"seed source {i + 1}: kind, value "
                                         "and description must be texts")
    if kind == "text":
        ok = value != "" and normalize(value, f"seed source {i + 1}") == value
    elif kind == "lottery":
        ok = _LOTTERY_VALUE.fullmatch(value) is not None
    elif kind == "beacon":
        ok = (re.fullmatch(r"(?:[0-9a-f]{2})+", value) is not None)
    else:
        raise DrawError("InvalidRecord", f"seed source {i + 1}: unknown kind "
                                         f"{kind!r} (text, lottery or beacon)")
    if not ok:
        raise Difference(f"seed source {i + 1} ({kind}) value {value!r} is not "
                         "in canonical form (SPEC §6)")
    if normalize(description, f"seed source {i + 1}") != description:
        raise Difference(f"seed source {i + 1}: description {description!r} "
                         "is not normalized text (SPEC §2)")
    return {"kind": kind, "value": value, "description": description}


def verify_announcement(ann_path, record):
    """SPEC §13 step 4: the announcement (published before the seed) has the
    record's announcement_digest, and its task digest, directory and
    exclusion digests and counts are the record's.
    CHOICE: the announcement's task object, its number of seed sources and
    their descriptions are compared with the record's as well; an edited
    announcement (own digest wrong) is a difference (exit 1), one of another
    protocol an input error (exit 2)."""
    ann = load_json(ann_path, "InvalidRecord")
    if not isinstance(ann, dict):
        raise DrawError("InvalidRecord", f"{ann_path}: not a JSON object")
    if ann.get("protocol") != PROTOCOL:
        raise DrawError("InvalidRecord", f"{ann_path}: protocol "
                                         f"{ann.get('protocol')!r} is not "
                                         f"{PROTOCOL}")
    digest = announcement_digest(ann)
    if ann.get("announcement_digest") != digest:
        raise Difference(f"announcement {ann_path}: its announcement_digest "
                         f"says {_show(ann.get('announcement_digest', _MISSING))}"
                         f" but its content hashes to {digest}; the "
                         "announcement was changed after it was published")
    if record["announcement_digest"] is None:
        raise Difference(f"the record was made without an announcement "
                         f"(announcement_digest is null), but {ann_path} "
                         f"has digest {digest}")
    if record["announcement_digest"] != digest:
        raise Difference(f"the record's announcement_digest "
                         f"{record['announcement_digest']} is not the digest "
                         f"of {ann_path} ({digest}): the draw was not made "
                         "under this announcement")
    for key in ("task_digest", "task", "entities", "inspectors",
                "exclusions"):
        if ann.get(key, _MISSING) != record[key]:
            raise Difference(f"the announcement's {key} "
                             f"{_show(ann.get(key, _MISSING))} is not the "
                             f"record's {_show(record[key])}: the inputs "
                             "changed between the announcement and the draw")
    sources = record["seed"]["sources"]
    descriptions = ann.get("seed_sources")
    if not isinstance(descriptions, list) or len(descriptions) != len(sources):
        raise Difference(f"the announcement names "
                         f"{_show(descriptions if descriptions is not None else _MISSING)}"
                         f" as seed sources, the record has {len(sources)}")
    for i, (d, s) in enumerate(zip(descriptions, sources)):
        if not isinstance(d, str) or normalize(d) != s["description"]:
            raise Difference(f"seed source {i + 1}: the announcement says "
                             f"{_show(d)}, the record's description is "
                             f"{_show(s['description'])}")


def verify_record(record_path, entities_path, inspectors_path, exclude_paths,
                  announcement_path=None, inputs=None):
    """SPEC §13.  Raises DrawError (input error, exit 2) or Difference
    (exit 1); returns normally when the record is reproduced.  The code
    check of §3.1 gives warnings only (collected in `inputs`)."""
    inputs = inputs if inputs is not None else Inputs()
    inputs.invalid_codes = "warn"
    record = load_json(record_path, "InvalidRecord")
    required = set(_RECORD_ORDER)
    if not isinstance(record, dict) or not required <= set(record):
        missing = sorted(required - set(record)) if isinstance(record, dict) else []
        raise DrawError("InvalidRecord", f"{record_path}: not a record "
                                         f"(missing {', '.join(missing)})")
    if record["protocol"] != PROTOCOL:
        raise DrawError("InvalidRecord", f"{record_path}: protocol "
                                         f"{record['protocol']!r} is not {PROTOCOL}")
    # Step 1: the record's own digest.
    digest = record_digest(record)
    if digest != record["record_digest"]:
        raise Difference(f"record_digest: the record says "
                         f"{record['record_digest']}, but its contents hash to "
                         f"{digest}; the record was changed after it was made")
    # The record's task, checked to be canonical (needed in step 2 for its
    # exclusions, and in step 3).
    task = task_from_canonical(record["task"])
    if task != record["task"]:
        p, exp, got = first_difference(record["task"], task)
        raise Difference(f"the record's task is not in canonical form at "
                         f"{'.'.join(map(str, p))}: {_show(exp)} should be "
                         f"{_show(got)}")
    # Step 2: the directories and the exclusion list given, the latter
    # united with the record's task.exclusions (SPEC §4, §13).
    entities = load_entities(entities_path, inputs)
    inspectors = load_inspectors(inspectors_path, inputs)
    exclusion_ids = set(task["exclusions"])
    for path in exclude_paths:
        exclusion_ids |= load_exclusions(path, inputs)
    exclude_label = (", ".join(map(str, exclude_paths)) or "(no file given)") \
        + " with the task's own exclusions"
    for key, label, value in (
            ("entities", f"entity directory {entities_path}",
             {"count": len(entities), "digest": directory_digest(
                 "shuangsui/1/entities", entities).hex()}),
            ("inspectors", f"inspector directory {inspectors_path}",
             {"count": len(inspectors), "digest": directory_digest(
                 "shuangsui/1/inspectors", inspectors).hex()}),
            ("exclusions", f"exclusion list {exclude_label}",
             {"count": len(exclusion_ids),
              "digest": exclusions_digest(exclusion_ids).hex()})):
        if record[key] != value:
            hint = ""
            if key == "exclusions":
                hint = ("; give the exclusion list published beside the task "
                        "with --exclude")
            raise Difference(
                f"the {label} is not the one in the record: the record says "
                f"{_show(record[key])}, the files give {_show(value)}{hint}")
    # Step 3: re-run the draw from the record's task and seed sources.
    seed = record["seed"]
    if not isinstance(seed, dict) or not isinstance(seed.get("sources"), list):
        raise DrawError("InvalidRecord", "the record's seed must be "
                                         "{\"sources\": [...], \"digest\": …}")
    sources = [record_source(i, s) for i, s in enumerate(seed["sources"])]
    try:
        rerun = run_draw(task, entities, inspectors, exclusion_ids, sources,
                         record["announcement_digest"])
    except DrawError as e:
        raise Difference(f"the draw cannot be re-run from the record: {e}")
    diff = first_difference(record, rerun)
    if diff:
        p, exp, got = diff
        raise Difference(f"{describe(p, record)}: the record says {_show(exp)}, "
                         f"the re-run gives {_show(got)}")
    # Step 4: the announcement, when given.
    if announcement_path is not None:
        verify_announcement(announcement_path, record)


# ---------------------------------------------------------------------------
# Vector cases of version 2 (seeds/v2/NN-*/)
# ---------------------------------------------------------------------------

def pretty_json(value) -> str:
    """The style of the vectors' expected files."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def v2_case_outputs(folder: Path, inputs_out: list) -> dict:
    """Compute the expected files of a v2 case folder: {name: value}.

    published.txt present ⇔ the draw is announced: the announcement is
    built from the inputs (announcement.json), then read back — or
    given-announcement.json is read instead — and the seed texts entered
    under its forms.  expected.json is the record or {"error": kind};
    expected-verify.json the assurance of verifying the record (or
    given-record.json) with the announcement given."""
    out = {}
    ann = None
    try:
        task, inputs = load_task(folder / "task.toml")
        inputs_out.append(inputs)
        entities = load_entities(folder / "entities.csv", inputs)
        inspectors = load_inspectors(folder / "inspectors.csv", inputs)
        file_exclusions = set()
        if (folder / "exclusions.csv").exists():
            file_exclusions = load_exclusions(folder / "exclusions.csv", inputs)
        exclusion_ids = set(task["exclusions"]) | file_exclusions
        forms = parse_seed_forms(inputs.seed_tables)
        announced = (folder / "published.txt").exists()
        if announced:
            published = (folder / "published.txt").read_bytes().decode(
                "utf-8-sig")
            built = build_announcement(task, entities, inspectors,
                                       exclusion_ids, published, forms)
            out["announcement.json"] = built
            if (folder / "given-announcement.json").exists():
                ann = load_json(folder / "given-announcement.json",
                                "InvalidRecord")
            else:
                ann = json.loads(json.dumps(built))   # a copy, key order kept
            read_announcement(ann)
        elif forms:
            # CHOICE: [[seed]] tables without a publication date cannot be
            # drawn unannounced silently.
            raise DrawError("Unannounced", "the task announces seed forms but "
                            "the case has no published.txt")
        texts = [(f"{folder / 'seed.txt'}: line {n}", t)
                 for n, t in read_seed_texts(folder / "seed.txt")]
        record = draw_v2(task, entities, inspectors, exclusion_ids, texts, ann)
    except DrawError as e:
        out["expected.json"] = {"error": e.kind}
        out["_message"] = str(e)
        return out
    out["expected.json"] = record
    to_verify = record
    if (folder / "given-record.json").exists():
        to_verify = load_json(folder / "given-record.json", "InvalidRecord")
    vin = Inputs(invalid_codes="warn")
    inputs_out.append(vin)
    v_entities = load_entities(folder / "entities.csv", vin)
    v_inspectors = load_inspectors(folder / "inspectors.csv", vin)
    v_excl = (load_exclusions(folder / "exclusions.csv", vin)
              if (folder / "exclusions.csv").exists() else set())
    assurance, why = verify_v2(to_verify, v_entities, v_inspectors, v_excl, ann)
    out["expected-verify.json"] = assurance
    if why:
        out["_message"] = why
    return out


V2_OUTPUTS = ("announcement.json", "expected.json", "expected-verify.json")


def run_v2_case(folder: Path, bless: bool = False):
    """Run one v2 case folder; return (ok, message)."""
    inputs = []
    try:
        got = v2_case_outputs(folder, inputs)
    finally:
        _print_warnings(inputs, f"v2/{folder.name}: ")
    problems, blessed = [], []
    for name in V2_OUTPUTS:
        path = folder / name
        if name not in got:
            if path.exists():
                problems.append(f"{name} exists but the case produces none "
                                f"({got.get('_message', '')})")
            continue
        if not path.exists():
            if bless:
                path.write_text(pretty_json(got[name]), encoding="utf-8")
                blessed.append(name)
                continue
            problems.append(f"{name} is missing (run with --bless to write "
                            "it, then review it)")
            continue
        try:
            want = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            problems.append(f"cannot read {name} ({e})")
            continue
        if canonical_json(want) != canonical_json(got[name]):
            diff = first_difference(want, got[name])
            p, exp, found = diff if diff else ((), want, got[name])
            extra = f" ({got['_message']})" if "_message" in got else ""
            problems.append(f"{name}: first difference at "
                            f"{describe(p, want) if isinstance(want, dict) else p}"
                            f": expected {_show(exp)}, computed "
                            f"{_show(found)}{extra}")
        elif name == "expected.json" and "record_digest" in want and \
                record_digest(want) != want["record_digest"]:
            problems.append("expected.json's record_digest does not match "
                            "its own contents")
        elif name == "announcement.json" and \
                announcement_digest(want) != want.get("announcement_digest"):
            problems.append("announcement.json's announcement_digest does not "
                            "match its own contents")
    if problems:
        return False, "; ".join(problems)
    return True, (f"blessed {', '.join(blessed)}" if blessed else "")


# ---------------------------------------------------------------------------
# SPEC §17: plans and batches (shuangsui-plan/1)
# ---------------------------------------------------------------------------

PLAN_PROTOCOL = "shuangsui-plan/1"
PLAN_KEYS = {"plan", "entities_file", "inspectors_file", "exclusions_files",
             "invalid_codes", "columns", "batch"}
BATCH_KEYS = {"name", "draw_date", "seed", "task"}
PLAN_FILE_KEYS = ("entities_file", "inspectors_file", "exclusions_files")
NOT_IN_PLAN_TASK = ("draw_date", "seed", "invalid_codes", "columns")
# SPEC §17.3: the kinds with which a task fails alone.
TASK_FAILURES = {"OverlappingStrata", "QuotaExceedsStratum",
                 "NoQualifiedInspector", "Infeasible"}


def _plan_files(v, where) -> list:
    if isinstance(v, str):
        return [_text(v, where)]
    if isinstance(v, list):
        return [_text(x, where) for x in v]
    _bad(f"{where}: a file name or a list of file names")


def _same_event(a, b) -> bool:
    """SPEC §17.1: two forms naming the same public event."""
    if a["kind"] != b["kind"]:
        return False
    if a["kind"] == "lottery":
        return (a["game"], a["issue"]) == (b["game"], b["issue"])
    if a["kind"] == "beacon":
        return (a["beacon"], a["round"]) == (b["beacon"], b["round"])
    return (a["event"], a["date"]) == (b["event"], b["date"])


def load_plan(path: Path):
    """SPEC §17.1: read a plan file; return {"plan", "batches": [{"name",
    "forms", "tasks": [{"task", "inputs", "entities_file", …}]}]}."""
    try:
        doc = tomllib.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise DrawError("InvalidTask", f"{path}: not a valid TOML file: {e}")
    _check_keys(doc, PLAN_KEYS, "plan")
    if "plan" not in doc:
        _bad("plan: missing required key plan")
    plan = {"plan": _text(doc["plan"], "plan"), "batches": []}
    shared = {k: _text(doc[k], k) for k in ("entities_file", "inspectors_file")
              if k in doc}
    shared_excl = _plan_files(doc.get("exclusions_files", []),
                              "exclusions_files")
    batches = doc.get("batch", [])
    if not isinstance(batches, list) or not batches:
        _bad("plan: no [[batch]]")
    for b in batches:
        if not isinstance(b, dict):
            _bad("batch: not a table")
        _check_keys(b, BATCH_KEYS, "batch")
        for k in ("name", "draw_date", "seed"):
            if k not in b:
                _bad(f"batch: missing required key {k}")
        name = _text(b["name"], "batch.name")
        tasks = b.get("task", [])
        if not isinstance(tasks, list) or not tasks:
            _bad(f"batch {name}: no [[batch.task]]")
        batch = {"name": name, "tasks": []}
        for t in tasks:
            if not isinstance(t, dict):
                _bad(f"batch {name}: a task is not a table")
            for k in NOT_IN_PLAN_TASK:
                if k in t:
                    _bad(f"batch {name}: a task of a plan has no {k}")
            own = {k: t[k] for k in PLAN_FILE_KEYS if k in t}
            doc_t = {k: v for k, v in t.items() if k not in PLAN_FILE_KEYS}
            doc_t["draw_date"] = b["draw_date"]
            doc_t["seed"] = b["seed"]
            for k in ("invalid_codes", "columns"):
                if k in doc:
                    doc_t[k] = doc[k]
            task, inputs = build_task(doc_t)
            forms = parse_seed_forms(b["seed"])
            files = {}
            for k in ("entities_file", "inspectors_file"):
                if k in own:
                    files[k] = _text(own[k], k)
                elif k in shared:
                    files[k] = shared[k]
                else:
                    _bad(f"batch {name}: a task has no {k}")
            files["exclusions_files"] = (
                _plan_files(own["exclusions_files"], "exclusions_files")
                if "exclusions_files" in own else shared_excl)
            if any(x["task"]["name"] == task["name"] for x in batch["tasks"]):
                _bad(f"batch {name}: two tasks named {task['name']!r}")
            batch["tasks"].append({"task": task, "inputs": inputs,
                                   "forms": forms, **files})
        if any(x["name"] == name for x in plan["batches"]):
            _bad(f"plan: two batches named {name!r}")
        batch["forms"] = batch["tasks"][0]["forms"]
        plan["batches"].append(batch)
    for i, a in enumerate(plan["batches"]):
        for b in plan["batches"][:i]:
            for f in a["forms"]:
                if any(_same_event(f, g) for g in b["forms"]):
                    _bad(f"batches {b['name']!r} and {a['name']!r} share a "
                         "seed source (SPEC §17.1)")
    return plan


def batch_announcement_digest(a: dict) -> str:
    """SPEC §17.2."""
    body = {k: v for k, v in a.items() if k != "batch_announcement_digest"}
    return H("shuangsui/1/plan-batch-announcement",
             canonical_json(body)).hex()


def batch_digest(b: dict) -> str:
    """SPEC §17.4."""
    body = {k: v for k, v in b.items() if k != "batch_digest"}
    return H("shuangsui/1/plan-batch", canonical_json(body)).hex()


def plan_visits(records) -> list:
    """SPEC §17.4: the visit list from the tasks' records (None for a task
    that failed), in the batch's order."""
    visits, at = [], {}
    for t, r in enumerate(records):
        if r is None:
            continue
        for d in r["draws"]:
            eid = d["entity"]["id"]
            if eid not in at:
                at[eid] = len(visits)
                visits.append({"entity": dict(d["entity"]), "tasks": [],
                               "team": []})
            v = visits[at[eid]]
            v["tasks"].append(t)
            for m in d["team"]:
                same = [x for x in v["team"] if x["id"] == m["id"]]
                if same:
                    same[0]["tasks"].append(t)
                else:
                    v["team"].append({
                        "id": m["id"], "name": m["name"],
                        "department": m["department"],
                        "role": "leader" if not v["team"] else "member",
                        "tasks": [t]})
    return visits


def plan_case_outputs(folder: Path, inputs_out: list) -> dict:
    """SPEC §17: a plan case: every batch announced, drawn (each task by
    §5–§11 under its own announcement, failing alone with the kinds of
    §17.3) and summed up in its batch record."""
    try:
        plan = load_plan(folder / "plan.toml")
        given = json.loads((folder / "batches.json").read_text("utf-8"))
        out = []
        for batch, inp in zip(plan["batches"], given):
            tasks = []
            for t in batch["tasks"]:
                inputs = t["inputs"]
                inputs_out.append(inputs)
                ents = load_entities(folder / t["entities_file"], inputs)
                insp = load_inspectors(folder / t["inspectors_file"], inputs)
                excl = set(t["task"]["exclusions"])
                for x in t["exclusions_files"]:
                    excl |= load_exclusions(folder / x, inputs)
                ann = build_announcement(t["task"], ents, insp, excl,
                                         inp["published"], batch["forms"])
                tasks.append((t["task"], ents, insp, excl, ann))
            a = {"protocol": PLAN_PROTOCOL, "plan": plan["plan"],
                 "batch": batch["name"],
                 "published": tasks[0][4]["published"],
                 "seed_sources": batch["forms"],
                 "tasks": [x[4] for x in tasks]}
            a["batch_announcement_digest"] = batch_announcement_digest(a)
            texts = [(f"batches.json: seed {n + 1}", s)
                     for n, s in enumerate(inp["seed"])]
            if len(texts) != len(batch["forms"]):
                raise DrawError("AnnouncementMismatch", "seed count")
            sources = []
            for (where, text), form in zip(texts, batch["forms"]):
                kind, value = enter_seed(text, form, where)
                sources.append({"kind": kind, "value": value,
                                "description": describe_form(form),
                                "form": form})
            records, listed = [], []
            for task, ents, insp, excl, ann in tasks:
                try:
                    r = draw_v2(task, ents, insp, excl, texts, ann)
                    records.append(r)
                    listed.append({"name": task["name"],
                                   "record_digest": r["record_digest"],
                                   "error": None})
                except DrawError as e:
                    if e.kind not in TASK_FAILURES:
                        raise
                    records.append(None)
                    listed.append({"name": task["name"],
                                   "record_digest": None, "error": e.kind})
            b = {"protocol": PLAN_PROTOCOL, "plan": plan["plan"],
                 "batch": batch["name"],
                 "batch_announcement_digest": a["batch_announcement_digest"],
                 "seed": {"sources": sources,
                          "digest": seed_digest(sources).hex()},
                 "tasks": listed, "visits": plan_visits(records)}
            b["batch_digest"] = batch_digest(b)
            out.append({"announcement": a,
                        "records": [r if r is not None else
                                    {"error": x["error"]}
                                    for r, x in zip(records, listed)],
                        "batch": b})
    except DrawError as e:
        return {"expected.json": {"error": e.kind}, "_message": str(e)}
    return {"expected.json": {"batches": out}}


def run_plan_case(folder: Path, bless: bool = False):
    """Run one plan case folder; return (ok, message)."""
    inputs = []
    try:
        got = plan_case_outputs(folder, inputs)
    finally:
        _print_warnings(inputs, f"plans/{folder.name}: ")
    path = folder / "expected.json"
    if not path.exists():
        if bless:
            path.write_text(pretty_json(got["expected.json"]), encoding="utf-8")
            return True, "blessed expected.json"
        return False, "expected.json is missing (run with --bless)"
    want = json.loads(path.read_bytes().decode("utf-8-sig"))
    if canonical_json(want) != canonical_json(got["expected.json"]):
        diff = first_difference(want, got["expected.json"])
        p, exp, found = diff if diff else ((), want, got["expected.json"])
        extra = f" ({got['_message']})" if "_message" in got else ""
        return False, (f"expected.json: first difference at {p}: expected "
                       f"{_show(exp)}, computed {_show(found)}{extra}")
    for b in want.get("batches", []):
        if batch_digest(b["batch"]) != b["batch"]["batch_digest"] or \
                batch_announcement_digest(b["announcement"]) != \
                b["announcement"]["batch_announcement_digest"]:
            return False, "a digest of expected.json does not match its content"
    return True, ""


def run_all(v1_folders, v2_folders, bless=False, plan_folders=()) -> int:
    passed = failed = 0
    for label, folders, runner in (("v1", v1_folders, run_case),
                                   ("v2", v2_folders,
                                    lambda f: run_v2_case(f, bless)),
                                   ("plans", plan_folders,
                                    lambda f: run_plan_case(f, bless))):
        for folder in folders:
            ok, msg = runner(folder)
            name = f"{label}/{folder.name}"
            if ok:
                passed += 1
                print(f"ok   {name}{' (' + msg + ')' if msg else ''}",
                      flush=True)
            else:
                failed += 1
                print(f"FAIL {name} : {msg}", flush=True)
    print(f"{passed} passed, {failed} failed "
          f"({len(v1_folders)} v1 cases, {len(v2_folders)} v2 cases, "
          f"{len(plan_folders)} plan cases)")
    return 0 if failed == 0 else 1


def case_folders(root: Path) -> list:
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir()
                   if p.is_dir() and p.name[:1].isdigit()),
                  key=lambda p: by_bytes(p.name))


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def main(argv=None) -> int:
    _chacha20_self_test()
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Tables are read as CSV only (UTF-8, or GBK/GB18030; comma- or "
               "tab-separated). Excel files (.xlsx, .xls) are not read: save "
               "them as CSV first.")
    ap.add_argument("case", nargs="?", help="one case folder to run")
    ap.add_argument("--record", help="published record (JSON) to verify")
    ap.add_argument("--entities", help="entity directory (CSV only)")
    ap.add_argument("--inspectors", help="inspector directory (CSV only)")
    ap.add_argument("--exclude", action="append", default=[],
                    help="exclusion list (CSV only) published beside the task; "
                         "the record's task.exclusions are added to it; "
                         "repeat for several")
    ap.add_argument("--announcement",
                    help="the announcement (JSON) published before the seed; "
                         "checks SPEC §13 step 4")
    ap.add_argument("--bless", action="store_true",
                    help="write the missing expected files of v2 cases "
                         "(never overwrites)")
    args = ap.parse_args(argv)
    if (args.record or args.entities or args.inspectors or args.exclude
            or args.announcement):
        if not (args.record and args.entities and args.inspectors) or args.case:
            ap.error("--record needs --entities and --inspectors (and no case)")
        inputs = Inputs(invalid_codes="warn")
        try:
            record = load_json(args.record, "InvalidRecord")
        except DrawError as e:
            print(f"input error: {e}")
            return 2
        if isinstance(record, dict) and record.get("protocol") == PROTOCOL_V2:
            return verify_v2_cli(record, args, inputs)
        try:
            verify_record(args.record, args.entities, args.inspectors,
                          args.exclude, args.announcement, inputs)
        except DrawError as e:
            _print_warnings([inputs])
            print(f"input error: {e}")
            return 2
        except Difference as e:
            _print_warnings([inputs])
            print(f"NOT reproduced: {e}")
            return 1
        _print_warnings([inputs])
        print("reproduced" + (" (announcement checked)"
                              if args.announcement else ""))
        return 0
    if args.case:
        folder = Path(args.case)
        if not folder.is_dir():
            ap.error(f"{folder} is not a folder")
        if folder.resolve().parent.name == "v2":
            return run_all([], [folder], args.bless)
        if folder.resolve().parent.name == "plans":
            return run_all([], [], args.bless, [folder])
        return run_all([folder], [], args.bless)
    here = Path(__file__).resolve().parent
    return run_all(case_folders(here), case_folders(here / "v2"), args.bless,
                   case_folders(here / "plans"))


def verify_v2_cli(record, args, inputs) -> int:
    """SPEC §13: verify a v2 record from the command line and print the
    assurance statement (§13.2)."""
    try:
        entities = load_entities(Path(args.entities), inputs)
        inspectors = load_inspectors(Path(args.inspectors), inputs)
        excl = set()
        for path in args.exclude:
            excl |= load_exclusions(Path(path), inputs)
        ann = (load_json(args.announcement, "InvalidRecord")
               if args.announcement else None)
    except DrawError as e:
        _print_warnings([inputs])
        print(f"input error: {e}")
        return 2
    _print_warnings([inputs])
    assurance, why = verify_v2(record, entities, inspectors, excl, ann)
    print(pretty_json(assurance), end="")
    if why:
        print(f"NOT reproduced: {why}")
        return 1
    print("reproduced")
    for line in sources_to_check(record, ann is not None):
        print(f"  check: {line}")
    if assurance["entropy_bits"] is not None and \
            assurance["entropy_bits"] < LOW_ENTROPY_BITS:
        print(f"warning: {LOW_ENTROPY_WARNING}")
    if assurance["committed_before_seed"] is None:
        print("the record names an announcement that was not given: give it "
              "with --announcement to check that the inputs were fixed "
              "before the seed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
