#!/usr/bin/env bash
# Long libFuzzer campaigns (issue 12 item 5), in pieces that survive interruption:
#
#   bash fuzz/campaign.sh [TOTAL] [target ...]     # TOTAL executions per target (default 10^7)
#
# Needs the libFuzzer build (`make fuzz` makes it, or: CC=clang CXX=clang++ cmake -S . -B
# build-fuzz -G Ninja -DCANDOR_FUZZ=ON -DCANDOR_BENCH=OFF && cmake --build build-fuzz).
# Each target runs in pieces of PIECE executions (default 10^6) on a working copy of its corpus;
# after each piece the finished count is appended to fuzz/campaigns.log, so a later run goes on
# from there, and the inputs that add coverage are merged into fuzz/corpus/NAME. A crash
# stops the target with its input in fuzz/artifacts/ and a non-zero status. (-timeout is 300 s, not
# 25: a campaign paused with SIGSTOP to keep a benchmark quiet must not report false hangs.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
total=${1:-10000000}
shift || true
piece=${PIECE:-1000000}
log=$root/fuzz/campaigns.log
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$root"/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" _fuzz.cc)"); done
fi
done_so_far() { awk -v t="$1" '$2 == t && $4 == "ok" {s += $3} END {print s + 0}' "$log" 2>/dev/null || echo 0; }
status=0
for name in "${targets[@]}"; do
  bin=$build/fuzz/${name}_fuzz
  [ -x "$bin" ] || { echo "no $bin: build the fuzz targets first"; exit 2; }
  while :; do
    have=$(done_so_far "$name")
    [ "$have" -ge "$total" ] && { echo "== $name: $have executions"; break; }
    n=$(( total - have < piece ? total - have : piece ))
    work=$(mktemp -d)
    cp -r "$root/fuzz/corpus/$name/." "$work/"
    start=$(date +%s)
    if "$bin" -runs="$n" -rss_limit_mb=2048 -timeout=300 -print_final_stats=1 \
         -artifact_prefix="$root/fuzz/artifacts/" "$work" >"$work.out" 2>&1; then
      ran=$(awk '/stat::number_of_executed_units/ {print $2}' "$work.out")
      echo "$(date -u +%FT%TZ) $name ${ran:-$n} ok $(( $(date +%s) - start ))s" >>"$log"
      # Keep what adds coverage: the saved corpus gains the inputs of the working one that
      # reach something it does not (the saved, named seeds stay as they are).
      "$bin" -merge=1 "$root/fuzz/corpus/$name" "$work" >/dev/null 2>&1
      rm -rf "$work" "$work.out"
    else
      echo "$(date -u +%FT%TZ) $name 0 FAILED $(( $(date +%s) - start ))s" >>"$log"
      tail -40 "$work.out"
      rm -rf "$work"
      status=1
      break
    fi
  done
done
exit $status
