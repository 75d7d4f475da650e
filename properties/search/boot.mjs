// Worker-thread entry when no prebuilt bundle is available (see bundle.ts). Worker threads
// do not inherit the tsx loader that bin/loracheck.js registers on the main thread (nor
// vitest's transform), so each worker registers tsx itself and then imports the harness
// and the handler module, both TypeScript.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serve } = await import(workerData.harness);
const { handle } = await import(workerData.handler);
serve(handle);
