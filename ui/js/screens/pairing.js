// Pairing a desk on the venue network with the host: the volunteer types the code the host
// shows (الإعدادات ← منصات التسجيل) once; the token is kept in this browser.
import { call, TOKEN_KEY } from '../api.js';
import { h, errorBox } from '../dom.js';

export function renderPairing(view, prefilled = '') {
  const code = h('input.scan', { type: 'text', id: 'pairing-code', inputmode: 'numeric', autocomplete: 'off', maxlength: 12, placeholder: '0000 0000', dir: 'ltr', 'aria-label': 'رمز الاقتران' });
  const error = h('div', { id: 'pairing-error', role: 'alert' });
  const form = h('form.card.pairing', { id: 'pairing' },
    h('h1', {}, 'اقتران منصة التسجيل'),
    h('p', {}, 'هذا الجهاز غير مقترن بالجهاز الرئيس بعد (أو أُلغي اقترانه). اطلب من المشرف رمز الاقتران من شاشة «الإعدادات ← منصات التسجيل» على الجهاز الرئيس، ثم اكتبه هنا.'),
    code, error,
    h('div.actions', {}, h('button.btn.primary', { type: 'submit' }, 'اقتران')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.replaceChildren();
    try {
      localStorage.removeItem(TOKEN_KEY);
      const p = await call('desk_pair', { code: code.value });
      localStorage.setItem(TOKEN_KEY, p.token);
      localStorage.setItem('multaqa.desk', p.desk_name);
      // Each role opens its own screen; a booth device its entity's booth, in that forum.
      if (p.entity_id) localStorage.setItem('multaqa.forum', String(p.forum_id));
      const home = { checkin: 'desk', booth: 'booth', exhibition: 'families', committee: 'dashboard' }[p.role] || 'desk';
      location.replace(`${location.pathname}#/${home}`);
      location.reload();
    } catch (e) {
      error.replaceChildren(errorBox(e));
      code.select();
    }
  });
  view.append(form);
  code.focus();
  if (prefilled) {
    // Opened from the QR code the host shows: pair at once.
    code.value = prefilled;
    form.requestSubmit();
  }
}
