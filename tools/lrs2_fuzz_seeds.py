#!/usr/bin/env python3
"""Writes fuzz/corpus/lrs2_verify/ from tests/vectors/lrs2.json, in the input layout that
fuzz/lrs2_verify_fuzz.cc documents: event || u8(len m) || m || u8(n) || P_0 … P_{n-1} ||
signature. Deterministic: rerunning it rewrites identical files.

    python3 tools/lrs2_fuzz_seeds.py
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz/corpus/lrs2_verify")

os.makedirs(OUT, exist_ok=True)
for old in os.listdir(OUT):  # the named seeds are exactly what the vectors give; the
    if old.startswith(("valid-", "invalid-")):  # inputs campaigns merged in stay
        os.remove(os.path.join(OUT, old))
with open(os.path.join(ROOT, "tests/vectors/lrs2.json")) as f:
    vectors = json.load(f)
for i, v in enumerate(vectors):
    message = bytes.fromhex(v["message"])
    ring = v["ring"]
    if len(message) > 255 or len(ring) > 65:
        continue
    data = bytes.fromhex(v["event"]) + bytes([len(message)]) + message + bytes([len(ring)])
    data += b"".join(bytes.fromhex(p) for p in ring) + bytes.fromhex(v["signature"])
    slug = re.sub(r"[^a-z0-9]+", "-", v["description"].lower()).strip("-")[:60]
    name = ("valid-" if v["valid"] else "invalid-") + f"{i:02d}-" + slug
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(len(os.listdir(OUT)), "inputs in", OUT, "(the named seeds rewritten, campaign inputs kept)")
