#!/usr/bin/env python3
"""Every `candor` command against a server that answers badly (issue 12, item 3).

A real `candor serve --demo` runs behind a proxy that rewrites its answers: wrong JSON types on
every field or on one field of one reply, negative, huge and fractional numbers, bodies that are
not JSON, truncated, deeply nested or larger than the client accepts, odd status codes, bytes
dribbled slowly, and silence. For every command that talks to a server, and every such answer,
the command must end on its own within its deadline ($CANDOR_HTTP_TIMEOUT), with exit status 0,
1 or 2 and, when it fails, a plain `candor: ...` message: never a signal (abort, segfault), never
an uncaught exception, never a hang. Files a command writes only after its checks (`-o`) must
not exist when it fails, and what the client remembers (its pinned log key and tree heads) must
still work against the honest server afterwards.

The same is asked of local files: damaged key files, receipts, ring files, bundles and the
client's own state files.

Usage: hostile_replies.py --candor BUILD/src/cli/candor [--seeds N] [--jobs N] [--sample N]
(`make test` runs it with --seeds 1, and --sample 4 under the sanitizers; more seeds on demand.)
"""

import argparse
import concurrent.futures
import copy
import hashlib
import http.client
import http.server
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

DEMO_PASSWORD = "demo-password-not-secret"
TIMEOUT_S = 2  # $CANDOR_HTTP_TIMEOUT for every run
GRACE_S = 25   # what a run may take beyond it (key derivation, signing, ASan)

# ---------------------------------------------------------------------------------------------
# Mutations of a JSON reply


def cable_id_of_words(words):
    """The cable id a receipt's twelve words derive (docs/PROTOCOL.md, "Cable receipts"):
    H256("candor/v1/cable/words-id", seed), the seed being the BIP-39 entropy of the words. Written
    again here, apart from the C++ and TypeScript readers, from the word list in the source."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "src", "crypto", "bip39_english.inc")) as f:
        wordlist = re.findall(r'"([a-z]+)"', f.read())
    assert len(wordlist) == 2048
    bits = "".join(format(wordlist.index(w), "011b") for w in words.split())
    seed = int(bits[:128], 2).to_bytes(16, "big")
    assert bits[128:] == format(hashlib.sha256(seed).digest()[0] >> 4, "04b"), "receipt checksum"
    label = b"candor/v1/cable/words-id"
    tr = len(label).to_bytes(8, "little") + label + len(seed).to_bytes(8, "little") + seed
    return hashlib.sha256(tr).hexdigest()


def leaves(value, path=()):
    """Every (path, value) in a JSON document, containers included."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))


def replace_at(doc, path, new):
    if not path:
        return new
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = new
    return doc


# Wrong things to put where a value was: each differs in type or range from what the API says.
WRONG = [
    None, True, 0, -1, -9223372036854775809, 18446744073709551616, 1.5, 1e308, "", "x", "-1",
    "ZZ" * 32, "AB" * 32, "ab" * 33, "\u0000", [], [None], {}, {"": None}, [[[]]],
]


def wrong_for(value, rng):
    while True:
        w = rng.choice(WRONG)
        if type(w) is not type(value) or w != value:
            return copy.deepcopy(w)


