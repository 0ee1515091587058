// Sources, layers and paint rules of the map.

export const LAYERS = ['districts', 'parks', 'zones', 'parcels', 'buildings'];
export const PARCEL_LAYER = 'parcels-fill';
export const BUILDING_LAYER = 'buildings-circle';
export const HIGHLIGHT_LAYER = 'highlight-fill';
export const HIGHLIGHT_BUILDING_LAYER = 'highlight-buildings';
// Below zoom 12 (where the parcel tiles begin) parcels are drawn as points or clusters.
export const OVERVIEW_MAXZOOM = 12;
export const CLUSTER_LAYER = 'overview-clusters';
export const POINT_LAYER = 'overview-points';
export const FUTURE_LAYER = 'parcels-future';
// Parcels and buildings not verified within the server's stale_after_days (`stale` in tiles).
export const STALE_LAYER = 'parcels-stale';
export const STALE_BUILDING_LAYER = 'buildings-stale';
// a boolean in the tiles; compared as text so either encoding reads
const STALE = ['==', ['to-string', ['get', 'stale']], 'true'];
export const CLICKABLE = [POINT_LAYER, CLUSTER_LAYER, 'buildings-circle', 'parcels-fill', 'zones-fill', 'parks-fill', 'districts-fill'];

export const STATUS_COLORS = {
  available: '#2a9d48',
  negotiating: '#f2a900',
  reserved: '#8e6ee8',
  leased: '#3a86ff',
  under_construction: '#e76f51',
  idle: '#8d6e63',
  sold: '#a3a3a3',
};

export const LANDUSE_COLORS = {
  M1: '#b5651d',
  M2: '#6b3a1f',
  M4: '#d6479b',
  'M1/M4': '#e0a526',
  A35: '#2b7bba',
  B29: '#ef7c2a',
};
export const OTHER_COLOR = '#9aa0a6';

// Layers visible unless the URL says otherwise.
export const DEFAULT_VISIBLE = ['districts', 'parks', 'zones', 'parcels', 'buildings'];

function matchColor(prop, table) {
  const e = ['match', ['get', prop]];
  for (const [k, v] of Object.entries(table)) e.push(k, v);
  e.push(OTHER_COLOR);
  return e;
}

export function parcelColor(mode) {
  return mode === 'landuse' ? matchColor('land_use', LANDUSE_COLORS) : matchColor('status', STATUS_COLORS);
}

export function tileSourceUrl(layer, gcj) {
  return `${location.origin}/tiles/${layer}.json${gcj ? '?crs=gcj02' : ''}`;
}

// The base: either the configured base map or our districts on a plain background.
export function baseStyle(basemap) {
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': basemap ? '#e8eef2' : '#eef2f4' } }],
  };
  if (basemap && basemap.kind === 'raster') {
    style.sources.basemap = {
      type: 'raster',
      tiles: [basemap.url],
      tileSize: 256,
      attribution: basemap.attribution || '',
    };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  return style;
}

