// The shell: hash router, navigation and the current-forum picker. Each screen module exports
// `render(view, params)` and may return a cleanup function (timers, listeners).
import { call, ADMIN_KEY, ACCOUNT_KEY } from './api.js';
import * as booth from './screens/booth.js';
import * as certificates from './screens/certificates.js';
import * as dashboard from './screens/dashboard.js';
import * as desk from './screens/desk.js';
import * as entities from './screens/entities.js';
import * as families from './screens/families.js';
import * as floor from './screens/floor.js';
import * as forums from './screens/forums.js';
import * as people from './screens/people.js';
import * as settings from './screens/settings.js';
import * as tracks from './screens/tracks.js';
import { errorBox, toast } from './dom.js';
import { renderPairing } from './screens/pairing.js';
import { refreshForums, onForumChange } from './forum-context.js';
import { watchPairings } from './pairing-watch.js';

const routes = [
  { re: /^#\/dashboard$/, screen: dashboard, nav: 'dashboard', params: () => ({}) },
  { re: /^#\/people$/, screen: people, nav: 'people', params: () => ({}) },
  { re: /^#\/desk$/, screen: desk, nav: 'desk', params: () => ({}) },
  { re: /^#\/entities$/, screen: entities, nav: 'entities', params: () => ({}) },
  { re: /^#\/floor$/, screen: floor, nav: 'floor', params: () => ({}) },
  { re: /^#\/families$/, screen: families, nav: 'families', params: () => ({}) },
  { re: /^#\/tracks$/, screen: tracks, nav: 'tracks', params: () => ({}) },
  { re: /^#\/booth$/, screen: booth, nav: 'tracks', params: () => ({}) },
  { re: /^#\/certificates$/, screen: certificates, nav: 'certificates', params: () => ({}) },
  { re: /^#\/forums\/new$/, screen: forums, nav: 'forums', params: () => ({ mode: 'new' }) },
  { re: /^#\/forums\/(\d+)\/edit$/, screen: forums, nav: 'forums', params: (m) => ({ mode: 'edit', id: Number(m[1]) }) },
  { re: /^#\/forums$/, screen: forums, nav: 'forums', params: () => ({ mode: 'list' }) },
  { re: /^#\/settings$/, screen: settings, nav: 'settings', params: () => ({}) },
  { re: /^#\/pair\/(\d{8})$/, screen: { render: (v, p) => renderPairing(v, p.code) }, nav: '', params: (m) => ({ code: m[1] }), noForums: true },
];

let cleanup = null;
let current = 0;

// The admin lock: a command it holds asks for the password here (see api.js `call`).
window.multaqaUnlock = () => new Promise((resolve) => {
  const dlg = document.getElementById('unlock-dialog');
  const input = dlg.querySelector('#unlock-password');
  const error = dlg.querySelector('#unlock-error');
  input.value = '';
  error.textContent = '';
  const form = dlg.querySelector('#unlock-form');
  const submit = async (ev) => {
    if (ev.submitter?.value === 'cancel') return;
    ev.preventDefault();
    try {
      const r = await call('admin_unlock', { password: input.value });
      sessionStorage.setItem(ADMIN_KEY, r.admin_token);
      dlg.close('ok');
    } catch (e) {
      error.textContent = e.message;
      input.select();
    }
  };
  form.addEventListener('submit', submit);
  dlg.addEventListener('close', () => {
    form.removeEventListener('submit', submit);
    resolve(dlg.returnValue === 'ok' && Boolean(sessionStorage.getItem(ADMIN_KEY)));
  }, { once: true });
  dlg.returnValue = '';
  dlg.showModal();
  input.focus();
});

// Accounts: once the committee has accounts, the host and its devices ask who is working
// (see api.js `call`); every command that asks while the dialog is open waits for the same
// sign-in.
let signingIn = null;
window.multaqaSignIn = () => {
  if (signingIn) return signingIn;
  signingIn = new Promise((resolve) => {
    const dlg = document.getElementById('sign-in-dialog');
    const form = dlg.querySelector('#sign-in-form');
    const user = dlg.querySelector('#sign-in-username');
    const pass = dlg.querySelector('#sign-in-password');
    const error = dlg.querySelector('#sign-in-error');
    pass.value = '';
    error.textContent = '';
    const submit = async (ev) => {
      ev.preventDefault();
      try {
        const r = await call('account_sign_in', { username: user.value, password: pass.value });
        sessionStorage.setItem(ACCOUNT_KEY, r.account_token);
        form.removeEventListener('submit', submit);
        dlg.close('ok');
        showAccount(r.account);
        fitNavToRole();
        signingIn = null;
        resolve(true);
      } catch (e) {
        error.textContent = e.message;
        pass.select();
      }
    };
    form.addEventListener('submit', submit);
    // The sign-in cannot be dismissed: nothing here works without it.
    dlg.addEventListener('cancel', (ev) => ev.preventDefault());
    dlg.showModal();
    (user.value ? pass : user).focus();
  });
  return signingIn;
};

function showAccount(account) {
  const box = document.getElementById('account-box');
  box.hidden = !account;
  if (account) document.getElementById('account-name').textContent = `${account.display_name} — ${account.role_label}`;
}

document.getElementById('account-sign-out').addEventListener('click', async () => {
  try { await call('account_sign_out'); } catch { /* signed out here anyway */ }
  sessionStorage.removeItem(ACCOUNT_KEY);
  sessionStorage.removeItem(ADMIN_KEY);
  location.reload();
});

// Something went wrong inside the app (logged with its details): the window says so and stays.
window.multaqaPanic = (message) => {
  let bar = document.getElementById('panic-bar');
  if (!bar) {
    bar = document.createElement('div');
    bar.id = 'panic-bar';
    bar.className = 'notice error panic-bar';
    bar.setAttribute('role', 'alert');
    document.body.prepend(bar);
  }
  bar.textContent = message;
};

// The command each screen cannot work without: a device whose role may not run it does not
// see the screen in the navigation (the core refuses the commands anyway).
const NEEDS = {
  dashboard: 'checkin_stats', people: 'person_list', desk: 'checkin', entities: 'entity_create',
  floor: 'floor_plan', families: 'family_list', tracks: 'opportunity_create', certificates: 'certificate_eligible',
  forums: 'forum_create', settings: 'demo_status',
};
let allowed = null;
async function fitNavToRole() {
  try {
    const me = await call('desk_me');
    allowed = new Set(me.allowed);
    for (const a of document.querySelectorAll('#nav a')) {
      const need = NEEDS[a.dataset.route];
      a.hidden = Boolean(need) && !allowed.has(need);
    }
    // A booth device reaches its booth screen from the navigation.
    if (me.desk?.role === 'booth' && !document.querySelector('#nav a[data-route="booth"]')) {
      const link = document.createElement('a');
      link.href = '#/booth';
      link.dataset.route = 'tracks';
      link.textContent = 'شاشة الركن';
      document.getElementById('nav').prepend(link);
    }
  } catch { /* not paired yet: the pairing screen follows */ }
}

async function route() {
  const hash = location.hash || '#/dashboard';
  const found = routes.map((r) => [r, hash.match(r.re)]).find(([, m]) => m);
  if (!found) {
    location.hash = '#/dashboard';
    return;
  }
  const [r, m] = found;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.route === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  document.body.classList.remove('fullscreen');
  // Each navigation renders into its own container: a slower screen still loading from an
  // earlier navigation writes into a detached element and is cleaned up, never shown.
  const token = ++current;
  const view = document.createElement('div');
  view.className = 'screen';
  document.getElementById('view').replaceChildren(view);
  try {
    if (!r.noForums) await refreshForums();
    const done = await r.screen.render(view, r.params(m));
    if (token === current) cleanup = done;
    else if (typeof done === 'function') done();
  } catch (e) {
    if (token === current) view.replaceChildren(errorBox(e));
  }
}

onForumChange(() => route());
window.addEventListener('multaqa:pair-required', () => {
  if (document.getElementById('pairing') || location.hash.startsWith('#/pair/')) return;
  current++;
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  document.body.classList.add('fullscreen');
  const view = document.createElement('div');
  document.getElementById('view').replaceChildren(view);
  renderPairing(view);
});
window.addEventListener('hashchange', route);
fitNavToRole();
route();
call('account_me').then((me) => showAccount(me.account)).catch(() => {});
// A restore reloads the window; its result is told once after.
const restored = sessionStorage.getItem('multaqa.restored');
if (restored) {
  sessionStorage.removeItem('multaqa.restored');
  toast(restored);
}
watchPairings();
call('app_info')
  .then((info) => {
    document.getElementById('app-version').textContent = `الإصدار ${info.version}`;
  })
  .catch(() => {});
