/**
 * properties/: fast-check arbitraries for every claim input, the check engine, and the
 * counterexample corpus. The public surface is this file; internals live in _internals/.
 * See ENGINE.md for how issue 4 (search, ablation, tightness) builds on it.
 */
export { simpleRational, entry, asNum, factorOneTwo, factorBelowOne, logUniform, shortDyadic, SIMPLE_DENOMINATORS, DYADIC_DENOMINATORS, denominatorsFor, type SignConstraint } from './scalars.ts';
export { sizes, size, profileFor, type Sizes, type Profile } from './sizes.ts';
export { matrix, symmetricMatrix, squareMatrix, blockGrids, blockMatrix, headSide, buffer, grid, symmetricGrid, gridVector, type Buffer, type BlockGrids } from './matrices.ts';
export { lossDesc, lossRaw, buildLoss, twoLossRaw, buildTwoLoss, familiesFor, statedL, statedLstar, type LossFamily, type LossRaw, type TwoLossRaw } from './losses.ts';
export { freeEta, etaFactor, etaRelativeTo8, steps } from './steps.ts';
export {
  claimArbitrary,
  inputArbitrary,
  kindProfile,
  amgmInput,
  squareInput,
  blockInput,
  loraInput,
  loraPairInput,
  lossPointInput,
  loraRunInput,
  twoPairInput,
  twoLoraInput,
  vGrids,
  vFrom,
  type ClaimArbitraryOptions,
  type InputOptions,
} from './inputs.ts';
export { setUserLoss, userLoss, resolveUserLoss, lossInfo, lossFlags, lossSkipReason, defaultMode, LossSetupError, type UserLoss, type ResolvedLoss } from './user-loss.ts';
export { checkClaim, defaultRuns, type CheckOptions, type EngineResult, type Progress, type FailureSnapshot } from './engine.ts';
export { evaluateCase, confirm, confirmModeFor, failingFamilies, labelFamily, tighter, type CaseOutcome, type CaseStatus, type Confirmation } from './_internals/evaluate.ts';
export { replayCommand, makeWitness, describeSizes, violated, type ReplaySpec } from './_internals/witness.ts';
export { deriveSeed, parseShard, shardSeed, type Shard } from './_internals/seeds.ts';
export { freshSeed } from '../numeric/random.ts';
export { stopPlugin, type StopCondition } from './_internals/stop.ts';
export { droppedSet, type Dropped } from './_internals/dropped.ts';
export {
  CORPUS_DIR,
  CORPUS_SCHEMA,
  corpusPath,
  readCorpus,
  listCorpora,
  emptyCorpus,
  findKnown,
  knownFailure,
  correctionOf,
  entryFromResult,
  withEntry,
  replayEntry,
  replayCorrected,
  replayMode,
  CorpusError,
  type CorpusEntry,
  type CorpusFile,
  type KnownVerdict,
  type ReplayOutcome,
} from './corpus.ts';
