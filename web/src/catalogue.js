// Names of industries, districts, parks and zones, loaded once at start-up.

import { api } from './api.js';
import { getLang, districtName } from './i18n.js';

export const catalogue = {
  industries: new Map(), // code -> entry
  districts: new Map(), // adcode -> zh name
  parks: new Map(), // id -> {id, name, district, ...}
  zones: new Map(), // id -> {id, name, park}
  parkCenters: new Map(), // id -> [lon, lat], middle of the park's extent (WGS84)
};

export async function loadCatalogue() {
  const [ind, stats, parks, zones] = await Promise.all([
    api.industries(),
    api.stats(),
    api.parks(),
    api.zones().catch(() => ({ features: [] })),
  ]);
  for (const e of ind.industries) catalogue.industries.set(e.code, e);
  for (const d of stats.by_district) catalogue.districts.set(d.key, d.label);
  for (const f of parks.features) {
    const id = f.properties.id ?? f.id;
    catalogue.parks.set(id, f.properties);
    const c = extentCenter(f.geometry);
    if (c) catalogue.parkCenters.set(id, c);
  }
  for (const f of zones.features) catalogue.zones.set(f.properties.id ?? f.id, f.properties);
}

export function industryLabel(code) {
  const e = catalogue.industries.get(code);
  if (!e) return code;
  return getLang() === 'en' ? e.name_en : e.name_zh;
}

// Tile properties carry industries comma-joined; item properties as arrays.
export function industryList(v) {
  if (!v) return [];
  return Array.isArray(v) ? v : String(v).split(',').filter(Boolean);
}

export function districtLabel(adcode) {
  return districtName(adcode, catalogue.districts.get(adcode));
}

export function parkLabel(id) {
  return catalogue.parks.get(id)?.name ?? id;
}

export function zoneLabel(id) {
  return catalogue.zones.get(id)?.name ?? id;
}

function extentCenter(g) {
  if (!g) return null;
  let b = null;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b = b ? [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])] : [c[0], c[1], c[0], c[1]];
    } else for (const x of c) walk(x);
  };
  walk(g.coordinates);
  return b && [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}
