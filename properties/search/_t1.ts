import { claimById } from '/work/main/theory/index.ts';
import { tightenLoop, snap, certifyRatio } from '/work/main/properties/search/tighten.ts';
import { decode } from '/work/main/theory/codec.ts';
for (const id of process.argv.slice(2)) {
  const claim = claimById(id)!;
  const t0 = Date.now();
  const res = tightenLoop(claim, { claim: id, seed: 42, deadline: Date.now() + 3000 }, 0, 1, () => {}, () => false);
  const inp = decode(res.best!.input as any);
  const s = snap(claim, inp);
  const c = certifyRatio(claim, s.input);
  console.log(id, res.best!.ratio, res.restarts, res.evaluations, 'snapped', s.ratio, JSON.stringify(s.input).slice(0, 300), c, Date.now() - t0);
}
