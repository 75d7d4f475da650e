/**
 * Ctrl-C (a real SIGINT to the real binary) during `check`, `ablate` and `search`: the first
 * one stops promptly, and the result file never shrinks: claims and rows not redone keep their
 * earlier entries (marked fromEarlierRun), the claim in progress stays as a partial entry, and
 * the file says interrupted: true.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'loracheck.js');

/** Starts the binary, sends SIGINT once `ready` matches stderr (plus `delayMs`), and times the
 *  exit from the signal. */
function interrupted(args: string[], ready: RegExp, delayMs: number, signals = 1): Promise<{ code: number | null; stdout: string; stderr: string; stopMs: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    const kill = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => {
      stderr += d;
      if (!sentAt && ready.test(stderr)) {
        sentAt = -1;
        setTimeout(() => {
          sentAt = Date.now();
          // two signals back to back: the second arrives before the first's stop has written anything
          for (let k = 0; k < signals; k++) p.kill('SIGINT');
        }, delayMs);
      }
    });
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, stopMs: sentAt > 0 ? Date.now() - sentAt : Number.NaN });
    });
  });
}

describe('Ctrl-C keeps what was there', () => {
  it('check: the claim in progress is a partial entry, earlier claims stay, interrupted: true, prompt exit 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-int-'));
    const earlier = {
      kind: 'check',
      schema: 1,
      env: {},
      claims: [],
      results: ['A1', 'E19', 'L33'].map((id) => ({ id, mode: 'exact', verdict: 'verified', cases: 7, nonTrivial: 7, undecided: 0, seed: 1, budget: { runs: 7 }, timeMs: 1, replay: 'x' })),
    };
    writeFileSync(join(dir, 'check.json'), JSON.stringify(earlier));
    const r = await interrupted(['check', '--claim', 'L33', '--claim', 'A1', '--seconds', '60', '--seed', '4', '--results', dir, '--corpus', join(dir, 'corpus')], /L33/, 1500);
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(5000);
    const doc = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8'));
    expect(doc.interrupted).toBe(true);
    const byId = new Map(doc.results.map((x: { id: string }) => [x.id, x]));
    expect(byId.size).toBe(3);
    expect(byId.get('L33')).toMatchObject({ partial: true });
    expect((byId.get('L33') as { cases: number }).cases).toBeGreaterThan(7);
    expect((byId.get('L33') as { fromEarlierRun?: boolean }).fromEarlierRun).toBeUndefined();
    expect(byId.get('A1')).toMatchObject({ fromEarlierRun: true, cases: 7 });
    expect(byId.get('E19')).toMatchObject({ fromEarlierRun: true, cases: 7 });
    expect(r.stdout).toMatch(/L33 partial; 2 claims kept from the earlier file/);
  });

  it('ablate: the rows of the earlier file stay (marked), interrupted: true', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-int-'));
    const row = (claim: string, hypothesis: string) => ({ claim, hypothesis, status: 'not-shown', cases: 3, seconds: 1, reason: 'r' });
    writeFileSync(join(dir, 'ablate.json'), JSON.stringify({ kind: 'ablate', schema: 1, env: {}, rows: [row('GV', 'smooth'), row('L33', 'smooth')] }));
    const r = await interrupted(['ablate', '--claim', 'GV', '--seconds', '60', '--smt', '0', '--workers', '1', '--seed', '3', '--results', dir], /GV without/, 2500);
    expect(r.stopMs).toBeLessThan(8000);
    expect(r.code).toBe(130);
    const doc = JSON.parse(readFileSync(join(dir, 'ablate.json'), 'utf8'));
    expect(doc.interrupted).toBe(true);
    expect(doc.rows.length).toBeGreaterThanOrEqual(2);
    expect(doc.rows.find((x: { claim: string }) => x.claim === 'L33')).toMatchObject({ fromEarlierRun: true });
  });

  it('search --workers 1000: capped at the cores (one line), keeps its budget, and the first Ctrl-C stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-int-'));
    const t0 = Date.now();
    // L33 holds: nothing is found, so the search runs to its budget; generous bounds (the fault took minutes and 10 GB)
    const r = await interrupted(['search', '--claim', 'L33', '--workers', '1000', '--seconds', '60', '--smt', '0', '--seed', '1', '--no-corpus', '--results', dir], /L33: \d+ cases/, 1000);
    expect(r.stderr).toMatch(new RegExp(`--workers 1000 capped at ${availableParallelism()}, the cores of this machine`));
    expect(r.stopMs).toBeLessThan(8000);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.code).toBe(130);
    const doc = JSON.parse(readFileSync(join(dir, 'search-L33.json'), 'utf8'));
    expect(doc.interrupted).toBe(true);
    expect(doc.workers).toBe(availableParallelism());
    expect(doc.cases).toBeGreaterThan(0);
  });

  it('search: a second Ctrl-C exits at once (130) and still leaves the counts so far in the result file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-int-'));
    // the periodic checkpoint comes every 10 s: at 1.5 s only the second signal's write can have made the file
    const r = await interrupted(['search', '--claim', 'L33', '--seconds', '60', '--smt', '0', '--workers', '1', '--seed', '1', '--no-corpus', '--results', dir], /L33: \d+ cases/, 1500, 2);
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(5000);
    const doc = JSON.parse(readFileSync(join(dir, 'search-L33.json'), 'utf8'));
    expect(doc.interrupted).toBe(true);
    expect(doc.cases).toBeGreaterThan(0);
  });

  it('verify: Ctrl-C in a stage stops the whole job with 130 and names the stage (it used to go on, or call it a failure)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-int-'));
    const r = await interrupted(['verify', '--budget', '0.02', '--no-fmnist', '--seed', '5', '--results', dir, '--out', join(dir, 'r.html')], /Check every claim/, 300);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted during "Check every claim"/);
    expect(r.stderr).not.toMatch(/\[3\/\d+\]/);
  });

  it('search --workers 1000 --seconds 2 keeps its budget (wall clock, worker start-up included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-int-'));
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'search', '--claim', 'L33', '--workers', '1000', '--seconds', '2', '--smt', '0', '--seed', '1', '--no-corpus', '--json', '--results', dir], { encoding: 'utf8', timeout: 60_000 });
    const wall = Date.now() - t0;
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.timeMs).toBeLessThan(2000 + 3000); // the grace a stuck worker gets (search.ts graceSeconds)
    expect(wall).toBeLessThan(20_000); // process start-up included; the fault took minutes
  });
});
