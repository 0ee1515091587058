// Entry point: builds the map, wires the views together and keeps the URL in step.

import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';

import './i18n-edit.js';
import { api } from './api.js';
import { t, setLang, getLang, onLangChange } from './i18n.js';
import { state, readUrl, update, onStateChange, writeUrl } from './state.js';
import { loadCatalogue } from './catalogue.js';
import {
  addLayers, baseStyle, setParcelColor, setVisibility, setHighlight, setSelected, setPick, setChoropleth, setOverview, setFuture, setStale,
  STALE_LAYER, STALE_BUILDING_LAYER, PARCEL_LAYER, BUILDING_LAYER, HIGHLIGHT_LAYER, HIGHLIGHT_BUILDING_LAYER, CLUSTER_LAYER, POINT_LAYER, FUTURE_LAYER, CLICKABLE, DEFAULT_VISIBLE,
} from './layers.js';
import { renderFilters, filterExpr, buildingsFiltered, apiQuery } from './filters.js';
import { initSelection, refreshSelection, overviewPoints } from './selection.js';
import { addClusterCounts, expandCluster } from './clusters.js';
import { futureFrom } from './supply.js';
import { renderLegend } from './legend.js';
import { initPanel, showFeature, closePanel } from './panel.js';
import { authHeaders } from './token.js';
import { initSessionUi, restoreSession, onSessionChange, hasRole } from './session.js';
import { initCreating, reshape } from './creating.js';
import { initDrawing, drawingActive } from './drawing.js';
import { initStale, load as loadStale, staleDays } from './stale.js';
import { initImporter } from './importer.js';
import { initMatch } from './match.js';
import { initCompare, refreshCompare } from './compare.js';
import { initFirstTalk, firstTalkScores } from './firsttalk.js';
import { initStats, showStats } from './stats.js';
import { wgs84ToGcj02, gcj02ToWgs84 } from './gcj02.js';
import { addLabels } from './labels.js';

// Whole of Beijing, for the first view when the URL has no position.
const BEIJING = [[115.42, 39.44], [117.51, 41.06]];

// Our own tiles and TileJSON carry the token, so a promoter's tiles hold the confidential
// `project` of the scope; nothing else (a base map elsewhere) ever sees it.
function withToken(url) {
  const auth = authHeaders();
  if (!auth.Authorization) return undefined;
  try {
    const u = new URL(url, location.href);
    if (u.origin === location.origin && u.pathname.startsWith('/tiles/')) return { url, headers: auth };
  } catch {
    // not a URL: leave it alone
  }
  return undefined;
}

// Tabs only some roles are given.
const TAB_ROLE = { stale: 'promoter', import: 'editor' };
const tabAllowed = (name) => !TAB_ROLE[name] || hasRole(TAB_ROLE[name]);

window.chanyeReady = false;

