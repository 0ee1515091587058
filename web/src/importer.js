// 导入 (editors): a district office's spreadsheet of parcels or buildings (XLSX or CSV)
// sent to POST /api/v1/import for a preview (new, changed and unchanged rows, problems
// by sheet, row and column), then committed as previewed.

import { send, getDownload } from './api.js';
import { t, pick, onLangChange, applyI18n } from './i18n.js';
import { escapeHtml } from './legend.js';
import { fieldLabel } from './forms.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// [query value, label key]
const CRSES = [
  ['wgs84', 'import.crs.wgs84'],
  ['gcj02', 'import.crs.gcj02'],
  ['bd09', 'import.crs.bd09'],
  ['EPSG:4490', 'import.crs.cgcs2000'],
  ['EPSG:4547', 'import.crs.4547'],
  ['EPSG:4548', 'import.crs.4548'],
];

let root = null;
let hooks = null;
let preview = null; // the last preview answer
let committed = null; // the last commit's counts

// hooks.committed(layer): the map and lists are to be read again.
export function initImporter(el, h) {
  root = el;
  hooks = h;
  root.innerHTML = `<h2 data-i18n="import.title"></h2>
    <p class="hint" data-i18n="import.hint"></p>
    <div class="field"><span class="label" data-i18n="import.layer"></span>
      <div class="seg" role="radiogroup">
        <label><input type="radio" name="import-layer" value="parcels" checked data-testid="import-layer-parcels"><span data-i18n="layer.parcels"></span></label>
        <label><input type="radio" name="import-layer" value="buildings" data-testid="import-layer-buildings"><span data-i18n="layer.buildings"></span></label>
      </div>
    </div>
    <p><button type="button" class="secondary small" data-testid="import-template" data-i18n="import.template"></button></p>
    <div class="field"><label for="import-crs" data-i18n="import.crs"></label>
      <select id="import-crs" data-testid="import-crs">${CRSES.map(([v, k]) => `<option value="${v}" data-i18n="${k}"></option>`).join('')}</select>
    </div>
    <div class="field"><label for="import-file" data-i18n="import.file"></label>
      <input id="import-file" type="file" accept=".xlsx,.csv,${XLSX_TYPE},text/csv" data-testid="import-file">
    </div>
    <div class="buttons"><button type="button" class="primary" data-testid="import-preview" data-i18n="import.preview"></button></div>
    <p class="error" data-testid="import-error" hidden></p>
    <div class="import-result" data-testid="import-result"></div>`;
  applyI18n(root);
  const q = (s) => root.querySelector(s);
  q('[data-testid=import-template]').addEventListener('click', async () => {
    try {
      await getDownload(`/api/v1/import/template?layer=${layer()}`, `chanye-${layer()}-template.xlsx`);
    } catch (e) {
      fail(e);
    }
  });
  q('[data-testid=import-preview]').addEventListener('click', upload);
  // a new file or another layer or CRS makes the preview out of date
  for (const el of root.querySelectorAll('[name=import-layer], #import-crs, #import-file')) {
    el.addEventListener('change', () => {
      preview = null;
      committed = null;
      render();
    });
  }
  onLangChange(render);
}

const layer = () => root.querySelector('[name=import-layer]:checked').value;

function fail(e) {
  const el = root.querySelector('[data-testid=import-error]');
  el.hidden = false;
  el.textContent = `${t('common.error')}${e.message}`;
}

async function upload() {
  const file = root.querySelector('[data-testid=import-file]').files[0];
  root.querySelector('[data-testid=import-error]').hidden = true;
  if (!file) {
    fail(new Error(t('import.no_file')));
    return;
  }
  const bytes = await file.arrayBuffer();
  // by name first; a workbook is a zip (PK…) whatever it is called
  const head = new Uint8Array(bytes.slice(0, 2));
  const isXlsx = /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE || (head[0] === 0x50 && head[1] === 0x4b);
  const q = new URLSearchParams({ layer: layer(), crs: root.querySelector('[data-testid=import-crs]').value });
  const button = root.querySelector('[data-testid=import-preview]');
  button.disabled = true;
  preview = null;
  committed = null;
  render();
  try {
    preview = (await send('POST', `/api/v1/import?${q}`, { body: bytes, type: isXlsx ? XLSX_TYPE : 'text/csv' })).data;
  } catch (e) {
    fail(e);
  }
  button.disabled = false;
  render();
}

