/**
 * A user's elementwise loss f(w, c), written in mathjs syntax: mathjs parses it, derives f'
 * and f'' (d/dw) symbolically and prints it as LaTeX (toTex); the trees are then converted
 * into loracheck's own (numeric/expr/tree.ts) so that every field evaluates them
 * (exact where the expression is rational, certified intervals in precise mode, float64 for
 * screening).
 *
 * The derivatives are mathjs' own rules, simplified with mathjs' default rules minus its
 * constant folding (which would turn log(2) into a double) plus an exact integer folding and
 * three identities (cosh^2 - sinh^2 = 1, 1 - sinh^2/cosh^2 = 1/cosh^2, sqrt(u)^2 = u) that keep
 * the interval bounds of numeric/expr/bounds.ts from blowing up on the tails. Only the
 * *formulas* come from mathjs; tests compare them with finite differences in precise mode.
 *
 * mathjs is loaded on first use (require is synchronous; the library takes most of a second to
 * load, which a run without --loss should not pay).
 */
import { createRequire } from 'node:module';
import { Rational } from '../rational.ts';
import { FUNCTIONS, mentions, needsTranscendental, substitute, type ENode, type FnName } from './tree.ts';

/** A bad expression: one line naming the problem and (1-based) position in the text. */
export class LossExprError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = 'LossExprError';
    this.position = position;
  }
}

export interface ParsedLoss {
  /** The text as given (trimmed). */
  readonly text: string;
  /** mathjs toTex of f. */
  readonly tex: string;
  readonly f: ENode;
  /** df/dw and d^2f/dw^2 (mathjs derivative, simplified as above). */
  readonly df: ENode;
  readonly d2f: ENode;
  /** The same with w = x + c, simplified again (the bounds use them when c drops out). */
  readonly fx: ENode;
  readonly dfx: ENode;
  readonly d2fx: ENode;
  readonly dfText: string;
  readonly d2fText: string;
  /** mathjs toTex of f' and f''. */
  readonly dfTex: string;
  readonly d2fTex: string;
  /** Whether some tree needs exp/log/trig (then the exact field cannot evaluate the loss). */
  readonly transcendental: boolean;
}

type MNode = any; // mathjs' MathNode (its types are not needed beyond these few fields)

interface MathJs {
  parse(text: string): MNode;
  derivative(node: MNode, v: string, opts?: { simplify: boolean }): MNode;
  simplify: ((node: MNode, rules?: unknown[]) => MNode) & { rules: unknown[] };
  ConstantNode: new (v: number) => MNode;
}

let mathjs: MathJs | undefined;
const MATHJS_PATH = 'LORACHECK_MATHJS_PATH';
function math(): MathJs {
  if (mathjs) return mathjs;
  const req = createRequire(import.meta.url);
  try {
    mathjs = req('mathjs') as MathJs;
    // Worker threads run a bundle from the temporary folder, where 'mathjs' does not resolve:
    // they inherit the path through the environment.
    process.env[MATHJS_PATH] ??= req.resolve('mathjs');
  } catch (e) {
    const path = process.env[MATHJS_PATH];
    if (!path) throw e;
    mathjs = req(path) as MathJs;
  }
  return mathjs;
}

const VARIABLES = ['w', 'c'];
const KNOWN_FNS: ReadonlySet<string> = new Set(FUNCTIONS);