async function start() {
  readUrl();
  setLang(state.lang);

  const config = await api.config();
  const basemap = config && config.basemap ? config.basemap : null;
  const gcj = !!basemap && /gcj/i.test(basemap.crs || '');
  let hasBasemap = !!basemap;
  const toShown = (lon, lat) => (gcj ? wgs84ToGcj02(lon, lat) : [lon, lat]);

  const hadHash = /^#\d/.test(location.hash);
  const map = new maplibregl.Map({
    container: 'map',
    style: basemap && basemap.kind === 'style' ? basemap.url : baseStyle(basemap),
    bounds: hadHash ? undefined : [toShown(...BEIJING[0]), toShown(...BEIJING[1])],
    fitBoundsOptions: { padding: 20 },
    hash: true,
    attributionControl: { compact: true },
    maxZoom: 19,
    dragRotate: false,
    pitchWithRotate: false,
    transformRequest: withToken,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  // An unreachable base map style (offline) would leave the page blank: fall
  // back to the plain districts base.
  if (basemap && basemap.kind === 'style') {
    const fallback = () => {
      if (map.isStyleLoaded()) return;
      hasBasemap = false;
      map.setStyle(baseStyle(null));
    };
    map.once('error', fallback);
    setTimeout(fallback, 10000);
  }
  window.chanyeMap = map;
  window.chanyeLayers = {
    parcels: PARCEL_LAYER,
    buildings: BUILDING_LAYER,
    highlight: HIGHLIGHT_LAYER,
    highlightBuildings: HIGHLIGHT_BUILDING_LAYER,
    clusters: CLUSTER_LAYER,
    points: POINT_LAYER,
    future: FUTURE_LAYER,
    stale: STALE_LAYER,
    staleBuildings: STALE_BUILDING_LAYER,
  };

  const message = document.getElementById('map-message');
  let tileErrors = 0;
  map.on('error', (e) => {
    // Surface tile source failures once, without flooding the screen.
    if (tileErrors++ === 0) {
      message.hidden = false;
      message.textContent = `${t('common.error')}${e.error?.message || e.error || 'map'}`;
      setTimeout(() => (message.hidden = true), 6000);
    }
  });

  const catalogueReady = loadCatalogue().catch((e) => {
    message.hidden = false;
    message.textContent = `${t('common.error')}${e.message}`;
  });
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once('load', resolve)));
  addLayers(map, { gcj, hasBasemap, color: state.color });
  await catalogueReady;
  // before the views: they show what the signed-in role may do
  await restoreSession();
  initSessionUi(document.getElementById('session'));

  addLabels(map, toShown);
  const toWgs = (lon, lat) => (gcj ? gcj02ToWgs84(lon, lat) : [lon, lat]);
  initDrawing(map, { toWgs, toShown });

  // ---- views
  const legendEl = document.getElementById('legend');
  initPanel(document.getElementById('info'), {
    closed: () => setSelected(map, null),
    changed: featureChanged,
    reshape: (layer, feature, etag) => reshape(layer, feature, etag),
  });
  initCompare(document.getElementById('compare'));
  const mapView = document.getElementById('view-map');
  renderFilters(mapView, { zoomTo });
  const setEl = document.createElement('div');
  setEl.className = 'set';
  mapView.append(setEl);
  let futureIds = [];
  initSelection(setEl, {
    loaded(set) {
      setOverview(map, overviewPoints(set.parcels, toShown));
      futureIds = set.parcels.filter((f) => futureFrom(f.properties)).map((f) => f.properties.id);
      setFuture(map, futureIds, filterExpr(state, 'parcels'));
    },
    open(kind, f) {
      fitGeometry(f.geometry);
      setSelected(map, kind === 'parcels' ? f.properties.id : null);
      showFeature(kind, { ...f.properties });
    },
  });
  addClusterCounts(map);

  let pickCallback = null;
  let fitSeq = 0;
  const mapApi = {
    highlight(ids, geometry, opts = {}) {
      setHighlight(map, ids);
      if (geometry) fitGeometry(geometry);
      else if (opts.fly && ids.length) {
        const my = ++fitSeq;
        const layer = opts.kind === 'building' ? 'buildings' : 'parcels';
        api.feature(layer, ids[0]).then((f) => my === fitSeq && fitGeometry(f.geometry)).catch(() => {});
      }
    },
    startPick(cb) {
      pickCallback = cb;
      map.getCanvas().style.cursor = 'crosshair';
      if (window.innerWidth <= 700) setCollapsed(true);
    },
    stopPick() {
      if (!pickCallback) return;
      pickCallback = null;
      map.getCanvas().style.cursor = '';
    },
    setPick(center, km) {
      setPick(map, center, km);
    },
    choropleth(scores) {
      setChoropleth(map, state.tab === 'firsttalk' ? scores : null, hasBasemap);
      drawLegend();
    },
    flyToDistrict(adcode) {
      return zoomTo('districts', adcode);
    },
  };
  initMatch(document.getElementById('view-match'), mapApi);
  initFirstTalk(document.getElementById('view-firsttalk'), mapApi);
  initStats(document.getElementById('view-stats'));
  initCreating(document.getElementById('edit-bar'), document.getElementById('mode-bar'), {
    startPick: mapApi.startPick,
    stopPick: mapApi.stopPick,
    changed: featureChanged,
  });
  initStale(document.getElementById('view-stale'), {
    open: (layer, id) => openFeature(layer, id),
    days: () => drawLegend(),
  });
  initImporter(document.getElementById('view-import'), { committed: () => featureChanged() });

  // Tiles fetched again from the server. Deferred to the next frame: a filter set just before
  // pauses the source until the frame, and MapLibre (5.24) then only re-parses the old tiles.
  function reloadTiles(layers) {
    map.once('render', () => {
      for (const l of layers) map.refreshTiles(l);
    });
    map.triggerRepaint();
  }
  window.chanyeReloadTiles = reloadTiles;

  // After a write: the tiles, the filtered set and the 待核实 list are read again.
  function featureChanged(layer) {
    reloadTiles(layer ? [layer] : ['parcels', 'buildings']);
    refreshSelection(state);
    if (state.tab === 'stale') loadStale();
  }

  async function openFeature(layer, id) {
    try {
      const f = await api.feature(layer, id);
      fitGeometry(f.geometry);
      setSelected(map, layer === 'parcels' ? id : null);
      showFeature(layer, { ...f.properties });
    } catch (e) {
      message.hidden = false;
      message.textContent = `${t('common.error')}${e.message}`;
    }
  }

  onSessionChange(() => {
    // tiles read again with (or without) the token's confidential fields
    reloadTiles(['parcels', 'buildings']);
    showTabButtons();
    if (!tabAllowed(state.tab)) update({ tab: 'map' });
    else if (state.tab === 'stale') loadStale();
  });

  // The district or park chosen in the filters; '' = the whole city.
  let zoomSeq = 0;
  async function zoomTo(layer, id) {
    const my = ++zoomSeq;
    if (!id) {
      fitWgsBounds(BEIJING, 12);
      return;
    }
    try {
      const f = await api.feature(layer, id);
      if (my === zoomSeq) fitGeometry(f.geometry, layer === 'districts' ? 12 : 15);
    } catch {
      // unknown or unreachable: the map stays where it is
    }
  }

  function fitWgsBounds([[w, s], [e, n]], maxZoom) {
    const narrow = window.innerWidth <= 700;
    map.fitBounds([toShown(w, s), toShown(e, n)], { padding: narrow ? 40 : 80, maxZoom, duration: 800 });
  }

  function fitGeometry(geometry, maxZoom = 16.5) {
    const b = bbox(geometry);
    if (b) fitWgsBounds([[b[0], b[1]], [b[2], b[3]]], maxZoom);
  }

  function drawLegend() {
    renderLegend(legendEl, { color: state.color, lu: state.lu, choropleth: state.tab === 'firsttalk' && !!firstTalkScores(), staleDays: staleDays() });
  }

  let setKey = null;
  function applyState() {
    const pf = filterExpr(state, 'parcels');
    const bf = filterExpr(state, 'buildings');
    map.setFilter(PARCEL_LAYER, pf);
    map.setFilter('parcels-line', pf);
    setFuture(map, futureIds, pf);
    // Only a change of the filters needs the set read again (not colour, tab or language).
    const key = `${apiQuery(state, 'parcels')}|${apiQuery(state, 'buildings')}|${buildingsFiltered(state)}`;
    if (key !== setKey) {
      setKey = key;
      refreshSelection(state);
    }
    // Land use and area do not apply to buildings: hide them rather than show unfiltered space.
    const shownBuildings = buildingsFiltered(state) ? ['==', ['get', 'id'], '\u0000'] : bf;
    map.setFilter(BUILDING_LAYER, shownBuildings);
    setStale(map, pf, shownBuildings);
    setParcelColor(map, state.color);
    setVisibility(map, state.layers ?? DEFAULT_VISIBLE);
    drawLegend();
  }

  // ---- tabs and sidebar
  const tabs = [...document.querySelectorAll('.tab')];
  function showTabButtons() {
    for (const b of tabs) b.hidden = !tabAllowed(b.dataset.tab);
  }
  showTabButtons();
  function showTab(name) {
    if (!tabAllowed(name)) name = 'map';
    for (const b of tabs) {
      b.classList.toggle('active', b.dataset.tab === name);
      b.setAttribute('aria-selected', b.dataset.tab === name ? 'true' : 'false');
    }
    for (const v of document.querySelectorAll('.view')) v.hidden = v.dataset.view !== name;
    document.querySelector('.current-tab').textContent = t(`tab.${name}`);
    setChoropleth(map, name === 'firsttalk' ? firstTalkScores() : null, hasBasemap);
    if (name === 'stats') showStats();
    if (name === 'stale') loadStale();
    drawLegend();
  }
  for (const b of tabs) {
    b.addEventListener('click', () => {
      update({ tab: b.dataset.tab });
      if (document.body.classList.contains('collapsed')) setCollapsed(false);
    });
  }
  const toggle = document.getElementById('sidebar-toggle');
  function setCollapsed(c) {
    document.body.classList.toggle('collapsed', c);
    toggle.setAttribute('aria-expanded', c ? 'false' : 'true');
    setTimeout(() => map.resize(), 220);
  }
  toggle.addEventListener('click', () => setCollapsed(!document.body.classList.contains('collapsed')));

  document.getElementById('lang-switch').addEventListener('click', () => update({ lang: getLang() === 'en' ? 'zh' : 'en' }));
  onLangChange(() => {
    document.querySelector('.current-tab').textContent = t(`tab.${state.tab}`);
    drawLegend();
    refreshCompare();
  });

  onStateChange((s, patch) => {
    if ('lang' in patch) setLang(s.lang);
    if ('tab' in patch) showTab(s.tab);
    applyState();
  });

  // ---- map interaction
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'hover-pop', offset: 8 });
  const hoverLayers = CLICKABLE.filter((l) => l !== 'districts-fill');
  map.on('mousemove', (e) => {
    if (pickCallback || drawingActive()) return;
    const f = map.queryRenderedFeatures(e.point, { layers: hoverLayers })[0];
    map.getCanvas().style.cursor = f ? 'pointer' : '';
    if (f && f.properties.name) popup.setLngLat(e.lngLat).setText(f.properties.name).addTo(map);
    else popup.remove();
  });
  map.on('mouseout', () => popup.remove());

  map.on('click', (e) => {
    if (pickCallback) {
      const shown = [e.lngLat.lng, e.lngLat.lat];
      const wgs = gcj ? gcj02ToWgs84(shown[0], shown[1]) : shown;
      const cb = pickCallback;
      pickCallback = null;
      map.getCanvas().style.cursor = '';
      cb(wgs, shown);
      if (window.innerWidth <= 700) setCollapsed(false);
      return;
    }
    if (drawingActive()) return; // terra-draw has the clicks
    const pad = 4; // a few pixels of slack for small dots on touch screens
    const box = [[e.point.x - pad, e.point.y - pad], [e.point.x + pad, e.point.y + pad]];
    popup.remove();
    const f = map.queryRenderedFeatures(box, { layers: CLICKABLE })[0];
    if (!f) {
      closePanel();
      return;
    }
    if (f.layer.id === CLUSTER_LAYER) {
      expandCluster(map, f).catch(() => {});
      return;
    }
    // City-zoom points stand for parcels.
    const layer = f.source === 'overview' ? 'parcels' : f.sourceLayer || f.source;
    setSelected(map, layer === 'parcels' ? f.properties.id : null);
    showFeature(layer, { ...f.properties });
  });

  // The views were built after the first translation pass: translate them now.
  setLang(state.lang);
  if (!tabAllowed(state.tab)) update({ tab: 'map' });
  showTab(state.tab);
  applyState();
  writeUrl();

  // Ready once the style, the layers and the first tiles are in.
  const markReady = () => {
    if (window.chanyeReady) return;
    window.chanyeReady = true;
    document.body.dataset.ready = 'true';
    // Fold the attribution so it does not cover the legend (MapLibre unfolds
    // it when the sources' attribution arrives, which is before this).
    const a = map.getContainer().querySelector('.maplibregl-ctrl-attrib');
    if (a) a.classList.remove('maplibregl-compact-show');
  };
  map.once('idle', markReady);
  // A failed base map tile can leave MapLibre without a further 'idle': poll as well.
  const poll = setInterval(() => {
    if (window.chanyeReady) clearInterval(poll);
    else if (map.isStyleLoaded() && map.areTilesLoaded()) markReady();
  }, 500);
  map.triggerRepaint();
}

function bbox(geometry) {
  let b = null;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      if (!b) b = [c[0], c[1], c[0], c[1]];
      else {
        b[0] = Math.min(b[0], c[0]);
        b[1] = Math.min(b[1], c[1]);
        b[2] = Math.max(b[2], c[0]);
        b[3] = Math.max(b[3], c[1]);
      }
    } else for (const x of c) walk(x);
  };
  if (geometry.type === 'GeometryCollection') for (const g of geometry.geometries) walk(g.coordinates);
  else walk(geometry.coordinates);
  return b;
}

start().catch((e) => {
  const m = document.getElementById('map-message');
  m.hidden = false;
  m.textContent = `${t('common.error')}${e.message}`;
  console.error(e);
});