async function commit() {
  const button = root.querySelector('[data-testid=import-commit]');
  button.disabled = true;
  try {
    committed = (await send('POST', `/api/v1/import/${encodeURIComponent(preview.preview_id)}/commit`)).data;
    hooks.committed(preview.layer);
  } catch (e) {
    button.disabled = false;
    fail(e);
  }
  render();
}

const where = (r) => `${escapeHtml(r.sheet ?? '')}${r.sheet ? ' · ' : ''}${t('import.row_n', { n: r.row })}`;

function render() {
  const out = root.querySelector('[data-testid=import-result]');
  if (!preview) {
    out.innerHTML = '';
    return;
  }
  const p = preview;
  const problems = p.problems || [];
  const errors = problems.filter((x) => x.severity === 'error').length;
  const counts = `<div class="counts import-counts" data-testid="import-counts" data-new="${p.new.length}" data-changed="${p.changed.length}" data-unchanged="${p.unchanged.length}" data-errors="${errors}" data-warnings="${problems.length - errors}">
      <div class="count"><b>${p.new.length}</b><span>${t('import.new')}</span></div>
      <div class="count"><b>${p.changed.length}</b><span>${t('import.changed')}</span></div>
      <div class="count"><b>${p.unchanged.length}</b><span>${t('import.unchanged')}</span></div>
      <div class="count"><b>${errors}</b><span>${t('import.errors')}</span></div>
      <div class="count"><b>${problems.length - errors}</b><span>${t('import.warnings')}</span></div>
    </div>`;
  const problemTable = problems.length
    ? `<h4>${t('import.problems')}</h4><table class="pc-table" data-testid="import-problems"><thead><tr><th>${t('import.sheet')}</th><th>${t('import.row')}</th><th>${t('import.column')}</th><th></th><th>${t('import.reason')}</th></tr></thead><tbody>${problems
        .map(
          (x) => `<tr data-testid="import-problem" data-sheet="${escapeHtml(x.sheet ?? '')}" data-row="${x.row ?? ''}" data-column="${escapeHtml(x.column ?? '')}" data-severity="${x.severity}" class="sev-${x.severity}">
            <td>${escapeHtml(x.sheet ?? '')}</td><td>${x.row ?? ''}</td><td>${escapeHtml(x.column ?? '')}</td>
            <td><span class="tag tag-${x.severity}">${t(`import.${x.severity}`)}</span></td><td>${escapeHtml(pick(x, 'reason'))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const newTable = p.new.length
    ? `<h4>${t('import.new_rows')}</h4><table class="pc-table" data-testid="import-new"><tbody>${p.new
        .map((r) => `<tr data-id="${escapeHtml(r.id)}"><td><code>${escapeHtml(r.id)}</code></td><td>${escapeHtml(r.name ?? '')}</td><td class="muted">${where(r)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const changedTable = p.changed.length
    ? `<h4>${t('import.changed_rows')}</h4><table class="pc-table" data-testid="import-changed"><tbody>${p.changed
        .map(
          (r) => `<tr data-id="${escapeHtml(r.id)}"><td><code>${escapeHtml(r.id)}</code><div class="muted">${where(r)}</div></td><td><ul class="changes">${(r.fields || [])
            .map((f) => `<li data-field="${escapeHtml(f.field)}">${escapeHtml(f.column || fieldLabel(f.field))}：${escapeHtml(show(f.old))} → ${escapeHtml(show(f.new))}</li>`)
            .join('')}</ul></td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const done = committed
    ? `<p class="ok-note" data-testid="import-done" data-new="${committed.new}" data-changed="${committed.changed}" data-unchanged="${committed.unchanged}">${t('import.done', committed)}</p>`
    : '';
  out.innerHTML = `${counts}${problemTable}
    ${p.can_commit ? '' : `<p class="hint" data-testid="import-blocked">${t('import.blocked')}</p>`}
    <div class="buttons"><button type="button" class="primary" data-testid="import-commit" ${p.can_commit && !committed ? '' : 'disabled'}>${t('import.commit')}</button></div>
    ${done}${newTable}${changedTable}`;
  out.querySelector('[data-testid=import-commit]').addEventListener('click', commit);
}

function show(v) {
  if (v == null || v === '') return t('info.none');
  if (Array.isArray(v)) return v.join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
