#!/usr/bin/env python3
"""PyTorch peer of loracheck's fmnist-logreg LoRA step (bench suite gpu-runs).

Same model and data as `loracheck train --workload fmnist-logreg --rule theory`: softmax
regression 784 -> 10 on the first N Fashion-MNIST training images (pixels / 255, float32),
W = W0 + B A with W0 frozen, B = 0, A ~ N(0, 1/n), full batch, PyTorch autograd for the
gradients, and per step the same scalars the trace records (J, ||V||^2, ||G||, ||grad J||^2)
and eta from (8). Prints one JSON object with the timing.

usage: torch_lora.py --dir DIR --samples N --rank R --steps S --warmup W --threads T --L L
"""
import argparse, gzip, json, math, os, re, resource, sys, time

import numpy as np
import torch


def idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * k: 8 + 4 * k], 'big') for k in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dir', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--samples', type=int, default=60000)
    p.add_argument('--rank', type=int, default=8)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--L', type=float, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    images = idx(os.path.join(a.dir, 'train-images-idx3-ubyte.gz'))[: a.samples]
    labels = idx(os.path.join(a.dir, 'train-labels-idx1-ubyte.gz'))[: a.samples]
    N = images.shape[0]
    X = torch.from_numpy(images.reshape(N, -1).astype(np.float32) / np.float32(255))
    y = torch.from_numpy(labels.astype(np.int64))
    n, m, r = X.shape[1], 10, a.rank
    W0 = torch.randn(m, n) * (0.1 / math.sqrt(n))
    B = torch.zeros(m, r, requires_grad=True)
    A = (torch.randn(r, n) / math.sqrt(n)).requires_grad_()
    L = max(a.L, 1.0)
    J0 = None
    t0 = None
    for t in range(a.warmup + a.steps):
        if t == a.warmup:
            t0 = time.perf_counter()
        W = W0 + B @ A
        W.retain_grad()
        J = torch.nn.functional.cross_entropy(X @ W.T, y)
        J.backward()
        with torch.no_grad():
            Vsq = (B.square().sum() + A.square().sum()).item()
            G = W.grad.norm().item()
            gJsq = (B.grad.square().sum() + A.grad.square().sum()).item()
            eta = min(1 / (4 * math.sqrt(2) * L * (Vsq + G)), 1.0)  # (8)
            B -= eta * B.grad
            A -= eta * A.grad
            B.grad = None
            A.grad = None
        if J0 is None:
            J0 = J.item()
    dt = time.perf_counter() - t0
    print(json.dumps({
        'peer': 'pytorch',
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'blas': (re.search(r'BLAS_INFO=([\w-]+)', torch.__config__.show()) or [None, 'unknown'])[1],
        'N': N, 'n': n, 'm': m, 'r': r,
        'steps': a.steps,
        'seconds': dt,
        'steps_per_s': a.steps / dt,
        'J0': J0,
        'gradJsq_last': gJsq,
        'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == '__main__':
    sys.exit(main())
