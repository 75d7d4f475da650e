# A PyTorch LoRA loop at LLM-layer size that writes a loracheck trace: the quadratic workload
# 1/2 <W - C, H o (W - C)> (W = B A, m x n, C of rank 2r, H elementwise with dyadic entries in
# [1/16, 4]), rule (8), float32 tensors on CUDA (or the CPU), every step's scalars summed in float64.
# The numbers are PyTorch's own (its seeded generator), not loracheck's `train --workload quadratic`.
# Run:  python3 torch_quadratic_trace.py trace.jsonl [--size 4096] [--rank 16] [--steps 300] [--device cuda]
#       npx loracheck verify-trace trace.jsonl
import argparse, json, math, os, sys, time
import torch

p = argparse.ArgumentParser(description='PyTorch LoRA on the quadratic workload, rule (8), writing a loracheck trace')
p.add_argument('out', help='the trace to write (JSON Lines; written to OUT.partial-PID, renamed when done)')
p.add_argument('--size', type=int, default=4096, help='m = n (default 4096)')
p.add_argument('--rank', type=int, default=16, help='adapter rank r (default 16); C has rank 2r')
p.add_argument('--steps', type=int, default=300, help='steps T (records t = 0..T; default 300)')
p.add_argument('--seed', type=int, default=0, help="seed of PyTorch's generator (default 0)")
p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='cuda (default where there is one) or cpu')
p.add_argument('--no-decrease', action='store_true', help='do not record dJ = J(V_{t+1}) - J(V_t) (computed in float64 from both iterates, with its error bound dJerr)')
a = p.parse_args()
if a.size < 2 or a.rank < 1 or 2 * a.rank > a.size or a.steps < 1:
    sys.exit(f'torch_quadratic_trace.py: need --size >= 2, 1 <= --rank <= size/2, --steps >= 1 (got {a.size}, {a.rank}, {a.steps})')
if a.device.startswith('cuda') and not torch.cuda.is_available():
    sys.exit('torch_quadratic_trace.py: --device cuda, but this PyTorch sees no CUDA device')
torch.backends.cuda.matmul.allow_tf32 = False  # float32 products, as the header says
dev, m, n, r, T = torch.device(a.device), a.size, a.size, a.rank, a.steps
g = torch.Generator().manual_seed(a.seed)

# H: 4 l_i l_j with l_0 = 1 and the other l in {1/8, ..., 1}: dyadic, so exact in float32; max H = 4
levels = lambda k: torch.cat([torch.ones(1), (1 + torch.randint(0, 8, (k - 1,), generator=g)).float() / 8])
H = (4 * levels(m)[:, None] * levels(n)[None, :]).to(dev)
k = 2 * r
P, Q = torch.randn(m, k, generator=g), torch.randn(k, n, generator=g)
C = ((P @ Q) / math.sqrt(k * n)).to(dev)
B = torch.zeros(m, r, device=dev)
A = (torch.randn(r, n, generator=g) / math.sqrt(n)).to(dev)
Lloss, hmin = H.max().item(), H.min().item()
L = max(Lloss, 1.0)  # the theory's constant

# LoRA's rank-r floor (Eckart-Young): ||W - C||^2 >= sum_{i>r} sigma_i(C)^2 for every W of rank <= r.
# The sigma_i of P Q / sqrt(kn) in float64 from the k x k form R_P R_Q^T (P = Q_P R_P, Q^T = Q_Q R_Q);
# the C actually used is float32, so its distance from the exact product E is taken off (Mirsky:
# the tail's norm moves by at most ||E||_F). J = 1/2 <W - C, H o (W - C)> >= hmin/2 times that.
R_P = torch.linalg.qr(P.double())[1]
R_Q = torch.linalg.qr(Q.double().T)[1]
sigma = torch.linalg.svdvals(R_P @ R_Q.T) / math.sqrt(k * n)
tail = math.sqrt(float((sigma[r:] ** 2).sum()))
C64 = (P.double() @ Q.double()) / math.sqrt(k * n)
E = float(torch.linalg.norm(C.double().cpu() - C64)) * (1 + 1e-9) + 1e-300
del P, Q, C64
distSq = max(tail - E, 0.0) ** 2
rank_bound = hmin / 2 * distSq

