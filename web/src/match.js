// Project form, ranked candidates, near misses, exports and compare selection.

import { api, postDownload } from './api.js';
import { t, tv, fmt, pick, onLangChange, getLang } from './i18n.js';
import { catalogue, districtLabel, industryLabel } from './catalogue.js';
import { industryPicker } from './picker.js';
import { escapeHtml } from './legend.js';
import { M2_PER_MU } from './panel.js';
import { openCompare } from './compare.js';
import { ENTERPRISE_TITLES, PROJECT_TYPES, ENTERPRISE_STATUSES, candidatePolicies, judgedMeasures, choiceLabel, loadPolicyDocuments } from './policies.js';

const MATCH_LAND_USES = ['M1', 'M4', 'M1/M4'];
// The form as last filled in, so a reload (or tomorrow's visit) starts from it.
const STORE_KEY = 'chanye.match.form';
const FIELDS = ['name', 'space', 'district', 'area_min', 'area_max', 'area_unit', 'floor_area', 'investment', 'output', 'tax', 'radius', 'limit'];
// The folded 企业与投资信息 section (issue 18): kept like the fields above.
const ENTERPRISE_FIELDS = ['total_investment', 'registered_capital', 'foreign_invested', 'foreign_usd', 'rnd', 'contribution', 'project_type', 'enterprise_status', 'weight_policy'];
// Its number inputs: form name → request field, in the order shown.
const ENTERPRISE_NUMBERS = [
  ['total_investment', 'total_investment_wan', 'match-total-investment'],
  ['registered_capital', 'registered_capital_wan', 'match-registered-capital'],
  ['foreign_usd', 'foreign_investment_usd_wan', 'match-foreign-usd'],
  ['rnd', 'annual_rnd_wan', 'match-rnd'],
  ['contribution', 'regional_contribution_wan', 'match-contribution'],
];

let mapApi = null;
let form = null;
let picker = null;
let result = null; // last match answer
let precheck = null; // last 政策预审 answer
let lastProject = null;
let selected = null; // id of the clicked row
const checked = new Set();
let picked = null; // [lon, lat] in WGS84 for the API
let pickedShown = null; // [lon, lat] as drawn on the map

export function getResult() {
  return result;
}

// Number inputs for [request field, label key, test id] triples.
function numberFields(fields) {
  return fields
    .map(([n, f, id]) => `<div class="field"><label data-i18n="field.${f}_unit"></label><input name="${n}" type="number" min="0" step="any" data-testid="${id}"></div>`)
    .join('');
}

