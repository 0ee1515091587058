// View state mirrored in the query string so a view can be shared; the map
// position lives in the hash (MapLibre's own `hash` option).

const LIST_KEYS = ['status', 'lu'];
const KEYS = ['district', 'park', 'status', 'lu', 'industry', 'min_mu', 'max_mu', 'color', 'lang', 'tab', 'layers'];

export const state = {
  district: '',
  park: '',
  status: [],
  lu: [],
  industry: '',
  min_mu: null,
  max_mu: null,
  color: 'status',
  lang: 'zh',
  tab: 'map',
  layers: null, // null = default visibility
};

const listeners = [];
export function onStateChange(f) {
  listeners.push(f);
}

export function readUrl() {
  const q = new URLSearchParams(location.search);
  state.district = q.get('district') || '';
  state.park = q.get('park') || '';
  state.status = splitList(q.get('status'));
  state.lu = splitList(q.get('lu'));
  state.industry = q.get('industry') || '';
  state.min_mu = num(q.get('min_mu'));
  state.max_mu = num(q.get('max_mu'));
  state.color = q.get('color') === 'landuse' ? 'landuse' : 'status';
  state.lang = q.get('lang') === 'en' ? 'en' : 'zh';
  state.tab = ['map', 'match', 'firsttalk', 'stats', 'stale', 'import'].includes(q.get('tab')) ? q.get('tab') : 'map';
  state.layers = q.has('layers') ? splitList(q.get('layers')) : null;
}

function splitList(s) {
  return s ? s.split(',').filter(Boolean) : [];
}

function num(s) {
  if (s == null || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

// Defaults are left out so a plain URL stays plain.
export function writeUrl() {
  const q = new URLSearchParams();
  for (const k of KEYS) {
    let v = state[k];
    if (LIST_KEYS.includes(k) || k === 'layers') v = v ? v.join(',') : '';
    if (k === 'color' && v === 'status') v = '';
    if (k === 'lang' && v === 'zh') v = '';
    if (k === 'tab' && v === 'map') v = '';
    if (k === 'layers' && state.layers == null) v = '';
    if (v !== '' && v != null) q.set(k, String(v));
  }
  const s = q.toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
  const url = `${location.pathname}${s ? `?${s}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}

export function update(patch) {
  Object.assign(state, patch);
  writeUrl();
  for (const f of listeners) f(state, patch);
}
