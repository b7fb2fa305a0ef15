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
"""

from __future__ import annotations

import http.client
import json
import os
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
BIG_LIST = int(os.environ.get("BENCH_BIG_LIST", "10000"))
SETTLE_S = 5.0
# Timed runs need the test hooks (a private keychain, the consent automation as browser): the
# end-to-end tests' build, which differs from the shipped one only by them (scripts/build.sh).
APP_BIN = Path(os.environ.get("BENCH_APP_BIN", TARGET / "test-hooks/wispkey-desktop"))
# Sizes are the shipped binary's (scripts/build.sh makes the shipped build last).
SHIPPED_BIN = Path(os.environ.get("BENCH_SHIPPED_BIN", TARGET / "release/wispkey-desktop"))
EMPTY_BIN = Path(os.environ.get("BENCH_EMPTY_BIN", TARGET / "release/wispkey-bench-empty-window"))
ROTATE_REF_BIN = Path(os.environ.get("BENCH_ROTATE_REF_BIN", TARGET / "release/rotate-ref"))
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


def sign_in_once(stack: Stack) -> None:
    """Signs the bench account in through the real consent page once; later starts restore it."""
    env = stack.app_env(browser=str(REPO / "stack/consent-browser.sh"))
    for attempt in range(3):
        app = App(APP_BIN, env)
        try:
            app.find("#signin-form, #secrets-table, #secrets-empty")
            if app.js("return !!document.querySelector('#signin-form');"):
                app.type("#handle", stack.account["handle"])
                app.click("#signin-button")
            app.find("#secrets-table, #secrets-empty", timeout=90)
            return
        except WebDriverError as error:
            if attempt == 2:
                raise
            log(f"sign-in attempt failed, again: {error}")
        finally:
            app.close()


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


def launch_and_settle(binary: Path, env: dict[str, str], mark: str) -> dict:
    """One start: time to `mark`, then PSS of the process tree SETTLE_S after it."""
    app = App(binary, env)
    try:
        at = app.mark_epoch_ms(mark)
        start_ms = at - app.requested_ms
        # Where the time went: the document's first DOM (as the empty window's mark) and, for
        # Wispkey, when the list arrived over IPC (before it was rendered).
        split = app.js(
            "const n = performance.getEntriesByType('navigation')[0];"
            "const r = performance.getEntriesByName('wispkey:list-received', 'mark')[0];"
            "return {dom: n ? performance.timeOrigin + n.domInteractive : null,"
            " received: r ? performance.timeOrigin + r.startTime : null};"
        ) or {}
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


def rotate_runs(stack: Stack, name: str) -> dict:
    """Rotate click -> copy-once dialog open, measured in the page (click event to <dialog open>).

    A WebDriver failure mid-way starts a fresh app for the remaining rotates (at most twice).
    """
    runs: list[float] = []
    frames: list[float] = []
    failures: list[str] = []
    while len(runs) < ROTATE_RUNS:
        try:
            rotate_session(stack, name, runs, frames)
        except WebDriverError as error:
            failures.append(str(error))
            if "no rotate button" in str(error) or len(failures) > 2:
                break
    result = {"dialog_open_ms": runs, "next_frame_ms": frames, "webdriver_failures": failures}
    if not runs:
        result["error"] = f"{NOT_YET}: {failures[-1] if failures else 'no rotate measured'}"
    return result


def rotate_session(stack: Stack, name: str, runs: list[float], frames: list[float]) -> None:
    app = App(APP_BIN, stack.app_env())
    try:
        app.mark_epoch_ms("wispkey:list-interactive")
        row = f'[data-secret="{name}"]'
        try:
            app.find(f'{row} [data-action="rotate"]', timeout=10)
        except WebDriverError:
            raise WebDriverError("no rotate button on the row") from None
        while len(runs) < ROTATE_RUNS:
            app.click(f'{row} [data-action="rotate"]')
            app.find("#rotate-dialog[open]")
            app.type("#rotate-confirm-name", name)
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


def pds_requests(since: int) -> dict:
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
    return f"{figure['min']:.1f} / {figure['median']:.1f} / {figure['max']:.1f} {unit} (n={figure['n']})"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


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
        results["rotate_app"] = rotate_runs(stack, rotate_name)
    except (WebDriverError, RuntimeError) as error:
        results["rotate_app"] = {"error": f"{NOT_YET}: {error}"}
    results["rotate_app_pds"] = pds_requests(offset)
    offset = pds_log_offset()
    results["rotate_ref"] = rotate_reference(stack, rotate_name)
    results["rotate_ref_pds"] = pds_requests(offset)

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


def print_table(r: dict) -> None:
    empty_pss = summary([x["pss_mb"] for x in r["empty_window"]])
    app_pss = summary([x["pss_mb"] for x in r["wispkey"]])
    kp = r["keepassxc"].get("runs", [])
    kp_pss = summary([x["pss_mb"] for x in kp])
    empty_start = summary([x["start_ms"] for x in r["empty_window"]])
    app_start = summary([x["start_ms"] for x in r["wispkey"]])
    rot = r["rotate_app"]
    rot_app = summary(rot.get("dialog_open_ms", []))
    ref = r["rotate_ref"]
    rot_ref = summary(ref["runs_ms"])
    big = r["big_list"]
    render = summary(big.get("render_ms", []))
    key1 = summary(big.get("first_key_ms", []))
    keyn = summary(big.get("later_keys_ms", []))
    s = r["sizes"]
    overhead = (median(rot_app) - median(rot_ref)) if rot_app and rot_ref else None

    def part_medians(runs: list[dict]) -> str:
        names = sorted({n for x in runs for n in x["parts"]})
        return ", ".join(f"{n} {statistics.median([x['parts'].get(n, 0.0) for x in runs]):.0f}" for n in names)

    rows = [
        ("PSS, process tree, 5 s after shown", "Wispkey", fmt(app_pss, "MB"), "goal <= 1.0x empty"),
        ("", "empty Tauri window", fmt(empty_pss, "MB"), f"ratio {ratio(median(app_pss), median(empty_pss))}"),
        ("", "KeePassXC (Debian)", fmt(kp_pss, "MB"), f"ratio {ratio(median(app_pss), median(kp_pss))} (aim <= 2x)"),
        ("start -> interactive list / first DOM", "Wispkey (signed in)", fmt(app_start, "ms"), "goal <= 1.2x empty"),
        ("", "empty Tauri window", fmt(empty_start, "ms"), f"ratio {ratio(median(app_start), median(empty_start))}"),
        ("rotate click -> copy-once dialog", "Wispkey", fmt(rot_app, "ms") if rot_app else rot.get("error", NOT_YET), ""),
        ("", "HTTP rotate + 1 keychain write", fmt(rot_ref, "ms"),
         f"app overhead {overhead:.1f} ms (median; goal <= 15)" if overhead is not None else "-"),
        (f"first render, {BIG_LIST} secrets", "Wispkey", fmt(render, "ms") if render else big.get("error", NOT_YET), "goal <= 50 ms"),
        ("filter, one keystroke (first)", "Wispkey", fmt(key1, "ms") if key1 else big.get("error", NOT_YET), "goal <= 16 ms"),
        ("filter, later keystrokes", "Wispkey", fmt(keyn, "ms") if keyn else big.get("error", NOT_YET), "goal <= 16 ms"),
        ("release binary", "Wispkey / empty",
         f"{s['app_binary_mb'] or 0:.2f} / {s['empty_binary_mb'] or 0:.2f} MB",
         f"ratio {ratio(s['app_binary_mb'], s['empty_binary_mb'])}; goal <= 8 MB"),
        (".deb (tauri build --bundles deb)", "Wispkey / empty",
         f"{s['app_deb_mb']:.2f} / {s['empty_deb_mb']:.2f} MB" if s["app_deb_mb"] and s["empty_deb_mb"] else NOT_YET + " (no .deb built)",
         f"ratio {ratio(s['app_deb_mb'], s['empty_deb_mb'])}; goal <= 5 MB"),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print()
    print(f"Wispkey benchmarks (min / median / max; {r['runs']} starts per app; MB = 10^6 bytes)")
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)))
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
    for label, key in (("app", "rotate_app_pds"), ("reference", "rotate_ref_pds")):
        seen = r.get(key) or {}
        text = "; ".join(f"{k} x{v['count']} ({v['median_ms']:.0f} ms)" for k, v in sorted(seen.items()))
        print(f"PDS requests during the {label}'s rotates: {text or '-'}")
    if big.get("start_ms"):
        print(f"start -> interactive with {BIG_LIST} secrets: {fmt(summary(big['start_ms']), 'ms')}")
    print(f"bench run time (measurements only): {r['bench_seconds']:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
