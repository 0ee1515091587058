// Editors' tools on the map: 添加厂房楼宇 (click where it stands, then a form), 绘制地块 (draw
// the outline, then a form) and a new outline for a parcel; each POSTs or PATCHes the
// feature in WGS84 and opens what was saved.

import { send } from './api.js';
import { t } from './i18n.js';
import { session, hasRole, onSessionChange } from './session.js';
import { onLangChange } from './i18n.js';
import { escapeHtml } from './legend.js';
import { today } from './supply.js';
import { NEW_FIELDS, formFields, readForm, showProblems } from './forms.js';
import { showCustom, showFeature, closePanel } from './panel.js';
import { drawNew, startReshape, reshapedGeometry, stopDrawing } from './drawing.js';
import { conflict } from './editing.js';

let bar = null; // the hint bar over the map while a mode is on
let hooks = null;

// toolbar: element for the buttons; modeBar: element for the hint; hooks: {startPick(cb), stopPick(), changed(layer, id, feature)}
export function initCreating(toolbar, modeBar, h) {
  bar = modeBar;
  hooks = h;
  const render = () => {
    const on = hasRole('editor');
    toolbar.hidden = !on;
    if (!on) {
      endMode();
      return;
    }
    toolbar.innerHTML = `<button type="button" class="secondary small" data-testid="add-building">${t('create.building')}</button>
      <button type="button" class="secondary small" data-testid="draw-parcel">${t('create.parcel')}</button>`;
    toolbar.querySelector('[data-testid=add-building]').addEventListener('click', addBuilding);
    toolbar.querySelector('[data-testid=draw-parcel]').addEventListener('click', drawParcel);
  };
  onSessionChange(render);
  onLangChange(render);
  render();
}

function showBar(text, buttons = []) {
  bar.hidden = false;
  bar.innerHTML = `<span data-testid="mode-hint">${escapeHtml(text)}</span>${buttons
    .map(([id, label, primary]) => `<button type="button" class="${primary ? 'primary' : 'secondary'} small" data-testid="${id}">${escapeHtml(label)}</button>`)
    .join('')}`;
  return (id) => bar.querySelector(`[data-testid=${id}]`);
}

function endMode() {
  if (bar) bar.hidden = true;
  stopDrawing();
  hooks?.stopPick();
}

function addBuilding() {
  endMode();
  closePanel();
  const button = showBar(t('create.building_hint'), [['mode-cancel', t('edit.cancel')]]);
  button('mode-cancel').addEventListener('click', endMode);
  hooks.startPick((wgs) => {
    bar.hidden = true;
    newFeatureForm('buildings', { type: 'Point', coordinates: wgs.map((v) => Math.round(v * 1e7) / 1e7) });
  });
}

function drawParcel() {
  endMode();
  closePanel();
  const button = showBar(t('create.parcel_hint'), [['mode-cancel', t('edit.cancel')]]);
  button('mode-cancel').addEventListener('click', endMode);
  drawNew((geometry) => {
    bar.hidden = true;
    newFeatureForm('parcels', geometry);
  });
}

// The form of a new parcel or building at a given geometry (WGS84).
function newFeatureForm(layer, geometry) {
  const fields = NEW_FIELDS[layer];
  const defaults = { status: 'available', verified_at: today(), source: t('create.source', { name: session()?.name ?? '' }) };
  const where = geometry.type === 'Point'
    ? t('create.at', { lon: geometry.coordinates[0].toFixed(6), lat: geometry.coordinates[1].toFixed(6) })
    : t('create.outline', { n: (geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0]).length - 1 });
  showCustom(t(layer === 'parcels' ? 'create.parcel_title' : 'create.building_title'), (body) => {
    body.innerHTML = `<form class="edit-form" data-testid="new-form" data-layer="${layer}">
        <p class="muted small" data-testid="new-where">${escapeHtml(where)}</p>
        <div class="form-grid">${formFields(fields, defaults)}</div>
        <p class="error" data-testid="form-error" hidden></p>
        <div class="buttons"><button type="submit" class="primary" data-testid="new-save">${t('edit.save')}</button>
        <button type="button" class="secondary" data-testid="new-cancel">${t('edit.cancel')}</button></div>
      </form>`;
    const form = body.querySelector('form');
    form.querySelector('[data-testid=new-cancel]').addEventListener('click', () => {
      endMode();
      closePanel();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const entered = readForm(form, fields);
      // optional properties left empty are left out; available_from null means "now"
      const properties = Object.fromEntries(Object.entries(entered).filter(([k, v]) => v != null || k === 'available_from'));
      if (layer === 'parcels' && !properties.supply_modes?.length) delete properties.supply_modes;
      const save = form.querySelector('[type=submit]');
      save.disabled = true;
      try {
        const answer = await send('POST', `/collections/${layer}/items`, { body: { type: 'Feature', geometry, properties } });
        endMode();
        hooks.changed(layer, answer.data.properties.id, answer.data);
        showFeature(layer, { ...answer.data.properties }, { feature: answer.data, etag: answer.etag, message: t('create.saved') });
      } catch (err) {
        save.disabled = false;
        showProblems(form, err);
      }
    });
    form.querySelector('[data-field=id]').focus();
  });
}

// A parcel's new outline: its vertices dragged, added (midpoints) or deleted, then saved.
export function reshape(layer, feature, etag) {
  endMode();
  try {
    startReshape(feature.geometry);
  } catch (e) {
    showBar(`${t('common.error')}${e.message}`, [['mode-cancel', t('edit.cancel')]])('mode-cancel').addEventListener('click', endMode);
    return;
  }
  const button = showBar(t('create.reshape_hint'), [['reshape-save', t('create.reshape_save'), true], ['mode-cancel', t('edit.cancel')]]);
  button('mode-cancel').addEventListener('click', endMode);
  button('reshape-save').addEventListener('click', () => saveOutline(layer, feature, etag));
}

async function saveOutline(layer, feature, etag) {
  const save = bar.querySelector('[data-testid=reshape-save]');
  save.disabled = true;
  const id = feature.properties.id;
  try {
    const answer = await send('PATCH', `/collections/${layer}/items/${encodeURIComponent(id)}`, { body: { geometry: reshapedGeometry() }, etag });
    endMode();
    hooks.changed(layer, id, answer.data);
    showFeature(layer, { ...answer.data.properties }, { feature: answer.data, etag: answer.etag, message: t('create.reshaped') });
  } catch (err) {
    save.disabled = false;
    if (err.status === 412) {
      // changed meanwhile: say what, in the panel, and start again from the current version
      endMode();
      const slot = document.querySelector('[data-testid=info-panel] .edit-slot');
      if (slot) await conflict(slot, { layer, feature, hooks: { reload: () => showFeature(layer, { id }) } });
      return;
    }
    bar.querySelector('[data-testid=mode-hint]').textContent = `${t('common.error')}${err.message}`;
  }
}
