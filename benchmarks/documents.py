"""Benchmark: the 2012 conclusions of N synthetic bodies as PDF and as DOCX.

    .venv/bin/python benchmarks/documents.py                 # 3,500 PDFs and 3,500 DOCX, every core
    .venv/bin/python benchmarks/documents.py --docx 500      # fewer DOCX (they are the slow ones)

One real conclusion is made from the demo campaign (a temporary SQLite store);
N SYNTHETIC bodies are derived from it (their own codes, names and scores,
deterministic by seed), and their conclusions are laid out and written by the
batch mode of ``bagalau documents --all`` (``documents.batch``, a process pool
over every core). Reading the store is not timed; laying out and writing every
file is. Printed: documents, seconds, documents per second. Target: 3,500 PDFs in
under 2 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bagalau import campaigns, store  # noqa: E402
from bagalau.demo import campaign as demo_campaign  # noqa: E402
from bagalau.documents import batch  # noqa: E402
from bagalau.documents.sources import body_data  # noqa: E402
from bagalau.store import migrations  # noqa: E402


def template_body(folder: Path):
    engine = store.make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    migrations.upgrade(engine)
    factory = store.make_sessionmaker(engine)
    result = demo_campaign.run(factory, say=lambda line: None)
    with store.transaction(factory) as s:
        data = body_data(s, campaigns.get_campaign(s, result.campaign_id), result.other)
    engine.dispose()
    return data


def synthetic(data, count: int, seed: int = 2012):
    rng = random.Random(seed)
    bodies = []
    for number in range(1, count + 1):
        factor = Decimal(rng.randint(60, 140)) / 100
        scores = {key: format((Decimal(value) * factor).quantize(Decimal("0.01")), "f")
                  for key, value in data.scores.items()}
        total = format(sum(Decimal(scores[t]) for t in data.top), "f")
        bodies.append(replace(data, body=f"synthetic-{number:05d}", scores=scores, total=total, rank=number,
                              names={"kk": f"Синтетикалық орган № {number} (SYNTHETIC)",
                                     "ru": f"Синтетический орган № {number} (SYNTHETIC)",
                                     "en": f"Synthetic body {number}"}))
    return bodies


def timed(bodies, fmt: str, folder: Path, workers: int) -> tuple[int, float]:
    target = folder / fmt
    jobs = batch.jobs_for(bodies, ["conclusion"], ["kk"], [fmt], target)
    start = time.perf_counter()
    batch.run(jobs, workers=workers)
    elapsed = time.perf_counter() - start
    assert len(list(target.glob(f"*.{fmt}"))) == len(jobs)
    return len(jobs), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=int, default=3500, help="PDFs to make (default 3,500)")
    parser.add_argument("--docx", type=int, default=3500, help="DOCX to make (default 3,500)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bagalau-bench-documents-"))
    try:
        data = template_body(folder)
        print(f"SYNTHETIC bodies from the 2012 demo conclusion of {data.body}; {args.workers} worker processes, "
              f"{os.cpu_count()} cores")
        for fmt, count in (("pdf", args.pdf), ("docx", args.docx)):
            if count <= 0:
                continue
            made, seconds = timed(synthetic(data, count), fmt, folder, args.workers)
            size = sum(p.stat().st_size for p in (folder / fmt).iterdir()) / made / 1024
            print(f"{fmt:4}  {made:6,} documents  {seconds:7.1f} s  {made / seconds:7.1f} documents/s  "
                  f"{size:5.0f} KiB each")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
