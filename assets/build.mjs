// Builds the workbench bundle into ../src/partnergraph/web/static/dist/ with esbuild, and
// writes LICENSES.txt: the licence of every package the bundle contains, read from node_modules.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../src/partnergraph/web/static/dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
};
const results = [
  await build({ ...common, entryPoints: { workbench: join(here, "src/workbench.js") } }),   // its CSS import becomes workbench.css
  // the query builder carries Sparnatural's browser bundle (LGPL-3.0), which marks only its CSS as having
  // side effects although the bundle itself defines <spar-natural>: annotations are ignored for this entry
  await build({ ...common, entryPoints: { builder: join(here, "src/builder.js") }, ignoreAnnotations: true,
                loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file",
                          ".png": "file", ".gif": "file" } }),
];
const result = { metafile: { inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)),
                             outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)) } };

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
// a prebuilt bundle in the inputs (sparnatural's) lists the licences of what it contains beside it
const carried = Object.keys(result.metafile.inputs)
  .map((input) => resolve(here, input) + ".LICENSE.txt").filter((file) => existsSync(file))
  .map((file) => `Carried inside ${file.replace(/.*node_modules\//, "")}:\n${readFileSync(file, "utf8").trim()}\n`);
const sections = [...packages.entries()].sort().map(([name, p]) =>
  `${name} ${p.version} (${p.license})\n${"-".repeat(60)}\n${p.text || "No licence file in the package; licence: " + p.license}\n`)
  .concat(carried);
writeFileSync(join(out, "LICENSES.txt"),
  "The browser bundles (workbench.js and .css, builder.js and .css) contain these packages:\n\n" + sections.join("\n"));

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  if (info.bytes) console.log(`${file.replace(/.*static\//, "static/")}: ${info.bytes} bytes`);
}
console.log(`LICENSES.txt: ${packages.size} packages`);