export function initMatch(root, map) {
  mapApi = map;
  root.innerHTML = `
    <h2 data-i18n="match.title"></h2>
    <form class="match-form" data-testid="match-form" novalidate>
      <div class="field"><label data-i18n="match.name"></label>
        <input name="name" type="text" data-testid="match-name"></div>
      <div class="field"><label data-i18n="match.industry"></label><div class="picker-slot"></div></div>
      <div class="grid2">
        <div class="field"><label data-i18n="match.space"></label>
          <select name="space" data-testid="match-space">
            <option value="any" data-i18n="match.space.any"></option>
            <option value="land" data-i18n="match.space.land"></option>
            <option value="building" data-i18n="match.space.building"></option>
          </select></div>
        <div class="field"><label data-i18n="match.district"></label>
          <select name="district" data-testid="match-district"></select></div>
      </div>
      <div class="field"><label data-i18n="match.area"></label>
        <div class="range">
          <input name="area_min" type="number" min="0" step="any" data-testid="match-area-min" data-i18n-placeholder="filters.min">
          <span>–</span>
          <input name="area_max" type="number" min="0" step="any" data-testid="match-area-max" data-i18n-placeholder="filters.max">
          <select name="area_unit" data-testid="match-area-unit" class="unit">
            <option value="mu" data-i18n="unit.mu"></option>
            <option value="m2" data-i18n="unit.m2"></option>
          </select>
        </div></div>
      <div class="field"><label data-i18n="match.floor_area"></label>
        <input name="floor_area" type="number" min="0" step="any" data-testid="match-floor-area"></div>
      <fieldset class="field checks inline"><legend data-i18n="match.landuse"></legend>
        ${MATCH_LAND_USES.map(
          (l) => `<label class="chk"><input type="checkbox" name="lu" value="${l}" data-testid="match-lu-${l.replace('/', '-')}"><span>${l}</span></label>`,
        ).join('')}
      </fieldset>
      <div class="grid3">
        <div class="field"><label data-i18n="match.investment"></label>
          <input name="investment" type="number" min="0" step="any" data-testid="match-investment"></div>
        <div class="field"><label data-i18n="match.output"></label>
          <input name="output" type="number" min="0" step="any" data-testid="match-output"></div>
        <div class="field"><label data-i18n="match.tax"></label>
          <input name="tax" type="number" min="0" step="any" data-testid="match-tax"></div>
      </div>
      <details class="fold" data-testid="match-enterprise">
        <summary data-i18n="match.enterprise"></summary>
        <p class="hint" data-i18n="match.enterprise_hint"></p>
        <div class="grid2">
          ${numberFields(ENTERPRISE_NUMBERS.slice(0, 2))}
          <div class="field"><label data-i18n="field.foreign_invested"></label>
            <select name="foreign_invested" data-testid="match-foreign">
              <option value="" data-i18n="match.not_given"></option>
              <option value="true" data-i18n="pol.yes"></option>
              <option value="false" data-i18n="pol.no"></option>
            </select></div>
          ${numberFields(ENTERPRISE_NUMBERS.slice(2))}
          <div class="field"><label data-i18n="field.project_type"></label>
            <select name="project_type" data-testid="match-project-type"></select></div>
          <div class="field"><label data-i18n="field.enterprise_status"></label>
            <select name="enterprise_status" data-testid="match-enterprise-status"></select></div>
        </div>
        <fieldset class="field checks titles"><legend data-i18n="field.enterprise_titles"></legend>
          ${ENTERPRISE_TITLES.map(
            (v, i) => `<label class="chk"><input type="checkbox" name="title" value="${escapeHtml(v)}" data-testid="match-title-${i}"><span class="choice" data-choice="${escapeHtml(v)}"></span></label>`,
          ).join('')}
        </fieldset>
        <div class="grid2">
          <div class="field"><label data-i18n="match.weight_policy"></label>
            <input name="weight_policy" type="number" min="0" max="1000000" step="any" data-testid="match-weight-policy" data-i18n-placeholder="match.weight_policy_default"></div>
          <div class="field"><label class="chk explain-all"><input type="checkbox" name="explain_all" data-testid="match-explain-all"><span data-i18n="match.explain_all"></span></label></div>
        </div>
      </details>
      <div class="field"><label data-i18n="match.location"></label>
        <div class="loc">
          <button type="button" class="secondary" data-testid="match-pick" data-i18n="match.pick"></button>
          <label class="inline-label"><span data-i18n="match.radius"></span>
            <input name="radius" type="number" min="0" step="any" value="10" data-testid="match-radius"></label>
          <button type="button" class="link" data-testid="match-clear-location" data-i18n="match.clear_location" hidden></button>
        </div>
        <small class="loc-text muted" data-testid="match-location"></small></div>
      <div class="submit-row">
        <label class="inline-label"><span data-i18n="match.limit"></span>
          <input name="limit" type="number" min="1" max="100" value="10" data-testid="match-limit"></label>
        <span class="buttons">
          <button type="button" class="link" data-testid="match-reset" data-i18n="match.reset"></button>
          <button type="button" class="secondary" data-testid="match-precheck" data-i18n="match.precheck" data-i18n-title="match.precheck_title"></button>
          <button type="submit" class="primary" data-testid="match-submit" data-i18n="match.submit"></button>
        </span>
      </div>
      <p class="hint" data-testid="match-restored" data-i18n="match.restored" hidden></p>
      <p class="error" data-testid="match-error" hidden></p>
    </form>
    <div class="precheck" data-testid="precheck" hidden></div>
    <div class="results" data-testid="match-results"></div>`;

  form = root.querySelector('form');
  picker = industryPicker({ testid: 'match-industry', onChange: saveForm });
  root.querySelector('.picker-slot').append(picker.el);
  const dSel = form.elements.district;
  const fillDistricts = () => {
    const v = dSel.value;
    dSel.innerHTML = `<option value="">${t('match.any_district')}</option>`;
    for (const code of [...catalogue.districts.keys()].sort()) dSel.append(new Option(districtLabel(code), code));
    dSel.value = v;
  };
  fillDistricts();
  // Project type and enterprise status: Chinese values, labels in the page's language.
  const fillChoices = () => {
    for (const [name, values] of [['project_type', PROJECT_TYPES], ['enterprise_status', ENTERPRISE_STATUSES]]) {
      const sel = form.elements[name];
      const v = sel.value;
      sel.innerHTML = `<option value="">${t('match.not_given')}</option>`;
      for (const x of values) sel.append(new Option(choiceLabel(x), x));
      sel.value = v;
    }
    for (const s of form.querySelectorAll('.choice')) s.textContent = choiceLabel(s.dataset.choice);
  };
  fillChoices();
  loadPolicyDocuments();

  // Switching the unit converts what is typed, so the request stays the same.
  form.elements.area_unit.addEventListener('change', () => {
    const to = form.elements.area_unit.value;
    const f = to === 'm2' ? M2_PER_MU : 1 / M2_PER_MU;
    for (const n of ['area_min', 'area_max']) {
      const i = form.elements[n];
      if (i.value !== '') i.value = String(Math.round(Number(i.value) * f * 100) / 100);
    }
  });

  const pickBtn = form.querySelector('[data-testid=match-pick]');
  const clearBtn = form.querySelector('[data-testid=match-clear-location]');
  pickBtn.addEventListener('click', () => {
    pickBtn.textContent = t('match.picking');
    pickBtn.classList.add('active');
    mapApi.startPick((wgs, shown) => {
      picked = wgs;
      pickedShown = shown;
      pickBtn.textContent = t('match.pick');
      pickBtn.classList.remove('active');
      drawPicked();
      saveForm();
    });
  });
  clearBtn.addEventListener('click', () => {
    picked = null;
    pickedShown = null;
    drawPicked();
    saveForm();
  });
  form.elements.radius.addEventListener('input', drawPicked);
  // Listeners on the form run after those on its fields (the unit conversion above).
  form.addEventListener('input', saveForm);
  form.addEventListener('change', saveForm);
  form.querySelector('[data-testid=match-reset]').addEventListener('click', () => {
    form.reset();
    picker.set('');
    form.querySelector('[data-testid=match-enterprise]').open = false;
    picked = null;
    pickedShown = null;
    drawPicked();
    form.querySelector('[data-testid=match-restored]').hidden = true;
    try {
      localStorage.removeItem(STORE_KEY);
    } catch {
      // storage off: nothing kept
    }
  });
  if (restoreForm()) form.querySelector('[data-testid=match-restored]').hidden = false;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    runMatch();
  });
  form.querySelector('[data-testid=match-precheck]').addEventListener('click', runPrecheck);

  onLangChange(() => {
    fillDistricts();
    fillChoices();
    drawPicked();
    if (precheck) renderPrecheck();
    if (result) renderResults();
  });
  return { form };
}

