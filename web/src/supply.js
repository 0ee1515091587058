// Land that is `available` but only from a date still to come is shown apart:
// an officer must not promise it for now. Labelled 可供应（2028-03 起）.

import { t, tv } from './i18n.js';

// Today in the browser's own calendar, as the API writes dates (YYYY-MM-DD).
export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// The future available_from of an available parcel, or null.
export function futureFrom(props) {
  const from = props?.available_from;
  if (props?.status !== 'available' || !from) return null;
  return String(from).slice(0, 10) > today() ? String(from).slice(0, 10) : null;
}

export function statusText(props) {
  const from = futureFrom(props);
  return from ? t('status.available_from', { ym: from.slice(0, 7) }) : tv('status', props?.status);
}

// The status as a coloured chip; the future kind hatched like on the map.
export function statusChip(props) {
  const s = String(props?.status ?? '');
  const cls = futureFrom(props) ? ' status-future' : '';
  const esc = (v) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<span class="status status-${esc(s)}${cls}" data-testid="status-chip">${esc(statusText(props))}</span>`;
}
