// Worker-thread entry of SketchAhead (sketch-draw.ts). Worker threads do not inherit the tsx
// loader that bin/loracheck.js registers on the main thread (nor vitest's transform), so the
// thread registers tsx itself and then imports sketch-draw.ts, which serves the sketches.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveSketches } = await import(workerData.module);
serveSketches(parentPort);
