// Side panel describing a clicked feature: attributes, park and zone, leading
// industries, the park's admission standards and documented figures, and the policy
// measures for projects that reach the place.

import { api } from './api.js';
import { t, tv, fmt, onLangChange } from './i18n.js';
import { catalogue, industryLabel, industryList, districtLabel, parkLabel, zoneLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';
import { statusChip } from './supply.js';
import { listingItem } from './policies.js';
import { session, onSessionChange, inScope, scopeLabel } from './session.js';
import { renderEditTools, offersTools } from './editing.js';

export const M2_PER_MU = 10000 / 15;

let el = null;
let current = null; // {layer, props}
let seq = 0;
let onClose = null;
let hooks = {};

// closed(): the panel was closed; changed(layer, id, feature|null): a write succeeded;
// reshape(layer, feature, etag): an editor asked for a new outline.
export function initPanel(element, { closed, changed = () => {}, reshape = () => {} }) {
  el = element;
  onClose = closed;
  hooks = { changed, reshape };
  onLangChange(() => current && showFeature(current.layer, current.props));
  onSessionChange(() => current && showFeature(current.layer, current.props));
}

// Something other than a feature (a new feature's form): a title and a body built by build(body).
export function showCustom(title, build) {
  ++seq; // a feature still loading must not replace it
  current = null;
  el.hidden = false;
  el.innerHTML = `<div class="info-head"><div><h3>${escapeHtml(title)}</h3></div>
    <button class="close" data-testid="info-close" title="${t('info.close')}">×</button></div>
    <div class="info-body"></div>`;
  el.querySelector('.close').addEventListener('click', closePanel);
  build(el.querySelector('.info-body'));
}

// The feature shown now, if any: {layer, props}.
export function shownFeature() {
  return current;
}

export function closePanel() {
  el.hidden = true;
  current = null;
  if (onClose) onClose();
}

function row(label, value) {
  if (value == null || value === '') return '';
  return `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`;
}

function area(m2, mu) {
  if (m2 == null && mu == null) return null;
  const a2 = m2 ?? mu * M2_PER_MU;
  const am = mu ?? a2 / M2_PER_MU;
  return `${fmt(a2, 0)} ${t('unit.m2')} · ${fmt(am, 2)} ${t('unit.mu')}`;
}

function chips(codes) {
  const list = industryList(codes);
  if (!list.length) return null;
  return list.map((c) => `<span class="chip" title="${escapeHtml(c)}">${escapeHtml(industryLabel(c))}</span>`).join('');
}

const ADM_UNITS = {
  min_investment_wan_per_mu: 'unit.wan_per_mu',
  min_output_wan_per_mu: 'unit.wan_per_mu',
  min_tax_wan_per_mu: 'unit.wan_per_mu',
  max_energy_tce_per_wan: 'unit.tce_per_wan',
};

function admissionTable(park) {
  const adm = park?.admission;
  if (!adm) return '';
  const rows = Object.entries(adm)
    .filter(([, v]) => v != null)
    .map(([k, v]) => row(t(`info.adm.${k}`), admissionValue(k, v)))
    .join('');
  let lists = '';
  if (park.positive_list?.length) lists += row(t('info.positive_list'), chips(park.positive_list));
  if (park.negative_list?.length) lists += row(t('info.negative_list'), chips(park.negative_list));
  // Standards that differ by industry (分行业): the indicators replacing the park's.
  const byCat = Object.entries(park.admission_by_category || {})
    .map(([code, std]) => {
      const items = Object.entries(std || {})
        .filter(([, v]) => v != null)
        .map(([k, v]) => `${t(`info.adm.${k}`)} ${admissionValue(k, v)}`);
      return items.length ? row(industryLabel(code), escapeHtml(items.join('；'))) : '';
    })
    .join('');
  const byCatTable = byCat ? `<p class="muted small">${t('info.adm.by_category')}</p><table class="kv" data-testid="admission-by-category">${byCat}</table>` : '';
  const source = park.admission_source
    ? `<details class="src" data-testid="admission-source"><summary>${t('info.adm.source')}</summary><small>${escapeHtml(park.admission_source)}</small></details>`
    : '';
  return `<h4>${t('info.admission')} · ${escapeHtml(park.name)}</h4><table class="kv">${rows}${lists}</table>${byCatTable}${source}`;
}

function admissionValue(k, v) {
  const share = /coverage|share|ratio/.test(k);
  const val = share ? `${fmt(v * 100, 1)}%` : `${fmt(v, 2)}${ADM_UNITS[k] ? ` ${t(ADM_UNITS[k])}` : ''}`;
  const bound = k.startsWith('min_') ? '≥ ' : k.startsWith('max_') ? '≤ ' : '';
  return `${bound}${val}`;
}

// The park's documented 2020 land output (a fact from a document, not a standard), with its source.
const HA_PER_MU = 1 / 15;
function parkFigures(park) {
  const figures = [
    ['info.fig.land_income', park.land_income_2020_wan_per_ha],
    ['info.fig.industrial_output', park.industrial_output_2020_wan_per_ha],
  ].filter(([, v]) => v != null);
  if (!figures.length) return '';
  const rows = figures
    .map(([k, v]) => row(t(k), `${fmt(v, 0)} ${t('unit.wan_per_ha')} <small class="muted">≈ ${fmt(v * HA_PER_MU, 1)} ${t('unit.wan_per_mu')}</small>`))
    .join('');
  const source = park.land_output_source || park.land_income_source;
  return `<h4>${t('info.figures')} · ${escapeHtml(park.name)}</h4><table class="kv" data-testid="park-figures">${rows}</table>
    ${source ? `<p class="source" data-testid="park-figures-source"><small>${t('info.source')}: ${escapeHtml(source)}</small></p>` : ''}`;
}

// The measures for projects that reach the place (the listing's `measures`, never its
// `others`), in force or drafts; expired ones are only counted.
export function policyList(measures) {
  // the park's own first, then the district's, then the city's, as a candidate lists them
  const order = { park: 0, district: 1, city: 2 };
  const current = measures.filter((m) => m.status !== 'expired').sort((a, b) => (order[a.scope] ?? 3) - (order[b.scope] ?? 3));
  const expired = measures.length - current.length;
  const note = expired ? `<p class="muted small" data-testid="policies-expired">${t('info.policies_expired', { n: expired })}</p>` : '';
  if (!current.length) return `<p class="muted">${t('info.no_policies')}</p>${note}`;
  return `<ul class="policies" data-testid="info-policies">${current.map(listingItem).join('')}</ul>${note}`;
}

// preset: {feature, etag, message} when the caller holds the feature as just written.
export async function showFeature(layer, props, preset = null) {
  const my = ++seq;
  current = { layer, props };
  el.hidden = false;
  const kindKey = { parcels: 'info.parcel', buildings: 'info.building', parks: 'info.park', zones: 'info.zone', districts: 'info.district' }[layer];
  const title = layer === 'districts' ? districtLabel(props.id) : props.name || props.id;
  el.innerHTML = `<div class="info-head"><div><small>${t(kindKey)}</small><h3>${escapeHtml(title)}</h3></div>
    <button class="close" data-testid="info-close" title="${t('info.close')}">×</button></div>
    <div class="info-body"><p class="muted">${t('info.loading')}</p></div>`;
  el.querySelector('.close').addEventListener('click', closePanel);

  // Full properties from the collection; the tile only has a summary. Parcels and
  // buildings are read as stored now, with the ETag a write must name.
  const editable = layer === 'parcels' || layer === 'buildings';
  let full = props;
  let feature = null;
  let etag = null;
  try {
    if (preset) ({ feature, etag } = preset);
    else if (editable) ({ data: feature, etag } = await api.featureNow(layer, props.id));
    else feature = await api.feature(layer, props.id);
    full = { ...props, ...feature.properties };
  } catch {
    // keep the tile's properties
  }
  if (my !== seq) return;
  current = { layer, props: full };
  if (layer !== 'districts') el.querySelector('.info-head h3').textContent = full.name || full.id;
  const parkId = layer === 'parks' ? full.id : full.park;
  const zoneId = layer === 'zones' ? full.id : full.zone;
  const districtId = layer === 'districts' ? full.id : full.district || catalogue.parks.get(parkId)?.district;
  const [park, zone, pol] = await Promise.all([
    parkId ? api.feature('parks', parkId).then((f) => f.properties).catch(() => null) : null,
    zoneId && layer !== 'zones' ? api.feature('zones', zoneId).then((f) => f.properties).catch(() => null) : null,
    // The server decides which measures reach the place (scope and named areas).
    api.policiesAt(parkId ? { park: parkId } : { district: districtId }).catch(() => ({ measures: [] })),
  ]);
  if (my !== seq) return; // another feature was clicked meanwhile

  const rows = [];
  rows.push(row(t('info.id'), `<code>${escapeHtml(full.id)}</code>`));
  if (full.status) rows.push(row(t('info.status'), statusChip(full)));
  if (layer === 'parcels') {
    rows.push(row(t('info.land_use'), escapeHtml(full.land_use ? tv('lu', full.land_use) : null)));
    rows.push(row(t('info.area'), area(full.area_m2, full.area_mu)));
    rows.push(row(t('info.max_far'), full.max_far != null ? fmt(full.max_far, 2) : null));
    rows.push(row(t('info.max_density'), full.max_density != null ? `${fmt(full.max_density * 100, 0)}%` : null));
    rows.push(row(t('info.height_limit_m'), full.height_limit_m != null ? `${fmt(full.height_limit_m, 1)} ${t('unit.m')}` : null));
    rows.push(row(t('info.land_price'), full.land_price_wan_per_mu != null ? `${fmt(full.land_price_wan_per_mu, 1)} ${t('unit.wan_per_mu')}` : null));
    rows.push(row(t('info.rent'), full.rent_yuan_m2_day != null ? `${fmt(full.rent_yuan_m2_day, 2)} ${t('unit.yuan_m2_day')}` : null));
    rows.push(row(t('info.supply_modes'), full.supply_modes?.length ? escapeHtml(full.supply_modes.join('、')) : null));
    rows.push(row(t('info.available_from'), escapeHtml(full.available_from)));
    rows.push(row(t('info.power_kva'), full.power_kva != null ? `${fmt(full.power_kva, 0)} ${t('unit.kva')}` : null));
  }
  if (layer === 'buildings') {
    rows.push(row(t('info.building_type'), escapeHtml(full.building_type)));
    rows.push(row(t('info.floors'), full.floors != null ? fmt(full.floors, 0) : null));
    rows.push(row(t('info.floor_area'), full.floor_area_m2 != null ? `${fmt(full.floor_area_m2, 0)} ${t('unit.m2')}` : null));
    rows.push(row(t('info.vacant_area'), full.vacant_area_m2 != null ? `${fmt(full.vacant_area_m2, 0)} ${t('unit.m2')}` : null));
    rows.push(row(t('info.floor_load'), full.floor_load_kn_m2 != null ? `${fmt(full.floor_load_kn_m2, 1)} ${t('unit.kn_m2')}` : null));
    rows.push(row(t('info.clearance'), full.clearance_m != null ? `${fmt(full.clearance_m, 1)} ${t('unit.m')}` : null));
    rows.push(row(t('info.rent'), full.rent_yuan_m2_day != null ? `${fmt(full.rent_yuan_m2_day, 2)} ${t('unit.yuan_m2_day')}` : null));
  }
  if (layer === 'parks') rows.push(row(t('info.level'), escapeHtml(full.level)));
  if (layer !== 'districts' && districtId) rows.push(row(t('info.district'), escapeHtml(districtLabel(districtId))));
  if (layer !== 'parks' && parkId) rows.push(row(t('info.park'), escapeHtml(park?.name ?? parkLabel(parkId))));
  if (layer !== 'zones' && zoneId) rows.push(row(t('info.zone'), escapeHtml(zone?.name ?? zoneLabel(zoneId))));
  // Parcels carry no industries of their own: use the zone's, park's or district's.
  const inds = industryList(full.industries).length
    ? full.industries
    : zone?.industries?.length
      ? zone.industries
      : park?.industries;
  rows.push(row(t('info.industries'), chips(inds)));
  const stale = full.stale === true || full.stale === 'true';
  rows.push(row(t('info.verified_at'), `<span data-testid="verified-at">${escapeHtml(full.verified_at ?? '')}</span>${stale ? ` <span class="tag tag-stale" data-testid="stale-tag">${t('stale.tag')}</span>` : ''}`));
  // Confidential: only in a promoter's reading within the token's scope.
  rows.push(row(t('edit.f.project'), escapeHtml(full.project)));
  rows.push(row(t('edit.f.project_id'), escapeHtml(full.project_id)));
  rows.push(row(t('edit.f.internal_note'), escapeHtml(full.internal_note)));

  const measures = pol.measures || [];
  const shown = measures.filter((m) => m.status !== 'expired').length;
  const body = el.querySelector('.info-body');
  body.innerHTML = `<table class="kv">${rows.join('')}</table>
    <div class="edit-slot"></div>
    ${park ? parkFigures(park) : ''}
    ${park ? admissionTable(park) : ''}
    <h4>${t('info.policies')} (${shown})</h4>${policyList(measures)}
    ${full.source ? `<p class="source"><small>${t('info.source')}: ${escapeHtml(full.source)}</small></p>` : ''}`;
  if (editable && feature && session()) editSlot(body.querySelector('.edit-slot'), layer, feature, etag, preset?.message);
}

function editSlot(slot, layer, feature, etag, message) {
  if (!offersTools(layer)) return;
  if (!inScope(feature.properties)) {
    slot.innerHTML = `<p class="muted small" data-testid="out-of-scope">${t('edit.out_of_scope', { scope: escapeHtml(scopeLabel(session().scope)) })}</p>`;
    return;
  }
  const id = feature.properties.id;
  const tools = renderEditTools(slot, {
    layer,
    feature,
    etag,
    hooks: {
      show: (f, tag, msg) => showFeature(layer, { ...f.properties }, { feature: f, etag: tag, message: msg }),
      reload: () => showFeature(layer, { id }),
      changed: hooks.changed,
      closed: closePanel,
      reshape: hooks.reshape,
    },
  });
  if (message) tools.done(message);
}
