#!/usr/bin/env python3
"""Rosters at scale through the HTTP API (issue 12 item 1), against a fresh `candor serve`.

    python3 bench/load/roster_scale.py [MEMBERS]          # default 100000; SQLite in a temp dir

Enrolls MEMBERS members the way an agency would (an officer's invitations, 1,000 per request,
then one POST /enroll per member, over keep-alive connections from one client thread), then measures
GET /api/v1/orgs/{slug}/roster: the first answer (built), the median of 20 more (kept), and the
server's resident memory before and after 8 parallel readers fetch it 5 times each, and a
letter published over the whole roster (publication, its page, a bundle page, the server's
memory afterwards). Prints one line per figure. Bounded: talks only to 127.0.0.1, removes its directory at the end.
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CANDOR = os.path.join(ROOT, "build/src/cli/candor")
BODIES = os.path.join(ROOT, "build/tools/make_enroll_bodies")
ORG = "demo-agency"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
            headers["X-CSRF-Token"] = self.csrf
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, data, r


def main():
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    work = tempfile.mkdtemp(prefix="candor-roster-scale-")
    port = free_port()
    server = subprocess.Popen([CANDOR, "serve", "--demo", "--no-access-log", "--data-dir", os.path.join(work, "data"),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = Client(port)
        for _ in range(100):
            try:
                if c.call("GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                c = Client(port)
            time.sleep(0.1)
        status, data, r = c.call("POST", "/api/v1/session",
                                 {"organization": ORG, "username": "admin", "password": "demo-password-not-secret"})
        assert status == 200, data
        c.cookie = r.getheader("Set-Cookie").split(";")[0]
        c.csrf = json.loads(data)["csrf_token"]
        base = json.loads(c.call("GET", f"/api/v1/orgs/{ORG}/roster")[1])["size"]

        t0 = time.monotonic()
        codes = []
        while len(codes) < members:  # in bulk, as an officer enrolling an agency would
            n = min(1000, members - len(codes))
            status, data, _ = c.call("POST", f"/api/v1/orgs/{ORG}/invitations", {"count": n})
            assert status in (200, 201), data
            codes.extend(json.loads(data)["invitations"])
        t1 = time.monotonic()
        bodies = subprocess.run([BODIES], input="\n".join(codes) + "\n", capture_output=True, text=True,
                                check=True).stdout.splitlines()
        t2 = time.monotonic()
        anon = Client(port)
        for b in bodies:
            anon.conn.request("POST", f"/api/v1/orgs/{ORG}/enroll", body=b, headers={"Content-Type": "application/json"})
            r = anon.conn.getresponse()
            r.read()
            assert r.status == 201, r.status
        t3 = time.monotonic()
        print(f"invitations: {members} in {t1 - t0:.1f} s ({members / (t1 - t0):.0f}/s)")
        print(f"enrollments: {members} in {t3 - t2:.1f} s ({members / (t3 - t2):.0f}/s); "
              f"with the invitations: {(t1 - t0) + (t3 - t2):.1f} s")

        def fetch():
            t = time.monotonic()
            status, data, _ = anon.call("GET", f"/api/v1/orgs/{ORG}/roster")
            assert status == 200
            return time.monotonic() - t, data

        first, data = fetch()
        size = json.loads(data)["size"]
        assert size == base + members, (size, base, members)
        kept = statistics.median(fetch()[0] for _ in range(20))
        print(f"GET roster of {size} members ({len(data) / 1e6:.1f} MB): first {first * 1000:.0f} ms, "
              f"then median {kept * 1000:.0f} ms")
        before = rss_kib(server.pid)

        def reader():
            r = Client(port)
            for _ in range(5):
                assert r.call("GET", f"/api/v1/orgs/{ORG}/roster")[0] == 200

        peak = [before]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_kib(server.pid))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        threads = [threading.Thread(target=reader) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        sampler.join()
        print(f"server RSS: {before / 1024:.0f} MiB before 8 parallel readers, peak {peak[0] / 1024:.0f} MiB "
              f"(+{(peak[0] - before) / 1024:.0f} MiB), after {rss_kib(server.pid) / 1024:.0f} MiB")

        # A letter over the whole roster, read the way its public page and a recount read it (on
        # fresh connections: the server closed the idle ones meanwhile).
        c.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        anon = Client(port)
        t = time.monotonic()
        status, data, _ = c.call("POST", "/api/v1/letters", {"title": "At scale", "body": "Sign if you agree.\n",
                                                             "organizations": [ORG]})
        assert status == 201, data
        letter = json.loads(data)["id"]
        published = time.monotonic() - t
        t = time.monotonic()
        assert anon.call("GET", f"/api/v1/letters/{letter}")[0] == 200
        view = time.monotonic() - t
        t = time.monotonic()
        status, data, _ = anon.call("GET", f"/api/v1/letters/{letter}/bundle?signatures=0")
        assert status == 200, data[:200]
        bundle = time.monotonic() - t
        print(f"a letter over {size} members: published in {published * 1000:.0f} ms, its page in {view * 1000:.0f} ms, "
              f"its first bundle page in {bundle * 1000:.0f} ms; server RSS {rss_kib(server.pid) / 1024:.0f} MiB")
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
