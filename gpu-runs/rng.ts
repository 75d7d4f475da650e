/**
 * Seeded random numbers for the trainer: the initial adapters, the frozen W0, mini-batch
 * order and synthetic targets are drawn here in plain JS, so that one seed gives the same
 * run on every backend (tfjs' own random ops differ between backends).
 */

/** The state of an Rng: xoshiro128**'s four words and the pending second value of a Box-Muller pair. */
export interface RngState {
  s: [number, number, number, number];
  spare: number | undefined;
}

/** xoshiro128** (Blackman & Vigna): small state, good 32-bit output, fast in JS. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number) {
    // splitmix32 expands the seed so that nearby seeds give unrelated streams.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, k). */
  int(k: number): number {
    return Math.floor(this.uniform() * k);
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const rad = Math.sqrt(-2 * Math.log(u));
    this.spare = rad * Math.sin(2 * Math.PI * v);
    return rad * Math.cos(2 * Math.PI * v);
  }

  /** n draws of N(0, sigma^2) as float32: the same numbers as n calls of sigma * normal()
   *  (a pending spare first, then whole pairs, cosine value before sine value), in a tight
   *  loop (RAC-LoRA draws 65,536 of them a step at 4096 x 4096, r = 16). */
  gaussian(n: number, sigma: number): Float32Array {
    const out = new Float32Array(n);
    let i = 0;
    if (n > 0 && this.spare !== undefined) {
      out[i++] = sigma * this.spare;
      this.spare = undefined;
    }
    for (; i + 1 < n; i += 2) {
      let u = 0;
      while (u === 0) u = this.uniform();
      const v = this.uniform();
      const rad = Math.sqrt(-2 * Math.log(u));
      out[i] = sigma * (rad * Math.cos(2 * Math.PI * v));
      out[i + 1] = sigma * (rad * Math.sin(2 * Math.PI * v));
    }
    if (i < n) out[i] = sigma * this.normal();
    return out;
  }

  /** The whole state (four words and a pending normal), to continue the stream elsewhere (a worker thread). */
  state(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** A generator that continues the stream of the one whose state() this was. */
  static fromState(st: RngState): Rng {
    const g = new Rng(0);
    [g.s0, g.s1, g.s2, g.s3] = st.s;
    g.spare = st.spare;
    return g;
  }

  /** Advances the stream exactly as gaussian(n, sigma) does, without computing the values (the
   *  zero-rejection of u still reads each u; an odd n's last value is drawn by normal(), whose pair
   *  leaves its spare pending). */
  skipGaussian(n: number): void {
    let i = 0;
    if (n > 0 && this.spare !== undefined) {
      this.spare = undefined;
      i = 1;
    }
    for (; i + 1 < n; i += 2) {
      while (this.nextU32() === 0);
      this.nextU32();
    }
    if (i < n) this.normal();
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
