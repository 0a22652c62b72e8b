// Small DOM helpers shared by the screens.

/** h('div.card', {attrs}, ...children) — builds an element; strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function toast(message, kind = 'ok') {
  const box = document.getElementById('toasts');
  const t = h(`div.toast.${kind}`, {}, message);
  box.append(t);
  setTimeout(() => t.remove(), 5000);
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmDialog(title, text, okLabel = 'تأكيد') {
  const dlg = document.getElementById('confirm-dialog');
  dlg.querySelector('#confirm-title').textContent = title;
  dlg.querySelector('#confirm-text').textContent = text;
  dlg.querySelector('#confirm-ok').textContent = okLabel;
  dlg.returnValue = '';
  dlg.showModal();
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
  });
}

const ORDINALS = ['الأول', 'الثاني', 'الثالث', 'الرابع', 'الخامس', 'السادس', 'السابع', 'الثامن', 'التاسع', 'العاشر'];

/** «اليوم الأول», «اليوم الثاني», … «اليوم 11». */
export function dayName(n) {
  return n <= ORDINALS.length ? `اليوم ${ORDINALS[n - 1]}` : `اليوم ${n}`;
}

/** Shows an error message in a page region (never an alert). */
export function errorBox(err) {
  return h('div.notice.error', { role: 'alert' }, err.message || String(err));
}
