#!/usr/bin/env python3
"""PyTorch CUDA peer of loracheck's LoRA step on the GPU (bench suite gpu-runs, GPU part).

The same step as `loracheck train --rule theory` on two workloads, written as a plain eager
PyTorch loop with hand-written gradients (what loracheck's trainer computes):

  quadratic  1/2 <W - C, H o (W - C)>, W = B A (m x n), H_ij = 4 h_i k_j with h, k in {1/8..1},
             C of rank 2r, L = 4;  G = H o (W - C)
  softmax    softmax regression, W = W0 + B A (classes x n) on N x n data in [0, 1]
             (Fashion-MNIST-sized: 60000 x 784, 10 classes; synthetic, seeded), L given;
             G = (softmax(X W^T) - Y)^T X / N
             --batch B: mini-batches as loracheck's trainer draws them (train-common.ts
             batchIndices): a seeded permutation of the N rows per epoch (on the device), consecutive
             batches of B rows, the rows left at an epoch's end skipped; G, the batch J and eta (8)
             from the batch, and the full-data J every step (loracheck's default, a second pass over X)

Every step produces J, ||V||^2, ||G||, ||grad J||^2 and eta from (8), reading the four scalars
back to the host with one .tolist() (PyTorch's natural loop), and keeps them in a list (no file).
--compile wraps the step's GPU work in torch.compile (default mode).
Prints one JSON object with the timing and the device's measured copy bandwidth.

Timing: at least --warmup steps and --warmup-seconds of warm-up, then at least --steps steps and
--seconds of timed steps (the same plan as loracheck's side, bench/webgpu.ts TimingPlan); the
rates of the first and last quarter of the timed steps are printed too (a clock ramp shows there).

usage: torch_cuda_lora.py --workload quadratic|softmax [--m M --n N] [--samples N --features n [--batch B]]
                          --rank R --steps S --warmup W [--seconds S] [--warmup-seconds S]
                          [--L L] [--device cuda|cpu] [--compile]
"""
import argparse, json, math, sys, time

import torch


def sync(dev):
    if dev.type == 'cuda':
        torch.cuda.synchronize()


def copy_bandwidth(dev, mb=256, reps=20):
    """Bytes read + written per second by a device-to-device copy of `mb` MB."""
    n = mb * 1024 * 1024 // 4
    a = torch.ones(n, device=dev)
    b = torch.empty_like(a)
    b.copy_(a)
    sync(dev)
    t0 = time.perf_counter()
    for _ in range(reps):
        b.copy_(a)
    sync(dev)
    return 2 * 4 * n * reps / (time.perf_counter() - t0) / 1e9


def quadratic(a, dev, g):
    m, n, r = a.m, a.n, a.rank
    levels = lambda k: torch.cat([torch.ones(1), (1 + torch.randint(0, 8, (k - 1,), generator=g)).float() / 8])
    H = (4 * levels(m)[:, None] * levels(n)[None, :]).to(dev)
    k = min(2 * r, m, n)
    C = (torch.randn(m, k, generator=g) @ torch.randn(k, n, generator=g) / math.sqrt(k * n)).to(dev)
    B = torch.zeros(m, r, device=dev)
    A = (torch.randn(r, n, generator=g) / math.sqrt(n)).to(dev)

    def work(B, A):
        W = B @ A
        E = W - C
        HE = H * E
        gB = HE @ A.T
        gA = B.T @ HE
        s = torch.stack([0.5 * (HE * E).sum(), B.square().sum() + A.square().sum(), HE.square().sum(),
                         gB.square().sum() + gA.square().sum()])
        return s, gB, gA

    return 4.0, (B, A), work, lambda: ()


