"""Whether a change of structure left every output as it was: the same data built by the code
of a git revision and by the working tree, every PDF compared by its sha256.

    .venv/bin/python bench/same_bytes.py [REVISION]     (default HEAD)

Both sides build, from scratch, the demo data in data/ and the synthetic street office of
bench/synth.py at 1x: every output of `booklet build`, and the large-print edition. The
revision is checked out into a temporary git worktree (its fonts/ linked to this one's: they
are not in git, and both sides must use the same). Exits 1 and lists the files that differ.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def outputs(code: Path, data: Path, out: Path) -> dict[str, str]:
    """Every PDF the code in `code` makes from `data`, by path under `out`: its sha256."""
    shutil.rmtree(out, ignore_errors=True)
    # Run from `code`, with its package first on the path: `python -m booklet` is its code.
    env = {**os.environ, "PYTHONPATH": str(code)}
    for extra in ([], ["--large-print"]):
        command = [sys.executable, "-m", "booklet", "build", "--force", "--data", str(data), "--out", str(out), *extra]
        done = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{code}: {' '.join(command[3:])} 失败：\n{done.stderr[-2000:]}")
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.pdf")) if ".cache" not in p.relative_to(out).parts}


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    with tempfile.TemporaryDirectory(prefix="same-bytes-") as scratch:
        scratch_dir = Path(scratch)
        synthetic = scratch_dir / "data-1x"
        synth.write(synthetic, 1)
        before = scratch_dir / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(before), revision], cwd=ROOT, check=True)
        try:
            shutil.rmtree(before / "fonts")
            (before / "fonts").symlink_to(ROOT / "fonts")
            differ, compared = [], 0
            for name, data in (("demo", ROOT / "data"), ("synthetic-1x", synthetic)):
                old = outputs(before, data, scratch_dir / f"out-before-{name}")
                new = outputs(ROOT, data, scratch_dir / f"out-after-{name}")
                compared += len(old)
                for path in sorted(set(old) | set(new)):
                    if old.get(path) != new.get(path):
                        differ.append(f"{name}: {path} ({old.get(path, '无')[:12]} → {new.get(path, '无')[:12]})")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False)
    if differ:
        print(f"与 {revision} 相比有 {len(differ)} 个文件不同：", *differ, sep="\n  ")
        raise SystemExit(1)
    print(f"与 {revision} 相比，{compared} 个 PDF 逐字节相同。")


if __name__ == "__main__":
    main()
