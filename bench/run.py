#!/usr/bin/env python3
"""Wispkey's benchmarks, side by side with their references (issue #6).

Runs inside scripts/desktop-session.sh (Xvfb + D-Bus + unlocked gnome-keyring + local stack);
scripts/bench.sh builds everything first and calls this. Standard library only.

Every Tauri app (Wispkey and the empty reference window) is launched the same way: through
tauri-driver + WebKitWebDriver, on the session's one Xvfb, and timed from the moment the WebDriver
session is requested to a performance mark the page records itself
(`wispkey:list-interactive` / `empty:first-dom`, read as performance.timeOrigin + startTime).
Memory is PSS from /proc/PID/smaps_rollup summed over the app's process tree (the app and every
process below it: WebKitWebProcess, WebKitNetworkProcess), 5 s after that mark.

Prints one table (min / median / max and the ratios) and writes artifacts/bench/<stamp>.json
and artifacts/bench/latest.json.

BENCH_ONLY=cli-list measures the `wispkey list --json` row alone (after one untimed CLI sign-in)
and writes artifacts/bench/cli-list-<stamp>.json; BENCH_LIST_RUNS sets its runs per side.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/wispkey/target"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ROTATE_RUNS = int(os.environ.get("BENCH_ROTATE_RUNS", "10"))
# `wispkey list --json` and its reference, alternating: runs per side.
LIST_RUNS = int(os.environ.get("BENCH_LIST_RUNS", str(max(RUNS, 5))))
# One row alone instead of the whole table (see only_cli_list); empty: everything.
ONLY = os.environ.get("BENCH_ONLY", "")
BIG_LIST = int(os.environ.get("BENCH_BIG_LIST", "10000"))
SETTLE_S = 5.0
# Timed runs need the test hooks (a private keychain, the consent automation as browser): the
# end-to-end tests' build, which differs from the shipped one only by them (scripts/build.sh).
APP_BIN = Path(os.environ.get("BENCH_APP_BIN", TARGET / "test-hooks/wispkey-desktop"))
# Sizes are the shipped binary's (scripts/build.sh makes the shipped build last).
SHIPPED_BIN = Path(os.environ.get("BENCH_SHIPPED_BIN", TARGET / "release/wispkey-desktop"))
EMPTY_BIN = Path(os.environ.get("BENCH_EMPTY_BIN", TARGET / "release/wispkey-bench-empty-window"))
ROTATE_REF_BIN = Path(os.environ.get("BENCH_ROTATE_REF_BIN", TARGET / "release/rotate-ref"))
CALL_REF_BIN = Path(os.environ.get("BENCH_CALL_REF_BIN", TARGET / "release/call-ref"))
# The CLI of the end-to-end build (scripts/build.sh test-hooks): the keychain and browser hooks.
CLI_BIN = Path(os.environ.get("BENCH_CLI_BIN", TARGET / "test-hooks/wispkey"))
NODE_REF = REPO / "bench/oauth-node-ref"
# Phala asks a fresh two-factor code per rotate and accepts about three per 30 s step.
PHALA_RUNS = int(os.environ.get("BENCH_PHALA_RUNS", str(min(ROTATE_RUNS, 5))))
WISP_BIN = Path(os.environ.get("WISP_SERVICE_BIN", TARGET / "debug/wisp-service"))
ARTIFACTS = Path(os.environ.get("WISPKEY_ARTIFACTS", REPO / "artifacts")) / "bench"
KEYCHAIN = "place.wisp.wispkey.bench"
NOT_YET = "not yet measurable"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# ---- numbers ---------------------------------------------------------------------------------


def summary(values: list[float]) -> dict | None:
    if not values:
        return None
    return {
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
        "n": len(values),
        "values": values,
    }


def median(figure: dict | None) -> float | None:
    return figure["median"] if figure else None


# ---- processes and memory --------------------------------------------------------------------


def children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def descendants(pid: int) -> list[int]:
    tree, todo, found = children_map(), [pid], []
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def exe(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def rollup_kib(pid: int) -> dict[str, int]:
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[key] = int(rest.split()[0])
    except OSError:
        pass
    return fields


def tree_pss(root: int) -> tuple[float, dict[str, float], float]:
    """PSS in MB (10^6 bytes) of root and every process below it, a per-name breakdown, and USS.

    PSS shares each library page among every process mapping it, so it falls when other WebKit
    processes run on the machine (other people's tests); USS (private pages only) does not.
    """
    parts: dict[str, float] = {}
    uss = 0.0
    for pid in descendants(root):
        fields = rollup_kib(pid)
        name = comm(pid)
        parts[name] = parts.get(name, 0.0) + fields.get("Pss", 0) * 1024 / 1e6
        uss += (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) * 1024 / 1e6
    return sum(parts.values()), parts, uss


def find_process(under: int, binary: Path) -> int | None:
    target = str(binary.resolve())
    for pid in descendants(under):
        if exe(pid) == target:
            return pid
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen) -> None:
    """TERM, then KILL, the process group this script started (never anything else)."""
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# ---- a small W3C WebDriver client ------------------------------------------------------------


class WebDriverError(RuntimeError):
    pass


def http_json(method: str, url: str, body: dict | None = None, headers: dict | None = None, timeout: float = 60):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise WebDriverError(f"{method} {url}: {error.code}: {error.read()[:500]!r}") from None
    return json.loads(raw) if raw else None


class App:
    """One Tauri app under tauri-driver, in its own process group."""

    def __init__(self, binary: Path, env: dict[str, str]):
        self.binary = binary
        port, native = free_port(), free_port()
        self.driver = subprocess.Popen(
            ["tauri-driver", "--port", str(port), "--native-port", str(native), "--native-host", "127.0.0.1"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=open(ARTIFACTS / "driver.log", "ab"),
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        self.session = None
        self.pid = None
        try:
            self._connect(binary, port, native)
        except BaseException:
            # Whatever went wrong, nothing this started may outlive it.
            self.close()
            raise

    def _connect(self, binary: Path, port: int, native: int) -> None:
        # tauri-driver listens before its WebKitWebDriver does, and drops a session request that
        # arrives in between: wait for both, so the clock below times the app, not the drivers.
        for listening in (port, native):
            for _ in range(400):
                try:
                    socket.create_connection(("127.0.0.1", listening), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.025)
            else:
                raise WebDriverError(f"the WebDriver on port {listening} did not listen within 10 s")
        caps = {"browserName": "wry", "tauri:options": {"application": str(binary)}}
        for attempt in range(3):
            # Wall clock (ms since the epoch) just before the app is asked for: the same clock
            # performance.timeOrigin uses.
            self.requested_ms = time.time() * 1000
            try:
                answer = http_json("POST", f"{self.url}/session", {"capabilities": {"alwaysMatch": caps}})
                break
            except (OSError, http.client.HTTPException) as error:
                if attempt == 2:
                    raise WebDriverError(f"no WebDriver session: {error}") from None
                time.sleep(0.5)
        self.session = answer["value"]["sessionId"]
        for _ in range(100):
            self.pid = find_process(self.driver.pid, binary)
            if self.pid:
                break
            time.sleep(0.05)

    def cmd(self, method: str, path: str, body: dict | None = None):
        # On a loaded machine tauri-driver sometimes drops a request without an answer. Reads are
        # asked again; a click or typed text is not (it may have happened), the caller retries.
        repeatable = not path.endswith(("/click", "/value"))
        for attempt in range(3 if repeatable else 1):
            try:
                return http_json(method, f"{self.url}/session/{self.session}{path}", body)["value"]
            except (OSError, http.client.HTTPException) as error:
                failure = error
                time.sleep(0.3)
        alive = bool(self.pid) and Path(f"/proc/{self.pid}").exists()
        state = "the app is still running" if alive else "the app has exited"
        raise WebDriverError(f"{method} {path}: the WebDriver connection failed ({failure!r}; {state})")

    def js(self, script: str, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css: str, timeout: float = 15.0) -> dict:
        deadline = time.time() + timeout
        while True:
            try:
                return self.cmd("POST", "/element", {"using": "css selector", "value": css})
            except WebDriverError:
                if time.time() > deadline:
                    raise WebDriverError(f"no element {css!r} within {timeout} s") from None
                time.sleep(0.05)

    def click(self, css: str, timeout: float = 15.0) -> None:
        element = self.find(css, timeout)
        self.cmd("POST", f"/element/{element_id(element)}/click", {})

    def type(self, css: str, text: str) -> None:
        element = self.find(css)
        self.cmd("POST", f"/element/{element_id(element)}/value", {"text": text})

    def mark_epoch_ms(self, name: str, timeout: float = 30.0) -> float:
        """Wall-clock time of the first performance mark `name`, waiting for it to exist."""
        deadline = time.time() + timeout
        script = (
            "const e = performance.getEntriesByName(arguments[0], 'mark');"
            "return e.length ? performance.timeOrigin + e[0].startTime : null;"
        )
        while True:
            try:
                value = self.js(script, name)
            except WebDriverError:
                # WebKitWebDriver may drop a script sent while the page is still loading (seen
                # on a loaded machine): ask again until the deadline.
                value = None
                if time.time() > deadline:
                    raise
            if value is not None:
                return float(value)
            if time.time() > deadline:
                raise WebDriverError(f"no performance mark {name!r} within {timeout} s")
            time.sleep(0.05)

    def close(self) -> None:
        if self.session:
            try:
                http_json("DELETE", f"{self.url}/session/{self.session}", timeout=10)
            except (OSError, WebDriverError):
                pass
            self.session = None
        stop_group(self.driver)


def element_id(element: dict) -> str:
    return next(iter(element.values()))


# ---- the local stack -------------------------------------------------------------------------


class Stack:
    def __init__(self) -> None:
        path = os.environ.get("WISPKEY_STACK_JSON")
        if not path:
            raise SystemExit("WISPKEY_STACK_JSON is not set: run this through scripts/bench.sh")
        info = json.loads(Path(path).read_text())
        self.plc = info["plcUrl"]
        self.pds = info["pdsUrl"]
        self.pds_local = self.pds.replace("localhost", "127.0.0.1")
        self.wisp_did = info["wispServiceDid"]
        self.account = info["accounts"][0]
        self.slate_url = info.get("slateUrl")
        self.slate_control = info.get("slateTestControl")
        self.phala_url = info.get("phalaUrl")
        self.phala_control = info.get("phalaTestControl")

    def app_env(self, wisp_did: str | None = None, browser: str = "/bin/false") -> dict[str, str]:
        return {
            "WISPKEY_PLC_URL": self.plc,
            "WISPKEY_HANDLE_RESOLVER_PDS": self.pds,
            "WISPKEY_WISP_SERVICE_DID": wisp_did or self.wisp_did,
            "WISPKEY_KEYCHAIN_SERVICE": KEYCHAIN,
            "WISPKEY_BROWSER": browser,
            "WISPKEY_CONSENT_HANDLE": self.account["handle"],
            "WISPKEY_CONSENT_PASSWORD": self.account["password"],
            "WISPKEY_CONSENT_LOG": str(ARTIFACTS / "consent.log"),
        }

    def session_jwt(self) -> str:
        answer = http_json(
            "POST",
            f"{self.pds_local}/xrpc/com.atproto.server.createSession",
            {"identifier": self.account["handle"], "password": self.account["password"]},
        )
        return answer["accessJwt"]

    def create_secret(self, jwt: str, name: str) -> None:
        http_json(
            "POST",
            f"{self.pds_local}/xrpc/place.wisp.v2.secret.create",
            {"name": name},
            {"authorization": f"Bearer {jwt}", "atproto-proxy": f"{self.wisp_did}#wisp_xrpc"},
        )


def start_big_wisp(stack: Stack, scratch: Path, count: int) -> tuple[subprocess.Popen, str]:
    """A second wisp-service whose state file already holds `count` secrets of the account.

    Creating 10,000 secrets through the API rewrites the whole state file each time (quadratic),
    so the state is written directly; list never opens the sealed tokens, so they are stand-ins.
    """
    state = scratch / "big-state.json"
    prefixes = ["github", "stripe", "deploy", "billing", "alerts", "ci", "shop", "mail"]
    secrets = [
        {
            "did": stack.account["did"],
            "name": f"{prefixes[i % len(prefixes)]}-hook-{i:05d}",
            "token": "wse1.bench.AAAA.AAAA.AAAA",
            "createdAt": "2026-01-01T00:00:00.000Z",
        }
        for i in range(count)
    ]
    state.write_text(json.dumps({"version": 1, "secrets": secrets}))
    key = scratch / "big.key"
    key.write_bytes(os.urandom(32))
    process = subprocess.Popen(
        [str(WISP_BIN), "--bind", "127.0.0.1:0", "--plc-url", stack.plc, "--state", str(state),
         "--encryption-key-file", str(key)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    try:
        did = json.loads(line)["did"]
    except (ValueError, KeyError):
        stop_group(process)
        raise RuntimeError(f"the big-list wisp-service did not start: {line!r}") from None
    return process, did


# ---- the figures -----------------------------------------------------------------------------


def sign_in_in_window(env: dict[str, str], fill, ready: str, what: str, timeout: float) -> None:
    """Starts the window; if it shows the sign-in form, `fill` fills it and it is submitted; then
    waits for `ready`. Up to three tries: a WebDriver connection sometimes fails under load."""
    for attempt in range(3):
        app = App(APP_BIN, env)
        try:
            app.find("#signin-form, #secrets-table, #secrets-empty")
            if app.js("return !!document.querySelector('#signin-form');"):
                fill(app)
                app.click("#signin-button")
            app.find(ready, timeout=timeout)
            return
        except WebDriverError as error:
            if attempt == 2:
                raise
            log(f"{what} attempt failed, again: {error}")
        finally:
            app.close()


def sign_in_once(stack: Stack) -> None:
    """Signs the bench account in through the real consent page once; later starts restore it."""
    env = stack.app_env(browser=str(REPO / "stack/consent-browser.sh"))
    sign_in_in_window(
        env,
        lambda app: app.type("#handle", stack.account["handle"]),
        "#secrets-table, #secrets-empty",
        "sign-in",
        timeout=90,
    )


def with_retries(what: str, measure, *args) -> dict:
    """One measurement, again (up to twice) if the WebDriver connection failed; failures counted."""
    for attempt in range(3):
        try:
            result = measure(*args)
            result["webdriver_retries"] = attempt
            return result
        except WebDriverError as error:
            if attempt == 2:
                raise
            log(f"{what}: {error}; measuring again")
    raise AssertionError("unreachable")


def start_split(app: App) -> dict:
    """Where a start's time went, as epoch ms: the document's first DOM (as the empty window's
    mark) and, for Wispkey, when the list arrived over IPC (before it was rendered)."""
    return app.js(
        "const n = performance.getEntriesByType('navigation')[0];"
        "const r = performance.getEntriesByName('wispkey:list-received', 'mark')[0];"
        "return {dom: n ? performance.timeOrigin + n.domInteractive : null,"
        " received: r ? performance.timeOrigin + r.startTime : null};"
    ) or {}


def launch_and_settle(binary: Path, env: dict[str, str], mark: str) -> dict:
    """One start: time to `mark`, then PSS of the process tree SETTLE_S after it."""
    app = App(binary, env)
    try:
        at = app.mark_epoch_ms(mark)
        start_ms = at - app.requested_ms
        split = start_split(app)
        phases = {key: value - app.requested_ms for key, value in split.items() if value}
        wait = at / 1000 + SETTLE_S - time.time()
        if wait > 0:
            time.sleep(wait)
        if not app.pid:
            raise RuntimeError(f"could not find the {binary.name} process")
        pss, parts, uss = tree_pss(app.pid)
        return {"start_ms": start_ms, "phases_ms": phases, "pss_mb": pss, "uss_mb": uss, "parts": parts}
    finally:
        app.close()
        time.sleep(0.5)


def keepassxc_runs(scratch: Path) -> dict:
    """KeePassXC (Debian) on the same display, a throw-away empty database open and unlocked."""
    if not shutil.which("keepassxc"):
        return {"error": "keepassxc is not installed"}
    database, password = scratch / "empty.kdbx", "bench-throwaway"
    if not database.exists():
        subprocess.run(
            ["keepassxc-cli", "db-create", "--set-password", "--decryption-time", "100", str(database)],
            input=f"{password}\n{password}\n", text=True, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    runs = []
    for _ in range(RUNS):
        config = tempfile.mkdtemp(dir=scratch)
        started = time.time()
        process = subprocess.Popen(
            ["keepassxc", "--pw-stdin", "--config", f"{config}/keepassxc.ini",
             "--localconfig", f"{config}/local.ini", str(database)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            text=True, start_new_session=True,
        )
        assert process.stdin
        process.stdin.write(password + "\n")
        process.stdin.close()
        shown = wait_for_window("KeePassXC", 20)
        shown_at = time.time()
        time.sleep(SETTLE_S)
        pss, parts, uss = tree_pss(process.pid)
        runs.append({"start_ms": (shown_at - started) * 1000 if shown else None, "pss_mb": pss,
                     "uss_mb": uss, "parts": parts})
        stop_group(process)
        time.sleep(0.5)
    return {"runs": runs}


def wait_for_window(title_part: str, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
        if any(title_part in line and "has no name" not in line for line in tree.splitlines()):
            return True
        time.sleep(0.05)
    return False


ROTATE_PROBE = """
window.__bench = {};
const submit = document.getElementById('rotate-submit');
submit.addEventListener('click', () => { window.__bench.click = performance.now(); }, {capture: true, once: true});
const observer = new MutationObserver(() => {
  const dialog = document.getElementById('token-dialog');
  if (dialog && dialog.open) {
    window.__bench.open = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => { window.__bench.frame = performance.now(); });
  }
});
observer.observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['open']});
return true;
"""


class RotateTarget:
    """One secret to rotate in the window: how to start the app, find its row and confirm it.

    `code`, when given, returns a fresh second-factor code: the provider (Phala) refuses the first
    submit and asks for one; the timed click is then the submit that carries it.
    """

    def __init__(self, env: dict[str, str], row: str, confirm: str, runs: int, code=None):
        self.env, self.row, self.confirm, self.runs, self.code = env, row, confirm, runs, code


def rotate_runs(target: RotateTarget) -> dict:
    """Rotate click -> copy-once dialog open, measured in the page (click event to <dialog open>).

    A WebDriver failure mid-way starts a fresh app for the remaining rotates (at most twice).
    """
    runs: list[float] = []
    frames: list[float] = []
    failures: list[str] = []
    while len(runs) < target.runs:
        try:
            rotate_session(target, runs, frames)
        except WebDriverError as error:
            failures.append(str(error))
            if "no rotate button" in str(error) or len(failures) > 2:
                break
    result = {"dialog_open_ms": runs, "next_frame_ms": frames, "webdriver_failures": failures}
    if not runs:
        result["error"] = f"{NOT_YET}: {failures[-1] if failures else 'no rotate measured'}"
    return result


CODE_FIELD = "#rotate-second-factor-field:not([hidden]) #rotate-second-factor:enabled"


def rotate_session(target: RotateTarget, runs: list[float], frames: list[float]) -> None:
    app = App(APP_BIN, target.env)
    try:
        app.mark_epoch_ms("wispkey:list-interactive")
        try:
            app.find(f'{target.row} [data-action="rotate"]', timeout=10)
        except WebDriverError:
            raise WebDriverError("no rotate button on the row") from None
        while len(runs) < target.runs:
            app.click(f'{target.row} [data-action="rotate"]')
            app.find("#rotate-dialog[open]")
            app.type("#rotate-confirm-name", target.confirm)
            if target.code:
                # Untimed: the provider refuses the submit without a code and asks for one.
                app.click("#rotate-submit")
                app.find(CODE_FIELD, timeout=30)
                app.type(CODE_FIELD, target.code())
            app.js(ROTATE_PROBE)
            app.click("#rotate-submit")
            app.find("#token-dialog[open]", timeout=30)
            timing = None
            for _ in range(100):
                timing = app.js("return window.__bench;")
                if timing and "frame" in timing:
                    break
                time.sleep(0.02)
            if not timing or "click" not in timing or "open" not in timing:
                raise RuntimeError(f"rotate probe saw {timing!r}")
            runs.append(timing["open"] - timing["click"])
            if "frame" in timing:
                frames.append(timing["frame"] - timing["click"])
            app.click("#token-done")
            for _ in range(200):
                if not app.js("const d = document.getElementById('token-dialog'); return !!(d && d.open);"):
                    break
                time.sleep(0.05)
            time.sleep(0.3)
    finally:
        app.close()


def pds_log_offset() -> int:
    path = Path(os.environ.get("WISPKEY_STACK_JSON", "")).parent / "pds.log"
    return path.stat().st_size if path.is_file() else 0


def pds_requests(since: int, agent: str = "", exclude: str | None = None) -> dict:
    """What the PDS served since a log offset: per path and status, count and median responseTime.

    Tells apart what the app asks of the server per rotate (DPoP nonce retries, refreshes, the
    proxied call itself) from what it spends on its own, without a hook in the app.
    """
    path = Path(os.environ.get("WISPKEY_STACK_JSON", "")).parent / "pds.log"
    if not path.is_file():
        return {}
    with path.open("rb") as log_file:
        log_file.seek(since)
        lines = log_file.read().decode(errors="replace").splitlines()
    seen: dict[str, list[float]] = {}
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "responseTime" not in entry or "req" not in entry:
            continue
        # Whose request: our HTTP client says "wispkey/<version>" (when the log has headers).
        said = str(entry["req"].get("headers", {}).get("user-agent", ""))
        if agent not in said or (exclude is not None and exclude in said):
            continue
        key = f"{entry['req'].get('method')} {entry['req'].get('url', '').split('?')[0]} -> {entry.get('res', {}).get('statusCode')}"
        seen.setdefault(key, []).append(float(entry["responseTime"]))
    return {key: {"count": len(times), "median_ms": statistics.median(times)} for key, times in seen.items()}


def rotate_reference(stack: Stack, name: str) -> dict:
    out = subprocess.run(
        [str(ROTATE_REF_BIN), "--pds", stack.pds_local, "--identifier", stack.account["handle"],
         "--password", stack.account["password"], "--service-did", stack.wisp_did, "--name", name,
         "--runs", str(ROTATE_RUNS), "--keychain-service", KEYCHAIN + ".rotate-ref"],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


FILTER_READ = """
const e = performance.getEntriesByName('wispkey:filter', 'measure');
return e.length ? e[e.length - 1].duration : null;
"""
RENDER_READ = """
const e = performance.getEntriesByName('wispkey:list-render', 'measure');
const rows = document.querySelectorAll('#secrets-table [data-secret]').length;
return e.length ? {render: e[e.length - 1].duration, rowsInDom: rows} : null;
"""


def big_list_runs(stack: Stack, wisp_did: str) -> dict:
    """First render of the big list (list received -> interactive) and single filter keystrokes."""
    renders, starts, first_keys, later_keys = [], [], [], []
    query = "bil"
    failures = []
    for _ in range(max(3, RUNS // 2 + 1)):
        try:
            app = App(APP_BIN, stack.app_env(wisp_did=wisp_did))
        except WebDriverError as error:
            failures.append(str(error))
            continue
        try:
            at = app.mark_epoch_ms("wispkey:list-interactive", timeout=60)
            starts.append(at - app.requested_ms)
            render = app.js(RENDER_READ)
            if render:
                renders.append(render["render"])
            has_filter_mark = False
            for index, char in enumerate(query):
                app.type("#secrets-filter", char)
                value = None
                for _ in range(40):
                    count = app.js("return performance.getEntriesByName('wispkey:filter', 'measure').length;")
                    if count and count > index:
                        value = app.js(FILTER_READ)
                        break
                    time.sleep(0.025)
                if value is None:
                    break
                has_filter_mark = True
                (first_keys if index == 0 else later_keys).append(value)
            if not has_filter_mark:
                log("no wispkey:filter measure after a keystroke")
        except WebDriverError as error:
            failures.append(str(error))
        finally:
            app.close()
            time.sleep(0.5)
    return {"render_ms": renders, "start_ms": starts, "first_key_ms": first_keys,
            "later_keys_ms": later_keys, "webdriver_failures": failures}


# ---- the CLI: sign-in and list ----------------------------------------------------------------


def cli_env(stack: Stack, home: Path, keychain: str) -> dict[str, str]:
    """The CLI's environment: the local stack, its own keychain namespace and config folder, and
    the consent page's JSON API as its browser (the same automation the Node reference uses)."""
    return {
        **os.environ,
        **stack.app_env(browser=str(REPO / "stack/consent-browser.sh")),
        "WISPKEY_KEYCHAIN_SERVICE": keychain,
        "WISPKEY_CONSENT_MODE": "api",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }


