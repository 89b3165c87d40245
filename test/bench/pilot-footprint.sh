#!/usr/bin/env bash
# Prints the resident memory and CPU use of every pilot running on this machine (the local
# cluster's pods run here, so their processes are visible in /proc): one line per pilot, then
# the medians. CPU is sampled over SECONDS (default 60) while the pilots idle.
#
#   test/bench/pilot-footprint.sh [SECONDS]
set -euo pipefail
window=${1:-60}
hz=$(getconf CLK_TCK)
mapfile -t pids < <(pgrep -f '^/navigator/navigator-pilot ' || true)
[ ${#pids[@]} -gt 0 ] || { echo "pilot-footprint: no pilot process runs on this machine" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A before
for p in "${pids[@]}"; do before[$p]=$(ticks "$p"); done
sleep "$window"

rss_list=(); cpu_list=()
printf '%-8s %10s %10s\n' pid rss_MiB cpu_mCPU
for p in "${pids[@]}"; do
  [ -r "/proc/$p/stat" ] || continue
  rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
  delta=$(( $(ticks "$p") - before[$p] ))
  rss=$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k/1024}')
  mcpu=$(awk -v d="$delta" -v hz="$hz" -v w="$window" 'BEGIN {printf "%.2f", d/hz/w*1000}')
  printf '%-8s %10s %10s\n' "$p" "$rss" "$mcpu"
  rss_list+=("$rss"); cpu_list+=("$mcpu")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "pilots: ${#rss_list[@]}  median RSS: $(median "${rss_list[@]}") MiB  median idle CPU over ${window}s: $(median "${cpu_list[@]}") mCPU"
