// 待核实: the parcels and buildings of an office's district or park not verified within
// the server's stale_after_days, oldest first (GET /api/v1/stale). A click flies to one
// and opens its panel, where 核实无误 is.

import { getJSON } from './api.js';
import { t, fmt, onLangChange, applyI18n } from './i18n.js';
import { catalogue, districtLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';
import { statusChip } from './supply.js';
import { session, onSessionChange } from './session.js';

let root = null;
let handlers = null;
let data = null;
let days = null; // the server's stale_after_days, once read
let seq = 0;
const choice = { district: '', park: '', layer: '' };

// handlers.open(layer, id): show the feature; handlers.days(n): stale_after_days is known.
export function initStale(el, h) {
  root = el;
  handlers = h;
  root.innerHTML = `<h2 data-i18n="stale.title"></h2>
    <p class="hint" data-testid="stale-hint"></p>
    <div class="grid2">
      <div class="field"><label for="stale-district" data-i18n="filters.district"></label><select id="stale-district" data-testid="stale-district"></select></div>
      <div class="field"><label for="stale-park" data-i18n="filters.park"></label><select id="stale-park" data-testid="stale-park"></select></div>
    </div>
    <div class="field"><label for="stale-layer" data-i18n="stale.layer"></label><select id="stale-layer" data-testid="stale-layer"></select></div>
    <div class="stale-body" data-testid="stale-body"></div>`;
  applyI18n(root);
  const dSel = root.querySelector('[data-testid=stale-district]');
  const pSel = root.querySelector('[data-testid=stale-park]');
  const lSel = root.querySelector('[data-testid=stale-layer]');
  dSel.addEventListener('change', () => {
    choice.district = dSel.value;
    choice.park = '';
    sync();
    load();
  });
  pSel.addEventListener('change', () => {
    choice.park = pSel.value;
    load();
  });
  lSel.addEventListener('change', () => {
    choice.layer = lSel.value;
    load();
  });
  onSessionChange(() => {
    defaults();
    data = null;
    sync();
    render();
  });
  onLangChange(() => {
    sync();
    render();
  });
  defaults();
  sync();
}

// The signed-in office's own district or park first.
function defaults() {
  const s = session()?.scope;
  choice.district = s?.kind === 'district' ? s.id : s?.kind === 'park' ? catalogue.parks.get(s.id)?.district ?? '' : choice.district;
  choice.park = s?.kind === 'park' ? s.id : '';
}

function sync() {
  const dSel = root.querySelector('[data-testid=stale-district]');
  const pSel = root.querySelector('[data-testid=stale-park]');
  const lSel = root.querySelector('[data-testid=stale-layer]');
  dSel.innerHTML = `<option value="">${t('stale.choose_district')}</option>${[...catalogue.districts.keys()]
    .sort()
    .map((c) => `<option value="${c}">${escapeHtml(districtLabel(c))}</option>`)
    .join('')}`;
  dSel.value = choice.district;
  pSel.innerHTML = `<option value="">${t('filters.all')}</option>${[...catalogue.parks]
    .filter(([, p]) => p.district === choice.district)
    .map(([id, p]) => `<option value="${escapeHtml(id)}">${escapeHtml(p.name)}</option>`)
    .join('')}`;
  pSel.value = choice.park;
  lSel.innerHTML = ['', 'parcels', 'buildings']
    .map((l) => `<option value="${l}">${t(l ? `layer.${l}` : 'filters.all')}</option>`)
    .join('');
  lSel.value = choice.layer;
  root.querySelector('[data-testid=stale-hint]').textContent = t('stale.hint', { days: days ?? '…' });
}

export function staleDays() {
  return days;
}

// Reads the list again (the tab was opened, or a feature was verified or changed).
export async function load() {
  if (!root) return;
  const body = root.querySelector('[data-testid=stale-body]');
  if (!choice.district) {
    data = null;
    body.innerHTML = `<p class="muted">${t('stale.choose_district')}</p>`;
    return;
  }
  const my = ++seq;
  const q = new URLSearchParams({ district: choice.district });
  if (choice.park) q.set('park', choice.park);
  if (choice.layer) q.set('layer', choice.layer);
  body.setAttribute('aria-busy', 'true');
  try {
    const answer = await getJSON(`/api/v1/stale?${q}`);
    if (my !== seq) return;
    data = { ...answer, query: q.toString() };
    if (answer.stale_after_days != null && answer.stale_after_days !== days) {
      days = answer.stale_after_days;
      handlers.days(days);
      sync();
    }
    render();
  } catch (e) {
    if (my !== seq) return;
    data = null;
    body.removeAttribute('aria-busy');
    body.innerHTML = `<p class="error" data-testid="stale-error">${t('common.error')}${escapeHtml(e.message)}</p>`;
  }
}

function render() {
  const body = root.querySelector('[data-testid=stale-body]');
  if (!data) return;
  const features = data.features || [];
  body.innerHTML = `<h3 data-testid="stale-count" data-n="${features.length}">${escapeHtml(t('stale.count', { n: features.length, days: data.stale_after_days }))}</h3>
    ${features.length ? `<ol class="set-list" data-testid="stale-list">${features.map(item).join('')}</ol>` : `<p class="empty">${t('stale.none')}</p>`}`;
  body.removeAttribute('aria-busy');
  body.dataset.query = data.query;
  for (const li of body.querySelectorAll('[data-testid=stale-item]')) {
    const choose = () => {
      for (const o of body.querySelectorAll('.set-item.selected')) o.classList.remove('selected');
      li.classList.add('selected');
      handlers.open(li.dataset.layer, li.dataset.id);
    };
    li.addEventListener('click', choose);
    li.addEventListener('keydown', (e) => e.key === 'Enter' && choose());
  }
}

function item(f) {
  const since = f.verified_at
    ? t('stale.since', { date: f.verified_at, n: fmt(f.days_since_verified, 0) })
    : t('stale.never');
  return `<li class="set-item" data-testid="stale-item" data-layer="${escapeHtml(f.layer)}" data-id="${escapeHtml(f.id)}" tabindex="0">
      <div class="si-head"><span class="si-name">${escapeHtml(f.name || f.id)}</span>${statusChip(f)}</div>
      <div class="si-meta">${escapeHtml(t(`layer.${f.layer}`))} · ${escapeHtml(since)}</div>
    </li>`;
}
