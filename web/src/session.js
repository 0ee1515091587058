// Signing in by pasting a token: who the bearer is (GET /api/v1/me), shown in the header,
// and the rules the page draws its editing tools by (role, scope). The server checks both
// again on every write; the page only leaves out buttons that would be refused.

import { getJSON, clearFeatures } from './api.js';
import { getToken, setToken } from './token.js';
import { t, onLangChange } from './i18n.js';
import { catalogue, districtLabel, parkLabel } from './catalogue.js';
import { escapeHtml } from './legend.js';

const RANK = { public: 0, promoter: 1, editor: 2, admin: 3 };

let me = null; // {name, role, scope: {kind, id, name}}
const listeners = [];

export function session() {
  return me;
}

export function hasRole(role) {
  return !!me && (RANK[me.role] ?? -1) >= RANK[role];
}

export function onSessionChange(f) {
  listeners.push(f);
}

function changed() {
  clearFeatures();
  for (const f of listeners) f(me);
}

// Whether a parcel or building is the signed-in office's to change: a district keeps its
// features but those of a park with its own office (own_office, e.g. bda); a park keeps its own.
export function inScope(props) {
  const s = me?.scope;
  if (!s || !props) return false;
  if (s.kind === 'city') return true;
  if (s.kind === 'park') return props.park === s.id;
  if (s.kind === 'district') {
    if (props.district !== s.id) return false;
    return !catalogue.parks.get(props.park)?.own_office;
  }
  return false;
}

export function roleLabel(role) {
  return t(`role.${role}`);
}

export function scopeLabel(scope) {
  if (!scope || scope.kind === 'city') return t('session.city');
  if (scope.kind === 'district') return districtLabel(scope.id) || scope.name || scope.id;
  return catalogue.parks.has(scope.id) ? parkLabel(scope.id) : scope.name || scope.id;
}

// Reads who the token belongs to; stores it only once the server accepted it.
export async function signIn(token) {
  const clean = token.trim();
  const who = await getJSON('/api/v1/me', { Authorization: `Bearer ${clean}` });
  setToken(clean);
  me = who;
  changed();
  return who;
}

export function signOut() {
  setToken('');
  me = null;
  changed();
}

// A token kept from earlier in this tab: signed in again, or dropped when refused.
export async function restoreSession() {
  const token = getToken();
  if (!token) return;
  try {
    await signIn(token);
  } catch (e) {
    if (e.status === 401) setToken('');
  }
}

// Why a sign-in failed, in words for the user.
function failure(e) {
  if (e.status === 401) return t('session.bad_token');
  if (e.status === 429) return t('session.too_many', { s: e.retryAfter || '60' });
  return `${t('common.error')}${e.message}`;
}

// The header's part: 登录 and its form, or who is signed in and 退出.
export function initSessionUi(el) {
  let open = false;
  let error = '';
  const render = () => {
    if (me) {
      el.innerHTML = `<span class="who" data-testid="session-user" title="${escapeHtml(me.name)}">
          <b data-testid="session-name">${escapeHtml(me.name)}</b>
          <span class="role" data-testid="session-role" data-role="${escapeHtml(me.role)}">${escapeHtml(roleLabel(me.role))}</span>
          <span class="scope-name" data-testid="session-scope">${escapeHtml(scopeLabel(me.scope))}</span>
        </span>
        <button type="button" class="lang" data-testid="signout">${t('session.signout')}</button>`;
      el.querySelector('[data-testid=signout]').addEventListener('click', signOut);
      return;
    }
    el.innerHTML = `<button type="button" class="lang" data-testid="signin-open" aria-expanded="${open}">${t('session.signin')}</button>
      <form class="signin-pop" data-testid="signin-form" ${open ? '' : 'hidden'}>
        <label for="signin-token">${t('session.token')}</label>
        <input id="signin-token" type="password" autocomplete="off" spellcheck="false" data-testid="signin-token">
        <p class="hint">${t('session.token_hint')}</p>
        <p class="error" data-testid="signin-error" ${error ? '' : 'hidden'}>${escapeHtml(error)}</p>
        <div class="buttons"><button type="submit" class="primary" data-testid="signin-submit">${t('session.signin')}</button>
        <button type="button" class="secondary" data-testid="signin-cancel">${t('edit.cancel')}</button></div>
      </form>`;
    const form = el.querySelector('form');
    el.querySelector('[data-testid=signin-open]').addEventListener('click', () => {
      open = !open;
      error = '';
      render();
      if (open) el.querySelector('input').focus();
    });
    el.querySelector('[data-testid=signin-cancel]').addEventListener('click', () => {
      open = false;
      error = '';
      render();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const value = form.querySelector('input').value;
      if (!value.trim()) return;
      const button = form.querySelector('[type=submit]');
      button.disabled = true;
      try {
        await signIn(value);
        open = false;
        error = '';
      } catch (err) {
        error = failure(err);
      }
      render();
    });
  };
  onSessionChange(render);
  onLangChange(render);
  render();
}