partial = f'{a.out}.partial-{os.getpid()}'
out = open(partial, 'w')
write = lambda d: out.write(json.dumps(d) + '\n')
write(dict(type='header', format='loracheck-trace', schema=1, workload='torch-quadratic', m=m, n=n, r=r,
           L=L, Lloss=Lloss, Lmethod='exact: max_ij H_ij (dyadic entries, exact in float32); theory uses max(L, 1)',
           Lestimated=False, Lstar=0, rule='theory', alpha=None, batch='full', method='lora',
           init='paper: B = 0, A ~ N(0, 1/n)', seed=a.seed, steps=T,
           rankBound=rank_bound, rankBoundDistSq=distSq,
           rankBoundMethod=f'Eckart-Young: ||W - C||^2 >= sum_{{i>{r}}} sigma_i(C)^2 (float64 singular values of the {k} x {k} form, '
                           f'less the float32 rounding of C, ||E||_F = {E:.3g}), and L(W) >= (min H / 2 = {hmin / 2}) times that',
           **({} if a.no_decrease else {'decrease': 'dJ = J(V_{t+1}) - J(V_t) in float64 from both float32 iterates (d = (B1 - B0) A1 + B0 (A1 - A0)), dJerr from the standard float64 bounds'}),
           dtype='float32', scalarDtype='float64', backend=f'pytorch-{dev.type}',
           backendDetail=f'PyTorch {torch.__version__} on ' + (torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'the CPU'),
           description=f'quadratic 1/2 ||W - C||_H^2 written by PyTorch, W {m} x {n}, H in [{hmin}, {Lloss}], C of rank {k}',
           created=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())))

U64 = 2.0 ** -53
gamma = lambda k: k * U64 / (1 - k * U64)
H64, C64d = H.double(), C.double()

def decrease(B0, A0, B1, A1):
    # J(V_{t+1}) - J(V_t) = sum 1/2 H d (e_t + e_{t+1}), d = W_{t+1} - W_t from the factors' differences
    # (exact in float64: differences of float32 values), every product and sum in float64; the bound
    # takes gamma_k of k roundings on the sums of |terms| (any summation order), then the final sum.
    b0, a0, b1, a1 = (x.double() for x in (B0, A0, B1, A1))
    dB, dA = b1 - b0, a1 - a0
    d = dB @ a1 + b0 @ dA
    Dabs = dB.abs() @ a1.abs() + b0.abs() @ dA.abs()
    s_ = (b0 @ a0 - C64d) + (b1 @ a1 - C64d)
    Wabs = b0.abs() @ a0.abs() + b1.abs() @ a1.abs() + 2 * C64d.abs()
    term = 0.5 * H64 * d * s_
    g1, g2 = gamma(2 * r + 2), gamma(r + 2)
    bound = 0.5 * H64 * (g1 * Dabs * s_.abs() + (d.abs() + g1 * Dabs) * (g2 * Wabs + U64 * s_.abs())) + 3 * U64 * term.abs()
    return term.sum().item(), (bound.sum() + gamma(m * n + 2) * term.abs().sum()).item() * (1 + 1e-9)

def sync():
    if dev.type == 'cuda': torch.cuda.synchronize()

sync(); t0 = time.perf_counter()
for t in range(T + 1):
    E_ = B @ A - C
    HE = H * E_
    gB, gA = HE @ A.T, B.T @ HE  # grad_B, grad_A of J(B, A) = 1/2 <E, H o E>
    # float32 terms, float64 sums (the header's scalarDtype)
    s = torch.stack([(HE * E_).double().sum() / 2, B.double().square().sum() + A.double().square().sum(),
                     HE.double().square().sum(), gB.double().square().sum() + gA.double().square().sum()]).tolist()
    J, Vsq, Gnorm, gJsq = s[0], s[1], math.sqrt(s[2]), s[3]
    eta = min(1 / (4 * math.sqrt(2) * L * (Vsq + Gnorm)), 1)  # (8)
    rec = dict(type='step', t=t, J=J, Vsq=Vsq, Gnorm=Gnorm, gradJsq=gJsq, eta=eta)
    if not math.isfinite(J): break
    if t < T:
        B1, A1 = B - eta * gB, A - eta * gA
        if not a.no_decrease:
            dJ, dJerr = decrease(B, A, B1, A1)
            if math.isfinite(dJ) and math.isfinite(dJerr): rec.update(dJ=dJ, dJerr=dJerr)
        B, A = B1, A1
    rec['time_ms'] = (time.perf_counter() - t0) * 1000
    write(rec)
sync(); wall = time.perf_counter() - t0
write(dict(type='summary', steps=t, finalJ=J, diverged=not math.isfinite(J), wall_ms=wall * 1000))
out.close()
os.replace(partial, a.out)
print(f'{T} steps of {m} x {n}, r = {r} on {dev.type} in {wall:.2f} s ({T / wall:.1f} steps/s, every record read back); J {s[0]:.6g}; trace: {a.out}')
