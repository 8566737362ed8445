#!/usr/bin/env bash
# Training throughput of softinfonce (TF Java) against a plain PyTorch bi-encoder of the same architecture,
# batch, lengths, optimizer (AdamW + clipping 1.0) and loss (InfoNCE), on this machine, 2 threads each.
# Sizes: tiny (2 layers / hidden 128 / 4 heads / FF 512 / vocab 8000 / query 32 + code 96, batch 32) and
# MiniLM (6 / 384 / 12 / 1536 / vocab 30522 / query 64 + code 128, batch 32); configs/bench-*.yaml.
# The two sides alternate ROUNDS times per size (ours, torch, ours, torch, ...) so load drift on a shared
# machine hits both; the table shows medians over rounds of each run's pairs/s, and each side's matmul
# peak (TF Java: n = 512/1024/2048, torch: n = 1024/2048) measured in the same runs.
#
#   tools/bench/compare.sh [--sizes tiny,minilm] [--rounds 3] [--out DIR]
# Env: STEPS_tiny/WARMUP_tiny, STEPS_minilm/WARMUP_minilm (timed/untimed steps per run), PYTHON (/usr/bin/python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
SIZES="tiny,minilm"
ROUNDS=3
OUT="$ROOT/target/bench-compare"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: $0 [--sizes tiny,minilm] [--rounds N] [--out DIR]" >&2; exit 2 ;;
  esac
done
"$PY" -c "import torch" 2>/dev/null || { echo "error: $PY cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 2; }
mkdir -p "$OUT"

torch_args() {
  case "$1" in
    tiny) echo "--layers 2 --hidden 128 --heads 4 --ff 512 --vocab 8000 --batch 32 --qlen 32 --clen 96" ;;
    minilm) echo "--layers 6 --hidden 384 --heads 12 --ff 1536 --vocab 30522 --batch 32 --qlen 64 --clen 128" ;;
    *) echo "error: unknown size $1 (tiny | minilm)" >&2; exit 2 ;;
  esac
}

for size in ${SIZES//,/ }; do
  args="$(torch_args "$size")"
  steps_var="STEPS_$size"; warm_var="WARMUP_$size"
  if [[ "$size" == tiny ]]; then steps="${!steps_var:-30}"; warm="${!warm_var:-5}"; else steps="${!steps_var:-15}"; warm="${!warm_var:-3}"; fi
  for r in $(seq 1 "$ROUNDS"); do
    echo "# $size round $r/$ROUNDS: softinfonce (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$ROOT/tools/softinfonce" bench train --config "$ROOT/configs/bench-$size.yaml" --set train.threads=2 \
        --steps "$steps" --warmup "$warm" --json "$OUT/$size-ours-$r.json" > "$OUT/$size-ours-$r.log" 2>&1 \
      || { cat "$OUT/$size-ours-$r.log" >&2; exit 1; }
    echo "# $size round $r/$ROUNDS: pytorch (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    # shellcheck disable=SC2086
    "$PY" "$ROOT/tools/bench/torch_biencoder.py" $args --threads 2 --steps "$steps" --warmup "$warm" \
        > "$OUT/$size-torch-$r.json"
  done
done

"$PY" - "$OUT" "$SIZES" "$ROUNDS" <<'PYEOF'
import json, statistics, sys, os
out, sizes, rounds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
def load(p):
    with open(p) as f:
        return json.loads(f.read())
def peak(d):
    return "/".join(f"{v:.0f}" for v in d["matmul_gflops"].values())
print("| size | pairs/s ours | pairs/s torch | ratio ours/torch | per-round ratios | GFLOP/s ours (share of TF peak) | GFLOP/s torch (share of torch peak) | matmul peak TF n=512/1024/2048 | matmul peak torch n=1024/2048 | load avg |")
print("|---|---:|---:|---:|---|---:|---:|---|---|---|")
for s in sizes:
    ours = [load(f"{out}/{s}-ours-{r}.json") for r in range(1, rounds + 1)]
    torch = [load(f"{out}/{s}-torch-{r}.json") for r in range(1, rounds + 1)]
    po = statistics.median(d["pairs_per_s"] for d in ours)
    pt = statistics.median(d["pairs_per_s"] for d in torch)
    ratios = ", ".join(f"{o['pairs_per_s'] / t['pairs_per_s']:.2f}" for o, t in zip(ours, torch))
    go = statistics.median(d["achieved_gflops"] for d in ours)
    gt = statistics.median(d["achieved_gflops"] for d in torch)
    so = statistics.median(d["share_of_peak"] for d in ours)
    st = statistics.median(d["share_of_peak"] for d in torch)
    loads = [d["loadavg_start"] for d in ours + torch]
    print(f"| {s} | {po:.2f} | {pt:.2f} | {po / pt:.2f} | {ratios} | {go:.1f} ({100 * so:.0f} %) | {gt:.1f} ({100 * st:.0f} %) "
          f"| {'; '.join(peak(d) for d in ours)} | {'; '.join(peak(d) for d in torch)} | {min(loads):.1f}–{max(loads):.1f} |")
print(f"\nraw JSON per run: {out}")
PYEOF
