// Place names as HTML markers: the page ships no glyphs (it must work offline),
// so MapLibre symbol layers cannot draw text.

import maplibregl from 'maplibre-gl';
import { districtLabel, catalogue } from './catalogue.js';
import { onLangChange } from './i18n.js';

// Visual centres of the 16 districts (WGS84), with the zoom from which each
// shows: the small central ones only once they have room.
const DISTRICT_POINTS = {
  110101: [116.417, 39.921, 9.5], 110102: [116.36, 39.915, 9.5], 110105: [116.49, 39.95, 8.5],
  110106: [116.24, 39.84, 8.5], 110107: [116.19, 39.935, 9.5], 110108: [116.24, 40.03, 8],
  110109: [115.85, 39.98, 0], 110111: [115.86, 39.7, 0], 110112: [116.7, 39.8, 0],
  110113: [116.7, 40.14, 0], 110114: [116.23, 40.22, 0], 110115: [116.4, 39.64, 0],
  110116: [116.57, 40.6, 0], 110117: [117.15, 40.2, 0], 110118: [116.95, 40.5, 0],
  110119: [116.1, 40.5, 0],
};

export function addLabels(map, toShown) {
  const labels = [];
  for (const [code, [lon, lat, minzoom]] of Object.entries(DISTRICT_POINTS)) {
    const el = document.createElement('div');
    el.className = 'map-label district-label';
    const m = new maplibregl.Marker({ element: el }).setLngLat(toShown(lon, lat)).addTo(map);
    labels.push({ el, m, minzoom, maxzoom: 11.5, text: () => districtLabel(code).replace(/ \(.*\)$/, '') });
  }
  for (const [id, p] of catalogue.parks) {
    const c = catalogue.parkCenters.get(id);
    if (!c) continue;
    const el = document.createElement('div');
    el.className = 'map-label park-label';
    const m = new maplibregl.Marker({ element: el, anchor: 'bottom', offset: [0, -4] }).setLngLat(toShown(c[0], c[1])).addTo(map);
    labels.push({ el, m, minzoom: 9, maxzoom: 13.5, text: () => p.name, id });
  }
  const sync = () => {
    const z = map.getZoom();
    for (const l of labels) l.el.hidden = z < l.minzoom || z >= l.maxzoom;
  };
  const retext = () => {
    for (const l of labels) l.el.textContent = l.text();
  };
  retext();
  sync();
  map.on('zoom', sync);
  onLangChange(retext);
}
