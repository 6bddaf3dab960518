// URL-targeted experiments and coercion edges, answered by GrowthBook's JS SDK (the version pinned in package.json):
// inline experiments (`run`) whose urlPatterns mix valid, excluding and malformed entries (not objects, patterns
// that are not strings, unknown types, odd `include` values) against generated URLs, and $regex/$regexi conditions
// on objects whose own keys shadow toString/valueOf (`evalCondition`).
//
//   npm ci && node generate-targeting.mjs     # writes targeting-cases.json beside this file
//
// Same shape as the spec suite's cases.json; Spec/SpecCases.cs loads it with the other differential cases. Cases
// where the SDK throws (a null entry in urlPatterns, a coercion outside $regex) are dropped, and counted.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { GrowthBook, evalCondition } from "@growthbook/growthbook";
import { createRandom } from "./prng.mjs";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const SEED = Number(process.env.TARGETING_SEED ?? 20260909);
const OUT = join(here, "targeting-cases.json");
console.error = () => {};
const { rnd, int, chance, pick } = createRandom(SEED);

const URLS = [
  "https://www.example.com/item-42/x/blog", "https://www.example.com/item-42/x/blog/", "http://www.example.com/item-42/x/blog#top",
  "https://www.example.com/item-42/x/blog?utm=1&b=2", "https://EXAMPLE.com:8443/Item-42?a=%41", "https://sub.example.com/a/b/c",
  "https://example.com/", "https://example.com", "/relative/path?x=1", "", "?q=1", "#frag", "http://[", "not a url",
  "https://b\u00FCcher.example/x", "https://xn--bcher-kva.example/x", "https://www.example.com/\u00E9t\u00E9?q=\u00FC",
  "ftp://files.example.com/pub", "https://www.example.com/a?x=1&x=2", "https://www.example.com/products/shoes?color=red#reviews",
];
const SIMPLE = [
  "https://www.example.com/item-42/x/blog", "www.example.com/item-42/*", "*.example.com", "https://*.example.com/*",
  "ftp://*.example.com/item-42/x/blog/#*", "/item-42/x/blog", "/relative/*", "example.com", "https://www.example.com/*?utm=*",
  "https://www.example.com/products/*#reviews", "*", "http://[", "b\u00FCcher.example/*", "https://www.example.com/a?x=2",
  "www.example.com/\u00E9t\u00E9", "/*", "https://example.com:8443/*",
];
const REGEX = [
  "example\\.com", "^/item-\\d+", "blog$", "^https://www\\.example\\.com/item-42", "(", "[^]", "utm=", "#top$", "\\.com/$",
  "b\u00FCcher", "xn--", "^/relative", "(?<=item-)42", "(\\w+)\\1", "/products/", "\\?a=1",
];
const BAD_ENTRIES = [
  () => 5, () => "https://www.example.com", () => [], () => true, () => ({}),
  () => ({ type: "regex", pattern: null }), () => ({ type: "simple", pattern: 42 }), () => ({ type: "regex", pattern: ["x"] }),
  () => ({ type: "simple", pattern: { p: 1 } }), () => ({ type: "other", pattern: "example" }), () => ({ pattern: "example" }),
  () => ({ type: "Simple", pattern: "*" }), () => ({ type: "regex" }), () => ({ type: 1, pattern: "x" }),
  () => ({ type: "regex", pattern: null, include: false }), () => null,
];
const INCLUDES = [undefined, undefined, true, false, false, "false", 0, null, 1];

function entry() {
  if (chance(0.25)) return pick(BAD_ENTRIES)();
  const regex = chance(0.4);
  const e = { type: regex ? "regex" : "simple", pattern: pick(regex ? REGEX : SIMPLE) };
  const include = pick(INCLUDES);
  if (include !== undefined) e.include = include;
  return e;
}

const run = [];
let dropped = 0;
for (let n = 0; run.length < 2000; n++) {
  const urlPatterns = Array.from({ length: int(4) }, entry);
  const url = pick(URLS);
  const context = { attributes: { id: `u${int(1000)}` }, url };
  const experiment = { key: `exp-${n}`, variations: [0, 1], urlPatterns };
  let result;
  try {
    result = new GrowthBook(structuredClone(context)).run(structuredClone(experiment));
  } catch {
    dropped++;
    continue;
  }
  run.push([`url targeting #${n}`, context, experiment, result.value, result.inExperiment, result.hashUsed ?? false]);
}

// String(x) of an object with an own toString throws; $regex and $regexi catch it and answer false.
const VALUES = [
  { toString: "x" }, { toString: 1 }, { valueOf: "x" }, { valueOf: 1, toString: null }, { a: 1 }, {}, [{ toString: 1 }],
  [[{ toString: "y" }]], [1, { valueOf: 2 }], [null, "a"], [{}], { constructor: "c" }, { __proto__x: 1 },
];
const evals = [];
for (const [i, value] of VALUES.entries()) {
  for (const op of ["$regex", "$regexi"]) {
    for (const pattern of [".", "object", "^\\[object Object\\]$", "x|1", "^$", ",", "OBJECT"]) {
      const condition = { v: { [op]: pattern } };
      try {
        evals.push([`coercion #${i} ${op} ${pattern}`, condition, { v: value }, evalCondition({ v: value }, condition)]);
      } catch {
        dropped++;
      }
    }
  }
}

const body = JSON.stringify({ specVersion: "generated", generator: "generate-targeting.mjs", seed: SEED, sdk: require("@growthbook/growthbook/package.json").version, run, evalCondition: evals }, null, 0);
writeFileSync(OUT, body + "\n");
console.log(`${OUT}: ${run.length} run, ${evals.length} evalCondition cases; ${dropped} dropped where the SDK throws`);
