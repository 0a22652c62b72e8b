// The forum the screens work on ("الملتقى الحالي"), chosen in the sidebar and remembered.
import { call } from './api.js';

const KEY = 'multaqa.forum';
let forums = [];

export function currentForumId() {
  const saved = Number(localStorage.getItem(KEY));
  if (forums.some((f) => f.id === saved)) return saved;
  return forums.length ? forums[0].id : null;
}

export function currentForum() {
  return forums.find((f) => f.id === currentForumId()) || null;
}

/** Reloads the forum list into the sidebar picker. */
export async function refreshForums() {
  forums = await call('forum_list');
  const picker = document.getElementById('forum-picker');
  const current = currentForumId();
  picker.replaceChildren(...forums.map((f) => {
    const o = document.createElement('option');
    o.value = f.id;
    o.textContent = f.name_ar;
    o.selected = f.id === current;
    return o;
  }));
  picker.disabled = forums.length === 0;
  return forums;
}

export function onForumChange(handler) {
  document.getElementById('forum-picker').addEventListener('change', (e) => {
    localStorage.setItem(KEY, e.target.value);
    handler(Number(e.target.value));
  });
}
