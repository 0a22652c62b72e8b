// The productive-families exhibition (معرض الأسر المنتجة): applications and their review
// (approve within the category's quota, wait-list, reject with a reason, withdraw — a freed
// place is offered to the first on the waiting list), quotas per category, and during the forum
// each family's presence and sales per day.
import { call } from '../api.js';
import { h, toast, noForum, errorBox, field, clearErrors, showErrors, saveFile, actor, dayName, confirmDialog, readAsDataUrl, sar, venueTime } from '../dom.js';
import { currentForumId } from '../forum-context.js';
import { importPanel } from './import-panel.js';

const STATUS_COLORS = {
  applied: '#1f5fa8', approved: '#0b6b4a', waitlisted: '#b46a00', offered: '#7b3fa0', rejected: '#b3261e', withdrawn: '#5b6660',
};

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const [vocab, ctx] = await Promise.all([call('family_vocab'), call('desk_context', { forum_id: forumId })]);
  const countEl = h('span.count', { id: 'families-count' });
  const formSlot = h('div', { id: 'family-form-slot' });
  const body = h('div', { id: 'families-body' });
  const tabs = [['review', 'الطلبات والمراجعة'], ['days', 'الحضور والمبيعات'], ['quotas', 'الحصص']];
  let tab = 'review';
  const tabBar = h('div.tabs', { role: 'tablist' }, tabs.map(([id, label]) => {
    const b = h('button.tab', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-selected': String(id === tab) }, label);
    b.addEventListener('click', () => { tab = id; for (const x of tabBar.children) x.setAttribute('aria-selected', String(x.id === `tab-${id}`)); load(); });
    return b;
  }));

  view.append(
    h('header.page-head', {},
      h('h1', {}, 'معرض الأسر المنتجة ', countEl),
      h('div.actions.tight', {},
        h('button.btn', { type: 'button', id: 'export-sales', onclick: exportSales }, 'تصدير المبيعات (Excel)'),
        h('button.btn', { type: 'button', id: 'import-families', onclick: () => formSlot.replaceChildren(importPanel(forumId, () => formSlot.replaceChildren(), load, 'families')) }, 'استيراد الطلبات'),
        h('button.btn.primary', { type: 'button', id: 'new-family', onclick: () => openForm(null) }, '+ طلب جديد'))),
    formSlot, tabBar, body);

  async function exportSales() {
    try {
      const f = await call('family_sales_xlsx', { forum_id: forumId });
      await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    } catch (e) { toast(e.message, 'error'); }
  }

  async function load() {
    try {
      if (tab === 'review') await review();
      else if (tab === 'days') await days();
      else await quotas();
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  }

  // ---------------------------------------------------------------- review
  const statusFilter = h('select', { id: 'families-status', 'aria-label': 'الحالة' },
    h('option', { value: '' }, 'كل الحالات'), vocab.statuses.map((s) => h('option', { value: s.code }, s.label)));
  const categoryFilter = h('select', { id: 'families-category', 'aria-label': 'الفئة' },
    h('option', { value: '' }, 'كل الفئات'), vocab.categories.map((c) => h('option', { value: c.code }, c.label)));
  statusFilter.addEventListener('change', load);
  categoryFilter.addEventListener('change', load);

  async function review() {
    const r = await call('family_list', { forum_id: forumId, status: statusFilter.value || null, category: categoryFilter.value || null });
    const total = r.quotas.reduce((n, q) => n + q.applied + q.approved + q.offered + q.waitlisted + q.rejected + q.withdrawn, 0);
    countEl.textContent = `(${total})`;
    const rows = h('tbody', {}, r.families.length ? r.families.map(row)
      : h('tr', {}, h('td.empty-row', { colspan: 7 }, total ? 'لا طلبات بهذه الحالة' : 'لا توجد طلبات بعد. أضف طلبًا أو استورد الطلبات من ملف.')));
    body.replaceChildren(
      quotaStrip(r.quotas),
      h('div.toolbar', {}, statusFilter, categoryFilter),
      h('div.table-wrap', {}, h('table.data', { id: 'families-table' },
        h('thead', {}, h('tr', {}, ['رب الأسرة', 'الفئة', 'المدينة', 'المنتجات', 'الحالة', 'الركن', 'القرار'].map((t) => h('th', { scope: 'col' }, t)))),
        rows)));
  }

  function quotaStrip(qs) {
    return h('ul.quota-strip', { id: 'quota-strip' }, qs.map((q) => h('li', {},
      h('strong', {}, q.label),
      h('span', {}, q.max_stalls === null ? `${q.approved} مقبولة (بلا حصة)` : `${q.approved + q.offered} من ${q.max_stalls}`),
      q.waitlisted ? h('small.hint', {}, ` · ${q.waitlisted} في الانتظار`) : null)));
  }

  function statusChip(f) {
    return h('span.chip', { style: `--chip:${STATUS_COLORS[f.status]}` }, f.status_label);
  }

  function row(f) {
    const actions = h('td.row-actions');
    const decide = (to, label, cls = '') => h(`button.btn.small${cls}`, { type: 'button', dataset: { to }, 'aria-label': `${label}: ${f.head_name}`, onclick: () => act(f, to, actions) }, label);
    const moves = {
      applied: [decide('approved', 'قبول', '.primary'), decide('waitlisted', 'انتظار'), decide('rejected', 'رفض', '.danger-outline')],
      waitlisted: [decide('approved', 'قبول', '.primary'), decide('rejected', 'رفض', '.danger-outline'), decide('withdrawn', 'سحب')],
      offered: [decide('approved', 'قبلت العرض', '.primary'), decide('withdrawn', 'اعتذرت')],
      approved: [decide('withdrawn', 'انسحاب', '.danger-outline')],
      rejected: [decide('applied', 'إعادة النظر')],
      withdrawn: [],
    }[f.status] || [];
    actions.append(...moves, h('button.btn.small', { type: 'button', 'aria-label': `تفاصيل ${f.head_name}`, onclick: () => openForm(f) }, 'التفاصيل'));
    return h('tr', { dataset: { familyId: f.id } },
      h('td.name', {}, f.head_name),
      h('td', {}, f.category_label),
      h('td', {}, f.city || '—'),
      h('td', {}, f.products || '—'),
      h('td', {}, statusChip(f)),
      h('td.num.code', { dir: 'ltr' }, f.booth_code || '—'),
      actions);
  }

  async function act(f, to, cell) {
    const needsReason = to === 'rejected' || to === 'applied';
    if (needsReason || to === 'withdrawn') {
      const reason = h('input', { type: 'text', class: 'reason', 'aria-label': 'السبب', placeholder: needsReason ? 'السبب (مطلوب)' : 'السبب (اختياري)' });
      const ok = h('button.btn.small.primary', { type: 'submit' }, 'تأكيد');
      const form = h('form.inline-form.reason-form', {}, reason, ok, h('button.btn.small', { type: 'button', onclick: load }, 'إلغاء'));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        await send(f, to, reason.value);
      });
      cell.replaceChildren(form);
      reason.focus();
      return;
    }
    await send(f, to, '');
  }

  async function send(f, to, reason) {
    try {
      const d = await call('family_decide', { id: f.id, to, reason, by: actor() });
      let msg = `«${f.head_name}»: ${d.family.status_label}`;
      if (d.freed_stall) msg += `؛ أصبح الركن ${d.freed_stall} فارغًا`;
      if (d.offered) msg += `؛ عُرض المكان على «${d.offered.head_name}» (${d.offered.mobile || 'بلا جوال'})`;
      toast(msg);
      await load();
    } catch (e) { toast(e.message, 'error'); }
  }

  // ---------------------------------------------------------------- presence and sales
  let day = ctx.today_day ?? 1;
  async function days() {
    const daySelect = h('select', { id: 'sales-day', 'aria-label': 'اليوم' },
      ctx.forum.days.map((d) => h('option', { value: d.number, selected: d.number === day }, `${dayName(d.number)} — ${d.full}`)));
    daySelect.addEventListener('change', () => { day = Number(daySelect.value); load(); });
    const sheet = await call('family_day_sheet', { forum_id: forumId, day });
    await dayKpis(sheet.length);
    body.replaceChildren(
      h('div.toolbar', {}, daySelect),
      kpiBox,
      h('div.table-wrap', {}, h('table.data', { id: 'sales-table' },
        h('thead', {}, h('tr', {}, ['الركن', 'رب الأسرة', 'الفئة', 'الحضور', 'المبيعات (ريال)', 'عدد القطع', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, sheet.length ? sheet.map(dayRow) : h('tr', {}, h('td.empty-row', { colspan: 7 }, 'لا توجد أسر مقبولة بعد.'))))));
  }

  // The day's figures, refreshed after each saved line.
  const kpiBox = h('div.kpis', { id: 'day-kpis' });
  let families = 0;
  async function dayKpis(count = families) {
    families = count;
    const totals = await call('family_totals', { forum_id: forumId });
    const dt = totals.per_day.find((d) => d.day === day) ?? { sales_halalas: 0, items: 0, present: 0 };
    kpiBox.replaceChildren(
      h('div.kpi.accent', {}, h('span', {}, `مبيعات ${dayName(day)} (ريال)`), h('strong', { id: 'day-sales' }, sar(dt.sales_halalas))),
      h('div.kpi', {}, h('span', {}, 'الأسر الحاضرة'), h('strong', {}, `${dt.present} من ${families}`)),
      h('div.kpi', {}, h('span', {}, 'إجمالي المعرض (ريال)'), h('strong', {}, sar(totals.total.sales_halalas))));
  }

  function dayRow(r) {
    const present = h('select', { 'aria-label': `حضور ${r.head_name}`, class: 'present' },
      [['', '—'], ['1', 'حاضرة'], ['0', 'غائبة']].map(([v, l]) => h('option', { value: v, selected: (r.present === null ? '' : r.present ? '1' : '0') === v }, l)));
    const sales = h('input', { type: 'text', class: 'sales', inputmode: 'decimal', dir: 'ltr', value: r.sales_halalas === null ? '' : sar(r.sales_halalas).replace(/,/g, ''), 'aria-label': `مبيعات ${r.head_name}` });
    const items = h('input', { type: 'text', class: 'items', inputmode: 'numeric', dir: 'ltr', value: r.items ?? '', 'aria-label': `قطع ${r.head_name}` });
    const state = h('span.row-state', { role: 'status' });
    const save = h('button.btn.small', { type: 'button', class: 'save-day' }, 'حفظ');
    save.addEventListener('click', async () => {
      state.textContent = '';
      try {
        const saved = await call('family_day_record', {
          family_id: r.family_id, day, by: actor(),
          present: present.value === '' ? null : present.value === '1', sales: sales.value, items: String(items.value),
        });
        state.textContent = `✓ ${sar(saved.sales_halalas ?? 0)}`;
        state.className = 'row-state ok';
        await dayKpis();
      } catch (e) {
        state.textContent = e.message;
        state.className = 'row-state error';
      }
    });
    return h('tr', { dataset: { familyId: r.family_id } },
      h('td.num.code', { dir: 'ltr' }, r.booth_code || '—'), h('td.name', {}, r.head_name), h('td', {}, r.category_label),
      h('td', {}, present), h('td', {}, sales), h('td', {}, items), h('td', {}, save, ' ', state));
  }

  // ---------------------------------------------------------------- quotas
  async function quotas() {
    const qs = await call('family_quotas', { forum_id: forumId });
    const rows = qs.map((q) => {
      const input = h('input', { type: 'number', min: 0, value: q.max_stalls ?? '', placeholder: 'بلا حصة', 'aria-label': `حصة ${q.label}`, class: 'quota' });
      const save = h('button.btn.small', { type: 'button' }, 'حفظ');
      save.addEventListener('click', async () => {
        try {
          await call('family_quota_save', { forum_id: forumId, category: q.category, max_stalls: input.value === '' ? null : Number(input.value) });
          toast(`حُفظت حصة «${q.label}»`);
          load();
        } catch (e) { toast(e.message, 'error'); }
      });
      return h('tr', { dataset: { category: q.category } }, h('td.name', {}, q.label), h('td', {}, input, ' ', save),
        ...[q.approved, q.offered, q.waitlisted, q.applied, q.rejected, q.withdrawn].map((n) => h('td.num', {}, String(n))));
    });
    body.replaceChildren(h('p.hint', {}, 'الحصة أقصى عدد من الأركان للفئة؛ تُحسب المقبولة ومن عُرض عليها مكان. القبول بعد اكتمال الحصة يُرفض ويُقترح وضع الأسرة في قائمة الانتظار.'),
      h('div.table-wrap', {}, h('table.data', { id: 'quota-table' },
        h('thead', {}, h('tr', {}, ['الفئة', 'الحصة (أركان)', 'مقبولة', 'عُرض عليها', 'انتظار', 'جديدة', 'مرفوضة', 'منسحبة'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))));
  }

  // ---------------------------------------------------------------- application form
  async function openForm(f) {
    const detail = f ? await call('family_get', { id: f.id }) : null;
    const text = (name, attrs = {}) => h('input', { type: 'text', id: `fa-${name}`, value: f?.[name] ?? '', ...attrs });
    const category = h('select', { id: 'fa-category' }, h('option', { value: '' }, '— اختر —'),
      vocab.categories.map((c) => h('option', { value: c.code, selected: f?.category === c.code }, c.label)));
    const size = h('select', { id: 'fa-table_size' }, vocab.table_sizes.map((c) => h('option', { value: c.code, selected: (f?.table_size ?? 'medium') === c.code }, c.label)));
    const products = h('textarea', { id: 'fa-products', rows: 2 }, f?.products ?? '');
    const check = (name, label) => h('label.check', {}, h('input', { type: 'checkbox', id: `fa-${name}`, checked: !!f?.[name] }), label);
    // Photos of the products (up to four): choosing files replaces the stored ones.
    let photos;
    const photoInput = h('input', { type: 'file', id: 'fa-photos', accept: 'image/png,image/jpeg,image/webp', multiple: true });
    const photoRow = h('div.photo-row', {}, (detail?.photos || []).map((src) => h('img.logo-preview', { src, alt: 'صورة من منتجات الأسرة' })));
    photoInput.addEventListener('change', async () => {
      const files = [...photoInput.files].slice(0, 4);
      photos = await Promise.all(files.map(readAsDataUrl));
      photoRow.replaceChildren(...photos.map((src) => h('img.logo-preview', { src, alt: 'صورة مختارة' })));
    });
    const form = h('form.card', { id: 'family-form', novalidate: true },
      h('h2', {}, f ? `طلب: ${f.head_name}` : 'طلب مشاركة جديد'),
      h('div.grid', {},
        field('head_name', 'اسم رب الأسرة *', text('head_name')),
        field('national_id', 'رقم الهوية *', text('national_id', { dir: 'ltr', inputmode: 'numeric' })),
        field('mobile', 'الجوال *', text('mobile', { dir: 'ltr', inputmode: 'tel', placeholder: '05XXXXXXXX', value: f?.mobile ?? '' })),
        field('ss_file', 'رقم ملف الضمان الاجتماعي', text('ss_file', { dir: 'ltr' })),
        field('city', 'المدينة / الحي', text('city')),
        field('category', 'فئة المنتجات *', category),
        field('table_size', 'مقاس الطاولة', size)),
      field('products', 'وصف المنتجات', products),
      h('div.inline-form', {}, check('need_power', 'تحتاج كهرباء'), check('need_fridge', 'تحتاج ثلاجة')),
      field('photos', 'صور المنتجات (اختياري، حتى 4 صور)', h('div', {}, photoRow, photoInput)),
      h('div.form-error', { role: 'alert' }),
      h('div.actions', {}, h('button.btn.primary', { type: 'submit', id: 'save-family' }, f ? 'حفظ' : 'تقديم الطلب'),
        f ? h('button.btn.danger-outline', { type: 'button', onclick: () => remove(f) }, 'حذف الطلب') : null,
        h('button.btn', { type: 'button', onclick: () => formSlot.replaceChildren() }, 'إغلاق')),
      detail ? h('section', { id: 'family-history' }, h('h3', {}, 'سجل القرارات'),
        h('ol.history', {}, detail.history.map((d) => h('li', {}, h('strong', {}, d.to_label), d.reason ? ` — ${d.reason}` : '',
          h('small.hint', {}, ` (${d.decided_by || '—'}، ${venueTime(d.decided_at, { date: true })})`))))) : null);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = (n) => form.querySelector(`#fa-${n}`).value;
      const data = {
        head_name: v('head_name'), national_id: v('national_id'), mobile: v('mobile'), ss_file: v('ss_file'), city: v('city'),
        category: v('category'), products: v('products'), table_size: v('table_size'),
        need_power: form.querySelector('#fa-need_power').checked, need_fridge: form.querySelector('#fa-need_fridge').checked,
        photos,
      };
      try {
        const saved = f ? await call('family_update', { id: f.id, family: data }) : await call('family_create', { forum_id: forumId, family: data, by: actor() });
        toast(f ? 'حُفظ الطلب' : `قُدّم طلب «${saved.head_name}»`);
        formSlot.replaceChildren();
        load();
      } catch (e) { showErrors(form, e); }
    });
    formSlot.replaceChildren(form);
    form.querySelector('input')?.focus();
  }

  async function remove(f) {
    if (!(await confirmDialog('حذف طلب', `سيُحذف طلب «${f.head_name}» وسجله ومبيعاته.`, 'حذف'))) return;
    try { await call('family_delete', { id: f.id }); formSlot.replaceChildren(); load(); } catch (e) { toast(e.message, 'error'); }
  }

  await load();
}
