"""The acts' forms as data: ``forms/<edition>/<form>.yaml`` holds a form's rows, columns
and wording in Kazakh and Russian (``forms/common.yaml`` the wording all forms share);
this module fills a form from a body's data into a document model (title, blocks,
footnotes, footer) that ``render`` lays out as PDF (Typst) and DOCX (docxtpl).

Block kinds a form file can use: ``scores`` (printed rows, each the value of a scored
node, and the total, or a direction's score before and after its penalty),
``penalty_rows`` (points deducted per penalty rule, and their total), ``analysis`` (a line per printed row), ``findings`` (unreliable
facts, report flags, penalties), ``objections`` (the disagreement table),
``nodes`` (every scored node under some roots, with maxima), ``free_text`` (blank
lines), ``post_audit`` (§112), ``signatures``, ``annex`` (a new page with a title
and a node table per section) and ``paragraph``. A methodologist changes wording,
rows and order in the YAML; nothing here holds a rule of an act. A form file may also
reword the shared lines of ``common.yaml`` for itself (``words``: the body's caption, the
signature captions…) and carry a ``note`` per language, printed first among the footnotes;
a block's ``heading_by_profile`` replaces its heading for bodies of that profile.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import yaml

from decimal import Decimal

import re

from bagalau import i18n
from bagalau.i18n.references import localized_reference

from .sources import LANGUAGES, BodyData, display, text

APPENDIX = re.compile(r"\bApp\.? (\d+)")
APPENDIX_WORDS = {"kk": r"\1-қосымша", "ru": r"приложение \1", "en": r"Appendix \1"}


def appendix_label(reference: str, lang: str) -> str:
    """The form's place in the act in the document's language: "App 9" → "9-қосымша" / "приложение 9"."""
    return APPENDIX.sub(APPENDIX_WORDS.get(lang, APPENDIX_WORDS["ru"]), reference)


def commentary(sentence: str, lang: str) -> str:
    """Our English commentary on the act (a reading) in the document's language, from the catalogs."""
    return i18n.translator(lang, strict=False, domain=i18n.ENGINE).gettext(sentence)

FORMS = Path(__file__).resolve().parent / "forms"
VERIFY_PREFIX = "bagalau-document/1"
OBJECTION_FIELDS = {"text": 5, "contested": 4, "outcome": 4, "reasoning": 4, "kind": 2.5}   # column: its width (long Kazakh words fit)


class FormError(ValueError):
    """A form that does not exist for the edition, or a form file that cannot be used."""


@lru_cache(maxsize=None)
def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def common() -> dict:
    return _read(str(FORMS / "common.yaml"))


def _edition_folder(methodology: str) -> Path | None:
    folder = FORMS / methodology
    if folder.is_dir():
        return folder
    # an amending edition (ict-2015-2021) uses its base's forms unless it has its own
    for candidate in sorted(FORMS.iterdir(), key=lambda p: -len(p.name)):
        if candidate.is_dir() and methodology.startswith(candidate.name + "-"):
            return candidate
    return None


def available(methodology: str) -> list[str]:
    """The forms this edition has, by name."""
    folder = _edition_folder(methodology)
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder else []


def form(methodology: str, name: str) -> dict:
    folder = _edition_folder(methodology)
    path = folder / f"{name}.yaml" if folder else None
    if path is None or not path.exists():
        forms = available(methodology)
        raise FormError(f"no form '{name}' for {methodology}; its forms: {', '.join(forms) or 'none yet'}")
    return _read(str(path))


def applies(spec: dict, data: BodyData) -> bool:
    """Whether a form is made for this body (a form may name the profiles it is for)."""
    return not spec.get("profiles") or data.profile in spec["profiles"]


def verification_line(data: BodyData, form_name: str, lang: str) -> str:
    """The machine-readable line in every document's footer, read back by ``documents verify``."""
    return (f"{VERIFY_PREFIX} campaign={data.campaign_id} run={data.run} hash={data.run_hash} body={data.body} "
            f"form={form_name} lang={lang} kind={data.kind}")


