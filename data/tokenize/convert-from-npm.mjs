// Converts the rank data of the npm `tiktoken` package (MIT) into the standard `.tiktoken`
// format creditgate loads: one line per token, "<base64 of its bytes> <rank>".
// Usage: node convert-from-npm.mjs <path to node_modules/tiktoken> <out dir>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [packageDir, outDir] = process.argv.slice(2);
for (const name of ["o200k_base", "cl100k_base"]) {
  const { bpe_ranks: packed } = JSON.parse(readFileSync(join(packageDir, "encoders", `${name}.json`)));
  const lines = [];
  // The package packs ranks as lines of "! <first rank> <token> <token> ...", ranks consecutive.
  for (const group of packed.split("\n").filter(Boolean)) {
    const [, offset, ...tokens] = group.split(" ");
    tokens.forEach((token, i) => lines.push(`${token} ${Number(offset) + i}`));
  }
  writeFileSync(join(outDir, `${name}.tiktoken`), lines.join("\n") + "\n");
}
