import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotWritable, checkWritableDir, checkWritableFile, writeAtomic } from './atomic.ts';
import { oneLine, safeText } from './escape.ts';
import { onInterrupt } from './interrupt.ts';
import { Rate } from './progress.ts';

describe('runtime/atomic', () => {
  it('refuses a results path that is a file, naming the flag', () => {
    const d = mkdtempSync(join(tmpdir(), 'lc-rt-'));
    const f = join(d, 'file');
    writeFileSync(f, 'x');
    expect(() => checkWritableDir(f, '--results')).toThrow(NotWritable);
    expect(() => checkWritableDir(join(f, 'below'), '--results')).toThrow(/--results: .* is a file/);
    expect(() => checkWritableFile(d, '--out')).toThrow(/is a folder/);
  });
  it.skipIf(process.getuid?.() === 0)('refuses a folder without write permission', () => {
    const d = mkdtempSync(join(tmpdir(), 'lc-rt-'));
    chmodSync(d, 0o555);
    expect(() => checkWritableDir(d, '--results')).toThrow(/permission denied/);
  });
  it.skipIf(!existsSync('/proc/self'))('refuses a folder the system cannot create (/proc/x) at once, where mkdir -p of Node 20 never returns', () => {
    // in a child with a time limit: the hang is a synchronous loop no test timeout can stop
    const code = "import('./runtime/atomic.ts').then((m) => { try { m.checkWritableDir('/proc/lc-none', '--results'); } catch (e) { console.log(e.message); } })";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('--results: /proc/lc-none cannot be created (ENOENT: the system has no folders there)');
  });
  it('leaves no probe or temp file behind, and replaces the file whole', () => {
    const d = mkdtempSync(join(tmpdir(), 'lc-rt-'));
    checkWritableDir(d, '--results');
    writeAtomic(join(d, 'a.json'), 'one');
    writeAtomic(join(d, 'a.json'), 'two');
    expect(readdirSync(d)).toEqual(['a.json']);
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('two');
  });
});

describe('runtime/interrupt endBySignal', () => {
  it('ends the process as the signal would: the parent sees SIGINT, no exit handler runs (process.exit ran native teardown while Dawn had work in flight: SIGSEGV)', () => {
    // the child listens for SIGINT (as loracheck's handler does) and would print on a normal exit
    const code = "process.on('SIGINT', () => {}); process.on('exit', () => console.log('exit handlers ran')); import('./runtime/interrupt.ts').then((m) => { console.log('raising'); m.endBySignal('SIGINT'); })";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout.trim()).toBe('raising');
    expect(r.signal).toBe('SIGINT');
    expect(r.status).toBeNull();
  });
});

describe('runtime/escape', () => {
  it('makes terminal control sequences visible', () => {
    const evil = 'w\x1b]0;PWNED\x07\x1b[2J\u009b';
    expect(safeText(evil)).toBe('w\\x1b]0;PWNED\\x07\\x1b[2J\\x9b');
    expect(safeText('a\tb\nc')).toBe('a\tb\nc');
    expect(oneLine('a\tb\nc\r')).toBe('a\\tb\\nc\\r');
    expect(safeText('Ünïcode λ')).toBe('Ünïcode λ');
  });
});

describe('runtime/interrupt', () => {
  it('the first signal aborts and calls onFirst; dispose removes the listeners', () => {
    const before = process.listenerCount('SIGINT');
    const seen: string[] = [];
    const it1 = onInterrupt({ onFirst: (s) => seen.push(s) });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGTERM');
    expect(it1.signal.aborted).toBe(true);
    expect(it1.received).toBe('SIGTERM');
    expect(seen).toEqual(['SIGTERM']);
    it1.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('runtime/progress', () => {
  it('Rate gives a rate and an ETA once counts move', () => {
    const r = new Rate(100, 0);
    expect(r.update(0).etaMs).toBeUndefined();
    const start = performance.now();
    while (performance.now() - start < 5);
    const u = r.update(50);
    expect(u.perSecond).toBeGreaterThan(0);
    expect(u.etaMs).toBeGreaterThan(0);
    expect(u.fraction).toBe(0.5);
  });
});
