// Converts Natural Earth's 110m country outlines (the world-atlas package's TopoJSON) into the
// compact JSON that partnergraph.maps draws from: one entry per country, its polygons as rings of
// [lon, lat] rounded to 0.01 degree (about 1 km, far finer than the 1:110m source).
// Usage: node build-map-data.mjs OUT.json   (run by `make map-data` after `npm ci`)
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);
const topojson = require("topojson-client");
const topology = require("world-atlas/countries-110m.json");
const atlas = require("world-atlas/package.json");

const out = process.argv[2];
if (!out) {
  console.error("usage: node build-map-data.mjs OUT.json");
  process.exit(2);
}

const round = (v) => Math.round(v * 100) / 100;

function ring(points) {
  const kept = [];
  for (const [lon, lat] of points) {
    const p = [round(lon), round(lat)];
    const last = kept[kept.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) kept.push(p);
  }
  return kept;
}

const countries = topojson.feature(topology, topology.objects.countries).features.map((f) => {
  const g = f.geometry;
  const polygons = !g ? [] : g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  return {
    id: f.id ?? null,
    name: f.properties.name,
    polygons: polygons.map((rings) => rings.map(ring).filter((r) => r.length >= 4)),
  };
});

const data = {
  source: "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), https://www.naturalearthdata.com/",
  via: `world-atlas ${atlas.version} (ISC licence, Copyright 2013-2019 Michael Bostock), https://github.com/topojson/world-atlas`,
  converter: "assets/build-map-data.mjs with topojson-client",
  countries,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(data));
console.log(`wrote ${out}: ${countries.length} countries`);
