// Attribute forms of parcels and buildings: which properties, how each is entered and
// read back, and a refused write's problems shown at their fields. Used by the edit form
// and by the forms of a new parcel or building.

import { t, tv, fmt } from './i18n.js';
import { escapeHtml } from './legend.js';
import { industryLabel } from './catalogue.js';

export const STATUSES = ['available', 'negotiating', 'reserved', 'leased', 'sold', 'under_construction', 'idle'];
const LAND_USES = ['M1', 'M4', 'M1/M4', 'M2', 'A35', 'B29'];
const SUPPLY_MODES = ['出让', '租赁', '先租后让', '弹性年期'];
const BUILDING_TYPES = ['标准厂房', '研发楼', '写字楼', '定制厂房'];

// [property, kind]; the kinds are read and written by input() and value() below.
export const EDIT_FIELDS = {
  parcels: [
    ['name', 'text'], ['land_use', 'landuse'], ['max_far', 'number'], ['max_density', 'number'],
    ['height_limit_m', 'number'], ['land_price_wan_per_mu', 'number'], ['rent_yuan_m2_day', 'number'],
    ['supply_modes', 'modes'], ['available_from', 'date'], ['power_kva', 'number'], ['source', 'text'],
    ['internal_note', 'note'],
  ],
  buildings: [
    ['name', 'text'], ['building_type', 'btype'], ['floors', 'integer'], ['floor_area_m2', 'number'],
    ['vacant_area_m2', 'number'], ['floor_load_kn_m2', 'number'], ['clearance_m', 'number'],
    ['rent_yuan_m2_day', 'number'], ['industries', 'industries'], ['source', 'text'], ['internal_note', 'note'],
  ],
};

// The fields of a new feature: the required ones first (the server names any left out).
export const NEW_FIELDS = {
  parcels: [
    ['id', 'text'], ['name', 'text'], ['status', 'status'], ['land_use', 'landuse'], ['max_far', 'number'],
    ['supply_modes', 'modes'], ['available_from', 'date'], ['land_price_wan_per_mu', 'number'],
    ['rent_yuan_m2_day', 'number'], ['power_kva', 'number'], ['source', 'text'], ['verified_at', 'date'],
  ],
  buildings: [
    ['id', 'text'], ['name', 'text'], ['building_type', 'btype'], ['status', 'status'], ['floors', 'integer'],
    ['floor_area_m2', 'number'], ['vacant_area_m2', 'number'], ['floor_load_kn_m2', 'number'],
    ['clearance_m', 'number'], ['rent_yuan_m2_day', 'number'], ['industries', 'industries'],
    ['source', 'text'], ['verified_at', 'date'],
  ],
};

// Label keys: the panel's own where it has one.
const LABELS = {
  id: 'info.id', name: 'edit.f.name', status: 'info.status', land_use: 'info.land_use', max_far: 'info.max_far',
  max_density: 'edit.f.max_density', height_limit_m: 'edit.f.height_limit_m', land_price_wan_per_mu: 'edit.f.land_price',
  rent_yuan_m2_day: 'edit.f.rent', supply_modes: 'info.supply_modes', available_from: 'info.available_from',
  power_kva: 'edit.f.power_kva', internal_note: 'edit.f.internal_note', building_type: 'info.building_type',
  floors: 'info.floors', floor_area_m2: 'edit.f.floor_area', vacant_area_m2: 'edit.f.vacant_area',
  floor_load_kn_m2: 'edit.f.floor_load', clearance_m: 'edit.f.clearance', industries: 'edit.f.industries',
  source: 'info.source', verified_at: 'info.verified_at', project: 'edit.f.project', project_id: 'edit.f.project_id',
  geometry: 'edit.f.geometry', area_m2: 'info.area', area_mu: 'info.area', district: 'info.district', park: 'info.park',
  zone: 'info.zone',
};

export function fieldLabel(field) {
  return LABELS[field] ? t(LABELS[field]) : field;
}

