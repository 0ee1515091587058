// The filter panel and the MapLibre filter expressions built from it.

import { t, tv, onLangChange } from './i18n.js';
import { state, update } from './state.js';
import { catalogue, districtLabel } from './catalogue.js';
import { industryPicker } from './picker.js';
import { STATUS_COLORS, LANDUSE_COLORS, LAYERS, DEFAULT_VISIBLE } from './layers.js';

// Matches features whose comma-joined `industries` hold the code, a narrower
// code under it, or one of its broader codes (as the server's filter does).
function industryExpr(code) {
  const padded = ['concat', ',', ['to-string', ['get', 'industries']], ','];
  const parts = code.split('.');
  const any = ['any', ['in', `,${code}.`, padded]];
  for (let i = parts.length; i >= 1; i--) any.push(['in', `,${parts.slice(0, i).join('.')},`, padded]);
  return any;
}

// The land uses that pass a land-use filter, as the matcher reads a project's
// land uses (LandUse::serves): mixed M1/M4 land serves M1, M4 and M1/M4.
export const MIXED_LU = 'M1/M4';
export function landUsesServing(wanted) {
  const out = new Set(wanted);
  if (wanted.some((w) => w === 'M1' || w === 'M4' || w === MIXED_LU)) out.add(MIXED_LU);
  return [...out];
}

// The same selection as filterExpr, as query parameters of the items and export APIs.
export function apiQuery(s, kind) {
  const q = new URLSearchParams();
  if (s.district) q.set('district', s.district);
  if (s.park) q.set('park', s.park);
  if (s.status.length) q.set('status', s.status.join(','));
  if (s.industry) q.set('industry', s.industry);
  if (kind === 'parcels') {
    if (s.lu.length) q.set('land_use', landUsesServing(s.lu).join(','));
    const cql = [];
    if (s.min_mu != null) cql.push(`area_mu >= ${s.min_mu}`);
    if (s.max_mu != null) cql.push(`area_mu <= ${s.max_mu}`);
    if (cql.length) q.set('filter', cql.join(' AND '));
  }
  return q;
}

export function filterExpr(s, kind) {
  const all = ['all'];
  if (s.district) all.push(['==', ['get', 'district'], s.district]);
  if (s.park) all.push(['==', ['get', 'park'], s.park]);
  if (s.status.length) all.push(['in', ['get', 'status'], ['literal', s.status]]);
  if (s.industry) all.push(industryExpr(s.industry));
  if (kind === 'parcels') {
    if (s.lu.length) all.push(['in', ['get', 'land_use'], ['literal', landUsesServing(s.lu)]]);
    if (s.min_mu != null) all.push(['>=', ['to-number', ['get', 'area_mu'], 0], s.min_mu]);
    if (s.max_mu != null) all.push(['<=', ['to-number', ['get', 'area_mu'], 0], s.max_mu]);
  }
  return all.length > 1 ? all : null;
}

// Land use and area belong to land only; with either set, buildings are hidden.
export function buildingsFiltered(s) {
  return s.lu.length > 0 || s.min_mu != null || s.max_mu != null;
}

// A fieldset of one checkbox per value, each with its legend colour swatch.
function checkboxes(testid, legendKey, colors, labelKey, note = '') {
  const boxes = Object.entries(colors).map(
    ([value, color]) => `<label class="chk"><input type="checkbox" value="${value}" data-testid="${testid}-${value}">
          <i class="sw" style="background:${color}"></i><span data-i18n="${labelKey(value)}"></span></label>`,
  );
  return `<fieldset class="field checks" data-testid="${testid}">
      <legend data-i18n="${legendKey}"></legend>
      ${boxes.join('')}
      ${note ? `<small class="note" data-testid="${testid}-note" data-i18n="${note}"></small>` : ''}
    </fieldset>`;
}

// M1 and M4 say that they take in the mixed land as well.
const luFilterLabel = (v) => (v === 'M1' || v === 'M4' ? `filters.lu.${v}` : `lu.${v}`);

