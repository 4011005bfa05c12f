"""The PDF rating report: the ranked table with every direction's score, and the two
charts (``charts``), under the same verifiable footer as every document."""

from __future__ import annotations

from . import charts, render
from .forms import VERIFY_PREFIX, common
from .sources import RatingData, text

WORDS = {
    "kk": {"title": "Бағалау нәтижелері бойынша рейтинг", "caption": "(бағалау әдістемесі)",
           "rank": "Орын", "body": "Мемлекеттік орган", "total": "Жалпы балл", "grade": "Баға", "max": "ең жоғары",
           "provisional": "АЛДЫН АЛА рейтинг: түпкілікті емес, соңғы бағалау жүргізуден алынды."},
    "ru": {"title": "Рейтинг по итогам оценки", "caption": "(методика оценки)",
           "rank": "Место", "body": "Государственный орган", "total": "Итоговый балл", "grade": "Оценка",
           "max": "макс.",
           "provisional": "ПРЕДВАРИТЕЛЬНЫЙ рейтинг: не окончательный, по последнему расчёту."},
}


def verification_line(data: RatingData, lang: str) -> str:
    return (f"{VERIFY_PREFIX} campaign={data.campaign_id} run={data.run} hash={data.run_hash} body=- "
            f"form=rating lang={lang} kind={'final' if data.final else 'draft'}")


def model(data: RatingData, lang: str) -> dict:
    words, shared = WORDS[lang], common()[lang]
    directions = data.directions
    columns = [words["rank"], words["body"], *[d.id for d in directions], words["total"]]
    with_grade = any(r.grade for r in data.rows)
    if with_grade:
        columns.append(words["grade"])
    rows = [[str(r.rank), r.names.get(lang) or r.names.get("ru") or r.code,
             *[r.scores.get(d.id, "—") for d in directions], r.total]
            + ([text(r.grade, lang) if r.grade else ""] if with_grade else []) for r in data.rows]
    legend = "; ".join(f"{d.id}: {text(d.name, lang)} ({words['max']} {d.max})" for d in directions)
    blocks = []
    if not data.final:
        blocks.append({"type": "paragraph", "text": words["provisional"]})
    blocks += [
        {"type": "table", "columns": columns, "rows": rows, "total": False,
         "widths": [1.2, 7, *[1.6] * len(directions), 2] + ([3] if with_grade else []),
         "numeric": list(range(2, 3 + len(directions)))},
        {"type": "paragraph", "text": legend},
        {"type": "pagebreak"},
        {"type": "image", "svg": charts.totals_chart(data, lang)},
        {"type": "image", "svg": charts.breakdown_chart(data, lang)},
    ]
    return {
        "lang": lang, "form_label": "", "act_form": "", "title": f"{words['title']}: {data.campaign}",
        "body": text(data.title, lang), "body_caption": words["caption"],
        "period": shared["period"].format(period=data.period), "period_caption": shared["period_caption"],
        "draft": not data.final, "draft_label": shared["draft"], "draft_note": shared["draft_note"],
        "blocks": blocks, "footnotes": [],
        "footer": shared["footer"].format(campaign=data.campaign, campaign_id=data.campaign_id, run=data.run,
                                          kind=shared["final"] if data.final else shared["draft"],
                                          run_hash=data.run_hash),
        "verification": verification_line(data, lang),
    }


def pdf(data: RatingData, lang: str) -> bytes:
    return render.pdf(model(data, lang))
