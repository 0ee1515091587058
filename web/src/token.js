// The bearer token of the signed-in user. Kept in sessionStorage only: it leaves with the
// tab, is never written to the URL, a cookie or localStorage, and no other tab reads it.

const KEY = 'chanye.token';

export function getToken() {
  try {
    return sessionStorage.getItem(KEY) || '';
  } catch {
    return ''; // storage refused (privacy mode): signed out
  }
}

export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // nothing to keep it in: the sign-in lasts until the next reload
  }
}

// Header fields for a same-origin request: the token when signed in.
export function authHeaders() {
  const t = getToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}
