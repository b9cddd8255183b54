#!/usr/bin/env python3
"""Crash durability as a test you can run (issue 12, item 4).

Each trial runs a real `candor serve` under concurrent writes — enrollments (invitation, then
enrollment), co-signatures and cables through the command line, letters, holidays and accounts
by staff, and an observer that reads signed tree heads — then kills the server with SIGKILL at a
random moment, starts it again on the same store, and checks:

  * every write that was acknowledged (a 2xx answer, or the command line exiting 0) is there:
    the member in the roster, the letter, the co-signature (its receipt checks), the cable (its
    receipt finds it), the account, and the holidays (the last set acknowledged, or a later one);
  * the log never forked or lost an entry: every tree head seen, before any kill, is consistent
    with the head after the restart (RFC 9162 consistency proofs, checked here), and
    `candor audit` (which pins each head it sees) agrees; every few trials `audit --full`
    re-hashes the whole log.

Stores: the embedded SQLite (default) or PostgreSQL (`--postgres`, a schema of its own in
$CANDOR_TEST_POSTGRES; `scripts/with-postgres.sh` starts a throwaway cluster). With `--two`
(PostgreSQL), two servers share the store: one of them is killed mid-write while the other
keeps serving and must go on accepting writes; the log seen through either never forks.

Usage:
  crash_harness.py --candor BUILD/src/cli/candor [--trials N] [--postgres] [--two] [--seed S]
`make test` runs a few trials of each; `make crash-test TRIALS=1000` runs many.
"""

import argparse
import ctypes
import ctypes.util
import hashlib
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
import urllib.parse

SLUG = "demo-agency"
ADMIN_PASSWORD = "demo-password-not-secret"

# Fresh public keys for enrollments, from libsodium (the server checks they are valid points).
_sodium = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
if _sodium.sodium_init() < 0:
    raise SystemExit("libsodium failed to initialize")


def fresh_member_keys():
    ring = ctypes.create_string_buffer(32)
    _sodium.crypto_core_ristretto255_random(ring)
    pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(32)
    _sodium.crypto_box_keypair(pk, sk)
    return ring.raw.hex(), pk.raw.hex()


# ---------------------------------------------------------------------------------------------
# RFC 9162 §2.1.4.2: verify a consistency proof.


def _node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def consistent(size1, root1, size2, root2, proof):
    if size1 > size2:
        return False
    if size1 == size2:
        return root1 == root2 and not proof
    if size1 == 0:
        return True
    if not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


