// The login page: a person pastes a runner token into a password field. The token is kept in this tab's
// sessionStorage only and sent as an Authorization header; it never goes into a URL.
import { h } from './dom.js';

/**
 * Shows the login form; onToken(token) checks a token and throws an Error whose message the form shows when it is
 * refused.
 */
export function renderLogin(root, { message, onToken }) {
  // No name attribute and a form-action 'none' policy: even a submit that slipped past the handler sends nothing.
  const input = h('input', {
    type: 'password', id: 'token', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'login-help',
  });
  const error = h('p', { class: 'login-error', id: 'login-error', role: 'alert', hidden: !message }, message || '');
  const button = h('button', { type: 'submit', id: 'login-submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'login', id: 'login-form', method: 'post' },
    h('h1', {}, 'Sign in to this runner'),
    h('label', { for: 'token' }, 'Runner token'),
    input,
    h('p', { class: 'help', id: 'login-help' },
      'The admin token is in the runner\'s token file (', h('code', {}, 'serve --token-file'), '); tokens with less power ',
      'come from ', h('code', {}, 'slipway-runner token create'), '. The token stays in this browser tab and is sent ',
      'only to this runner.'),
    button,
    error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    error.hidden = true;
    try {
      await onToken(input.value.trim());
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  root.replaceChildren(form);
  input.focus();
}
