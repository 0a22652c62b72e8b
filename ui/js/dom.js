// Small DOM helpers shared by the screens.
import { call, transport } from './api.js';

/** h('div.card', {attrs}, ...children) — builds an element; strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.classList.add(...String(v).split(/\s+/).filter(Boolean)); // adds to the tag's classes
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  // The app's own Arabic messages, never the browser's bubbles (in the browser's language).
  if (el instanceof HTMLFormElement) el.noValidate = true;
  return el;
}

export function toast(message, kind = 'ok', action) {
  const box = document.getElementById('toasts');
  const t = h(`div.toast.${kind}`, {}, message);
  if (action) {
    t.append(' ', h('button.toast-action', {
      type: 'button',
      onclick: async () => {
        t.remove();
        try { await action.run(); } catch (e) { toast(e.message, 'error'); }
      },
    }, action.label));
  }
  box.append(t);
  setTimeout(() => t.remove(), action ? 10000 : 5000);
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

/** The empty state of screens that need a forum when there is none yet. */
export function noForum() {
  return h('section.empty', {},
    h('h2', {}, 'لا يوجد ملتقى بعد'),
    h('p', {}, 'أنشئ الملتقى أولًا، ثم سجّل الزوار وابدأ تسجيل الحضور.'),
    h('a.btn.primary', { href: '#/forums/new' }, 'إنشاء ملتقى'));
}

/** A category chip: colour plus its Arabic label (never colour alone). */
export function categoryChip(person) {
  return h('span.chip', { style: `--chip:${person.category_color || person.color}` }, person.category_label || person.label);
}

const ARABIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/** A scanned or typed badge code as the host compares it: Latin digits, no spaces, upper case. */
export function normalizeCode(s) {
  return s.replace(ARABIC_DIGITS, (d) => String((d.charCodeAt(0) & 0xf) % 10))
    .replace(/[\s\-_]/g, '').toUpperCase();
}

/** Does it have the shape of a badge code (seven symbols)? */
export const looksLikeCode = (s) => /^[A-Z0-9]{7}$/.test(s);

/** Runs `fn` at most once per `ms` of quiet. */
export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** Lets a long job run and reports its progress; resolves with its result. */
export async function followJob(jobId, onProgress) {
  for (;;) {
    const s = await call('job_status', { job_id: jobId });
    if (s.total) onProgress(s.done, s.total);
    if (s.finished) {
      if (s.error) throw Object.assign(new Error(s.error.message), s.error);
      return s.result;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Saves a generated file: into Downloads from the app window, as a download in a browser. */
export async function saveFile(fileName, base64, mime) {
  if (transport === 'tauri') {
    const saved = await call('save_download', { file_name: fileName, data_base64: base64 });
    // The path reads left to right whatever the names in it (a bare path in RTL is scrambled).
    toast(['حُفظ الملف في: ', h('bdi', { dir: 'ltr' }, saved.path)], 'ok',
      { label: 'فتح', run: () => call('open_download', { path: saved.path }) });
    return;
  }
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = h('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A form field: label, control, optional hint and the place for its error (`data-field`). */
export function field(name, label, control, hint) {
  if (!control.id) control.id = `f-${name}`;
  return h('div.field', { dataset: { field: name } },
    h('label', { for: control.id }, label), control,
    hint ? h('small.hint', {}, hint) : null,
    h('p.field-error', { dataset: { errorFor: name }, role: 'alert' }));
}

/** Clears the form's field errors (or one field's) and its general error box. */
export function clearErrors(form, only) {
  for (const el of form.querySelectorAll('[data-error-for]')) {
    if (only && el.dataset.errorFor !== only) continue;
    el.textContent = '';
    el.closest('[data-field]')?.classList.remove('invalid');
  }
  if (!only) form.querySelector('.form-error')?.replaceChildren();
}

/** Shows an API error on the form: each field's message under it, anything else on top. */
export function showErrors(form, e) {
  const fields = e.fields || [];
  let first = null;
  let shown = 0;
  for (const fe of fields) {
    const box = form.querySelector(`[data-error-for="${fe.field}"]`);
    if (!box) continue;
    box.textContent = fe.message;
    shown++;
    const wrap = box.closest('[data-field]');
    wrap?.classList.add('invalid');
    first ??= wrap?.querySelector('input, select, textarea');
  }
  if (!shown) form.querySelector('.form-error')?.replaceChildren(errorBox(e));
  first?.focus();
}

/** Who is acting, for records (the desk's name on a desk, else the host). */
export function actor() {
  return localStorage.getItem('multaqa.desk') || 'الجهاز الرئيس';
}

/** A chosen file as a data URL (images and spreadsheets are sent to the core this way). */
export function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(new Error('تعذر قراءة الملف'));
    r.readAsDataURL(file);
  });
}

/** Riyals from halalas (money is kept in halalas), for people: «1,250.5». */
export function sar(halalas) {
  return (halalas / 100).toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}

const VENUE = { timeZone: 'Asia/Riyadh' };

/** A stored moment's date on the venue's calendar (Saudi Arabia, UTC+3), whatever this
 *  machine's zone: «11 نوفمبر 2019». */
export function venueDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString('ar-SA-u-nu-latn-ca-gregory', { ...VENUE, year: 'numeric', month: 'long', day: 'numeric' });
}

/** A stored moment as the venue's clock shows it: `venueTime(iso)` → «12:05 م»; with
 *  `{ date: true }` → «11 نوفمبر 2019، 12:05 م». */
export function venueTime(iso, { date = false } = {}) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString('ar-SA-u-nu-latn-ca-gregory', { ...VENUE, hour: '2-digit', minute: '2-digit' });
  return date ? `${venueDate(iso)}، ${time}` : time;
}

