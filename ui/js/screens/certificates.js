// Certificates (الشهادات): who qualifies for each kind, issuing and printing them as one PDF
// (serials are kept when printed again), and checking a certificate (genuine, revoked, forged).
import { call } from '../api.js';
import { h, noForum, errorBox, saveFile, followJob } from '../dom.js';
import { currentForumId } from '../forum-context.js';

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const kinds = (await call('certificate_kinds')).filter((k) => ['attendance', 'appreciation_volunteer'].includes(k.kind));
  const kind = h('select', { id: 'cert-kind', 'aria-label': 'نوع الشهادة' }, kinds.map((k) => h('option', { value: k.kind }, k.label)));
  const count = h('span.count', { id: 'cert-count' });
  const body = h('tbody');
  const status = h('div', { id: 'cert-status', role: 'status' });
  const issue = h('button.btn.primary', { type: 'button', id: 'cert-issue' }, 'إصدار وطباعة (PDF)');
  const verifyInput = h('input.search', { type: 'text', id: 'verify-input', dir: 'ltr', placeholder: 'SEF-1441-000123', 'aria-label': 'رقم الشهادة أو نص رمز QR' });
  const verifyResult = h('div', { id: 'verify-result', role: 'status' });

  view.append(
    h('header.page-head', {}, h('h1', {}, 'الشهادات ', count), h('div.actions.tight', {}, kind, issue)),
    status,
    h('div.table-wrap', {}, h('table.data', { id: 'cert-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'الاسم'), h('th', {}, 'رقم الشهادة'))), body)),
    h('section.card.verify', {},
      h('h2', {}, 'التحقق من شهادة'),
      h('p.hint', {}, 'اكتب رقم الشهادة أو امسح رمز QR المطبوع عليها.'),
      h('form.toolbar', { id: 'verify-form' }, verifyInput, h('button.btn', { type: 'submit' }, 'تحقق')),
      verifyResult));

  async function load() {
    try {
      const list = await call('certificate_eligible', { forum_id: forumId, kind: kind.value });
      count.textContent = `(${list.length} مستحق)`;
      body.replaceChildren(...(list.length ? list.map((r) => h('tr', {},
        h('td.name', {}, r.name),
        h('td.num.code', { dir: 'ltr' }, r.serial ? `${r.serial}${r.revoked ? ' ✗' : ''}` : '—')))
        : [h('tr', {}, h('td.empty-row', { colspan: 2 }, 'لا يوجد مستحقون لهذا النوع بعد.'))]));
    } catch (e) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 2 }, errorBox(e))));
    }
  }

  issue.addEventListener('click', async () => {
    issue.disabled = true;
    const bar = h('progress', { max: 100, value: 0, id: 'cert-progress' });
    const label = h('span', {}, 'جارٍ الإصدار والطباعة…');
    status.replaceChildren(h('div.progress-row', {}, bar, label));
    try {
      const { job_id } = await call('certificate_issue_start', { forum_id: forumId, kind: kind.value });
      const r = await followJob(job_id, (done, total) => {
        bar.value = Math.round((100 * done) / total);
        label.textContent = `${done} من ${total}`;
      });
      status.replaceChildren(h('p.notice.ok', { id: 'cert-done' }, `طُبعت ${r.count} شهادة (${r.new} جديدة).`));
      await saveFile(r.file_name, r.data_base64, 'application/pdf');
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

  kind.addEventListener('change', load);
  await load();
}
