// Policy measures as the page shows them: a candidate's judged measures (eligible ones with
// their estimate and its working, possible ones with what to ask the investor), the 政策预审
// answer (POST /api/v1/policies/check) and the listing of GET /api/v1/policies in the panel.
// The judgement, the estimates and their workings are the API's; this module only lays them out.

import { api } from './api.js';
import { t, fmt, pick, getLang, tv } from './i18n.js';
import { districtLabel, parkLabel, zoneLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';

// The closed lists of the match request (issue 18 item 3), in the API's spelling.
export const ENTERPRISE_TITLES = ['专精特新中小企业', '专精特新"小巨人"', '高新技术企业', '上市公司', '链主企业', '头部企业', '独角兽', '总部企业'];
export const PROJECT_TYPES = ['新建', '扩建', '技术改造', '老旧厂房改造', '迁入'];
export const ENTERPRISE_STATUSES = ['新设立', '新引进', '存量'];

// Source documents by file name, for their titles; filled once from the listing.
const documents = new Map();
let documentsLoaded = null;

export function loadPolicyDocuments() {
  if (!documentsLoaded) {
    documentsLoaded = api
      .policies()
      .then((l) => {
        for (const d of l.documents || []) documents.set(d.file, d);
      })
      .catch(() => {
        documentsLoaded = null; // try again next time
      });
  }
  return documentsLoaded;
}

function documentLabel(file) {
  return documents.get(file)?.title_zh || file;
}

// A request field (`missing`, conditions, benefit bases) by its label.
export function fieldLabel(name) {
  return tv('field', name);
}

// A closed-list value (称号, 项目类型, 企业状态) in the page's language.
export function choiceLabel(value) {
  return getLang() === 'en' ? tv('choice', value) : value;
}

function sep() {
  return getLang() === 'en' ? ', ' : '、';
}

export function wan(v) {
  return t('pol.wan', { n: fmt(v, 2) });
}

// "政策支持估算 最高 1,000 万元", or that nothing can be counted.
export function supportText(v) {
  return v > 0 ? t('pol.support', { amount: fmt(v, 2) }) : t('pol.support_none');
}

function statusTag(status) {
  if (!status || status === 'in_force') return '';
  return ` <span class="tag tag-${escapeHtml(status)}" data-testid="policy-status">${escapeHtml(t(`pol.status.${status}`))}</span>`;
}

function scopeChip(scope) {
  return `<span class="scope scope-${escapeHtml(scope)}">${escapeHtml(tv('scope', scope))}</span>`;
}

// The document's sentence on demand, with document, item and line.
function quote(m) {
  if (!m.quote_zh) return '';
  return `<details class="pq" data-testid="policy-quote"><summary>${t('pol.quote')}</summary>
    <blockquote>${escapeHtml(m.quote_zh)}</blockquote>
    <small class="muted" data-testid="policy-cite">${escapeHtml(documentLabel(m.document))} · ${escapeHtml(m.item)}${m.line ? ` · ${t('pol.line', { n: m.line })}` : ''}</small></details>`;
}

// Where a measure judged without a site applies (政策预审): its district or park, and areas.
function whereText(m) {
  const parts = [];
  if (m.park) parts.push(parkLabel(m.park));
  else if (m.district) parts.push(districtLabel(m.district));
  const areas = (m.areas || [])
    .map((a) => a.name_zh || [...(a.parks || []).map(parkLabel), ...(a.zones || []).map(zoneLabel)].join(sep()) || (a.district ? districtLabel(a.district) : ''))
    .filter(Boolean);
  if (areas.length) parts.push(t('pol.areas', { areas: areas.join(sep()) }));
  return parts.length ? parts.join(' · ') : t('pol.citywide');
}

// One judged measure: title, status, estimate, the working (or what is missing), the facts
// to confirm, and the quote.
export function judgedItem(p, { where = false } = {}) {
  const est =
    p.estimate_wan != null
      ? ` <b class="est" data-testid="policy-estimate" data-wan="${p.estimate_wan}">${escapeHtml(t('pol.up_to', { amount: fmt(p.estimate_wan, 2) }))}</b>`
      : '';
  const missing = (p.missing || []).length
    ? `<p class="ask" data-testid="policy-missing">${escapeHtml(t('pol.missing', { fields: p.missing.map(fieldLabel).join(sep()) }))}</p>`
    : '';
  const confirm = pick(p, 'confirm') || [];
  const confirmList = confirm.length
    ? `<div class="ask" data-testid="policy-confirm">${t('pol.confirm')}<ul>${confirm.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul></div>`
    : '';
  return `<li class="pm pm-${escapeHtml(p.eligibility)}" data-testid="policy-${escapeHtml(p.eligibility)}" data-id="${escapeHtml(p.id)}"${p.estimate_wan != null ? ` data-wan="${p.estimate_wan}"` : ''}>
    <div class="pm-head">${scopeChip(p.scope)} <span class="pm-title" title="${escapeHtml(p.quote_zh || '')}">${escapeHtml(pick(p, 'title'))}</span>${statusTag(p.status)}${est}</div>
    ${where ? `<div class="pm-where muted" data-testid="policy-where">${escapeHtml(whereText(p))}</div>` : ''}
    <div class="basis" data-testid="policy-basis">${escapeHtml(pick(p, 'basis'))}</div>
    ${missing}${confirmList}${quote(p)}
  </li>`;
}

function group(testid, summary, items, opts, extra = '') {
  if (!items.length) return '';
  return `<details class="pol-group" data-testid="${testid}"><summary>${summary}</summary>${extra}<ul class="pms">${items.map((p) => judgedItem(p, opts)).join('')}</ul></details>`;
}

// What to ask the investor: the fields the possible measures are missing, once each.
function askFields(possible) {
  const fields = [...new Set(possible.flatMap((p) => p.missing || []))];
  if (!fields.length) return '';
  return `<p class="ask" data-testid="policy-ask-fields">${escapeHtml(t('pol.ask_fields', { fields: fields.map(fieldLabel).join(sep()) }))}</p>`;
}

// A list of judged measures (a candidate's or the 政策预审's): the total (`support`, 万元),
// eligible ones with an estimate shown, the others folded by eligibility.
export function judgedMeasures(list, { support, ineligible, where = false }) {
  const eligible = list.filter((p) => p.eligibility === 'eligible');
  const withEstimate = eligible.filter((p) => p.estimate_wan != null);
  const noFigure = eligible.filter((p) => p.estimate_wan == null);
  const possible = list.filter((p) => p.eligibility === 'possible');
  const failed = list.filter((p) => p.eligibility === 'ineligible');
  const nIneligible = ineligible ?? failed.length;
  const sum = withEstimate.reduce((a, p) => a + p.estimate_wan, 0);
  const counts = t('pol.counts', { e: eligible.length, p: possible.length, i: nIneligible });
  const opts = { where };
  // Without a total (政策预审: it depends on the district), the counts alone.
  const head =
    support == null
      ? `<p class="support"><small class="muted" data-testid="policy-counts">${escapeHtml(counts)}</small></p>`
      : `<p class="support" data-testid="policy-support" data-wan="${support}">
      <b>${escapeHtml(supportText(support))}</b> <small class="muted" data-testid="policy-counts">${escapeHtml(counts)}</small></p>
    ${sum > support + 0.005 ? `<p class="muted small" data-testid="policy-combined">${escapeHtml(t('pol.combined'))}</p>` : ''}`;
  return `${head}
    ${withEstimate.length ? `<ul class="pms" data-testid="policy-estimates">${withEstimate.map((p) => judgedItem(p, opts)).join('')}</ul>` : ''}
    ${group('policy-group-eligible', escapeHtml(t(withEstimate.length ? 'pol.more_eligible' : 'pol.eligible', { n: noFigure.length })), noFigure, opts)}
    ${group('policy-group-possible', escapeHtml(t('pol.possible', { n: possible.length })), possible, opts, askFields(possible))}
    ${group('policy-group-ineligible', escapeHtml(t('pol.ineligible', { n: failed.length })), failed, opts)}`;
}

// A candidate's measures, as its row in the results shows them.
export function candidatePolicies(c) {
  if (!c.policies) return '';
  return `<div class="cpol" data-testid="match-row-policies">${judgedMeasures(c.policies, { support: c.policy_support_wan ?? 0, ineligible: c.policies_ineligible })}</div>`;
}

// ---- the listing (GET /api/v1/policies), for the panel

const OPS = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=', in: '∈' };

function conditionValue(c) {
  const v = c.value;
  if (typeof v === 'boolean') return t(v ? 'pol.yes' : 'pol.no');
  if (typeof v === 'number') return `${fmt(v, 2)}${c.unit ? ` ${c.unit}` : ''}`;
  if (Array.isArray(v)) return v.map(choiceLabel).join(t('pol.or'));
  return v == null ? '' : choiceLabel(String(v));
}

// A condition as a reader would say it: "总投资 ≥ 10,000 万元", "需核实：…", alternatives with 或.
export function conditionText(c) {
  if (c.field) {
    if (typeof c.value === 'boolean') return `${fieldLabel(c.field)}：${conditionValue(c)}`;
    return `${fieldLabel(c.field)} ${OPS[c.comparison] ?? c.comparison ?? ''} ${conditionValue(c)}`.trim();
  }
  if (c.any_of?.length) return c.any_of.map(conditionText).join(t('pol.or'));
  const confirm = pick(c, 'confirm');
  return confirm ? t('pol.to_confirm', { what: confirm }) : '';
}

// A measure of the listing: what it supports, for whom, on what conditions, its quote.
export function listingItem(m) {
  const cap = pick(m, 'cap');
  const conds = (m.conditions || []).map((c) => `<li title="${escapeHtml(c.quote_zh || '')}">${escapeHtml(conditionText(c))}</li>`).join('');
  const areas = (m.areas || []).length ? `<p class="muted">${escapeHtml(whereText({ areas: m.areas }))}</p>` : '';
  return `<li data-testid="policy-measure" data-id="${escapeHtml(m.id)}" data-status="${escapeHtml(m.status)}"><details><summary>${scopeChip(m.scope)} ${escapeHtml(pick(m, 'title'))}${statusTag(m.status)}${cap ? ` <em>${escapeHtml(cap)}</em>` : ''}</summary>
    <p>${escapeHtml(pick(m, 'supports'))}</p>${areas}
    ${conds ? `<div class="muted">${t('pol.conditions')}<ul>${conds}</ul></div>` : ''}
    ${quote(m)}</details></li>`;
}