function saveForm() {
  const f = form.elements;
  const saved = {
    v: 1,
    fields: Object.fromEntries([...FIELDS, ...ENTERPRISE_FIELDS].map((n) => [n, f[n].value])),
    industry: picker.value,
    land_use: [...form.querySelectorAll('input[name=lu]:checked')].map((c) => c.value),
    titles: [...form.querySelectorAll('input[name=title]:checked')].map((c) => c.value),
    explain_all: f.explain_all.checked,
    picked,
    pickedShown,
  };
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(saved));
  } catch {
    // private mode or full: the form simply is not kept
  }
}

// Fills the form from storage; false when nothing (usable) was kept.
function restoreForm() {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
  } catch {
    return false;
  }
  if (!saved || saved.v !== 1) return false;
  const f = form.elements;
  for (const n of [...FIELDS, ...ENTERPRISE_FIELDS]) {
    const v = saved.fields?.[n];
    if (typeof v !== 'string') continue;
    // A district no longer offered would leave the select blank: keep the default.
    if (f[n].tagName === 'SELECT' && ![...f[n].options].some((o) => o.value === v)) continue;
    f[n].value = v;
  }
  if (saved.industry) picker.set(saved.industry);
  for (const c of form.querySelectorAll('input[name=lu]')) c.checked = (saved.land_use || []).includes(c.value);
  for (const c of form.querySelectorAll('input[name=title]')) c.checked = (saved.titles || []).includes(c.value);
  f.explain_all.checked = saved.explain_all === true;
  openEnterpriseIfFilled();
  const point = (p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite);
  if (point(saved.picked) && point(saved.pickedShown)) {
    picked = saved.picked;
    pickedShown = saved.pickedShown;
  }
  drawPicked();
  return true;
}

