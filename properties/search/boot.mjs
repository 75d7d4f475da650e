// Worker-thread entry. Worker threads do not inherit the tsx loader that bin/loracheck.js
// registers on the main thread (nor vitest's transform), so each worker registers tsx
// itself and then imports the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