// Diagonal white stripes laid over available-later parcels (drawn here: no sprite offline).
function hatchImage(size = 8) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x + y) % size < 3;
      data.set(on ? [255, 255, 255, 230] : [0, 0, 0, 0], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

// Stale features: dark stripes the other way round, so they read apart from the
// available-later hatch and can lie over it.
function staleImage(size = 10) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x - y + size) % size < 2;
      data.set(on ? [92, 45, 12, 235] : [0, 0, 0, 0], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

// Overview points: available-later parcels hollow, ringed in the available green.
function pointColor(mode) {
  return ['case', ['==', ['get', 'future'], true], '#ffffff', parcelColor(mode)];
}

export function addLayers(map, { gcj, hasBasemap, color }) {
  for (const layer of LAYERS) {
    map.addSource(layer, { type: 'vector', url: tileSourceUrl(layer, gcj) });
  }
  map.addSource('pick', { type: 'geojson', data: emptyFC() });
  map.addSource('overview', {
    type: 'geojson',
    data: emptyFC(),
    cluster: true,
    clusterMaxZoom: 10,
    clusterRadius: 40,
  });
  if (!map.hasImage('hatch')) map.addImage('hatch', hatchImage());
  if (!map.hasImage('stale-hatch')) map.addImage('stale-hatch', staleImage());

  map.addLayer({
    id: 'districts-fill',
    type: 'fill',
    source: 'districts',
    'source-layer': 'districts',
    paint: {
      'fill-color': hasBasemap ? '#ffffff' : '#fbfaf6',
      'fill-opacity': hasBasemap ? 0.05 : 1,
    },
  });
  map.addLayer({
    id: 'districts-line',
    type: 'line',
    source: 'districts',
    'source-layer': 'districts',
    paint: { 'line-color': '#8a7f70', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 12, 2], 'line-dasharray': [3, 1.5] },
  });
  map.addLayer({
    id: 'parks-fill',
    type: 'fill',
    source: 'parks',
    'source-layer': 'parks',
    paint: { 'fill-color': '#4e79a7', 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.25, 13, 0.06] },
  });
  map.addLayer({
    id: 'parks-line',
    type: 'line',
    source: 'parks',
    'source-layer': 'parks',
    paint: { 'line-color': '#2f5d8a', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.5] },
  });
  map.addLayer({
    id: 'zones-fill',
    type: 'fill',
    source: 'zones',
    'source-layer': 'zones',
    paint: { 'fill-color': '#59a14f', 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.2, 14, 0.05] },
  });
  map.addLayer({
    id: 'zones-line',
    type: 'line',
    source: 'zones',
    'source-layer': 'zones',
    paint: { 'line-color': '#3d7a35', 'line-width': 1.5, 'line-dasharray': [2, 1] },
  });
  map.addLayer({
    id: PARCEL_LAYER,
    type: 'fill',
    source: 'parcels',
    'source-layer': 'parcels',
    paint: { 'fill-color': parcelColor(color), 'fill-opacity': 0.75 },
  });
  map.addLayer({
    id: FUTURE_LAYER,
    type: 'fill',
    source: 'parcels',
    'source-layer': 'parcels',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: { 'fill-pattern': 'hatch' },
  });
  map.addLayer({
    id: STALE_LAYER,
    type: 'fill',
    source: 'parcels',
    'source-layer': 'parcels',
    filter: STALE,
    paint: { 'fill-pattern': 'stale-hatch' },
  });
  map.addLayer({
    id: 'parcels-line',
    type: 'line',
    source: 'parcels',
    'source-layer': 'parcels',
    paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 16, 1.5] },
  });
  map.addLayer({
    id: BUILDING_LAYER,
    type: 'circle',
    source: 'buildings',
    'source-layer': 'buildings',
    paint: {
      // Area grows with the square of the radius, so radius follows sqrt(vacant m²).
      'circle-radius': [
        'interpolate', ['linear'], ['sqrt', ['max', 0, ['to-number', ['get', 'vacant_area_m2'], 0]]],
        0, 3, 100, 7, 200, 11, 300, 16,
      ],
      'circle-color': matchColor('status', STATUS_COLORS),
      'circle-opacity': 0.85,
      'circle-stroke-color': '#1f2933',
      'circle-stroke-width': 1,
    },
  });
  // A dark ring around stale buildings (a dot is too small to hatch).
  map.addLayer({
    id: STALE_BUILDING_LAYER,
    type: 'circle',
    source: 'buildings',
    'source-layer': 'buildings',
    filter: STALE,
    paint: {
      'circle-radius': [
        'interpolate', ['linear'], ['sqrt', ['max', 0, ['to-number', ['get', 'vacant_area_m2'], 0]]],
        0, 6, 100, 10, 200, 14, 300, 19,
      ],
      'circle-opacity': 0,
      'circle-stroke-color': '#5c2d0c',
      'circle-stroke-width': 2,
      'circle-stroke-opacity': 0.9,
    },
  });
  map.addLayer({
    id: 'parcels-future-line',
    type: 'line',
    source: 'parcels',
    'source-layer': 'parcels',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: { 'line-color': '#1b6b34', 'line-width': 1.5, 'line-dasharray': [2, 1.5] },
  });
  map.addLayer({
    id: CLUSTER_LAYER,
    type: 'circle',
    source: 'overview',
    maxzoom: OVERVIEW_MAXZOOM,
    filter: ['has', 'point_count'],
    paint: {
      'circle-radius': ['step', ['get', 'point_count'], 13, 10, 16, 50, 21, 200, 26],
      'circle-color': 'rgba(47,93,138,0.82)',
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  });
  map.addLayer({
    id: POINT_LAYER,
    type: 'circle',
    source: 'overview',
    maxzoom: OVERVIEW_MAXZOOM,
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 4, 11, 6.5],
      'circle-color': pointColor(color),
      'circle-stroke-color': ['case', ['==', ['get', 'future'], true], STATUS_COLORS.available, '#ffffff'],
      'circle-stroke-width': ['case', ['==', ['get', 'future'], true], 2.5, 1.2],
    },
  });
  // Candidates chosen in the match list; filtered by id, empty at first.
  map.addLayer({
    id: HIGHLIGHT_LAYER,
    type: 'fill',
    source: 'parcels',
    'source-layer': 'parcels',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: { 'fill-color': '#ffde59', 'fill-opacity': 0.55 },
  });
  map.addLayer({
    id: 'highlight-line',
    type: 'line',
    source: 'parcels',
    'source-layer': 'parcels',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: { 'line-color': '#d7263d', 'line-width': 3 },
  });
  map.addLayer({
    id: HIGHLIGHT_BUILDING_LAYER,
    type: 'circle',
    source: 'buildings',
    'source-layer': 'buildings',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: {
      'circle-radius': 14,
      'circle-color': 'rgba(255,222,89,0.35)',
      'circle-stroke-color': '#d7263d',
      'circle-stroke-width': 3,
    },
  });
  // Feature the user clicked for the info panel.
  map.addLayer({
    id: 'selected-line',
    type: 'line',
    source: 'parcels',
    'source-layer': 'parcels',
    filter: ['==', ['get', 'id'], '\u0000'],
    paint: { 'line-color': '#111827', 'line-width': 2.5 },
  });
  map.addLayer({
    id: 'pick-fill',
    type: 'fill',
    source: 'pick',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': '#d7263d', 'fill-opacity': 0.07 },
  });
  map.addLayer({
    id: 'pick-line',
    type: 'line',
    source: 'pick',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'line-color': '#d7263d', 'line-width': 2, 'line-dasharray': [2, 1] },
  });
  map.addLayer({
    id: 'pick-point',
    type: 'circle',
    source: 'pick',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': 6, 'circle-color': '#d7263d', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  });
}

export function emptyFC() {
  return { type: 'FeatureCollection', features: [] };
}

export function setParcelColor(map, mode) {
  map.setPaintProperty(PARCEL_LAYER, 'fill-color', parcelColor(mode));
  map.setPaintProperty(POINT_LAYER, 'circle-color', pointColor(mode));
}

// The filtered parcels as points for the city zoom.
export function setOverview(map, points) {
  map.getSource('overview').setData(points);
}

// Hatch the stale features among those the filters keep.
export function setStale(map, parcelFilter, buildingFilter) {
  map.setFilter(STALE_LAYER, parcelFilter ? ['all', parcelFilter, STALE] : STALE);
  map.setFilter(STALE_BUILDING_LAYER, buildingFilter ? ['all', buildingFilter, STALE] : STALE);
}

// Hatch the available-later parcels among those the filter keeps.
export function setFuture(map, futureIds, parcelFilter) {
  const f = ['in', ['get', 'id'], ['literal', futureIds]];
  const both = parcelFilter ? ['all', parcelFilter, f] : f;
  map.setFilter(FUTURE_LAYER, both);
  map.setFilter('parcels-future-line', both);
}

const GROUPS = {
  districts: ['districts-fill', 'districts-line'],
  parks: ['parks-fill', 'parks-line'],
  zones: ['zones-fill', 'zones-line'],
  parcels: [PARCEL_LAYER, FUTURE_LAYER, STALE_LAYER, 'parcels-line', 'parcels-future-line', CLUSTER_LAYER, POINT_LAYER],
  buildings: [BUILDING_LAYER, STALE_BUILDING_LAYER],
};

export function setVisibility(map, visible) {
  for (const [g, ids] of Object.entries(GROUPS)) {
    for (const id of ids) map.setLayoutProperty(id, 'visibility', visible.includes(g) ? 'visible' : 'none');
  }
}

export function setHighlight(map, ids) {
  const f = ['in', ['get', 'id'], ['literal', ids]];
  map.setFilter(HIGHLIGHT_LAYER, f);
  map.setFilter('highlight-line', f);
  map.setFilter(HIGHLIGHT_BUILDING_LAYER, f);
}

export function setSelected(map, id) {
  map.setFilter('selected-line', ['==', ['get', 'id'], id || '\u0000']);
}

// Circle of radius km around [lon, lat], as a polygon on the sphere.
export function circlePolygon(center, km, steps = 96) {
  const [lon, lat] = center;
  const R = 6371.0088;
  const d = km / R;
  const la1 = (lat * Math.PI) / 180;
  const lo1 = (lon * Math.PI) / 180;
  const ring = [];
  for (let i = 0; i <= steps; i++) {
    const b = (2 * Math.PI * i) / steps;
    const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(b));
    const lo2 = lo1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2));
    ring.push([(lo2 * 180) / Math.PI, (la2 * 180) / Math.PI]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

export function setPick(map, center, km) {
  const fc = emptyFC();
  if (center) {
    fc.features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: center } });
    if (km > 0) fc.features.push({ type: 'Feature', properties: {}, geometry: circlePolygon(center, km) });
  }
  map.getSource('pick').setData(fc);
}

