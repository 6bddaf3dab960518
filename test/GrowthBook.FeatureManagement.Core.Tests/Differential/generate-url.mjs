// The URL corpus: node's `new URL(input, base)` for every input of the Web Platform Tests' urltestdata.json (and the
// hosts of their IDNA tests), for generated URLs and international hosts, and, as digests, for every code point as
// a host on its own and between two letters.
//
//   npm ci && node generate-url.mjs [path/to/wpt]   # writes url-corpus.json.gz beside this file
//
// The WPT files are read from the folder given (default: the WPT_DIR environment variable, else ../../../../shared/wpt
// from here); only their inputs are used, every expected answer is node's. Deterministic: one seeded PRNG.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { createRandom } from "./prng.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SEED = Number(process.env.URL_SEED ?? 20260908);
const WPT = resolve(process.argv[2] ?? process.env.WPT_DIR ?? join(here, "..", "..", "..", "..", "shared", "wpt"));
const OUT = join(here, "url-corpus.json.gz");
const { rnd, int, chance, pick } = createRandom(SEED);

function parse(input, base) {
  try {
    const u = base === null ? new URL(input) : new URL(input, base);
    return [u.href, u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash];
  } catch {
    return null;
  }
}

const cases = [];
const seen = new Set();
function add(input, base = null) {
  const key = JSON.stringify([input, base]);
  if (seen.has(key)) return;
  seen.add(key);
  cases.push([input, base, parse(input, base)]);
}

// 1. Every input of urltestdata.json, with its base; the hosts of toascii.json and IdnaTestV2.json as URL hosts.
if (!existsSync(join(WPT, "urltestdata.json"))) throw new Error(`WPT files not found in ${WPT}`);
const wpt = JSON.parse(readFileSync(join(WPT, "urltestdata.json"), "utf8")).filter(t => typeof t === "object");
for (const t of wpt) add(t.input, t.base ?? null);
const wptCount = cases.length;
for (const t of JSON.parse(readFileSync(join(WPT, "toascii.json"), "utf8")).filter(t => typeof t === "object")) {
  add(`https://${t.input}/x`);
}
for (const t of JSON.parse(readFileSync(join(WPT, "IdnaTestV2.json"), "utf8")).filter(t => typeof t === "object")) {
  add(`https://${t.input}/`);
}

// 2. International hosts from characters that exercise UTS #46: mapped, ignored, deviation and disallowed ones,
// right-to-left letters and digits, marks, joiners after viramas and between joining letters, full stops.
const HOST_CHARS = [
  "a", "b", "x", "-", "0", "9", "A", "Z", "\u00DF", "\u1E9E", "\u03C2", "\u03A3", "\u00FC", "\u00DC", "u\u0308", "\u2460",
  "\uFF45", "\uFF58", "\uFF41", "\u3002", "\uFF0E", "\uFF61", ".", "\u00AD", "\u200B", "\u200C", "\u200D", "\u094D", "\u0915",
  "\u0628", "\u0627", "\u0660", "\u06F1", "\u05D0", "\u05B0", "\u0300", "\u0301", "\u0345", "\u1100", "\u1161", "\u11A8", "\uAC00",
  "\u2163", "\u3300", "\uFB01", "\u0130", "\u0131", "\u212A", "\u2126", "\u00C5", "\u212B", "\u1F80", "\u0587", "\u{1D400}",
  "\u{1F600}", "\u{E0041}", "\uFFFD", "\u0080", "\u00A0", "\u2028", "%", "%41", "%C3%BC", "%E2%80%8C", "\u0870", "\u088F",
  "\u0898", "\u4E00", "\u{20000}", "\u{30000}", "\u{2EBF0}", "\u0B55", "\u1C89", "\uA7CB", "\u{10D40}",
];
const xnLabels = ["xn--", "xn--a", "xn--abc-", "XN--bcher-kva", "xn--bcher-kva", "xn--zca", "xn--mgb0j", "xn--4db", "xn--ls8h",
  "xn--ab-fsf014u", "xn--1-zhc", "xn--x-0hc", "xn--tda", "xn--53h", "xn--nxa", "xn--0", "xn--9", "xn---", "xn--a-ecp.ru", "xn--ss-",
  "xn--fa-hia", "xn--a.example", "xn--e1afmkfd"];
