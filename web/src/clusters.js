// Counts on the city-zoom clusters as HTML markers: the page ships no glyphs
// (it must work offline), so a symbol layer cannot write them.

import maplibregl from 'maplibre-gl';
import { CLUSTER_LAYER, OVERVIEW_MAXZOOM } from './layers.js';

export function addClusterCounts(map, source = 'overview') {
  const markers = new Map(); // key -> marker
  let queued = false;
  const sync = () => {
    queued = false;
    const seen = new Set();
    const on = map.getLayoutProperty(CLUSTER_LAYER, 'visibility') !== 'none' && map.getZoom() < OVERVIEW_MAXZOOM;
    if (on && map.isSourceLoaded(source)) {
      for (const f of map.querySourceFeatures(source, { filter: ['has', 'point_count'] })) {
        const [lon, lat] = f.geometry.coordinates;
        // Cluster ids are reused after new data: key on what is drawn as well.
        const key = `${f.properties.cluster_id}:${f.properties.point_count}:${lon.toFixed(5)},${lat.toFixed(5)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!markers.has(key)) {
          const el = document.createElement('div');
          el.className = 'cluster-count';
          el.textContent = String(f.properties.point_count);
          markers.set(key, new maplibregl.Marker({ element: el }).setLngLat([lon, lat]).addTo(map));
        }
      }
    }
    for (const [key, m] of markers) {
      if (!seen.has(key)) {
        m.remove();
        markers.delete(key);
      }
    }
  };
  map.on('render', () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(sync);
  });
}

// A click on a cluster zooms to where it splits.
export async function expandCluster(map, feature, source = 'overview') {
  const zoom = await map.getSource(source).getClusterExpansionZoom(feature.properties.cluster_id);
  map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(zoom, OVERVIEW_MAXZOOM + 0.5), duration: 500 });
}