def softmax(a, dev, g):
    N, n, cls, r = a.samples, a.features, 10, a.rank
    X = torch.rand(N, n, generator=g).to(dev)
    y = torch.randint(0, cls, (N,), generator=g).to(dev)
    Y = torch.nn.functional.one_hot(y, cls).float()
    W0 = (torch.randn(cls, n, generator=g) * (0.1 / math.sqrt(n))).to(dev)
    B = torch.zeros(cls, r, device=dev)
    A = (torch.randn(r, n, generator=g) / math.sqrt(n)).to(dev)

    def work(B, A):
        W = W0 + B @ A
        Z = X @ W.T
        lse = torch.logsumexp(Z, 1, keepdim=True)
        J = (lse.squeeze(1) - (Z * Y).sum(1)).mean()
        dZ = (torch.exp(Z - lse) - Y) / N
        G = dZ.T @ X
        gB = G @ A.T
        gA = B.T @ G
        s = torch.stack([J, B.square().sum() + A.square().sum(), G.square().sum(), gB.square().sum() + gA.square().sum()])
        return s, gB, gA

    def work_batch(B, A, idx):
        W = W0 + B @ A
        Xb, Yb = X[idx], Y[idx]
        Z = Xb @ W.T
        lse = torch.logsumexp(Z, 1, keepdim=True)
        Jb = (lse.squeeze(1) - (Z * Yb).sum(1)).mean()
        dZ = (torch.exp(Z - lse) - Yb) / idx.shape[0]
        G = dZ.T @ Xb
        gB = G @ A.T
        gA = B.T @ G
        Zf = X @ W.T                                                   # the full-data loss
        J = (torch.logsumexp(Zf, 1) - (Zf * Y).sum(1)).mean()
        s = torch.stack([J, B.square().sum() + A.square().sum(), G.square().sum(), gB.square().sum() + gA.square().sum(), Jb])
        return s, gB, gA

    def batches():
        perm, pos = None, N
        while True:
            if pos + a.batch > N:
                perm, pos = torch.randperm(N, generator=g).to(dev), 0
            yield perm[pos:pos + a.batch]
            pos += a.batch

    if a.L is None:
        sys.exit('softmax needs --L (loracheck passes its certified bound)')
    if a.batch is None:
        return a.L, (B, A), work, lambda: ()
    if not 1 <= a.batch <= N:
        sys.exit(f'--batch must be in 1..{N}')
    order = batches()
    return a.L, (B, A), work_batch, lambda: (next(order),)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--workload', choices=['quadratic', 'softmax'], required=True)
    p.add_argument('--m', type=int, default=4096)
    p.add_argument('--n', type=int, default=4096)
    p.add_argument('--samples', type=int, default=60000)
    p.add_argument('--features', type=int, default=784)
    p.add_argument('--rank', type=int, default=16)
    p.add_argument('--batch', type=int, default=None)
    p.add_argument('--steps', type=int, default=100)
    p.add_argument('--warmup', type=int, default=10)
    p.add_argument('--seconds', type=float, default=0.0)
    p.add_argument('--warmup-seconds', type=float, default=0.0)
    p.add_argument('--L', type=float, default=None)
    p.add_argument('--device', default='cuda')
    p.add_argument('--compile', action='store_true')
    a = p.parse_args()
    dev = torch.device(a.device)
    if dev.type == 'cuda' and not torch.cuda.is_available():
        sys.exit('PyTorch sees no CUDA device')
    g = torch.Generator().manual_seed(0)
    if a.batch is not None and a.workload != 'softmax':
        sys.exit('--batch applies to --workload softmax')
    Lloss, (B, A), work, extra = (quadratic if a.workload == 'quadratic' else softmax)(a, dev, g)
    L = max(Lloss, 1.0)
    if a.compile:
        work = torch.compile(work)
    records = []
    stamps = []  # (step, time) of every timed step, after its read-back
    t0 = None
    w0 = None
    with torch.no_grad():
        t = 0
        while True:
            if t0 is None:
                if w0 is None:
                    sync(dev)
                    w0 = time.perf_counter()
                if t >= a.warmup and time.perf_counter() - w0 >= a.warmup_seconds:
                    sync(dev)
                    t0 = time.perf_counter()
                    t_start = t
            elif t - t_start >= a.steps and time.perf_counter() - t0 >= a.seconds:
                break
            s, gB, gA = work(B, A, *extra())
            J, Vsq, Gsq, gJsq = s.tolist()[:4]                              # one read-back per step (and the batch J)
            eta = min(1 / (4 * math.sqrt(2) * L * (Vsq + math.sqrt(Gsq))), 1.0)  # (8)
            records.append((t, J, Vsq, math.sqrt(Gsq), gJsq, eta))
            B = B - eta * gB
            A = A - eta * gA
            t += 1
            if t0 is not None:
                stamps.append(time.perf_counter())
        sync(dev)
    dt = time.perf_counter() - t0
    steps = t - t_start
    q = max(1, steps // 4)
    first_q = q / (stamps[q - 1] - t0)
    last_q = q / (stamps[-1] - stamps[-1 - q]) if steps > q else first_q
    print(json.dumps({
        'peer': 'pytorch-' + dev.type + ('-compile' if a.compile else '-eager'),
        'torch': torch.__version__,
        'device': torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu',
        'workload': a.workload,
        'batch': a.batch,
        'steps': steps,
        'warmup_steps': t_start,
        'seconds': dt,
        'steps_per_s': steps / dt,
        'ms_per_step': 1000 * dt / steps,
        'first_quarter_steps_per_s': first_q,
        'last_quarter_steps_per_s': last_q,
        'J0': records[0][1],
        'J_last': records[-1][1],
        'copy_GBs': copy_bandwidth(dev),
    }))


if __name__ == '__main__':
    sys.exit(main())
