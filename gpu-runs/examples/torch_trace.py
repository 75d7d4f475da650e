# A PyTorch LoRA loop that writes a loracheck trace (softmax regression, full batch, rule (8)).
# Run: python3 torch_trace.py trace.jsonl [float64|float32|float32+f64] && npx loracheck verify-trace trace.jsonl
import json, math, sys, torch
dtype = sys.argv[2] if len(sys.argv) > 2 else 'float64'     # the header's dtype decides what the verifier can resolve
f64 = dtype == 'float32+f64'; dtype = 'float32' if f64 else dtype   # float32 model, loss and norms evaluated in float64
torch.set_default_dtype(getattr(torch, dtype)); torch.manual_seed(0)
N, n, m, r, T = 500, 20, 4, 2, 200
X, y = torch.randn(N, n), torch.randint(0, m, (N,))
W0 = 0.1 * torch.randn(m, n)                                   # frozen
B, A = torch.zeros(m, r, requires_grad=True), (torch.randn(r, n) / n**0.5).requires_grad_()
L = max(torch.linalg.eigvalsh((X.T @ X / N).double()).max().item() / 2 * (1 + 1e-6), 1.0)  # CE: L <= lambda_max/2
out = open(sys.argv[1] if len(sys.argv) > 1 else 'trace.jsonl', 'w')
write = lambda d: out.write(json.dumps(d) + '\n')
write(dict(type='header', format='loracheck-trace', schema=1, workload='torch-softmax', m=m, n=n, r=r,
           L=L, Lstar=0, rule='theory', batch='full', dtype=dtype, **(dict(scalarDtype='float64', termDtype='float64') if f64 else {})))
up = (lambda x: x.double()) if f64 else (lambda x: x)
for t in range(T + 1):
    Bv, Av = (up(B).detach().requires_grad_(), up(A).detach().requires_grad_()) if f64 else (B, A)
    W = up(W0) + Bv @ Av; W.retain_grad()
    J = torch.nn.functional.cross_entropy(up(X) @ W.T, y); J.backward()
    Vsq = (Bv.square().sum() + Av.square().sum()).item(); G = W.grad.norm().item()   # ||V||^2, ||G||
    gJsq = (Bv.grad.square().sum() + Av.grad.square().sum()).item()                  # ||grad J||^2
    eta = min(1 / (4 * math.sqrt(2) * L * (Vsq + G)), 1)                               # (8)
    write(dict(type='step', t=t, J=J.item(), Vsq=Vsq, Gnorm=G, gradJsq=gJsq, eta=eta, time_ms=0))
    with torch.no_grad():
        B -= (eta * Bv.grad).to(B.dtype); A -= (eta * Av.grad).to(A.dtype); Bv.grad = Av.grad = None
write(dict(type='summary', steps=T, finalJ=J.item(), diverged=False, wall_ms=0))