def _fill(template: str, **values) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise FormError(f"the wording '{template}' names an unknown field {exc}") from None


def _value(value) -> str:
    if value is True:
        return "1"
    if value is False:
        return "0"
    return "" if value is None else str(value)


def build(data: BodyData, form_name: str, lang: str) -> dict:
    """The document model of ``form_name`` for this body, in ``lang``."""
    if lang not in LANGUAGES:
        raise FormError(f"language must be one of {', '.join(LANGUAGES)}, got '{lang}'")
    spec = form(data.methodology, form_name)
    if not applies(spec, data):
        raise FormError(f"form {form_name} ({spec.get('act_form')}) is for {', '.join(spec['profiles'])} bodies; "
                        f"{data.body} is {data.profile}")
    words = {**common()[lang], **((spec.get("words") or {}).get(lang) or {})}   # a form may reword the shared lines
    fallback = [False]
    shown: set[str] = set()          # the nodes whose value the document prints

    def node_name(node_id: str) -> str:
        info = data.nodes.get(node_id)
        if info is None:
            return node_id
        if lang not in info.name:
            fallback[0] = True
            other = "ru" if lang == "kk" else "kk"       # the act's other language before English
            if info.name.get(other):
                return info.name[other]
        return text(info.name, lang)

    def score(node_id: str) -> str:
        shown.add(node_id)
        return data.scores.get(node_id, "—")

    def node_max(node_id: str) -> str:
        info = data.nodes.get(node_id)
        if info is None:
            return ""
        return _ceiling(info.max)

    blocks: list[dict] = []
    for block in spec.get("blocks", []):
        kind = block["kind"]
        spec_heading = (block.get("heading_by_profile") or {}).get(data.profile) or block.get("heading")  # App 3 / App 4
        heading = text(spec_heading, lang) if spec_heading else None
        if heading:
            blocks.append({"type": "heading", "text": heading})
        if kind == "scores":
            present = [row for row in block["rows"] if row["node"] in data.nodes]     # rows of another profile go
            rows = [[row["n"], text(row["label"], lang) if row.get("label") else node_name(row["node"]),
                     score(row["node"])] for row in present]
            maxima = [node_max(row["node"]) for row in present]
            totals = block.get("totals")
            extra: list[tuple[list[str], str]] = []          # the total rows, each with its maximum
            if totals:
                extra = _totals(data, block, totals, lang, score, _sum(maxima))
            elif not block.get("no_total"):
                label = text(block["total_label"], lang) if block.get("total_label") else words["total"]
                extra = [(["", label, data.total], _sum(maxima))]
            widths, numeric = [1, 8, 3], [2]
            if block.get("show_max"):         # the act's column of maxima (2025, App 8)
                rows = [row + [m] for row, m in zip(rows, maxima)] + [row + [m] for row, m in extra]
                widths, numeric = [1, 8, 2, 2], [2, 3]
            else:
                rows += [row for row, _ in extra]
            blocks.append({"type": "table", "columns": block["columns"][lang], "widths": widths, "rows": rows,
                           "total": not block.get("no_total"), "numeric": numeric})
            if data.rank is not None and not totals:
                blocks.append({"type": "paragraph", "text": _fill(words["rank"], rank=data.rank)})
            if data.grade and not totals:
                blocks.append({"type": "paragraph", "text": _fill(words["grade"], grade=text(data.grade, lang))})
        elif kind == "penalty_rows":
            rows = []
            for row in block["rows"]:
                amount = sum((Decimal(str(p.get("amount") or 0)) for p in data.penalties if p.get("rule") == row["rule"]),
                             Decimal(0))
                rows.append([row["n"], text(row["label"], lang), display(amount)])
            rows.append(["", text(block["total"], lang), data.penalty])
            blocks.append({"type": "table", "columns": block["columns"][lang], "widths": [1, 9, 3], "rows": rows,
                           "total": True, "numeric": [2]})
        elif kind == "analysis":
            for row in block.get("rows") or next(b["rows"] for b in spec["blocks"] if b["kind"] == "scores"):
                if row["node"] not in data.nodes:
                    continue
                label = text(row["label"], lang) if row.get("label") else node_name(row["node"])
                item = block.get(f"item_{row['analysis']}") if row.get("analysis") else block["item"]   # item_sub: a subcriterion
                blocks.append({"type": "paragraph", "text": _fill(text(item, lang), n=row["n"],
                                                                  label=label, score=score(row["node"]),
                                                                  max=node_max(row["node"]))})
        elif kind == "findings":
            lines = [_fill(words["fact"], input=f["input"], reported=_value(f["reported"]),
                           verified=_value(f["verified"]), document=f["document"],
                           paragraph=localized_reference(f.get("paragraph"), lang))
                     for f in data.verification]
            lines += [_fill(words["flag"], kind=f.get("kind", ""), detail=f.get("detail", "")) for f in data.flags]
            lines += [_fill(words["penalty"], name=text(p.get("name"), lang) or p["rule"], count=p.get("count", ""),
                            amount=p.get("amount", ""), paragraph=localized_reference(p.get("paragraph"), lang))
                      for p in data.penalties]
            lines.append(f"{words['penalty_total']}: {data.penalty}")
            blocks += [{"type": "paragraph", "text": line} for line in lines]
        elif kind == "objections":
            outcome = {"accepted": words["outcome_accepted"], "rejected": words["outcome_rejected"],
                       None: words["outcome_none"]}
            fields = block.get("fields") or ["text", "contested", "outcome", "reasoning"]   # the act's column order
            cells = {"text": lambda o: o["text"], "contested": lambda o: ", ".join(o["contested"]) or "—",
                     "kind": lambda o: o.get("kind") or "—", "outcome": lambda o: outcome.get(o["outcome"], o["outcome"]),
                     "reasoning": lambda o: o["reasoning"] or ""}
            rows = [[str(n)] + [cells[f](o) for f in fields] for n, o in enumerate(data.objections, start=1)]
            if rows:
                blocks.append({"type": "table", "columns": block["columns"][lang],
                               "widths": [1] + [OBJECTION_FIELDS[f] for f in fields],
                               "rows": rows, "total": False, "numeric": []})
            else:
                blocks.append({"type": "paragraph", "text": text(block["empty"], lang)})
        elif kind == "nodes":
            blocks.append(_node_table(data, block.get("roots") or data.top, block, lang, words, node_name, score))
        elif kind == "free_text":
            blocks.append({"type": "lines", "count": int(block.get("lines", 4))})
        elif kind == "post_audit":
            rows = [[str(n), a.get("action", ""), a.get("responsible", ""), str(a.get("deadline", "")),
                     a.get("status", ""), a.get("note") or ""] for n, a in enumerate(data.post_audit, start=1)]
            if rows:
                blocks.append({"type": "table", "columns": block["columns"][lang], "widths": [1, 6, 4, 3, 3, 4],
                               "rows": rows, "total": False, "numeric": []})
            else:
                blocks.append({"type": "paragraph", "text": text(block["empty"], lang)})
        elif kind == "paragraph":
            blocks.append({"type": "paragraph", "text": _fill(text(block["text"], lang), **_fields(data, lang))})
        elif kind == "signatures":
            blocks.append({"type": "signatures", "roles": block["roles"][lang], "sign": words["sign"],
                           "signatory": words["signatory"], "date": words["date"]})
        elif kind == "annex":
            blocks.append({"type": "pagebreak"})
            blocks.append({"type": "title", "text": text(block["title"], lang)})
            for number, section in enumerate(block["sections"], start=1):
                title = text(section["title"], lang) if section.get("title") else node_name(section["node"])
                blocks.append({"type": "heading", "text": f"{number}. {title}"})
                blocks.append(_node_table(data, [section["node"]], block, lang, words, node_name, score))
        else:
            raise FormError(f"form {data.methodology}/{form_name}: unknown block kind '{kind}'")
    footnotes = [text(spec["note"], lang)] if (spec.get("note") or {}).get(lang) else []   # e.g. the act's language
    for item in data.reconstructed:
        if item["node"] not in shown:          # only the provisional rules whose values this document prints
            continue
        readings = "; ".join(f"{r['id']}: {commentary(r['reading'], lang)}" for r in item["readings"])
        footnotes.append(f"{item['node']} ({localized_reference(item['paragraph'], lang)}) — "
                         f"{words['reconstructed']}{readings}")
    if fallback[0]:
        footnotes.append(words["names_note"])
    name = data.names.get(lang) or data.names.get("ru") or data.body
    return {
        "lang": lang, "form_label": words["form"], "act_form": appendix_label(spec.get("act_form", ""), lang),
        "title": text(spec["title"], lang), "body": name, "body_caption": words["body_caption"],
        "period": _fill(words["period"], period=data.period), "period_caption": words["period_caption"],
        "draft": data.kind != "final", "draft_label": words["draft"], "draft_note": words["draft_note"],
        "blocks": blocks, "footnotes": footnotes,
        "footer": _fill(words["footer"], campaign=data.campaign, campaign_id=data.campaign_id, run=data.run,
                        kind=words["final"] if data.kind == "final" else words["draft"], run_hash=data.run_hash),
        "verification": verification_line(data, form_name, lang),
    }


