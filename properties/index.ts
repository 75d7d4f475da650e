/**
 * properties/: the door of the folder (fast-check keeps its public surface in one index the
 * same way): everything cli/ and bench/ use of the arbitraries, the check engine, the
 * counterexample corpus, search / ablation / tightness across worker threads (search/) and
 * the SMT engine (prove/) is re-exported here, and other folders import properties only
 * through this file (test/imports.test.ts checks it). Files inside properties/ import each
 * other directly, never this file. ENGINE.md tells how the parts fit.
 */
export { claimArbitrary } from './inputs.ts';
export { setUserLoss, userLoss, resolveUserLoss, lossInfo, lossSkipReason, defaultMode, LossSetupError, type ResolvedLoss } from './user-loss.ts';
export { checkClaim, type EngineResult, type Progress } from './engine.ts';
export { evaluateCase, labelFamily } from './_internals/evaluate.ts';
export { parseShard, type Shard } from './_internals/seeds.ts';
export { freshSeed } from '../numeric/random.ts';
export { stopPlugin } from './_internals/stop.ts';
export { CORPUS_DIR, corpusPath, readCorpus, knownFailure, entryFromResult, withEntry, replayEntry, CorpusError } from './corpus.ts';
export { WorkerPool, defaultWorkers } from './search/pool.ts';
export { HANDLER, search, type SearchOutcome, type SearchProgress } from './search/search.ts';
export { finishFailure, type Found } from './search/handler.ts';
export { shardText } from './search/seeds.ts';
export { ablate, ablationPlan, type Skipped } from './search/ablate.ts';
export { isInequality } from './search/tighten.ts';
export { tightenClaims } from './search/tighten-run.ts';
export { PROVE_FILE, hasEncoding, mergeProofs, proveClaims, readProofs, proofOf, replayInput, releaseZ3 } from './prove/index.ts';
