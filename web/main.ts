/**
 * The review desk: sign in with a bearer token (kept in sessionStorage), then a hash router over
 * the inbox (#/), a plan (#/plans/ID), a comparison (#/compare/A/B), the solve form (#/solve, or
 * #/solve/DATASET) and the upload form (#/upload).
 */
import 'leaflet/dist/leaflet.css';
import './style.css';
import { api, ApiError, clearToken, getToken, planPaths, prefetch, setToken, type Me } from './api.js';
import { h, fill } from './dom.js';
import { getLang, roleName, setLang, t } from './i18n.js';
import { setRenderer, takePendingNotice, type Context } from './nav.js';
import { showInbox } from './views/inbox.js';
import { showPlan } from './views/plan.js';
import { showEdit } from './views/edit.js';
import { showCompare } from './views/compare.js';
import { showSolve, mayPlan } from './views/solve.js';
import { showUpload, mayUpload } from './views/upload.js';


const root = document.getElementById('app')!;
let me: Me | null = null;
/** Bumped on each render so that a slow earlier view does not draw over a newer one. */
let renderSeq = 0;

function showLogin(message?: string): void {
  document.title = t('appTitle');
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'token-help' });
  const form = h('form', { 'data-login': '', class: 'login', onsubmit: (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (token === '') return;
    setToken(token);
    void start();
  } },
  h('h1', {}, t('appTitle')),
  h('h2', {}, t('signInTitle')),
  h('label', { for: 'token' }, t('token')),
  input,
  h('p', { id: 'token-help', class: 'help' }, t('tokenHelp')),
  message ? h('p', { class: 'notice notice-error', role: 'alert' }, message) : null,
  h('div', { class: 'row' }, h('button', { type: 'submit' }, t('signIn')), langButton()));
  fill(root, h('main', { class: 'login-page' }, form));
  input.focus();
}

function langButton(): HTMLButtonElement {
  return h('button', { type: 'button', class: 'link', 'data-lang': '', 'aria-label': t('languageLabel'), onclick: () => {
    setLang(getLang() === 'zh' ? 'en' : 'zh');
    if (me) void render(); else showLogin();
  } }, t('language'));
}

function shell(who: Me): { main: HTMLElement; notice: HTMLElement } {
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite', 'data-notice': '' });
  const main = h('main', { id: 'main', tabindex: -1 });
  fill(root,
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, t('appTitle')),
      h('nav', { 'aria-label': 'main' },
        h('a', { href: '#/' }, t('navInbox')),
        mayPlan(who) ? h('a', { href: '#/solve', 'data-nav-solve': '' }, t('navSolve')) : null,
        mayUpload(who) ? h('a', { href: '#/upload', 'data-nav-upload': '' }, t('navUpload')) : null),
      h('div', { class: 'who', 'data-who': '' },
        h('span', { class: 'muted' }, `${t('signedInAs')}: `),
        h('strong', { 'data-role': who.role }, roleName(who.role, who.streetOffice)),
        who.label ? h('span', { class: 'muted' }, ` (${who.label})`) : null),
      langButton(),
      h('button', { type: 'button', 'data-logout': '', onclick: () => { clearToken(); me = null; location.hash = '#/'; showLogin(); } }, t('signOut'))),
    notice, main);
  return { main, notice };
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const { main, notice } = shell(me!);
  const ctx: Context = {
    me: me!, main,
    notify(text, kind = 'info') {
      if (seq !== renderSeq) return;
      fill(notice, h('p', { class: `notice notice-${kind}`, 'data-notice-kind': kind }, text));
    },
  };
  const pending = takePendingNotice();
  if (pending) ctx.notify(pending.text, pending.kind);
  const path = location.hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  try {
    if (parts.length === 0) await showInbox(ctx);
    else if (parts[0] === 'plans' && parts[1] && parts[2] === 'edit') await showEdit(ctx, parts[1]);
    else if (parts[0] === 'plans' && parts[1]) await showPlan(ctx, parts[1]);
    else if (parts[0] === 'compare' && parts[1] && parts[2]) await showCompare(ctx, parts[1], parts[2]);
    else if (parts[0] === 'solve') await showSolve(ctx, parts[1]);
    else if (parts[0] === 'upload' && mayUpload(me!)) showUpload(ctx);
    else fill(main, h('p', {}, t('notFound')));
  } catch (e) {
    if (e instanceof ApiError && e.code === 'signed-out') return; // signed out while this view loaded: the form is shown
    if (e instanceof ApiError && e.status === 401) { clearToken(); me = null; showLogin(t('badToken')); return; }
    console.error(e);
    ctx.notify(t('error', e instanceof Error ? e.message : String(e)), 'error');
  }
}

setRenderer(() => { void render(); });

async function start(): Promise<void> {
  if (!getToken()) { showLogin(); return; }
  // Opening a plan: its data are asked for while the token is checked (one round trip less).
  const plan = /^#\/plans\/([^/]+)$/.exec(location.hash);
  if (plan) prefetch(planPaths(decodeURIComponent(plan[1]!)));
  try {
    me = await api.me();
    performance.mark('desk:signed-in');
  } catch (e) {
    clearToken();
    showLogin(e instanceof ApiError && e.status === 401 ? t('badToken') : t('error', (e as Error).message));
    return;
  }
  await render();
}

setLang(getLang());
window.addEventListener('hashchange', () => { if (me) void render(); });
void start();
