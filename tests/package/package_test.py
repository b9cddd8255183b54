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

  * then, as root with debootstrap and Debian's archive reachable: a minimal Debian 12 made with
    debootstrap, the package installed in it by apt (dependencies from the archive, the
    maintainer script making the `candor` user and its 0700 data directory), and inside that
    chroot, as that user: `candor admin bootstrap` and `candor serve` with the packaged
    configuration, health-checked from outside; then purged, the data directory kept.

What is not done here: starting the unit under systemd (this machine has no systemd as PID 1).

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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroot_install(deb, check):
    """Installs the package into a fresh debootstrap chroot and runs it there. Returns what it did."""
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        return "chroot install skipped (needs root and debootstrap)"
    root = tempfile.mkdtemp(prefix="candor-chroot-")
    os.chmod(root, 0o755)  # the chroot's / must be searchable by its users
    try:
        boot = run("debootstrap", "--variant=minbase", "bookworm", root, "http://deb.debian.org/debian")
        if boot.returncode != 0:
            return "chroot install skipped (debootstrap could not reach Debian's archive)"
        shutil.copy(deb, os.path.join(root, "tmp", "candor.deb"))
        inside = lambda *cmd: run("chroot", root, *cmd, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        apt = inside("sh", "-c", "apt-get update -q && apt-get install -y -q --no-install-recommends /tmp/candor.deb")
        check(apt.returncode == 0, f"apt could not install the package in the chroot:\n{apt.stdout[-3000:]}{apt.stderr[-2000:]}")
        if apt.returncode != 0:
            return "chroot install failed"
        check("candor:" in inside("getent", "passwd", "candor").stdout, "the package made no candor user")
        st = os.stat(os.path.join(root, "var/lib/candor"))
        check(oct(st.st_mode & 0o777) == "0o700", f"/var/lib/candor has mode {oct(st.st_mode & 0o777)}")
        as_candor = lambda script: inside("su", "-s", "/bin/sh", "candor", "-c", script)
        b = as_candor("CANDOR_ADMIN_PASSWORD='a long enough password' candor admin bootstrap --data-dir /var/lib/candor "
                      "--org state --org-name State --username alice")
        check(b.returncode == 0, f"bootstrap in the chroot:\n{b.stdout}{b.stderr}")
        port = free_port()
        server = subprocess.Popen(["chroot", root, "su", "-s", "/bin/sh", "candor", "-c",
                                   f"exec candor serve --config /etc/candor/candor.json --port {port}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        ready = None
        try:
            for _ in range(150):
                try:
                    ready = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2))
                    break
                except OSError:
                    time.sleep(0.1)
        finally:
            os.killpg(server.pid, 15)
            out, _ = server.communicate(timeout=30)
        check(ready is not None and ready.get("status") == "ready", f"the chrooted server is not ready: {ready}\n{out}")
        check("from /usr/share/candor/web" in out, f"the chrooted server does not serve the packaged web front end:\n{out}")
        purge = inside("apt-get", "purge", "-y", "-q", "candor")
        check(purge.returncode == 0, f"purge: {purge.stdout[-1000:]}{purge.stderr[-1000:]}")
        check(os.path.exists(os.path.join(root, "var/lib/candor/log-key.bin")), "purging removed the log key")
        return "installed by apt in a debootstrap chroot, its user made, bootstrapped and served there, purged with the data kept"
    finally:
        shutil.rmtree(root, ignore_errors=True)


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
    for path in ("./usr/bin/candor", "./usr/share/candor/web/index.html", "./usr/lib/systemd/system/candor.service",
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
    with open(os.path.join(root, "usr/lib/systemd/system/candor.service")) as f:
        unit = f.read()
    for directive in ("ProtectSystem=strict", "NoNewPrivileges=yes", "StateDirectory=candor",
                      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "ExecStart=/usr/bin/candor serve"):
        check(directive in unit, f"the unit lacks {directive}")
    man = run("man", "-l", os.path.join(root, "usr/share/man/man1/candor-serve.1.gz"), env=dict(os.environ, MANPAGER="cat", MANWIDTH="100"))
    check("--data-dir" in man.stdout, f"the man page of candor serve does not document its options:\n{man.stdout[:500]}{man.stderr}")

    candor = os.path.join(root, "usr/bin/candor")
    # Unpacked but not configured (configuring would run the maintainer scripts, outside a
    # chroot here): dpkg keeps a conffile as .dpkg-new until then.
    packaged = os.path.join(root, "etc/candor/candor.json.dpkg-new")
    check(os.path.exists(packaged), "dpkg did not treat candor.json as a conffile")
    with open(packaged) as f:
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
    chrooted = chroot_install(deb, check)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        size = os.path.getsize(deb)
        print(f"{os.path.basename(deb)} ({size // 1024} KiB): control data, files, dependencies resolvable, "
              f"unpacked into a clean root, bootstrapped, served, healthy and ready; {chrooted}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
