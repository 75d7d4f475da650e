import fc from 'fast-check';
import { simpleRational } from '../scalars.ts';
const xs = fc.sample(simpleRational(), { numRuns: 5000, seed: 3 });
console.log('P(0)=', xs.filter(x => x.isZero()).length / xs.length);
const ys = fc.sample(fc.array(simpleRational(), {minLength: 16, maxLength: 16}), { numRuns: 2000, seed: 3 });
console.log('P(first entry 0 in array)=', ys.filter(a => a[0].isZero()).length / ys.length, 'P(all zero)=', ys.filter(a => a.every(x=>x.isZero())).length/ys.length);
