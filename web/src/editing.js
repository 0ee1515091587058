// The feature panel's tools for a signed-in promoter or editor within the token's scope:
// the status workflow, 核实无误, the attribute form, delete, a new outline, the audit
// trail, and, when a write meets a newer version (412), what changed meanwhile.

import { send, forgetFeature } from './api.js';
import { t, tv, getLang } from './i18n.js';
import { session, hasRole, roleLabel } from './session.js';
import { escapeHtml } from './legend.js';
import { STATUS_COLORS } from './layers.js';
import { EDIT_FIELDS, formFields, readForm, changedValues, showProblems, fieldLabel, showValue } from './forms.js';

// The server's workflow (src/model/workflow.rs): available → negotiating → reserved →
// leased | sold; negotiating, reserved, leased → available; any → idle by editors.
const NEXT = {
  available: ['negotiating'],
  negotiating: ['reserved', 'available'],
  reserved: ['leased', 'sold', 'available'],
  leased: ['available'],
};
// Statuses that name the project the space is promised to.
const WITH_PROJECT = ['negotiating', 'reserved', 'leased', 'sold'];

export function transitions(from, editor) {
  const out = [...(NEXT[from] || [])];
  if (editor && from !== 'idle') out.push('idle');
  return out;
}

const path = (layer, id) => `/collections/${layer}/items/${encodeURIComponent(id)}`;
const apiPath = (layer, id, what) => `/api/v1/${layer}/${encodeURIComponent(id)}/${what}`;

