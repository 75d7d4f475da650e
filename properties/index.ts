/**
 * properties/: the door of the folder (fast-check keeps its public surface in one index the
 * same way): everything cli/ and bench/ use of the arbitraries, the check engine, the
 * counterexample corpus, search / ablation / tightness across worker threads (search/) and
 * the SMT engine (prove/) is re-exported here, and other folders import properties only
 * through this file (test/imports.test.ts checks it). Files inside properties/ import each
 * other directly, never this file. ENGINE.md tells how the parts fit.
 */
export { claimArbitrary } from './inputs.ts';
export { setUserLoss, resolveUserLoss, lossInfo, lossSkipReason, defaultMode, LossSetupError, type ResolvedLoss } from './user-loss.ts';
export { type EngineResult } from './engine.ts';
export { evaluateCase, labelFamily } from './_internals/evaluate.ts';
export { parseShard, type Shard } from './_internals/seeds.ts';
export { freshSeed } from '../numeric/random.ts';
export { stopPlugin } from './_internals/stop.ts';
export { CORPUS_DIR, readCorpus, replayEntry, CorpusError } from './corpus.ts';
export { WorkerPool } from './search/pool.ts';
export { HANDLER, search, type SearchProgress } from './search/search.ts';
export { shardText } from './search/seeds.ts';
export { ablate, ablationPlan } from './search/ablate.ts';
export { isInequality } from './search/tighten.ts';
export { tightenClaims, violates as tightnessViolates } from './search/tighten-run.ts';
export { PROVE_FILE, hasEncoding, proveClaims, readProofs, releaseZ3 } from './prove/index.ts';
export { capWorkers } from './search/pool.ts';
export { ABLATE_ROWS, type AblationDoc, PROVE_ROWS, TIGHTEN_ROWS, type TightnessDoc, ablationDoc, proveDoc, tightnessDoc } from './result-files.ts';
export { rowsJob } from './rows-job.ts';
export { type CheckEntry, SelectionError, runCheck, selectClaims } from './check-run.ts';
export { type SearchRun, mergeSearchFiles, runSearch, searchFileName } from './search/search-run.ts';
