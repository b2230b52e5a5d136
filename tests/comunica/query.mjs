// Runs SPARQL queries over a Triple Pattern Fragments source with Comunica, in one process
// (Comunica is slow to start). Input on stdin: {"source": URL, "queries": [text, ...]}.
// Output on stdout: one JSON array per query of solutions, each {variable: N-Triples term},
// or {"error": message} for a query that failed.
import { QueryEngine } from "@comunica/query-sparql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { source, queries } = JSON.parse(Buffer.concat(chunks).toString("utf8"));

function nt(term) {
  if (term.termType === "NamedNode") return `<${term.value}>`;
  if (term.termType === "BlankNode") return `_:${term.value}`;
  const value = JSON.stringify(term.value);
  if (term.language) return `${value}@${term.language}`;
  if (term.datatype && term.datatype.value !== "http://www.w3.org/2001/XMLSchema#string") {
    return `${value}^^<${term.datatype.value}>`;
  }
  return value;
}

const engine = new QueryEngine();
const answers = [];
for (const query of queries) {
  const started = performance.now();
  try {
    const stream = await engine.queryBindings(query, { sources: [{ type: "qpf", value: source }] });
    const rows = (await stream.toArray()).map((bindings) => {
      const row = {};
      for (const [variable, term] of bindings) row[variable.value] = nt(term);
      return row;
    });
    answers.push({ rows, ms: performance.now() - started });
  } catch (err) {
    answers.push({ error: String(err && err.message ? err.message : err) });
  }
}
process.stdout.write(JSON.stringify(answers));
