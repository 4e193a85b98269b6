"""A cold build of the booklet alone, as `booklet build` makes it (its reading and print
copies, over the pool's processes, nothing cached), for the bench to set against the baseline
(bench/baseline.py), which makes the booklet alone too: not the plates and cards a full build
renders besides.

    .venv/bin/python bench/booklet_only.py DATA OUT_FOLDER     (BOOKLET_WORKERS as for a build)
"""
from __future__ import annotations

import sys
from pathlib import Path

from booklet.build import _data_kept
from booklet.data.checks import check_data
from booklet.household import book
from booklet.pdf.pool import Pool
from booklet.pdf.render import get_ready


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    project = check_data(data)
    if not project.ok:
        raise SystemExit("数据有错误：请先运行 booklet check")
    with _data_kept(), Pool(shared=project, warm_up=get_ready) as pool:
        outputs = book.render(project, pool=pool)
    out.mkdir(parents=True, exist_ok=True)
    for output in outputs:
        (out / output.filename).write_bytes(output.pdf)
    print(outputs[0].pages)


if __name__ == "__main__":
    main()
