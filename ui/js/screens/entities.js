// Enabling entities (الجهات الممكنة): the list with status counts, status changes in place, the
// entity form (services, contact, booth needs, logo), its staff (registered as people of the
// «entity staff» category, with badges), import from a spreadsheet and export to Excel.
import { call } from '../api.js';
import { h, toast, confirmDialog, noForum, errorBox, field, clearErrors, showErrors, saveFile, readAsDataUrl } from '../dom.js';
import { currentForumId } from '../forum-context.js';
import { importPanel } from './import-panel.js';

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const vocab = await call('entity_vocab');
  const countEl = h('span.count', { id: 'entities-count' });
  const kpis = h('div.kpis.five', { id: 'entity-kpis' });
  const search = h('input.search', { type: 'search', id: 'entities-search', placeholder: 'ابحث باسم الجهة أو القطاع', 'aria-label': 'بحث' });
  const statusFilter = h('select', { id: 'entities-status', 'aria-label': 'الحالة' },
    h('option', { value: '' }, 'كل الحالات'), vocab.statuses.map((s) => h('option', { value: s.code }, s.label)));
  const body = h('tbody');
  const formSlot = h('div', { id: 'entity-form-slot' });
  let all = [];

  view.append(
    h('header.page-head', {},
      h('h1', {}, 'الجهات الممكنة ', countEl),
      h('div.actions.tight', {},
        h('button.btn', { type: 'button', id: 'export-entities', onclick: exportXlsx }, 'تصدير Excel'),
        h('button.btn', { type: 'button', id: 'import-entities', onclick: () => formSlot.replaceChildren(importPanel(forumId, () => formSlot.replaceChildren(), load, 'entities')) }, 'استيراد من ملف'),
        h('button.btn.primary', { type: 'button', id: 'new-entity', onclick: () => openForm(null) }, '+ جهة جديدة'))),
    kpis, formSlot,
    h('div.toolbar', {}, search, statusFilter),
    h('div.table-wrap', {}, h('table.data', { id: 'entities-table' },
      h('thead', {}, h('tr', {}, ['الجهة', 'النوع', 'الخدمات', 'الحالة', 'الركن', 'المنسوبون', 'احتياجات الركن', ''].map((t) => h('th', { scope: 'col' }, t)))),
      body)));

  async function load() {
    try {
      const r = await call('entity_list', { forum_id: forumId });
      all = r.entities;
      const c = r.counts;
      countEl.textContent = `(${c.total})`;
      kpis.replaceChildren(...[['مدعوة', c.invited], ['أكدت المشاركة', c.confirmed], ['حضرت', c.arrived], ['اعتذرت', c.withdrew], ['في أركان', c.with_booth]]
        .map(([l, n], i) => h(`div.kpi.small${i === 2 ? '.accent' : ''}`, {}, h('span', {}, l), h('strong', {}, String(n)))));
      show();
    } catch (e) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 8 }, errorBox(e))));
    }
  }

  function show() {
    const q = search.value.trim();
    const rows = all.filter((e) => (!statusFilter.value || e.status === statusFilter.value)
      && (!q || e.name_ar.includes(q) || e.sector.includes(q) || e.name_en.toLowerCase().includes(q.toLowerCase())));
    body.replaceChildren(...(rows.length ? rows.map(row) : [h('tr', {}, h('td.empty-row', { colspan: 8 },
      all.length ? 'لا نتائج' : 'لا توجد جهات بعد. أضف جهة أو استوردها من ملف Excel.'))]));
  }

  function row(e) {
    const status = h('select', { 'aria-label': `حالة ${e.name_ar}`, class: 'entity-status' },
      vocab.statuses.map((s) => h('option', { value: s.code, selected: s.code === e.status }, s.label)));
    status.addEventListener('change', async () => {
      // Withdrawing frees the booth: asked first, so a slip of the mouse does not give it away.
      if (status.value === 'withdrew' && e.booth_code) {
        const ok = await confirmDialog('اعتذار الجهة',
          `بتسجيل اعتذار «${e.name_ar}» يصبح الركن ${e.booth_code} فارغًا ويمكن تخصيصه لغيرها. إن أُعيدت الجهة لاحقًا عاد إليها الركن ما دام فارغًا.`,
          'تسجيل الاعتذار وإخلاء الركن');
        if (!ok) {
          status.value = e.status;
          return;
        }
      }
      try {
        const r = await call('entity_status', { id: e.id, status: status.value });
        const what = `«${e.name_ar}»: ${r.entity.status_label}`;
        if (r.freed_booth) toast(`${what}؛ أصبح الركن ${r.freed_booth} فارغًا`);
        else if (r.returned_booth) toast(`${what}؛ عاد إليها الركن ${r.returned_booth}`);
        else if (r.booth_taken) toast(`${what}؛ ركنها السابق ${r.booth_taken} مخصص الآن لغيرها — خصص لها ركنًا من المخطط`, 'error');
        else toast(what);
        load();
      } catch (err) {
        toast(err.message, 'error');
        status.value = e.status;
      }
    });
    return h('tr', { dataset: { entityId: e.id } },
      h('td.name', {}, e.name_ar, e.is_sponsor ? h('span.chip', { style: '--chip:#8a6d00', class: 'sponsor' }, 'راعٍ') : null,
        e.sector ? h('small.hint', {}, h('br'), e.sector) : null),
      h('td', {}, e.kind_label),
      h('td', {}, h('span.tag-chips', {}, e.tags.map((t) => h('span.chip', { style: '--chip:#0e7490' }, t.label)))),
      h('td', {}, status),
      h('td.num.code', { dir: 'ltr' }, e.booth_code || '—'),
      h('td.num', {}, String(e.staff_count)),
      h('td', {}, e.needs_label || '—'),
      h('td.row-actions', {},
        h('button.btn.small', { type: 'button', 'aria-label': `تعديل ${e.name_ar}`, onclick: () => openForm(e) }, 'تعديل'),
        h('button.btn.small.danger-outline', { type: 'button', 'aria-label': `حذف ${e.name_ar}`, onclick: () => remove(e) }, 'حذف')));
  }

  async function remove(e) {
    if (!(await confirmDialog('حذف جهة', `ستُحذف «${e.name_ar}» ويصبح ركنها فارغًا؛ يبقى منسوبوها مسجلين.`, 'حذف'))) return;
    try { await call('entity_delete', { id: e.id }); toast('حُذفت'); load(); } catch (err) { toast(err.message, 'error'); }
  }

  async function exportXlsx() {
    try {
      const f = await call('entity_export_xlsx', { forum_id: forumId });
      await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    } catch (e) { toast(e.message, 'error'); }
  }

  async function openForm(e) {
    const detail = e ? await call('entity_get', { id: e.id }) : null;
    formSlot.replaceChildren(entityForm(e, detail));
    formSlot.querySelector('input')?.focus();
  }

  function entityForm(e, detail) {
    const text = (name, attrs = {}) => h('input', { type: 'text', id: `e-${name}`, value: e?.[name] ?? '', ...attrs });
    const kind = h('select', { id: 'e-kind' }, h('option', { value: '' }, '— اختر —'),
      vocab.kinds.map((k) => h('option', { value: k.code, selected: e?.kind === k.code }, k.label)));
    const tags = h('div.tag-chips', { id: 'e-tags' }, vocab.tags.map((t) => h('label.check', {},
      h('input', { type: 'checkbox', value: t.code, checked: !!e?.tags.some((x) => x.code === t.code) }), t.label)));
    const services = h('textarea', { id: 'e-services', rows: 2 }, e?.services ?? '');
    const num = (name, v) => h('input', { type: 'number', id: `e-${name}`, min: 0, value: v ?? 0 });
    const check = (name, label, v) => h('label.check', {}, h('input', { type: 'checkbox', id: `e-${name}`, checked: !!v }), label);
    let logo;
    const logoInput = h('input', { type: 'file', id: 'e-logo', accept: 'image/png,image/jpeg,image/webp' });
    const logoPreview = detail?.logo ? h('img.logo-preview', { src: detail.logo, alt: 'الشعار' }) : h('span.hint', {}, 'لا يوجد شعار');
    logoInput.addEventListener('change', async () => {
      const f = logoInput.files[0];
      if (f) logo = await readAsDataUrl(f);
    });
    const form = h('form.card', { id: 'entity-form', novalidate: true },
      h('h2', {}, e ? `تعديل: ${e.name_ar}` : 'جهة ممكنة جديدة'),
      h('div.grid', {},
        field('name_ar', 'اسم الجهة *', text('name_ar')),
        field('name_en', 'الاسم بالإنجليزية', text('name_en', { dir: 'ltr' })),
        field('kind', 'نوع الجهة *', kind),
        field('sector', 'القطاع', text('sector')),
        field('contact_name', 'اسم المنسق', text('contact_name')),
        field('mobile', 'جوال المنسق', text('mobile', { dir: 'ltr', inputmode: 'tel', placeholder: '05XXXXXXXX', value: e?.mobile ?? '' })),
        field('email', 'البريد الإلكتروني', text('email', { dir: 'ltr', type: 'email' }))),
      field('services', 'الخدمات التي تقدمها للمستفيدين', services),
      field('tags', 'تصنيف الخدمات', tags),
      h('label.check', {}, h('input', { type: 'checkbox', id: 'e-is_sponsor', checked: !!e?.is_sponsor }), 'راعٍ للملتقى (يُشكر بشهادة الرعاة)'),
      h('fieldset.needs', { 'data-field': 'needs' }, h('legend', {}, 'احتياجات الركن'),
        h('div.inline-form', {}, check('need_power', 'كهرباء', e?.needs.power), check('need_screen', 'شاشة', e?.needs.screen),
          check('need_internet', 'إنترنت', e?.needs.internet),
          h('label', { for: 'e-need_tables' }, 'طاولات'), num('need_tables', e?.needs.tables),
          h('label', { for: 'e-need_chairs' }, 'كراسي'), num('need_chairs', e?.needs.chairs)),
        h('p.field-error', { dataset: { errorFor: 'need_tables' } }), h('p.field-error', { dataset: { errorFor: 'need_chairs' } })),
      field('logo', 'الشعار (PNG أو JPEG، حتى 2 ميغابايت)', h('div.logo-row', {}, logoPreview, logoInput)),
      h('div.form-error', { role: 'alert' }),
      h('div.actions', {}, h('button.btn.primary', { type: 'submit', id: 'save-entity' }, e ? 'حفظ' : 'إضافة'),
        h('button.btn', { type: 'button', onclick: () => formSlot.replaceChildren() }, 'إغلاق')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = (n) => form.querySelector(`#e-${n}`).value;
      const c = (n) => form.querySelector(`#e-${n}`).checked;
      const data = {
        name_ar: v('name_ar'), name_en: v('name_en'), kind: v('kind'), sector: v('sector'), services: v('services'),
        tags: [...tags.querySelectorAll('input:checked')].map((i) => i.value),
        contact_name: v('contact_name'), mobile: v('mobile'), email: v('email'),
        need_power: c('need_power'), need_screen: c('need_screen'), need_internet: c('need_internet'),
        need_tables: Number(v('need_tables')) || 0, need_chairs: Number(v('need_chairs')) || 0,
        is_sponsor: c('is_sponsor'),
        logo,
      };
      try {
        const saved = e ? await call('entity_update', { id: e.id, entity: data }) : await call('entity_create', { forum_id: forumId, entity: data });
        toast(e ? 'حُفظت التعديلات' : `أُضيفت «${saved.name_ar}»`);
        formSlot.replaceChildren();
        load();
      } catch (err) { showErrors(form, err); }
    });
    return h('div', {}, form, e ? staffSection(e, detail.staff) : null);
  }

  function staffSection(e, staff) {
    const name = h('input', { type: 'text', id: 's-full_name', placeholder: 'الاسم الكامل' });
    const mobile = h('input', { type: 'text', id: 's-mobile', dir: 'ltr', placeholder: '05XXXXXXXX' });
    const nid = h('input', { type: 'text', id: 's-national_id', dir: 'ltr', placeholder: 'رقم الهوية' });
    const box = h('form', { id: 'staff-form', novalidate: true },
      h('div.grid.three', {}, field('full_name', 'الاسم', name), field('mobile', 'الجوال', mobile), field('national_id', 'رقم الهوية', nid)),
      h('div.form-error', { role: 'alert' }),
      h('button.btn.small', { type: 'submit' }, 'إضافة منسوب'));
    box.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(box);
      try {
        const p = await call('entity_staff_add', { entity_id: e.id, person: { full_name: name.value, mobile: mobile.value, national_id: nid.value } });
        toast(`سُجّل «${p.full_name}» — رمز البطاقة ${p.badge_code}`);
        openForm(e);
        load();
      } catch (err) { showErrors(box, err); }
    });
    return h('section.card.staff', { id: 'entity-staff' },
      h('h3', {}, `منسوبو الجهة في الركن (${staff.length})`),
      staff.length ? h('ul.staff-list', {}, staff.map((p) => h('li', {}, p.full_name, ' — ', h('code', {}, p.badge_code)))) : h('p.hint', {}, 'لم يُسجل أحد بعد؛ يحصل كل منسوب على بطاقة ويسجل حضوره كغيره.'),
      box);
  }

  search.addEventListener('input', show);
  statusFilter.addEventListener('change', show);
  await load();
}
