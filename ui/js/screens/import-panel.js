// Importing rows from .xlsx/.csv (people, enabling entities, family applications): choose the
// file, confirm which column is which, watch the progress, then read (and save as .xlsx) the
// rows that were refused, with their reasons. People's imports are also listed as the core
// records them (from this window, another or the command line): running, done, failed or
// interrupted — the rows of the last two were not imported.
import { call } from '../api.js';
import { h, toast, errorBox, saveFile, followJob, readAsDataUrl, counted, NOUNS, venueTime } from '../dom.js';

const START = { people: 'person_import_start', entities: 'entity_import_start', families: 'family_import_start', opportunities: 'opportunity_import_start', outcomes: 'outcomes_import_start' };

/** The import panel for `kind` (people, entities, families); `onDone` after an import. */
export function importPanel(forumId, onClose, onDone, kind = 'people') {
  const fileInput = h('input', { type: 'file', id: 'import-file', accept: '.xlsx,.csv' });
  const body = h('div.import-body', { id: 'import-body' });
  const history = h('div.import-history', { id: 'import-history' });
  const panel = h('section.card.import-panel', { id: 'import-panel' },
    h('h2', {}, 'استيراد من ملف Excel أو CSV'),
    h('p.hint', {}, 'الصف الأول عناوين الأعمدة (بالعربية أو الإنجليزية). ستؤكد ربط الأعمدة قبل الاستيراد.'),
    h('div.logo-row', {}, fileInput, h('button.btn', { type: 'button', onclick: onClose }, 'إغلاق')),
    kind === 'people' ? history : null,
    body);
  let polling = null;

  /** The latest imports of people, polled while one runs (until the panel leaves the page). */
  async function showHistory() {
    clearTimeout(polling);
    if (kind !== 'people') return;
    let list;
    try {
      list = await call('person_imports', { forum_id: forumId });
    } catch {
      return;
    }
    const recent = list.slice(0, 5);
    history.replaceChildren(...(recent.length ? [h('h3', {}, 'آخر عمليات الاستيراد'),
      h('ul.import-list', {}, recent.map(importItem))] : []));
    if (list.some((b) => b.state === 'running') && panel.isConnected) polling = setTimeout(showHistory, 1000);
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    if (!file) return;
    body.replaceChildren(h('p', {}, 'جارٍ قراءة الملف…'));
    try {
      const data = await readAsDataUrl(file);
      const preview = await call('import_preview', { kind, file_name: file.name, data_base64: data });
      showMapping(file.name, data, preview);
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  });

  function showMapping(fileName, data, preview) {
    const selects = preview.headers.map((header, i) => h('select', { 'aria-label': `حقل العمود ${header}`, dataset: { col: i } },
      h('option', { value: '' }, '— تجاهل —'),
      preview.fields.map((f) => h('option', { value: f.field, selected: preview.mapping[i] === f.field }, f.label))));
    const table = h('table.data.mapping', { id: 'import-mapping' },
      h('thead', {}, h('tr', {}, h('th', {}, 'العمود في الملف'), h('th', {}, 'يُقرأ على أنه'), h('th', {}, 'أمثلة من الملف'))),
      h('tbody', {}, preview.headers.map((header, i) => h('tr', {},
        h('td.name', {}, header || `عمود ${i + 1}`),
        h('td', {}, selects[i]),
        h('td.sample', {}, preview.sample.map((r) => r[i]).filter(Boolean).slice(0, 3).join(' · '))))));
    const error = h('div', { id: 'import-error', role: 'alert' });
    const start = h('button.btn.primary', { type: 'button', id: 'import-start' }, `استيراد ${counted(preview.row_count, NOUNS.row)}`);
    // People: the category of rows that have none (or of a file without that column).
    const fallback = h('select', { id: 'import-default-category', 'aria-label': 'الفئة للصفوف التي بلا فئة' },
      h('option', { value: '' }, '— لا شيء (تُرفض الصفوف بلا فئة) —'));
    if (kind === 'people') {
      call('categories').then((cats) => {
        fallback.append(...cats.map((c) => h('option', { value: c.code }, c.label_ar)));
        if (!selects.some((s) => s.value === 'category')) fallback.value = 'beneficiary';
      }).catch(() => {});
    }
    body.replaceChildren(...[table,
      kind === 'people' ? h('div.field.inline', {}, h('label', { for: 'import-default-category' }, 'الفئة للصفوف التي بلا فئة: '), fallback) : null,
      error, h('div.actions', {}, start)].filter(Boolean));
    start.addEventListener('click', async () => {
      error.replaceChildren();
      start.disabled = true;
      try {
        const mapping = selects.map((s) => s.value || null);
        const { job_id } = await call(START[kind], {
          forum_id: forumId, file_name: fileName, data_base64: data, mapping, by: localStorage.getItem('multaqa.desk') || 'الجهاز الرئيس',
          ...(kind === 'people' && fallback.value ? { default_category: fallback.value } : {}),
        });
        await follow(job_id);
      } catch (e) {
        error.replaceChildren(errorBox(e));
        start.disabled = false;
      }
    });
  }

  async function follow(jobId) {
    const bar = h('progress', { id: 'import-progress', max: 100, value: 0 });
    const label = h('span', {}, 'جارٍ الاستيراد…');
    body.replaceChildren(h('div.progress-row', {}, bar, label));
    showHistory();
    let result;
    try {
      result = await followJob(jobId, (done, total) => {
        bar.value = Math.round((100 * done) / total);
        label.textContent = `${done} من ${total}`;
      });
    } catch (e) {
      body.replaceChildren(errorBox(e), h('p', {}, 'لم يُستورد أي صف من الملف.'));
      showHistory();
      return;
    }
    showReport(result);
    showHistory();
    onDone();
  }

  function showReport(r) {
    const summary = h('div.kpis', { id: 'import-summary' },
      h('div.kpi.accent', {}, h('span', {}, 'استُورد'), h('strong', {}, String(r.imported))),
      h('div.kpi', {}, h('span', {}, 'مرفوض'), h('strong', {}, String(r.rejected))),
      h('div.kpi', {}, h('span', {}, 'مكرر'), h('strong', {}, String(r.duplicates))));
    if (!r.rejects.length) {
      body.replaceChildren(summary, h('p', {}, 'استُوردت كل الصفوف.'));
      return;
    }
    const save = h('button.btn', { type: 'button', id: 'import-save-rejects' }, 'حفظ الصفوف المرفوضة (Excel)');
    save.addEventListener('click', async () => {
      try {
        const f = await call('person_import_rejects_xlsx', { headers: r.headers, rejects: r.rejects });
        await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      } catch (e) { toast(e.message, 'error'); }
    });
    body.replaceChildren(summary,
      h('h3', {}, 'الصفوف المرفوضة — صحّحها واستوردها مرة أخرى'),
      h('div.table-wrap.short', {}, h('table.data', { id: 'import-rejects' },
        h('thead', {}, h('tr', {}, h('th', {}, 'الصف'), h('th', {}, 'السبب'), h('th', {}, 'البيانات'))),
        h('tbody', {}, r.rejects.map((x) => h('tr', {},
          h('td.num', {}, String(x.row)), h('td', {}, x.reason), h('td.sample', {}, x.values.filter(Boolean).join(' · '))))))),
      h('div.actions', {}, save));
  }

  showHistory();
  return panel;
}

