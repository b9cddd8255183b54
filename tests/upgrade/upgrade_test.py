#!/usr/bin/env python3
"""Upgrades (issue 16, item 3): a store written by the previous release, opened by this one.

The fixture (tests/upgrade/fixture-*/: candor.db and log-key.bin) was made by the previous
release's binary with make_fixture.py (its expected.json says which commit and what it holds).
This test copies it to a fresh data directory, starts this build's `candor serve` on it, and
checks that the schema was migrated to this build's version with nothing lost: the same
roster, the letter's signatures (recounted from public data by `candor verify`), the cable (its
receipt still finds it and its deadlines), the counts, a log that extends the fixture's tree
head (RFC 9162 proof, checked here) and passes `candor audit --full`, and that the server
takes new writes. Then a downgrade: a store marked with a schema newer than this build is
refused at start with a clear message, and so is `candor admin restore` of a backup of it.

Usage: upgrade_test.py --candor BUILD/src/cli/candor
"""

import argparse
import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import crash_harness as ch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    args = ap.parse_args()
    candor = os.path.abspath(args.candor)
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    fixtures = sorted(glob.glob(os.path.join(HERE, "fixture-*")))
    check(fixtures, "no upgrade fixture")
    for fixture in fixtures:
        with open(os.path.join(fixture, "expected.json")) as f:
            expected = json.load(f)
        work = tempfile.mkdtemp(prefix="candor-upgrade-")
        env = dict(os.environ, HOME=os.path.join(work, "home"))
        os.mkdir(env["HOME"])
        data = os.path.join(work, "data")
        os.mkdir(data, 0o700)
        for name in ("candor.db", "log-key.bin"):
            shutil.copy2(os.path.join(fixture, name), os.path.join(data, name))
        # A backup by a newer candor than the store's must not migrate it (the live store, under
        # the older server that still runs it): refused, the store unchanged.
        early = subprocess.run([candor, "admin", "backup", "--data-dir", data, "--out", os.path.join(work, "early")],
                               env=env, capture_output=True, text=True)
        check(early.returncode != 0 and "back it up with the candor that serves it" in early.stderr,
              f"a backup of an older store by this candor was not refused:\n{early.stdout}{early.stderr}")
        db = sqlite3.connect(os.path.join(data, "candor.db"))
        still = db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        db.close()
        check(still == expected["schema_version"], f"the backup attempt migrated the store to {still}")
        server = ch.Server(candor, data, ch.free_port())
        try:
            server.start()
            port = server.port
            status, roster, _ = ch.call(port, "GET", f"/api/v1/orgs/{ch.SLUG}/roster")
            check(roster.get("size") == expected["roster_size"],
                  f"roster: {roster.get('size')} members, the old release had {expected['roster_size']}")
            status, shown, _ = ch.call(port, "GET", f"/api/v1/letters/{expected['letter']}")
            signers = {o["slug"]: o["signers"] for o in shown.get("organizations", [])}
            check(signers == expected["letter_signers"], f"letter signers {signers} != {expected['letter_signers']}")
            status, counts, _ = ch.call(port, "GET", f"/api/v1/orgs/{ch.SLUG}/cable-counts")
            check(counts == expected["cable_counts"], f"cable counts {counts} != {expected['cable_counts']}")
            status, sth, _ = ch.call(port, "GET", "/api/v1/log/sth")
            size, root = sth["tree_size"], bytes.fromhex(sth["root"])
            status, cons, _ = ch.call(
                port, "GET", f"/api/v1/log/proof/consistency?first={expected['tree_size']}&second={size}")
            proof = [bytes.fromhex(x) for x in cons.get("proof", [])]
            check(ch.consistent(expected["tree_size"], bytes.fromhex(expected["root"]), size, root, proof),
                  f"the migrated log ({size}) does not extend the old release's head ({expected['tree_size']})")
            run = lambda *a: subprocess.run([candor, *a], env=env, capture_output=True, text=True, timeout=300)
            audit = run("audit", "--server", server.url, "--full")
            check(audit.returncode == 0 and "Audit passed" in audit.stdout, f"audit --full:\n{audit.stdout}{audit.stderr}")
            verify = run("verify", expected["letter"], "--server", server.url, "--max-age", "0")
            total = sum(expected["letter_signers"].values())
            check(verify.returncode == 0 and re.search(rf"\b{total}\b", verify.stdout) is not None,
                  f"candor verify does not recount {total}:\n{verify.stdout}{verify.stderr}")
            status_out = run("cable", "status", "--server", server.url, "--receipt", expected["cable_receipt"])
            check(status_out.returncode == 0 and "Acknowledge by" in status_out.stdout
                  and "1 event(s), each matching what you see, proven included" in status_out.stdout,
                  f"the old cable's receipt:\n{status_out.stdout}{status_out.stderr}")
            staff = ch.sign_in(port)
            status, doc, _ = ch.call(port, "POST", f"/api/v1/orgs/{ch.SLUG}/invitations", {}, staff)
            ring, reply = ch.fresh_member_keys()
            status, _, _ = ch.call(port, "POST", f"/api/v1/orgs/{ch.SLUG}/enroll",
                                   {"invitation": doc.get("invitation", ""), "ring_public": ring, "reply_public": reply})
            check(status == 201, f"the upgraded server does not take an enrollment ({status})")
        finally:
            server.stop()
        db = sqlite3.connect(os.path.join(data, "candor.db"))
        migrated = db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        check(migrated > expected["schema_version"],
              f"schema {migrated}: not migrated from the old release's {expected['schema_version']}")
        # A downgrade: this store as a newer release would leave it.
        backup = os.path.join(work, "backup")
        b = subprocess.run([candor, "admin", "backup", "--data-dir", data, "--out", backup],
                           env=env, capture_output=True, text=True)
        check(b.returncode == 0, f"backup: {b.stdout}{b.stderr}")
        db.execute("INSERT INTO schema_migrations (version, description) VALUES (?, 'from a newer release')",
                   (migrated + 1,))
        db.commit()
        db.close()
        newer = subprocess.run([candor, "serve", "--data-dir", data, "--port", "0"], env=env,
                               capture_output=True, text=True, timeout=60)
        check(newer.returncode != 0 and "newer than this build of Candor understands" in newer.stderr,
              f"a store from a newer release was not refused clearly:\n{newer.stdout}{newer.stderr}")
        with open(os.path.join(backup, "backup.json")) as f:
            manifest = json.load(f)
        manifest["schema_version"] = migrated + 1
        with open(os.path.join(backup, "backup.json"), "w") as f:
            json.dump(manifest, f)
        r = subprocess.run([candor, "admin", "restore", "--from", backup, "--data-dir", os.path.join(work, "r"),
                            "--tree-size", str(manifest["tree_size"]), "--root", manifest["root"]],
                           env=env, capture_output=True, text=True)
        check(r.returncode != 0 and "made by a newer Candor" in r.stderr,
              f"a backup from a newer release was not refused clearly:\n{r.stdout}{r.stderr}")
        print(f"upgrade from {expected['made_by']} (schema {expected['schema_version']} → {migrated}): "
              f"{expected['roster_size']} members, {sum(expected['letter_signers'].values())} signatures, "
              f"log {expected['tree_size']} → {size} entries, consistent and audited; a newer store refused")
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
