// The filtered set: what the filters select, read from the items API with the
// same parameters as the exports, shown as a count, a list and export links.
// Its parcels also feed the map's city-zoom points.

import { getJSON } from './api.js';
import { t, fmt, onLangChange } from './i18n.js';
import { districtLabel, parkLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';
import { apiQuery, buildingsFiltered } from './filters.js';
import { statusChip, futureFrom } from './supply.js';

const PAGE = 10000; // the items API's largest page
const SHOWN = 50; // list rows drawn at first; more on demand

let root = null;
let handlers = null;
let data = null; // {parcels, buildings, parcelsMatched, buildingsMatched, query}
let shown = SHOWN;
let seq = 0;
let timer = null;

// handlers.loaded(data): the set arrived; handlers.open(kind, feature): a row was chosen.
export function initSelection(el, h) {
  root = el;
  handlers = h;
  root.innerHTML = `<div class="set-body" data-testid="filter-set"></div>`;
  onLangChange(render);
}

export function getSelection() {
  return data;
}

// Re-read the set for state s; quick filter changes collapse into one request.
export function refreshSelection(s) {
  clearTimeout(timer);
  const body = root.querySelector('[data-testid=filter-set]');
  body.setAttribute('aria-busy', 'true');
  delete body.dataset.query;
  timer = setTimeout(() => load(s), 120);
}

async function readAll(layer, q) {
  const features = [];
  let matched = 0;
  for (let offset = 0; ; ) {
    const p = new URLSearchParams(q);
    p.set('limit', String(PAGE));
    if (offset) p.set('offset', String(offset));
    const page = await getJSON(`/collections/${layer}/items?${p}`);
    features.push(...page.features);
    matched = page.numberMatched ?? features.length;
    offset += page.features.length;
    if (!page.features.length || offset >= matched) break;
  }
  return { features, matched };
}

async function load(s) {
  const my = ++seq;
  const pq = apiQuery(s, 'parcels');
  const bq = apiQuery(s, 'buildings');
  // Land use and area do not apply to buildings: the map hides them, so does the set.
  const noBuildings = buildingsFiltered(s);
  try {
    const [p, b] = await Promise.all([
      readAll('parcels', pq),
      noBuildings ? { features: [], matched: 0 } : readAll('buildings', bq),
    ]);
    if (my !== seq) return;
    data = {
      parcels: p.features,
      parcelsMatched: p.matched,
      buildings: b.features,
      buildingsMatched: b.matched,
      noBuildings,
      query: { parcels: pq.toString(), buildings: bq.toString() },
    };
    shown = SHOWN;
    render();
    handlers.loaded(data);
  } catch (e) {
    if (my !== seq) return;
    data = null;
    const body = root.querySelector('[data-testid=filter-set]');
    body.removeAttribute('aria-busy');
    body.innerHTML = `<p class="error">${t('common.error')}${escapeHtml(e.message)}</p>`;
  }
}

function exportLinks(kind, query) {
  const q = query ? `&${query}` : '';
  return ['csv', 'xlsx', 'geojson']
    .map(
      (f) => `<a class="btn small" href="/api/v1/export/${kind}?format=${f}${q}" download data-testid="set-export-${kind}-${f}">${f === 'geojson' ? 'GeoJSON' : f.toUpperCase()}</a>`,
    )
    .join('');
}

function row(kind, f) {
  const p = f.properties;
  const place = [districtLabel(p.district), p.park ? parkLabel(p.park) : ''].filter(Boolean).join(' · ');
  const size =
    kind === 'parcels'
      ? `${fmt(p.area_mu, 1)} ${t('unit.mu')}`
      : p.vacant_area_m2 != null
        ? `${t('set.vacant')} ${fmt(p.vacant_area_m2, 0)} ${t('unit.m2')}`
        : '';
  const future = kind === 'parcels' && futureFrom(p) ? ' future' : '';
  return `<li class="set-item${future}" data-testid="set-item" data-kind="${kind}" data-id="${escapeHtml(p.id)}" tabindex="0">
      <div class="si-head"><span class="si-name">${escapeHtml(p.name || p.id)}</span>${statusChip(p)}</div>
      <div class="si-meta">${escapeHtml(place)}${size ? ` · ${size}` : ''}</div>
    </li>`;
}

function render() {
  if (!root || !data) return;
  const body = root.querySelector('[data-testid=filter-set]');
  const { parcels, buildings } = data;
  const all = [...parcels.map((f) => ['parcels', f]), ...buildings.map((f) => ['buildings', f])];
  const count = data.noBuildings
    ? t('set.count_land', { p: data.parcelsMatched })
    : t('set.count', { p: data.parcelsMatched, b: data.buildingsMatched });
  const future = parcels.filter((f) => futureFrom(f.properties)).length;
  body.innerHTML = `
    <div class="set-head">
      <h3 data-testid="set-count" data-parcels="${data.parcelsMatched}" data-buildings="${data.buildingsMatched}">${escapeHtml(count)}</h3>
    </div>
    ${future ? `<p class="hint" data-testid="set-future">${escapeHtml(t('set.future', { n: future }))}</p>` : ''}
    ${data.noBuildings ? `<p class="hint">${t('set.no_buildings')}</p>` : ''}
    <div class="exports set-exports"><span>${t('set.export_land')}:</span>${exportLinks('parcels', data.query.parcels)}</div>
    ${data.noBuildings || !buildings.length ? '' : `<div class="exports set-exports"><span>${t('set.export_buildings')}:</span>${exportLinks('buildings', data.query.buildings)}</div>`}
    ${all.length ? `<ol class="set-list" data-testid="set-list">${all.slice(0, shown).map(([k, f]) => row(k, f)).join('')}</ol>` : `<p class="empty">${t('set.empty')}</p>`}
    ${all.length > shown ? `<button type="button" class="secondary small" data-testid="set-more">${t('set.more', { n: all.length - shown })}</button>` : ''}`;
  body.removeAttribute('aria-busy');
  body.dataset.query = data.query.parcels;

  const byKey = new Map(all.map(([k, f]) => [`${k}:${f.properties.id}`, [k, f]]));
  for (const li of body.querySelectorAll('[data-testid=set-item]')) {
    const choose = () => {
      for (const o of body.querySelectorAll('.set-item.selected')) o.classList.remove('selected');
      li.classList.add('selected');
      const [k, f] = byKey.get(`${li.dataset.kind}:${li.dataset.id}`);
      handlers.open(k, f);
    };
    li.addEventListener('click', choose);
    li.addEventListener('keydown', (e) => e.key === 'Enter' && choose());
  }
  body.querySelector('[data-testid=set-more]')?.addEventListener('click', () => {
    shown += 200;
    render();
  });
}

// Parcels as points (their outline's centroid), for the clusters at city zoom.
export function overviewPoints(parcels, toShown) {
  const features = [];
  for (const f of parcels) {
    const c = centroid(f.geometry);
    if (!c) continue;
    const p = f.properties;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: toShown(c[0], c[1]) },
      properties: { id: p.id, name: p.name, status: p.status, land_use: p.land_use, district: p.district, area_mu: p.area_mu, future: !!futureFrom(p) },
    });
  }
  return { type: 'FeatureCollection', features };
}

// Area-weighted centroid of the outer rings; the first vertex for degenerate shapes.
function centroid(g) {
  if (!g) return null;
  if (g.type === 'Point') return g.coordinates;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  let a = 0;
  let x = 0;
  let y = 0;
  for (const poly of polys) {
    const r = poly[0];
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const cross = r[j][0] * r[i][1] - r[i][0] * r[j][1];
      a += cross;
      x += (r[j][0] + r[i][0]) * cross;
      y += (r[j][1] + r[i][1]) * cross;
    }
  }
  if (Math.abs(a) < 1e-18) return polys[0]?.[0]?.[0] ?? null;
  return [x / (3 * a), y / (3 * a)];
}
