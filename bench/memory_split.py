#!/usr/bin/env python3
"""Where the process-tree PSS goes (issue #14): Wispkey beside the empty Tauri window, per process
and, inside each process, per kind of mapping (/proc/PID/smaps).

Same launch and the same moment as bench/run.py's memory row (tauri-driver, SETTLE_S after the
page's own mark; it reuses run.py's code), so the totals here are that row's figures. Runs inside
scripts/desktop-session.sh after the builds scripts/bench.sh makes:

    scripts/desktop-session.sh python3 bench/memory_split.py      (BENCH_RUNS starts per app, default 3)

Prints, per process (app / WebKitWebProcess / WebKitNetworkProcess) and per mapping kind, the
median PSS in MB of both apps and the difference, and the thread counts; writes the runs to
artifacts/bench/memory-split.json.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the launch, the marks and the stack)

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
HEADER = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")


def kind(name: str, perms: str, size_kib: int, exe: str) -> str:
    """A short label for one mapping: the file (by library), or what an anonymous region holds."""
    if name == exe:
        return "own binary"
    if name.startswith("/"):
        base = os.path.basename(name)
        for prefix in ("libwebkit2gtk", "libjavascriptcoregtk", "libicudata", "libicuuc", "libicui18n",
                       "libgtk-3", "libgdk-3", "libglib-2", "libgio-2", "libc.so", "libstdc++",
                       "libharfbuzz", "libfontconfig", "libfreetype", "libcairo", "libgstreamer"):
            if base.startswith(prefix):
                return prefix.rstrip("-.")
        if "/fonts/" in name or base.endswith((".ttf", ".otf", ".pcf.gz")):
            return "font files"
        if "/fontconfig/" in name or base.endswith("-le64.cache-9"):
            return "fontconfig cache"
        if name.startswith("/memfd:") or name.startswith("/dev/shm") or "(deleted)" in name:
            return "shared memory"
        if ".so" in base:
            return "other .so"
        return "other files"
    if name == "[heap]":
        return "[heap] (brk)"
    if name.startswith("[stack"):
        return "[stack] main"
    if name.startswith("[anon:"):
        return name
    if name.startswith("/memfd:") or name.startswith("memfd:"):
        return "shared memory"
    if name in ("[vdso]", "[vvar]", "[vsyscall]", "[vvar_vclock]"):
        return "vdso"
    if name:
        return name
    if "x" in perms:
        return "anon, executable (JIT)"
    # glibc's per-thread malloc arenas are 64 MiB reservations; pthread stacks are the
    # stack size (8 MiB unless set) next to a one-page guard.
    if size_kib in (8192, 8196, 2048, 2052):
        return f"anon, {size_kib // 1024} MiB (thread stack size)"
    if size_kib >= 60000:
        return "anon, >= 60 MB (malloc arena / reservation)"
    return "anon, other"


def smaps_by_kind(pid: int) -> dict[str, float]:
    exe = run.exe(pid)
    out: dict[str, float] = {}
    current = None
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        if HEADER.match(line):
            fields = line.split(None, 5)
            span = fields[0].split("-")
            size_kib = (int(span[1], 16) - int(span[0], 16)) // 1024
            current = kind(fields[5] if len(fields) > 5 else "", fields[1], size_kib, exe)
        elif line.startswith("Pss:") and current:
            out[current] = out.get(current, 0.0) + int(line.split()[1]) * 1024 / 1e6
    return out


def status(pid: int) -> dict[str, str]:
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    except OSError:
        pass
    return fields


def thread_names(pid: int) -> list[str]:
    names = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            names.append(Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip())
    except OSError:
        pass
    return sorted(names)


def one_start(binary: Path, env: dict[str, str], mark: str) -> dict:
    app = run.App(binary, env)
    try:
        at = app.mark_epoch_ms(mark)
        split = run.start_split(app)
        wait = at / 1000 + run.SETTLE_S - time.time()
        if wait > 0:
            time.sleep(wait)
        processes = {}
        for pid in run.descendants(app.pid):
            name = run.comm(pid)
            processes[name] = {
                "rollup_kib": run.rollup_kib(pid),
                "kinds_mb": smaps_by_kind(pid),
                "threads": int(status(pid).get("Threads", "0")),
                "thread_names": thread_names(pid),
            }
        phases = {key: value - app.requested_ms for key, value in split.items() if value}
        return {"start_ms": at - app.requested_ms, "phases_ms": phases, "load": os.getloadavg()[0],
                "processes": processes}
    finally:
        app.close()
        time.sleep(0.5)


def medians(runs: list[dict]) -> dict[tuple[str, str], float]:
    keys = {(p, k) for r in runs for p, v in r["processes"].items() for k in v["kinds_mb"]}
    return {key: statistics.median([r["processes"].get(key[0], {}).get("kinds_mb", {}).get(key[1], 0.0)
                                    for r in runs]) for key in keys}


def main() -> int:
    run.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stack = run.Stack()
    run.log("signing in once through the consent page")
    run.sign_in_once(stack)
    results: dict = {"empty": [], "wispkey": []}
    for _ in range(RUNS):
        results["empty"].append(run.with_retries("empty", one_start, run.EMPTY_BIN, {}, "empty:first-dom"))
        results["wispkey"].append(run.with_retries("Wispkey", one_start, run.APP_BIN, stack.app_env(),
                                                   "wispkey:list-interactive"))
    (run.ARTIFACTS / "memory-split.json").write_text(json.dumps(results, indent=2))

    ours, theirs = medians(results["wispkey"]), medians(results["empty"])
    # The app process has the binary's name; call both "app" so the rows line up.
    def rename(table: dict[tuple[str, str], float], app_comm: str) -> dict[tuple[str, str], float]:
        return {(("app" if p == app_comm else p), k): v for (p, k), v in table.items()}

    # /proc/PID/comm holds the first 15 bytes of the binary's name.
    ours = rename(ours, run.APP_BIN.name[:15])
    theirs = rename(theirs, run.EMPTY_BIN.name[:15])
    print(f"\nPSS by process and mapping kind, medians of {RUNS} starts, MB (10^6 bytes), {run.SETTLE_S:.0f} s after the mark")
    print(f"{'process':22} {'mapping':48} {'Wispkey':>8} {'empty':>8} {'diff':>7}")
    for process in sorted({p for p, _ in ours} | {p for p, _ in theirs}):
        keys = sorted({k for p, k in ours if p == process} | {k for p, k in theirs if p == process},
                      key=lambda k: -abs(ours.get((process, k), 0) - theirs.get((process, k), 0)))
        total_ours = sum(ours.get((process, k), 0) for k in keys)
        total_theirs = sum(theirs.get((process, k), 0) for k in keys)
        print(f"{process:22} {'(all)':48} {total_ours:8.2f} {total_theirs:8.2f} {total_ours - total_theirs:+7.2f}")
        for k in keys:
            a, b = ours.get((process, k), 0), theirs.get((process, k), 0)
            if max(a, b) >= 0.05:
                print(f"{'':22} {k[:48]:48} {a:8.2f} {b:8.2f} {a - b:+7.2f}")
    for label, runs in (("Wispkey", results["wispkey"]), ("empty", results["empty"])):
        last = runs[-1]["processes"]
        threads = ", ".join(f"{p} {v['threads']}" for p, v in sorted(last.items()))
        print(f"threads ({label}, last run): {threads}")
        for p, v in sorted(last.items()):
            counts: dict[str, int] = {}
            for t in v["thread_names"]:
                counts[t] = counts.get(t, 0) + 1
            print(f"  {p}: " + ", ".join(f"{t} x{n}" if n > 1 else t for t, n in sorted(counts.items())))
        print(f"start ms ({label}; first DOM / list received; 1-min load): " + ", ".join(
            f"{r['start_ms']:.0f} ({r['phases_ms'].get('dom', 0):.0f}/{r['phases_ms'].get('received', 0):.0f}; {r['load']:.1f})"
            for r in runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
