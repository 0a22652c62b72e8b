// Forum setup (إعداد الملتقى): the list of editions and the create/edit form.
import { call, ApiError } from '../api.js';
import { h, toast, confirmDialog, dayName, errorBox, withHijri, saveFile, counted, NOUNS } from '../dom.js';

export async function render(view, params) {
  if (params.mode === 'list') return renderList(view);
  return renderForm(view, params.mode === 'edit' ? params.id : null);
}

// ---------------------------------------------------------------- list

async function renderList(view) {
  const forums = await call('forum_list');
  const header = h('header.page-head', {},
    h('h1', {}, 'الملتقيات'),
    h('a.btn.primary', { href: '#/forums/new', id: 'new-forum' }, '+ ملتقى جديد'));
  if (forums.length === 0) {
    view.append(header, h('section.empty', {},
      h('h2', {}, 'لا يوجد ملتقى بعد'),
      h('p', {}, 'ابدأ بإنشاء الملتقى: اسمه، ومقره، وأيامه، ولجانه. يمكنك أيضًا تحميل البيانات التجريبية من الإعدادات.'),
      h('a.btn.primary', { href: '#/forums/new' }, 'إنشاء ملتقى')));
    return;
  }
  const list = h('div.forum-list', { id: 'forum-list' });
  for (const f of forums) list.append(forumCard(f));
  view.append(header, list);
  // Retention: once a forum's follow-up window has passed, its personal data can be erased.
  for (const f of forums) {
    call('retention_status', { forum_id: f.id }).then((st) => {
      const actions = list.querySelector(`[data-forum-id="${f.id}"] .actions`);
      if (!actions) return;
      if (st.erased_at) {
        actions.append(h('span.hint', {}, 'مُحيت البيانات الشخصية'));
      } else if (st.erasable_now) {
        actions.append(h('button.btn.danger-outline', { type: 'button', dataset: { erase: f.id }, onclick: () => erasePersonal(f) }, 'محو البيانات الشخصية'));
      } else {
        actions.append(h('span.hint', {}, `يمكن محو البيانات الشخصية ابتداءً من ${st.erasable_from}`));
      }
    }).catch(() => {});
  }
  // Logos load after the list is on screen.
  for (const f of forums.filter((x) => x.has_logo)) {
    call('forum_logo', { id: f.id }).then((logo) => {
      const img = list.querySelector(`[data-forum-id="${f.id}"] img.logo`);
      if (logo && img) img.src = logo.data_url;
    }).catch(() => {});
  }
}

function forumCard(f) {
  const title = counted(f.day_count, NOUNS.day);
  return h('article.card.forum-card', { dataset: { forumId: f.id } },
    h('div.card-head', {},
      f.has_logo ? h('img.logo', { alt: 'شعار الملتقى' }) : h('div.logo.placeholder', { 'aria-hidden': 'true' }, 'م'),
      h('div.titles', {},
        h('h2.forum-name', {}, f.name_ar),
        f.name_en ? h('p.name-en', { dir: 'ltr', lang: 'en' }, f.name_en) : null,
        h('p.meta', {}, [f.region, f.venue].filter(Boolean).join(' — '))),
      f.is_demo ? h('span.badge.demo', { title: 'يمكن حذفها من الإعدادات' }, 'بيانات تجريبية') : null),
    h('div.days', {},
      h('h3', {}, `أيام الملتقى (${title})`),
      h('ol.day-list', {}, f.days.map((d) =>
        h('li', {}, h('span.day-no', {}, dayName(d.number)), h('span.day-date', {}, d.full))))),
    f.patron ? h('p.patron', {}, h('span.label', {}, 'برعاية: '), f.patron) : null,
    committeeSummary('اللجنة المنظمة', f.organizing_committee),
    committeeSummary('اللجنة التنفيذية', f.executive_committee),
    h('div.actions', {},
      h('a.btn', { href: `#/forums/${f.id}/edit` }, 'تعديل'),
      h('button.btn.danger-outline', { type: 'button', onclick: () => removeForum(f) }, 'حذف')));
}

