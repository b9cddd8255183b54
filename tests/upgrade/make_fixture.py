#!/usr/bin/env python3
"""Makes the upgrade fixture (issue 16, item 3) with the PREVIOUS release's binary.

  git worktree add /tmp/old <previous release commit>
  cmake -S /tmp/old -B /tmp/old/build -G Ninja && cmake --build /tmp/old/build --target candor
  python3 tests/upgrade/make_fixture.py --candor /tmp/old/build/src/cli/candor \
      --out tests/upgrade/fixture-<commit> --made-by <commit>

It runs that `candor serve --demo`, enrolls members, has demo members co-sign the demo letter
and write a cable through that version's command line, waits for a batch, stops the server and
keeps its data directory (candor.db, log-key.bin) with what it holds in expected.json: the
schema version, the log's size and root, the roster size, the letter and its signature count,
and the cable's receipt. upgrade_test.py then opens it with the current binary.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import crash_harness as ch  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--candor", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--made-by", required=True)
    args = ap.parse_args()
    candor = os.path.abspath(args.candor)
    work = tempfile.mkdtemp(prefix="candor-fixture-")
    env = dict(os.environ, HOME=os.path.join(work, "home"), CANDOR_PASSPHRASE="demo")
    os.mkdir(env["HOME"])
    data = os.path.join(work, "data")
    port = ch.free_port()
    server = ch.Server(candor, data, port)
    server.start()
    try:
        staff = ch.sign_in(port)
        for _ in range(10):
            status, doc, _ = ch.call(port, "POST", f"/api/v1/orgs/{ch.SLUG}/invitations", {}, staff)
            ring, reply = ch.fresh_member_keys()
            status, _, _ = ch.call(port, "POST", f"/api/v1/orgs/{ch.SLUG}/enroll",
                                   {"invitation": doc["invitation"], "ring_public": ring, "reply_public": reply})
            assert status == 201, status
        status, letters, _ = ch.call(port, "GET", "/api/v1/letters")
        letter = letters["letters"][0]["id"]
        for i in (1, 2, 3):
            key = os.path.join(data, "demo-members", f"member-{i:02d}.key")
            subprocess.run([candor, "letter", "sign", letter, "--server", server.url, "--key", key], env=env, check=True,
                           capture_output=True)
        body = os.path.join(work, "body.txt")
        with open(body, "w") as f:
            f.write("A concern written before the upgrade.\n")
        receipt = os.path.join(work, "receipt.txt")
        subprocess.run([candor, "cable", "write", "--server", server.url, "--org", ch.SLUG, "--key",
                        os.path.join(data, "demo-members", "member-04.key"), "--subject", "Before the upgrade",
                        "--body-file", body, "--receipt-out", receipt], env=env, check=True, capture_output=True)
        time.sleep(3)  # a batch (the server runs them every second)
        status, sth, _ = ch.call(port, "GET", "/api/v1/log/sth")
        status, roster, _ = ch.call(port, "GET", f"/api/v1/orgs/{ch.SLUG}/roster")
        status, shown, _ = ch.call(port, "GET", f"/api/v1/letters/{letter}")
        status, counts, _ = ch.call(port, "GET", f"/api/v1/orgs/{ch.SLUG}/cable-counts")
    finally:
        server.stop()
    db = sqlite3.connect(os.path.join(data, "candor.db"))
    schema = db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    db.close()
    os.makedirs(args.out, exist_ok=True)
    for name in ("candor.db", "log-key.bin"):
        shutil.copy2(os.path.join(data, name), os.path.join(args.out, name))
    with open(receipt) as f:
        receipt_text = f.read().strip()
    expected = {
        "made_by": args.made_by,
        "schema_version": schema,
        "tree_size": sth["tree_size"],
        "root": sth["root"],
        "roster_size": roster["size"],
        "letter": letter,
        "letter_signers": {o["slug"]: o["signers"] for o in shown["organizations"]},
        "cable_counts": counts,
        "cable_receipt": receipt_text,
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(expected, indent=2))


if __name__ == "__main__":
    sys.exit(main())
