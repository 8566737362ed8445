#!/usr/bin/env bash
# Training throughput of softinfonce (TF Java) against a plain PyTorch bi-encoder of the same architecture,
# batch, lengths, optimizer (AdamW + clipping 1.0) and loss (InfoNCE), on this machine, 2 threads each.
# Sizes: tiny (2 layers / hidden 128 / 4 heads / FF 512 / vocab 8000 / query 32 + code 96, batch 32) and
# MiniLM (6 / 384 / 12 / 1536 / vocab 30522 / query 64 + code 128, batch 32); configs/bench-*.yaml.
#
# --precision fp32 (default): ours fp32 vs torch fp32.
# --precision bf16: four runs per round -- ours fp32, ours bf16 (train.precision=bf16), torch fp32, torch bf16
#   (torch.cpu.amp.autocast(dtype=torch.bfloat16), fp32 master weights) -- plus, per size, the encoder's
#   inference tokens/s in fp32 and bf16 (tools/softinfonce bench encode --forward-only at the code length).
# The runs alternate ROUNDS times per size so load drift on a shared machine hits every side; the table
# shows medians over rounds of each run's pairs/s, and achieved GFLOP/s as a share of the matmul peak of the
# same implementation and precision measured inside the same run (TF Java: n = 512/1024/2048, torch: n =
# 1024/2048). The CPU line says whether the machine has bf16 units (amx_bf16 / avx512_bf16): without them
# bf16 is emulated by every framework and its figures say nothing about bf16 hardware.
#
#   tools/bench/compare.sh [--sizes tiny,minilm] [--precision fp32|bf16] [--rounds 3] [--out DIR]
# Env: STEPS_tiny/WARMUP_tiny, STEPS_minilm/WARMUP_minilm (timed/untimed steps per run), ENCODE_SECONDS (5),
# PYTHON (/usr/bin/python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
SIZES="tiny,minilm"
ROUNDS=3
PRECISION=fp32
OUT="$ROOT/target/bench-compare"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --precision) PRECISION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: $0 [--sizes tiny,minilm] [--precision fp32|bf16] [--rounds N] [--out DIR]" >&2; exit 2 ;;
  esac
done
case "$PRECISION" in
  fp32) PRECS="fp32" ;;
  bf16) PRECS="fp32 bf16" ;;
  *) echo "error: --precision $PRECISION: expected fp32 or bf16" >&2; exit 2 ;;