// Sequential ramp for the 首谈制 choropleth.
export const SCORE_RAMP = [
  [0, '#f7fbff'],
  [25, '#c6dbef'],
  [50, '#6baed6'],
  [75, '#2171b5'],
  [100, '#08306b'],
];

export function scoreColor(score) {
  for (let i = 1; i < SCORE_RAMP.length; i++) {
    const [s1, c1] = SCORE_RAMP[i];
    const [s0, c0] = SCORE_RAMP[i - 1];
    if (score <= s1) return mix(c0, c1, (score - s0) / (s1 - s0));
  }
  return SCORE_RAMP[SCORE_RAMP.length - 1][1];
}

function mix(a, b, f) {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  const c = pa.map((v, i) => Math.round(v + (pb[i] - v) * Math.max(0, Math.min(1, f))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

// scores: {adcode: score} or null to restore the plain base.
export function setChoropleth(map, scores, hasBasemap) {
  if (scores && Object.keys(scores).length) {
    const e = ['match', ['get', 'id']];
    for (const [k, v] of Object.entries(scores)) e.push(k, scoreColor(v));
    e.push('#f0f0f0');
    map.setPaintProperty('districts-fill', 'fill-color', e);
    map.setPaintProperty('districts-fill', 'fill-opacity', 0.75);
  } else {
    map.setPaintProperty('districts-fill', 'fill-color', hasBasemap ? '#ffffff' : '#fbfaf6');
    map.setPaintProperty('districts-fill', 'fill-opacity', hasBasemap ? 0.05 : 1);
  }
}
