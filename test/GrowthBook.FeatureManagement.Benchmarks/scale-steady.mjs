// The JS SDK's mean load time when a process loads the same payload again and again (garbage collection included), to
// set beside `--retained`'s mean; js-anchor.mjs (shared/bench/scale) gives the best of five. With
// @growthbook/growthbook@1.8.0 installed: node scale-steady.mjs p1000.json p10000.json p50000.json
import fs from "node:fs";
import { GrowthBook } from "@growthbook/growthbook";
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  for (let r = 0; r < 5; r++) await new GrowthBook({ attributes: { id: "u" } }).setPayload(JSON.parse(text));
  let count = 0;
  const t0 = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - t0) < 2e9 || count < 3) {
    await new GrowthBook({ attributes: { id: "u" } }).setPayload(JSON.parse(text));
    count++;
  }
  console.log(`${file}: mean ${(Number(process.hrtime.bigint() - t0) / 1e6 / count).toFixed(2)} ms over ${count} loads`);
}
