// The certificate design editor (تصميم الشهادة): title, text with placeholders, signatories,
// logo and background, with a live preview of one page drawn by the same engine that prints.
import { call, ApiError } from '../api.js';
import { h, toast, debounce, errorBox } from '../dom.js';


function readFile(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** The editor for one kind; `onSaved` runs after a successful save. */
export async function designPanel(forumId, kind, onClose) {
  const [t, placeholders] = await Promise.all([
    call('certificate_template', { forum_id: forumId, kind }), call('certificate_placeholders')]);
  const title = h('input', { type: 'text', id: 'tpl-title', value: t.title, maxlength: 80 });
  const body = h('textarea', { id: 'tpl-body', rows: 6 }, t.body);
  const minDays = h('input', { type: 'number', id: 'tpl-min-days', min: 1, max: 29, value: t.min_days });
  const showLogo = h('input', { type: 'checkbox', id: 'tpl-logo', checked: t.show_logo });
  const bgInput = h('input', { type: 'file', id: 'tpl-background', accept: 'image/png,image/jpeg,image/webp' });
  const bgRemove = h('button.btn.small', { type: 'button', id: 'tpl-background-remove', hidden: !t.background }, 'إزالة الخلفية');
  let background; // undefined: keep; '': remove; data URL: new
  const sigRows = [0, 1, 2].map((i) => {
    const s = t.signatories[i] || { name: '', title: '' };
    return h('div.member-row', {},
      h('input', { type: 'text', class: 'sig-name', value: s.name, placeholder: 'اسم الموقّع', 'aria-label': `اسم الموقّع ${i + 1}` }),
      h('input', { type: 'text', class: 'sig-title', value: s.title, placeholder: 'صفته', 'aria-label': `صفة الموقّع ${i + 1}` }));
  });
  const preview = h('div.cert-preview', { id: 'tpl-preview', 'aria-label': 'معاينة الشهادة' });
  const errors = h('div', { id: 'tpl-errors' });

  function current() {
    const tpl = {
      kind,
      title: title.value,
      body: body.value,
      min_days: Number(minDays.value) || 1,
      show_logo: showLogo.checked,
      signatories: sigRows.map((r) => ({ name: r.querySelector('.sig-name').value, title: r.querySelector('.sig-title').value }))
        .filter((s) => s.name.trim()),
    };
    if (background !== undefined) tpl.background = background;
    return tpl;
  }

  function showErrors(e) {
    const fields = e instanceof ApiError ? e.fields : [];
    errors.replaceChildren(fields.length
      ? h('ul.notice.error', { role: 'alert' }, fields.map((f) => h('li', {}, f.message)))
      : errorBox(e));
  }

  const refresh = debounce(async () => {
    try {
      const r = await call('certificate_preview', { forum_id: forumId, template: current() });
      // The SVG comes from our own engine: shapes and outlines, never markup from the user.
      preview.innerHTML = r.svg;
      errors.replaceChildren();
    } catch (e) {
      showErrors(e);
    }
  }, 350);

  bgInput.addEventListener('change', async () => {
    if (!bgInput.files[0]) return;
    background = await readFile(bgInput.files[0]);
    bgRemove.hidden = false;
    refresh();
  });
  bgRemove.addEventListener('click', () => {
    background = '';
    bgInput.value = '';
    bgRemove.hidden = true;
    refresh();
  });

  const save = h('button.btn.primary', { type: 'submit', id: 'tpl-save' }, 'حفظ التصميم');
  const form = h('form.card.cert-design', { id: 'tpl-form' },
    h('header.page-head', {}, h('h2', {}, 'تصميم الشهادة'),
      h('div.actions.tight', {}, save, h('button.btn', { type: 'button', onclick: onClose }, 'إغلاق'))),
    errors,
    h('div.design-grid', {},
      h('div', {},
        h('div.field', {}, h('label', { for: 'tpl-title' }, 'العنوان'), title),
        h('div.field', {}, h('label', { for: 'tpl-body' }, 'النص'), body,
          h('small.hint', {}, 'سطر فيه {الاسم} وحده يُطبع الاسم فيه كبيرًا. المتاح: ', placeholders.join(' '),
            '. وللتذكير والتأنيث اكتب {حضر/حضرت}.')),
        kind === 'attendance'
          ? h('div.field', {}, h('label', { for: 'tpl-min-days' }, 'أقل عدد من أيام الحضور للاستحقاق'), minDays) : null,
        h('fieldset', {}, h('legend', {}, 'الموقّعون (حتى ثلاثة)'), sigRows),
        h('div.field.inline', {}, h('label', {}, showLogo, ' طباعة شعار الملتقى')),
        h('div.field', {}, h('label', { for: 'tpl-background' }, 'صورة خلفية (اختياري، أفقية A4)'), bgInput, bgRemove)),
      preview));

  form.addEventListener('input', refresh);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      await call('certificate_template_save', { forum_id: forumId, template: current() });
      background = undefined;
      toast('حُفظ تصميم الشهادة');
      errors.replaceChildren();
    } catch (e) {
      showErrors(e);
    } finally {
      save.disabled = false;
    }
  });
  refresh();
  return form;
}
