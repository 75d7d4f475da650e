#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx (a runtime dependency), so that a
// fresh `npm install` is all a user needs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