// hooks: show(feature, etag) draws the panel again from a feature; reload() reads it again;
// changed(layer, id, feature|null) after a write; closed() after a delete; reshape(layer, feature, etag).
export function renderEditTools(root, { layer, feature, etag, hooks }) {
  const props = feature.properties;
  const editor = hasRole('editor');
  const next = transitions(props.status, editor);
  root.innerHTML = `<section class="edit-tools" data-testid="edit-tools">
      <h4>${t('edit.status_title')}</h4>
      ${next.length ? `<div class="buttons status-buttons">${next
        .map((s) => `<button type="button" class="secondary small" data-testid="status-to-${s}" data-to="${s}"><i class="sw" style="background:${STATUS_COLORS[s]}"></i>${escapeHtml(tv('status', s))}</button>`)
        .join('')}</div>` : `<p class="muted small">${t('edit.no_transition')}</p>`}
      <form class="edit-form" data-testid="status-form" hidden></form>
      <div class="buttons tool-buttons">
        <button type="button" class="secondary small" data-testid="verify" title="${t('edit.verify_hint')}">${t('edit.verify')}</button>
        ${editor ? `<button type="button" class="secondary small" data-testid="edit-open">${t('edit.edit')}</button>` : ''}
        ${editor && layer === 'parcels' ? `<button type="button" class="secondary small" data-testid="reshape">${t('edit.reshape')}</button>` : ''}
        ${editor ? `<button type="button" class="secondary small danger" data-testid="delete">${t('edit.delete')}</button>` : ''}
      </div>
      <p class="ok-note" data-testid="edit-done" hidden></p>
      <p class="error" data-testid="edit-error" hidden></p>
      <div class="conflict" data-testid="conflict" hidden></div>
      <form class="edit-form" data-testid="edit-form" hidden></form>
      <div class="confirm" data-testid="delete-box" hidden></div>
      <h4>${t('audit.title')}</h4>
      <ol class="audit" data-testid="audit-list" aria-busy="true"><li class="muted">…</li></ol>
    </section>`;

  const q = (s) => root.querySelector(s);
  const errorEl = q('[data-testid=edit-error]');
  const done = (text) => {
    const el = q('[data-testid=edit-done]');
    el.textContent = text;
    el.hidden = false;
  };

  // A write; on success the panel shows the answer, on failure why.
  async function write(run, form) {
    errorEl.hidden = true;
    try {
      const answer = await run();
      forgetFeature(layer, props.id);
      return answer;
    } catch (e) {
      if (e.status === 412) await conflict(root, { layer, feature, hooks });
      else if (e.status === 422 && form) showProblems(form, e);
      else {
        errorEl.hidden = false;
        errorEl.textContent = `${t('common.error')}${e.message}`;
      }
      return null;
    }
  }
  async function after(answer, message) {
    hooks.changed(layer, props.id, answer.data);
    await hooks.show(answer.data, answer.etag, message);
  }

  // Status changes ask which project and why.
  const statusForm = q('[data-testid=status-form]');
  for (const b of root.querySelectorAll('[data-to]')) {
    b.addEventListener('click', () => {
      const to = b.dataset.to;
      const project = WITH_PROJECT.includes(to);
      statusForm.hidden = false;
      statusForm.dataset.to = to;
      statusForm.innerHTML = `<p>${t('edit.status_to', { from: escapeHtml(tv('status', props.status)), to: `<b>${escapeHtml(tv('status', to))}</b>` })}</p>
        ${project ? `<div class="field"><label>${t('edit.f.project')}</label><input type="text" name="project" data-field="project" value="${escapeHtml(props.project ?? '')}"><small class="field-error" data-testid="field-error" data-for="project" hidden></small></div>
        <div class="field"><label>${t('edit.f.project_id')}</label><input type="text" name="project_id" data-field="project_id" value="${escapeHtml(props.project_id ?? '')}"><small class="field-error" data-testid="field-error" data-for="project_id" hidden></small></div>` : ''}
        <div class="field"><label>${t('edit.f.note')}</label><textarea rows="2" name="note" data-field="note"></textarea><small class="field-error" data-testid="field-error" data-for="note" hidden></small></div>
        <p class="error" data-testid="form-error" hidden></p>
        <div class="buttons"><button type="submit" class="primary small" data-testid="status-confirm">${t('edit.confirm')}</button>
        <button type="button" class="secondary small" data-testid="status-cancel">${t('edit.cancel')}</button></div>`;
      statusForm.querySelector('[data-testid=status-cancel]').addEventListener('click', () => (statusForm.hidden = true));
      statusForm.querySelector('input, textarea').focus();
    });
  }
  statusForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = (n) => statusForm.querySelector(`[name=${n}]`)?.value.trim() || null;
    const body = { status: statusForm.dataset.to, project: value('project'), project_id: value('project_id'), note: value('note') };
    statusForm.querySelector('[type=submit]').disabled = true;
    const answer = await write(() => send('POST', apiPath(layer, props.id, 'status'), { body, etag }), statusForm);
    if (answer) await after(answer, t('edit.status_done', { status: tv('status', body.status) }));
    else statusForm.querySelector('[type=submit]').disabled = false;
  });

  q('[data-testid=verify]').addEventListener('click', async (e) => {
    e.target.disabled = true;
    const answer = await write(() => send('POST', apiPath(layer, props.id, 'verify'), { etag }));
    if (answer) await after(answer, t('edit.verified', { date: answer.data.properties.verified_at }));
    else e.target.disabled = false;
  });

  // Editors: the attributes as a merge patch of what changed.
  const editForm = q('[data-testid=edit-form]');
  q('[data-testid=edit-open]')?.addEventListener('click', () => {
    editForm.hidden = !editForm.hidden;
    if (editForm.hidden) return;
    editForm.innerHTML = `<div class="form-grid">${formFields(EDIT_FIELDS[layer], props)}</div>
      <p class="error" data-testid="form-error" hidden></p>
      <div class="buttons"><button type="submit" class="primary small" data-testid="edit-save">${t('edit.save')}</button>
      <button type="button" class="secondary small" data-testid="edit-cancel">${t('edit.cancel')}</button></div>`;
    editForm.querySelector('[data-testid=edit-cancel]').addEventListener('click', () => (editForm.hidden = true));
  });
  editForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const patch = changedValues(readForm(editForm, EDIT_FIELDS[layer]), props);
    const general = editForm.querySelector('[data-testid=form-error]');
    if (!Object.keys(patch).length) {
      general.hidden = false;
      general.textContent = t('edit.nothing_changed');
      return;
    }
    const save = editForm.querySelector('[type=submit]');
    save.disabled = true;
    const answer = await write(() => send('PATCH', path(layer, props.id), { body: { properties: patch }, etag }), editForm);
    if (answer) await after(answer, t('edit.saved', { fields: Object.keys(patch).map(fieldLabel).join('、') }));
    else save.disabled = false;
  });

  q('[data-testid=reshape]')?.addEventListener('click', () => hooks.reshape(layer, feature, etag));

  const delBox = q('[data-testid=delete-box]');
  q('[data-testid=delete]')?.addEventListener('click', () => {
    delBox.hidden = false;
    delBox.innerHTML = `<p>${t('edit.delete_confirm', { name: escapeHtml(props.name || props.id) })}</p>
      <div class="buttons"><button type="button" class="primary small danger" data-testid="delete-confirm">${t('edit.delete_yes')}</button>
      <button type="button" class="secondary small" data-testid="delete-cancel">${t('edit.cancel')}</button></div>`;
    delBox.querySelector('[data-testid=delete-cancel]').addEventListener('click', () => (delBox.hidden = true));
    delBox.querySelector('[data-testid=delete-confirm]').addEventListener('click', async (e) => {
      e.target.disabled = true;
      const answer = await write(() => send('DELETE', path(layer, props.id), { etag }));
      if (!answer) return;
      hooks.changed(layer, props.id, null);
      hooks.closed();
    });
  });

  loadAudit(q('[data-testid=audit-list]'), layer, props.id);
  return { done };
}

