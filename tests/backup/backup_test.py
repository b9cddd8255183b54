#!/usr/bin/env python3
"""Backup under write load, restore elsewhere (issue 16, item 2), against the real binary.

A real `candor serve --demo` takes enrollments from two writers without pause. Meanwhile:
`candor audit` pins a tree head (the head the operator trusts), `candor admin backup` copies
the running store and its log key, and the writers go on. Then:

  * a restore is refused with a root that is not the trusted one, and with a tree head larger
    than the backup's log (restoring it would sign those sizes again: a fork);
  * a restore with the trusted head succeeds into a new data directory; a server started on it
    has every member whose enrollment was acknowledged before the backup began, its log is
    consistent with the trusted head (RFC 9162 proof, checked here), `candor audit --full`
    re-hashes it, and it takes new enrollments.

Store: SQLite (the online backup API) or, with --postgres, PostgreSQL (pg_dump/pg_restore) in
two databases of the throwaway cluster in $CANDOR_TEST_POSTGRES.

Usage: backup_test.py --candor BUILD/src/cli/candor [--postgres]
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import crash_harness as ch  # noqa: E402 (after the path)

HEAD = re.compile(r"Signed tree head: (\d+) entries, root ([0-9a-f]{64})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    candor = os.path.abspath(args.candor)
    work = tempfile.mkdtemp(prefix="candor-backup-")
    env = dict(os.environ, HOME=os.path.join(work, "home"))
    os.mkdir(env["HOME"])
    failures = []
    servers = []
    databases = []
    base = None

    def cli(*argv, expect=0):
        p = subprocess.run([candor, *argv], env=env, capture_output=True, text=True, timeout=300)
        if expect is not None and p.returncode != expect:
            failures.append(f"`candor {' '.join(argv)}` exited {p.returncode}, not {expect}:\n{p.stdout}{p.stderr}")
        return p

    def check(ok, what):
        if not ok:
            failures.append(what)

    try:
        src_store = dst_store = None
        if args.postgres:
            base = os.environ.get("CANDOR_TEST_POSTGRES")
            if not base:
                print("--postgres needs $CANDOR_TEST_POSTGRES (run under scripts/with-postgres.sh)")
                return 77
            # A schema of the test's own, lost after the backup (dropped) and restored from it.
            schema = f"candor_backup_{os.getpid()}_{random.randrange(1 << 30)}"
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c", f"CREATE SCHEMA {schema}"], check=True)
            databases.append(schema)
            sep = "&" if "?" in base else "?"
            src_store = dst_store = base + sep + "options=" + urllib.parse.quote(f"-c search_path={schema}")

        def lose_schema():
            if args.postgres:
                subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c",
                                f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE"],
                               check=True)

        data = os.path.join(work, "data")
        port = ch.free_port()
        server = ch.Server(candor, data, port, src_store)
        server.start()
        servers.append(server)
        staff = ch.sign_in(port)
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def writer():
            while not stop.is_set():
                try:
                    status, doc, _ = ch.call(port, "POST", f"/api/v1/orgs/{ch.SLUG}/invitations", {}, staff)
                    if status != 201:
                        continue
                    ring, reply = ch.fresh_member_keys()
                    status, _, _ = ch.call(port, "POST", f"/api/v1/orgs/{ch.SLUG}/enroll",
                                           {"invitation": doc["invitation"], "ring_public": ring, "reply_public": reply})
                    if status == 201:
                        with lock:
                            acked.append(ring)
                except OSError:
                    time.sleep(0.05)

        threads = [threading.Thread(target=writer, daemon=True) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(2)
        audit = cli("audit", "--server", server.url)
        trusted = HEAD.search(audit.stdout)
        check(trusted is not None, f"no tree head in `candor audit`'s output:\n{audit.stdout}")
        trusted_size, trusted_root = int(trusted.group(1)), trusted.group(2)
        with lock:
            before = list(acked)
        backup_dir = os.path.join(work, "backup")
        store_args = ["--store", src_store] if src_store else []
        backup = cli("admin", "backup", "--data-dir", data, "--out", backup_dir, *store_args)
        time.sleep(1.5)  # the writers go on after the backup
        stop.set()
        for t in threads:
            t.join()
        with lock:
            total = len(acked)
        check(total > len(before), "no enrollment was acknowledged while the backup ran or after it")
        check(len(before) >= 5, f"too few writes before the backup ({len(before)})")
        m = re.search(r"a log of (\d+) entries", backup.stdout)
        backup_size = int(m.group(1)) if m else 0
        # The log as it is now: bigger than the backup's.
        time.sleep(1.5)  # a batch
        now = HEAD.search(cli("audit", "--server", server.url).stdout)
        now_size, now_root = int(now.group(1)), now.group(2)
        server.stop()
        lose_schema()  # PostgreSQL: the database is lost; the backup is all there is

        restored = os.path.join(work, "restored")
        dst_args = ["--store", dst_store] if dst_store else []
        wrong = cli("admin", "restore", "--from", backup_dir, "--data-dir", restored, *dst_args,
                    "--tree-size", str(trusted_size), "--root", "ab" * 32, expect=None)
        check(wrong.returncode != 0 and "not consistent with the tree head you trust" in wrong.stderr,
              f"a wrong root was not refused: {wrong.returncode} {wrong.stderr}")
        lose_schema()  # a refused restore into PostgreSQL is dropped by the operator
        if now_size > backup_size:
            newer = cli("admin", "restore", "--from", backup_dir, "--data-dir", restored, *dst_args,
                        "--tree-size", str(now_size), "--root", now_root, expect=None)
            check(newer.returncode != 0 and "fewer than the" in newer.stderr,
                  f"a head newer than the backup was not refused: {newer.returncode} {newer.stderr}")
            lose_schema()
        else:
            failures.append(f"the log did not grow after the backup ({backup_size} → {now_size})")
        cli("admin", "restore", "--from", backup_dir, "--data-dir", restored, *dst_args,
            "--tree-size", str(trusted_size), "--root", trusted_root)

        port2 = ch.free_port()
        again = ch.Server(candor, restored, port2, dst_store)
        again.start()
        servers.append(again)
        status, roster, _ = ch.call(port2, "GET", f"/api/v1/orgs/{ch.SLUG}/roster")
        present = {m["ring_public"] for m in roster.get("members", [])}
        missing = [r for r in before if r not in present]
        check(status == 200 and not missing,
              f"{len(missing)} of the {len(before)} members acknowledged before the backup are missing")
        status, sth, _ = ch.call(port2, "GET", "/api/v1/log/sth")
        size, root = sth["tree_size"], bytes.fromhex(sth["root"])
        status, cons, _ = ch.call(port2, "GET", f"/api/v1/log/proof/consistency?first={trusted_size}&second={size}")
        proof = [bytes.fromhex(x) for x in cons.get("proof", [])]
        check(ch.consistent(trusted_size, bytes.fromhex(trusted_root), size, root, proof),
              f"the restored log ({size}) is not consistent with the trusted head ({trusted_size})")
        full = cli("audit", "--server", again.url, "--full")
        check("Audit passed" in full.stdout, f"audit --full of the restored log:\n{full.stdout}{full.stderr}")
        staff2 = ch.sign_in(port2)
        status, doc, _ = ch.call(port2, "POST", f"/api/v1/orgs/{ch.SLUG}/invitations", {}, staff2)
        ring, reply = ch.fresh_member_keys()
        status, _, _ = ch.call(port2, "POST", f"/api/v1/orgs/{ch.SLUG}/enroll",
                               {"invitation": doc.get("invitation", ""), "ring_public": ring, "reply_public": reply})
        check(status == 201, f"the restored server does not take an enrollment ({status})")
        engine = "postgresql" if args.postgres else "sqlite"
        print(f"backup ({engine}): {len(before)} members acknowledged before the backup, {total} in all; "
              f"backup log {backup_size} entries, trusted head {trusted_size}, log after {now_size}; "
              f"restored: all {len(before)} present, consistent, audited")
    finally:
        for s in servers:
            s.stop()
        if base:
            for d in databases:
                subprocess.run(["psql", "-q", base, "-c", f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {d} CASCADE"])
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
