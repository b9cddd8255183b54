#!/usr/bin/env python3
"""HTTP-level fuzzing of a running `candor serve` (issue 12, item 5).

Starts `candor serve --demo`, signs in as the demo administrator (so named routes are reached
too), and sends N requests built from the server's own route table (read from
src/server/app/routes_*.cc, so a new route is fuzzed without editing this file):

  * bodies: the fields the routes read (also read from routes_*.cc) with values of every type,
    valid-looking hex, huge and nested values, repeated keys, non-JSON and non-UTF-8 bytes;
  * paths: each parameter as a real value, a canonical-looking one, or hostile text (percent
    escapes, NUL, upper-case hex, huge numbers, dot segments);
  * queries, methods and headers: random parameters, HEAD, unknown methods, odd Content-Types,
    If-None-Match, chunked bodies, missing or wrong CSRF tokens;
  * raw requests: malformed request lines, bare LF, obs-fold, conflicting lengths, huge headers.

It fails if the server ever answers 5xx other than 503 (busy), answers with a body that is not
a JSON error where an error is due, stops answering, or exits; and, at the end, unless the
log still audits in full (`candor audit --full`). Failing requests are written to
fuzz/artifacts/http-*.txt to replay.

Usage: http_fuzz.py --candor BUILD/src/cli/candor [--requests N] [--seed S]
`make fuzz` runs it with 100,000 requests; `make test` with a few thousand.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUG = "demo-agency"
OK_STATUSES = {200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 409, 411, 413, 415, 417, 422, 429, 431, 503}


def route_table():
    # One table per feature (routes_*.cc), their JSON in wire_*.cc.
    app = os.path.join(ROOT, "src/server/app")
    text = "".join(open(os.path.join(app, name)).read() for name in sorted(os.listdir(app))
                   if re.fullmatch(r"(routes|wire)_\w+\.cc", name))
    routes = re.findall(r'router\.(Named|Anonymous)\(\s*"([A-Z]+)",\s*"([^"]+)"', text)
    fields = sorted(set(re.findall(r'f\.(?:Required|Optional)\("([a-z_]+)"', text)) |
                    set(re.findall(r'\{"([a-z_]+)",', text)))
    return [(m, p, kind == "Named") for kind, m, p in routes], fields


HEXY = ["ab" * 32, "AB" * 32, "00" * 32, "ff" * 32, "ab" * 64, "ab" * 31, "a" * 63, "zz" * 32, "ab" * 4096]
TEXTY = ["", " ", "x", "demo-agency", "admin", "demo-password-not-secret", "\u0000", "\x1b[2J", "\u202e",
         "é" * 300, "a" * 70000, "../../etc/passwd", "%00", "1", "-1", "2027-01-01", "2027-13-45", "sign",
         "withdraw", "reply", "note", "close", "extend", "reviewer", "administrator", "enrollment_officer"]
NUMBERS = [0, 1, 2, -1, 7, 255, 256, 65535, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**30,
           1.5, -0.0, 1e308, 3]


def value(rng, depth=0):
    r = rng.random()
    if r < 0.25:
        return rng.choice(HEXY)
    if r < 0.5:
        return rng.choice(TEXTY)
    if r < 0.7:
        return rng.choice(NUMBERS)
    if r < 0.78:
        return rng.choice([None, True, False])
    if depth > 3:
        return None
    if r < 0.9:
        return [value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    return {rng.choice(FIELDS): value(rng, depth + 1) for _ in range(rng.randrange(0, 4))}


FIELDS = []


def body_for(rng):
    r = rng.random()
    if r < 0.70:
        doc = {rng.choice(FIELDS): value(rng) for _ in range(rng.randrange(0, 7))}
        if rng.random() < 0.3:
            doc["header"] = {rng.choice(FIELDS): value(rng) for _ in range(rng.randrange(0, 8))}
        if rng.random() < 0.2:
            doc["signature"] = {rng.choice(FIELDS): value(rng) for _ in range(rng.randrange(0, 5))}
        return json.dumps(doc).encode()
    if r < 0.75:
        return b'{"a":1,"a":2}'
    if r < 0.80:
        return b"[" * rng.choice([10, 1000, 200000])
    if r < 0.85:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    if r < 0.90:
        return b'{"title":"\xff\xfe"}'
    if r < 0.95:
        return json.dumps(value(rng)).encode()
    return b""


def path_for(rng, pattern, ids):
    def param(name):
        r = rng.random()
        if r < 0.6:
            choices = ids.get(name) or ["1"]
            return rng.choice(choices)
        return rng.choice(["0", "01", "-1", "9223372036854775808", "18446744073709551616", "AB" * 32, "ab" * 32,
                           "%00", "%2e%2e", "..", "a%2Fb", "%zz", "x" * 3000, "%E2%80%AE", "%20", "+1", "1e3"])
    out = re.sub(r"\{\*?([a-z_]+)\}", lambda m: param(m.group(1)), pattern)
    if rng.random() < 0.4:
        keys = ["tree_size", "start", "limit", "end", "index", "first", "second", "overdue", "undelivered",
                "signatures", "x", "start"]
        q = "&".join(f"{rng.choice(keys)}={rng.choice(['0', '1', '5', '-1', '01', 'x', '', '%00', '99999999999999999999'])}"
                     for _ in range(rng.randrange(1, 4)))
        out += "?" + q
    return out


def raw_request(rng, port):
    """A malformed request straight on the socket; the answer must be 4xx or a closed connection."""
    cases = [
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        b"GET /api/v1/health HTTP/1.1\nHost: x\n\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
        b"POST /api/v1/cables HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
        b"POST /api/v1/cables HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        b"GET /api/v1/health HTTP/9.9\r\nHost: x\r\n\r\n",
        b"G\x00T /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET " + b"/a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\n" + b"X-Pad: " + b"p" * 20000 + b"\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
        b"\r\n\r\n\r\n",
        b"GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET http://evil.example/api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    ]
    data = rng.choice(cases)
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            got += chunk
    m = re.match(rb"HTTP/1\.[01] (\d{3})", got)
    return (int(m.group(1)) if m else None), data, got[:400]


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.work = tempfile.mkdtemp(prefix="candor-httpfuzz-")
        self.failures = 0
        self.statuses = {}

    def start(self):
        self.proc = subprocess.Popen(
            [self.args.candor, "serve", "--demo", "--data-dir", os.path.join(self.work, "data"), "--host",
             "127.0.0.1", "--port", "0", "--batch-interval", "1", "--no-access-log"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out = ""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("candor serve exited: " + self.proc.stderr.read())
            out += line
            if "DEMO DATA" in out:
                break
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)", out).group(1))
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.stderr = []
        threading.Thread(target=lambda: [self.stderr.append(l) for l in self.proc.stderr], daemon=True).start()

    def request(self, method, path, body=b"", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body if body else None, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, dict(r.getheaders()), data
        finally:
            conn.close()

    def sign_in(self):
        status, headers, data = self.request(
            "POST", "/api/v1/session",
            json.dumps({"organization": SLUG, "username": "admin", "password": "demo-password-not-secret"}).encode(),
            {"Content-Type": "application/json"})
        if status != 200:
            return None
        return {"Cookie": headers.get("Set-Cookie", "").split(";")[0], "X-CSRF-Token": json.loads(data)["csrf_token"]}

    def fail(self, what, detail):
        self.failures += 1
        os.makedirs(os.path.join(ROOT, "fuzz", "artifacts"), exist_ok=True)
        path = os.path.join(ROOT, "fuzz", "artifacts", f"http-{self.args.seed}-{self.failures}.txt")
        with open(path, "wb") as f:
            f.write(detail)
        print(f"FAIL: {what} (saved in {path})", flush=True)

    def run(self):
        global FIELDS
        routes, FIELDS = route_table()
        self.start()
        try:
            session = self.sign_in()
            _, _, data = self.request("GET", "/api/v1/letters")
            letters = [l["id"] for l in json.loads(data)["letters"]]
            ids = {"slug": [SLUG, "demo-agency", "nope", "Demo-Agency"], "id": letters + ["1", "2"],
                   "version": ["1", "25", "26"], "size": ["1", "5"], "path": ["index.html", "assets/x.js"]}
            started = time.time()
            for n in range(self.args.requests):
                if self.proc.poll() is not None:
                    self.fail("the server exited", "".join(self.stderr[-50:]).encode())
                    break
                if self.rng.random() < 0.03:
                    status, data, got = raw_request(self.rng, self.port)
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status is not None and status not in OK_STATUSES | {100}:  # 100: Expect honoured
                        self.fail(f"raw request answered {status}", data + b"\n----\n" + got)
                    continue
                method, pattern, named = self.rng.choice(routes)
                r = self.rng.random()
                if r < 0.05:
                    method = self.rng.choice(["HEAD", "OPTIONS", "TRACE", "FOO", "get", "DELETE", "PATCH"])
                path = path_for(self.rng, pattern, ids)
                headers = {"Content-Type": self.rng.choice(["application/json"] * 8 + ["text/plain", "application/json; charset=latin1", ""])}
                if named and session and self.rng.random() < 0.9:
                    headers["Cookie"] = session["Cookie"]
                    if self.rng.random() < 0.9:
                        headers["X-CSRF-Token"] = session["X-CSRF-Token"]
                if self.rng.random() < 0.05:
                    headers["If-None-Match"] = self.rng.choice(['"x"', "*", "W/\"a\"", "\x01"])
                if pattern in ("/api/v1/session", "/api/v1/sessions", "/api/v1/session/totp") and method in ("DELETE", "POST") \
                        and self.rng.random() < 0.9:
                    continue  # rarely sign ourselves out or turn on a second factor (it would end named coverage)
                body = body_for(self.rng) if method in ("POST", "PUT", "PATCH") or self.rng.random() < 0.05 else b""
                try:
                    status, rheaders, data = self.request(method, path, body, headers)
                except (http.client.HTTPException, OSError) as e:
                    self.fail(f"{method} {path}: no answer ({e})", f"{method} {path}\n{headers}\n\n".encode() + body)
                    continue
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status not in OK_STATUSES:
                    self.fail(f"{method} {path} answered {status}", f"{method} {path}\n{headers}\n\n".encode() + body +
                              b"\n----\n" + data[:2000])
                elif status >= 400 and method != "HEAD" and path.startswith("/api/"):
                    try:
                        err = json.loads(data)["error"]
                        assert isinstance(err["code"], str) and isinstance(err["message"], str)
                    except Exception:
                        self.fail(f"{method} {path}: a {status} that is not a JSON error",
                                  f"{method} {path}\n\n".encode() + body + b"\n----\n" + data[:2000])
                if status == 401 and named and session:
                    session = self.sign_in() or session
                if (n + 1) % 10000 == 0:
                    print(f"{n + 1} requests, {time.time() - started:.0f} s, statuses {sorted(self.statuses.items(), key=str)}",
                          flush=True)
            # The log must still be whole after everything above.
            env = dict(os.environ, HOME=os.path.join(self.work, "home"), NO_COLOR="1")
            audit = subprocess.run([self.args.candor, "audit", "--server", f"http://127.0.0.1:{self.port}", "--full"],
                                   env=env, capture_output=True, text=True, timeout=600)
            if audit.returncode != 0:
                self.fail("`candor audit --full` refused the log afterwards", audit.stderr.encode())
            elapsed = time.time() - started
            print(f"{self.args.requests} requests in {elapsed:.0f} s ({self.args.requests / max(elapsed, 1e-9):.0f}/s); "
                  f"statuses {sorted(self.statuses.items(), key=str)}; {self.failures} failure(s)")
        finally:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.work, ignore_errors=True)
        return 1 if self.failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.candor = os.path.abspath(args.candor)
    return Fuzzer(args).run()


if __name__ == "__main__":
    sys.exit(main())