# ---------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, candor, data_dir, port, store=None):
        self.candor, self.data_dir, self.port, self.store = candor, data_dir, port, store
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        args = [self.candor, "serve", "--demo", "--data-dir", self.data_dir, "--host", "127.0.0.1",
                "--port", str(self.port), "--batch-interval", "1", "--batch-jitter", "0.5", "--no-access-log"]
        if self.store:
            args += ["--store", self.store]
        for attempt in range(50):
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            out = ""
            deadline = time.time() + 120
            while time.time() < deadline:
                line = self.proc.stdout.readline()
                if not line:
                    break
                out += line
                if "DEMO DATA" in out:
                    threading.Thread(target=lambda p=self.proc: [None for _ in p.stdout], daemon=True).start()
                    threading.Thread(target=lambda p=self.proc: [None for _ in p.stderr], daemon=True).start()
                    return
            err = self.proc.stderr.read()
            self.proc.wait()
            if "address already in use" in (err + out).lower():
                time.sleep(0.2)  # the killed server's port is not free yet
                continue
            raise SystemExit(f"candor serve did not start (exit {self.proc.returncode}):\n{out}\n{err}")
        raise SystemExit("candor serve could not bind its port")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def call(port, method, path, body=None, headers=None, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = {}
        return r.status, doc, r.getheader("Set-Cookie") or ""
    finally:
        conn.close()


def sign_in(port):
    status, doc, cookie = call(port, "POST", "/api/v1/session",
                               {"organization": SLUG, "username": "admin", "password": ADMIN_PASSWORD}, timeout=60)
    if status != 200:
        raise SystemExit(f"cannot sign in as admin: {status} {doc}")
    return {"Cookie": cookie.split(";")[0], "X-CSRF-Token": doc["csrf_token"]}


class Acked:
    """What the servers acknowledged, and the tree heads seen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.members, self.letters, self.receipts, self.cables, self.accounts = set(), [], [], [], set()
        self.holidays = 0  # the number in the name of the last holiday set acknowledged
        self.heads = {}    # size -> root (bytes)
        self.forks = []

    def head(self, size, root):
        with self.lock:
            if size in self.heads and self.heads[size] != root:
                self.forks.append(f"two roots for size {size}")
            self.heads[size] = root


class Workload:
    """Writers and an observer against one or more servers, until `stop` is set."""

    def __init__(self, h, servers, trial, stop):
        self.h, self.servers, self.trial, self.stop = h, servers, trial, stop
        self.rng = random.Random(h.args.seed * 100_003 + trial)

    def port(self):
        return self.rng.choice(self.servers).port

    def loop(self, action):
        while not self.stop.is_set():
            try:
                action()
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                time.sleep(0.05)  # the server is down (killed) or restarting: not acknowledged

    def enroll(self):
        if len(self.h.acked.members) >= self.h.args.max_members:
            time.sleep(0.2)
            return
        port = self.port()
        status, doc, _ = call(port, "POST", f"/api/v1/orgs/{SLUG}/invitations", {}, self.h.staff[port])
        if status != 201:
            return
        ring, reply = fresh_member_keys()
        status, _, _ = call(self.port(), "POST", f"/api/v1/orgs/{SLUG}/enroll",
                            {"invitation": doc["invitation"], "ring_public": ring, "reply_public": reply})
        if status == 201:
            with self.h.acked.lock:
                self.h.acked.members.add(ring)
        time.sleep(0.05)

    def publish_letter(self):
        port = self.port()
        n = self.rng.randrange(1 << 30)
        status, doc, _ = call(port, "POST", "/api/v1/letters",
                              {"title": f"Crash trial {self.trial}, letter {n}", "body": "A text.\n",
                               "organizations": [SLUG]}, self.h.staff[port])
        if status == 201:
            with self.h.acked.lock:
                self.h.acked.letters.append(doc["id"])
        time.sleep(1.5)  # letters are few in real life; each one makes every later check longer

    def staff(self):
        port = self.port()
        with self.h.acked.lock:
            n = self.h.next_holiday
            self.h.next_holiday += 1
        status, _, _ = call(port, "PUT", f"/api/v1/orgs/{SLUG}/holidays",
                            {"holidays": [{"date": "2027-01-01", "name": f"h{n}"}]}, self.h.staff[port])
        if status == 204:
            with self.h.acked.lock:
                self.h.acked.holidays = max(self.h.acked.holidays, n)
        if self.rng.random() < 0.2:
            name = f"t{self.trial}x{self.rng.randrange(1 << 30)}"
            status, _, _ = call(port, "POST", f"/api/v1/orgs/{SLUG}/accounts",
                                {"username": name, "password": "a long enough password", "roles": ["reviewer"]},
                                self.h.staff[port], timeout=60)
            if status == 201:
                with self.h.acked.lock:
                    self.h.acked.accounts.add(name)

    def observe(self):
        for s in self.servers:
            status, doc, _ = call(s.port, "GET", "/api/v1/log/sth", timeout=5)
            if status == 200:
                self.h.acked.head(doc["tree_size"], bytes.fromhex(doc["root"]))
        time.sleep(0.1)

    def sign(self):
        with self.h.acked.lock:
            letters = list(self.h.acked.letters) or [self.h.demo_letter]
        letter = letters[-1]
        member = self.h.next_signer(letter)
        if member is None:
            time.sleep(0.2)
            return
        receipt = os.path.join(self.h.work, f"receipt-{letter[:12]}-{member}.json")
        rc = self.h.cli(["letter", "sign", letter, "--server", self.rng.choice(self.servers).url,
                         "--key", self.h.member_key(member), "--passphrase-file", self.h.pp, "--receipt", receipt])
        if rc == 0:
            with self.h.acked.lock:
                self.h.acked.receipts.append(receipt)

    def cable(self):
        member = self.rng.randrange(1, 26)
        receipt = os.path.join(self.h.work, f"cable-{self.trial}-{self.rng.randrange(1 << 30)}.txt")
        rc = self.h.cli(["cable", "write", "--server", self.rng.choice(self.servers).url, "--org", SLUG,
                         "--key", self.h.member_key(member), "--passphrase-file", self.h.pp, "--subject", "s",
                         "--body-file", self.h.pp, "--receipt-out", receipt])
        if rc == 0:
            with self.h.acked.lock:
                self.h.acked.cables.append(receipt)
        else:
            time.sleep(0.5)  # most likely the member's quota is spent

    def run(self):
        actions = [self.enroll, self.publish_letter, self.staff, self.observe, self.sign, self.sign, self.cable]
        threads = [threading.Thread(target=self.loop, args=(a,), daemon=True) for a in actions]
        for t in threads:
            t.start()
        return threads


class Harness:
    def __init__(self, args):
        self.args = args
        self.candor = os.path.abspath(args.candor)
        self.work = tempfile.mkdtemp(prefix="candor-crash-")
        self.data_dir = os.path.join(self.work, "data")
        os.mkdir(self.data_dir)
        self.home = os.path.join(self.work, "home")
        os.mkdir(self.home)
        self.pp = os.path.join(self.work, "pp")
        with open(self.pp, "w") as f:
            f.write("demo\n")
        self.acked = Acked()
        self.next_holiday = 1
        self.signed = {}  # letter -> members who signed it (or tried)
        self.signed_lock = threading.Lock()
        self.refusals = {}  # "command: message" -> count
        self.failures = []
        self.expecting = False  # during the self-test, failures are what is wanted
        self.store = None
        self.schema = None
        if args.postgres:
            base = os.environ.get("CANDOR_TEST_POSTGRES")
            if not base:
                raise SystemExit("--postgres needs $CANDOR_TEST_POSTGRES (run under scripts/with-postgres.sh)")
            self.schema = f"crash_{os.getpid()}_{random.randrange(1 << 30)}"
            self.psql(base, f"CREATE SCHEMA {self.schema}")
            sep = "&" if "?" in base else "?"
            self.store = base + sep + "options=" + urllib.parse.quote(f"-c search_path={self.schema}")
            self.base = base

    def psql(self, conninfo, sql):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", conninfo, "-c", "SET client_min_messages = warning; " + sql],
                       check=True, stdout=subprocess.DEVNULL)

    def member_key(self, n):
        return os.path.join(self.data_dir, "demo-members", f"member-{n:02d}.key")

    def next_signer(self, letter):
        with self.signed_lock:
            done = self.signed.setdefault(letter, set())
            left = [m for m in range(1, 26) if m not in done]
            if not left:
                return None
            m = random.choice(left)
            done.add(m)
            return m

    def cli(self, args, home=None):
        env = dict(os.environ, HOME=home or self.home, CANDOR_HTTP_TIMEOUT="20", NO_COLOR="1")
        try:
            p = subprocess.run([self.candor] + args, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=60)
        except subprocess.TimeoutExpired:
            return None
        if p.returncode != 0:
            # Why writes were refused (the server being down is the usual reason): summed up at the end.
            reason = re.sub(r"[0-9a-f]{16,}|\d+", "N", p.stderr.decode("utf-8", "replace").strip().split("\n")[-1])[:120]
            with self.signed_lock:
                self.refusals[f"{args[0]} {args[1]}: {reason}"] = self.refusals.get(f"{args[0]} {args[1]}: {reason}", 0) + 1
        return p.returncode

    def fail(self, what):
        self.failures.append(what)
        print("caught, as it should be:" if self.expecting else "FAIL:", what, flush=True)

    # -----------------------------------------------------------------------------------------

    def check(self, port, trial, full):
        a = self.acked
        status, doc, _ = call(port, "GET", f"/api/v1/orgs/{SLUG}/roster", timeout=60)
        roster = {m["ring_public"] for m in doc.get("members", [])} if status == 200 else set()
        lost = a.members - roster
        if lost:
            self.fail(f"trial {trial}: {len(lost)} acknowledged enrollment(s) lost, e.g. {sorted(lost)[0]}")
        for letter in a.letters:
            if call(port, "GET", f"/api/v1/letters/{letter}")[0] != 200:
                self.fail(f"trial {trial}: acknowledged letter {letter} lost")
        staff = sign_in(port)
        status, doc, _ = call(port, "GET", f"/api/v1/orgs/{SLUG}/holidays", None, staff)
        names = [h["name"] for h in doc.get("holidays", [])]
        stored = max([int(n[1:]) for n in names if re.fullmatch(r"h\d+", n)] or [0])
        if stored < a.holidays:
            self.fail(f"trial {trial}: holidays h{a.holidays} were acknowledged, the store has h{stored}")
        status, doc, _ = call(port, "GET", f"/api/v1/orgs/{SLUG}/accounts", None, staff)
        accounts = {x["username"] for x in doc.get("accounts", [])}
        for name in a.accounts - accounts:
            self.fail(f"trial {trial}: acknowledged account {name} lost")
        url = f"http://127.0.0.1:{port}"
        for receipt in a.receipts[-self.args.check_receipts:]:
            if self.cli(["letter", "receipt", receipt, "--server", url]) != 0:
                self.fail(f"trial {trial}: acknowledged co-signature {os.path.basename(receipt)} not found")
        for receipt in a.cables[-self.args.check_receipts:]:
            if self.cli(["cable", "status", "--server", url, "--receipt-file", receipt]) != 0:
                self.fail(f"trial {trial}: acknowledged cable {os.path.basename(receipt)} not found")
        # The log: every head seen is consistent with today's.
        status, sth, _ = call(port, "GET", "/api/v1/log/sth")
        if status != 200:
            self.fail(f"trial {trial}: no tree head after the restart")
            return
        size2, root2 = sth["tree_size"], bytes.fromhex(sth["root"])
        a.head(size2, root2)
        for size1, root1 in sorted(a.heads.items()):
            if size1 > size2:
                self.fail(f"trial {trial}: the log shrank from {size1} to {size2} entries")
                continue
            if size1 in (0, size2):
                continue
            status, p, _ = call(port, "GET", f"/api/v1/log/proof/consistency?first={size1}&second={size2}")
            proof = [bytes.fromhex(x) for x in p.get("proof", [])] if status == 200 else None
            if proof is None or not consistent(size1, root1, size2, root2, proof):
                self.fail(f"trial {trial}: the head of size {size1} seen earlier is not consistent with {size2}")
        # Keep the set of remembered heads small: the newest stands for the older ones (checked).
        a.heads = {size2: root2}
        for fork in a.forks:
            self.fail(f"trial {trial}: {fork}")
        a.forks = []
        if self.cli(["audit", "--server", url] + (["--full"] if full else [])) != 0:
            self.fail(f"trial {trial}: `candor audit{' --full' if full else ''}` refused the log after the restart")

    def self_test(self, port):
        """A member never enrolled and a head never signed, claimed as seen: both must be caught."""
        ghost, _ = fresh_member_keys()
        with self.acked.lock:
            self.acked.members.add(ghost)
            size = max(self.acked.heads)
            self.acked.heads[size - 1] = bytes(32)
        before = len(self.failures)
        self.expecting = True
        self.check(port, 0, full=False)
        self.expecting = False
        caught = self.failures[before:]
        want = ["acknowledged enrollment(s) lost", "is not consistent with"]
        missed = [w for w in want if not any(w in c for c in caught)]
        del self.failures[before:]
        with self.acked.lock:
            self.acked.members.discard(ghost)
        if missed:
            self.fail(f"self-test: the checks did not catch {missed}")
        else:
            print(f"self-test: a lost write and a forked head were both caught ({len(caught)} report(s))", flush=True)

    def run(self):
        port_a = free_port()
        servers = [Server(self.candor, self.data_dir, port_a, self.store)]
        servers[0].start()
        if self.args.two:
            servers.append(Server(self.candor, self.data_dir, free_port(), self.store))
            servers[1].start()
        self.staff = {s.port: sign_in(s.port) for s in servers}
        status, doc, _ = call(port_a, "GET", "/api/v1/letters")
        self.demo_letter = doc["letters"][0]["id"]
        self.cli(["audit", "--server", servers[0].url])
        rng = random.Random(self.args.seed)
        totals = {"members": 0, "letters": 0, "receipts": 0, "cables": 0}
        try:
            started = time.time()
            for trial in range(1, self.args.trials + 1):
                t0 = time.time()
                stop = threading.Event()
                work = Workload(self, servers, trial, stop)
                threads = work.run()
                time.sleep(rng.uniform(0.3, self.args.max_run))
                victim = servers[rng.randrange(len(servers))] if self.args.two else servers[0]
                victim.kill()
                if self.args.two:
                    # The other server carries on: writes through it alone still succeed.
                    other = servers[1 - servers.index(victim)]
                    before = len(self.acked.members)
                    deadline = time.time() + 20
                    while len(self.acked.members) == before and time.time() < deadline:
                        try:
                            Workload(self, [other], trial, stop).enroll()
                        except (OSError, http.client.HTTPException):
                            time.sleep(0.1)
                    if len(self.acked.members) == before:
                        self.fail(f"trial {trial}: the surviving server accepted no enrollment while the other was down")
                stop.set()
                for t in threads:
                    t.join(90)
                t1 = time.time()
                victim.start()
                t2 = time.time()
                self.staff[victim.port] = sign_in(victim.port)
                self.check(victim.port, trial, full=(trial % self.args.full_every == 0 or trial == self.args.trials))
                if self.args.two:
                    other = servers[1 - servers.index(victim)]
                    self.check(other.port, trial, full=False)
                if self.args.self_test and trial == 1:
                    self.self_test(victim.port)
                a = self.acked
                print(f"trial {trial}: {len(a.members)} members, {len(a.letters)} letters, {len(a.receipts)} "
                      f"co-signatures, {len(a.cables)} cables, holidays h{a.holidays}, {len(a.accounts)} accounts "
                      f"acknowledged so far; {len(self.failures)} failure(s); writes and kill {t1 - t0:.1f} s, "
                      f"restart {t2 - t1:.1f} s, checks {time.time() - t2:.1f} s; {time.time() - started:.0f} s in all",
                      flush=True)
                if self.failures and not self.args.keep_going:
                    break
            totals = {"members": len(self.acked.members), "letters": len(self.acked.letters),
                      "receipts": len(self.acked.receipts), "cables": len(self.acked.cables)}
        finally:
            for s in servers:
                s.stop()
            if self.schema:
                try:
                    self.psql(self.base, f"DROP SCHEMA {self.schema} CASCADE")
                except subprocess.CalledProcessError:
                    pass
            if not self.failures:
                shutil.rmtree(self.work, ignore_errors=True)
            else:
                print(f"kept {self.work} for a look", flush=True)
        print("why commands were refused (most are the server being down):")
        for reason, n in sorted(self.refusals.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {n:6d}  {reason}")
        store = "postgresql" + (" (two servers)" if self.args.two else "") if self.args.postgres else "sqlite"
        print(f"{store}: {trial} trial(s), SIGKILL each; acknowledged and found again: {totals}; "
              f"{len(self.failures)} failure(s)")
        return 1 if self.failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--two", action="store_true", help="two servers on one PostgreSQL store")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-run", type=float, default=3.0, help="longest run before the kill, in seconds")
    ap.add_argument("--max-members", type=int, default=5000, help="stop enrolling past this many")
    ap.add_argument("--self-test", action="store_true",
                    help="also show that the checks fail: after the first trial, claim a write that was never "
                         "made and a tree head that was never signed, and expect both to be reported")
    ap.add_argument("--full-every", type=int, default=25, help="`audit --full` every N trials")
    ap.add_argument("--check-receipts", type=int, default=40, help="receipts checked per trial (the newest)")
    ap.add_argument("--keep-going", action="store_true", help="do not stop at the first failing trial")
    args = ap.parse_args()
    if args.two and not args.postgres:
        raise SystemExit("--two needs --postgres (SQLite is one server's embedded store)")
    return Harness(args).run()


if __name__ == "__main__":
    sys.exit(main())
