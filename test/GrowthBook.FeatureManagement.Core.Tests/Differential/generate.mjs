// Differential spec cases: random conditions, feature payloads and inline experiments, answered by
// GrowthBook's reference JS SDK (@growthbook/growthbook, the exact version pinned in package.json).
//
//   npm ci && node generate.mjs            # writes differential-cases.json beside this file
//   DIFF_SEED=7 node generate.mjs out.json # another seed, another file
//
// The output has the shape of the spec suite's cases.json (groups evalCondition, feature, run), so the
// C# spec tests read it as they read cases.json. Everything is driven by one seeded PRNG (mulberry32):
// the same seed and SDK version give the same file, byte for byte.
//
// Inputs the C# engine deliberately does not replicate are never generated (README.md, "Excluded"): keys
// that only exist on JS prototypes ("constructor", "__proto__", "toString", …), payload members of the wrong
// JSON type, lone surrogates outside evalCondition cases, and cases where the JS SDK throws instead of answering.

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { mulberry32 } from "./prng.mjs";
import { GrowthBook, evalCondition } from "@growthbook/growthbook";

const require = createRequire(import.meta.url);
const SDK_VERSION = require("@growthbook/growthbook/package.json").version;

const SEED = Number(process.env.DIFF_SEED ?? 20260821);
const COUNTS = { evalCondition: 3000, feature: 1500, run: 500 };
const here = dirname(fileURLToPath(import.meta.url));
const OUT = process.argv[2] ?? join(here, "differential-cases.json");

// Inline experiments (run) with no variations: the C# engine throws IndexOutOfRangeException there
// (Evaluation/Evaluator.cs, GetExperimentResult reads Variations[0]), where JS returns value undefined. Left
// out of the checked-in file until that is fixed; DIFF_EMPTY_RUN=1 puts them back (README.md, "Open").
const EMPTY_RUN_VARIATIONS = process.env.DIFF_EMPTY_RUN === "1";

// The SDK logs unknown operators and bad regexes with console.error; the generator has no use for them.
console.error = () => {};

// ---------------------------------------------------------------------------------------------
// Randomness