function randomLabel() {
  if (chance(0.15)) return pick(xnLabels);
  return Array.from({ length: 1 + int(5) }, () => pick(HOST_CHARS)).join("");
}
for (let n = 0; n < 4000; n++) {
  const host = Array.from({ length: 1 + int(3) }, randomLabel).join(pick([".", ".", "\u3002"]));
  add(`${pick(["http", "https", "ws", "ftp", "file", "foo"])}://${host}${pick(["", "/", ":8080/p", "/a?b#c"])}`);
}

// 3. Generated URLs: schemes, credentials, IPv4 and IPv6 forms, ports, dot segments, encodings, relative references.
const SCHEMES = ["http", "https", "HTTP", "ws", "wss", "ftp", "file", "foo", "blob", "data", "javascript", "mailto", "sc", "a+b-c.d"];
const HOSTS = ["example.com", "EXAMPLE.com", "a.b.c", "localhost", "_____", "_", "127.0.0.1", "0x7f.1", "0177.0.0.1", "2130706433",
  "1.2.3", "1.2.3.4.", "256.0.0.1", "1.2.3.4.5", "0x100000000", "09.1", "1.0x", "[::1]", "[::]", "[1:2:3:4:5:6:7:8]",
  "[::ffff:1.2.3.4]", "[1::2::3]", "[::1.2.3.4.5]", "[fe80::1%25eth0]", "[0:0:0:0:0:0:13.1.68.3]", "ex%61mple.com", "ex ample",
  "a..b", ".", "..", "a.", "ex%00", "xn--a.example", "\u00FCber.de", "B\u00DCCHER.de", "\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.com"];
const PATH_PARTS = ["", "a", "b", "..", ".", "%2e", "%2E%2e", ".%2e", "c d", "%20", "\u00E9", "a\\b", "C:", "c|", "{}", "`", "^", "|",
  "\u{1F600}", "\uD800", "%zz", "a#b", "a?b", "@", ";x=1", "\u0000", "\t", "~"];
function randomPath() {
  return Array.from({ length: int(5) }, () => pick(PATH_PARTS)).join(pick(["/", "/", "\\"]));
}
function randomQuery() {
  return chance(0.5) ? "" : "?" + Array.from({ length: int(4) }, () => pick(["a=1", "b", "c=d=e", "", "x y", "%41", "\u00E9", "'", "\"", "<>", "#"])).join("&");
}
function randomUrl() {
  const scheme = pick(SCHEMES);
  const auth = chance(0.5) ? "//" + (chance(0.2) ? pick(["u@", "u:p@", ":p@", "@", "u:@", "a b@", "%40@"]) : "") + pick(HOSTS) + (chance(0.2) ? pick([":", ":80", ":443", ":0", ":65535", ":65536", ":08", ":a", ":21"]) : "") : pick(["", "/", "//", "\\\\"]);
  return `${scheme}:${auth}${chance(0.7) ? "/" : ""}${randomPath()}${randomQuery()}${chance(0.3) ? "#" + pick(["", "f", "a b", "\u00E9", "#", "<>"]) : ""}`;
}
const BASES = [null, "http://example.org/foo/bar", "https://a.b/c/d?e#f", "file:///C:/x/y", "foo://host/p/q", "sc:opaque", "about:blank", "http://_/"];
for (let n = 0; n < 4000; n++) {
  if (chance(0.7)) add(randomUrl(), chance(0.3) ? pick(BASES) : null);
  else add(pick(["", "/", "//", "?", "#", ".", "..", "../x", "./y", "z", "\\w", "//h/p", "?q", "#f", "C:/x", "/C|/y", "http:x", "https:/y"]) + randomPath() + randomQuery(), pick(BASES.slice(1)));
}

// 4. Digests of every code point as a host: alone and between two letters, 4,096 code points per digest.
function hostOf(input) {
  const r = parse(input, null);
  return r === null ? "!" : r[3];
}
const digests = [];
for (let block = 0; block < 0x110000; block += 4096) {
  const hash = createHash("sha256");
  for (let cp = block; cp < block + 4096; cp++) {
    const ch = cp >= 0xd800 && cp <= 0xdfff ? "\uFFFD" : String.fromCodePoint(cp);
    hash.update(hostOf(`http://${ch}/`) + "\n" + hostOf(`http://a${ch}b/`) + "\n");
  }
  digests.push(hash.digest("hex").slice(0, 16));
}

const body = JSON.stringify({ generator: "generate-url.mjs", seed: SEED, node: process.version, wptInputs: wptCount, cases, hostDigests: digests });
writeFileSync(OUT, gzipSync(body, { level: 9 }));
console.log(`${OUT}: ${cases.length} URLs (${wptCount} from urltestdata.json), ${digests.length} host digests, ${body.length} bytes before gzip`);
