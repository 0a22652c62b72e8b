// The three tracks (المسارات): the entities' courses, jobs and support programmes (form, import,
// export), and the referrals with their outcomes (moves along the track, with a reason for a
// negative end and how it was verified, and the event log).
import { call } from '../api.js';
import { h, toast, noForum, errorBox, field, clearErrors, showErrors, saveFile, counted, NOUNS, venueDate, venueTime, withHijri } from '../dom.js';
import { currentForumId } from '../forum-context.js';
import { importPanel } from './import-panel.js';

const TABS = [
  ['training', 'الدورات التدريبية'],
  ['job', 'الفرص الوظيفية'],
  ['support', 'الدعم الريادي'],
  ['referrals', 'الإحالات والنتائج'],
  ['follow_up', 'المتابعة'],
  ['impact', 'تقرير التمكين'],
];

/** Riyals from halalas, for a form field or a table. */
const sar = (h) => (h === null || h === undefined ? '' : String(h / 100));

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const [vocab, entities] = await Promise.all([call('track_vocab'), call('entity_list', { forum_id: forumId })]);
  const trackOf = Object.fromEntries(vocab.tracks.map((t) => [t.code, t]));
  const label = (table, code) => (table.find((x) => x.code === code) || {}).label || '';
  let tab = sessionStorage.getItem('multaqa.tracks.tab') || 'training';
  const tabs = h('div.tabs', { role: 'tablist' });
  const slot = h('div', { id: 'tracks-slot' });
  const formSlot = h('div', { id: 'opportunity-form-slot' });
  view.append(
    h('header.page-head', {},
      h('h1', {}, 'المسارات والفرص'),
      h('div.actions.tight', {},
        h('a.btn', { href: '#/booth', id: 'open-booth' }, 'شاشة الركن'),
        h('button.btn', { type: 'button', id: 'export-opportunities', onclick: exportXlsx }, 'تصدير Excel'),
        h('button.btn', { type: 'button', id: 'import-opportunities', onclick: () => formSlot.replaceChildren(importPanel(forumId, () => formSlot.replaceChildren(), paint, 'opportunities')) }, 'استيراد من ملف'),
        h('button.btn.primary', { type: 'button', id: 'new-opportunity', onclick: () => openForm(null) }, '+ فرصة جديدة'))),
    tabs, formSlot, slot);

  function paintTabs() {
    tabs.replaceChildren(...TABS.map(([code, text]) => h('button.tab', {
      type: 'button', role: 'tab', id: `tab-${code}`, 'aria-selected': code === tab ? 'true' : 'false',
      onclick: () => { tab = code; sessionStorage.setItem('multaqa.tracks.tab', code); paintTabs(); paint(); },
    }, text)));
  }

  async function paint() {
    slot.replaceChildren(h('p.hint', {}, 'جارٍ التحميل…'));
    try {
      if (tab === 'referrals') await paintReferrals();
      else if (tab === 'follow_up') await paintFollowUps();
      else if (tab === 'impact') await paintImpact();
      else await paintOpportunities();
    } catch (e) { slot.replaceChildren(errorBox(e)); }
  }

  async function paintOpportunities() {
    const list = await call('opportunity_list', { forum_id: forumId, track: tab });
    const places = tab === 'job' ? 'الشواغر' : tab === 'training' ? 'المقاعد' : 'المستفيدون';
    const head = ['الجهة', 'الفرصة', 'التفاصيل', places, 'المحالون', 'الحالة', ''];
    const detail = (o) => (o.track === 'training'
      ? [o.hours ? counted(o.hours, NOUNS.hour) : '', o.start_label || '', o.online ? 'عن بعد' : o.place].filter(Boolean).join(' · ')
      : o.track === 'job'
        ? [o.city, label(vocab.work_modes, o.work_mode), o.salary_min ? `${sar(o.salary_min)}–${sar(o.salary_max)} ريال` : '', o.disability_ok ? 'مناسبة لذوي الإعاقة' : ''].filter(Boolean).join(' · ')
        : [label(vocab.support_kinds, o.support_kind), o.funder, o.ceiling ? `حتى ${sar(o.ceiling)} ريال` : ''].filter(Boolean).join(' · '));
    slot.replaceChildren(h('div.table-wrap', {}, h('table.data', { id: 'opportunities-table' },
      h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.length ? list.map((o) => h('tr', {},
        h('td', {}, o.entity_name),
        h('td.name', {}, o.title),
        h('td.hint', {}, detail(o)),
        h('td.num', {}, o.capacity ? `${o.placed} من ${o.capacity}` : String(o.placed)),
        h('td.num', {}, String(o.referred)),
        h('td', {}, h('span.chip', { style: `--chip:${o.status === 'open' ? '#0b6b4a' : '#6b6b6b'}` }, o.status_label)),
        h('td.row-actions', {},
          o.capacity ? h('button.btn.small', { type: 'button', class: 'waitlist', onclick: () => openWaitlist(o) }, 'قائمة الانتظار') : null,
          h('button.btn.small', { type: 'button', onclick: () => openForm(o) }, 'تعديل'))))
        : [h('tr', {}, h('td.empty-row', { colspan: head.length }, 'لا توجد فرص في هذا المسار بعد. أضف فرصة أو استوردها من ملف Excel تملؤه الجهة.'))]))));
  }

  /** Who waits for a seat or vacancy of `o`, first come first. */
  async function openWaitlist(o) {
    const list = await call('opportunity_waitlist', { id: o.id });
    formSlot.replaceChildren(h('section.card', { id: 'waitlist' },
      h('h2', {}, `قائمة الانتظار: ${o.title}`),
      h('p.hint', {}, o.capacity ? `شُغل ${o.placed} من ${o.capacity}. يُقدَّم الأسبق عند خلوّ مكان.` : ''),
      list.length
        ? h('ol', {}, list.map((r) => h('li', {}, `${r.person_name} — `, h('strong', {}, r.state_label))))
        : h('p.hint', {}, 'لا أحد في الانتظار.'),
      h('button.btn', { type: 'button', onclick: () => formSlot.replaceChildren() }, 'إغلاق')));
  }

  function openForm(o) {
    const track = o ? o.track : (tab === 'referrals' ? 'training' : tab);
    const v = (name) => (o ? o[name] ?? '' : '');
    const text = (name, value = v(name), attrs = {}) => h('input', { type: 'text', id: `o-${name}`, value, ...attrs });
    const check = (name, text2) => h('label.check', {}, h('input', { type: 'checkbox', id: `o-${name}`, checked: !!(o && o[name]) }), text2);
    const entity = h('select', { id: 'o-entity_id' }, h('option', { value: '' }, '— اختر الجهة —'),
      entities.entities.filter((e) => e.status !== 'withdrew').map((e) => h('option', { value: e.id, selected: o?.entity_id === e.id }, e.name_ar)));
    const trackSel = h('select', { id: 'o-track' }, vocab.tracks.map((t) => h('option', { value: t.code, selected: t.code === track }, t.label)));
    const status = h('select', { id: 'o-status' }, vocab.statuses.map((s) => h('option', { value: s.code, selected: (o?.status || 'open') === s.code }, s.label)));
    const tags = h('div.tag-chips', { id: 'o-eligibility' }, vocab.eligibility.map((t) => h('label.check', {},
      h('input', { type: 'checkbox', value: t.code, checked: !!o?.eligibility.includes(t.code) }), t.label)));
    const mode = h('select', { id: 'o-work_mode' }, h('option', { value: '' }, '—'), vocab.work_modes.map((m) => h('option', { value: m.code, selected: o?.work_mode === m.code }, m.label)));
    const kind = h('select', { id: 'o-support_kind' }, h('option', { value: '' }, '— اختر —'), vocab.support_kinds.map((m) => h('option', { value: m.code, selected: o?.support_kind === m.code }, m.label)));
    const parts = {
      training: h('div.grid', { dataset: { track: 'training' } },
        field('accreditor', 'جهة الاعتماد', text('accreditor')),
        field('hours', 'عدد الساعات', text('hours', v('hours'), { inputmode: 'numeric' })),
        withHijri(field('start_date', 'تاريخ البداية', h('input', { type: 'date', id: 'o-start_date', value: v('start_date') }))),
        withHijri(field('end_date', 'تاريخ النهاية', h('input', { type: 'date', id: 'o-end_date', value: v('end_date') }))),
        field('place', 'المكان', text('place')),
        h('div.checks', {}, check('online', 'عن بعد'), check('certificate', 'تمنح شهادة'))),
      job: h('div.grid', { dataset: { track: 'job' } },
        field('salary_min', 'أدنى راتب شهري (ريال)', text('salary_min', sar(o?.salary_min), { inputmode: 'decimal' })),
        field('salary_max', 'أعلى راتب شهري (ريال)', text('salary_max', sar(o?.salary_max), { inputmode: 'decimal' })),
        field('city', 'المدينة', text('city')),
        field('work_mode', 'نوع الدوام', mode),
        field('requirements', 'المتطلبات', text('requirements')),
        h('div.checks', {}, check('disability_ok', 'مناسبة لذوي الإعاقة'))),
      support: h('div.grid', { dataset: { track: 'support' } },
        field('support_kind', 'نوع الدعم *', kind),
        field('funder', 'الجهة المموّلة', text('funder')),
        field('ceiling', 'سقف الدعم (ريال)', text('ceiling', sar(o?.ceiling), { inputmode: 'decimal' })),
        field('conditions', 'الشروط', text('conditions'))),
    };
    const capacityLabel = h('span', {});
    const showTrack = () => {
      for (const [code, el] of Object.entries(parts)) el.hidden = code !== trackSel.value;
      capacityLabel.textContent = trackSel.value === 'job' ? 'عدد الشواغر *' : trackSel.value === 'training' ? 'عدد المقاعد *' : 'عدد المستفيدين (اختياري)';
    };
    trackSel.addEventListener('change', showTrack);
    const capacity = text('capacity', o?.capacity ?? '', { inputmode: 'numeric' });
    const capField = field('capacity', '', capacity);
    capField.querySelector('label').replaceChildren(capacityLabel);
    const form = h('form.card', { id: 'opportunity-form', novalidate: true },
      h('h2', {}, o ? `تعديل: ${o.title}` : 'فرصة جديدة'),
      h('div.grid', {},
        field('entity_id', 'الجهة *', entity),
        field('track', 'المسار *', trackSel),
        field('title', 'عنوان الفرصة *', text('title')),
        field('status', 'الحالة', status),
        capField),
      field('eligibility', 'الفئات المستهدفة', tags),
      parts.training, parts.job, parts.support,
      h('div.form-error', { role: 'alert' }),
      h('div.actions', {}, h('button.btn.primary', { type: 'submit', id: 'save-opportunity' }, o ? 'حفظ' : 'إضافة'),
        h('button.btn', { type: 'button', onclick: () => formSlot.replaceChildren() }, 'إغلاق')));
    showTrack();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const val = (n) => form.querySelector(`#o-${n}`).value;
      const on = (n) => form.querySelector(`#o-${n}`).checked;
      const data = {
        entity_id: Number(val('entity_id')) || null, track: val('track'), title: val('title'), status: val('status'),
        capacity: val('capacity'), eligibility: [...tags.querySelectorAll('input:checked')].map((i) => i.value).join(','),
        accreditor: val('accreditor'), hours: val('hours'), start_date: val('start_date'), end_date: val('end_date'),
        place: val('place'), online: on('online'), certificate: on('certificate'),
        salary_min: val('salary_min'), salary_max: val('salary_max'), city: val('city'), work_mode: val('work_mode'),
        disability_ok: on('disability_ok'), requirements: val('requirements'),
        support_kind: val('support_kind'), funder: val('funder'), ceiling: val('ceiling'), conditions: val('conditions'),
      };
      try {
        const saved = o ? await call('opportunity_update', { id: o.id, opportunity: data }) : await call('opportunity_create', { forum_id: forumId, opportunity: data });
        toast(o ? 'حُفظت التعديلات' : `أُضيفت «${saved.title}»`);
        formSlot.replaceChildren();
        if (tab !== 'referrals') { tab = saved.track; paintTabs(); }
        paint();
      } catch (err) { showErrors(form, err); }
    });
    formSlot.replaceChildren(form);
    form.querySelector('select')?.focus();
  }

  async function paintReferrals() {
    const trackFilter = h('select', { id: 'ref-track', 'aria-label': 'المسار' }, h('option', { value: '' }, 'كل المسارات'),
      vocab.tracks.map((t) => h('option', { value: t.code }, t.label)));
    const stateFilter = h('select', { id: 'ref-state', 'aria-label': 'الحالة' }, h('option', { value: '' }, 'كل الحالات'));
    const body = h('tbody');
    const detailSlot = h('div', { id: 'referral-detail' });
    const fillStates = () => {
      const states = trackFilter.value ? trackOf[trackFilter.value].stages : [...new Map(vocab.tracks.flatMap((t) => t.stages).map((s) => [s.state, s])).values()];
      stateFilter.replaceChildren(h('option', { value: '' }, 'كل الحالات'), states.map((s) => h('option', { value: s.state }, s.label)));
    };
    const load = async () => {
      const list = await call('referral_list', { forum_id: forumId, track: trackFilter.value || null, state: stateFilter.value || null });
      count.textContent = counted(list.length, NOUNS.referral);
      body.replaceChildren(...(list.length ? list.slice(0, 300).map((r) => h('tr', { class: 'clickable', tabindex: 0, onclick: () => openReferral(r.id), onkeydown: (e) => { if (e.key === 'Enter') openReferral(r.id); } },
        h('td.name', {}, r.person_name),
        h('td', {}, r.opportunity_title),
        h('td', {}, r.entity_name),
        h('td', {}, trackOf[r.track].label),
        h('td', {}, h('span.chip', { style: `--chip:${r.placed ? '#0b6b4a' : '#6b6b6b'}` }, r.state_label)),
        h('td.num', {}, venueDate(r.scanned_at))))
        : [h('tr', {}, h('td.empty-row', { colspan: 6 }, 'لا توجد إحالات بهذه الصفة. تُسجَّل الإحالات من شاشة الركن عند مسح بطاقة الزائر.'))]));
    };
    const count = h('span.count', { id: 'referrals-count' });
    // Entities that never open the app fill in their outcomes in a sheet.
    const entitySel = h('select', { id: 'outcomes-entity', 'aria-label': 'الجهة' }, h('option', { value: '' }, '— جهة —'),
      entities.entities.map((e) => h('option', { value: e.id }, e.name_ar)));
    const outcomesSlot = h('div', { id: 'outcomes-slot' });
    const sheetBar = h('div.toolbar', {}, h('span.hint', {}, 'ملف نتائج لجهة لا تستخدم البرنامج:'), entitySel,
      h('button.btn.small', { type: 'button', id: 'export-outcomes', onclick: async () => {
        if (!entitySel.value) { toast('اختر الجهة أولًا', 'error'); return; }
        try {
          const f = await call('outcomes_export_xlsx', { entity_id: Number(entitySel.value) });
          await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        } catch (e) { toast(e.message, 'error'); }
      } }, 'تصدير ملف الجهة'),
      h('button.btn.small', { type: 'button', id: 'import-outcomes', onclick: () => outcomesSlot.replaceChildren(importPanel(forumId, () => outcomesSlot.replaceChildren(), load, 'outcomes')) }, 'استيراد النتائج'));
    trackFilter.addEventListener('change', () => { fillStates(); load(); });
    stateFilter.addEventListener('change', load);
    fillStates();
    slot.replaceChildren(h('div.toolbar', {}, trackFilter, stateFilter, count), sheetBar, outcomesSlot, detailSlot,
      h('div.table-wrap', {}, h('table.data', { id: 'referrals-table' },
        h('thead', {}, h('tr', {}, ['الشخص', 'الفرصة', 'الجهة', 'المسار', 'الحالة', 'تاريخ الإحالة'].map((t) => h('th', { scope: 'col' }, t)))), body)));
    await load();

    async function openReferral(id) {
      const d = await call('referral_get', { id });
      const r = d.referral;
      const reason = h('select', { id: 'move-reason' }, h('option', { value: '' }, '— السبب (للنتيجة السلبية) —'), vocab.reasons.map((x) => h('option', { value: x.code }, x.label)));
      const reasonText = h('input', { type: 'text', id: 'move-reason-text', placeholder: 'تفصيل السبب (عند «سبب آخر»)' });
      const verified = h('select', { id: 'move-verified' }, h('option', { value: '' }, '— طريقة التحقق —'), vocab.verified_by.map((x) => h('option', { value: x.code }, x.label)));
      const at = h('input', { type: 'date', id: 'move-at', 'aria-label': 'تاريخ النتيجة' });
      const error = h('div', { role: 'alert' });
      const move = async (to) => {
        error.replaceChildren();
        try {
          await call('referral_move', { id, to, reason: reason.value, reason_text: reasonText.value, verified_by: verified.value, at: at.value || null });
          toast('حُدّثت الإحالة');
          await load();
          await openReferral(id);
        } catch (e) { error.replaceChildren(errorBox(e)); }
      };
      detailSlot.replaceChildren(h('section.card.referral-card', { id: 'referral-card' },
        h('h2', {}, `${r.person_name} — ${r.opportunity_title}`),
        h('p', {}, `${r.entity_name} · ${trackOf[r.track].label} · الحالة الآن: `, h('strong', {}, r.state_label),
          r.rating ? ` · التقييم ${r.rating} من 5` : '', r.note ? ` · ${r.note}` : ''),
        d.next.length
          ? h('div', {}, h('div.inline-form', {}, reason, reasonText, verified, at),
            h('div.actions.tight', {}, d.next.map((n) => h(`button.btn${n.negative ? '.danger-outline' : '.primary'}`, { type: 'button', dataset: { to: n.state }, onclick: () => move(n.state) }, n.label))))
          : h('p.hint', {}, 'هذه نتيجة نهائية لهذه الإحالة.'),
        error,
        h('h3', {}, 'سجل الإحالة'),
        h('ol.events', {}, d.events.map((e) => h('li', {},
          h('strong', {}, trackOf[r.track].stages.find((s) => s.state === e.to_state)?.label || e.to_state),
          ` — ${venueTime(e.at, { date: true })} — ${e.by}`,
          e.reason ? ` — ${label(vocab.reasons, e.reason)}${e.reason_text ? `: ${e.reason_text}` : ''}` : '',
          e.verified_by ? ` (تحقق: ${label(vocab.verified_by, e.verified_by)})` : ''))),
        h('button.btn', { type: 'button', onclick: () => detailSlot.replaceChildren() }, 'إغلاق')));
      detailSlot.scrollIntoView({ block: 'nearest' });
    }
  }

  /** Calls due after placements (+30, +90, +180 days), by social-security office. */
  async function paintFollowUps() {
    const list = await call('follow_up_list', { forum_id: forumId });
    const byOffice = new Map();
    for (const f of list) {
      const k = f.office || 'دون مكتب';
      if (!byOffice.has(k)) byOffice.set(k, []);
      byOffice.get(k).push(f);
    }
    const results = vocab.follow_up_results;
    const row = (f) => h('tr', { dataset: { id: f.id } },
      h('td.name', {}, f.person_name),
      h('td', { dir: 'ltr' }, f.mobile || '—'),
      h('td', {}, `${f.opportunity_title} — ${f.entity_name}`),
      h('td.num', {}, `+${f.days}`),
      h('td', {}, f.due, f.overdue ? h('span.chip', { style: '--chip:#b3261e' }, ' متأخرة') : null),
      h('td.row-actions', {}, results.filter((r) => r.code !== 'completed' || f.track === 'training').map((r) => h('button.btn.small', {
        type: 'button', title: r.label, dataset: { result: r.code },
        onclick: async () => {
          try {
            const moved = await call('follow_up_record', { id: f.id, result: r.code });
            toast(`سُجلت المتابعة — الحالة الآن: ${moved.state_label}`);
            paint();
          } catch (e) { toast(e.message, 'error'); }
        },
      }, r.label.split(' (')[0]))));
    slot.replaceChildren(h('p.hint', { id: 'follow-up-count' }, `${counted(list.length, NOUNS.followUp)} لم تُسجل نتيجتها، مرتبة حسب مكتب الضمان الاجتماعي`),
      ...(list.length ? [...byOffice].map(([office, items]) => h('section.card', {},
        h('h3', {}, `${office} (${items.length})`),
        h('div.table-wrap', {}, h('table.data.follow-ups', {},
          h('thead', {}, h('tr', {}, ['الشخص', 'الجوال', 'الفرصة', 'بعد', 'الموعد', 'النتيجة'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, items.slice(0, 200).map(row))))))
        : [h('p.empty-row', {}, 'لا متابعات مستحقة. تُجدول المتابعة تلقائيًا عند الالتحاق أو التوظيف أو التمويل.')]));
  }

  /** The families-empowered report: the headline under its definition, each track's funnel as
   *  bars, the reconciliation that explains the tracks' sum, and the figures by office, entity,
   *  gender, disability and day, each with its bars; .xlsx and PDF of the same figures. */
  async function paintImpact() {
    const strict = h('input', { type: 'checkbox', id: 'impact-strict', checked: sessionStorage.getItem('multaqa.impact.strict') === '1' });
    const r = await call('impact_report', { forum_id: forumId, require_90_days: strict.checked });
    strict.addEventListener('change', () => { sessionStorage.setItem('multaqa.impact.strict', strict.checked ? '1' : '0'); paint(); });
    const pct = (x) => (x === null || x === undefined ? '' : `${Math.round(x * 100)}٪`);
    const rec = r.reconciliation;
    const trackCards = r.by_track.map((t) => {
      const top = Math.max(1, ...t.funnel.map((s) => s.count));
      return h('section.card.funnel', { dataset: { track: t.track } },
        h('h3', {}, t.label),
        h('p.hint', {}, `${counted(t.referrals, NOUNS.referral)} لـ${counted(t.people_referred, NOUNS.person)}؛ تمكّن ${t.people_empowered}`),
        h('ul.funnel-bars', {}, t.funnel.map((s) => h('li', {},
          h('span.stage', {}, s.label),
          h('span.bar', { style: `--w:${(100 * s.count) / top}%` }, h('span', {})),
          h('span.num', {}, String(s.count)),
          h('span.hint', {}, [pct(s.conversion), s.median_days !== null && s.median_days !== undefined ? counted(Math.round(s.median_days), NOUNS.day) : ''].filter(Boolean).join(' · '))))));
    });
    slot.replaceChildren(
      h('section.card.impact-head', { id: 'impact-head' },
        h('div.kpis', {},
          h('div.kpi.accent', {}, h('span', {}, 'الأسر الممكَّنة'), h('strong', { id: 'impact-families' }, String(r.families_empowered))),
          h('div.kpi', {}, h('span', {}, 'الأشخاص الممكَّنون'), h('strong', {}, String(r.people_empowered))),
          h('div.kpi', {}, h('span', {}, 'الأشخاص المحالون'), h('strong', {}, String(r.people_referred)))),
        h('p', { id: 'impact-definition' }, r.definition.text, h('span.hint', {}, ` (التعريف، الإصدار ${r.definition.version})`)),
        h('label.check', {}, strict, 'احتساب التوظيف والتمويل فقط إن استمرا عند متابعة التسعين يومًا'),
        h('div.actions.tight', {}, h('button.btn', { type: 'button', id: 'impact-xlsx', onclick: async () => {
          try {
            const f = await call('impact_report_xlsx', { forum_id: forumId, require_90_days: strict.checked });
            await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
          } catch (e) { toast(e.message, 'error'); }
        } }, 'تصدير Excel'),
        h('button.btn', { type: 'button', id: 'impact-pdf', onclick: async (ev) => {
          const b = ev.currentTarget;
          b.disabled = true;
          try {
            const f = await call('impact_report_pdf', { forum_id: forumId, require_90_days: strict.checked });
            await saveFile(f.file_name, f.data_base64, 'application/pdf');
          } catch (e) { toast(e.message, 'error'); } finally { b.disabled = false; }
        } }, 'تقرير PDF'))),
      h('div.funnels', {}, trackCards),
      h('section.card', { id: 'impact-reconciliation' }, h('h3', {}, 'المطابقة: لماذا يزيد مجموع المسارات على الإجمالي'),
        h('table.data.compact', {}, h('tbody', {},
          r.by_track.map((t) => h('tr', {}, h('td', {}, `الممكَّنون في ${t.label}`), h('td.num', {}, String(t.people_empowered)))),
          h('tr', {}, h('td', {}, 'مجموع المسارات'), h('td.num', {}, String(rec.sum_of_tracks))),
          h('tr', {}, h('td', {}, 'أشخاص في أكثر من مسار'), h('td.num', {}, String(rec.people_in_more_than_one_track))),
          h('tr', {}, h('th', {}, 'الأشخاص دون تكرار'), h('td.num', {}, String(rec.unique_people))),
          h('tr', {}, h('th', {}, 'الأسر دون تكرار (رقم ملف الضمان)'), h('td.num', {}, String(rec.unique_families)))))),
      h('div.breakdowns', {}, [
        ['offices', 'حسب مكتب الضمان الاجتماعي', 'المكتب', r.by_office],
        ['entities', 'حسب الجهة الممكنة', 'الجهة', r.by_entity],
        ['gender', 'حسب الجنس', 'الجنس', r.by_gender],
        ['disability', 'حسب الإعاقة', 'الفئة', r.by_disability],
        ['days', 'حسب يوم الإحالة', 'اليوم', r.by_day],
      ].map(([id, title, head, groups]) => breakdown(id, title, head, groups))));
  }

  /** One breakdown of the report: a row per group, its figures, and a bar of its families. */
  function breakdown(id, title, head, groups) {
    const top = Math.max(1, ...groups.map((g) => g.families_empowered));
    return h('section.card.breakdown', { id: `impact-${id}` }, h('h3', {}, title),
      groups.length ? h('div.table-wrap', {}, h('table.data.compact', {},
        h('thead', {}, h('tr', {}, [head, 'المحالون', 'الممكَّنون', 'الأسر الممكَّنة', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, groups.map((g) => h('tr', {}, h('td', {}, g.key), h('td.num', {}, String(g.people_referred)),
          h('td.num', {}, String(g.people_empowered)), h('td.num', {}, String(g.families_empowered)),
          h('td.chart-cell', { 'aria-hidden': 'true' }, h('span.bar-track', {},
            h('span.bar-fill', { style: `width:${(100 * g.families_empowered) / top}%;background:var(--green)` }))))))))
        : h('p.empty-row', {}, 'لا إحالات بعد'));
  }

  async function exportXlsx() {
    try {
      const f = await call('opportunity_export_xlsx', { forum_id: forumId });
      await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    } catch (e) { toast(e.message, 'error'); }
  }

  paintTabs();
  await paint();
}
