/** Catalogue claims with odd index (see _internals/claim-suite.ts). */
import { describe } from 'vitest';
import { claimSuite } from './_internals/claim-suite.ts';

describe('claims (part 2 of 2)', () => claimSuite(1, 2));