def mutate_all(value, k):
    """Every leaf replaced by a wrong value of kind k (the shape is kept)."""
    if isinstance(value, dict):
        return {key: mutate_all(v, k) for key, v in value.items()}
    if isinstance(value, list):
        return [mutate_all(v, k) for v in value]
    kinds = [
        lambda v: 12345 if isinstance(v, str) else "12345",
        lambda v: None,
        lambda v: [],
        lambda v: {},
        lambda v: -1 if isinstance(v, (int, float)) and not isinstance(v, bool) else "",
        lambda v: 18446744073709551616 if isinstance(v, (int, float)) else v.upper() * 3 if isinstance(v, str) else 1e308,
        lambda v: 0.5 if not isinstance(v, str) else v[: len(v) // 2],
    ]
    return kinds[k % len(kinds)](value)


def mutate_one(doc, rng):
    """One node of `doc` replaced by a wrong value, or one member of an object left out."""
    nodes = list(leaves(doc))
    keyed = [(p, v) for p, v in nodes if p and isinstance(p[-1], str)]
    if keyed and rng.random() < 0.3:
        path, _ = rng.choice(keyed)
        parent = doc
        for p in path[:-1]:
            parent = parent[p]
        del parent[path[-1]]
        return doc
    path, value = rng.choice(nodes)
    return replace_at(doc, path, wrong_for(value, rng))


ESCAPE = "\x1b[2J\x1b]0;owned\x07\u009b31m\r"


def with_escapes(value):
    """Every string with terminal control sequences around it (a title, a name, a message)."""
    if isinstance(value, dict):
        return {k: with_escapes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_escapes(v) for v in value]
    if isinstance(value, str):
        return ESCAPE + value + ESCAPE
    return value


BODIES = {
    "empty": b"",
    "null": b"null",
    "array": b"[]",
    "string": b'"x"',
    "number": b"-1",
    "object": b"{}",
    "partial": b'{"tree_size": 1, "root_hash": "',
    "html": b"<html><body>502 Bad Gateway</body></html>",
    "binary": bytes(range(256)) * 4,
    "deep": b"[" * 300000,
    "deep-object": b'{"a":' * 200000,
    "dup-keys": b'{"error": 1, "error": {"message": []}}',
    "bad-utf8": b'{"message": "\xff\xfe"}',
}
HUGE = b'{"x":"' + b"a" * (70 << 20) + b'"}'  # more than the 64 MiB a reply may have


class Mode:
    """How the proxy answers: `kind` names it; `index` limits it to the n-th request of a run."""

    def __init__(self, kind, arg=None, index=None):
        self.kind, self.arg, self.index = kind, arg, index

    def __str__(self):
        s = self.kind if self.arg is None else f"{self.kind}:{self.arg}"
        return s if self.index is None else f"{s}@{self.index}"


# ---------------------------------------------------------------------------------------------
# The proxy


class Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_port):
        super().__init__(("127.0.0.1", 0), Handler)
        self.upstream_port = upstream_port
        self.mode = Mode("pass")
        self.count = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def set_mode(self, mode):
        with self.lock:
            self.mode, self.count = mode, 0

    def take(self):
        with self.lock:
            n = self.count
            self.count += 1
            return self.mode, n


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length", "accept-encoding")}
        conn = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=120)
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        out = [(k, v) for k, v in r.getheaders()
               if k.lower() not in ("content-length", "connection", "transfer-encoding")]
        conn.close()
        return r.status, out, data

    def send(self, status, headers, data, length=None):
        self.send_response_only(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def handle_any(self):
        mode, n = self.server.take()
        try:
            status, headers, data = self.forward()
        except Exception as e:  # the server itself failed: a test failure, reported below
            self.send(599, [], f"proxy: {e}".encode())
            return
        if mode.index is not None and n != mode.index:
            mode = Mode("pass")
        try:
            self.answer(mode, n, status, headers, data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self, mode, n, status, headers, data):
        json_headers = [("Content-Type", "application/json")]
        k = mode.kind
        if k == "pass":
            return self.send(status, headers, data)
        if k == "silence":
            self.server.stopping.wait(TIMEOUT_S + GRACE_S)
            return
        if k == "slow":
            self.send_response_only(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for b in data:
                if self.server.stopping.wait(0.5):
                    return
                self.wfile.write(bytes([b]))
                self.wfile.flush()
            return
        if k == "truncate":
            return self.send(status, headers, data[: len(data) // 2], length=len(data))
        if k == "cut":
            return self.send(status, headers, data[: len(data) // 2])
        if k == "status":
            extra = [("Location", "http://127.0.0.1:1/")] if mode.arg in (301, 302, 307) else []
            return self.send(mode.arg, headers + extra, data)
        if k == "body":
            return self.send(status, json_headers, BODIES[mode.arg])
        if k == "huge":
            return self.send(200, json_headers, HUGE)
        try:
            doc = json.loads(data)
        except ValueError:
            return self.send(status, headers, data)
        if k == "all":
            doc = mutate_all(doc, mode.arg)
        elif k == "one":
            doc = mutate_one(doc, random.Random(mode.arg * 7919 + n))
        elif k == "escape":
            doc = with_escapes(doc)
        return self.send(status, json_headers, json.dumps(doc).encode())

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


# ---------------------------------------------------------------------------------------------
# The honest server and the commands


def start_server(candor, data_dir):
    p = subprocess.Popen(
        [candor, "serve", "--demo", "--data-dir", data_dir, "--host", "127.0.0.1", "--port", "0",
         "--batch-interval", "1", "--batch-jitter", "0.2", "--no-access-log"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = ""
    deadline = time.time() + 120
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            raise SystemExit(f"candor serve exited: {p.stderr.read()}")
        out += line
        m = re.search(r"Candor is serving http://127\.0\.0\.1:(\d+)", out)
        key = re.search(r"Log public key: ([0-9a-f]{64})", out)
        if m and key and "DEMO DATA" in out:
            threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
            threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
            return p, int(m.group(1)), key.group(1)
    raise SystemExit("candor serve did not start")


class Run:
    def __init__(self, candor, home):
        self.candor, self.home = candor, home

    def __call__(self, args, timeout=TIMEOUT_S + GRACE_S, env_extra=None):
        env = dict(os.environ, HOME=self.home, CANDOR_HTTP_TIMEOUT=str(TIMEOUT_S),
                   CANDOR_PASSWORD=DEMO_PASSWORD, NO_COLOR="1")
        env.update(env_extra or {})
        start = time.time()
        try:
            p = subprocess.run([self.candor] + args, env=env, capture_output=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, b"", b"", time.time() - start
        return p.returncode, p.stdout, p.stderr, time.time() - start


def commands(d, url, letter, cable, receipt_file, letter_file, work):
    """Every command that talks to a server: (name, args, file it writes only on success)."""
    pp = os.path.join(work, "pp")
    member = lambda i: os.path.join(d, "demo-members", f"member-{i:02d}.key")
    reviewer = os.path.join(d, "demo-reviewer.key")
    text = os.path.join(work, "text.txt")
    out = os.path.join(work, "out.file")
    staff = ["--org", "demo-agency", "--user", "admin"]
    rk = ["--key", reviewer, "--passphrase-file", pp]
    return [
        ("audit", ["audit", "--server", url], None),
        ("audit-full", ["audit", "--server", url, "--full"], None),
        ("enroll", ["enroll", "--server", url, "--org", "demo-agency", "--invitation", "x" * 20,
                    "--key", member(3)], None),
        ("ring-fetch", ["ring", "fetch", "--server", url, "--org", "demo-agency", "-o", out, "--force"], out),
        ("letter-list", ["letter", "list", "--server", url], None),
        ("letter-show", ["letter", "show", letter, "--server", url], None),
        ("letter-export", ["letter", "export", letter, "--server", url, "-o", out, "--force",
                           "--max-age", "0"], out),
        ("verify", ["verify", letter, "--server", url, "--max-age", "0"], None),
        ("letter-sign", ["letter", "sign", letter, "--server", url, "--key", member(4),
                         "--passphrase-file", pp, "--receipt", os.path.join(work, "sign-receipt.json")], None),
        ("letter-withdraw", ["letter", "sign", letter, "--withdraw", "--server", url, "--key", member(5),
                             "--passphrase-file", pp], None),
        ("letter-receipt", ["letter", "receipt", receipt_file, "--server", url], None),
        ("letter-publish", ["letter", "publish", letter_file, "--server", url, "--key", member(6),
                            "--passphrase-file", pp], None),
        ("cable-write", ["cable", "write", "--server", url, "--org", "demo-agency", "--key", member(7),
                         "--passphrase-file", pp, "--subject", "s", "--body-file", text], None),
        ("cable-status", ["cable", "status", "--server", url, "--receipt-file",
                          os.path.join(work, "cable-receipt.txt")], None),
        ("cable-follow-up", ["cable", "follow-up", "--server", url, "--receipt-file",
                             os.path.join(work, "cable-receipt.txt"), "--text-file", text], None),
        ("cable-register-key", ["cable", "register-key", "--server", url] + staff + rk, None),
        ("cable-inbox", ["cable", "inbox", "--server", url] + staff, None),
        ("cable-read", ["cable", "read", cable, "--server", url] + staff + rk, None),
        ("cable-ack", ["cable", "ack", cable, "--server", url] + staff, None),
        ("cable-reply", ["cable", "reply", cable, "--server", url] + staff + rk + ["--text-file", text], None),
        ("cable-note", ["cable", "note", cable, "--server", url] + staff + rk + ["--text-file", text], None),
        ("cable-extend", ["cable", "extend", cable, "--server", url] + staff + rk + ["--text-file", text], None),
        ("cable-close", ["cable", "close", cable, "--server", url] + staff + rk + ["--text-file", text], None),
        ("cable-reminders", ["cable", "reminders", "--server", url, "--mark-read"] + staff, None),
        ("cable-digest", ["cable", "digest", "--server", url] + staff, None),
        ("cable-notifications", ["cable", "notifications", "--server", url] + staff, None),
        ("witness-run", ["witness", "run", "--log", url, "--key", os.path.join(work, "witness.key"),
                         "--state", os.path.join(work, "witness-state.json"), "--once"], None),
    ]


def modes_for(requests, seeds):
    ms = [Mode("pass"), Mode("silence"), Mode("slow"), Mode("truncate"), Mode("cut"), Mode("huge")]
    ms += [Mode("status", s) for s in (204, 302, 400, 401, 404, 429, 500, 503)]
    ms += [Mode("body", b) for b in BODIES]
    ms += [Mode("all", k) for k in range(7)] + [Mode("escape")]
    for i in range(max(1, requests)):
        ms += [Mode("all", (i + k) % 7, i) for k in range(2)]
        ms += [Mode("body", b, i) for b in ("object", "array", "partial")]
        ms += [Mode("one", s, i) for s in range(seeds)]
        ms += [Mode("truncate", None, i), Mode("silence", None, i)]
    return ms


class Failures:
    def __init__(self):
        self.items, self.lock = [], threading.Lock()

    def add(self, what):
        with self.lock:
            self.items.append(what)
            print("FAIL:", what, flush=True)


def judge(failures, what, result, out_file=None):
    rc, stdout, stderr, took = result
    err = stderr.decode("utf-8", "replace")
    if rc is None:
        failures.add(f"{what}: still running after {took:.0f} s (a hang)")
    elif rc < 0:
        failures.add(f"{what}: killed by signal {-rc}\n{err[-2000:]}")
    elif rc not in (0, 1, 2):
        failures.add(f"{what}: exit status {rc}\n{err[-2000:]}")
    elif "terminate called" in err or "AddressSanitizer" in err or "runtime error" in err:
        failures.add(f"{what}: {err[-2000:]}")
    elif rc != 0 and not re.search(r"^candor: \S", err, re.M):
        failures.add(f"{what}: failed without a plain message: {err[-500:]!r}")
    elif re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", stdout + stderr):
        failures.add(f"{what}: printed a control character: {(stdout + stderr)[-300:]!r}")
    elif rc != 0 and out_file and os.path.exists(out_file):
        failures.add(f"{what}: failed but left {out_file}")


# ---------------------------------------------------------------------------------------------
# Damaged local files


def damaged_versions(data, rng, seeds):
    yield "empty", b""
    yield "half", data[: len(data) // 2]
    yield "garbage", bytes(rng.randrange(256) for _ in range(64))
    yield "zeros", b"\0" * len(data)
    flipped = bytearray(data)
    if flipped:
        for _ in range(3):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
    yield "flipped", bytes(flipped)
    try:
        doc = json.loads(data)
    except ValueError:
        return
    yield "escape", json.dumps(with_escapes(doc)).encode()
    for k in range(7):
        yield f"all:{k}", json.dumps(mutate_all(doc, k)).encode()
    nodes = list(leaves(doc))
    for s in range(seeds * 3):
        r = random.Random(s)
        path, value = r.choice(nodes)
        yield f"one:{s}", json.dumps(replace_at(copy.deepcopy(doc), path, wrong_for(value, r))).encode()


def check_local_files(run, failures, files, seeds):
    """Each file, damaged in every way, under each command that reads it."""
    rng = random.Random(1)
    for path, uses in files:
        with open(path, "rb") as f:
            original = f.read()
        for name, data in damaged_versions(original, rng, seeds):
            with open(path, "wb") as f:
                f.write(data)
            for args in uses:
                judge(failures, f"local {os.path.basename(path)} {name}: {' '.join(args[:3])}", run(args))
        with open(path, "wb") as f:
            f.write(original)


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    ap.add_argument("--seeds", type=int, default=2, help="single-field mutations per request")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="run only the commands whose name contains this")
    ap.add_argument("--sample", type=int, default=1,
                    help="answer each command with 1 in N of the hostile answers (a quicker run; which "
                         "ones differs per command, so all kinds are still used)")
    a = ap.parse_args()
    candor = os.path.abspath(a.candor)

    work = tempfile.mkdtemp(prefix="candor-hostile-")
    data_dir = os.path.join(work, "data")
    os.mkdir(data_dir)
    server, port, log_key = start_server(candor, data_dir)
    proxy = Proxy(port)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{proxy.server_address[1]}"
    honest = f"http://127.0.0.1:{port}"
    failures = Failures()
    try:
        with open(os.path.join(work, "pp"), "w") as f:
            f.write("demo\n")
        with open(os.path.join(work, "text.txt"), "w") as f:
            f.write("A concern, in words.\n")
        setup = Run(candor, os.path.join(work, "setup-home"))
        os.mkdir(setup.home)

        def must(args):
            rc, out, err, _ = setup(args, timeout=120, env_extra={"CANDOR_HTTP_TIMEOUT": "60"})
            if rc != 0:
                raise SystemExit(f"setup failed: candor {' '.join(args)}\n{err.decode()}")
            return out.decode()

        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/api/v1/letters")
        letter = json.loads(conn.getresponse().read())["letters"][0]["id"]
        member = lambda i: os.path.join(data_dir, "demo-members", f"member-{i:02d}.key")
        pp = os.path.join(work, "pp")
        must(["cable", "write", "--server", honest, "--org", "demo-agency", "--key", member(2),
              "--passphrase-file", pp, "--subject", "A concern", "--body-file",
              os.path.join(work, "text.txt"), "--receipt-out", os.path.join(work, "cable-receipt.txt")])
        with open(os.path.join(work, "cable-receipt.txt")) as f:
            cable = cable_id_of_words(f.read())
        must(["letter", "sign", letter, "--server", honest, "--key", member(1), "--passphrase-file", pp,
              "--receipt", os.path.join(work, "receipt.json")])
        must(["letter", "draft", "--org", "demo-agency", "--title", "A hostile test", "--body-file",
              os.path.join(work, "text.txt"), "-o", os.path.join(work, "letter.json")])
        must(["witness", "keygen", "--key", os.path.join(work, "witness.key")])
        time.sleep(2.5)  # a batch, so that the signature is in the log

        cmds = commands(data_dir, url, letter, cable, os.path.join(work, "receipt.json"),
                        os.path.join(work, "letter.json"), work)
        if a.only:
            cmds = [c for c in cmds if a.only in c[0]]
        total = [0]

        def series(cmd):
            name, args, out_file = cmd
            home = os.path.join(work, "home-" + name)
            os.mkdir(home)
            run = Run(candor, home)
            # Each command runs alone against the proxy (its mode is global), so the pool runs
            # commands one at a time per proxy: one proxy per command.
            p = Proxy(port)
            threading.Thread(target=p.serve_forever, daemon=True).start()
            purl = f"http://127.0.0.1:{p.server_address[1]}"
            args = [purl if x == url else x for x in args]
            if out_file:
                out_file = out_file + "." + name
                args = [out_file if x.startswith(os.path.join(work, "out.file")) else x for x in args]
            p.set_mode(Mode("pass"))
            judge(failures, f"{name} [pass]", run(args))
            requests = p.count
            modes = modes_for(requests, a.seeds)
            if a.sample > 1:
                offset = sum(name.encode()) % a.sample
                modes = [m for i, m in enumerate(modes) if (i + offset) % a.sample == 0]
            for mode in modes:
                if out_file and os.path.exists(out_file):
                    os.remove(out_file)
                p.set_mode(mode)
                judge(failures, f"{name} [{mode}]", run(args), out_file)
                total[0] += 1
            # What the client remembers still works with the honest server.
            p.set_mode(Mode("pass"))
            rc, _, err, _ = run(["audit", "--server", purl])
            if rc != 0:
                failures.add(f"{name}: afterwards the honest log is refused: {err.decode()[-500:]}")
            p.stopping.set()
            p.shutdown()
            print(f"{name}: {requests} request(s), {len(modes)} hostile answers",
                  flush=True)

        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            for f in [pool.submit(series, c) for c in cmds]:
                f.result()

        # Local files.
        local_home = os.path.join(work, "home-local")
        os.mkdir(local_home)
        run = Run(candor, local_home)
        run(["audit", "--server", honest])
        run(["witness", "run", "--log", honest, "--key", os.path.join(work, "witness.key"),
             "--state", os.path.join(work, "witness-state.json"), "--once"])
        must(["letter", "export", letter, "--server", honest, "-o", os.path.join(work, "bundle.json"),
              "--max-age", "0"])
        must(["ring", "fetch", "--server", honest, "--org", "demo-agency", "-o", os.path.join(work, "ring.json")])
        state = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(local_home, ".candor")) for f in fs]
        files = [(s, [["audit", "--server", honest], ["letter", "list", "--server", honest]]) for s in state]
        files += [
            (member(9), [["key", "show", member(9)],
                         ["letter", "sign", letter, "--server", honest, "--key", member(9), "--passphrase-file", pp]]),
            (os.path.join(work, "receipt.json"), [["letter", "receipt", os.path.join(work, "receipt.json"),
                                                   "--server", honest]]),
            (os.path.join(work, "cable-receipt.txt"), [["cable", "status", "--server", honest, "--receipt-file",
                                                        os.path.join(work, "cable-receipt.txt")]]),
            (os.path.join(work, "bundle.json"), [["verify", "--bundle", os.path.join(work, "bundle.json")]]),
            (os.path.join(work, "ring.json"), [["verify", letter, "--ring", os.path.join(work, "ring.json"),
                                                "--signatures", os.path.join(work, "receipt.json")]]),
            (os.path.join(work, "letter.json"), [["letter", "publish", os.path.join(work, "letter.json"),
                                                  "--server", honest, "--key", member(10), "--passphrase-file", pp]]),
            (os.path.join(work, "witness-state.json"), [["witness", "run", "--log", honest, "--key",
                                                         os.path.join(work, "witness.key"), "--state",
                                                         os.path.join(work, "witness-state.json"), "--once"]]),
            (os.path.join(work, "witness.key"), [["witness", "run", "--log", honest, "--key",
                                                  os.path.join(work, "witness.key"), "--state",
                                                  os.path.join(work, "witness-state.json"), "--once"]]),
        ]
        if not a.only:
            check_local_files(run, failures, files, a.seeds)

        print(f"{total[0]} hostile answers to {len(cmds)} commands, {len(failures.items)} failure(s)")
    finally:
        proxy.stopping.set()
        proxy.shutdown()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
