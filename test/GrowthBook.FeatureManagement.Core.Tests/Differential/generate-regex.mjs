// The regex corpus: random JavaScript patterns × inputs, with and without the i flag, answered by node through the
// JS SDK's own condition evaluation ($regex / $regexi), so the expected answers include getRegex's slash escaping
// and its "a pattern that does not compile is false".
//
//   npm ci && node generate-regex.mjs      # writes regex-corpus.json.gz beside this file
//
// Deterministic: one seeded PRNG (mulberry32), so the same seed, node and SDK give the same file.
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { createRandom } from "./prng.mjs";
import { evalCondition } from "@growthbook/growthbook";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const SEED = Number(process.env.REGEX_SEED ?? 20260907);
const PATTERNS = Number(process.env.REGEX_PATTERNS ?? 5000);
const OUT = process.argv[2] ?? join(here, "regex-corpus.json.gz");
console.error = () => {};

const { rnd, int, chance, pick } = createRandom(SEED);

// Characters that tell regex engines apart: ASCII, case pairs whose JS folding differs from .NET's or from Unicode's
// (Turkish i, German sharp s, Greek sigma, the Kelvin and Ångström signs, long s, micro sign, titlecase digraphs),
// line terminators, JS whitespace, astral characters and lone surrogates.
const CHARS = [
  "a", "b", "c", "k", "s", "x", "z", "A", "B", "K", "S", "X", "0", "1", "9", "_", "-", ".", " ", "/", "\\", "$", "^",
  "i", "I", "\u0131", "\u0130", "\u00DF", "\u1E9E", "\u03C3", "\u03C2", "\u03A3", "\u212A", "\u212B", "\u00E5", "\u00C5",
  "\u017F", "\u00B5", "\u039C", "\u03BC", "\u01C4", "\u01C5", "\u01C6", "\u00E9", "\u00C9", "\u0345", "\u0399", "\u1FBE",
  "\n", "\r", "\u2028", "\u2029", "\t", "\u00A0", "\uFEFF", "\u1680", "\u0085", "\u200B", "\u3000",
  "\uD83D\uDE00", "\uD83D", "\uDE00", "\uD801\uDC00", "\uD801\uDC28", "\u{1E900}", "\u0000", "\u007F", "\u00FF", "\uFFFF",
  // Case pairs of Unicode 16 and 17, newer than some .NET and ICU tables.
  "\uA7CB", "\u0264", "\u1C89", "\u1C8A", "\u019B", "\uA7DC", "\uA7CC", "\uA7CD",
];
const WORDS = ["ab", "abc", "kelvin", "Stra\u00DFe", "STRASSE", "\u03A3\u0391\u03A3", "\u03C3\u03B1\u03C2", "I\u0131\u0130i", "foo bar", "foo_bar1", "x-y.z", "2024-01-31", "a@b.io"];

const ESCAPES = [
  "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", ".", "\\n", "\\r", "\\t", "\\v", "\\f", "\\0", "\\01", "\\7", "\\8", "\\9", "\\a",
  "\\x41", "\\x4", "\\u0130", "\\u212A", "\\u017f", "\\uD83D", "\\uDE00", "\\u{41}", "\\cJ", "\\cj", "\\c1", "\\c", "\\/", "/",
  "\\k", "\\p{L}", "\\P", "\\-", "\\]", "\\{", "\\}", "\\|", "\\.", "\\*", "\\$", "\\^", "\\\\", "]", "{", "}", "{1", "{,2}",
];
const CLASSES = [
  "[a-z]", "[A-Z]", "[^a]", "[\\w-]", "[\\s\\S]", "[]", "[^]", "[k]", "[K]", "[\u017F]", "[\u00DF-\u1E9E]", "[\\b]", "[\\cA]",
  "[\\c1]", "[\\c_]", "[\\c!]", "[a-\\d]", "[\\d-z]", "[-a]", "[a-]", "[\u0131]", "[\u0130]", "[i]", "[I]", "[\u03C3]", "[\u03A3]",
  "[\u212A]", "[\\u212A]", "[\\w]", "[\\W]", "[^\\W]", "[^\\s]", "[\\x00-\\x7F]", "[\\u0100-\\uFFFF]", "[\\uD800-\\uDFFF]",
  "[.]", "[$^]", "[\\]]", "[\\\\]", "[\\B]", "[\\8]", "[\\01]", "[\\0]", "[\u00E0-\u00FF]", "[\\u00b5]",
];