// A property's value as text, for the audit trail and the list of what changed.
export function showValue(field, v) {
  if (v == null || v === '' || (Array.isArray(v) && !v.length)) return t('info.none');
  if (field === 'status') return tv('status', v);
  if (field === 'industries') return (Array.isArray(v) ? v : String(v).split(',')).map(industryLabel).join('、');
  if (Array.isArray(v)) return v.join('、');
  if (typeof v === 'number') return fmt(v, 4);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function options(values, current, label) {
  return values.map((v) => `<option value="${escapeHtml(v)}"${v === current ? ' selected' : ''}>${escapeHtml(label(v))}</option>`).join('');
}

function input(field, kind, v) {
  const name = `name="${field}" data-field="${field}"`;
  switch (kind) {
    case 'number':
    case 'integer':
      return `<input type="number" step="${kind === 'integer' ? '1' : 'any'}" inputmode="decimal" ${name} value="${v ?? ''}">`;
    case 'date':
      return `<input type="date" ${name} value="${escapeHtml(v ? String(v).slice(0, 10) : '')}">`;
    case 'note':
      return `<textarea rows="2" ${name}>${escapeHtml(v ?? '')}</textarea>`;
    case 'status':
      return `<select ${name}>${options(STATUSES, v ?? 'available', (s) => tv('status', s))}</select>`;
    case 'btype':
      return `<select ${name}><option value=""></option>${options(BUILDING_TYPES, v, (s) => s)}</select>`;
    case 'landuse':
      // free text with the usual codes offered: any GB 50137 code is accepted
      return `<input type="text" list="lu-codes" ${name} value="${escapeHtml(v ?? '')}">
        <datalist id="lu-codes">${LAND_USES.map((c) => `<option value="${c}">${escapeHtml(tv('lu', c))}</option>`).join('')}</datalist>`;
    case 'modes': {
      const have = Array.isArray(v) ? v : [];
      return `<div class="checks" data-field="${field}">${SUPPLY_MODES.map(
        (m) => `<label class="chk"><input type="checkbox" name="${field}" value="${m}"${have.includes(m) ? ' checked' : ''}>${m}</label>`,
      ).join('')}</div>`;
    }
    case 'industries':
      return `<input type="text" ${name} value="${escapeHtml((Array.isArray(v) ? v : v ? String(v).split(',') : []).join('、'))}" placeholder="${t('edit.industries_hint')}">`;
    default:
      return `<input type="text" ${name} value="${escapeHtml(v ?? '')}">`;
  }
}

// The form's fields, each with a place for its problem.
export function formFields(fields, props = {}) {
  return fields
    .map(([field, kind]) => {
      const wide = kind === 'modes' || kind === 'note' || kind === 'industries' || field === 'name' || field === 'source';
      return `<div class="field${wide ? ' wide' : ''}" data-wrap="${field}">
        <label>${escapeHtml(fieldLabel(field))}</label>
        ${input(field, kind, props[field])}
        <small class="field-error" data-testid="field-error" data-for="${field}" hidden></small>
      </div>`;
    })
    .join('');
}

// The values entered: empty is null; numbers as numbers; several industries split.
export function readForm(root, fields) {
  const out = {};
  for (const [field, kind] of fields) {
    if (kind === 'modes') {
      out[field] = [...root.querySelectorAll(`input[name="${field}"]:checked`)].map((c) => c.value);
      continue;
    }
    const el = root.querySelector(`[data-field="${field}"]`);
    const raw = el ? el.value.trim() : '';
    if (raw === '') out[field] = null;
    else if (kind === 'number' || kind === 'integer') out[field] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (kind === 'industries') out[field] = raw.split(/[,，、;；\s]+/).filter(Boolean);
    else out[field] = raw;
  }
  return out;
}

// The properties whose entered value differs from what the form started from.
export function changedValues(entered, base) {
  const patch = {};
  for (const [k, v] of Object.entries(entered)) {
    const was = base[k] ?? null;
    const now = v ?? null;
    const same = k === 'available_from' || k === 'verified_at'
      ? String(was ?? '').slice(0, 10) === String(now ?? '').slice(0, 10)
      : JSON.stringify(was) === JSON.stringify(now) || (Array.isArray(was) && !was.length && now == null);
    if (!same) patch[k] = now;
  }
  return patch;
}

// A refused write (422 problem): each problem at its field, the rest above the form.
export function showProblems(root, err) {
  for (const el of root.querySelectorAll('[data-testid=field-error]')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of root.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const general = root.querySelector('[data-testid=form-error]');
  const problems = err?.problem?.problems?.length
    ? err.problem.problems
    : err?.problem?.field
      ? [{ field: err.problem.field, reason: err.message }]
      : [];
  let placed = 0;
  for (const p of problems) {
    const at = p.field && root.querySelector(`[data-testid=field-error][data-for="${p.field}"]`);
    if (!at) continue;
    at.textContent = at.textContent ? `${at.textContent}；${p.reason}` : p.reason;
    at.hidden = false;
    at.closest('.field').classList.add('invalid');
    placed++;
  }
  if (general) {
    general.hidden = placed === problems.length && placed > 0;
    general.textContent = `${t('common.error')}${err.message}`;
  }
}
