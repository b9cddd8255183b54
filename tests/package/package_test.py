#!/usr/bin/env python3
"""The Debian package (issue 16, item 1), checked without a container.

Given build/candor_<version>_<arch>.deb (`make deb`):
  * its control data: name, version, architecture, the library packages dpkg-shlibdeps found,
    adduser, the maintainer scripts, /etc/candor/candor.json as a conffile; and that apt can
    resolve every dependency from Debian's archive (`apt-get install --simulate`);
  * its files: the binary, the web front end, man pages, the systemd unit (with its sandboxing
    directives), the default configuration and the operator's guide;
  * installed (unpacked by dpkg) into a clean root directory of its own, the packaged binary
    with the packaged configuration — only the data directory, web directory and port moved
    into that root — bootstraps an organization, serves, and passes the health and readiness
    checks and serves the packaged web front end; the maintainer scripts pass `sh -n`.

What is not done here: running the maintainer scripts inside a debootstrap chroot and starting
the unit under systemd (this machine has no systemd as PID 1).

Usage: package_test.py --deb PATH [--candor-version 0.1.0]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deb", required=True)
    args = ap.parse_args()
    deb = os.path.abspath(args.deb)
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    info = run("dpkg-deb", "--field", deb).stdout
    fields = {}
    for line in info.splitlines():
        if ":" in line and not line.startswith(" "):
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    check(fields.get("Package") == "candor", f"package name: {fields.get('Package')}")
    depends = fields.get("Depends", "")
    for lib in ("libsodium", "libsqlite3", "libpq5", "libcurl", "libgpgme", "libdecaf", "adduser"):
        check(lib in depends, f"Depends lacks {lib}: {depends}")
    check("tor" in fields.get("Recommends", ""), "tor is not recommended")
    control = tempfile.mkdtemp(prefix="candor-deb-control-")
    run("dpkg-deb", "--control", deb, control)
    check(os.path.exists(os.path.join(control, "postinst")), "no postinst")
    with open(os.path.join(control, "conffiles")) as f:
        check("/etc/candor/candor.json" in f.read(), "candor.json is not a conffile")
    for script in ("postinst", "postrm"):
        check(run("sh", "-n", os.path.join(control, script)).returncode == 0, f"{script} is not valid sh")
    sim = run("apt-get", "install", "--simulate", "--no-install-recommends", deb)
    check(sim.returncode == 0, f"apt cannot resolve the dependencies:\n{sim.stdout[-2000:]}{sim.stderr[-2000:]}")

    contents = run("dpkg-deb", "--contents", deb).stdout
    for path in ("./usr/bin/candor", "./usr/share/candor/web/index.html", "./lib/systemd/system/candor.service",
                 "./etc/candor/candor.json", "./usr/share/man/man1/candor.1.gz",
                 "./usr/share/man/man1/candor-serve.1.gz", "./usr/share/doc/candor/OPERATIONS.md"):
        check(path in contents, f"the package has no {path}")

    root = tempfile.mkdtemp(prefix="candor-root-")
    admin = os.path.join(root, "var/lib/dpkg")
    os.makedirs(os.path.join(admin, "info"))
    os.makedirs(os.path.join(admin, "updates"))
    open(os.path.join(admin, "status"), "w").close()
    unpack = run("dpkg", "--root", root, "--force-depends", "--force-not-root", "--force-script-chrootless",
                 "--unpack", deb)
    check(unpack.returncode == 0, f"dpkg --unpack into a clean root failed:\n{unpack.stdout}{unpack.stderr}")
    with open(os.path.join(admin, "status")) as f:
        check("Package: candor" in f.read(), "dpkg does not list candor in the root's status")
    with open(os.path.join(root, "lib/systemd/system/candor.service")) as f:
        unit = f.read()
    for directive in ("ProtectSystem=strict", "NoNewPrivileges=yes", "StateDirectory=candor",
                      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "ExecStart=/usr/bin/candor serve"):
        check(directive in unit, f"the unit lacks {directive}")
    man = run("man", "-l", os.path.join(root, "usr/share/man/man1/candor-serve.1.gz"), env=dict(os.environ, MANPAGER="cat", MANWIDTH="100"))
    check("--data-dir" in man.stdout, f"the man page of candor serve does not document its options:\n{man.stdout[:500]}{man.stderr}")

    candor = os.path.join(root, "usr/bin/candor")
    with open(os.path.join(root, "etc/candor/candor.json")) as f:
        config = json.load(f)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config["data_dir"] = os.path.join(root, config["data_dir"].lstrip("/"))
    config["web_dir"] = os.path.join(root, config["web_dir"].lstrip("/"))
    config["port"] = port
    conf = os.path.join(root, "etc/candor/test.json")
    with open(conf, "w") as f:
        json.dump(config, f)
    env = dict(os.environ, CANDOR_ADMIN_PASSWORD="a long enough password")
    boot = run(candor, "admin", "bootstrap", "--data-dir", config["data_dir"], "--org", "state",
               "--org-name", "Department of State", "--username", "alice", env=env)
    check(boot.returncode == 0, f"candor admin bootstrap:\n{boot.stdout}{boot.stderr}")
    server = subprocess.Popen([candor, "serve", "--config", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = ready = page = None
        for _ in range(100):
            try:
                health = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2))
                ready = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2))
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        check(health == {"status": "ok", "engine": "sqlite"}, f"health: {health}")
        check(ready is not None and ready.get("status") == "ready", f"ready: {ready}")
        check(page is not None and "<title>" in page, "the packaged web front end is not served")
        orgs = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/orgs", timeout=5))
        check([o["slug"] for o in orgs.get("organizations", orgs if isinstance(orgs, list) else [])] == ["state"]
              or "state" in json.dumps(orgs), f"the bootstrapped organization is not served: {orgs}")
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    check(server.returncode == 0, f"candor serve did not stop cleanly ({server.returncode}):\n{out}")
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(control, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        size = os.path.getsize(deb)
        print(f"{os.path.basename(deb)} ({size // 1024} KiB): control data, files, dependencies resolvable, "
              f"unpacked into a clean root, bootstrapped, served, healthy and ready")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