// zoomTo(kind, id): move the map onto the chosen district or park ('' = all of Beijing).
export function renderFilters(root, { zoomTo = () => {} } = {}) {
  root.innerHTML = `
    <h2 data-i18n="filters.title"></h2>
    <p class="hint" data-i18n="filters.hint"></p>
    <div class="field">
      <label for="f-district" data-i18n="filters.district"></label>
      <select id="f-district" data-testid="filter-district"></select>
    </div>
    <div class="field">
      <label for="f-park" data-i18n="filters.park"></label>
      <select id="f-park" data-testid="filter-park"></select>
    </div>
    ${checkboxes('filter-status', 'filters.status', STATUS_COLORS, (v) => `status.${v}`)}
    ${checkboxes('filter-lu', 'filters.landuse', LANDUSE_COLORS, luFilterLabel, 'filters.lu.note')}
    <div class="field">
      <label data-i18n="filters.industry"></label>
      <div class="picker-slot"></div>
    </div>
    <div class="field">
      <label data-i18n="filters.area"></label>
      <div class="range">
        <input type="number" min="0" step="any" inputmode="decimal" data-testid="filter-min-mu" data-i18n-placeholder="filters.min">
        <span>–</span>
        <input type="number" min="0" step="any" inputmode="decimal" data-testid="filter-max-mu" data-i18n-placeholder="filters.max">
      </div>
    </div>
    <div class="field">
      <span class="label" data-i18n="filters.color"></span>
      <div class="seg" role="radiogroup" data-testid="color-switch">
        <label><input type="radio" name="color" value="status" data-testid="color-status"><span data-i18n="filters.color.status"></span></label>
        <label><input type="radio" name="color" value="landuse" data-testid="color-landuse"><span data-i18n="filters.color.landuse"></span></label>
      </div>
    </div>
    <fieldset class="field checks layers">
      <legend data-i18n="layers.title"></legend>
      ${LAYERS.map(
        (l) => `<label class="chk"><input type="checkbox" value="${l}" data-testid="layer-toggle-${l}"><span data-i18n="layer.${l}"></span></label>`,
      ).join('')}
    </fieldset>
    <div class="buttons">
      <button type="button" class="secondary" data-testid="filter-reset" data-i18n="filters.reset"></button>
      <button type="button" class="secondary" data-testid="filter-share" data-i18n="filters.share"></button>
    </div>`;

  const dSel = root.querySelector('[data-testid=filter-district]');
  const pSel = root.querySelector('[data-testid=filter-park]');
  const minI = root.querySelector('[data-testid=filter-min-mu]');
  const maxI = root.querySelector('[data-testid=filter-max-mu]');
  const picker = industryPicker({ testid: 'filter-industry', value: state.industry, onChange: (c) => update({ industry: c }) });
  root.querySelector('.picker-slot').append(picker.el);

  function fillDistricts() {
    // Districts with parks first would reorder the list; keep adcode order.
    dSel.innerHTML = `<option value="">${t('filters.all')}</option>`;
    for (const code of [...catalogue.districts.keys()].sort()) {
      const o = new Option(districtLabel(code), code);
      dSel.append(o);
    }
    dSel.value = state.district;
  }
  function fillParks() {
    pSel.innerHTML = `<option value="">${t('filters.all')}</option>`;
    for (const [id, p] of catalogue.parks) {
      if (state.district && p.district !== state.district) continue;
      pSel.append(new Option(p.name, id));
    }
    pSel.value = state.park;
  }

  function sync() {
    fillDistricts();
    fillParks();
    for (const c of root.querySelectorAll('[data-testid^=filter-status-]')) c.checked = state.status.includes(c.value);
    for (const c of root.querySelectorAll('[data-testid^=filter-lu-]')) c.checked = state.lu.includes(c.value);
    minI.value = state.min_mu ?? '';
    maxI.value = state.max_mu ?? '';
    for (const r of root.querySelectorAll('input[name=color]')) r.checked = r.value === state.color;
    const vis = state.layers ?? DEFAULT_VISIBLE;
    for (const c of root.querySelectorAll('[data-testid^=layer-toggle-]')) c.checked = vis.includes(c.value);
    picker.set(state.industry);
  }

  dSel.addEventListener('change', () => {
    const park = catalogue.parks.get(state.park);
    // A park in another district would leave the map empty.
    const keepPark = park && (!dSel.value || park.district === dSel.value);
    update({ district: dSel.value, park: keepPark ? state.park : '' });
    fillParks();
    if (keepPark && state.park) zoomTo('parks', state.park);
    else zoomTo('districts', dSel.value);
  });
  pSel.addEventListener('change', () => {
    update({ park: pSel.value });
    // Back to "all parks": show the district (or the city) again.
    if (pSel.value) zoomTo('parks', pSel.value);
    else zoomTo('districts', state.district);
  });
  root.querySelector('[data-testid=filter-status]').addEventListener('change', (e) => {
    const vals = [...root.querySelectorAll('[data-testid^=filter-status-]:checked')].map((c) => c.value);
    if (e.target.matches('input')) update({ status: vals });
  });
  root.querySelector('[data-testid=filter-lu]').addEventListener('change', () => {
    update({ lu: [...root.querySelectorAll('[data-testid^=filter-lu-]:checked')].map((c) => c.value) });
  });
  const areaChanged = () => {
    const n = (v) => (v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
    update({ min_mu: n(minI.value), max_mu: n(maxI.value) });
  };
  minI.addEventListener('change', areaChanged);
  maxI.addEventListener('change', areaChanged);
  for (const r of root.querySelectorAll('input[name=color]')) {
    r.addEventListener('change', () => r.checked && update({ color: r.value }));
  }
  root.querySelector('.layers').addEventListener('change', () => {
    const vis = [...root.querySelectorAll('[data-testid^=layer-toggle-]:checked')].map((c) => c.value);
    const same = vis.length === DEFAULT_VISIBLE.length && DEFAULT_VISIBLE.every((l) => vis.includes(l));
    update({ layers: same ? null : vis });
  });
  root.querySelector('[data-testid=filter-reset]').addEventListener('click', () => {
    update({ district: '', park: '', status: [], lu: [], industry: '', min_mu: null, max_mu: null });
    sync();
  });
  const share = root.querySelector('[data-testid=filter-share]');
  share.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      share.textContent = t('filters.copied');
    } catch {
      // Clipboard needs a secure context; show the link instead.
      window.prompt('URL', location.href);
    }
    setTimeout(() => (share.textContent = t('filters.share')), 1500);
  });

  onLangChange(sync);
  sync();
  return { sync };
}

export function statusLabel(s) {
  return tv('status', s);
}