/** 1-based position of the first whole-word occurrence of `name` in `text` (followed by "(" for a function). */
function positionOf(text: string, name: string, fn: boolean): number | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(^|[^A-Za-z0-9_])(${esc})${fn ? '\\s*\\(' : '(?![A-Za-z0-9_(])'}`).exec(text);
  return m ? m.index + m[1]!.length + 1 : undefined;
}

function at(text: string, pos: number | undefined): string {
  return pos === undefined ? '' : ` at position ${pos}`;
}

const OPS: Record<string, '+' | '-' | '*' | '/' | '^'> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^' };

/** mathjs node -> ENode, validating variables, functions and operators against `text` (for positions). */
function convert(node: MNode, text: string, what: string): ENode {
  const fail = (msg: string, pos?: number, hint = ''): never => {
    throw new LossExprError(`loss "${text}": ${msg}${at(text, pos)}${what === 'f' || what === 'f(x + c)' ? '' : ` (in ${what})`}${hint}`, pos);
  };
  const go = (n: MNode): ENode => {
    switch (n.type) {
      case 'ParenthesisNode':
        return go(n.content);
      case 'ConstantNode': {
        if (typeof n.value !== 'number' || !Number.isFinite(n.value)) return fail(`constant ${JSON.stringify(n.value)} is not a finite number`);
        // A literal is read as the decimal it was written as (0.1 is 1/10, not the nearest double).
        return { k: 'num', q: Rational.parse(String(n.value)) };
      }
      case 'SymbolNode': {
        if (VARIABLES.includes(n.name)) return { k: 'var', name: n.name };
        if (n.name === 'x' && what !== 'f') return { k: 'var', name: 'x' };
        if (n.name === 'pi' || n.name === 'e') return { k: 'const', name: n.name };
        if (KNOWN_FNS.has(n.name)) return fail(`function ${n.name} used without an argument`, positionOf(text, n.name, false));
        return fail(`unknown variable ${n.name}`, positionOf(text, n.name, false), ' (the loss may use only w, the entry of W, and c, the entry of the target C)');
      }
      case 'OperatorNode': {
        const args: MNode[] = n.args;
        if (n.fn === 'unaryMinus' && args.length === 1) return { k: 'neg', a: go(args[0]) };
        if (n.fn === 'unaryPlus' && args.length === 1) return go(args[0]);
        const op = OPS[n.fn];
        if (!op || args.length < 2) return fail(`operator ${n.op} is not supported (use + - * / ^)`, text.indexOf(n.op) >= 0 ? text.indexOf(n.op) + 1 : undefined);
        if (op === '^' && args.length !== 2) return fail('^ takes two operands');
        // mathjs may build n-ary + and * after simplification: fold left.
        let acc = go(args[0]);
        for (const a of args.slice(1)) acc = { k: 'bin', op, a: acc, b: go(a) };
        return acc;
      }
      case 'FunctionNode': {
        const name: string = n.fn?.name ?? String(n.fn);
        const pos = positionOf(text, name, true);
        if (!KNOWN_FNS.has(name)) {
          const why = name === 'abs' || name === 'max' || name === 'min' || name === 'sign' ? ' (not differentiable everywhere)' : '';
          return fail(`unknown function ${name}${why}`, pos, `; supported: ${FUNCTIONS.join(', ')}`);
        }
        if (n.args.length !== 1) return fail(`function ${name} takes one argument, got ${n.args.length}`, pos, name === 'log' ? ' (for another base write log(x) / log(b))' : '');
        return { k: 'fn', name: name as FnName, a: go(n.args[0]) };
      }
      default:
        return fail(`${n.type ?? 'this'} is not part of an expression in w and c`);
    }
  };
  return go(node);
}

/** mathjs' integer constant folding, exact and bottom-up (its own folding would also evaluate
 *  log(2) to a double). */
function intVal(n: MNode): number | undefined {
  if (n.type === 'ConstantNode') return Number.isInteger(n.value) ? (n.value as number) : undefined;
  if (n.type === 'ParenthesisNode') return intVal(n.content);
  if (n.type === 'OperatorNode' && n.fn === 'unaryMinus' && n.args[0].type === 'ConstantNode') {
    const v = intVal(n.args[0]);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

function foldIntegers(node: MNode): MNode {
  const { ConstantNode } = math();
  const fold = (n: MNode): MNode => {
    const m = n.type === 'OperatorNode' || n.type === 'ParenthesisNode' || n.type === 'FunctionNode' ? n.map((c: MNode) => fold(c)) : n;
    if (m.type === 'ParenthesisNode' && intVal(m.content) !== undefined) return m.content;
    if (m.type !== 'OperatorNode') return m;
    const vals = m.args.map(intVal);
    if (vals.some((v: number | undefined) => v === undefined)) return m;
    let r: number | undefined;
    if (m.fn === 'unaryMinus') {
      if (m.args[0].type === 'ConstantNode') return m; // already -k
      r = -vals[0];
    } else if (m.fn === 'add') r = vals.reduce((s: number, v: number) => s + v, 0);
    else if (m.fn === 'multiply') r = vals.reduce((s: number, v: number) => s * v, 1);
    else if (m.fn === 'subtract') r = vals[0] - vals[1];
    else if (m.fn === 'pow' && vals[1] >= 0 && vals[1] <= 64) r = vals[0] ** vals[1];
    // a negative result stays -k (mathjs prints and matches unary minus, not negative constants)
    if (r === undefined || !Number.isSafeInteger(r)) return m;
    if (r === -0) r = 0;
    return r < 0 ? math().parse(`-${-r}`) : new ConstantNode(r);
  };
  return fold(node);
}

const IDENTITIES = [
  'cosh(n)^2 - sinh(n)^2 -> 1',
  'n1 * cosh(n)^2 - n1 * sinh(n)^2 -> n1',   'n1 - sinh(n)^2 / cosh(n)^2 -> n1 - 1 + 1 / cosh(n)^2',
  'sqrt(n)^2 -> n',
];

function rules(): unknown[] {
  const { simplify } = math();
  const base = simplify.rules.filter((r) => !(typeof r === 'function' && r.name === 'simplifyConstant'));
  return [foldIntegers, ...IDENTITIES, ...base, foldIntegers];
}

function simplified(node: MNode): MNode {
  try {
    return math().simplify(node, rules());
  } catch {
    return node; // simplification is a convenience: the unsimplified derivative is the same function
  }
}

function deriv(node: MNode, text: string, what: string): MNode {
  try {
    return simplified(math().derivative(node, 'w', { simplify: false }));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const fn = /function "([^"]+)"/.exec(msg)?.[1];
    throw new LossExprError(`loss "${text}": cannot differentiate${fn ? ` ${fn}` : ''} (${what})${at(text, fn ? positionOf(text, fn, true) : undefined)}`);
  }
}

const cache = new Map<string, ParsedLoss>();

/** Parses and differentiates a loss; throws LossExprError (one line, with the position) on a bad one. */
export function parseLoss(input: string): ParsedLoss {
  const text = input.trim();
  const hit = cache.get(text);
  if (hit) return hit;
  if (text === '') throw new LossExprError('loss "": empty expression (write f(w, c), e.g. log(cosh(w - c)))', 1);
  const M = math();
  let node: MNode;
  try {
    node = M.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const ch = (e as { char?: number }).char;
    const pos = typeof ch === 'number' ? ch : Number(/char (\d+)/.exec(msg)?.[1]) || undefined;
    throw new LossExprError(`loss "${text}": syntax error: ${msg.replace(/\s*\(char \d+\)/, '')}${at(text, pos)}`, pos);
  }
  if (node.type === 'AssignmentNode' || node.type === 'FunctionAssignmentNode' || node.type === 'BlockNode')
    throw new LossExprError(`loss "${text}": write an expression in w and c, not an assignment`, 1);
  const f = convert(node, text, 'f');
  if (!mentions(f, 'w')) throw new LossExprError(`loss "${text}": the loss does not depend on w`, 1);
  const d1 = deriv(node, text, "f'");
  const d2 = deriv(d1, text, "f''");
  const df = convert(d1, text, "f'");
  const d2f = convert(d2, text, "f''");
  // w = x + c: when c drops out, f'' (and f) are functions of w - c alone.
  const shift = (n: MNode) => simplified(n.transform((s: MNode) => (s.type === 'SymbolNode' && s.name === 'w' ? M.parse('(x + c)') : s)));
  const fx = convert(shift(node), text, 'f(x + c)');
  const dfx = convert(shift(d1), text, "f'");
  const d2fx = convert(shift(d2), text, "f''");
  const parsed: ParsedLoss = {
    text,
    tex: node.toTex({ parenthesis: 'keep' }),
    f,
    df,
    d2f,
    fx: mentions(fx, 'c') ? substitute(f, 'w', xPlusC) : fx,
    dfx: mentions(dfx, 'c') ? substitute(df, 'w', xPlusC) : dfx,
    d2fx: mentions(d2fx, 'c') ? substitute(d2f, 'w', xPlusC) : d2fx,
    dfText: d1.toString(),
    d2fText: d2.toString(),
    dfTex: d1.toTex({ parenthesis: 'auto' }),
    d2fTex: d2.toTex({ parenthesis: 'auto' }),
    transcendental: [f, df].some(needsTranscendental),
  };
  cache.set(text, parsed);
  return parsed;
}

const xPlusC: ENode = { k: 'bin', op: '+', a: { k: 'var', name: 'x' }, b: { k: 'var', name: 'c' } };
