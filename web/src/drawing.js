// Drawing parcel outlines with terra-draw (polygon mode for a new parcel, select mode to
// move, add or delete the vertices of an existing one). terra-draw works in the map's
// coordinates: on a GCJ-02 base map these are shifted back to WGS84 before they are sent.

import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

let map = null;
let draw = null;
let toWgs = (lon, lat) => [lon, lat];
let toShown = (lon, lat) => [lon, lat];
let job = null; // {kind: 'new', done} or {kind: 'reshape', ids}

export function initDrawing(m, convert) {
  map = m;
  toWgs = convert.toWgs;
  toShown = convert.toShown;
}

// Started on first use (after the map's load), so a reader's map carries no drawing layers.
function ensureStarted() {
  if (draw) return draw;
  draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 9 }),
    modes: [
      new TerraDrawPolygonMode({
        styles: { fillColor: '#d7263d', fillOpacity: 0.15, outlineColor: '#d7263d', outlineWidth: 2, closingPointColor: '#ffffff', closingPointOutlineColor: '#d7263d' },
      }),
      new TerraDrawSelectMode({
        flags: {
          polygon: { feature: { draggable: false, coordinates: { midpoints: true, draggable: true, deletable: true } } },
        },
        styles: { selectedPolygonColor: '#d7263d', selectedPolygonOutlineColor: '#d7263d', selectionPointColor: '#ffffff', selectionPointOutlineColor: '#d7263d' },
      }),
    ],
  });
  draw.start();
  draw.on('finish', (id, ctx) => {
    if (job?.kind !== 'new' || ctx?.mode !== 'polygon' || ctx?.action !== 'draw') return;
    const f = draw.getSnapshotFeature(id);
    const done = job.done;
    job = { kind: 'drawn' };
    // leave the outline on the map, but stop drawing further ones
    setTimeout(() => draw.setMode('static'), 0);
    done(wgsGeometry([f.geometry.coordinates]));
  });
  return draw;
}

export function drawingActive() {
  return job !== null;
}

const round = (v) => Math.round(v * 1e9) / 1e9;
const ringTo = (ring, f) => ring.map(([x, y]) => f(x, y).map(round));

// Polygons (rings in the map's coordinates) as one WGS84 geometry.
function wgsGeometry(polygons) {
  const parts = polygons.map((rings) => rings.map((r) => ringTo(r, toWgs)));
  return parts.length === 1 ? { type: 'Polygon', coordinates: parts[0] } : { type: 'MultiPolygon', coordinates: parts };
}

// A new parcel's outline: clicks on the map, closed on its first vertex; done(geometry).
export function drawNew(done) {
  const d = ensureStarted();
  d.clear();
  job = { kind: 'new', done };
  d.setMode('polygon');
}

// An existing outline to reshape, in select mode (one terra-draw polygon per part).
export function startReshape(geometry) {
  const d = ensureStarted();
  d.clear();
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const features = polygons.map((rings) => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: rings.map((r) => ringTo(r, toShown)) },
    properties: { mode: 'polygon' },
  }));
  d.setMode('select');
  const added = d.addFeatures(features);
  const bad = added.find((a) => !a.valid);
  if (bad) throw new Error(bad.reason || 'outline');
  job = { kind: 'reshape', ids: added.map((a) => a.id) };
  d.selectFeature(job.ids[0]);
}

// The reshaped outline, in WGS84.
export function reshapedGeometry() {
  const polygons = job.ids.map((id) => draw.getSnapshotFeature(id)).filter(Boolean).map((f) => f.geometry.coordinates);
  return wgsGeometry(polygons);
}

// Ends any drawing and removes what was drawn.
export function stopDrawing() {
  job = null;
  if (!draw) return;
  draw.setMode('static');
  draw.clear();
}
