// Writes `<file>.gz` beside each file given, compressed with Zopfli (gzip format, about 5% smaller
// than gzip -9). The site ships these so static hosts that serve precompressed files (and
// `cargo xtask serve`) send them; `cargo xtask build` measures the first-load budget from them.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipAsync } from "@gfx/zopfli";

for (const file of process.argv.slice(2)) {
  const data = readFileSync(file);
  const gz = await gzipAsync(data, { numiterations: 15 });
  writeFileSync(file + ".gz", gz);
}
