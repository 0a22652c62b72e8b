// Certificates (الشهادات): who qualifies for each kind, the design (with live preview), issuing
// and printing them as one PDF or one file per person (serials are kept when printed again),
// revoking one, and checking a certificate (genuine, revoked, forged).
import { call } from '../api.js';
import { h, noForum, errorBox, saveFile, followJob, toast, counted, NOUNS } from '../dom.js';
import { currentForumId } from '../forum-context.js';
import { designPanel } from './certificate-design.js';

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const kinds = await call('certificate_kinds');
  const kind = h('select', { id: 'cert-kind', 'aria-label': 'نوع الشهادة' }, kinds.map((k) => h('option', { value: k.kind }, k.label)));
  // Course completion: one batch per course (its title, hours and entity fill the wording).
  const course = h('select', { id: 'cert-course', 'aria-label': 'الدورة', hidden: true });
  const scope = () => (kind.value === 'course'
    ? { kind: 'course', course_id: course.value ? Number(course.value) : null }
    : { kind: kind.value });
  async function loadCourses() {
    const list = await call('certificate_courses', { forum_id: forumId });
    const keep = course.value;
    course.replaceChildren(...(list.length
      ? list.map((c) => h('option', { value: c.id }, `${c.title} — ${c.entity} (أتمها ${c.completed}، صدرت ${c.issued})`))
      : [h('option', { value: '' }, 'لا توجد دورات تمنح شهادة بعد')]));
    if (keep && list.some((c) => String(c.id) === keep)) course.value = keep;
  }
  const count = h('span.count', { id: 'cert-count' });
  const body = h('tbody');
  const status = h('div', { id: 'cert-status', role: 'status' });
  const issue = h('button.btn.primary', { type: 'button', id: 'cert-issue' }, 'إصدار وطباعة (PDF)');
  const perPerson = h('input', { type: 'checkbox', id: 'cert-per-person' });
  const design = h('button.btn', { type: 'button', id: 'cert-design' }, 'تصميم الشهادة');
  const designSlot = h('div', { id: 'cert-design-slot' });
  const verifyInput = h('input.search', { type: 'text', id: 'verify-input', dir: 'ltr', placeholder: 'SEF-1441-01-000123', 'aria-label': 'رقم الشهادة أو نص رمز QR' });
  const verifyResult = h('div', { id: 'verify-result', role: 'status' });

  view.append(
    h('header.page-head', {}, h('h1', {}, 'الشهادات ', count),
      h('div.actions.tight', {}, kind, course, design,
        h('label.check', { title: 'ملف مضغوط فيه مجلد بملف PDF لكل شخص' }, perPerson, ' ملف لكل مستحق'), issue)),
    designSlot,
    status,
    h('div.table-wrap', {}, h('table.data', { id: 'cert-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'الاسم'), h('th', {}, 'رقم الشهادة'), h('th', {}, ''))), body)),
    h('section.card.verify', {},
      h('h2', {}, 'التحقق من شهادة'),
      h('p.hint', {}, 'اكتب رقم الشهادة أو امسح رمز QR المطبوع عليها.'),
      h('p.hint', { id: 'public-key' }, 'المفتاح العام الذي تتحقق به الجهات من الشهادات دون البرنامج: ', h('code', { dir: 'ltr', id: 'public-key-value' }, '…')),
      h('form.toolbar', { id: 'verify-form' }, verifyInput, h('button.btn', { type: 'submit' }, 'تحقق')),
      verifyResult));

  async function load() {
    try {
      course.hidden = kind.value !== 'course';
      if (kind.value === 'course') await loadCourses();
      const list = await call('certificate_eligible', { forum_id: forumId, ...scope() });
      count.textContent = `(${counted(list.length, NOUNS.eligible)})`;
      body.replaceChildren(...(list.length ? list.map(row)
        : [h('tr', {}, h('td.empty-row', { colspan: 3 }, 'لا يوجد مستحقون لهذا النوع بعد.'))]));
    } catch (e) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 3 }, errorBox(e))));
    }
  }

  function row(r) {
    const actions = h('td.row-actions');
    const tr = h('tr', { dataset: { personId: r.person_id } },
      h('td.name', {}, r.name),
      h('td.num.code', { dir: 'ltr' }, r.serial || '—', r.revoked ? h('span.chip.revoked', {}, 'ملغاة') : null,
        r.replaces ? h('small.replaces', { dir: 'rtl' }, 'بديل عن ', h('bdi', { dir: 'ltr' }, r.replaces)) : null),
      actions);
    if (!r.revoked) {
      actions.append(h('button.btn.small', { type: 'button', 'aria-label': `طباعة شهادة ${r.name}`, onclick: () => printOne(r) }, 'طباعة'));
    } else {
      // A new certificate with a new serial that points back to the revoked one.
      actions.append(h('button.btn.small.replace', { type: 'button', 'aria-label': `إصدار شهادة بديلة لـ${r.name}`, onclick: () => printOne(r) }, 'إصدار بديل'));
    }
    if (r.serial && !r.revoked) {
      actions.append(h('button.btn.small.danger-outline.revoke', { type: 'button', onclick: () => askRevoke(r, actions) }, 'إلغاء'));
    }
    return tr;
  }

  function askRevoke(r, cell) {
    const reason = h('input', { type: 'text', class: 'revoke-reason', placeholder: 'سبب الإلغاء', 'aria-label': 'سبب الإلغاء', required: true });
    const form = h('form.inline-form', {}, reason,
      h('button.btn.small.danger', { type: 'submit' }, 'تأكيد الإلغاء'),
      h('button.btn.small', { type: 'button', onclick: () => load() }, 'تراجع'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await call('certificate_revoke', { serial: r.serial, reason: reason.value });
        toast(`أُلغيت الشهادة ${r.serial}`);
        load();
      } catch (e) {
        form.append(errorBox(e));
      }
    });
    cell.replaceChildren(form);
    reason.focus();
  }

  async function printOne(r) {
    try {
      const { job_id } = await call('certificate_issue_start', { forum_id: forumId, ...scope(), person_ids: [r.person_id] });
      const res = await followJob(job_id, () => {});
      await saveFile(res.file_name.replace('.pdf', ` — ${r.name}.pdf`), res.data_base64, 'application/pdf');
      load();
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
  }

  design.addEventListener('click', async () => {
    if (designSlot.firstChild) {
      designSlot.replaceChildren();
      return;
    }
    try {
      designSlot.replaceChildren(await designPanel(forumId, kind.value, () => { designSlot.replaceChildren(); load(); }));
    } catch (e) {
      designSlot.replaceChildren(errorBox(e));
    }
  });

  issue.addEventListener('click', async () => {
    issue.disabled = true;
    const bar = h('progress', { max: 100, value: 0, id: 'cert-progress' });
    const label = h('span', {}, 'جارٍ الإصدار والطباعة…');
    status.replaceChildren(h('div.progress-row', {}, bar, label));
    try {
      const { job_id } = await call('certificate_issue_start', { forum_id: forumId, ...scope(), per_person: perPerson.checked });
      const r = await followJob(job_id, (done, total) => {
        bar.value = Math.round((100 * done) / total);
        label.textContent = `${done} من ${total}`;
      });
      status.replaceChildren(h('p.notice.ok', { id: 'cert-done' }, `طُبعت ${counted(r.count, NOUNS.certificate)}، الجديدة منها ${r.new}.`));
      await saveFile(r.file_name, r.data_base64, perPerson.checked ? 'application/zip' : 'application/pdf');
      load();
    } catch (e) {
      status.replaceChildren(errorBox(e));
    } finally {
      issue.disabled = false;
    }
  });

  view.querySelector('#verify-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const v = await call('certificate_verify', { text: verifyInput.value });
      const cls = { genuine: 'ok', revoked: 'already', forged: 'refused', unknown: 'refused' }[v.status];
      const word = { genuine: 'صحيحة', revoked: 'ملغاة', forged: 'مزوّرة', unknown: 'غير موجودة' }[v.status];
      verifyResult.replaceChildren(h(`div.desk-card.${cls}.small-card`, {},
        h('span.card-label', {}, word),
        h('p.big', {}, v.message),
        v.kind ? h('p', {}, `${v.kind} — ${v.forum}`) : null));
    } catch (e) {
      verifyResult.replaceChildren(errorBox(e));
    }
  });

  call('certificate_public_key').then((k) => { view.querySelector('#public-key-value').textContent = k.public_key; }).catch(() => {});
  kind.addEventListener('change', () => { designSlot.replaceChildren(); load(); });
  course.addEventListener('change', () => load());
  await load();
}