def _totals(data: BodyData, block: dict, totals: dict, lang: str, score, maximum: str) -> list[tuple[list[str], str]]:
    """A direction's score before its penalty, the penalty and the score after it; without a
    direction, the body's total before and after its penalty (2025, App 8)."""
    direction = block.get("direction")
    if direction:
        deduction = data.direction_penalties.get(direction, "0")
        after, after_shown = data.exact.get(direction), score(direction)
    else:
        deduction, after, after_shown = data.exact_penalty or "0", data.exact_total or None, data.total
    rows = []
    if "before" in totals:
        before = display(Decimal(after) + Decimal(deduction)) if after is not None else "—"
        rows.append((["", text(totals["before"], lang), before], maximum))
    if "deduction" in totals:
        rows.append((["", text(totals["deduction"], lang), display(deduction)], ""))
    rows.append((["", text(totals["after"], lang), after_shown], maximum))
    return rows


def _sum(maxima: list[str]) -> str:
    values = [Decimal(m) for m in maxima if m not in ("", None)]
    return format(sum(values, Decimal(0)), "f") if values else ""


def _ceiling(maximum: str) -> str:
    """The most a node can score: a node that only takes points off (its bound is negative,
    2025 criterion 7) scores at most 0, as the act's form prints it."""
    try:
        return "0" if Decimal(maximum) < 0 else maximum
    except ArithmeticError:
        return maximum


def _fields(data: BodyData, lang: str) -> dict:
    return {"body": data.names.get(lang) or data.names.get("ru") or data.body, "period": data.period,
            "total": data.total, "penalty": data.penalty, "campaign": data.campaign,
            "evaluator": data.evaluator.get(lang) or data.evaluator.get("ru") or ""}


def _node_table(data: BodyData, roots: list[str], block: dict, lang: str, words: dict, node_name, score) -> dict:
    rows = []

    def visit(node_id: str) -> None:
        info = data.nodes.get(node_id)
        if info is None:
            return
        rows.append([node_id, node_name(node_id), info.max, score(node_id)])
        for child in info.children:
            visit(child)
    for root in roots:
        visit(root)
    columns = block.get("columns", {}).get(lang) or [words["number"], words["name"], words["max"], words["score"]]
    return {"type": "table", "columns": columns, "widths": [2, 12, 2.5, 2.5], "rows": rows, "total": False,
            "numeric": [2, 3]}


def model_fields(data: BodyData) -> dict:
    """The body data as plain JSON (for a debug dump and the tests)."""
    return asdict(data)