esac
"$PY" -c "import torch" 2>/dev/null || { echo "error: $PY cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 2; }
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.log "$OUT"/*.tsv

torch_args() {
  case "$1" in
    tiny) echo "--layers 2 --hidden 128 --heads 4 --ff 512 --vocab 8000 --batch 32 --qlen 32 --clen 96" ;;
    minilm) echo "--layers 6 --hidden 384 --heads 12 --ff 1536 --vocab 30522 --batch 32 --qlen 64 --clen 128" ;;
    *) echo "error: unknown size $1 (tiny | minilm)" >&2; exit 2 ;;
  esac
}
code_length() { case "$1" in tiny) echo 96 ;; minilm) echo 128 ;; esac; }

for size in ${SIZES//,/ }; do
  args="$(torch_args "$size")"
  steps_var="STEPS_$size"; warm_var="WARMUP_$size"
  if [[ "$size" == tiny ]]; then steps="${!steps_var:-30}"; warm="${!warm_var:-5}"; else steps="${!steps_var:-15}"; warm="${!warm_var:-3}"; fi
  for r in $(seq 1 "$ROUNDS"); do
    for p in $PRECS; do
      echo "# $size round $r/$ROUNDS: softinfonce $p (load $(cut -d' ' -f1 /proc/loadavg))" >&2
      "$ROOT/tools/softinfonce" bench train --config "$ROOT/configs/bench-$size.yaml" --set train.threads=2 \
          --set train.precision="$p" --steps "$steps" --warmup "$warm" --json "$OUT/$size-ours-$p-$r.json" \
          > "$OUT/$size-ours-$p-$r.log" 2>&1 || { cat "$OUT/$size-ours-$p-$r.log" >&2; exit 1; }
    done
    for p in $PRECS; do
      echo "# $size round $r/$ROUNDS: pytorch $p (load $(cut -d' ' -f1 /proc/loadavg))" >&2
      flag=""; [[ "$p" == bf16 ]] && flag="--bf16"
      # shellcheck disable=SC2086
      "$PY" "$ROOT/tools/bench/torch_biencoder.py" $args $flag --threads 2 --steps "$steps" --warmup "$warm" \
          > "$OUT/$size-torch-$p-$r.json"
    done
  done
  if [[ "$PRECISION" == bf16 ]]; then
    echo "# $size: encoder inference tokens/s fp32 and bf16 (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$ROOT/tools/softinfonce" bench encode --sizes "$size" --lengths "$(code_length "$size")" --batch 32 --threads 2 \
        --seconds "${ENCODE_SECONDS:-5}" --precisions fp32,bf16 --forward-only > "$OUT/$size-encode.tsv" 2>"$OUT/$size-encode.log" \
      || { cat "$OUT/$size-encode.log" >&2; exit 1; }
  fi
done

"$PY" - "$OUT" "$SIZES" "$ROUNDS" "$PRECS" <<'PYEOF'
import json, statistics, sys, glob
out, sizes, rounds, precs = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4].split()
def load(p):
    with open(p) as f:
        return json.loads(f.read())
def runs(s, impl, p):
    return [load(f"{out}/{s}-{impl}-{p}-{r}.json") for r in range(1, rounds + 1)]
def med(ds, k):
    return statistics.median(d[k] for d in ds)
def peak(ds):
    return "; ".join("/".join(f"{v:.0f}" for v in d["matmul_gflops"].values()) for d in ds)
cpu = load(glob.glob(f"{out}/*-ours-*-1.json")[0]).get("cpu", "unknown")
print(f"cpu: {cpu}")
cols = [(impl, p) for impl in ("ours", "torch") for p in precs]
head = ["size"] + [f"pairs/s {i} {p}" for i, p in cols] + [f"ours/torch {p} (per round)" for p in precs]
if "bf16" in precs:
    head += ["ours bf16/fp32"]
head += [f"GFLOP/s {i} {p} (share of {p} peak)" for i, p in cols]
head += [f"matmul peak {i} {p}" for i, p in cols]
if "bf16" in precs:
    head += ["encode tokens/s fp32", "encode tokens/s bf16", "encode bf16/fp32"]
head += ["load avg"]
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
for s in sizes:
    data = {c: runs(s, *c) for c in cols}
    row = [s] + [f"{med(data[c], 'pairs_per_s'):.2f}" for c in cols]
    for p in precs:
        o, t = data[("ours", p)], data[("torch", p)]
        per = ", ".join(f"{a['pairs_per_s'] / b['pairs_per_s']:.2f}" for a, b in zip(o, t))
        row.append(f"{med(o, 'pairs_per_s') / med(t, 'pairs_per_s'):.2f} ({per})")
    if "bf16" in precs:
        row.append(f"{med(data[('ours', 'bf16')], 'pairs_per_s') / med(data[('ours', 'fp32')], 'pairs_per_s'):.2f}")
    row += [f"{med(data[c], 'achieved_gflops'):.1f} ({100 * med(data[c], 'share_of_peak'):.0f} %)" for c in cols]
    row += [peak(data[c]) for c in cols]
    if "bf16" in precs:
        enc = {}
        for line in open(f"{out}/{s}-encode.tsv"):
            f = line.rstrip("\n").split("\t")
            if len(f) >= 4 and f[0] == s:
                enc[f[2]] = float(f[3])
        row += [f"{enc['fp32']:.0f}", f"{enc['bf16']:.0f}", f"{enc['bf16'] / enc['fp32']:.2f}"]
    loads = [d["loadavg_start"] for c in cols for d in data[c]]
    row.append(f"{min(loads):.1f}–{max(loads):.1f}")
    print("| " + " | ".join(row) + " |")
print(f"\nraw JSON per run: {out}")
PYEOF