/** How counted nouns are written (the same rule as `text::counted` in the core, for the PDFs):
 *  the phrase for one and for two, the plural after 3–10, the singular accusative after 11–99,
 *  the singular genitive after 0 and a round hundred or thousand (100, 101, 102, 1000). */
export const NOUNS = {
  result: ['نتيجة واحدة', 'نتيجتان', 'نتائج', 'نتيجة'],
  person: ['شخص واحد', 'شخصان', 'أشخاص', 'شخصًا'],
  eligible: ['مستحق واحد', 'مستحقان', 'مستحقين', 'مستحقًّا'],
  certificate: ['شهادة واحدة', 'شهادتان', 'شهادات', 'شهادة'],
  freeBooth: ['ركن فارغ', 'ركنان فارغان', 'أركان فارغة', 'ركنًا فارغًا'],
  booth: ['ركن واحد', 'ركنان', 'أركان', 'ركنًا'],
  referral: ['إحالة واحدة', 'إحالتان', 'إحالات', 'إحالة'],
  followUp: ['متابعة واحدة', 'متابعتان', 'متابعات', 'متابعة'],
  file: ['ملف واحد', 'ملفان', 'ملفات', 'ملفًا'],
  row: ['صف واحد', 'صفان', 'صفوف', 'صفًا'],
  day: ['يوم واحد', 'يومان', 'أيام', 'يومًا'],
  hour: ['ساعة واحدة', 'ساعتان', 'ساعات', 'ساعة'],
  family: ['أسرة واحدة', 'أسرتان', 'أسر', 'أسرة'],
  badge: ['بطاقة واحدة', 'بطاقتان', 'بطاقات', 'بطاقة'],
  page: ['صفحة واحدة', 'صفحتين', 'صفحات', 'صفحة'],
  opportunity: ['فرصة واحدة', 'فرصتين', 'فرص', 'فرصة'],
  // As an object or an adverb («موقوف ثانيتين»), like the core's SECONDS.
  second: ['ثانية واحدة', 'ثانيتين', 'ثوانٍ', 'ثانية'],
};

/** `n` with its noun in agreement: `counted(6, NOUNS.result)` → «6 نتائج», 2 → «نتيجتان». */
export function counted(n, [one, two, few, many]) {
  if (n === 1) return one;
  if (n === 2) return two;
  const tail = n % 100;
  if (tail >= 3 && tail <= 10) return `${n} ${few}`;
  if (tail >= 11) return `${n} ${many}`;
  // «شخصًا» → «شخص»: each word loses its tanween (and the alif carrying it).
  const genitive = many.split(' ').map((w) => (w.endsWith('\u0627') && w.includes('\u064B') ? w.slice(0, -1) : w).replaceAll('\u064B', '')).join(' ');
  return `${n} ${genitive}`;
}

const HIJRI_MONTHS = ['محرم', 'صفر', 'ربيع الأول', 'ربيع الآخر', 'جمادى الأولى', 'جمادى الآخرة', 'رجب', 'شعبان', 'رمضان', 'شوال', 'ذو القعدة', 'ذو الحجة'];

/** Entering a date in the Hijri calendar for a Gregorian date `input` (type=date): day, month
 *  and year, converted by the core's Umm al-Qura calendar; the input gets the date and a
 *  `change` event, and the line under it says which day it is. */
export function hijriEntry(input, label = 'أو بالتاريخ الهجري') {
  const id = input.id || 'date';
  const day = h('input', { type: 'number', min: 1, max: 30, id: `${id}-hd`, 'aria-label': 'اليوم الهجري', placeholder: 'اليوم', class: 'hijri-day' });
  const month = h('select', { id: `${id}-hm`, 'aria-label': 'الشهر الهجري', class: 'hijri-month' },
    h('option', { value: '' }, 'الشهر'), HIJRI_MONTHS.map((m, i) => h('option', { value: i + 1 }, m)));
  const year = h('input', { type: 'number', min: 1300, max: 1600, id: `${id}-hy`, 'aria-label': 'السنة الهجرية', placeholder: '1447', class: 'hijri-year' });
  const said = h('small.hint', { id: `${id}-hijri-said`, role: 'status' });
  const convert = async () => {
    if (!day.value || !month.value || !year.value) return;
    try {
      const d = await call('hijri_date', { year: Number(year.value), month: Number(month.value), day: Number(day.value) });
      input.value = d.date;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      said.textContent = d.full;
      said.classList.remove('error');
    } catch (e) {
      said.textContent = e.fields?.[0]?.message || e.message;
      said.classList.add('error');
    }
  };
  for (const el of [day, month, year]) el.addEventListener('change', convert);
  return h('div.hijri-entry', {}, h('span.hint', {}, `${label}: `), day, month, year, said);
}

/** A form field (from [`field`]) whose date may also be typed in the Hijri calendar. */
export function withHijri(fieldEl) {
  const input = fieldEl.querySelector('input[type=date]');
  if (input) fieldEl.insertBefore(hijriEntry(input), fieldEl.querySelector('.field-error'));
  return fieldEl;
}
