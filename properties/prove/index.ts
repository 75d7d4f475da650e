/**
 * properties/prove/: the SMT engine. A claim's own sides (theory/) evaluated over a field of Z3
 * terms (numeric/z3-field.ts), as a scalar form (every input) or on fixed-size classes of
 * inputs (classes.ts), decided by Z3's nlsat; models become exact counterexamples only after
 * the exact field confirms them. z3-solver loads on first use (z3.ts).
 */
export { proveClaim, proveClaims, unionText } from './prove.ts';
export { hasEncoding } from './encode.ts';
export { releaseZ3 } from './z3.ts';
export { PROVE_FILE, mergeProofs, readProofs } from './file.ts';
export { bracketConstant } from './bracket.ts';
