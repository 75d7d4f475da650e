/**
 * The examples `--help` prints for the commands of the claims side (README, "Commands" and the
 * sections after it, runs them): kept here so that the command files stay thin; a test parses
 * every one with its command's flags.
 */
type Examples = readonly { run: string; does: string }[];

export const CLAIMS_EXAMPLES: Examples = [
  { run: 'npx loracheck claims', does: 'every claim: id, paper reference, hypotheses, statement' },
  { run: 'npx loracheck claims --json', does: 'the same with the LaTeX, the hypotheses spelled out and where each formula comes from' },
];

export const PROVE_EXAMPLES: Examples = [
  { run: 'npx loracheck prove --claim L34.s22.amgm1', does: "(22)'s first AM-GM line as printed: refuted, with an exact witness and the command that replays it" },
  { run: 'npx loracheck prove --claim L34 --drop L_ge_1', does: 'Lemma 3.4 without L >= 1: refuted on 1x1 quadratics' },
  { run: 'npx loracheck prove --json --timeout 2', does: 'every claim with an encoding, 2 s of solver time each' },
];

export const CHECK_EXAMPLES: Examples = [
  { run: 'npx loracheck check --claim L34 --runs 500 --seed 42', does: 'Lemma 3.4 on 500 exact cases; the same seed and runs replay them' },
  { run: 'npx loracheck check --mode float64 --seconds 5', does: 'every claim, 5 s of float64 screening each (failures re-checked exactly)' },
  { run: `npx loracheck check --claim L34 --input '{"loss":{"family":"quadratic","m":1,"n":1,"d":["1/16"],"u":[],"C":{"rows":1,"cols":1,"data":["-46"]},"L":"1/15","Lstar":0},"V":{"rows":2,"cols":1,"data":["-1","-1"]}}'`, does: 'one input exactly (a witness as prove, search or check print it): here Lemma 3.4 failing at L = 1/15 < 1' },
  { run: "npx loracheck check --loss 'log(cosh(w - c))' --claim L33 --claim L34 --claim E23", does: 'three claims on a loss of your own (L and L* certified from the expression)' },
];

export const SEARCH_EXAMPLES: Examples = [
  { run: 'npx loracheck search --claim L34 --drop L_ge_1 --seconds 20', does: 'Lemma 3.4 without L >= 1: the solver first, then sampling and the ascent; a witness is shrunk and saved' },
  { run: 'npx loracheck search --claim L34.s22.amgm2 --smt 0 --seconds 10', does: "(22)'s second AM-GM line as printed, by sampling and the ascent only" },
  { run: 'npx loracheck search --claim L33 --seed 7 --shard 1/4 --seconds 600', does: 'slice 1 of 4 of one search (run 2/4 .. 4/4 elsewhere with the same seed, then search --merge FILE...)' },
];

export const ABLATE_EXAMPLES: Examples = [
  { run: 'npx loracheck ablate --claim L34 --seconds 4', does: 'each hypothesis of Lemma 3.4 dropped in turn: load-bearing (with a witness), not needed or not shown' },
  { run: "npx loracheck ablate --claim E23 --loss 'sqrt(1 + (w - c)^2) - 1' --seconds 8", does: "(23)'s hypotheses on a loss of your own" },
];

export const TIGHTEN_EXAMPLES: Examples = [
  { run: 'npx loracheck tighten --claim L34 --seconds 8 --seed 1', does: 'the 1/4 of (9): the worst case found (about 0.91), certified, beside the printed constant' },
  { run: 'npx loracheck tighten --smt 0 --seconds 5', does: 'every inequality, 5 s each, without the SMT bracket' },
];