const rnd = mulberry32(SEED);
const int = (n) => Math.floor(rnd() * n); // 0 … n-1
const between = (lo, hi) => lo + int(hi - lo + 1);
const chance = (p) => rnd() < p;
const pick = (arr) => arr[int(arr.length)];
function weighted(table) {
  // table: [[weight, value], …]
  const total = table.reduce((s, [w]) => s + w, 0);
  let r = rnd() * total;
  for (const [w, v] of table) {
    if ((r -= w) < 0) return v;
  }
  return table[table.length - 1][1];
}
function shuffle(arr) {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// JSON with a chosen key order
//
// A JS object always lists array-index keys ("0", "1", …) first, whatever order they were added in. Real
// JSON (and attributes built in .NET) can have any order, and JSON.parse then reorders them, which changes
// JSON.stringify equality. To exercise that, generated objects are kept as O (an ordered list of entries)
// and written as text by hand; the JS SDK sees JSON.parse(text), exactly what the C# side parses.

class O {
  constructor(entries) {
    this.entries = entries; // [[key, value], …], keys unique
  }
  get(key) {
    const e = this.entries.find(([k]) => k === key);
    return e ? e[1] : undefined;
  }
  has(key) {
    return this.entries.some(([k]) => k === key);
  }
  set(key, value) {
    const e = this.entries.find(([k]) => k === key);
    if (e) e[1] = value;
    else this.entries.push([key, value]);
    return this;
  }
}
const o = (...entries) => new O(entries.filter((e) => e !== undefined));
// An entry only when `cond` holds, for o(…) argument lists.
const maybe = (cond, key, value) => (cond ? [key, typeof value === "function" ? value() : value] : undefined);

// Lone surrogates ("x\ud83dy", or half an emoji cut by a slice) only go into evalCondition cases: the spec
// harness carries feature payloads through System.Text.Json's JsonNode, which cannot re-serialize them
// (README.md, "Excluded"). Elsewhere they are written as U+FFFD, and the SDK sees the same.
let loneSurrogates = true;
const str = (s) => JSON.stringify(loneSurrogates ? s : s.toWellFormed());
function text(v) {
  if (v instanceof O) {
    return "{" + v.entries.map(([k, x]) => str(k) + ":" + text(x)).join(",") + "}";
  }
  if (Array.isArray(v)) return "[" + v.map(text).join(",") + "]";
  if (v !== null && typeof v === "object") {
    return "{" + Object.entries(v).map(([k, x]) => str(k) + ":" + text(x)).join(",") + "}";
  }
  if (v === undefined) throw new Error("undefined in generated JSON");
  return typeof v === "string" ? str(v) : JSON.stringify(v);
}
const js = (v) => JSON.parse(text(v));

// Plain JS value → O tree (to reuse attribute values inside conditions).
function fromJs(v) {
  if (Array.isArray(v)) return v.map(fromJs);
  if (v !== null && typeof v === "object") return new O(Object.entries(v).map(([k, x]) => [k, fromJs(x)]));
  return v;
}
// The same object with its keys in another order (JSON.stringify equality is order-sensitive).
function reorder(v) {
  if (v instanceof O) return new O(shuffle(v.entries));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Value pools

const STRINGS = [
  "", "abc", "ABC", "Abc", "hello", "Hello World", "hello world", "foo", "bar", "baz", "FOO", "Bar",
  "10", "8", " 8 ", "1e3", "0x1A", "0b11", "0o17", "-5", "0", "00", "1.5", ".5", "5.", "+3", "-0",
  "Infinity", "-Infinity", "NaN", "1,2", "1_000", "  ", "\t", "\n5\n", "true", "false", "null",
  "undefined", "[object Object]", "1e21", "0.1", "99", "100", "25",
  "1.2.3", "v1.2.3", "1.2.3-beta", "1.2.3-beta.1", "1.2.3+build.5", "v2.0.0-rc.1+build", "1.10.0",
  "1.9.9", "2", "1.2", "1.2.3.4", "1-2-3", "v", "10.0.0", "1.0.0-alpha", "1.0.0-0", "3.0.0-rc.10",
  "ünïcödé", "ÜNÏCÖDÉ", "İstanbul", "istanbul", "ISTANBUL", "ıi", "straße", "STRASSE", "ΣΑΣ", "σας",
  "Ωmega", "日本語", "😀", "a😀b", "\u00a0", "\ufeff", "a\u00a0b", "line1\nline2", "a\rb", "abc\n",
  "a\u2028b", "K", "\u212a", "ſ", "é", "e\u0301", "ǅ", "x\ud83dy",
  "user@example.com", "Bob@Example.COM", "US", "us", "CA", "gb", "/path/to", "a/b", "a.b", "a.b.c",
  "chrome", "Chrome", "safari", "beta", "BETA", "tag1", "tag2", "x", "y", "z", "k1", "k2",
];
const NUMBERS = [
  0, 1, -1, 2, 3, 5, 7, 8, 10, 11, 25, 99, 100, 1000, 0.1, 0.5, 1.5, 2.5, -3.7, 0.30000000000000004,
  1e21, 1e-7, 123456789, 123456789012, 2 ** 31, 2 ** 32, 2 ** 53, 9007199254740993, 1e300, 5e-324,
  1.7976931348623157e308, 1e20, 1.23e-20, 4294967295, 18, 21, 65,
];
const TYPE_NAMES = ["string", "number", "boolean", "object", "array", "null", "undefined", "String", "unknown", ""];

// Attribute (object) keys. Array-index-like keys are included on purpose (see O above).
const KEYS = [
  "id", "name", "age", "country", "email", "tags", "score", "version", "user", "flag", "n", "s", "list",
  "obj", "empty", "nested", "x", "company", "deviceId", "browser", "num", "str", "profile", "a", "b",
  "items", "meta", "level", "plan", "length", "with space", "ünï", "$gt", "$groups", "0", "1", "2", "10",
  "007", "-1", "1.5", "4294967294", "4294967295", "",
];
const ARRAY_KEYS = new Set(["tags", "list", "items"]);
const OBJECT_KEYS = new Set(["user", "obj", "nested", "profile", "meta"]);

function genString() {
  return pick(STRINGS);
}
function genNumber() {
  return chance(0.8) ? pick(NUMBERS) : between(-20, 120);
}
function genScalar() {
  return weighted([
    [50, genString],
    [33, genNumber],
    [10, () => chance(0.5)],
    [7, () => null],
  ])();
}
function genValue(depth = 0, bias) {
  const kind =
    bias === "array" && chance(0.7) ? "array"
    : bias === "object" && chance(0.7) ? "object"
    : depth >= 2 ? "scalar"
    : weighted([[82, "scalar"], [9, "array"], [9, "object"]]);
  if (kind === "array") {
    const n = weighted([[10, 0], [25, 1], [30, 2], [25, 3], [10, 5]]);
    const homogeneous = chance(0.6) ? pick([genString, genNumber]) : null;
    return Array.from({ length: n }, () => (homogeneous ? homogeneous() : genValue(depth + 1)));
  }
  if (kind === "object") return genObject(depth + 1, between(0, 3));
  return genScalar();
}
function genObject(depth, n) {
  const keys = shuffle(KEYS).slice(0, n);
  return new O(keys.map((k) => [k, genValue(depth, ARRAY_KEYS.has(k) ? "array" : OBJECT_KEYS.has(k) ? "object" : undefined)]));
}
function genAttributes() {
  const attrs = genObject(0, between(1, 7));
  // Most users have an id; give it the usual shapes.
  if (chance(0.75)) {
    attrs.set("id", weighted([
      [70, () => pick(["u1", "u2", "user-123", "abc", "123", "😀", "ÜSER", "a b", "8"]) + (chance(0.5) ? String(int(1000)) : "")],
      [12, () => pick([123, 0, 1.5, 1e21, -7, 42])],
      [8, () => ""],
      [10, () => genValue(1)],
    ])());
  }
  return attrs;
}

// ---------------------------------------------------------------------------------------------
// Paths into the attributes, for conditions

// Every path that exists in v: object keys, array indices and "length" for arrays.
function collectPaths(v, prefix, out, depth) {
  if (depth > 3) return;
  if (v instanceof O) {
    for (const [k, x] of v.entries) {
      const p = prefix ? prefix + "." + k : k;
      out.push([p, x]);
      collectPaths(x, p, out, depth + 1);
    }
  } else if (Array.isArray(v)) {
    out.push([prefix + ".length", v.length]);
    v.forEach((x, i) => {
      const p = prefix + "." + i;
      out.push([p, x]);
      collectPaths(x, p, out, depth + 1);
    });
  }
}
// getPath as the SDK reads it (on the O tree): undefined for "missing".
function valueAt(root, path) {
  let cur = root;
  for (const part of path.split(".")) {
    if (cur instanceof O && cur.has(part)) cur = cur.get(part);
    else if (Array.isArray(cur) && part === "length") cur = cur.length;
    else if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else return undefined;
  }
  return cur;
}
function genPath(root) {
  const paths = [];
  collectPaths(root, "", paths, 0);
  const r = rnd();
  if (paths.length && r < 0.62) return pick(paths)[0];
  if (paths.length && r < 0.75) {
    // One step past an existing path: into a scalar (null), a missing key, a non-canonical index.
    return pick(paths)[0] + "." + pick(["x", "0", "00", "length", "1", "-1", "a", "5"]);
  }
  return pick(["missing", "missing.deep", "tags.0", "tags.length", "user.age", "user.profile.name", "name.length", "list.1", "obj.a.b", pick(KEYS)]);
}

// ---------------------------------------------------------------------------------------------
// Conditions

const REGEXES = [
  "^abc", "abc$", "^abc$", "a.c", "a.b", "^.*$", "^.+$", ".", "^$", "^\\d+$", "\\d", "^\\D+$",
  "\\w+@\\w+\\.com$", "^\\w+$", "\\W", "\\s", "\\S", "^\\s*$", "\\bworld\\b", "\\Bor", "[A-Z]{2,}",
  "^[a-z]+$", "[^a-z]", "(foo|bar)", "^(foo|bar)$", "hello world", "^h.*o$", "(?<=a)b", "(?<!a)b",
  "x(?=y)", "a(?!b)", "^-?\\d+(\\.\\d+)?$", "é", "ß", "straße", "İ", "i", "σ", "Σ", "ς", "😀", ".😀",
  "^.$", "^..$", "\\u00e9", "\\x41", "[\\u0041-\\u005A]+", "a{2}", "(a)\\1", "\\/path\\/", "/path/", "a/b",
  "^/", "[", "(", "*a", "a**", ")", "a{2,1}", "]", "}", "x{1", "[\\s\\S]", "(?<word>\\w+)",
  "^ABC$", "HELLO", "STRASSE", "ſ", "k", "[a-z]+", "[A-Z]", "^\\w$", "ǅ", "^us$", "^(us|ca)$",
  "chrome|safari", "^1\\.", "\\.", "^[0-9]", "[aeiou]{2}", "^.{3,5}$", "(?:ab)+", "\\n", "\\r", "\\t",
  "e\\u0301", "[é]", "^[\\w.]+$", "\\$", "^\\+", "a|", "|", "(|a)", "^(?!foo)", "[-a]", "[a-]", "[\\]]",
  "\\0", "[\\b]", "\\cJ", "^\\S+@\\S+$", "^[A-Za-z]+ [A-Za-z]+$", ".*beta.*", "\\d{3}", "^$|^x$",
  // Legacy (Annex B) syntax that JS accepts without the u flag, and .NET reads differently or not at all.
  "\\a", "\\e", "\\Z", "\\z", "\\A", "\\G", "\\p{L}", "[]a]", "[^]", "a{,5}", "x{1", "\\8", "\\1(a)", "(a)\\1",
  "\\01", "\\k<n>", "(?<n>a)\\k<n>", "(?<n>.)(.)\\2", "\\u{41}", "\\x4", "\\c", "\\c1", "[\\c1]", "[\\d-z]",
  "(?=a)*", "(?i)a", "(?>a)", "(?#c)", "^*", "a++", "[z-a]", "\\K", "[\\w-]", "\\/",
];
// A pattern built from the attribute's own text (escaped), so that regex conditions often match.
function regexFor(actual) {
  const esc = (t) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\const VERSIONS = [");
  const cut = Math.max(1, int(actual.length + 1));
  const body = esc(actual.slice(0, cut));
  const flip = (t) => (chance(0.5) ? t.toUpperCase() : t.toLowerCase());
  return weighted([
    [30, () => "^" + body],
    [20, () => flip(body)],
    [20, () => esc(actual.slice(-cut)) + "$"],
    [15, () => "^" + esc(actual) + "$"],
    [15, () => "^" + body + ".*"],
  ])();
}
const VERSIONS = ["1.2.3", "1.2.3-beta", "v1.2.3", "1.10.0", "1.9.9", "2.0.0", "1.2.3+build", "1.2", "1", "0.0.0", "1.2.3.4", "10.0.0-rc.1", "1.0.0-alpha.1", "", "v", "2"];
const OPERATORS = [
  "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$nin", "$ini", "$nini", "$all", "$alli",
  "$elemMatch", "$size", "$exists", "$type", "$not", "$regex", "$regexi", "$inGroup", "$notInGroup",
  "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte",
];
// getType as the SDK names it (a missing attribute reads as null).
function typeName(v) {
  if (v === undefined || v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof O) return "object";
  return typeof v;
}
const GROUP_IDS = ["g1", "g2", "g3", "g4", "1", "true"];

// A value that is often equal or close to `actual` (the attribute's value), so conditions pass as often as fail.
function near(actual) {
  if (actual === undefined || chance(0.2)) return genScalar();
  if (actual instanceof O || Array.isArray(actual)) {
    const inner = actual instanceof O ? actual.entries.map(([, v]) => v) : actual;
    const scalars = inner.filter((v) => !(v instanceof O) && !Array.isArray(v));
    return scalars.length && chance(0.7) ? near(pick(scalars)) : genScalar();
  }
  if (typeof actual === "string") {
    return weighted([
      [50, () => actual],
      [15, () => actual.toUpperCase()],
      [10, () => actual.toLowerCase()],
      [10, () => (actual.trim() !== "" && !isNaN(Number(actual)) ? Number(actual) : actual + "x")],
      [15, () => actual.slice(0, Math.max(0, actual.length - 1))],
    ])();
  }
  if (typeof actual === "number") {
    return weighted([[45, () => actual], [20, () => actual + 1], [15, () => actual - 1], [20, () => String(actual)]])();
  }
  return actual;
}
function nearList(actual, n) {
  return Array.from({ length: n }, () => near(actual));
}

function genOperand(op, actual, root, depth) {
  switch (op) {
    case "$eq":
    case "$ne":
      return chance(0.9) ? near(actual) : genValue(1);
    case "$lt":
    case "$lte":
    case "$gt":
    case "$gte":
      return weighted([[70, () => near(actual)], [10, () => null], [10, () => genValue(1)], [10, () => pick([true, false, "", []])]])();
    case "$in":
    case "$nin":
    case "$ini":
    case "$nini":
      if (chance(0.08)) return genScalar();
      // Long lists too: the engine hashes lists of more than 8 items instead of scanning them.
      return chance(0.15) ? [...nearList(actual, 2), ...Array.from({ length: between(7, 14) }, genScalar)] : nearList(actual, between(0, 4));
    case "$all":
    case "$alli": {
      if (chance(0.08)) return genScalar();
      const elems = Array.isArray(actual) ? actual : [actual];
      return Array.from({ length: between(0, 3) }, () => (chance(0.2) ? genValueCondition(pick(elems), root, depth + 1, true) : near(pick(elems))));
    }
    case "$elemMatch": {
      const elems = Array.isArray(actual) ? actual : [];
      const el = elems.length ? pick(elems) : undefined;
      if (el instanceof O && chance(0.7)) return genCondition(el, depth + 1);
      if (chance(0.1)) return new O([]);
      if (chance(0.05)) return pick([5, "ab", true, [], "$a"]);
      return genOperatorObject(el, root, depth + 1);
    }
    case "$size":
      return chance(0.7)
        ? (Array.isArray(actual) ? pick([actual.length, actual.length + 1, 0]) : between(0, 3))
        : genOperatorObject(Array.isArray(actual) ? actual.length : 1, root, depth + 1, ["$gt", "$lt", "$gte", "$lte", "$eq", "$ne", "$in", "$not"]);
    case "$exists":
      return weighted([[80, () => chance(0.5)], [20, () => pick([0, 1, "", "yes", null, [], new O([])])]])();
    case "$type":
      return weighted([[50, () => typeName(actual)], [45, () => pick(TYPE_NAMES)], [5, genScalar]])();
    case "$not":
      return genValueCondition(actual, root, depth + 1);
    case "$regex":
    case "$regexi":
      if (typeof actual === "string" && actual !== "" && chance(0.4)) return regexFor(actual);
      return chance(0.95) ? pick(REGEXES) : genScalar();
    case "$inGroup":
    case "$notInGroup":
      return chance(0.9) ? pick([...GROUP_IDS, "nope"]) : pick([1, true, ["g1"], null]);
    default: // version operators
      return chance(0.8) ? (typeof actual === "string" && chance(0.4) ? actual : pick(VERSIONS)) : pick([1, 2, 1.2, 0, null, true]);
  }
}

// Operators that can pass for a value of this kind; picked more often so that cases pass as often as fail.
function suitedOperators(actual) {
  if (Array.isArray(actual)) return ["$in", "$nin", "$ini", "$nini", "$all", "$alli", "$elemMatch", "$size", "$exists", "$type", "$not", "$eq"];
  if (actual instanceof O) return ["$exists", "$type", "$not", "$ne", "$eq", "$regex", "$in", "$nin"];
  if (typeof actual === "string") return ["$eq", "$ne", "$in", "$nin", "$ini", "$nini", "$regex", "$regexi", "$lt", "$gt", "$lte", "$gte", "$veq", "$vgt", "$vlt", "$vgte", "$vlte", "$vne", "$inGroup", "$notInGroup", "$type", "$exists", "$not"];
  if (typeof actual === "number") return ["$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$nin", "$exists", "$type", "$not", "$inGroup", "$notInGroup", "$veq", "$vgt"];
  return OPERATORS;
}

function genOperatorObject(actual, root, depth, ops) {
  ops = ops ?? (chance(0.6) ? suitedOperators(actual) : OPERATORS);
  const n = weighted([[72, 1], [24, 2], [4, 3]]);
  const entries = [];
  for (const op of shuffle(ops).slice(0, n)) {
    entries.push([op, depth > 3 && ["$elemMatch", "$not", "$all", "$alli"].includes(op) ? near(actual) : genOperand(op, actual, root, depth)]);
  }
  if (chance(0.02)) entries.push(["$regx", "a"]); // unknown operator: false
  if (chance(0.03)) entries.splice(int(entries.length + 1), 0, [pick(["a", "x", "0"]), near(actual)]); // mixed keys: equality
  return new O(entries);
}

// A condition on one value: evalConditionValue's input.
function genValueCondition(actual, root, depth, itemsOnly = false) {
  const r = rnd();
  if (itemsOnly || depth > 3) return r < 0.6 ? near(actual) : genOperatorObject(actual, root, depth + 1);
  if (r < 0.24) return near(actual);
  if (r < 0.34) {
    // Plain-value (JSON.stringify) equality with an array or object.
    if ((actual instanceof O || Array.isArray(actual)) && chance(0.6)) return chance(0.5) ? actual : reorder(actual);
    return pick([() => [], () => new O([]), () => genValue(1, "array"), () => genValue(1, "object")])();
  }
  return genOperatorObject(actual, root, depth);
}

function genCondition(root, depth = 0) {
  if (depth === 0 && chance(0.3)) {
    // Focused: one existing path, one operator suited to its value.
    const paths = [];
    collectPaths(root, "", paths, 0);
    if (paths.length) {
      const [path, actual] = pick(paths);
      return new O([[path, genOperatorObject(actual, root, 1, suitedOperators(actual))]]);
    }
  }
  const n = depth === 0 ? weighted([[4, 0], [62, 1], [26, 2], [8, 3]]) : weighted([[6, 0], [70, 1], [24, 2]]);
  const entries = [];
  const used = new Set();
  for (let i = 0; i < n; i++) {
    let key;
    let value;
    const logical = depth < 3 && chance(0.22);
    if (logical) {
      key = weighted([[30, "$or"], [25, "$and"], [15, "$nor"], [18, "$not"], [12, "$savedGroup"]]);
      if (key === "$not") value = genCondition(root, depth + 1);
      else if (key === "$savedGroup") value = genSavedGroupRef();
      else if (chance(0.05)) value = pick([new O([]), "ab", 5, true]);
      else value = Array.from({ length: weighted([[8, 0], [40, 1], [40, 2], [12, 3]]) }, () => genCondition(root, depth + 1));
    } else {
      key = genPath(root);
      value = genValueCondition(valueAt(root, key), root, depth + 1);
    }
    if (used.has(key)) continue;
    used.add(key);
    entries.push([key, value]);
  }
  return new O(entries);
}

function genSavedGroupRef() {
  return weighted([
    [80, () => o(["id", pick([...GROUP_IDS, "nope"])], maybe(chance(0.3), "attributeKey", () => (chance(0.9) ? pick(["id", "email", "country", "user.age", "tags", "missing"]) : pick([null, 5])))),],
    [10, () => o(["id", pick([1, null, true])])],
    [10, () => pick([null, "g1", ["g1"], 5, new O([])])],
  ])();
}

// Saved groups in both shapes, with references between condition groups (cycles included).
function genSavedGroups(root) {
  const groups = new O([]);
  const paths = [];
  collectPaths(root, "", paths, 0);
  const n = between(1, 4);
  for (const id of shuffle(GROUP_IDS).slice(0, n)) {
    // Values the attributes have (so membership often holds), plus some noise.
    const values = (first) => {
      const base = first !== undefined ? [near(first)] : [];
      const more = Array.from({ length: between(1, 5) }, () => (paths.length && chance(0.75) ? near(pick(paths)[1]) : genScalar()));
      return [...base, ...more].filter((v) => !(v instanceof O) && !Array.isArray(v));
    };
    const listKey = paths.length && chance(0.9) ? pick(paths)[0] : "id";
    const entry = weighted([
      [30, () => values()],
      [30, () => o(["type", "list"], maybe(chance(0.9), "attributeKey", () => (chance(0.9) ? listKey : pick([5, null]))), ["values", chance(0.93) ? values(valueAt(root, listKey)) : pick(["a", null, new O([])])])],
      [30, () => o(["type", "condition"], ["condition", chance(0.95) ? genCondition(root, 1) : pick([5, null, "id"])])],
      [10, () => pick([null, 5, "g1", new O([]), o(["type", "other"]), o(["type", "condition"]), o(["type", "list"])])],
    ])();
    groups.set(id, entry);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// Features and experiments

const FEATURE_KEYS = ["f0", "f1", "f2", "f3", "feat-a", "feature.with.dots", "ünï-feat"];
const EXP_KEYS = ["exp1", "exp2", "exp3", "my-exp", "ünï-exp"];
const HASH_ATTRS = ["id", "id", "id", "deviceId", "company", "age", "tags", "user", "missing", "email", "", "name"];

function genFeatureValue() {
  return weighted([
    [25, () => chance(0.5)],
    [25, () => pick(["on", "off", "blue", "green", "red", "", "control", "variant"])],
    [20, () => pick([0, 1, 2, 3, 10, -1, 0.5, 1e21])],
    [8, () => null],
    [11, () => genValue(1, "object")],
    [11, () => genValue(1, "array")],
  ])();
}
function genCoverage() {
  return pick([0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 0.99, 1, 1, 1.2, -0.1, 0.001]);
}
function genRange() {
  return pick([[0, 0.5], [0.5, 1], [0, 1], [0.3, 0.3], [0.25, 0.75], [0, 0.1], [0.9, 1], [0.4, 0.6]]);
}
function genWeights(n) {
  return weighted([
    [50, () => {
      // valid: random split summing to 1
      const raw = Array.from({ length: n }, () => 1 + int(9));
      const sum = raw.reduce((a, b) => a + b, 0);
      return raw.map((x) => Math.round((x / sum) * 10000) / 10000);
    }],
    [15, () => Array.from({ length: n }, () => 1 / n)],
    [10, () => Array.from({ length: Math.max(0, n - 1) }, () => 1 / n)], // wrong length
    [10, () => Array.from({ length: n }, () => 0.5 / n)], // sums to 0.5
    [5, () => Array.from({ length: n }, (_, i) => (i === 0 ? 1.005 : 0))], // within tolerance
    [5, () => Array.from({ length: n }, (_, i) => (i === 0 ? 1.2 : -0.2))], // negative
    [5, () => []],
    // Near the 0.99 / 1.01 bounds, where summation order decides.
    [5, () => (n === 3 ? [0.33, 0.33, 0.33] : n === 2 ? pick([[0.495, 0.495], [0.505, 0.505], [0.494, 0.495]]) : [0.1, 0.2, 0.3, 0.4].slice(0, n))],
  ])();
}
function genNamespace() {
  return [pick(["ns1", "ns2", "pricing"]), ...pick([[0, 0.5], [0.5, 1], [0, 1], [0.2, 0.4], [0, 0]])];
}
function genFilters() {
  return Array.from({ length: between(1, 2) }, () =>
    o(
      maybe(chance(0.6), "attribute", () => pick(["id", "deviceId", "company", "missing", ""])),
      ["seed", pick(["fs1", "fs2", "", "ü"])],
      maybe(chance(0.5), "hashVersion", () => pick([1, 2, 3, 0])),
      ["ranges", Array.from({ length: between(0, 2) }, genRange)],
    ));
}
function genMeta(n) {
  const len = chance(0.95) ? n : Math.max(0, n - 1);
  return Array.from({ length: len }, (_, i) =>
    o(
      maybe(chance(0.85), "key", () => (chance(0.9) ? "v" + i : "")),
      maybe(chance(0.6), "name", () => pick(["Control", "Variation " + i, ""])),
      maybe(chance(0.25), "passthrough", () => chance(0.5)),
    ));
}
function genParentConditions(selfKey, keys) {
  return Array.from({ length: between(1, 2) }, () =>
    o(
      ["id", chance(0.05) ? selfKey : chance(0.08) ? "missing-feature" : pick(keys)],
      maybe(chance(0.9), "condition", () => weighted([
        [40, () => o(["value", genFeatureValue()])],
        [25, () => o(["value", o([pick(["$exists", "$eq", "$ne", "$in", "$type", "$gt"]), pick([true, false, "on", 1, ["on", "blue", true], "boolean", 0])])])],
        [15, () => genCondition(o(["value", genFeatureValue()]), 1)],
        [10, () => new O([])],
        [10, () => o(["value", o(["$inGroup", pick(GROUP_IDS)])])],
      ])()),
      maybe(chance(0.5), "gate", () => chance(0.7)),
    ));
}

function genForceRule(selfKey, keys, attrs) {
  return o(
    maybe(chance(0.7), "id", () => pick(["fr1", "fr2", "rule-x", ""])),
    maybe(chance(0.15), "parentConditions", () => genParentConditions(selfKey, keys)),
    maybe(chance(0.45), "condition", () => genCondition(attrs, 1)),
    ["force", genFeatureValue()],
    maybe(chance(0.3), "coverage", genCoverage),
    maybe(chance(0.15), "range", genRange),
    maybe(chance(0.3), "hashAttribute", () => pick(HASH_ATTRS)),
    maybe(chance(0.1), "fallbackAttribute", () => pick(HASH_ATTRS)),
    maybe(chance(0.25), "hashVersion", () => pick([1, 2, 2, 3, 0])),
    maybe(chance(0.2), "seed", () => pick(["s1", "", "seed-ü", "f0"])),
    maybe(chance(0.08), "filters", genFilters),
    maybe(chance(0.05), "disableStickyBucketing", () => chance(0.5)),
  );
}
function genExperimentFields(n, attrs) {
  return [
    maybe(chance(0.3), "coverage", genCoverage),
    maybe(chance(0.4), "weights", () => genWeights(n)),
    maybe(chance(0.3), "hashAttribute", () => pick(HASH_ATTRS)),
    maybe(chance(0.1), "fallbackAttribute", () => pick(HASH_ATTRS)),
    maybe(chance(0.05), "disableStickyBucketing", () => chance(0.5)),
    maybe(chance(0.08), "bucketVersion", () => pick([0, 1, 2])),
    maybe(chance(0.05), "minBucketVersion", () => pick([0, 1])),
    maybe(chance(0.15), "namespace", genNamespace),
    maybe(chance(0.3), "meta", () => genMeta(n)),
    maybe(chance(0.1), "ranges", () => Array.from({ length: n }, genRange)),
    maybe(chance(0.15), "name", () => pick(["Experiment", "", "Ünï"])),
    maybe(chance(0.1), "phase", () => pick(["0", "1", ""])),
    maybe(chance(0.25), "seed", () => pick(["s1", "", "seed-ü", "exp1"])),
    maybe(chance(0.3), "hashVersion", () => pick([1, 2, 2, 3, 0])),
    maybe(chance(0.1), "filters", genFilters),
    maybe(chance(0.25), "condition", () => genCondition(attrs, 1)),
  ];
}
function genExperimentRule(selfKey, keys, attrs) {
  const n = weighted([[5, 0], [5, 1], [55, 2], [25, 3], [10, 4]]);
  return o(
    maybe(chance(0.7), "id", () => pick(["er1", "er2", "rule-y", ""])),
    maybe(chance(0.15), "parentConditions", () => genParentConditions(selfKey, keys)),
    maybe(chance(0.6), "key", () => (chance(0.9) ? pick(EXP_KEYS) : "")),
    ["variations", Array.from({ length: n }, genFeatureValue)],
    ...genExperimentFields(n, attrs),
  );
}
function genFeatures(attrs) {
  const keys = shuffle(FEATURE_KEYS).slice(0, between(1, 4));
  const features = new O([]);
  for (const key of keys) {
    const rules = Array.from({ length: weighted([[15, 0], [40, 1], [30, 2], [15, 3]]) }, () =>
      weighted([
        [47, () => genForceRule(key, keys, attrs)],
        [45, () => genExperimentRule(key, keys, attrs)],
        [8, () => o(maybe(chance(0.5), "id", "empty"), maybe(chance(0.6), "parentConditions", () => genParentConditions(key, keys)))],
      ])());
    features.set(key, o(maybe(chance(0.9), "defaultValue", genFeatureValue), maybe(chance(0.95), "rules", rules)));
  }
  return { features, keys };
}
function genUrl() {
  const key = pick([...EXP_KEYS, ...FEATURE_KEYS]);
  return pick([
    `https://example.com/?${key}=${pick(["0", "1", "2", "3", "-1", "abc", "1.9", " 1", "01", ""])}`,
    `http://www.example.com/page?foo=bar&${key}=${pick(["0", "1"])}#frag`,
    `https://example.com/page#${key}=1`,
    `https://example.com/?${key}=1&${key}=0`,
    `https://example.com/path?${key}`,
    `https://example.com/?a=1?${key}=1`,
    "https://example.com/",
    "",
  ]);
}
function genContext(attrs, extra) {
  return o(
    ["attributes", attrs],
    ...extra,
    maybe(chance(0.15), "forcedVariations", () => new O(shuffle(EXP_KEYS).slice(0, between(1, 2)).map((k) => [k, pick([0, 1, 2, -1, 5])]))),
    maybe(chance(0.1), "qaMode", () => chance(0.7)),
    maybe(chance(0.2), "url", genUrl),
    maybe(chance(0.07), "enabled", () => chance(0.3)),
  );
}

// ---------------------------------------------------------------------------------------------
// Case generation

const out = { evalCondition: [], feature: [], run: [] };
const skipped = { evalCondition: 0, feature: 0, run: 0 };
const pad = (i) => String(i).padStart(6, "0");

// JSON.parse(JSON.stringify(x)): what the reference harness compares (undefined members dropped).
const plain = (x) => JSON.parse(JSON.stringify(x));

function tryCase(group, make) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const c = make();
      if (c) return c;
    } catch (e) {
      // The SDK threw (e.g. $or: null, meta shorter than variations): not a case the spec can state.
    }
    skipped[group]++;
  }
  throw new Error(`could not make a ${group} case`);
}

for (let i = 0; i < COUNTS.evalCondition; i++) {
  const c = tryCase("evalCondition", () => {
    const attrs = chance(0.03) ? new O([]) : genAttributes();
    const cond = genCondition(attrs);
    const groups = chance(text(cond).includes("Group") ? 0.85 : 0.2) ? genSavedGroups(attrs) : null;
    const expected = evalCondition(js(attrs), js(cond), groups ? js(groups) : undefined);
    if (typeof expected !== "boolean") return null;
    const parts = [JSON.stringify(`diff-cond-${pad(i)}`), text(cond), text(attrs), String(expected)];
    if (groups) parts.push(text(groups));
    return "[" + parts.join(",") + "]";
  });
  out.evalCondition.push(c);
}

// Directed evalCondition cases: the places where .NET's own semantics differ from JavaScript's, each checked
// against many inputs at once. JS sorts the inputs into "pass" (the clause holds) and "fail"; the condition says
// that no "pass" element fails the clause and no "fail" element passes it, so the case is true exactly when the
// engine agrees with JS on every input. ({"$not": {"$not": c}} makes any clause an operator object, which
// $elemMatch then applies to each element as a value condition.)
function directedCase(name, values, clause) {
  const pass = [];
  const fail = [];
  for (const v of values) {
    (evalCondition(js(new O([["v", v]])), js(new O([["v", clause]]))) ? pass : fail).push(v);
  }
  const attrs = new O([["pass", pass], ["fail", fail]]);
  const cond = new O([
    ["pass", new O([["$not", new O([["$elemMatch", new O([["$not", clause]])]])]])],
    ["fail", new O([["$not", new O([["$elemMatch", new O([["$not", new O([["$not", clause]])]])]])]])],
  ]);
  if (evalCondition(js(attrs), js(cond)) !== true) throw new Error(`directed case ${name} is not true`);
  return "[" + [JSON.stringify(name), text(cond), text(attrs), "true"].join(",") + "]";
}

// Regexes: every pattern of the pool, with and without i, on inputs that tell the dialects apart
// (line terminators for . and $, Unicode spaces for \s, İ/ı for \w and \b, Kelvin sign, long s, final sigma,
// ypogegrammeni for case folding, and the literals of Annex B escapes).
const REGEX_INPUTS = [
  "", "abc", "ABC", "abc\n", "a\rb", "a\u2028b", "\u2029", "\n", "\u00a0", "\ufeff", "\u0085", "\u3000", " ", "İ", "ı",
  "\u212a", "k", "K", "ſ", "s", "ς", "σ", "Σ", "µ", "μ", "ᾳ", "ᾼ", "ß", "ẞ", "å", "\u212b", "é", "É", "😀", "x\ud83dy", "\\",
  "a", "aa", "e", "Z", "p{L}", "a{,5}", "x{1", "]a]", "8", "\u0001", "k<n>", "u{41}", "AAAA", "{", "a/b", "/path/",
  "user@example.com", "hello world", "Hello World", "1.2.3", "-12.5", "STRASSE", "straße", "İstanbul", "foo", "bar",
];
let directed = 0;
for (const pattern of REGEXES) {
  for (const op of ["$regex", "$regexi"]) {
    out.evalCondition.push(directedCase(`diff-cond-regex-${pad(directed++)}`, REGEX_INPUTS, new O([[op, pattern]])));
  }
}

// JS toLowerCase for $ini / $nini / $alli / case-insensitive string equality: the final sigma rule and İ → "i̇".
const CASE_WORDS = ["ΣΑΣ", "σας", "ΟΔΥΣΣΕΥΣ", "Σ", "ΑΣ.", "ΑΣ'Α", "Α\u0301Σ", "ΑΣ\u0301", "1Σ", "Σ1", "ΑΣ Β", "İ", "i\u0307", "i", "İstanbul", "ǅ", "ß"];
directed = 0;
for (const word of CASE_WORDS) {
  for (const op of ["$ini", "$nini", "$alli"]) {
    const variants = [word, word.toLowerCase(), word.toUpperCase(), word.normalize("NFD"), "x" + word];
    out.evalCondition.push(directedCase(`diff-cond-case-${pad(directed++)}`, op === "$alli" ? variants.map((v) => [v]) : variants, new O([[op, [word]]])));
  }
}

// JSON.stringify equality with array-index keys, which JS lists first whatever order the JSON has.
directed = 0;
const INDEX_KEYED = [
  new O([["b", 1], ["1", 2]]), new O([["1", 2], ["b", 1]]), new O([["10", 1], ["2", 2], ["a", 3]]), new O([["a", 3], ["2", 2], ["10", 1]]),
  new O([["4294967295", 1], ["4294967294", 2]]), new O([["01", 1], ["0", 2]]), new O([["x", new O([["1", 1], ["0", 0]])]]),
  new O([["-1", 1], ["1", 1]]), new O([["1.5", 1], ["1", 2]]), new O([["", 1], ["0", 2]]),
];
for (const a of INDEX_KEYED) {
  for (const b of [a, reorder(a), ...INDEX_KEYED.slice(0, 4)]) {
    out.evalCondition.push(directedCase(`diff-cond-order-${pad(directed++)}`, [a, reorder(a), [a]], b));
  }
}

loneSurrogates = false;
for (let i = 0; i < COUNTS.feature; i++) {
  const c = tryCase("feature", () => {
    const attrs = genAttributes();
    const { features, keys } = genFeatures(attrs);
    const groups = chance(0.25) ? genSavedGroups(attrs) : null;
    const context = genContext(attrs, [["features", features], maybe(groups !== null, "savedGroups", groups)]);
    const key = chance(0.9) ? keys[0] : pick(["missing-feature", ...FEATURE_KEYS]);
    const gb = new GrowthBook(js(context));
    const result = plain(gb.evalFeature(key));
    gb.destroy();
    return "[" + [JSON.stringify(`diff-feat-${pad(i)}`), text(context), JSON.stringify(key), JSON.stringify(result)].join(",") + "]";
  });
  out.feature.push(c);
}

for (let i = 0; i < COUNTS.run; i++) {
  const c = tryCase("run", () => {
    const attrs = genAttributes();
    const withFeatures = chance(0.3);
    const { features, keys } = withFeatures ? genFeatures(attrs) : { features: null, keys: FEATURE_KEYS };
    const groups = chance(0.2) ? genSavedGroups(attrs) : null;
    const context = genContext(attrs, [maybe(withFeatures, "features", features), maybe(groups !== null, "savedGroups", groups)]);
    const n = weighted([[EMPTY_RUN_VARIATIONS ? 5 : 0, 0], [5, 1], [55, 2], [25, 3], [10, 4]]);
    const experiment = o(
      ["key", pick(EXP_KEYS)],
      ["variations", Array.from({ length: n }, genFeatureValue)],
      maybe(chance(0.15), "active", () => chance(0.5)),
      maybe(chance(0.2), "status", () => pick(["draft", "running", "stopped"])),
      maybe(chance(0.1), "force", () => pick([0, 1, 2, -1, 5])),
      maybe(chance(0.2), "parentConditions", () => genParentConditions("none", keys)),
      ...genExperimentFields(n, attrs),
    );
    const gb = new GrowthBook(js(context));
    const result = gb.run(js(experiment));
    gb.destroy();
    // With no variations the value is undefined, which a JSON tuple holds as null (as JSON.stringify writes it).
    const value = result.value === undefined ? "null" : JSON.stringify(result.value);
    return "[" + [JSON.stringify(`diff-run-${pad(i)}`), text(context), text(experiment), value, String(result.inExperiment), String(result.hashUsed)].join(",") + "]";
  });
  out.run.push(c);
}

const body = [
  "{",
  `"specVersion": ${JSON.stringify(`differential; @growthbook/growthbook ${SDK_VERSION}; seed ${SEED}`)},`,
  ...["evalCondition", "feature", "run"].map(
    (g, gi, all) => `${JSON.stringify(g)}: [\n${out[g].join(",\n")}\n]${gi < all.length - 1 ? "," : ""}`,
  ),
  "}",
  "",
].join("\n");
JSON.parse(body); // sanity: the file is JSON
writeFileSync(OUT, body);
console.log(
  `wrote ${OUT}: ` +
    Object.entries(out).map(([g, cs]) => `${g} ${cs.length}`).join(", ") +
    ` (${(body.length / 1048576).toFixed(2)} MiB; SDK threw on ${Object.entries(skipped).map(([g, n]) => `${n} ${g}`).join(", ")} drafts, not kept)`,
);