const STATE = {
  running: ['جارٍ', 'running'],
  done: ['اكتمل', 'done'],
  failed: ['تعذّر', 'failed'],
  interrupted: ['انقطع', 'interrupted'],
};

/** One import in the list: its file, state, when, and what came of it. */
function importItem(b) {
  const [label, cls] = STATE[b.state] || [b.state, ''];
  const when = venueTime(b.finished_at || b.started_at, { date: true });
  let detail;
  if (b.state === 'running') {
    detail = [h('progress', { max: b.total_rows || 1, value: b.done_rows }),
      ` ${b.done_rows} من ${counted(b.total_rows, NOUNS.row)} — لا يظهر منها شيء حتى يكتمل`];
  } else if (b.state === 'done') {
    detail = `استُورد ${counted(b.imported, NOUNS.person)}، ورُفض ${b.rejected}، ومكرر ${b.duplicates}`;
  } else {
    const why = b.state === 'interrupted'
      ? `توقف عند ${b.done_rows} من ${counted(b.total_rows, NOUNS.row)} (أُغلق البرنامج أو انقطعت الكهرباء)`
      : b.error;
    const kept = b.kept ? `؛ وبقي ${counted(b.kept, NOUNS.person)} لهم حضور أو إحالات مسجلة` : '';
    detail = `${why} — لم يُستورد أي صف من الملف${kept}. استورده مرة أخرى.`;
  }
  return h(`li.import-item.${cls}`, { dataset: { state: b.state } },
    h(`span.chip.import-state.${cls}`, {}, label),
    h('bdi.file', {}, b.file_name || 'ملف'),
    h('span.hint', {}, ` ${when}${b.by ? ` — ${b.by}` : ''}`),
    h('div.detail', {}, detail));
}