def timed_run(command: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> tuple[float, str]:
    """Wall-clock ms of one process from start to exit, and its stdout; fails on a non-zero exit."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=120)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} {command[1]} exited {done.returncode}: {done.stderr.strip()[-400:]}")
    return elapsed, done.stdout


def sign_in_runs(stack: Stack, scratch: Path) -> tuple[dict, dict, dict[str, str] | None]:
    """OAuth sign-in with no human (the consent page's JSON API), alternating: `wispkey login
    HANDLE` timed as a whole process, each with a new keychain namespace and config folder (a
    first sign-in every time), and one sign-in of the reference Node OAuth client
    (bench/oauth-node-ref, one warm process driven over stdin, a new client per sign-in).

    Returns the CLI's runs, the reference's, and the environment of the CLI's last sign-in, which
    stays signed in for the list runs."""
    cli: dict = {"runs_ms": []}
    node: dict = {"runs_ms": []}
    if not CLI_BIN.is_file():
        cli["error"] = f"{NOT_YET}: no CLI at {CLI_BIN}"
    reference = start_node_reference(stack, node)
    env = None
    try:
        for run in range(RUNS):
            if "error" not in cli:
                if env is not None:
                    # The previous run's session is not needed any more: end it as a user would.
                    subprocess.run([str(CLI_BIN), "logout"], env=env, capture_output=True, timeout=60)
                env = cli_env(stack, scratch / f"cli-{run}", f"{KEYCHAIN}.cli.{run}")
                try:
                    cli["runs_ms"].append(timed_run([str(CLI_BIN), "login", stack.account["handle"]], env)[0])
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    cli["error"], env = f"{NOT_YET}: {error}", None
            if reference and "error" not in node:
                try:
                    assert reference.stdin and reference.stdout
                    reference.stdin.write("go\n")
                    reference.stdin.flush()
                    node["runs_ms"].append(json.loads(line_within(reference, 120))["ms"])
                except (OSError, ValueError, KeyError, TimeoutError) as error:
                    node["error"] = f"reference unavailable ({error!r}; see {ARTIFACTS / 'node-ref.log'})"
    finally:
        if reference:
            stop_group(reference)
    return cli, node, env


def line_within(process: subprocess.Popen, seconds: float) -> str:
    """The next line the process prints, or TimeoutError: a stuck reference never hangs the bench."""
    assert process.stdout
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    if not ready:
        raise TimeoutError(f"no answer within {seconds:.0f} s")
    return process.stdout.readline()


def start_node_reference(stack: Stack, node: dict) -> subprocess.Popen | None:
    """The Node OAuth client, started and warmed up by one sign-in; None (and node["error"]) when
    it is not installed or does not start."""
    if not (NODE_REF / "node_modules/@atproto/oauth-client-node").is_dir():
        node["error"] = "reference unavailable (@atproto/oauth-client-node is not installed)"
        return None
    # The stack's Node 22 (scripts/stack.sh node): the client's HTTP library needs it.
    process = subprocess.Popen(
        [str(REPO / "scripts/stack.sh"), "node", str(NODE_REF / "sign-in.mjs"), "--pds", stack.pds,
         "--plc", stack.plc, "--handle", stack.account["handle"], "--password", stack.account["password"],
         "--serve", "1"],
        env={**os.environ, "WISPKEY_CONSENT_LOG": str(ARTIFACTS / "consent.log")},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(ARTIFACTS / "node-ref.log", "ab"),
        text=True, start_new_session=True,
    )
    try:
        ready = json.loads(line_within(process, 180))
        node["warmup_ms"], node["module_load_ms"] = ready["warmup_ms"], ready["module_load_ms"]
        return process
    except (ValueError, KeyError, TimeoutError):
        stop_group(process)
        node["error"] = f"reference unavailable (it did not start; see {ARTIFACTS / 'node-ref.log'})"
        return None


def cli_list_runs(stack: Stack, env: dict[str, str] | None) -> tuple[dict, dict]:
    """`wispkey list --json` against the reference's one keychain read + one list call, both
    timed as whole processes, alternating."""
    cli: dict = {"runs_ms": []}
    ref: dict = {"runs_ms": [], "inside": []}
    service, user = f"{KEYCHAIN}.call-ref", "bench:list-access"
    keychain = ["--keychain-service", service, "--keychain-user", user]
    if not CALL_REF_BIN.is_file():
        ref["error"] = f"{NOT_YET}: no reference at {CALL_REF_BIN}"
    else:
        # The reference's session: an app password's access token, kept in the keychain.
        subprocess.run([str(CALL_REF_BIN), "store", *keychain], input=stack.session_jwt() + "\n",
                       text=True, check=True, capture_output=True)
    if env is None:
        cli["error"] = f"{NOT_YET}: the CLI is not signed in"
    for _ in range(LIST_RUNS):
        if env is not None and "error" not in cli:
            try:
                elapsed, out = timed_run([str(CLI_BIN), "list", "--json"], env)
                json.loads(out)
                cli["runs_ms"].append(elapsed)
            except (RuntimeError, ValueError, subprocess.TimeoutExpired) as error:
                cli["error"] = f"{NOT_YET}: {error}"
        if "error" not in ref:
            try:
                elapsed, out = timed_run([str(CALL_REF_BIN), "list", "--pds", stack.pds_local,
                                          "--service-did", stack.wisp_did, *keychain])
                ref["runs_ms"].append(elapsed)
                ref["inside"].append(json.loads(out.strip().splitlines()[-1]))
            except (RuntimeError, ValueError, subprocess.TimeoutExpired) as error:
                ref["error"] = f"{NOT_YET}: {error}"
    if CALL_REF_BIN.is_file():
        subprocess.run([str(CALL_REF_BIN), "clear", *keychain], capture_output=True)
    return cli, ref


# ---- Slate and Phala: rotate in the window -----------------------------------------------------


def provider_env(stack: Stack, home: Path, keychain: str) -> dict[str, str]:
    """The window with a profile of its own (config, data, keychain namespace): one account."""
    return {
        **stack.app_env(),
        "WISPKEY_KEYCHAIN_SERVICE": keychain,
        "WISPKEY_SLATE_URL": stack.slate_url or "",
        "WISPKEY_PHALA_URL": stack.phala_url or "",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }


def add_account_in_window(env: dict[str, str], provider: str, fill, row: str) -> None:
    """Signs the window in to `provider` (fill types the credentials) and waits for `row`."""

    def choose_and_fill(app: App) -> None:
        app.click(f'label[for="provider-{provider}"]')
        fill(app)

    sign_in_in_window(env, choose_and_fill, row, f"{provider} sign-in", timeout=60)


def slate_rows(stack: Stack, scratch: Path) -> tuple[dict, dict]:
    """Slate: a staff user's API token with a webhook, pasted into the window as the sign-in; its
    webhook secret rotated in the window and by the reference (another token of the same user)."""
    if not stack.slate_control or not stack.slate_url:
        missing = {"error": f"{NOT_YET}: the stack runs no Slate service"}
        return missing, missing
    user = http_json("POST", f"{stack.slate_control}/users", {"totp": False})
    def token(name: str) -> dict:
        return http_json("POST", f"{stack.slate_control}/users/{user['userId']}/tokens",
                         {"name": name, "webhook_url": "https://receiver.invalid/hook", "webhook_enabled": True})
    app_token, ref_token = token("bench-slate"), token("bench-slate-ref")
    env = provider_env(stack, scratch / "slate", f"{KEYCHAIN}.slate")
    row = f'[data-secret-id="{app_token["id"]}"]'

    def fill(app: App) -> None:
        app.click('label[for="use-token"]')
        app.type("#server-token", app_token["token"])

    try:
        add_account_in_window(env, "slate", fill, row)
        window = rotate_runs(RotateTarget(env, row, app_token["name"], ROTATE_RUNS))
    except (WebDriverError, RuntimeError) as error:
        window = {"error": f"{NOT_YET}: {error}"}
    reference = call_ref_rotate(["--provider", "slate", "--url", stack.slate_url, "--id", str(ref_token["id"]),
                                 "--runs", str(ROTATE_RUNS)], ref_token["token"])
    return window, reference


def phala_code(stack: Stack, workspace: str) -> str:
    """A two-factor code no rotate used yet, from the service's test control (waits for the next
    30 s step when the codes it accepts now are spent)."""
    for _ in range(8):
        try:
            return http_json("GET", f"{stack.phala_control}/totp/{workspace}")["code"]
        except WebDriverError:
            time.sleep(5)
    raise RuntimeError("the Phala service gave no unused two-factor code within 40 s")


def phala_rows(stack: Stack, scratch: Path) -> tuple[dict, dict]:
    """Phala Cloud: a workspace's API key pasted into the window, one webhook rotated with its
    two-factor code; the reference rotates a webhook of another workspace (its own codes)."""
    if not stack.phala_control or not stack.phala_url:
        missing = {"error": f"{NOT_YET}: the stack runs no Phala service"}
        return missing, missing
    def workspace(name: str) -> tuple[dict, dict]:
        made = http_json("POST", f"{stack.phala_control}/workspaces", {"name": name})
        hook = http_json("POST", f"{stack.phala_control}/workspaces/{made['workspaceId']}/webhooks",
                         {"url": f"https://{name}.invalid/hook", "events": ["cvm.created"]})
        return made, hook
    (app_ws, app_hook), (ref_ws, ref_hook) = workspace("bench-phala"), workspace("bench-phala-ref")
    env = provider_env(stack, scratch / "phala", f"{KEYCHAIN}.phala")
    row = f'[data-secret-id="{app_hook["id"]}"]'
    try:
        add_account_in_window(env, "phala", lambda app: app.type("#api-key", app_ws["apiKey"]), row)
        window = rotate_runs(RotateTarget(env, row, app_hook["url"], PHALA_RUNS,
                                          code=lambda: phala_code(stack, app_ws["workspaceId"])))
    except (WebDriverError, RuntimeError) as error:
        window = {"error": f"{NOT_YET}: {error}"}
    reference = call_ref_rotate(["--provider", "phala", "--url", stack.phala_url, "--id", ref_hook["id"],
                                 "--control", stack.phala_control, "--workspace", ref_ws["workspaceId"],
                                 "--runs", str(PHALA_RUNS)], ref_ws["apiKey"])
    return window, reference


def call_ref_rotate(args: list[str], credential: str) -> dict:
    if not CALL_REF_BIN.is_file():
        return {"error": f"{NOT_YET}: no reference at {CALL_REF_BIN}"}
    try:
        _, out = timed_run([str(CALL_REF_BIN), "rotate", *args, "--keychain-service", f"{KEYCHAIN}.call-ref"],
                           stdin=credential + "\n")
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return {"error": f"{NOT_YET}: {error}"}
    return json.loads(out.strip().splitlines()[-1])


def file_size(path: Path) -> float | None:
    return path.stat().st_size / 1e6 if path.is_file() else None


def sizes() -> dict:
    debs = json.loads(os.environ.get("BENCH_DEBS", "{}"))
    return {
        "app_binary_mb": file_size(SHIPPED_BIN),
        "empty_binary_mb": file_size(EMPTY_BIN),
        "app_deb_mb": file_size(Path(debs["app"])) if debs.get("app") else None,
        "empty_deb_mb": file_size(Path(debs["empty"])) if debs.get("empty") else None,
    }


# ---- the table -------------------------------------------------------------------------------


def fmt(figure: dict | None, unit: str) -> str:
    if not figure:
        return NOT_YET
    return f"{figure['median']:.1f} {unit} ({figure['min']:.1f}-{figure['max']:.1f}, n={figure['n']})"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


class Row:
    """One line of the table: a figure, its reference, how they compare, the goal, and whether
    the goal is met (printed only: a benchmark never fails the build)."""

    def __init__(self, figure: str, ours: str, reference: str, compared: str, goal: str, ok: bool | None):
        self.cells = [figure, ours, reference, compared, goal, met(ok)]


def cell(result: dict, key: str, unit: str) -> tuple[dict | None, str]:
    """The summary of result[key] and its text, or the result's error when nothing was measured."""
    figure = summary(result.get(key, []))
    return figure, fmt(figure, unit) if figure else result.get("error", NOT_YET)


def ratio_row(name: str, ours: dict | None, ours_text: str, ref: dict | None, ref_text: str, goal: float) -> Row:
    if ours and ref:
        value = median(ours) / median(ref)
        return Row(name, ours_text, ref_text, f"{value:.2f}x (medians)", f"<= {goal}x", value <= goal)
    return Row(name, ours_text, ref_text, "-", f"<= {goal}x", None)


def difference_row(name: str, ours: dict | None, ours_text: str, ref: dict | None, ref_text: str, goal: float) -> Row:
    if ours and ref:
        value = median(ours) - median(ref)
        return Row(name, ours_text, ref_text, f"{value:+.1f} ms (medians)", f"<= +{goal:.0f} ms", value <= goal)
    return Row(name, ours_text, ref_text, "-", f"<= +{goal:.0f} ms", None)


def limit_row(name: str, ours: dict | None, ours_text: str, goal: float, unit: str) -> Row:
    ok = median(ours) <= goal if ours else None
    return Row(name, ours_text, "(absolute goal)", "-", f"<= {goal:g} {unit}", ok)


def table_rows(r: dict) -> list[Row]:
    empty_pss = summary([x["pss_mb"] for x in r["empty_window"]])
    app_pss = summary([x["pss_mb"] for x in r["wispkey"]])
    kp_pss = summary([x["pss_mb"] for x in r["keepassxc"].get("runs", [])])
    empty_start = summary([x["start_ms"] for x in r["empty_window"]])
    app_start = summary([x["start_ms"] for x in r["wispkey"]])
    # The start goal holds "in every run": each Wispkey start over the empty window's start of
    # the same round (they alternate).
    per_run = [a["start_ms"] / e["start_ms"] for a, e in zip(r["wispkey"], r["empty_window"]) if e["start_ms"]]
    start_cmp = (f"{ratio(median(app_start), median(empty_start))} (medians); per run "
                 f"{min(per_run):.2f}x-{max(per_run):.2f}x" if per_run else "-")
    rows = [
        ratio_row("PSS, process tree, 5 s after shown", app_pss, fmt(app_pss, "MB"),
                  empty_pss, f"empty Tauri window {fmt(empty_pss, 'MB')}", 1.0),
        ratio_row("PSS beside a native manager (aim)", app_pss, fmt(app_pss, "MB"),
                  kp_pss, f"KeePassXC {fmt(kp_pss, 'MB')}" if kp_pss else r["keepassxc"].get("error", NOT_YET), 2.0),
        Row("start -> interactive signed-in list", fmt(app_start, "ms"), f"empty window first DOM {fmt(empty_start, 'ms')}",
            start_cmp, "<= 1.2x in every run", max(per_run) <= 1.2 if per_run else None),
    ]
    for label, app_key, ref_key in (
        ("rotate click -> copy-once dialog, wisp.place", "rotate_app", "rotate_ref"),
        ("rotate click -> copy-once dialog, Slate", "rotate_slate_app", "rotate_slate_ref"),
        ("rotate click -> copy-once dialog, Phala Cloud", "rotate_phala_app", "rotate_phala_ref"),
    ):
        ours, ours_text = cell(r.get(app_key, {}), "dialog_open_ms", "ms")
        ref, ref_text = cell(r.get(ref_key, {}), "runs_ms", "ms")
        rows.append(difference_row(label, ours, ours_text, ref, f"HTTP rotate + 1 keychain write {ref_text}", 15))
    rows.extend(table_rows_list(r))
    ours, ours_text = cell(r.get("signin_cli", {}), "runs_ms", "ms")
    ref, ref_text = cell(r.get("signin_node", {}), "runs_ms", "ms")
    rows.append(ratio_row("OAuth sign-in, API consent (wispkey login)", ours, ours_text, ref,
                          f"@atproto/oauth-client-node {ref_text}", 1.0))
    big = r["big_list"]
    for label, key, goal in ((f"first render, {BIG_LIST} secrets", "render_ms", 50),
                             ("filter, one keystroke (first)", "first_key_ms", 16),
                             ("filter, later keystrokes", "later_keys_ms", 16)):
        ours, ours_text = cell(big, key, "ms")
        rows.append(limit_row(label, ours, ours_text, goal, "ms"))
    s = r["sizes"]
    size = lambda key: {"min": s[key], "median": s[key], "max": s[key], "n": 1} if s.get(key) else None
    for label, app_key, empty_key, goal in (("release binary", "app_binary_mb", "empty_binary_mb", 8),
                                            (".deb (tauri build --bundles deb)", "app_deb_mb", "empty_deb_mb", 5)):
        app_size, empty_size = size(app_key), size(empty_key)
        rows.append(Row(label, f"{s[app_key]:.2f} MB" if app_size else NOT_YET,
                        f"empty window {s[empty_key]:.2f} MB" if empty_size else NOT_YET,
                        ratio(s.get(app_key), s.get(empty_key)), f"<= {goal} MB",
                        s[app_key] <= goal if app_size else None))
    return rows


def main() -> int:
    started = time.time()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench.", dir=os.environ.get("WISPKEY_SESSION_DIR")))
    stack = Stack()
    results: dict = {"runs": RUNS, "settle_s": SETTLE_S, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}

    # A few secrets, as a fresh account would have, and one to rotate.
    jwt = stack.session_jwt()
    rotate_name = "bench-rotate"
    for name in [rotate_name] + [f"bench-{i}" for i in range(1, 6)]:
        try:
            stack.create_secret(jwt, name)
        except WebDriverError as error:
            if "AlreadyExists" not in str(error):
                raise

    if ONLY == "cli-list":
        return only_cli_list(stack, scratch, results, started)
    if ONLY:
        raise SystemExit(f"BENCH_ONLY={ONLY!r}: the one row that can run alone is cli-list")

    log("signing in once through the consent page")
    sign_in_once(stack)

    log(f"empty window vs Wispkey: {RUNS} starts each, alternating")
    empty_runs, app_runs = [], []
    for _ in range(RUNS):
        empty_runs.append(with_retries("empty window", launch_and_settle, EMPTY_BIN, {}, "empty:first-dom"))
        app_runs.append(
            with_retries("Wispkey", launch_and_settle, APP_BIN, stack.app_env(), "wispkey:list-interactive")
        )
    results["empty_window"] = empty_runs
    results["wispkey"] = app_runs

    log("KeePassXC")
    results["keepassxc"] = keepassxc_runs(scratch)

    log(f"rotate: {ROTATE_RUNS} through the app, {ROTATE_RUNS} directly")
    offset = pds_log_offset()
    try:
        results["rotate_app"] = rotate_runs(
            RotateTarget(stack.app_env(), f'[data-secret="{rotate_name}"]', rotate_name, ROTATE_RUNS)
        )
    except (WebDriverError, RuntimeError) as error:
        results["rotate_app"] = {"error": f"{NOT_YET}: {error}"}
    results["rotate_app_pds"] = pds_requests(offset)
    offset = pds_log_offset()
    results["rotate_ref"] = rotate_reference(stack, rotate_name)
    results["rotate_ref_pds"] = pds_requests(offset)

    log("CLI: OAuth sign-in beside the Node OAuth client, then list beside its reference")
    offset = pds_log_offset()
    results["signin_cli"], results["signin_node"], signed_in = sign_in_runs(stack, scratch)
    results["signin_cli_pds"] = pds_requests(offset, "wispkey/")
    results["signin_node_pds"] = pds_requests(offset, "", exclude="wispkey/")
    offset = pds_log_offset()
    results["list_cli"], results["list_ref"] = cli_list_runs(stack, signed_in)
    results["list_cli_pds"] = pds_requests(offset, "wispkey/")

    for provider, rows in (("slate", slate_rows), ("phala", phala_rows)):
        log(f"{provider}: rotate in the window and directly")
        try:
            results[f"rotate_{provider}_app"], results[f"rotate_{provider}_ref"] = rows(stack, scratch)
        except (WebDriverError, RuntimeError, KeyError, OSError) as error:
            failed = {"error": f"{NOT_YET}: {error}"}
            results[f"rotate_{provider}_app"], results[f"rotate_{provider}_ref"] = failed, failed

    log(f"{BIG_LIST} secrets")
    big, did = start_big_wisp(stack, scratch, BIG_LIST)
    try:
        results["big_list"] = big_list_runs(stack, did)
    except (WebDriverError, RuntimeError) as error:
        results["big_list"] = {"error": f"{NOT_YET}: {error}"}
    finally:
        stop_group(big)

    results["sizes"] = sizes()
    results["bench_seconds"] = time.time() - started
    print_table(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=2)
    (ARTIFACTS / f"{stamp}.json").write_text(text)
    (ARTIFACTS / "latest.json").write_text(text)
    log(f"wrote {ARTIFACTS / (stamp + '.json')}")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


def only_cli_list(stack: Stack, scratch: Path, results: dict, started: float) -> int:
    """BENCH_ONLY=cli-list: one CLI sign-in (untimed), then the list row and its reference, as
    in the full run; prints that row, the reference's inside split and the CLI's PDS requests."""
    log(f"CLI list alone: one sign-in, then {LIST_RUNS} lists beside its reference")
    env = cli_env(stack, scratch / "cli-only", f"{KEYCHAIN}.cli.only")
    signed_in: dict[str, str] | None = env
    try:
        timed_run([str(CLI_BIN), "login", stack.account["handle"]], env)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        log(f"the CLI could not sign in: {error}")
        signed_in = None
    offset = pds_log_offset()
    results["list_cli"], results["list_ref"] = cli_list_runs(stack, signed_in)
    results["list_cli_pds"] = pds_requests(offset, "wispkey/")
    results["bench_seconds"] = time.time() - started
    row = table_rows_list(results)[0]
    header = Row("figure", "Wispkey: median (min-max)", "reference", "ratio / difference", "goal", None)
    header.cells[-1] = "met"
    widths = [max(len(header.cells[i]), len(row.cells[i])) for i in range(6)]
    print()
    for line in (header, row):
        print("  ".join(text.ljust(widths[i]) for i, text in enumerate(line.cells)).rstrip())
    print()
    print_list_notes(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (ARTIFACTS / f"cli-list-{stamp}.json").write_text(json.dumps(results, indent=2))
    log(f"wrote {ARTIFACTS / ('cli-list-' + stamp + '.json')}")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


def table_rows_list(r: dict) -> list[Row]:
    """The `wispkey list --json` row (also part of the full table)."""
    ours, ours_text = cell(r.get("list_cli", {}), "runs_ms", "ms")
    ref, ref_text = cell(r.get("list_ref", {}), "runs_ms", "ms")
    return [ratio_row("wispkey list --json (process)", ours, ours_text, ref,
                      f"1 keychain read + 1 HTTP list (process) {ref_text}", 1.5)]


def print_list_notes(r: dict) -> None:
    """Below the list row: the reference's inside split and what the CLI asked of the PDS."""
    inside = r.get("list_ref", {}).get("inside", [])
    if inside:
        print(f"list reference inside its process (medians): keychain read "
              f"{statistics.median([x['read_ms'] for x in inside]):.1f} ms, HTTP list "
              f"{statistics.median([x['http_ms'] for x in inside]):.1f} ms, total "
              f"{statistics.median([x['total_ms'] for x in inside]):.1f} ms")
    seen = r.get("list_cli_pds") or {}
    text = "; ".join(f"{k} x{v['count']} ({v['median_ms']:.0f} ms)" for k, v in sorted(seen.items()))
    print(f"PDS requests during the CLI's lists: {text or '-'}")


def print_table(r: dict) -> None:
    kp = r["keepassxc"].get("runs", [])
    rot = r["rotate_app"]
    ref = r["rotate_ref"]
    big = r["big_list"]

    def part_medians(runs: list[dict]) -> str:
        names = sorted({n for x in runs for n in x["parts"]})
        return ", ".join(f"{n} {statistics.median([x['parts'].get(n, 0.0) for x in runs]):.0f}" for n in names)

    header = Row("figure", "Wispkey: median (min-max)", "reference", "ratio / difference", "goal", None)
    header.cells[-1] = "met"
    rows = [header] + table_rows(r)
    widths = [max(len(row.cells[i]) for row in rows) for i in range(6)]
    print()
    print(f"Wispkey benchmarks ({r['runs']} starts per app, {ROTATE_RUNS} rotates ({PHALA_RUNS} on Phala); MB = 10^6 bytes; "
          "goals are printed, never asserted)")
    for row in rows:
        print("  ".join(text.ljust(widths[i]) for i, text in enumerate(row.cells)).rstrip())
    print()
    def phase(runs: list[dict], key: str) -> str:
        values = [x["phases_ms"][key] for x in runs if key in x.get("phases_ms", {})]
        return f"{statistics.median(values):.0f} ms" if values else "-"

    print(
        f"start phases (medians from the session request): Wispkey first DOM {phase(r['wispkey'], 'dom')}, "
        f"list received {phase(r['wispkey'], 'received')}; empty window first DOM {phase(r['empty_window'], 'dom')}"
    )
    def uss(runs: list[dict]) -> float | None:
        return median(summary([x["uss_mb"] for x in runs if "uss_mb" in x]))

    u_app, u_empty, u_kp = uss(r["wispkey"]), uss(r["empty_window"]), uss(kp) if kp else None
    print(
        f"USS (private pages, independent of other processes; medians): Wispkey {u_app or 0:.1f} MB, "
        f"empty {u_empty or 0:.1f} MB (ratio {ratio(u_app, u_empty)}), "
        f"KeePassXC {u_kp or 0:.1f} MB (ratio {ratio(u_app, u_kp)})"
    )
    print(f"PSS by process (medians, MB): Wispkey: {part_medians(r['wispkey'])}")
    print(f"                              empty:   {part_medians(r['empty_window'])}")
    if kp:
        print(f"                              KeePassXC: {part_medians(kp)}")
    if rot.get("next_frame_ms"):
        print(f"rotate click -> first frame after the dialog opened: {fmt(summary(rot['next_frame_ms']), 'ms')}")
    print(
        "rotate reference parts (medians): HTTP rotate "
        f"{statistics.median(ref['http_ms']):.1f} ms, keychain write {statistics.median(ref['write_ms']):.1f} ms; "
        f"one keychain read {statistics.median(ref['read_ms']):.1f} ms "
        "(the app also reads back the token and reads its per-account index)"
    )
    for provider in ("slate", "phala"):
        parts = r.get(f"rotate_{provider}_ref", {})
        if parts.get("http_ms"):
            print(f"{provider} rotate reference parts (medians): HTTP rotate {statistics.median(parts['http_ms']):.1f} ms, "
                  f"keychain write {statistics.median(parts['write_ms']):.1f} ms")
    print_list_notes(r)
    node = r.get("signin_node", {})
    if node.get("runs_ms"):
        print(f"Node OAuth client: timed inside one warm process, a new client per sign-in (authorize -> "
              f"session stored in memory), alternating with the CLI; not counted: Node start-up, module "
              f"load {node['module_load_ms']:.0f} ms, the warm-up sign-in {node['warmup_ms']:.0f} ms. "
              f"The CLI's figure is its whole process, keychain writes included")
    for label, key in (("app's rotates", "rotate_app_pds"), ("reference's rotates", "rotate_ref_pds"),
                       ("CLI's sign-ins", "signin_cli_pds"),
                       ("sign-ins, not from wispkey (the Node client; both sides' consent automation)", "signin_node_pds")):
        seen = r.get(key) or {}
        text = "; ".join(f"{k} x{v['count']} ({v['median_ms']:.0f} ms)" for k, v in sorted(seen.items()))
        print(f"PDS requests during the {label}: {text or '-'}")
    if big.get("start_ms"):
        print(f"start -> interactive with {BIG_LIST} secrets: {fmt(summary(big['start_ms']), 'ms')}")
    print(f"bench run time (measurements only): {r['bench_seconds']:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