// The 企业与投资信息 section stays folded unless something in it is filled in.
function openEnterpriseIfFilled() {
  const f = form.elements;
  const filled =
    ENTERPRISE_FIELDS.some((n) => f[n].value !== '') || form.querySelector('input[name=title]:checked') || f.explain_all.checked;
  if (filled) form.querySelector('[data-testid=match-enterprise]').open = true;
}

function drawPicked() {
  const text = form.querySelector('[data-testid=match-location]');
  const clearBtn = form.querySelector('[data-testid=match-clear-location]');
  const km = Number(form.elements.radius.value) || 0;
  mapApi.setPick(pickedShown, km);
  clearBtn.hidden = !picked;
  text.textContent = picked ? t('match.location_set', { lon: picked[0].toFixed(5), lat: picked[1].toFixed(5) }) : '';
}

// Set the picked location from outside (e.g. the info panel).
export function setLocation(wgs, shown) {
  picked = wgs;
  pickedShown = shown;
  drawPicked();
  saveForm();
}

// The project as the API expects it; null (with a message) when incomplete.
export function buildProject() {
  const f = form.elements;
  const p = {};
  if (f.name.value.trim()) p.name = f.name.value.trim();
  if (!picker.value) return null;
  p.industry = picker.value;
  p.space = f.space.value;
  const n = (v) => (v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
  const amin = n(f.area_min.value);
  const amax = n(f.area_max.value);
  if (amin != null || amax != null) {
    const r = {};
    if (amin != null) r.min = amin;
    if (amax != null) r.max = amax;
    p[f.area_unit.value === 'm2' ? 'land_area_m2' : 'land_area_mu'] = r;
  }
  const fa = n(f.floor_area.value);
  if (fa != null) p.floor_area_m2 = fa;
  const lu = [...form.querySelectorAll('input[name=lu]:checked')].map((c) => c.value);
  if (lu.length) p.land_use = lu;
  const inv = n(f.investment.value);
  const out = n(f.output.value);
  const tax = n(f.tax.value);
  if (inv != null) p.investment_wan = inv;
  if (out != null) p.annual_output_wan = out;
  if (tax != null) p.annual_tax_wan = tax;
  for (const [name, field] of ENTERPRISE_NUMBERS) {
    const v = n(f[name].value);
    if (v != null) p[field] = v;
  }
  if (f.foreign_invested.value) p.foreign_invested = f.foreign_invested.value === 'true';
  const titles = [...form.querySelectorAll('input[name=title]:checked')].map((c) => c.value);
  if (titles.length) p.enterprise_titles = titles;
  if (f.project_type.value) p.project_type = f.project_type.value;
  if (f.enterprise_status.value) p.enterprise_status = f.enterprise_status.value;
  if (f.explain_all.checked) p.explain_policies = 'all';
  const wp = n(f.weight_policy.value);
  if (wp != null) p.weights = { policy: wp };
  if (f.district.value) p.districts = [f.district.value];
  if (picked) {
    p.near = { lon: Number(picked[0].toFixed(7)), lat: Number(picked[1].toFixed(7)) };
    const km = n(f.radius.value);
    if (km != null && km > 0) p.near.max_km = km;
  }
  const lim = n(f.limit.value);
  if (lim != null) p.limit = Math.max(1, Math.min(100, Math.round(lim)));
  return p;
}

// 政策预审: every measure judged for the project before any site is chosen (the 首谈
// conversation), with the support each district may combine.
export async function runPrecheck() {
  const project = projectOrComplain();
  if (!project) return;
  const btn = form.querySelector('[data-testid=match-precheck]');
  btn.disabled = true;
  try {
    precheck = await api.checkPolicies(project);
    renderPrecheck();
    form.parentElement.querySelector('[data-testid=precheck]').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (err) {
    showError(err.message);
  } finally {
    btn.disabled = false;
  }
}

function renderPrecheck() {
  const root = form.parentElement.querySelector('[data-testid=precheck]');
  const r = precheck;
  const rows = r.districts
    .map(
      (d, i) => `<tr data-testid="precheck-district" data-adcode="${escapeHtml(d.district)}" data-wan="${d.support_wan}" tabindex="0">
        <td class="num">${i + 1}</td><td>${escapeHtml(districtLabel(d.district))}</td>
        <td class="num" data-testid="precheck-support">${d.support_wan > 0 ? escapeHtml(t('pol.up_to', { amount: fmt(d.support_wan, 2) })) : t('info.none')}</td>
        <td class="num">${d.eligible}</td><td class="num">${d.possible}</td></tr>`,
    )
    .join('');
  const best = r.districts[0];
  root.hidden = false;
  root.innerHTML = `<div class="results-head"><h3>${t('pc.title')}</h3>
      <button type="button" class="link" data-testid="precheck-close">${t('pc.close')}</button></div>
    <p class="hint">${t('pc.hint')}</p>
    ${best && best.support_wan > 0 ? `<p class="support" data-testid="precheck-best">${escapeHtml(t('pc.best', { district: districtLabel(best.district), amount: fmt(best.support_wan, 2) }))}</p>` : ''}
    <div class="table-scroll"><table class="pc-table" data-testid="precheck-districts">
      <thead><tr><th>#</th><th>${t('pc.district')}</th><th>${t('pc.support')}</th><th>${t('pc.eligible')}</th><th>${t('pc.possible')}</th></tr></thead>
      <tbody>${rows}</tbody></table></div>
    <h4>${t('pc.measures')}</h4>
    <div class="cpol pc-measures" data-testid="precheck-measures">${judgedMeasures(r.measures, { ineligible: r.ineligible, where: true })}</div>`;
  root.querySelector('[data-testid=precheck-close]').addEventListener('click', () => {
    root.hidden = true;
    precheck = null;
  });
  for (const tr of root.querySelectorAll('[data-testid=precheck-district]')) {
    const go = () => mapApi.flyToDistrict(tr.dataset.adcode);
    tr.addEventListener('click', go);
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && go());
  }
}

function showError(msg) {
  const e = form.querySelector('[data-testid=match-error]');
  e.hidden = !msg;
  e.textContent = msg ? `${t('common.error')}${msg}` : '';
}

// The form's project, or null after telling the user what is missing.
function projectOrComplain() {
  const project = buildProject();
  showError(project ? '' : t('match.need_industry'));
  return project;
}

export async function runMatch() {
  const project = projectOrComplain();
  if (!project) return;
  const btn = form.querySelector('[data-testid=match-submit]');
  btn.disabled = true;
  btn.textContent = t('match.running');
  try {
    result = await api.match(project);
    lastProject = project;
    checked.clear();
    selected = null;
    mapApi.highlight([], null);
    renderResults();
    form.parentElement.querySelector('.results-head')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (err) {
    showError(err.message);
  } finally {
    btn.disabled = false;
    btn.textContent = t('match.submit');
  }
}

function critBars(criteria) {
  return `<div class="crits">${criteria
    .map(
      (c) => `<div class="crit" title="${escapeHtml(pick(c, 'reason'))}">
        <span class="cn">${escapeHtml(tv('crit', c.name))}</span>
        <span class="bar"><i style="width:${Math.max(0, Math.min(100, c.score))}%"></i></span>
        <span class="cs">${fmt(c.score, 0)}</span></div>`,
    )
    .join('')}</div>`;
}

function areaText(c) {
  if (c.area_mu != null) return `${fmt(c.area_mu, 2)} ${t('unit.mu')} · ${fmt(c.area_m2, 0)} ${t('unit.m2')}`;
  if (c.area_m2 != null) return `${fmt(c.area_m2, 0)} ${t('unit.m2')}`;
  return '';
}

function placeText(c) {
  return [districtLabel(c.district), c.park_name, c.zone_name].filter(Boolean).join(' · ');
}

function renderResults() {
  const root = form.parentElement.querySelector('[data-testid=match-results]');
  const r = result;
  const sep = getLang() === 'en' ? '; ' : '；';
  const rows = r.candidates
    .map((c) => {
      const reason = c.criteria.map((x) => pick(x, 'reason')).filter(Boolean).join(sep);
      const kind = c.kind === 'assembly' ? `<span class="kind kind-assembly">${t('match.assembly')} ×${c.members.length}</span>` : `<span class="kind">${t(`match.kind.${c.kind}`)}</span>`;
      return `<li class="cand${selected === c.id ? ' selected' : ''}" data-testid="match-row" data-id="${escapeHtml(c.id)}" tabindex="0">
        <div class="cand-head">
          <input type="checkbox" data-testid="match-row-check" aria-label="compare" ${checked.has(c.id) ? 'checked' : ''}>
          <span class="rank">${c.rank}</span>
          <span class="cname">${escapeHtml(c.name)} ${kind}</span>
          <span class="score" data-testid="match-row-score">${fmt(c.score, 1)}</span>
        </div>
        <div class="cand-meta">${escapeHtml(placeText(c))}${c.land_use ? ` · ${escapeHtml(c.land_use)}` : ''} · ${areaText(c)}</div>
        ${critBars(c.criteria)}
        <p class="reason">${escapeHtml(reason)}</p>
        ${c.kind === 'assembly' ? `<p class="members muted">${t('match.members')}: ${c.members.map(escapeHtml).join(', ')}</p>` : ''}
        ${candidatePolicies(c)}
      </li>`;
    })
    .join('');
  const misses = r.near_misses
    .map(
      (m) => `<li class="miss" data-testid="near-miss-row" data-id="${escapeHtml(m.id)}" data-kind="${escapeHtml(m.kind)}" tabindex="0">
        <div class="cand-head"><span class="cname">${escapeHtml(m.name)}</span><span class="score muted">${fmt(m.score, 1)}</span></div>
        <div class="cand-meta">${escapeHtml(districtLabel(m.district))}${m.area_mu != null ? ` · ${fmt(m.area_mu, 2)} ${t('unit.mu')}` : ''}</div>
        <ul class="fails">${m.failed.map((f) => `<li><code>${escapeHtml(f.constraint)}</code> ${escapeHtml(pick(f, 'detail'))}</li>`).join('')}</ul>
      </li>`,
    )
    .join('');
  const excluded = Object.entries(r.excluded_counts || {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `<span class="chip"><code>${escapeHtml(k)}</code> ${v}</span>`)
    .join(' ');
  const industry = r.project?.industry;
  root.innerHTML = `
    <div class="results-head">
      <h3><span data-i18n="match.results">${t('match.results')}</span> (${r.candidates.length})</h3>
      <div class="exports"><span>${t('match.export')}:</span>
        <button type="button" class="secondary small" data-format="xlsx" data-testid="export-xlsx">XLSX</button>
        <button type="button" class="secondary small" data-format="csv" data-testid="export-csv">CSV</button>
        <button type="button" class="secondary small" data-format="geojson" data-testid="export-geojson">GeoJSON</button>
      </div>
    </div>
    <p class="muted">${industry ? `${escapeHtml(getLang() === 'en' ? industry.name_en : industry.name_zh)} · ` : ''}${t('match.considered', { n: r.considered })}</p>
    <div class="compare-bar">
      <button type="button" class="primary small" data-testid="compare-button" disabled>${t('match.compare', { n: checked.size })}</button>
      <small class="muted">${t('match.compare_hint')}</small>
    </div>
    ${r.candidates.length ? `<ol class="cands" data-testid="match-list">${rows}</ol>` : `<p class="empty" data-testid="match-empty">${t('match.no_results')}</p>`}
    ${r.near_misses.length ? `<h3>${t('match.near_misses')} (${r.near_misses.length})</h3><ul class="misses" data-testid="near-misses">${misses}</ul>` : ''}
    ${excluded ? `<h4>${t('match.excluded')}</h4><p class="excluded">${excluded}</p>` : ''}`;

  const byId = new Map(r.candidates.map((c) => [c.id, c]));
  const cmp = root.querySelector('[data-testid=compare-button]');
  const updateCompare = () => {
    cmp.textContent = t('match.compare', { n: checked.size });
    cmp.disabled = checked.size < 2 || checked.size > 4;
  };
  updateCompare();
  cmp.addEventListener('click', () => openCompare([...checked].map((id) => byId.get(id)).filter(Boolean)));

  for (const li of root.querySelectorAll('[data-testid=match-row]')) {
    const c = byId.get(li.dataset.id);
    const box = li.querySelector('[data-testid=match-row-check]');
    box.addEventListener('click', (e) => e.stopPropagation());
    box.addEventListener('change', () => {
      if (box.checked) {
        if (checked.size >= 4) {
          box.checked = false; // at most four side by side
          return;
        }
        checked.add(c.id);
      } else checked.delete(c.id);
      updateCompare();
    });
    li.addEventListener('mouseenter', () => mapApi.highlight(c.members, null));
    li.addEventListener('mouseleave', () => {
      const s = selected && byId.get(selected);
      mapApi.highlight(s ? s.members : [], null);
    });
    // Reading a measure or its quote does not select the row (nor move the map).
    li.querySelector('.cpol')?.addEventListener('click', (e) => e.stopPropagation());
    const choose = () => {
      selected = c.id;
      for (const o of root.querySelectorAll('[data-testid=match-row]')) o.classList.toggle('selected', o === li);
      mapApi.highlight(c.members, c.geometry);
    };
    li.addEventListener('click', choose);
    li.addEventListener('keydown', (e) => e.key === 'Enter' && choose());
  }
  for (const li of root.querySelectorAll('[data-testid=near-miss-row]')) {
    li.addEventListener('click', () => mapApi.highlight([li.dataset.id], null, { fly: true, kind: li.dataset.kind }));
  }
  for (const b of root.querySelectorAll('[data-format]')) {
    b.addEventListener('click', async () => {
      const fmtName = b.dataset.format;
      b.disabled = true;
      try {
        const ext = fmtName === 'geojson' ? 'geojson' : fmtName;
        await postDownload(`/api/v1/match?format=${fmtName}`, lastProject, `chanye-match.${ext}`);
      } catch (err) {
        showError(err.message);
      } finally {
        b.disabled = false;
      }
    });
  }
}

// Fill the form from a project object (used to preload a sample).
export function fillForm(p) {
  const f = form.elements;
  f.name.value = p.name || '';
  picker.set(p.industry || '');
  f.space.value = p.space || 'any';
  const area = p.land_area_mu || p.land_area_m2;
  f.area_unit.value = p.land_area_m2 ? 'm2' : 'mu';
  f.area_min.value = area?.min ?? '';
  f.area_max.value = area?.max ?? '';
  f.floor_area.value = p.floor_area_m2 ?? '';
  for (const c of form.querySelectorAll('input[name=lu]')) c.checked = (p.land_use || []).includes(c.value);
  f.investment.value = p.investment_wan ?? '';
  f.output.value = p.annual_output_wan ?? '';
  f.tax.value = p.annual_tax_wan ?? '';
  for (const [name, field] of ENTERPRISE_NUMBERS) f[name].value = p[field] ?? '';
  f.foreign_invested.value = p.foreign_invested == null ? '' : String(p.foreign_invested);
  for (const c of form.querySelectorAll('input[name=title]')) c.checked = (p.enterprise_titles || []).includes(c.value);
  f.project_type.value = p.project_type ?? '';
  f.enterprise_status.value = p.enterprise_status ?? '';
  f.weight_policy.value = p.weights?.policy ?? '';
  f.explain_all.checked = p.explain_policies === 'all';
  openEnterpriseIfFilled();
  f.district.value = p.districts?.[0] ?? '';
  if (p.limit) f.limit.value = p.limit;
  saveForm();
}

export function projectSummary(p) {
  return { name: p?.name || '', industry: p ? industryLabel(p.industry) : '' };
}
