// Dashboard (لوحة المتابعة): registered people and today's check-ins, by category and by hour,
// refreshed every few seconds while desks work; the productive-families exhibition's sales per
// day and per category; the forum's final report as PDF and .xlsx.
import { call } from '../api.js';
import { h, noForum, dayName, sar, saveFile, toast } from '../dom.js';
import { currentForumId } from '../forum-context.js';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function hourChart(byHour) {
  const hours = [];
  const first = byHour.length ? Math.min(8, ...byHour.map((x) => x.hour)) : 8;
  const last = byHour.length ? Math.max(17, ...byHour.map((x) => x.hour)) : 17;
  for (let hr = first; hr <= last; hr++) hours.push({ hour: hr, count: byHour.find((x) => x.hour === hr)?.count ?? 0 });
  const max = Math.max(1, ...hours.map((x) => x.count));
  const W = 640, H = 220, pad = 28, bw = (W - pad * 2) / hours.length;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'الحضور حسب الساعة', class: 'chart', id: 'hour-chart' });
  hours.forEach((x, i) => {
    // Right to left: the first hour at the right edge.
    const xPos = W - pad - (i + 1) * bw + 4;
    const bh = ((H - pad * 2) * x.count) / max;
    chart.append(svg('rect', { x: xPos, y: H - pad - bh, width: bw - 8, height: bh, rx: 3, class: 'bar' },
      svg('title', {}, `${x.hour}:00 — ${x.count}`)));
    if (x.count) chart.append(svg('text', { x: xPos + (bw - 8) / 2, y: H - pad - bh - 4, 'text-anchor': 'middle', class: 'bar-value' }, String(x.count)));
    chart.append(svg('text', { x: xPos + (bw - 8) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, String(x.hour)));
  });
  return chart;
}

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  const ctx = await call('desk_context', { forum_id: forumId });
  let day = ctx.today_day ?? 1;
  const daySelect = h('select', { id: 'dash-day', 'aria-label': 'اليوم' },
    ctx.forum.days.map((d) => h('option', { value: d.number, selected: d.number === day }, `${dayName(d.number)} — ${d.full}`)));
  const body = h('div', { id: 'dashboard-body' });
  // The forum's final report (التقرير الختامي), as the patron and the ministry receive it.
  const reportButton = (format, label, mime) => h('button.btn', {
    type: 'button', id: `final-report-${format}`,
    onclick: async (ev) => {
      const b = ev.currentTarget;
      b.disabled = true;
      try {
        const f = await call('forum_report_file', { forum_id: forumId, format });
        await saveFile(f.file_name, f.data_base64, mime);
      } catch (e) { toast(e.message, 'error'); } finally { b.disabled = false; }
    },
  }, label);
  view.append(
    h('header.page-head', {}, h('h1', {}, 'لوحة المتابعة'),
      h('div.actions.tight', {}, daySelect,
        reportButton('pdf', 'التقرير الختامي (PDF)', 'application/pdf'),
        reportButton('xlsx', 'التقرير الختامي (Excel)', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'))),
    h('p.meta', {}, ctx.forum.name_ar, ctx.today_day ? '' : ` — اليوم (${ctx.today.full}) ليس من أيام الملتقى`),
    body);

  async function refresh() {
    const s = await call('checkin_stats', { forum_id: forumId, day });
    const max = Math.max(1, ...s.by_category.map((c) => c.count));
    body.replaceChildren(
      h('div.kpis', {},
        h('div.kpi', {}, h('span', {}, 'المسجلون'), h('strong', { id: 'kpi-registered' }, s.registered.toLocaleString('ar-SA-u-nu-latn'))),
        h('div.kpi.accent', {}, h('span', {}, `حضور ${dayName(day)}`), h('strong', { id: 'kpi-today' }, s.total.toLocaleString('ar-SA-u-nu-latn'))),
        h('div.kpi', {}, h('span', {}, 'نسبة الحضور'), h('strong', {}, s.registered ? `${Math.round((100 * s.total) / s.registered)}٪` : '—'))),
      h('div.dash-grid', {},
        h('section.card', {}, h('h2', {}, 'حسب الفئة'),
          h('ul.bars', { id: 'category-bars' }, s.by_category.map((c) => h('li', {},
            h('span.bar-label', {}, c.label),
            h('span.bar-track', {}, h('span.bar-fill', { style: `width:${(100 * c.count) / max}%;background:${c.color}` })),
            h('span.bar-num', {}, String(c.count)))))),
        h('section.card', {}, h('h2', {}, 'حسب الساعة'), hourChart(s.by_hour))),
      await exhibition());
  }

  // The exhibition's economic impact: sales per day and per category (bars), totals.
  async function exhibition() {
    const t = await call('family_totals', { forum_id: forumId });
    const bars = (id, rows) => {
      const max = Math.max(1, ...rows.map((r) => r.value));
      return h('ul.bars', { id }, rows.map((r) => h('li', {},
        h('span.bar-label', {}, r.label),
        h('span.bar-track', {}, h('span.bar-fill', { style: `width:${(100 * r.value) / max}%;background:#b46a00` })),
        h('span.bar-num', {}, sar(r.value)))));
    };
    return h('section.dash-exhibition', { id: 'dash-exhibition' },
      h('h2', {}, 'معرض الأسر المنتجة'),
      h('div.kpis', {},
        h('div.kpi.accent', {}, h('span', {}, 'إجمالي المبيعات (ريال)'), h('strong', { id: 'kpi-sales' }, sar(t.total.sales_halalas))),
        h('div.kpi', {}, h('span', {}, 'القطع المبيعة'), h('strong', {}, t.total.items.toLocaleString('en-US'))),
        h('div.kpi', {}, h('span', {}, 'أسر مشاركة'), h('strong', {}, String(t.per_family.length)))),
      h('div.dash-grid', {},
        h('section.card', {}, h('h2', {}, 'المبيعات حسب اليوم (ريال)'),
          bars('sales-by-day', t.per_day.map((d) => ({ label: dayName(d.day), value: d.sales_halalas })))),
        h('section.card', {}, h('h2', {}, 'المبيعات حسب الفئة (ريال)'),
          bars('sales-by-category', t.per_category.filter((c) => c.families).map((c) => ({ label: c.label, value: c.sales_halalas }))))));
  }
  daySelect.addEventListener('change', () => { day = Number(daySelect.value); refresh(); });
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
