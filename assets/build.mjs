// Builds the workbench bundle into ../src/partnergraph/web/static/dist/ with esbuild, and
// writes LICENSES.txt: the licence of every package the bundle contains, read from node_modules.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../src/partnergraph/web/static/dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: { workbench: join(here, "src/workbench.js") },   // its CSS import becomes workbench.css
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});

const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m || packages.has(m[1])) continue;
  const dir = join(here, "node_modules", m[1]);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
  packages.set(m[1], { version: meta.version, license: meta.license || "see its package",
                       text: file ? readFileSync(join(dir, file), "utf8").trim() : "" });
}
const sections = [...packages.entries()].sort().map(([name, p]) =>
  `${name} ${p.version} (${p.license})\n${"-".repeat(60)}\n${p.text || "No licence file in the package; licence: " + p.license}\n`);
writeFileSync(join(out, "LICENSES.txt"),
  "The workbench bundle (workbench.js, workbench.css) contains these packages:\n\n" + sections.join("\n"));

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  if (info.bytes) console.log(`${file.replace(/.*static\//, "static/")}: ${info.bytes} bytes`);
}
console.log(`LICENSES.txt: ${packages.size} packages`);
