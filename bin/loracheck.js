#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx (a runtime dependency), so that a
// fresh `npm install` is all a user needs.
import { register } from 'tsx/esm/api';

register();
// `loracheck claims | head`: a reader that stops early is not an error
for (const s of [process.stdout, process.stderr]) s.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 3));
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
