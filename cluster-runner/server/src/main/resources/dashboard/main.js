// The dashboard's entry point: login, then one view per hash route.
//   #/                                   every app
//   #/apps/{app}                         one app and its current release
//   #/apps/{app}/releases/{releaseId}    one release (the Jenkins build page links here)
import { Api } from './api.js';
import { h } from './dom.js';
import { renderLogin } from './login.js';
import { renderApps } from './apps.js';
import { renderRelease } from './release.js';

const TOKEN_KEY = 'slipway.token';
const view = document.getElementById('view');
const who = document.getElementById('who');
let identity = null;
let current = null;

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  identity = null;
  show(message);
}

async function signIn(token) {
  if (!token) {
    throw new Error('Paste a runner token first.');
  }
  const api = new Api(token);
  try {
    await api.get('/api/v1/apps');
  } catch (e) {
    if (e.status === 401) {
      throw new Error(`Wrong token: the runner refused it (401 Unauthorized). Paste the whole token of this runner. (${e.message})`);
    }
    throw new Error(`The runner did not answer as expected: ${e.message}`);
  }
  identity = await api.whoami();
  sessionStorage.setItem(TOKEN_KEY, token);
  show();
}

async function show(message) {
  if (current) {
    current.stop();
    current = null;
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    who.replaceChildren();
    renderLogin(view, { message, onToken: signIn });
    return;
  }
  const api = new Api(token, () => signOut('The runner no longer accepts this token (401). Sign in again.'));
  if (!identity) {
    try {
      identity = await api.whoami();
    } catch (e) {
      if (e.status !== 401) {
        view.replaceChildren(h('p', { class: 'problem' }, `The runner cannot be reached: ${e.message}`));
      }
      return;
    }
  }
  who.replaceChildren(
    h('span', { id: 'role', 'data-role': identity.role }, identity.name ? `${identity.name} (${identity.role})` : identity.role),
    h('button', { type: 'button', id: 'sign-out', class: 'link', onclick: () => signOut() }, 'Sign out'));
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const ctx = { api, identity, root: view };
  if (parts[0] === 'apps' && parts[1] && parts[2] === 'releases' && parts[3]) {
    current = renderRelease(ctx, parts[1], parts[3]);
  } else if (parts[0] === 'apps' && parts[1]) {
    current = renderApps(ctx, parts[1]);
  } else {
    current = renderApps(ctx, null);
  }
}

window.addEventListener('hashchange', () => show());
show();
