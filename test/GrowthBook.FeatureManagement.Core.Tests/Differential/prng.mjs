// The generators' one source of randomness: mulberry32, so a seed gives the same corpus on every machine.
export function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The helpers every generator draws with, over one mulberry32 stream.
export function createRandom(seed) {
  const rnd = mulberry32(seed);
  const int = n => Math.floor(rnd() * n); // 0 … n-1
  return { rnd, int, chance: p => rnd() < p, pick: a => a[int(a.length)] };
}
