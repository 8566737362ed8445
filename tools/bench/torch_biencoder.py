#!/usr/bin/python3
"""PyTorch peer of softinfonce's training step, for throughput comparison (a benchmark, not a test).

The same architecture as dev.softinfonce.model.DualEncoder with a shared tower (the paper's setting):
  * BERT embeddings: word + position (0..L-1) + token type (all segment 0), LayerNorm (eps 1e-12), dropout;
  * post-LN transformer layers: multi-head self-attention (q, k, v, output projections, scale 1/sqrt(dh),
    additive padding mask -1e9, dropout on the attention probabilities), dropout + residual + LayerNorm,
    FFN dense(D->F) -> GELU (erf) -> dense(F->D), dropout + residual + LayerNorm;
  * mean pooling over real (mask = 1) tokens;
  * raw dot-product scores s = q c^T [B, B]; InfoNCE = cross-entropy of each row against its diagonal;
  * AdamW (lr 5e-4, betas 0.9/0.999, eps 1e-8, weight decay 0.01 except biases and LayerNorms) with
    global-norm gradient clipping at 1.0 -- softinfonce's TrainConfig defaults; --optimizer adam gives
    plain Adam without decay or clipping.
Dropout 0.1 on hidden states and attention probabilities, as the Java side's ModelConfig defaults.

--bf16: mixed precision the way a PyTorch user on a bf16-capable CPU runs it: the two tower passes under
torch.cpu.amp.autocast(dtype=torch.bfloat16) (linear layers and attention matmuls in bf16; layer norm,
softmax and the like in fp32 by autocast's own op lists), fp32 master weights and AdamW state, and the
[B, B] score matrix and the loss in fp32 (as softinfonce's train.precision: bf16). The matmul peak is then
measured with bf16 operands.

Input: random token ids in [1, vocab) (0 is padding). Length distribution, the same as softinfonce's
TrainBenchmark: each row's real length is drawn uniformly from [ceil(L/2), L] (special tokens included), the
batch is padded to L (the full width), mask = 1 on the real tokens. A fresh batch is drawn per step from a
seeded generator (outside the timed region).

Output: one JSON line with pairs_per_s, tokens_per_s (non-pad query+code tokens), ms_per_step_median,
torch's own fp32 matmul GFLOP/s (n = 1024, 2048) measured in the same run, the BLAS torch was built with,
and achieved GFLOP/s by the formula in FLOPS_FORMULA below.

    /usr/bin/python3 tools/bench/torch_biencoder.py --layers 2 --hidden 128 --heads 4 --ff 512 \\
        --vocab 8000 --batch 32 --qlen 32 --clen 96 --steps 30 --warmup 5 --threads 2
"""
import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import time


def _threads_from_argv(default=2):
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return str(default)


# Thread pools must be sized before torch (and its OpenMP / OpenBLAS) loads. torch.set_num_threads sizes
# torch's OpenMP pool but not OpenBLAS's own pthread pool, and GNU OpenMP's default active spin-waiting
# collapses on a shared, oversubscribed machine (measured here at load ~12 on 2 cores: 6 pairs/s with the
# defaults against 30-70 with these settings). Explicit environment values win over these defaults.
_T = _threads_from_argv()
os.environ.setdefault("OMP_NUM_THREADS", _T)
os.environ.setdefault("OPENBLAS_NUM_THREADS", _T)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

FLOPS_FORMULA = ("per sequence of padded length T: 6 * N * T + 12 * layers * hidden * T^2, "
                 "N = non-embedding parameters (all but word/position/token-type embedding tables); "
                 "summed over the B query and B code sequences of a step (forward 1/3, backward 2/3)")


