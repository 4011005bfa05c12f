"""Hypothesis strategies for hostile input files: JSON and YAML documents shaped like score
files (a valid body of the 2012 IT methodology with some of its values, keys and ids
replaced), raw YAML scalars with tags, anchors, dates and mixed key types, XLSX workbooks
(the real template with hostile cells, or a damaged archive) and formulas from a grammar
of the formula language and of what it refuses.

Generated text never holds the characters of a Python repr (``{'``, ``['``…), so a
repr in a message is the program's own (see ``harness.REPR``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from conftest import full_raw

# Text a careless user types: letters (Latin, Cyrillic, Kazakh), digits, spaces and punctuation
# that cannot form a repr.
CLEAN = st.text(alphabet=st.sampled_from(list("abcxyzАБВәғқңөұүһі0123456789 .,-_:;/+#!?*%&=~|\t")),
                max_size=12)


class Raw:
    """A token written into the document as it is (a YAML tag, an alias, 1e400…)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text})"


NUMBERS = st.one_of(
    st.integers(min_value=-10, max_value=10**4),
    st.integers(),
    st.sampled_from([10**16, -(10**16), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: Raw(str(d))),
    st.sampled_from(["1e400", "1e999999999", "-1e-999999999", "0.000000000000000000000001", "1E+15", "1e15",
                     "1000000000000001", "-0", "0e0", "1_000", "1" + "0" * 5000]).map(Raw),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, CLEAN)
VALUES = st.recursive(LEAVES, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(CLEAN, children, max_size=3)), max_leaves=8)

BASE = full_raw()
INPUT_IDS = sorted(BASE)


@st.composite
def body(draw, values=VALUES, keys=CLEAN):
    inputs = dict(BASE)
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(st.sampled_from(INPUT_IDS), keys))
        if draw(st.booleans()) and key in inputs:
            del inputs[key]
        else:
            inputs[key] = draw(values)
    entry = {"id": draw(st.one_of(st.just("astana"), CLEAN, values)), "inputs": inputs}
    if draw(st.booleans()):
        entry["name"] = draw(st.one_of(CLEAN, values))
    for _ in range(draw(st.integers(0, 1))):
        entry[draw(st.sampled_from(["profile", "kind", "note", "penalties", "extra"]) | keys)] = draw(values)
    if draw(st.integers(0, 9)) == 0:
        entry["inputs"] = draw(values)
    return entry


@st.composite
def document(draw, values=VALUES, keys=CLEAN):
    """A score file's data: usually a cohort of one or two bodies, sometimes one body, sometimes anything."""
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(values)
    top: dict = {}
    if draw(st.integers(0, 3)):
        top["methodology"] = draw(st.just("it-2012") | values)
    if draw(st.integers(0, 3)):
        top["period"] = draw(st.just(2012) | values)
    if shape == 1:
        single = draw(body(values, keys))
        top.update({"body": single["id"], "inputs": single["inputs"]})
    else:
        top["bodies"] = draw(st.lists(body(values, keys), min_size=1, max_size=2))
    for _ in range(draw(st.integers(0, 1))):
        top[draw(st.sampled_from(["profile", "penalties", "name", "fields", "extra"]) | keys)] = draw(values)
    return top


# --- JSON -----------------------------------------------------------------------------

def to_json(value) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {to_json(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(to_json, value)) + "]"
    return json.dumps(value, ensure_ascii=False)    # NaN and Infinity as Python writes them


@st.composite
def mutated(draw, text: str) -> str:
    """The text, or the text cut short or with a few characters put in or taken out."""
    kind = draw(st.integers(0, 5))
    if kind > 2 or not text:
        return text
    at = draw(st.integers(0, len(text)))
    if kind == 0:
        return text[:at]
    if kind == 1:
        return text[:at] + draw(st.text(max_size=4)) + text[at:]
    return text[:at] + text[at + draw(st.integers(1, 8)):]


@st.composite
def json_files(draw) -> tuple[str, bytes]:
    """(the text as written, the file's bytes)."""
    text = draw(mutated(to_json(draw(document()))))
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 19)) == 0:
        data = draw(st.sampled_from([b"\xff\xfe", b"\xef\xbb\xbf", b"\x00", b"\xc3"])) + data
    return text, data


# --- YAML -----------------------------------------------------------------------------

YAML_SCALARS = st.sampled_from([
    "2012-12-31", "2012-12-31T10:00:00Z", "2012-12-31 10:00:00", "12:30:00", ".inf", "-.inf", ".nan", "0x1F",
    "0o17", "0b101", "1_000", "~", "null", "yes", "no", "on", "off", "Да", "нет", "1e400", "1e999999999",
    "!!binary aGVsbG8=", "!!set {a, b}", "!!str 5", "!!int '7'", "!!float '1e400'", "!!float '.nan'",
    "!!timestamp 2001-12-14", "!!python/name:os.system", "!!python/object:object {}", "!!omap [{a: 1}]",
    "!!pairs [{a: 1}]", "!custom 1", "&anchor 5", "*undefined", "!!null ''", "!!bool 'maybe'", "'quoted'",
    "\"tab\\there\"", "|\n  block", "12345678901234567890123456789012345678901234567890123456789012345678901",
    "!!map {1: 2}", "!!seq [1]", "2012-02-30", "9999-12-31", "0000-01-01",
]).map(Raw)
YAML_KEYS = st.one_of(CLEAN, st.integers(-3, 2013), st.booleans(), st.none(),
                      st.sampled_from(["2012-12-31", "1.5", "~", "!!binary aGVsbG8=", "[a, b]", "{a: 1}",
                                       "<<", "? x"]).map(Raw))
