/** Catalogue claims with even index (see _internals/claim-suite.ts). */
import { describe } from 'vitest';
import { claimSuite } from './_internals/claim-suite.ts';

describe('claims (part 1 of 2)', () => claimSuite(0, 2));
