// Attendees (الزوار والمستفيدون): one search box (name in any spelling, ID, mobile, badge code),
// the list in pages under filters (category, office, attendance by day, needs) and an order,
// the attendee exports (.xlsx: everyone, a day's attendance, who did not come), and the
// registration form.
import { call, ApiError } from '../api.js';
import { h, toast, confirmDialog, noForum, categoryChip, debounce, errorBox, followJob, saveFile, counted, NOUNS } from '../dom.js';
import { currentForumId } from '../forum-context.js';
import { importPanel } from './import-panel.js';

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const [categories, offices, forum] = await Promise.all([
    call('categories'), call('offices', { forum_id: forumId }), call('forum_get', { id: forumId })]);
  const days = forum.days.map((d) => d.number);
  const PAGE = 100;
  let offset = 0;
  const countEl = h('span.count', { id: 'people-count' });
  const search = h('input.search', {
    type: 'search', id: 'people-search', placeholder: 'ابحث بالاسم أو رقم الهوية أو الجوال أو رمز البطاقة',
    'aria-label': 'بحث', autocomplete: 'off',
  });
  const filter = h('select', { id: 'people-category', 'aria-label': 'الفئة' },
    h('option', { value: '' }, 'كل الفئات'),
    categories.map((c) => h('option', { value: c.code }, c.label_ar)));
  const office = h('select', { id: 'people-office', 'aria-label': 'مكتب الضمان الاجتماعي' },
    h('option', { value: '' }, 'كل المكاتب'), offices.map((o) => h('option', { value: o }, o)));
  const attendance = h('select', { id: 'people-attendance', 'aria-label': 'الحضور' },
    h('option', { value: '' }, 'الحضور: الكل'),
    h('option', { value: 'any' }, 'حضر (أي يوم)'),
    h('option', { value: 'never' }, 'لم يحضر أبدًا'),
    days.flatMap((d) => [h('option', { value: `d${d}` }, `حضر اليوم ${d}`), h('option', { value: `n${d}` }, `لم يحضر اليوم ${d} بعد`)]));
  const needs = h('select', { id: 'people-needs', 'aria-label': 'الاحتياجات' },
    [['', 'الاحتياجات: الكل'], ['any', 'له احتياج'], ['none', 'بلا احتياجات'], ['wheelchair', 'كرسي متحرك'],
      ['sign_language', 'مترجم لغة إشارة'], ['companion', 'مرافق'], ['other', 'احتياج آخر']].map(([v, l]) => h('option', { value: v }, l)));
  const sort = h('select', { id: 'people-sort', 'aria-label': 'الترتيب' },
    [['newest', 'الأحدث تسجيلًا'], ['oldest', 'الأقدم تسجيلًا'], ['name', 'بالاسم']].map(([v, l]) => h('option', { value: v }, l)));
  const pager = h('nav.pager', { id: 'people-pager', 'aria-label': 'الصفحات' });
  const exportBtn = h('button.btn', { type: 'button', id: 'people-export', onclick: exportXlsx });
  const body = h('tbody');
  const table = h('table.data', { id: 'people-table' },
    h('thead', {}, h('tr', {},
      ['الاسم', 'الفئة', 'رقم الهوية', 'الجوال', 'الاحتياجات', 'الحضور', 'رمز البطاقة', ''].map((t) => h('th', { scope: 'col' }, t)))),
    body);

  /** The filter of the selects, as `person_list` takes it. */
  function filterArgs() {
    const a = { category: filter.value || null, office: office.value || null, needs: needs.value || null, sort: sort.value };
    const v = attendance.value;
    if (v === 'any') a.attended = true;
    else if (v === 'never') a.attended = false;
    else if (v) { a.day = Number(v.slice(1)); a.attended = v[0] === 'd'; }
    return a;
  }
  /** What the export writes: it follows the attendance filter. */
  function exportWhat() {
    const v = attendance.value;
    if (v.startsWith('d')) return { day: Number(v.slice(1)), label: `تصدير حضور اليوم ${v.slice(1)} (Excel)` };
    if (v.startsWith('n')) return { day: Number(v.slice(1)), absent: true, label: `تصدير من لم يحضر اليوم ${v.slice(1)} (Excel)` };
    if (v === 'never') return { absent: true, label: 'تصدير من لم يحضروا (Excel)' };
    return { label: 'تصدير كشف الزوار (Excel)' };
  }
  async function exportXlsx() {
    exportBtn.disabled = true;
    try {
      const { label, ...what } = exportWhat();
      const f = await call('people_export_xlsx', { forum_id: forumId, ...what });
      await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    } catch (e) { toast(e.message, 'error'); } finally { exportBtn.disabled = false; }
  }
  const formSlot = h('div', { id: 'person-form-slot' });

  view.append(
    h('header.page-head', {},
      h('h1', {}, 'الزوار والمستفيدون ', countEl),
      h('div.actions.tight', {},
        h('button.btn', { type: 'button', id: 'print-badges', onclick: openBadges }, 'طباعة البطاقات'),
        h('button.btn', { type: 'button', id: 'import-people', onclick: openImport }, 'استيراد من ملف'),
        h('button.btn.primary', { type: 'button', id: 'new-person', onclick: () => openForm(null) }, '+ تسجيل شخص'))),
    formSlot,
    h('div.toolbar', {}, search, filter, office, attendance, needs, sort, exportBtn),
    h('div.table-wrap', {}, table),
    pager);

  // Answers that come back out of order (typing fast) never overwrite a newer one.
  let asked = 0;
  async function load() {
    const q = search.value.trim();
    const mine = ++asked;
    exportBtn.textContent = exportWhat().label;
    try {
      let people;
      let page = null;
      if (q) {
        const found = await call('person_search', { forum_id: forumId, q, limit: 100 });
        if (mine !== asked) return;
        people = found.people;
        countEl.textContent = found.more ? `(أول ${counted(people.length, NOUNS.result)}؛ توجد نتائج أخرى، أكمل الاسم)` : `(${counted(people.length, NOUNS.result)})`;
      } else {
        page = await call('person_list', { forum_id: forumId, ...filterArgs(), offset, limit: PAGE });
        if (mine !== asked) return;
        people = page.people;
        countEl.textContent = `(${page.total})`;
      }
      if (filter.value && q) people = people.filter((p) => p.category === filter.value);
      const filtered = Object.values(filterArgs()).some((v) => v !== null && v !== 'newest');
      body.replaceChildren(...(people.length ? people.map(row) : [h('tr', {}, h('td.empty-row', { colspan: 8 },
        q ? 'لا توجد نتائج؛ جرّب جزءًا آخر من الاسم أو رقم الهوية'
          : filtered ? 'لا أحد يطابق هذه التصفية.' : 'لم يُسجَّل أحد بعد. ابدأ بزر «تسجيل شخص».'))]));
      paintPager(page);
    } catch (e) {
      if (mine === asked) body.replaceChildren(h('tr', {}, h('td', { colspan: 8 }, errorBox(e))));
    }
  }

  function paintPager(page) {
    if (!page || page.total <= PAGE) {
      pager.replaceChildren();
      return;
    }
    const last = Math.floor((page.total - 1) / PAGE) * PAGE;
    const go = (to) => { offset = Math.max(0, Math.min(to, last)); load(); table.scrollIntoView({ block: 'start' }); };
    pager.replaceChildren(
      h('button.btn.small', { type: 'button', id: 'people-prev', disabled: offset === 0, onclick: () => go(offset - PAGE) }, 'السابق'),
      h('span', { id: 'people-range' }, `${offset + 1}–${Math.min(offset + PAGE, page.total)} من ${page.total}`),
      h('button.btn.small', { type: 'button', id: 'people-next', disabled: offset >= last, onclick: () => go(offset + PAGE) }, 'التالي'));
  }

  function row(p) {
    return h('tr', { dataset: { personId: p.id } },
      h('td.name', {}, p.full_name),
      h('td', {}, categoryChip(p)),
      h('td.num', { dir: 'ltr' }, p.national_id || '—'),
      h('td.num', { dir: 'ltr' }, p.mobile || '—'),
      h('td', {}, p.needs_label || '—'),
      h('td.days', {}, p.days ? (p.days.length ? `اليوم ${p.days.join('، ')}` : 'لم يحضر') : '—'),
      h('td.num.code', { dir: 'ltr' }, p.badge_code),
      h('td.row-actions', {},
        h('button.btn.small.badge-one', { type: 'button', 'aria-label': `بطاقة ${p.full_name}`, onclick: () => printBadges({ ids: [p.id] }, 'a6') }, 'بطاقة'),
        h('button.btn.small.refer-one', { type: 'button', 'aria-label': `إحالة ${p.full_name}`, onclick: () => openRefer(p) }, 'إحالة'),
        h('button.btn.small', { type: 'button', 'aria-label': `تعديل ${p.full_name}`, onclick: () => openForm(p) }, 'تعديل'),
        h('button.btn.small.danger-outline', { type: 'button', 'aria-label': `حذف ${p.full_name}`, onclick: () => remove(p) }, 'حذف')));
  }

  // The committee refers a person to an open opportunity from here (the booths do it by scan).
  async function openRefer(p) {
    const [offers, referrals] = await Promise.all([
      call('opportunity_list', { forum_id: forumId }),
      call('referral_list', { forum_id: forumId, person_id: p.id }),
    ]);
    const pick = h('select', { id: 'refer-opportunity', 'aria-label': 'الفرصة' }, h('option', { value: '' }, '— اختر الفرصة —'),
      offers.filter((o) => o.status === 'open').map((o) => h('option', { value: o.id }, `${o.track_label}: ${o.title} — ${o.entity_name}`)));
    const note = h('input', { type: 'text', id: 'refer-note', placeholder: 'ملاحظة (اختياري)', 'aria-label': 'ملاحظة' });
    const state = h('div', { id: 'refer-status', role: 'status' });
    const form = h('form.card', { id: 'refer-form' },
      h('h2', {}, `إحالة ${p.full_name}`),
      referrals.length
        ? h('ul.plain', {}, referrals.map((r) => h('li', {}, `${r.opportunity_title} — ${r.entity_name}: `, h('strong', {}, r.state_label))))
        : h('p.hint', {}, 'لم يُحَل إلى أي فرصة بعد.'),
      h('div.toolbar', {}, pick, note, h('button.btn.primary', { type: 'submit', id: 'refer-go' }, 'إحالة'),
        h('button.btn', { type: 'button', onclick: () => formSlot.replaceChildren() }, 'إغلاق')),
      state);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const done = await call('referral_create', { forum_id: forumId, person_id: p.id, opportunity_ids: [Number(pick.value)].filter(Boolean), note: note.value, source: 'committee' });
        state.replaceChildren(h('p.notice.ok', {}, done.map((d) => d.message).join('؛ ')));
      } catch (e) { state.replaceChildren(errorBox(e)); }
    });
    formSlot.replaceChildren(form);
    pick.focus();
  }

  // Badges: everyone or the chosen category, one A6 page each or four to an A4 sheet.
  function openBadges() {
    const layout = h('select', { id: 'badge-layout', 'aria-label': 'التخطيط' },
      h('option', { value: 'a6' }, 'بطاقة لكل صفحة A6'),
      h('option', { value: 'a4' }, 'أربع بطاقات في صفحة A4 مع علامات القص'));
    const scope = filter.value
      ? `فئة «${filter.selectedOptions[0].textContent}»`
      : 'جميع المسجلين';
    const go = h('button.btn.primary', { type: 'submit', id: 'badge-go' }, 'طباعة');
    const state = h('div', { id: 'badge-status', role: 'status' });
    const form = h('form.card', { id: 'badge-form' },
      h('h2', {}, 'طباعة البطاقات'),
      h('p', {}, `ستُطبع بطاقات ${scope}، مرتبة حسب الفئة ثم الاسم.`),
      h('div.toolbar', {}, layout, go, h('button.btn', { type: 'button', onclick: () => formSlot.replaceChildren() }, 'إغلاق')),
      state);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      go.disabled = true;
      await printBadges({ category: filter.value || null }, layout.value, state);
      go.disabled = false;
    });
    formSlot.replaceChildren(form);
  }

  async function printBadges(selection, layout, state) {
    const bar = h('progress', { max: 100, value: 0 });
    state?.replaceChildren(h('div.progress-row', {}, bar, h('span', {}, 'جارٍ تجهيز البطاقات…')));
    try {
      const { job_id } = await call('badge_print_start', { forum_id: forumId, layout, ...selection });
      const r = await followJob(job_id, (done, total) => { bar.value = Math.round((100 * done) / total); });
      state?.replaceChildren(h('p.notice.ok', { id: 'badge-done' }, `جُهّزت ${counted(r.count, NOUNS.badge)} في ${counted(r.pages, NOUNS.page)}.`));
      await saveFile(r.file_name, r.data_base64, 'application/pdf');
    } catch (e) {
      if (state) state.replaceChildren(errorBox(e)); else toast(e.message, 'error');
    }
  }

  async function remove(p) {
    if (!(await confirmDialog('حذف شخص', `سيُحذف «${p.full_name}» وسجل حضوره.`, 'حذف'))) return;
    try {
      await call('person_delete', { id: p.id });
      toast('حُذف');
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  function openImport() {
    formSlot.replaceChildren(importPanel(forumId, () => formSlot.replaceChildren(), load));
  }

  async function openForm(p) {
    formSlot.replaceChildren(await personForm(forumId, categories, p, (saved) => {
      formSlot.replaceChildren();
      toast(p ? 'حُفظت التعديلات' : `سُجّل «${saved.full_name}» — رمز البطاقة ${saved.badge_code}`);
      load();
    }, () => formSlot.replaceChildren()));
    formSlot.querySelector('input')?.focus();
  }

  search.addEventListener('input', debounce(load, 120));
  const refilter = () => { offset = 0; load(); };
  for (const s of [filter, office, attendance, needs, sort]) s.addEventListener('change', refilter);
  await load();
  search.focus();
}

/** The registration form (full), used here and for corrections. */
export async function personForm(forumId, categories, p, onSaved, onCancel, { walkIn = false, onExisting = null } = {}) {
  const [offices, consentText] = await Promise.all([walkIn ? [] : call('offices', { forum_id: forumId }), call('consent_text')]);
  const input = (name, label, attrs = {}, hint) => {
    const el = h('input', { type: 'text', id: `p-${name}`, name, value: p?.[name] ?? '', 'aria-describedby': `perr-${name}`, ...attrs });
    return h('div.field', { dataset: { field: name } }, h('label', { for: el.id }, label), el,
      hint ? h('small.hint', {}, hint) : null, h('p.field-error', { id: `perr-${name}`, role: 'alert' }));
  };
  const categorySelect = h('select', { id: 'p-category', name: 'category' },
    categories.map((c) => h('option', { value: c.code, selected: (p?.category ?? 'beneficiary') === c.code }, c.label_ar)));
  const gender = h('select', { id: 'p-gender', name: 'gender' },
    [['', '—'], ['m', 'ذكر'], ['f', 'أنثى']].map(([v, l]) => h('option', { value: v, selected: (p?.gender ?? '') === v }, l)));
  const check = (name, label, checked) => h('label.check', {}, h('input', { type: 'checkbox', id: `p-${name}`, checked: !!checked }), label);
  const form = h('form.card.person-form', { id: 'person-form', novalidate: true },
    h('h2', {}, p ? `تعديل: ${p.full_name}` : walkIn ? 'تسجيل حضور جديد' : 'تسجيل شخص'),
    h('div.grid', {},
      input('full_name', 'الاسم الكامل بالعربية *', { autocomplete: 'off' }, 'من جزأين إلى ستة أجزاء'),
      input('national_id', 'رقم الهوية / الإقامة', { dir: 'ltr', inputmode: 'numeric', autocomplete: 'off' }),
      input('mobile', 'الجوال', { dir: 'ltr', inputmode: 'tel', placeholder: '05XXXXXXXX', autocomplete: 'off' }),
      h('div.field', { dataset: { field: 'category' } }, h('label', { for: 'p-category' }, 'الفئة *'), categorySelect,
        h('p.field-error', { id: 'perr-category', role: 'alert' })),
      walkIn ? null : h('div.field', { dataset: { field: 'gender' } }, h('label', { for: 'p-gender' }, 'الجنس'), gender,
        h('p.field-error', { id: 'perr-gender', role: 'alert' })),
      walkIn ? null : input('name_en', 'الاسم بالإنجليزية', { dir: 'ltr', lang: 'en' }),
      walkIn ? null : input('office', 'مكتب الضمان الاجتماعي', { list: 'office-list', value: p?.office ?? '' }),
      input('ss_file', 'رقم ملف الضمان', { dir: 'ltr', inputmode: 'numeric', autocomplete: 'off', value: p?.ss_file ?? '' }, 'يجمع أفراد الأسرة الواحدة في تقرير التمكين')),
    walkIn ? null : h('datalist', { id: 'office-list' }, offices.map((o) => h('option', { value: o }))),
    h('fieldset.needs', {}, h('legend', {}, 'احتياجات الوصول'),
      check('needs_wheelchair', 'كرسي متحرك', p?.needs?.wheelchair),
      check('needs_sign', 'مترجم لغة إشارة', p?.needs?.sign_language),
      check('needs_companion', 'مرافق', p?.needs?.companion),
      h('input', { type: 'text', id: 'p-needs_other', placeholder: 'احتياج آخر', value: p?.needs?.other ?? '', 'aria-label': 'احتياج آخر' })),
    h('label.check.consent', { dataset: { field: 'consent' } },
      h('input', { type: 'checkbox', id: 'p-consent', checked: !!p?.consent_at }),
      h('span', {}, consentText.text)),
    h('div.form-error', { id: 'person-form-error', role: 'alert' }),
    h('div.actions', {},
      h('button.btn.primary', { type: 'submit', id: 'save-person' }, p ? 'حفظ' : walkIn ? 'تسجيل وتأكيد الحضور' : 'تسجيل'),
      h('button.btn', { type: 'button', onclick: onCancel }, 'إلغاء')));

  form.addEventListener('input', (ev) => {
    const f = ev.target.closest('[data-field]')?.dataset.field;
    if (f) clear(form, f);
  });
  form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') onCancel(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(form);
    const v = (id) => form.querySelector(`#p-${id}`)?.value ?? '';
    const data = {
      full_name: v('full_name'), national_id: v('national_id'), mobile: v('mobile'), category: v('category'),
      gender: v('gender'), name_en: v('name_en'), office: v('office'), needs_other: v('needs_other'),
      needs_wheelchair: form.querySelector('#p-needs_wheelchair').checked,
      needs_sign: form.querySelector('#p-needs_sign').checked,
      needs_companion: form.querySelector('#p-needs_companion').checked,
      ss_file: v('ss_file'),
      consent: form.querySelector('#p-consent').checked,
    };
    if (walkIn) data.source = 'walk_in';
    const button = form.querySelector('#save-person');
    button.disabled = true;
    try {
      const saved = p ? await call('person_update', { id: p.id, person: data })
        : await call('person_create', { forum_id: forumId, person: data });
      onSaved(saved);
    } catch (e) {
      show(form, e);
      // At a desk, someone already registered is checked in, not turned away.
      if (onExisting && e.code === 'duplicate' && e.existingId) {
        form.querySelector('#person-form-error').append(h('button.btn.primary', {
          type: 'button', id: 'checkin-existing', onclick: () => onExisting(e.existingId),
        }, 'تسجيل حضور الشخص المسجل'));
        form.querySelector('#checkin-existing').focus();
      }
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function clear(form, only) {
  for (const el of form.querySelectorAll('.field-error')) {
    const name = el.id.replace(/^perr-/, '');
    if (only && name !== only) continue;
    el.textContent = '';
    form.querySelector(`[data-field="${name}"]`)?.classList.remove('invalid');
  }
  if (!only) form.querySelector('#person-form-error').replaceChildren();
}

function show(form, e) {
  const fields = e instanceof ApiError ? e.fields : [];
  let first = null;
  for (const fe of fields) {
    const box = form.querySelector(`#perr-${fe.field}`);
    if (!box) continue;
    box.textContent = fe.message;
    form.querySelector(`[data-field="${fe.field}"]`)?.classList.add('invalid');
    first ??= form.querySelector(`#p-${fe.field}`);
  }
  if (!fields.length) form.querySelector('#person-form-error').replaceChildren(errorBox(e));
  first?.focus();
}
