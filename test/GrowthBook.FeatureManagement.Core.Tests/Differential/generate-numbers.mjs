// The number corpus: node's String(x) for 1,000,000 doubles drawn from every region that number-to-string
// conversion treats differently (random bit patterns, integers, short decimals, the 1e21 and 1e-7 switches and their
// neighbours, float32 values, ratios k / 10^n), kept as SHA-256 digests of 10,000 answers each plus the first 2,000
// answers in full. The doubles come from a seeded splitmix64 that the C# test replays bit for bit
// (JavaScript/JsNumberCorpusTests.cs), so only node's answers are stored.
//
//   node generate-numbers.mjs     # writes number-corpus.json beside this file
import { writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const SEED = BigInt(process.env.NUMBER_SEED ?? 20260910);
const COUNT = 1_000_000;
const CHUNK = 10_000;
const EXPLICIT = 2_000;
const MASK = (1n << 64n) - 1n;

let state = SEED;
function next() {
  state = (state + 0x9e3779b97f4a7c15n) & MASK;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

const view = new DataView(new ArrayBuffer(8));
const fromBits = bits => (view.setBigUint64(0, bits & MASK), view.getFloat64(0));
const toBits = x => (view.setFloat64(0, x), view.getBigUint64(0));
const fromFloat32Bits = bits => (view.setUint32(0, Number(bits & 0xffffffffn)), view.getFloat32(0));
const BOUNDARIES = ["1e21", "1e-7", "9007199254740992", "1e15", "1e16", "1e17", "1e20", "1e22", "1e-6", "5e-324", "1.7976931348623157e308", "0.1", "123456789012345680000", "2.2250738585072014e-308"].map(Number);

// Must match JsNumberCorpusTests.Generate exactly.
function generate() {
  const kind = next() % 100n;
  const negative = (next() & 1n) === 1n;
  let x;
  if (kind < 40n) return fromBits(next());
  if (kind < 55n) {
    const shift = next() % 64n;
    x = Number(BigInt.asIntN(64, next() >> shift));
  } else if (kind < 70n) {
    const digits = 1n + (next() % 17n);
    const mantissa = next() % 10n ** digits;
    const exponent = Number(next() % 61n) - 30;
    x = Number(`${mantissa}e${exponent}`);
  } else if (kind < 80n) {
    const base = BOUNDARIES[Number(next() % BigInt(BOUNDARIES.length))];
    x = fromBits(toBits(base) + (next() % 5n) - 2n);
  } else if (kind < 90n) {
    x = fromFloat32Bits(next());
  } else {
    const k = next() % 1000000n;
    const n = next() % 10n;
    x = Number(k) / Number(`1e${n}`);
  }
  return negative ? -x : x;
}

const digests = [];
const explicit = [];
let hash = createHash("sha256");
for (let i = 0; i < COUNT; i++) {
  const text = String(generate());
  if (i < EXPLICIT) explicit.push(text);
  hash.update(text + "\n");
  if ((i + 1) % CHUNK === 0) {
    digests.push(hash.digest("hex").slice(0, 16));
    hash = createHash("sha256");
  }
}

const out = join(here, "number-corpus.json");
writeFileSync(out, JSON.stringify({ generator: "generate-numbers.mjs", seed: Number(SEED), node: process.version, count: COUNT, chunk: CHUNK, digests, first: explicit }) + "\n");
console.log(`${out}: ${COUNT} doubles, ${digests.length} digests, the first ${EXPLICIT} answers in full`);
