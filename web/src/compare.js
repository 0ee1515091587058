// Side-by-side table of 2–4 candidates: criteria rows × candidate columns.

import { t, tv, fmt, pick } from './i18n.js';
import { districtLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';

let modal = null;
let shown = [];

export function initCompare(el) {
  modal = el;
  modal.querySelector('.close').addEventListener('click', closeCompare);
  modal.addEventListener('click', (e) => e.target === modal && closeCompare());
  document.addEventListener('keydown', (e) => e.key === 'Escape' && !modal.hidden && closeCompare());
}

export function closeCompare() {
  modal.hidden = true;
  shown = [];
}

export function refreshCompare() {
  if (!modal.hidden && shown.length) openCompare(shown);
}

export function openCompare(cands) {
  shown = cands;
  const names = [...new Set(cands.flatMap((c) => c.criteria.map((x) => x.name)))];
  const best = (vals) => Math.max(...vals.filter((v) => v != null));
  const cell = (v, isBest, extra = '') => `<td class="${isBest ? 'best' : ''}">${v}${extra}</td>`;

  const scoreBest = best(cands.map((c) => c.score));
  const rows = [];
  rows.push(`<tr><th>${t('compare.row.score')}</th>${cands.map((c) => cell(`<b>${fmt(c.score, 1)}</b>`, c.score === scoreBest)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.kind')}</th>${cands.map((c) => cell(escapeHtml(t(`match.kind.${c.kind}`)) + (c.kind === 'assembly' ? ` ×${c.members.length}` : ''), false)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.location')}</th>${cands.map((c) => cell(escapeHtml([districtLabel(c.district), c.park_name, c.zone_name].filter(Boolean).join(' / ')), false)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.area')}</th>${cands.map((c) => cell(c.area_mu != null ? `${fmt(c.area_mu, 2)} ${t('unit.mu')}<br><small>${fmt(c.area_m2, 0)} ${t('unit.m2')}</small>` : `${fmt(c.area_m2, 0)} ${t('unit.m2')}`, false)).join('')}</tr>`);
  rows.push(`<tr><th>${t('compare.row.land_use')}</th>${cands.map((c) => cell(escapeHtml(c.land_use ? tv('lu', c.land_use) : t('info.none')), false)).join('')}</tr>`);
  for (const n of names) {
    const vals = cands.map((c) => c.criteria.find((x) => x.name === n));
    const b = best(vals.map((v) => v?.score));
    const weight = vals.find(Boolean)?.weight;
    rows.push(`<tr class="crit-row" data-criterion="${escapeHtml(n)}"><th>${escapeHtml(tv('crit', n))}${weight != null ? ` <small class="muted">×${fmt(weight, 0)}</small>` : ''}</th>${vals
      .map((v) =>
        v
          ? cell(
              `<span class="bar"><i style="width:${Math.max(0, Math.min(100, v.score))}%"></i></span> <b>${fmt(v.score, 0)}</b>`,
              v.score === b,
              `<div class="why">${escapeHtml(pick(v, 'reason'))}</div>`,
            )
          : cell(t('info.none'), false),
      )
      .join('')}</tr>`);
  }
  // Policy support: the estimated total each candidate may combine, and how many measures it
  // meets, not how many are listed (a long list of measures to confirm is not support).
  const support = cands.map((c) => c.policy_support_wan ?? 0);
  const supportBest = Math.max(...support);
  rows.push(`<tr data-testid="compare-support"><th>${t('compare.row.support')}</th>${cands
    .map((c, i) => {
      const est = (c.policies || []).filter((p) => p.eligibility === 'eligible' && p.estimate_wan != null);
      const why = est.map((p) => `${escapeHtml(pick(p, 'title'))}：${escapeHtml(t('pol.up_to', { amount: fmt(p.estimate_wan, 2) }))}`).join('<br>');
      const text = support[i] > 0 ? t('pol.up_to', { amount: fmt(support[i], 2) }) : t('pol.none_counted');
      return `<td class="${support[i] > 0 && support[i] === supportBest ? 'best' : ''}" data-wan="${support[i]}"><b>${escapeHtml(text)}</b>${why ? `<div class="why">${why}</div>` : ''}</td>`;
    })
    .join('')}</tr>`);
  const count = (c, e) => (c.policies || []).filter((p) => p.eligibility === e).length;
  const eligible = cands.map((c) => count(c, 'eligible'));
  const eligibleBest = Math.max(...eligible);
  rows.push(`<tr data-testid="compare-eligible"><th>${t('compare.row.eligible')}</th>${cands
    .map(
      (c, i) =>
        `<td class="${eligible[i] > 0 && eligible[i] === eligibleBest ? 'best' : ''}" data-eligible="${eligible[i]}"><b>${eligible[i]}</b><div class="why">${escapeHtml(
          t('compare.possible', { p: count(c, 'possible'), i: c.policies_ineligible ?? count(c, 'ineligible') }),
        )}</div></td>`,
    )
    .join('')}</tr>`);

  modal.querySelector('.modal-body').innerHTML = `<div class="table-scroll"><table class="compare" data-testid="compare-table">
    <thead><tr><th></th>${cands.map((c) => `<th data-testid="compare-col">#${c.rank} ${escapeHtml(c.name)}</th>`).join('')}</tr></thead>
    <tbody>${rows.join('')}</tbody></table></div>`;
  modal.hidden = false;
}
