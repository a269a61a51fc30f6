// The console shell: session, navigation, hash router, and the small helpers every page gets.
// A page is an ES module exporting { id, title, roles, nav?, render(root, ctx) } listed in pages/index.js.
import pages from './pages/index.js';

const API = '/api/v1';
let me = null;          // { username, role, csrfToken, mustChangePassword }
let cleanups = [];      // run when leaving a page (timers, charts)
let renderSeq = 0;

/** An error answer of the hub: { status, code, message }. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls /api/v1 with the session cookie and, on state-changing methods, the CSRF header. */
export async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && me && me.csrfToken) headers['X-CSRF-Token'] = me.csrfToken;
  const r = await fetch(API + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
  if (!r.ok) {
    if (r.status === 401 && path !== '/session') { me = null; showLogin('Your session has ended. Log in again.'); }
    throw new ApiError(r.status, data && data.error || 'error', data && data.message || r.statusText);
  }
  return data;
}

/** el('div', { class: 'x', onclick: fn, dataset: { testid: 'y' } }, 'text', childNode, [more]) */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'testid') e.dataset.testid = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

/** What the signed-in role may do; mirrors the hub's AccessPolicy (the hub decides, this only hides). */
export function can(method, path) {
  if (!me) return false;
  if (me.role === 'admin') return true;
  if (me.role === 'operator') return !(path === '/users' || path.startsWith('/users/'));
  return method === 'GET' || method === 'HEAD';
}

function pageCtx(params) {
  return {
    api, el, can, params,
    me: { ...me },
    /** new Chart(canvas, config), destroyed when the page is left. */
    chart(canvas, config) {
      const c = new window.Chart(canvas, config);
      cleanups.push(() => c.destroy());
      return c;
    },
    /** Runs fn every ms while the page is shown (live refresh); fn may return a promise. */
    every(ms, fn) {
      const id = setInterval(() => {
        const r = fn();
        if (r && r.catch) r.catch(e => { if (!(e instanceof ApiError && e.status === 401)) showError(e); });
      }, ms);
      cleanups.push(() => clearInterval(id));
    },
    onLeave(fn) { cleanups.push(fn); },
    navigate(hash) { location.hash = hash; },
    /** A message box: kind 'error' | 'ok' | 'info'. */
    notice(kind, text, testid) {
      return el('p', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status', testid: testid || 'notice-' + kind }, text);
    },
    fmtTime,
  };
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function showError(e) {
  const main = document.getElementById('main');
  main.prepend(el('p', { class: 'notice error', role: 'alert', testid: 'page-error' }, e.message || String(e)));
}

function leave() {
  for (const f of cleanups.splice(0)) { try { f(); } catch (e) { /* already gone */ } }
}

function visiblePages() {
  return pages.filter(p => me && p.roles.includes(me.role));
}

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...visiblePages().filter(p => p.nav !== false).map(p =>
    el('a', { href: '#/' + p.id, class: p.id === current ? 'active' : null, testid: 'nav-' + p.id }, p.title)));
  const who = document.getElementById('who');
  who.replaceChildren(
    el('span', { testid: 'who-name' }, me.username), ' ',
    el('span', { class: 'role', testid: 'who-role' }, me.role), ' ',
    el('button', { class: 'link', testid: 'logout', onclick: logout }, 'Log out'));
}

async function route() {
  if (!me) return;
  leave();
  const seq = ++renderSeq;
  const [id, ...params] = (location.hash.replace(/^#\/?/, '') || '').split('/').map(decodeURIComponent);
  const list = visiblePages();
  const page = list.find(p => p.id === id) || list[0];
  if (!page) { document.getElementById('main').replaceChildren(el('p', {}, 'No pages for your role.')); return; }
  renderNav(page.id);
  document.body.dataset.loaded = '';
  document.title = page.title + ' · Fedge ops console';
  const root = el('section', { class: 'page', 'data-page': page.id, testid: 'page-' + page.id });
  document.getElementById('main').replaceChildren(root);
  try {
    await page.render(root, pageCtx(params));
  } catch (e) {
    if (seq === renderSeq) showError(e);
  }
  if (seq === renderSeq) document.body.dataset.loaded = page.id;
}

function form(testid, fields, submitText, onsubmit) {
  const msg = el('div', { class: 'form-msg' });
  const f = el('form', { class: 'card narrow', testid },
    fields.map(([name, label, type, auto]) => el('label', {}, label,
      el('input', { name, type, autocomplete: auto, required: true, testid: testid + '-' + name }))),
    el('button', { type: 'submit', testid: testid + '-submit' }, submitText), msg);
  f.addEventListener('submit', async ev => {
    ev.preventDefault();
    msg.replaceChildren();
    const data = Object.fromEntries(new FormData(f).entries());
    try { await onsubmit(data); } catch (e) {
      msg.replaceChildren(el('p', { class: 'notice error', role: 'alert', testid: testid + '-error' }, e.message));
    }
  });
  return f;
}

function showLogin(message) {
  leave();
  document.body.dataset.loaded = '';
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').replaceChildren();
  const main = document.getElementById('main');
  main.replaceChildren(
    el('h1', {}, 'Log in'),
    message ? el('p', { class: 'notice info' }, message) : null,
    form('login', [['username', 'User name', 'text', 'username'], ['password', 'Password', 'password', 'current-password']],
      'Log in', async d => {
        me = await api('POST', '/session', { username: d.username, password: d.password });
        start();
      }));
  document.body.dataset.loaded = 'login';
}

function showPasswordChange() {
  leave();
  renderNav('');
  document.getElementById('nav').replaceChildren();
  document.body.dataset.loaded = '';
  const main = document.getElementById('main');
  main.replaceChildren(
    el('h1', {}, 'Choose your password'),
    el('p', { class: 'notice info' }, 'You signed in with a one-time password. Choose your own before you go on.'),
    form('password-change', [['currentPassword', 'Current (one-time) password', 'password', 'current-password'],
      ['newPassword', 'New password (at least 12 characters)', 'password', 'new-password']],
      'Set password', async d => {
        me = await api('POST', '/session/password', d);
        start();
      }));
  document.body.dataset.loaded = 'password-change';
}

async function logout() {
  try { await api('DELETE', '/session'); } catch (e) { /* already ended */ }
  me = null;
  location.hash = '';
  showLogin('You are logged out.');
}

async function start() {
  if (!me) {
    try { me = await api('GET', '/session'); } catch (e) { showLogin(); return; }
  }
  if (me.mustChangePassword) { showPasswordChange(); return; }
  route();
}

window.addEventListener('hashchange', route);
start();
