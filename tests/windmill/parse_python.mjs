// Print the schema Windmill's own parser derives from each Python file's main().
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(join(process.cwd(), "package.json"));
const packageDir = dirname(require.resolve("windmill-parser-wasm-py/package.json"));
const { initSync, parse_python } = await import(join(packageDir, "windmill_parser_wasm.js"));
initSync({ module: readFileSync(join(packageDir, "windmill_parser_wasm_bg.wasm")) });

const parsed = {};
for (const file of process.argv.slice(2)) {
  parsed[file] = JSON.parse(parse_python(readFileSync(file, "utf8")));
}
console.log(JSON.stringify(parsed));
