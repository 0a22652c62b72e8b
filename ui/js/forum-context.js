// The forum the screens work on ("الملتقى الحالي"), chosen in the sidebar and remembered. A
// browser or desk that has not chosen opens the forum the core names (`forum_default`: the one
// running today, else the next, else the last) — never simply the newest. The full name and
// dates stay visible under the picker.
import { call } from './api.js';

const KEY = 'multaqa.forum';
let forums = [];
let fallback = null;

export function currentForumId() {
  const saved = Number(localStorage.getItem(KEY));
  if (forums.some((f) => f.id === saved)) return saved;
  if (forums.some((f) => f.id === fallback)) return fallback;
  return forums.length ? forums[0].id : null;
}

export function currentForum() {
  return forums.find((f) => f.id === currentForumId()) || null;
}

function paintName() {
  const f = currentForum();
  const box = document.getElementById('forum-name');
  if (!box) return;
  box.replaceChildren();
  if (!f) return;
  const name = document.createElement('strong');
  name.textContent = f.name_ar;
  const when = document.createElement('small');
  const first = f.days[0];
  const last = f.days[f.days.length - 1];
  when.textContent = first ? (first === last ? first.hijri : `من ${first.hijri} إلى ${last.hijri}`) : '';
  box.append(name, when);
}

/** Reloads the forum list into the sidebar picker. */
export async function refreshForums() {
  const [list, def] = await Promise.all([call('forum_list'), call('forum_default').catch(() => ({ forum_id: null }))]);
  forums = list;
  fallback = def.forum_id;
  const picker = document.getElementById('forum-picker');
  const current = currentForumId();
  picker.replaceChildren(...forums.map((f) => {
    const o = document.createElement('option');
    o.value = f.id;
    o.textContent = f.name_ar;
    o.title = f.name_ar;
    o.selected = f.id === current;
    return o;
  }));
  picker.disabled = forums.length === 0;
  picker.title = currentForum()?.name_ar || '';
  paintName();
  return forums;
}

export function onForumChange(handler) {
  document.getElementById('forum-picker').addEventListener('change', (e) => {
    localStorage.setItem(KEY, e.target.value);
    e.target.title = currentForum()?.name_ar || '';
    paintName();
    handler(Number(e.target.value));
  });
}