class Layer(nn.Module):
    def __init__(self, d, heads, ff, dropout, eps):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.attn_out = nn.Linear(d, d)
        self.attn_norm = nn.LayerNorm(d, eps=eps)
        self.inter = nn.Linear(d, ff)
        self.out = nn.Linear(ff, d)
        self.out_norm = nn.LayerNorm(d, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, h, bias):  # h [B, L, D], bias [B, 1, 1, L]
        b, l, d = h.shape

        def split(x):  # [B, L, D] -> [B, H, L, dh]
            return x.view(b, l, self.heads, self.dh).transpose(1, 2)

        q, k, v = split(self.query(h)), split(self.key(h)), split(self.value(h))
        logits = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.dh)) + bias  # [B, H, L, L]
        probs = self.drop(torch.softmax(logits, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, l, d)  # [B, L, D]
        h = self.attn_norm(h + self.drop(self.attn_out(ctx)))
        f = self.out(F.gelu(self.inter(h)))  # GELU with erf (approximate='none')
        return self.out_norm(h + self.drop(f))


class Encoder(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.word = nn.Embedding(a.vocab, a.hidden)
        self.position = nn.Embedding(a.max_positions, a.hidden)
        self.token_type = nn.Embedding(2, a.hidden)
        self.norm = nn.LayerNorm(a.hidden, eps=1e-12)
        self.drop = nn.Dropout(a.dropout)
        self.layers = nn.ModuleList(
            [Layer(a.hidden, a.heads, a.ff, a.dropout, 1e-12) for _ in range(a.layers)])
        for m in self.modules():  # BERT init: N(0, 0.02) matrices, zero biases, LayerNorm 1/0
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.trunc_normal_(m.weight, std=0.02, a=-0.04, b=0.04)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids, mask):  # ids, mask [B, L] -> [B, D]
        l = ids.shape[1]
        x = self.word(ids) + self.position(torch.arange(l)) + self.token_type.weight[0]
        h = self.drop(self.norm(x))
        bias = ((1.0 - mask.to(h.dtype)) * -1e9)[:, None, None, :]  # [B, 1, 1, L]
        for layer in self.layers:
            h = layer(h, bias)
        m = mask.to(h.dtype).unsqueeze(-1)  # [B, L, 1]
        return (h * m).sum(1) / m.sum(1).clamp_min(1e-9)  # masked mean [B, D]


def random_batch(gen, batch, length, vocab):
    """ids/mask [B, L]: real lengths uniform in [ceil(L/2), L], ids uniform in [1, vocab), padding 0."""
    lo = (length + 1) // 2
    lens = torch.randint(lo, length + 1, (batch,), generator=gen)
    mask = (torch.arange(length)[None, :] < lens[:, None]).long()
    ids = torch.randint(1, vocab, (batch, length), generator=gen) * mask
    return ids, mask


def matmul_gflops(n, reps=7, warm=2, dtype=torch.float32):
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    times = []
    for i in range(warm + reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        dt = time.perf_counter() - t0
        if i >= warm:
            times.append(dt)
    return 2.0 * n ** 3 / statistics.median(times) / 1e9


def cpu_description():
    """CPU model and its bf16 matmul units (/proc/cpuinfo flags), as softinfonce's Stats.cpuDescription."""
    model, units = "unknown", None
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and units is None:
                flags = line.split(":", 1)[1].split()
                units = [f for f in ("amx_bf16", "avx512_bf16") if f in flags] or ["no bf16 units"]
    except OSError:
        return "unknown"
    return f"{model} [{' '.join(units or [])}]"


def blas_info():
    cfg = torch.__config__.show()
    lines = [l.strip() for l in cfg.splitlines() if "BLAS" in l.upper() or "LAPACK" in l.upper()]
    loaded = sorted({p.split()[-1] for p in open("/proc/self/maps") if "blas" in p.lower() and ".so" in p})
    return {"config": lines, "loaded_libraries": loaded}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ff", type=int, default=512)
    p.add_argument("--vocab", type=int, default=8000)
    p.add_argument("--max-positions", type=int, default=512)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--qlen", type=int, default=32)
    p.add_argument("--clen", type=int, default=96)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--optimizer", choices=["adamw", "adam"], default="adamw")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--no-matmul", action="store_true", help="skip the matmul peak measurement")
    p.add_argument("--bf16", action="store_true",
                   help="towers under torch.cpu.amp.autocast(dtype=torch.bfloat16); fp32 weights, scores and loss")
    a = p.parse_args()
    if a.hidden % a.heads:
        p.error(f"--hidden {a.hidden} must be divisible by --heads {a.heads}")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    load_start = os.getloadavg()[0]

    mm_dtype = torch.bfloat16 if a.bf16 else torch.float32
    peak = {} if a.no_matmul else {str(n): round(matmul_gflops(n, dtype=mm_dtype), 1) for n in (1024, 2048)}
    autocast = (lambda: torch.cpu.amp.autocast(dtype=torch.bfloat16)) if a.bf16 else contextlib.nullcontext

    model = Encoder(a).train()
    decay = [p_ for n, p_ in model.named_parameters() if not (n.endswith(".bias") or "norm" in n)]
    no_decay = [p_ for n, p_ in model.named_parameters() if n.endswith(".bias") or "norm" in n]
    if a.optimizer == "adamw":
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    embedding_params = sum(m.weight.numel() for m in (model.word, model.position, model.token_type))
    non_embedding = sum(p_.numel() for p_ in model.parameters()) - embedding_params

    labels = torch.arange(a.batch)
    times, real_tokens, losses = [], 0, []
    for step in range(a.warmup + a.steps):
        qi, qm = random_batch(gen, a.batch, a.qlen, a.vocab)
        ci, cm = random_batch(gen, a.batch, a.clen, a.vocab)
        t0 = time.perf_counter()
        with autocast():
            q = model(qi, qm)  # [B, D]
            c = model(ci, cm)  # [B, D]
        loss = F.cross_entropy(q.float() @ c.float().t(), labels)  # InfoNCE over the fp32 [B, B] score matrix
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if a.optimizer == "adamw" and a.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        lv = loss.item()
        dt = time.perf_counter() - t0
        if step >= a.warmup:
            times.append(dt)
            real_tokens += int(qm.sum()) + int(cm.sum())
            losses.append(lv)

    total = sum(times)
    med = statistics.median(times)
    flops_per_step = a.batch * sum(6 * non_embedding * t + 12 * a.layers * a.hidden * t * t
                                   for t in (a.qlen, a.clen))
    achieved = flops_per_step / med / 1e9
    out = {
        "impl": "pytorch",
        "precision": "bf16" if a.bf16 else "fp32",
        "cpu": cpu_description(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY")},
        "blas": blas_info(),
        "model": {"layers": a.layers, "hidden": a.hidden, "heads": a.heads, "ff": a.ff, "vocab": a.vocab,
                  "dropout": a.dropout, "non_embedding_params": non_embedding,
                  "params": sum(p_.numel() for p_ in model.parameters())},
        "batch": a.batch, "qlen": a.qlen, "clen": a.clen,
        "lengths": "real length per row uniform in [ceil(L/2), L], padded to L",
        "optimizer": a.optimizer, "clip": a.clip if a.optimizer == "adamw" else 0.0,
        "steps": a.steps, "warmup": a.warmup,
        "pairs_per_s": round(a.batch * a.steps / total, 3),
        "tokens_per_s": round(real_tokens / total, 1),
        "ms_per_step_median": round(1000 * med, 2),
        "ms_per_step_mean": round(1000 * total / a.steps, 2),
        "ms_per_step_min": round(1000 * min(times), 2),
        "pairs_per_s_median": round(a.batch / med, 3),
        "flops_per_step": flops_per_step,
        "flops_formula": FLOPS_FORMULA,
        "achieved_gflops": round(achieved, 2),
        "matmul_gflops": peak,
        "share_of_peak": round(achieved / max(peak.values()), 4) if peak else None,
        "loss_first": round(losses[0], 4), "loss_last": round(losses[-1], 4),
        "loadavg_start": round(load_start, 2), "loadavg_end": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
