import type { Command } from '../command.ts';
import { CLAIMS_EXAMPLES } from '../help-examples.ts';
import { CATALOGUE } from '../../theory/index.ts';
import { claimInfo } from '../../theory/claim.ts';

export const command: Command = {
  spec: {
    name: 'claims',
    summary: 'List the claim catalogue: id, paper reference, hypotheses, LaTeX.',
    usage: 'claims [--json]',
    examples: CLAIMS_EXAMPLES,
    flags: { json: { type: 'boolean', help: 'print one JSON document' } },
  },
  async run({ flags }) {
    const infos = CATALOGUE.map(claimInfo);
    if (flags.json) {
      console.log(JSON.stringify({ claims: infos }, null, 2));
      return 0;
    }
    const w = Math.max(...infos.map((c) => c.id.length)) + 2;
    for (const c of infos) {
      console.log(`${c.id.padEnd(w)}${c.paper}  [${c.hypotheses.join(', ') || 'no hypotheses'}]`);
      console.log(`${' '.repeat(w)}${c.title}`);
    }
    console.log(`\n${infos.length} claims. 'loracheck claims --json' adds the LaTeX of each statement.`);
    return 0;
  },
};
