// The shell: hash router and navigation. Each screen module exports `render(view, params)`.
import { call } from './api.js';
import * as forums from './screens/forums.js';
import * as settings from './screens/settings.js';
import { errorBox } from './dom.js';

const routes = [
  { re: /^#\/forums\/new$/, screen: forums, nav: 'forums', params: () => ({ mode: 'new' }) },
  { re: /^#\/forums\/(\d+)\/edit$/, screen: forums, nav: 'forums', params: (m) => ({ mode: 'edit', id: Number(m[1]) }) },
  { re: /^#\/forums$/, screen: forums, nav: 'forums', params: () => ({ mode: 'list' }) },
  { re: /^#\/settings$/, screen: settings, nav: 'settings', params: () => ({}) },
];

async function route() {
  const hash = location.hash || '#/forums';
  const found = routes.map((r) => [r, hash.match(r.re)]).find(([, m]) => m);
  if (!found) {
    location.hash = '#/forums';
    return;
  }
  const [r, m] = found;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.route === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = document.getElementById('view');
  view.replaceChildren();
  try {
    await r.screen.render(view, r.params(m));
  } catch (e) {
    view.replaceChildren(errorBox(e));
  }
}

window.addEventListener('hashchange', route);
route();
call('app_info')
  .then((info) => {
    document.getElementById('app-version').textContent = `الإصدار ${info.version}`;
  })
  .catch(() => {});
