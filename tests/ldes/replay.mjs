// Replays a Linked Data Event Stream with ldes-client and prints each member it emits as one
// JSON line: {id, isVersionOf, timestamp, type, quads (N-Quads)}; the pages it fetched go to
// stderr as JSON lines too ({fragment, immutable}).
// usage: node replay.mjs URL [--materialize] [--last-version-only] [--save DIR] [--ordered ascending|descending]
import { replicateLDES, intoConfig } from "ldes-client";
import { Writer } from "n3";

const args = process.argv.slice(2);
const url = args[0];
const flag = (name) => args.includes(name);
const value = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);

const client = replicateLDES(
  intoConfig({
    url,
    materialize: flag("--materialize"),
    lastVersionOnly: flag("--last-version-only"),
    statePath: value("--save"),
    polling: false,
  }),
  value("--ordered") || "none",
);
client.on("fragment", (fragment) => {
  process.stderr.write(JSON.stringify({ fragment: fragment.url, immutable: !!fragment.immutable }) + "\n");
});
client.on("error", (error) => {
  process.stderr.write(JSON.stringify({ error: String(error) }) + "\n");
});
const reader = client.stream({ highWaterMark: 10 }).getReader();
const writer = new Writer({ format: "N-Quads" });
for (;;) {
  const { value: member, done } = await reader.read();
  if (member) {
    process.stdout.write(JSON.stringify({
      id: member.id.value,
      isVersionOf: member.isVersionOf,
      timestamp: member.timestamp instanceof Date ? member.timestamp.toISOString() : member.timestamp,
      type: member.type ? member.type.value : null,
      quads: writer.quadsToString(member.quads),
    }) + "\n");
  }
  if (done) break;
}