// What changed since the form's version, and a way to start again from the current one.
export async function conflict(root, { layer, feature, hooks }) {
  const box = root.querySelector('[data-testid=conflict]');
  box.hidden = false;
  box.innerHTML = `<p>${t('edit.conflict')}</p>`;
  let now = null;
  try {
    now = (await send('GET', path(layer, feature.properties.id), { accept: 'application/geo+json' })).data;
  } catch (e) {
    box.innerHTML += `<p>${e.status === 404 ? t('edit.conflict_deleted') : escapeHtml(e.message)}</p>`;
    return;
  }
  const before = feature.properties;
  const after = now.properties;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null),
  );
  const rows = keys.map(
    (k) => `<li data-testid="conflict-field" data-field="${escapeHtml(k)}"><b>${escapeHtml(fieldLabel(k))}</b>：${escapeHtml(showValue(k, before[k]))} → ${escapeHtml(showValue(k, after[k]))}</li>`,
  );
  if (JSON.stringify(feature.geometry) !== JSON.stringify(now.geometry)) {
    rows.push(`<li data-testid="conflict-field" data-field="geometry"><b>${t('edit.f.geometry')}</b>：${t('edit.geometry_changed')}</li>`);
  }
  box.innerHTML = `<p>${t('edit.conflict')}</p>
    <ul class="changes">${rows.join('') || `<li>${t('edit.conflict_same')}</li>`}</ul>
    <button type="button" class="primary small" data-testid="conflict-reload">${t('edit.reload')}</button>`;
  box.querySelector('[data-testid=conflict-reload]').addEventListener('click', () => hooks.reload());
}

const ACTIONS = ['status', 'update', 'create', 'delete'];

// The feature's audit trail, newest first.
async function loadAudit(list, layer, id) {
  let entries = [];
  try {
    const answer = await send('GET', `/api/v1/audit?feature=${encodeURIComponent(id)}`);
    entries = (answer.data?.entries || []).filter((e) => !e.layer || e.layer === layer);
  } catch (e) {
    list.innerHTML = `<li class="error">${escapeHtml(e.message)}</li>`;
    list.removeAttribute('aria-busy');
    return;
  }
  entries.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0) || String(b.at).localeCompare(String(a.at)));
  const when = (at) => new Date(at).toLocaleString(getLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
  list.innerHTML = entries.length
    ? entries
        .map((e) => {
          const keys = [...new Set([...Object.keys(e.before || {}), ...Object.keys(e.after || {})])];
          // 核实无误 is written as an update of verified_at alone
          const verify = e.action === 'update' && keys.length === 1 && keys[0] === 'verified_at' && !e.geometry_changed;
          const action = verify ? t('audit.verify') : ACTIONS.includes(e.action) ? t(`audit.${e.action}`) : e.action;
          const changes = e.action === 'create' || e.action === 'delete' ? [] : keys.map(
            (k) => `<li data-field="${escapeHtml(k)}">${escapeHtml(fieldLabel(k))}：${escapeHtml(showValue(k, e.before?.[k]))} → ${escapeHtml(showValue(k, e.after?.[k]))}</li>`,
          );
          if (e.geometry_changed) changes.push(`<li data-field="geometry">${t('edit.geometry_changed')}</li>`);
          const extra = [
            e.project ? `${t('edit.f.project')}：${escapeHtml(e.project)}` : '',
            e.project_id ? `${t('edit.f.project_id')}：${escapeHtml(e.project_id)}` : '',
            e.note ? `${t('edit.f.note')}：${escapeHtml(e.note)}` : '',
          ].filter(Boolean);
          return `<li data-testid="audit-entry" data-action="${escapeHtml(verify ? 'verify' : e.action)}">
            <div class="audit-head"><b>${escapeHtml(action)}</b> <span class="muted">${escapeHtml(when(e.at))} · ${escapeHtml(e.actor)}（${escapeHtml(roleLabel(e.role))}）</span></div>
            ${changes.length ? `<ul class="changes">${changes.join('')}</ul>` : ''}
            ${extra.length ? `<div class="small">${extra.join(' · ')}</div>` : ''}
          </li>`;
        })
        .join('')
    : `<li class="muted" data-testid="audit-empty">${t('audit.empty')}</li>`;
  list.removeAttribute('aria-busy');
}

// Whether the panel offers the tools at all (the server checks again on each write).
export function offersTools(layer) {
  return (layer === 'parcels' || layer === 'buildings') && hasRole('promoter') && !!session();
}