YAML_VALUES = st.recursive(st.one_of(LEAVES, YAML_SCALARS), lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(YAML_KEYS, children, max_size=3)), max_leaves=8)


def to_yaml(value) -> str:
    """Flow-style YAML; raw tokens as they are, keys of any type."""
    if isinstance(value, Raw):
        return value.text if "\n" not in value.text else json.dumps(value.text)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return ".nan" if value != value else ".inf" if value == float("inf") else "-.inf" \
            if value == float("-inf") else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_yaml(k)}: {to_yaml(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(map(to_yaml, value)) + "]"


@st.composite
def yaml_files(draw) -> tuple[str, bytes]:
    data = draw(document(YAML_VALUES, YAML_KEYS))
    if isinstance(data, dict) and draw(st.integers(0, 3)) == 0:
        text = "\n".join(f"{to_yaml(k)}: {to_yaml(v)}" for k, v in data.items())   # block style at the top
    else:
        text = to_yaml(data)
    text = draw(mutated(text))
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.sampled_from(["%YAML 1.1\n---\n", "--- !!map\n", "---\n", "# comment\n"])) + text \
            + draw(st.sampled_from(["", "\n---\n{}", "\n...\n", "\n--- [1]"]))
    return text, text.encode("utf-8", "surrogatepass")


# --- XLSX -----------------------------------------------------------------------------

MINI = str(Path(__file__).resolve().parent.parent / "data" / "mini-2020.yaml")
MINI_BASE = {"done": 1, "due": 2, "raw": 5, "bonus": 1, "secret": False, "budget_share": "0.5", "entered_2_2": 5,
             "entered_2_2_comment": "the working group's finding"}


@lru_cache(maxsize=2)
def template_parts(edition: str = "it-2012") -> tuple[dict[str, bytes], dict[str, tuple[str, str]]]:
    """The edition's template (it-2012, or the small synthetic MINI, central profile) filled with
    a valid body, as its ZIP members, and every defined name's (member, cell)."""
    import openpyxl
    from bagalau.engine import catalog, forms
    mini = edition == MINI
    compiled = catalog.load(edition, "central" if mini else None)
    workbook = openpyxl.load_workbook(io.BytesIO(forms.render(compiled, "xlsx")))
    names = workbook.defined_names

    def put(name, value):
        sheet, cell = next(iter(names[name].destinations))
        workbook[sheet][cell.replace("$", "")] = value

    put("body_id", "astana")
    put("period", 2012 if not mini else 2020)
    if mini and "profile" in names:
        put("profile", "central")
    for key, value in (MINI_BASE if mini else BASE).items():
        put(f"in_{key}", ", ".join(map(str, value)) if isinstance(value, list) else
            ("да" if value is True else "нет" if value is False else value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet_member = {sheet: f"xl/worksheets/sheet{i}.xml" for i, sheet in enumerate(workbook.sheetnames, start=1)}
    cells = {}
    for name in names:
        destinations = list(names[name].destinations)
        if len(destinations) == 1:
            sheet, cell = destinations[0]
            if ":" in cell:     # a table (the penalties sheet): each cell under its header row
                for row in workbook[sheet][cell.replace("$", "")][1:]:
                    cells.update({f"{name}!{c.coordinate}": (sheet_member[sheet], c.coordinate) for c in row})
                continue
            cells[name] = (sheet_member[sheet], cell.replace("$", ""))
    return members, cells


CELL_TEXT = st.one_of(CLEAN, NUMBERS.map(lambda n: n.text if isinstance(n, Raw) else str(n)),
                      st.sampled_from(["NaN", "INF", "-inf", "1e400", "#DIV/0!", "#REF!", "TRUE", "2012-12-31",
                                       "2012-12-31T00:00:00", "45000", "-1", "99999999999999999999999999",
                                       "", " ", "да", "нет", "1,5", "1 000"]))
CELL_FORMULA = st.sampled_from(["A1+1", "1/0", "SUM(A1:A3)", "NOW()", "\"text\"", "B2", "1e400", "'x'!A1"])


@st.composite
def cell_xml(draw, ref: str) -> str:
    kind = draw(st.sampled_from([None, "n", "s", "str", "b", "e", "inlineStr", "d", "bogus"]))
    text = draw(CELL_TEXT)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    formula = draw(st.none() | CELL_FORMULA)
    parts = []
    if formula is not None:
        parts.append(f"<f>{formula.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</f>")
    if kind == "inlineStr":
        parts.append(f"<is><t>{escaped}</t></is>")
    elif draw(st.integers(0, 4)):      # a formula cell with no saved value, or an empty one, otherwise
        parts.append(f"<v>{escaped}</v>")
    attribute = f' t="{kind}"' if kind else ""
    return f'<c r="{ref}"{attribute}>{"".join(parts)}</c>'


BOMB = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


@st.composite
def xlsx_files(draw, edition: str = "it-2012") -> tuple[str, bytes]:
    """(a description of what was done, the workbook's bytes)."""
    members, cells = template_parts(edition)
    members = dict(members)
    changed = []
    for name in draw(st.lists(st.sampled_from(sorted(cells)), max_size=4, unique=True)):
        member, ref = cells[name]
        xml = members[member].decode("utf-8")
        new = draw(cell_xml(ref))
        pattern = re.compile(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', re.DOTALL)
        if pattern.search(xml):
            xml = pattern.sub(lambda _: new, xml, count=1)
        else:
            continue    # a cell openpyxl did not write: leave it
        members[member] = xml.encode("utf-8")
        changed.append(f"{name}={new}")
    damage = draw(st.integers(0, 11))
    if damage == 0:     # an entity bomb or a DTD in a member
        target = draw(st.sampled_from(sorted(m for m in members if m.endswith(".xml"))))
        members[target] = members[target].replace(b"?>", b"?>" + BOMB.encode(), 1)
        changed.append(f"bomb in {target}")
    elif damage == 1:   # a member lost
        target = draw(st.sampled_from(sorted(members)))
        del members[target]
        changed.append(f"without {target}")
    elif damage == 2:   # a member's XML cut short
        target = draw(st.sampled_from(sorted(m for m in members if m.endswith(".xml"))))
        members[target] = members[target][:draw(st.integers(0, len(members[target])))]
        changed.append(f"cut {target}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:    # fast; both are read
        for filename, content in members.items():
            archive.writestr(filename, content)
    data = buffer.getvalue()
    if damage == 3:     # the archive's bytes damaged
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at + 8:]
        changed.append(f"bytes at {at}")
    elif damage == 4:
        data = data[:draw(st.integers(0, len(data)))]
        changed.append("truncated")
    return "; ".join(changed), data


# --- formulas -------------------------------------------------------------------------

MINI_NAMES = ["done", "due", "raw", "bonus", "secret", "budget_share", "local_only", "weight", "option_A1"]
FORMULA_LEAVES = st.one_of(
    st.sampled_from(MINI_NAMES),
    st.sampled_from(["nope", "_secret", "__import__", "True", "None", "'after'", "'a'", "''", "'search_position'",
                     "'1.1'", "'9'", "\"x\""]),
    st.sampled_from(["0", "1", "2", "0.5", "0.1", "100", "1e30", "1e31", "1e-30", "1e999999999", "0x10", "1_0",
                     "10**10", "3j", "1.", ".5", "-0", "0.0"]),
)
FUNCTION_NAMES = st.sampled_from(["share", "band", "mean_band", "score", "mean", "total", "count", "min", "max",
                                  "abs", "open", "eval", "round", "len", "__import__", "sum"])
BINARY = st.sampled_from(["+", "-", "*", "/", "**", "%", "//", "@", "&", "|", "<<", "==", "!=", "<", "<=", ">",
                          ">=", " and ", " or ", " in ", " is "])


def _formula_children(children):
    return st.one_of(
        st.tuples(children, BINARY, children).map(lambda t: f"{t[0]} {t[1].strip()} {t[2]}"),
        st.tuples(st.sampled_from(["-", "+", "not ", "~"]), children).map("".join),
        st.tuples(FUNCTION_NAMES, st.lists(children, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        children.map(lambda c: f"({c})"),
        st.tuples(children, st.sampled_from([".real", "[0]", "()", "(x=1)", ".__class__"])).map("".join),
        children.map(lambda c: st.sampled_from([f"[{c}]", f"lambda: {c}", f"[x for x in {c}]", f"*{c}",
                                                f"(y := {c})", f"f'{{{c}}}'", f"{{{c}: 1}}"])).flatmap(lambda s: s),
    )


FORMULAS = st.recursive(FORMULA_LEAVES, _formula_children, max_leaves=10)


@st.composite
def formulas(draw) -> str:
    text = draw(FORMULAS)
    if draw(st.integers(0, 7)) == 0:
        text = draw(mutated(text))
    if draw(st.integers(0, 19)) == 0:   # a long one: past the limits on parts and depth
        text = draw(st.sampled_from([" + ".join(["done"] * 2100), "(" * 120 + "1" + ")" * 120,
                                     "-" * 500 + "1", " + ".join([text] * 20)]))
    return text


MINI_BODY_VALUES = st.one_of(st.integers(0, 5), st.sampled_from([0, 10**15, "0.5", "1e15", "-1"]))