// A random pattern as a small tree; sample() draws strings from the same tree, so inputs often match.
// A character the atom matches, when node can find one among CHARS (else any).
function sampler(source) {
  let re = null;
  try {
    re = new RegExp(`^(?:${source})$`);
  } catch {
    return () => pick(CHARS);
  }
  const matching = CHARS.filter(ch => re.test(ch));
  return () => (matching.length && chance(0.9) ? pick(matching) : pick(CHARS));
}

function atom(depth, ctx) {
  const r = rnd();
  if (r < 0.34) {
    const ch = pick(CHARS);
    return { s: ch.replace(/[\\^$.*+?()[\]{}|/]/g, m => (chance(0.8) ? "\\" + m : m)), gen: () => ch };
  }
  if (r < 0.46) { const e = pick(ESCAPES); return { s: e, gen: sampler(e) }; }
  if (r < 0.58) { const c = pick(CLASSES); return { s: c, gen: sampler(c) }; }
  if (r < 0.62) { const w = pick(WORDS); return { s: w.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"), gen: () => w }; }
  if (r < 0.67 && ctx.groups > 0) {
    const n = 1 + int(ctx.groups + 1);
    return { s: chance(0.8) ? "\\" + n : "\\" + n + "0", gen: () => "" , backref: true };
  }
  if (r < 0.69 && ctx.names.length) return { s: `\\k<${pick(ctx.names)}>`, gen: () => "", backref: true };
  if (r < 0.71) return { s: pick(["^", "$", "\\b", "\\B", "\\b", "\\b"]), gen: () => "", assertion: true };
  if (depth > 3) return { s: pick(CHARS) === "a" ? "a" : "b", gen: () => "a" };
  // groups
  const body = alternation(depth + 1, ctx);
  const g = rnd();
  if (g < 0.35) { ctx.groups++; return { s: `(${body.s})`, gen: body.gen }; }
  if (g < 0.5) return { s: `(?:${body.s})`, gen: body.gen };
  if (g < 0.6) {
    ctx.groups++;
    const name = pick(["a", "n", "\u00E9", "$x", "_1", "\u{1D49C}"]) + (ctx.names.length ? String(ctx.names.length) : "");
    const written = chance(0.3) ? [...name].map(ch => `\\u{${ch.codePointAt(0).toString(16)}}`).join("") : chance(0.3) ? name.replace(/^a/, "\\u0061") : name;
    ctx.names.push(name);
    return { s: `(?<${written}>${body.s})`, gen: body.gen };
  }
  const look = pick(["?=", "?!", "?<=", "?<!"]);
  return { s: `(${look}${body.s})`, gen: () => "", assertion: look.startsWith("?<") };
}

function term(depth, ctx) {
  const a = atom(depth, ctx);
  if (a.assertion || chance(0.6)) return a;
  const q = pick(["*", "+", "?", "{2}", "{1,3}", "{0,}", "{2,}", "*?", "+?", "??", "{0,2}?", "{3}", "{0}", "{1,1}"]);
  const [min, max] = q.startsWith("*") ? [0, 3] : q.startsWith("+") ? [1, 3] : q.startsWith("?") ? [0, 1]
    : (m => [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[2] === "" ? 3 : Number(m[2])])(q.match(/\{(\d+)(?:,(\d*))?\}/));
  return { s: a.s + q, gen: () => Array.from({ length: min + int(max - min + 1) }, a.gen).join("") };
}

function sequence(depth, ctx) {
  const n = 1 + int(depth === 0 ? 5 : 3);
  const terms = Array.from({ length: n }, () => term(depth, ctx));
  return { s: terms.map(t => t.s).join(""), gen: () => terms.map(t => t.gen()).join("") };
}

function alternation(depth, ctx) {
  const alts = [sequence(depth, ctx)];
  while (chance(depth === 0 ? 0.25 : 0.3) && alts.length < 4) alts.push(sequence(depth, ctx));
  return { s: alts.map(a => a.s).join("|"), gen: () => pick(alts).gen() };
}

// Case variants of a string: JS toUpperCase/toLowerCase and the pairs .NET folds differently.
const SWAPS = [["\u0264", "\uA7CB"], ["\u1C8A", "\u1C89"], ["k", "\u212A"], ["s", "\u017F"], ["\u00DF", "\u1E9E"], ["\u03C3", "\u03C2"], ["i", "\u0130"], ["I", "\u0131"], ["\u00E5", "\u212B"], ["\u00B5", "\u03BC"]];
function mutate(s) {
  const r = rnd();
  if (r < 0.2) return s.toUpperCase();
  if (r < 0.35) return s.toLowerCase();
  if (r < 0.55) { const [a, b] = pick(SWAPS); return chance(0.5) ? s.split(a).join(b) : s.split(b).join(a); }
  if (r < 0.7) { const i = int(s.length + 1); return s.slice(0, i) + pick(CHARS) + s.slice(i); }
  if (r < 0.8) { const i = int(Math.max(s.length, 1)); return s.slice(0, i) + s.slice(i + 1); }
  return pick(CHARS) + s + pick(CHARS);
}

const test = (pattern, input, insensitive) => evalCondition({ v: input }, { v: { [insensitive ? "$regexi" : "$regex"]: pattern } });
const compiles = (pattern, insensitive) => {
  try {
    new RegExp(pattern.replace(/([^\\])\//g, "$1\\/"), insensitive ? "i" : undefined);
    return true;
  } catch {
    return false;
  }
};

// Directed cases: the classes of issue 14 (captures reset per iteration, JS case-insensitive back-references, escaped
// group names) and edges of the grammar, each with inputs that tell the answers apart.
const DIRECTED = [
  ["^(?:(\\d)|x)*\\1$", ["1x", "11", "x", "1x1", "", "x1"]],
  ["^(?:(a)|b)*\\1$", ["ab", "aba", "abb", "b", "a", ""]],
  ["(?:(a)|(b))+\\1\\2", ["ab", "aab", "abab", "ba", "bab"]],
  ["^(?:(a)|b(?=\\1))*$", ["ab", "ba", "aba", "abab", "b"]],
  ["(k)\\1", ["kK", "k\u212A", "kk", "KK", "\u212Ak"]],
  ["(\u00DF)\\1", ["\u00DF\u1E9E", "\u00DF\u00DF", "\u1E9E\u1E9E", "\u00DFss"]],
  ["(\u03C3)\\1", ["\u03C3\u03C2", "\u03C3\u03A3", "\u03C2\u03C2", "\u03C3\u03C3"]],
  ["(i)\\1", ["iI", "i\u0130", "i\u0131", "I\u0131"]],
  ["(\u017F)\\1", ["\u017Fs", "\u017FS", "\u017F\u017F"]],
  ["(?<\\u0061>x)\\k<a>", ["xx", "x", "xa"]],
  ["(?<\\u{61}b>x)\\k<ab>", ["xx", "x"]],
  ["(?<a\\u0062>y)\\k<ab>", ["yy", "y"]],
  ["(?<\u{1D49C}>z)\\k<\u{1D49C}>", ["zz", "z"]],
  ["(?<\\ud835\\udc9c>z)\\k<\u{1D49C}>", ["zz", "z"]],
  ["(?<a>.)(?<a>.)", ["aa"]],
  ["(?<=(\\d)(\\d))x\\2\\1", ["12x21", "12x12"]],
  ["(?<=\\1(a))b", ["aab", "ab", "b"]],
  ["(?<!(a))b\\1", ["b", "ab", "cb"]],
  ["(?=(a))a\\1", ["aa", "a"]],
  ["(?!(a))\\1b", ["b", "ab"]],
  ["(a*)+b", ["aab", "b", "aaa"]],
  ["(a*)*b", ["b", "ab"]],
  ["(?:a?)*?b", ["b", "ab"]],
  ["(a|ab)(c|bcd)(d*)", ["abcd", "abc"]],
  ["^(?:a|ab)*c$", ["abac", "ababc"]],
  ["\\b\u00E9\\b", ["\u00E9", " \u00E9 ", "a\u00E9"]],
  ["\\bK", ["\u212A", "K", "xK"]],
  ["(?=a)*b", ["b", "ab"]],
  ["(?=a){2}a", ["a", "b"]],
  ["a{2147483648,2147483647}", ["a"]],
  ["a{0,2147483647}b", ["aab", "b"]],
  ["\\1(a)", ["a", "aa"]],
  ["(a)|\\1b", ["b", "ab"]],
  ["[\\b]", ["\b", "b"]],
  ["\\c", ["\\c", "c"]],
  ["[\\c]", ["\\", "c"]],
  ["\\8\\9", ["89"]],
  ["(a)\\8", ["a8"]],
  ["\\18", ["\u00018", "18"]],
  ["a/b", ["a/b"]],
  ["\\k<a>", ["k<a>"]],
  ["(?<b>.)\\k<a>", ["xx"]],
  ["$^", ["", "a"]],
  ["^$", ["", "\n"]],
  ["a$", ["a\n", "a"]],
  ["[^]", ["\n", ""]],
  [".", ["\n", "\r", "\u2028", "\u0085"]],
  ["\\s", ["\u0085", "\u180E", "\uFEFF", "\u00A0"]],
  ["\\w", ["\u0130", "\u017F", "\u212A"]],
];

const cases = [];
let pairs = 0;
function addCase(pattern, inputs) {
  const unique = [...new Set(inputs)];
  const answers = [false, true].map(i => (compiles(pattern, i) ? unique.map(x => (test(pattern, x, i) ? "1" : "0")).join("") : "x"));
  pairs += 2 * unique.length;
  cases.push([pattern, unique, answers[0], answers[1]]);
}

for (const [p, inputs] of DIRECTED) addCase(p, inputs);
for (let n = 0; n < PATTERNS; n++) {
  const ctx = { groups: 0, names: [] };
  const tree = alternation(0, ctx);
  let pattern = tree.s;
  // Now and then a pattern JS rejects, so rejection is checked as well.
  if (chance(0.04)) pattern = pick(["(", ")", "[", "*", "a{2,1}", "(?<", "(?i)", "\\", "(?<a>)(?<a>)", "\\k<zz>", "(?<=a)*"]) + pattern;
  const inputs = [];
  for (let k = 0; k < 4; k++) inputs.push(tree.gen());
  for (let k = 0; k < 3; k++) inputs.push(mutate(pick(inputs)));
  inputs.push(Array.from({ length: int(6) }, () => pick(CHARS)).join(""));
  addCase(pattern, inputs);
}

const body = JSON.stringify({
  generator: "generate-regex.mjs",
  seed: SEED,
  node: process.version,
  unicode: process.versions.unicode,
  sdk: require("@growthbook/growthbook/package.json").version,
  pairs,
  cases,
});
writeFileSync(OUT, gzipSync(body, { level: 9 }));
console.log(`${OUT}: ${cases.length} patterns, ${pairs} pattern × input × flag pairs, ${body.length} bytes before gzip`);