function committeeSummary(title, members) {
  if (!members.length) return null;
  return h('details.committee', {},
    h('summary', {}, `${title} (${members.length})`),
    h('ul', {}, members.map((m) => h('li', {}, h('strong', {}, m.name), m.role ? ` — ${m.role}` : ''))));
}

async function erasePersonal(f) {
  const ok = await confirmDialog('محو البيانات الشخصية',
    `ستُمحى أسماء زوار «${f.name_ar}» وأرقام هوياتهم وجوالاتهم وأرقام ملفاتهم من البرنامج نهائيًا، وتبقى الأعداد والتقارير كما هي. صدّر كشف الزوار أولًا إن احتجته.`,
    'متابعة');
  if (!ok) return;
  try {
    const x = await call('people_export_xlsx', { forum_id: f.id });
    await saveFile(x.file_name, x.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  } catch { /* the export is offered, not required */ }
  // The forum's name typed again, in the card: erasing cannot be undone.
  const actions = document.querySelector(`[data-forum-id="${f.id}"] .actions`);
  const typed = h('input', { type: 'text', id: `erase-confirm-${f.id}`, placeholder: f.name_ar, 'aria-label': 'اكتب اسم الملتقى للتأكيد' });
  const form = h('form.inline-form', {}, typed, h('button.btn.danger', { type: 'submit' }, 'محو نهائي'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await call('retention_erase', { forum_id: f.id, confirm: typed.value });
      toast(`مُحيت البيانات الشخصية لـ${counted(r.people, NOUNS.person)} و${counted(r.families, NOUNS.family)}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) {
      toast(e.message, 'error');
    }
  });
  actions?.append(form);
  typed.focus();
}

async function removeForum(f) {
  const ok = await confirmDialog('حذف الملتقى', `سيُحذف «${f.name_ar}» وكل ما يتبعه نهائيًا. هل تريد المتابعة؟`, 'حذف نهائي');
  if (!ok) return;
  try {
    await call('forum_delete', { id: f.id });
    toast('حُذف الملتقى');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } catch (e) {
    toast(e.message, 'error');
  }
}

// ---------------------------------------------------------------- form

function field(name, label, input, hint) {
  input.id = `f-${name}`;
  input.name = name;
  input.setAttribute('aria-describedby', `err-${name}`);
  return h('div.field', { dataset: { field: name } },
    h('label', { for: input.id }, label),
    input,
    hint ? h('small.hint', {}, hint) : null,
    h('p.field-error', { id: `err-${name}`, role: 'alert' }));
}

function memberRow(m = { name: '', role: '' }) {
  const row = h('div.member-row', {},
    h('input', { type: 'text', class: 'm-name', value: m.name, placeholder: 'الاسم', 'aria-label': 'اسم العضو' }),
    h('input', { type: 'text', class: 'm-role', value: m.role, placeholder: 'الصفة', 'aria-label': 'صفة العضو' }),
    h('button.btn.icon', { type: 'button', 'aria-label': 'حذف العضو', onclick: () => row.remove() }, '×'));
  return row;
}

function committeeEditor(name, title, members) {
  const rows = h('div.member-rows', {}, members.map(memberRow));
  return h('fieldset.committee-editor', { id: `f-${name}`, dataset: { field: name } },
    h('legend', {}, title),
    rows,
    h('button.btn.small', { type: 'button', onclick: () => rows.append(memberRow()) }, '+ إضافة عضو'),
    h('p.field-error', { id: `err-${name}`, role: 'alert' }));
}

function readMembers(form, name) {
  return [...form.querySelectorAll(`#f-${name} .member-row`)].map((r) => ({
    name: r.querySelector('.m-name').value,
    role: r.querySelector('.m-role').value,
  }));
}

async function renderForm(view, id) {
  const f = id ? await call('forum_get', { id }) : null;
  let logoValue = null; // null keeps, '' removes, data URL replaces
  const input = (type, value, attrs = {}) => h('input', { type, value: value ?? '', ...attrs });

  const logoPreview = h('img.logo-preview', { alt: 'معاينة الشعار', hidden: true });
  const logoFile = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp' });
  const logoRemove = h('button.btn.small', { type: 'button', hidden: !f?.has_logo }, 'إزالة الشعار');
  logoFile.addEventListener('change', () => {
    const file = logoFile.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      logoValue = reader.result;
      logoPreview.src = reader.result;
      logoPreview.hidden = false;
      logoRemove.hidden = false;
    };
    reader.readAsDataURL(file);
  });
  logoRemove.addEventListener('click', () => {
    logoValue = '';
    logoFile.value = '';
    logoPreview.hidden = true;
    logoRemove.hidden = true;
  });
  if (f?.has_logo) {
    call('forum_logo', { id }).then((l) => { if (l && logoValue === null) { logoPreview.src = l.data_url; logoPreview.hidden = false; } });
  }

  const daysPreview = h('ol.day-list.preview', { id: 'days-preview', 'aria-live': 'polite' });
  const form = h('form.card.forum-form', { id: 'forum-form', novalidate: true },
    h('div.grid', {},
      field('name_ar', 'اسم الملتقى بالعربية *', input('text', f?.name_ar, { required: true, maxlength: 200, placeholder: 'ملتقى التمكين الاجتماعي بمنطقة …' })),
      field('name_en', 'الاسم بالإنجليزية', input('text', f?.name_en, { dir: 'ltr', lang: 'en', maxlength: 200 })),
      field('region', 'المنطقة', input('text', f?.region, { placeholder: 'منطقة جازان' })),
      field('venue', 'المقر', input('text', f?.venue)),
      field('patron', 'راعي الملتقى', input('text', f?.patron))),
    h('fieldset.dates', {},
      h('legend', {}, 'أيام الملتقى'),
      h('div.grid.three', {},
        withHijri(field('start_date', 'اليوم الأول *', input('date', f?.start_date, { required: true, dir: 'ltr' }))),
        field('day_count', 'عدد الأيام *', input('number', f?.day_count ?? 2, { min: 1, max: 29, inputmode: 'numeric' }), 'من 1 إلى 29'),
        withHijri(field('end_date', 'اليوم الأخير', input('date', f?.end_date, { dir: 'ltr' })))),
      daysPreview),
    committeeEditor('organizing_committee', 'اللجنة المنظمة', f?.organizing_committee?.length ? f.organizing_committee : [{ name: '', role: '' }]),
    committeeEditor('executive_committee', 'اللجنة التنفيذية', f?.executive_committee?.length ? f.executive_committee : [{ name: '', role: '' }]),
    h('div.field.logo-field', { dataset: { field: 'logo' } },
      h('label', { for: 'f-logo' }, 'شعار الملتقى'),
      h('div.logo-row', {}, logoPreview, Object.assign(logoFile, { id: 'f-logo' }), logoRemove),
      h('small.hint', {}, 'صورة PNG أو JPEG أو WebP، بحد أقصى 2 ميغابايت'),
      h('p.field-error', { id: 'err-logo', role: 'alert' })),
    h('div.form-error', { id: 'form-error', role: 'alert' }),
    h('div.actions.sticky', {},
      h('button.btn.primary', { type: 'submit', id: 'save-forum' }, id ? 'حفظ التعديلات' : 'إنشاء الملتقى'),
      h('a.btn', { href: '#/forums' }, 'إلغاء')));

  view.append(h('header.page-head', {}, h('h1', {}, id ? `تعديل: ${f.name_ar}` : 'ملتقى جديد')), form);

  // Dates: first day + number of days, or first + last day; the list of days follows live.
  const startEl = form.querySelector('#f-start_date');
  const countEl = form.querySelector('#f-day_count');
  const endEl = form.querySelector('#f-end_date');
  let lastEdited = 'count';
  let asked = 0;
  const refreshDays = async () => {
    const mine = ++asked;
    const args = { start_date: startEl.value };
    if (lastEdited === 'end' && endEl.value) args.end_date = endEl.value;
    else args.day_count = countEl.value;
    clearErrors(form, ['start_date', 'day_count', 'end_date']);
    if (!startEl.value) {
      daysPreview.replaceChildren(h('li.muted', {}, 'اختر تاريخ اليوم الأول لتظهر الأيام بالتاريخين الهجري والميلادي'));
      return;
    }
    try {
      const days = await call('forum_days', args);
      if (mine !== asked) return; // a newer edit is on its way
      daysPreview.replaceChildren(...days.map((d) => h('li', {}, h('span.day-no', {}, dayName(d.number)), h('span.day-date', {}, d.full))));
      if (lastEdited === 'end') countEl.value = days.length;
      else endEl.value = days[days.length - 1].date;
    } catch (e) {
      if (mine !== asked) return;
      daysPreview.replaceChildren();
      clearErrors(form, ['start_date', 'day_count', 'end_date']);
      showErrors(form, e);
    }
  };
  startEl.addEventListener('change', () => { lastEdited = lastEdited === 'end' ? 'end' : 'count'; refreshDays(); });
  countEl.addEventListener('input', () => { lastEdited = 'count'; refreshDays(); });
  endEl.addEventListener('change', () => { lastEdited = 'end'; refreshDays(); });
  refreshDays();

  // An error disappears as soon as the user edits its field.
  form.addEventListener('input', (ev) => {
    const owner = ev.target.closest('[data-field]');
    if (owner) clearErrors(form, [owner.dataset.field]);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const data = Object.fromEntries(['name_ar', 'name_en', 'region', 'venue', 'patron', 'start_date', 'day_count']
      .map((k) => [k, form.querySelector(`#f-${k}`).value]));
    if (lastEdited === 'end' && endEl.value) data.end_date = endEl.value;
    data.organizing_committee = readMembers(form, 'organizing_committee');
    data.executive_committee = readMembers(form, 'executive_committee');
    if (logoValue !== null) data.logo = logoValue;
    const button = form.querySelector('#save-forum');
    button.disabled = true;
    try {
      const saved = id ? await call('forum_update', { id, forum: data }) : await call('forum_create', { forum: data });
      toast(id ? 'حُفظت التعديلات' : `أُنشئ «${saved.name_ar}»`);
      location.hash = '#/forums';
    } catch (e) {
      showErrors(form, e);
    } finally {
      button.disabled = false;
    }
  });
}

function clearErrors(form, only) {
  for (const el of form.querySelectorAll('.field-error')) {
    const name = el.id.replace(/^err-/, '');
    if (only && !only.includes(name)) continue;
    el.textContent = '';
    form.querySelector(`[data-field="${name}"]`)?.classList.remove('invalid');
    form.querySelector(`#f-${name}`)?.removeAttribute('aria-invalid');
  }
  if (!only) form.querySelector('#form-error').replaceChildren();
}

function showErrors(form, e) {
  const fields = e instanceof ApiError ? e.fields : [];
  let first = null;
  for (const fe of fields) {
    const box = form.querySelector(`#err-${fe.field}`);
    if (!box) continue;
    // Each message once, however many times it is reported.
    const said = box.textContent ? box.textContent.split('\n') : [];
    if (!said.includes(fe.message)) box.textContent = [...said, fe.message].join('\n');
    form.querySelector(`[data-field="${fe.field}"]`)?.classList.add('invalid');
    const input = form.querySelector(`#f-${fe.field}`);
    input?.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  if (!fields.length) form.querySelector('#form-error').replaceChildren(errorBox(e));
  first?.focus?.();
}
