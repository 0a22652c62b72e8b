// The floor plan (المخطط والأركان): the hall drawn as SVG with its zones and booths. Assign an
// entity (or an approved family, in the families zone) by dragging it from the waiting list onto
// a booth, or by choosing it in the booth's panel. «أين …؟» highlights a booth. In «تحريك» mode
// booths are dragged to a new place. Zones, rows and grids of booths are added from the tools.
// The plan zooms (buttons, Ctrl + wheel) and pans (drag the hall's floor, or scroll); each
// occupant's name is set as large as fits its booth (two lines if need be), and always on hover
// and in the booths' directory beside the plan.
import { call } from '../api.js';
import { h, toast, confirmDialog, noForum, errorBox, debounce, field, clearErrors, showErrors, saveFile, actor, counted, NOUNS } from '../dom.js';
import { currentForumId } from '../forum-context.js';

const SVG = 'http://www.w3.org/2000/svg';
const ZONE_COLORS = {
  entities: ['#e3f1ea', '#0b6b4a'],
  families: ['#fcefd9', '#b46a00'],
  services: ['#e5edf8', '#1f5fa8'],
  stage: ['#efe6f5', '#7b3fa0'],
  entrance: ['#eeeeee', '#5b6660'],
};
const ZONE_KINDS = [['entities', 'أركان الجهات الممكنة'], ['families', 'معرض الأسر المنتجة'], ['services', 'خدمات'], ['stage', 'المسرح'], ['entrance', 'مدخل']];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  let plan = null;
  let selected = null;
  let moveMode = false;
  let highlighted = new Set();

  const planBox = h('div.plan-box', { id: 'plan' });
  const ZOOM_KEY = 'multaqa.plan.zoom';
  let zoom = Math.min(4, Math.max(1, Number(sessionStorage.getItem(ZOOM_KEY)) || 1));
  const zoomLabel = h('span.zoom-label', { id: 'plan-zoom-label', 'aria-live': 'polite' });
  const setZoom = (z, anchor) => {
    const old = zoom;
    zoom = Math.min(4, Math.max(1, Math.round(z * 4) / 4));
    sessionStorage.setItem(ZOOM_KEY, String(zoom));
    const svg = planBox.querySelector('svg.plan-svg');
    if (svg) {
      // Keep the point under the pointer (or the centre) where it was.
      const rect = planBox.getBoundingClientRect();
      const ax = anchor ? anchor.x - rect.left : rect.width / 2;
      const ay = anchor ? anchor.y - rect.top : rect.height / 2;
      const fx = (planBox.scrollLeft + ax) / old;
      const fy = (planBox.scrollTop + ay) / old;
      svg.style.width = `${zoom * 100}%`;
      planBox.scrollLeft = fx * zoom - ax;
      planBox.scrollTop = fy * zoom - ay;
      readableNames(svg);
    }
    zoomLabel.textContent = `${Math.round(zoom * 100)}٪`;
  };
  /** Names smaller than 8 px on this screen at this zoom are hidden (they show on hover and in
   *  the directory); zooming in brings them back. */
  function readableNames(svg) {
    const perMetre = svg.getBoundingClientRect().width / (plan.hall.width + 1);
    for (const t of svg.querySelectorAll('.booth-name')) {
      t.classList.toggle('too-small', Number(t.getAttribute('font-size')) * perMetre < 8);
    }
  }
  window.addEventListener('resize', debounce(() => {
    const svg = planBox.querySelector('svg.plan-svg');
    if (svg && plan?.hall) readableNames(svg);
  }, 200));
  const zoomBar = h('div.plan-zoom', { role: 'group', 'aria-label': 'تكبير المخطط' },
    h('button.btn.small', { type: 'button', id: 'plan-zoom-in', 'aria-label': 'تكبير', onclick: () => setZoom(zoom * 1.5) }, '+'),
    zoomLabel,
    h('button.btn.small', { type: 'button', id: 'plan-zoom-out', 'aria-label': 'تصغير', onclick: () => setZoom(zoom / 1.5) }, '−'),
    h('button.btn.small', { type: 'button', id: 'plan-zoom-fit', onclick: () => setZoom(1) }, 'ملاءمة'));
  planBox.addEventListener('wheel', (ev) => {
    if (!ev.ctrlKey) return;
    ev.preventDefault();
    setZoom(zoom * (ev.deltaY < 0 ? 1.2 : 1 / 1.2), { x: ev.clientX, y: ev.clientY });
  }, { passive: false });
  // Pan: drag the floor (not a booth) to move the view.
  planBox.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || ev.target.closest('.booth') || zoom === 1) return;
    const start = { x: ev.clientX, y: ev.clientY, left: planBox.scrollLeft, top: planBox.scrollTop };
    planBox.setPointerCapture(ev.pointerId);
    planBox.classList.add('panning');
    const move = (e) => {
      planBox.scrollLeft = start.left - (e.clientX - start.x);
      planBox.scrollTop = start.top - (e.clientY - start.y);
    };
    const up = () => {
      planBox.classList.remove('panning');
      planBox.removeEventListener('pointermove', move);
      planBox.removeEventListener('pointerup', up);
    };
    planBox.addEventListener('pointermove', move);
    planBox.addEventListener('pointerup', up);
  });
  const side = h('aside.plan-side');
  const toolsSlot = h('div');
  const counts = h('span.count', { id: 'plan-counts' });
  const moveToggle = h('button.btn', { type: 'button', id: 'move-mode', 'aria-pressed': 'false' }, 'تحريك الأركان');
  view.append(
    h('header.page-head', {},
      h('h1', {}, 'مخطط القاعة والأركان ', counts),
      h('div.actions.tight', {},
        moveToggle,
        h('button.btn', { type: 'button', id: 'print-signs', onclick: () => download('booth_signs_pdf') }, 'طباعة لوحات الأركان'),
        h('button.btn', { type: 'button', id: 'print-plan', onclick: () => download('floor_plan_pdf') }, 'طباعة المخطط'))),
    toolsSlot,
    h('div.plan-layout', {}, side, h('div.plan-main', {}, zoomBar, planBox)));

  moveToggle.addEventListener('click', () => {
    moveMode = !moveMode;
    moveToggle.setAttribute('aria-pressed', String(moveMode));
    moveToggle.classList.toggle('primary', moveMode);
    planBox.classList.toggle('moving', moveMode);
    toast(moveMode ? 'اسحب أي ركن إلى مكانه الجديد' : 'انتهى التحريك');
  });

  async function download(command) {
    try {
      const f = await call(command, { forum_id: forumId });
      await saveFile(f.file_name, f.data_base64, 'application/pdf');
    } catch (e) { toast(e.message, 'error'); }
  }

  async function load() {
    plan = await call('floor_plan', { forum_id: forumId });
    if (selected) selected = plan.booths.find((b) => b.id === selected.id) || null;
    draw();
  }

  // ---------------------------------------------------------------- the plan
  function draw() {
    // The tools stay open while the committee draws.
    const wasOpen = toolsSlot.querySelector('details')?.open;
    const t = tools();
    if (wasOpen) t.open = true;
    toolsSlot.replaceChildren(t);
    if (!plan.hall) {
      planBox.replaceChildren(h('section.empty', {}, h('h2', {}, 'لم تُرسم القاعة بعد'),
        h('p', {}, 'أدخل عرض القاعة وعمقها بالأمتار من «أدوات الرسم»، ثم أضف المناطق وصفوف الأركان.')));
      side.replaceChildren();
      counts.textContent = '';
      return;
    }
    const taken = plan.booths.filter((b) => b.occupant).length;
    counts.textContent = `(${counted(plan.booths.length, NOUNS.booth)}، المخصص منها ${taken})`;
    const { width, depth } = plan.hall;
    const svg = s('svg', { viewBox: `-0.5 -0.5 ${width + 1} ${depth + 1}`, class: 'plan-svg', role: 'img', 'aria-label': 'مخطط القاعة' });
    svg.append(s('rect', { x: 0, y: 0, width, height: depth, class: 'hall' }));
    for (const z of plan.zones) {
      const [fill, stroke] = ZONE_COLORS[z.kind] || ZONE_COLORS.entrance;
      svg.append(s('g', { class: 'zone', 'data-zone-id': z.id },
        s('rect', { x: z.x, y: z.y, width: z.w, height: z.h, fill, stroke, 'stroke-width': 0.12 }),
        // RTL label: anchored at the zone's right edge.
        s('text', { x: z.x + z.w - 0.4, y: z.y + 0.9, 'text-anchor': 'start', direction: 'rtl', class: 'zone-label', fill: stroke }, z.name_ar)));
    }
    for (const b of plan.booths) svg.append(boothNode(b));
    planBox.replaceChildren(svg, legend());
    setZoom(zoom);
    drawSide();
  }

  function boothNode(b) {
    const [, stroke] = ZONE_COLORS[b.zone_kind] || ZONE_COLORS.entities;
    const cls = ['booth', b.occupant ? 'taken' : 'free', b.is_stall ? 'stall' : '',
      selected?.id === b.id ? 'selected' : '', highlighted.has(b.id) ? 'hl' : ''].filter(Boolean).join(' ');
    // With a name under it the code sits higher.
    const lines = b.occupant ? fitName(b.occupant.name, b.w * 0.9, b.h * 0.42) : { size: 0, text: [] };
    const size = Math.max(0.35, Math.min(b.h * (lines.text.length ? 0.26 : 0.32), b.w * 0.26));
    const codeY = lines.text.length ? b.y + b.h * 0.3 : b.y + b.h / 2;
    const g = s('g', { class: cls, 'data-booth-id': b.id, 'data-code': b.code, tabindex: 0, role: 'button',
      'aria-label': `ركن ${b.code}${b.occupant ? `: ${b.occupant.name}` : ' (فارغ)'}` },
      s('title', {}, b.occupant ? `${b.code} — ${b.occupant.name}` : `${b.code} — فارغ`),
      s('rect', { x: b.x, y: b.y, width: b.w, height: b.h, fill: b.occupant ? stroke : '#fff', stroke, 'stroke-width': 0.1, rx: 0.15 }),
      s('text', { x: b.x + b.w / 2, y: codeY, 'font-size': size, 'text-anchor': 'middle', 'dominant-baseline': 'central',
        direction: 'ltr', fill: b.occupant ? '#fff' : stroke, class: 'booth-code' }, b.code));
    // The name as large as fits below the code: one line, else two, else only on hover.
    const y0 = b.y + b.h * 0.52;
    lines.text.forEach((line, i) => g.append(s('text', {
      x: b.x + b.w / 2, y: y0 + (i + 0.85) * lines.size * 1.15, 'font-size': lines.size, 'text-anchor': 'middle',
      direction: 'rtl', fill: '#fff', class: 'booth-name',
    }, line)));
    g.addEventListener('click', () => { if (!g.dataset.dragged) select(b); });
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(b); } });
    // Drop targets for entities and families dragged from the waiting lists.
    g.addEventListener('dragover', (ev) => { ev.preventDefault(); g.classList.add('drop'); });
    g.addEventListener('dragleave', () => g.classList.remove('drop'));
    g.addEventListener('drop', (ev) => {
      ev.preventDefault();
      g.classList.remove('drop');
      const raw = ev.dataTransfer.getData('text/plain');
      const [kind, id] = raw.split(':');
      if (id) assign(b, kind, Number(id));
    });
    g.addEventListener('pointerdown', (ev) => startMove(ev, g, b));
    return g;
  }

  /** The largest size (metres on the plan) at which `name` fits `w` × `h`: one line, or two
   *  split at the space nearest the middle when that is larger. Whether it is readable on this
   *  screen is decided by [`readableNames`]. */
  function fitName(name, w, h) {
    const em = 0.62; // a bold Arabic letter's average advance, in ems
    const one = Math.min(h * 0.8, w / (name.length * em));
    const words = name.split(' ');
    if (words.length > 1 && one < h * 0.4) {
      let best = 1;
      for (let i = 1; i < words.length; i++) {
        if (Math.abs(words.slice(0, i).join(' ').length - name.length / 2) < Math.abs(words.slice(0, best).join(' ').length - name.length / 2)) best = i;
      }
      const parts = [words.slice(0, best).join(' '), words.slice(best).join(' ')];
      const longest = Math.max(...parts.map((p) => p.length));
      const two = Math.min(h * 0.42, w / (longest * em));
      if (two > one) return { size: two, text: parts };
    }
    return { size: one, text: [name] };
  }

  function legend() {
    const kinds = [...new Set(plan.zones.map((z) => z.kind))];
    return h('ul.plan-legend', {},
      kinds.map((k) => h('li', {}, h('span.swatch', { style: `background:${ZONE_COLORS[k][0]};border-color:${ZONE_COLORS[k][1]}` }),
        ZONE_KINDS.find(([c]) => c === k)?.[1] || k)),
      h('li', {}, h('span.swatch', { style: 'background:#0b6b4a;border-color:#0b6b4a' }), 'ركن مخصص'),
      h('li', {}, h('span.swatch', { style: 'background:#fff;border-color:#0b6b4a' }), 'ركن فارغ'));
  }

  // Dragging a booth to a new place (move mode): 0.5 m steps, saved on release.
  function startMove(ev, g, b) {
    if (!moveMode || ev.button !== 0) return;
    const svg = g.ownerSVGElement;
    const pt = (e) => {
      const p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    };
    const start = pt(ev);
    let dx = 0; let dy = 0;
    g.setPointerCapture(ev.pointerId);
    const move = (e) => {
      const p = pt(e);
      dx = Math.round((p.x - start.x) * 2) / 2;
      dy = Math.round((p.y - start.y) * 2) / 2;
      g.setAttribute('transform', `translate(${dx} ${dy})`);
      if (dx || dy) g.dataset.dragged = '1';
    };
    const up = async () => {
      g.removeEventListener('pointermove', move);
      g.removeEventListener('pointerup', up);
      setTimeout(() => delete g.dataset.dragged, 0);
      if (!dx && !dy) return;
      try {
        await call('booth_update', { id: b.id, booth: { code: b.code, x: b.x + dx, y: b.y + dy, w: b.w, h: b.h } });
        await load();
      } catch (e) {
        g.removeAttribute('transform');
        toast(e.message, 'error');
      }
    };
    g.addEventListener('pointermove', move);
    g.addEventListener('pointerup', up);
  }

  async function assign(b, kind, id) {
    try {
      const args = { booth_id: b.id, by: actor() };
      args[kind === 'family' ? 'family_id' : 'entity_id'] = id;
      const booth = await call('booth_assign', args);
      toast(`خُصص الركن ${booth.code} لـ«${booth.occupant.name}»`);
      selected = booth;
      await load();
    } catch (e) { toast(e.message, 'error'); }
  }

  function select(b) {
    selected = b;
    for (const el of planBox.querySelectorAll('.booth.selected')) el.classList.remove('selected');
    planBox.querySelector(`[data-booth-id="${b.id}"]`)?.classList.add('selected');
    drawSide();
  }

  // ---------------------------------------------------------------- side panel
  function drawSide() {
    const where = h('input.search', { type: 'search', id: 'where-input', placeholder: 'أين …؟ اكتب جزءًا من اسم الجهة أو رمز الركن', 'aria-label': 'أين', autocomplete: 'off' });
    const results = h('ul.where-results', { id: 'where-results' });
    where.addEventListener('input', debounce(async () => {
      const q = where.value.trim();
      highlighted = new Set();
      if (q) {
        const found = await call('where_is', { forum_id: forumId, q });
        results.replaceChildren(...(found.length ? found.map((f) => h('li', {},
          h('strong', {}, f.booth_code || '—'), ' ', f.name, f.booth_code ? '' : h('small.hint', {}, ' (بلا ركن)'))) : [h('li.hint', {}, 'لا نتائج')]));
        for (const f of found) if (f.booth_id) highlighted.add(f.booth_id);
      } else {
        results.replaceChildren();
      }
      for (const el of planBox.querySelectorAll('.booth')) el.classList.toggle('hl', highlighted.has(Number(el.dataset.boothId)));
      planBox.querySelector('.booth.hl')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    }, 150));
    side.replaceChildren(
      h('section.card.compact', {}, h('h2', {}, 'أين …؟'), where, results),
      selected ? boothPanel(selected) : h('p.hint.card.compact', {}, 'اختر ركنًا من المخطط لعرض تفاصيله وتخصيصه، أو اسحب جهة من القائمة إلى ركن فارغ.'),
      waitingList('جهات بلا ركن', 'entity', plan.unassigned_entities, 'waiting-entities', counted(plan.free_booths, NOUNS.freeBooth)),
      waitingList('أسر مقبولة بلا ركن', 'family', plan.unassigned_families, 'waiting-families', `${counted(plan.free_stalls, NOUNS.freeBooth)} في المعرض`),
      directory());
  }

  /** Every occupied booth with its occupant's whole name; choosing one shows it on the plan. */
  function directory() {
    const taken = plan.booths.filter((b) => b.occupant);
    return h('details.card.compact.plan-directory', { id: 'plan-directory' },
      h('summary', {}, `دليل الأركان (${taken.length})`),
      h('ul.plain', {}, taken.map((b) => h('li', {},
        h('button.link', {
          type: 'button', dataset: { boothId: b.id },
          onclick: () => {
            select(b);
            const el = planBox.querySelector(`[data-booth-id="${b.id}"]`);
            el?.scrollIntoView?.({ block: 'center', inline: 'center' });
          },
        }, h('strong', { dir: 'ltr' }, b.code), ' ', b.occupant.name)))));
  }

  function waitingList(title, kind, items, id, freeLabel) {
    return h('section.card.compact', {},
      h('h2', {}, `${title} (${items.length})`, h('small.hint', {}, ` — ${freeLabel}`)),
      items.length ? h('ul.waiting', { id },
        items.map((w) => {
          const li = h('li.waiting-item', { draggable: 'true', dataset: { kind, id: w.id }, title: 'اسحب إلى ركن فارغ' },
            h('span', {}, w.name), h('small.hint', {}, w.detail));
          li.addEventListener('dragstart', (ev) => {
            ev.dataTransfer.setData('text/plain', `${kind}:${w.id}`);
            ev.dataTransfer.effectAllowed = 'move';
          });
          return li;
        })) : h('p.hint', {}, 'لا أحد ينتظر.'));
  }

  function boothPanel(b) {
    const box = h('section.card.compact.booth-panel', { id: 'booth-panel' },
      h('h2', {}, `الركن ${b.code}`, h('small.hint', {}, b.is_stall ? ' — معرض الأسر المنتجة' : ' — أركان الجهات')));
    if (b.occupant) {
      box.append(h('p.occupant', { id: 'booth-occupant' }, b.occupant.name, h('small.hint', {}, ` (${b.occupant.detail})`)),
        h('button.btn.small.danger-outline', { type: 'button', id: 'booth-unassign', onclick: async () => {
          try { await call('booth_unassign', { booth_id: b.id }); toast(`أُلغي تخصيص الركن ${b.code}`); await load(); } catch (e) { toast(e.message, 'error'); }
        } }, 'إلغاء التخصيص'));
    } else {
      const items = b.is_stall ? plan.unassigned_families : plan.unassigned_entities;
      const kind = b.is_stall ? 'family' : 'entity';
      const pick = h('select', { id: 'booth-pick', 'aria-label': 'اختر من يشغل الركن' },
        h('option', { value: '' }, items.length ? (b.is_stall ? '— اختر أسرة —' : '— اختر جهة —') : 'لا أحد ينتظر'),
        items.map((w) => h('option', { value: w.id }, w.name)));
      box.append(h('div.inline-form', {}, pick,
        h('button.btn.small.primary', { type: 'button', id: 'booth-assign', onclick: () => { if (pick.value) assign(b, kind, Number(pick.value)); } }, 'تخصيص')));
    }
    const num = (name, label, value) => field(name, label, h('input', { type: 'number', step: '0.5', min: 0, id: `b-${name}`, value }));
    const code = h('input', { type: 'text', id: 'b-code', value: b.code, dir: 'ltr', maxlength: 12 });
    const form = h('form.booth-edit', {},
      h('div.grid.three', {}, field('code', 'الرمز', code), num('w', 'العرض (م)', b.w), num('h', 'العمق (م)', b.h), num('x', 'من اليسار (م)', b.x), num('y', 'من الأعلى (م)', b.y)),
      h('div.form-error', { role: 'alert' }),
      h('div.actions', {}, h('button.btn.small', { type: 'submit' }, 'حفظ الموضع والمقاس'),
        h('button.btn.small.danger-outline', { type: 'button', onclick: async () => {
          if (!(await confirmDialog('حذف ركن', `سيُحذف الركن ${b.code} من المخطط.`, 'حذف'))) return;
          try { await call('booth_delete', { id: b.id }); selected = null; await load(); } catch (e) { toast(e.message, 'error'); }
        } }, 'حذف الركن')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = (n) => Number(form.querySelector(`#b-${n}`).value);
      try {
        selected = await call('booth_update', { id: b.id, booth: { code: code.value, x: v('x'), y: v('y'), w: v('w'), h: v('h') } });
        toast('حُفظ الركن');
        await load();
      } catch (e) { showErrors(form, e); }
    });
    box.append(h('details.booth-more', {}, h('summary', {}, 'الموضع والمقاس'), form));
    return box;
  }

  // ---------------------------------------------------------------- drawing tools
  function tools() {
    const hallForm = formOf('hall-form', [
      ['width', 'عرض القاعة (م)', plan.hall?.width ?? 60],
      ['depth', 'عمق القاعة (م)', plan.hall?.depth ?? 40],
    ], 'حفظ الأبعاد', (v) => call('hall_save', { forum_id: forumId, width: v.width, depth: v.depth }));
    const kind = h('select', { id: 'zone-kind' }, ZONE_KINDS.map(([c, l]) => h('option', { value: c }, l)));
    const zoneForm = formOf('zone-form', [
      ['x', 'من اليسار (م)', 0], ['y', 'من الأعلى (م)', 0], ['w', 'العرض (م)', 20], ['h', 'العمق (م)', 10],
    ], 'إضافة المنطقة', (v) => call('zone_save', { forum_id: forumId, zone: { kind: kind.value, name_ar: zoneName.value, ...v } }),
    [field('kind', 'نوع المنطقة', kind), field('name_ar', 'اسمها (اختياري)', zoneName)]);
    const prefix = h('input', { type: 'text', id: 'grid-prefix', value: 'A', dir: 'ltr', maxlength: 6 });
    const ltr = h('input', { type: 'checkbox', id: 'grid-ltr' });
    const gridForm = formOf('grid-form', [
      ['first', 'يبدأ الترقيم من', 1], ['cols', 'أركان في الصف', 8], ['rows', 'عدد الصفوف', 1],
      ['x', 'من اليسار (م)', 2], ['y', 'من الأعلى (م)', 2], ['w', 'عرض الركن (م)', 3], ['h', 'عمق الركن (م)', 3],
      ['gap', 'مسافة بين الأركان (م)', 0], ['aisle', 'ممر بين الصفوف (م)', 2],
    ], 'إنشاء الأركان', async (v) => {
      const made = await call('booth_grid', { forum_id: forumId, grid: { prefix: prefix.value, left_to_right: ltr.checked, ...v } });
      toast(`أُنشئ ${counted(made.length, NOUNS.booth)}`);
    }, [field('prefix', 'بادئة الرمز', prefix, 'مثل A أو F'), h('label.check', {}, ltr, 'الترقيم من اليسار')]);
    return h('details.card.compact.tools', { id: 'plan-tools', open: !plan.hall },
      h('summary', {}, 'أدوات الرسم: القاعة والمناطق والأركان'),
      h('div.tools-grid', {},
        h('section', {}, h('h3', {}, 'أبعاد القاعة'), hallForm),
        plan.hall ? h('section', {}, h('h3', {}, 'منطقة جديدة'), zoneForm) : null,
        plan.hall ? h('section', {}, h('h3', {}, 'صف أو شبكة أركان'), gridForm) : null),
      plan.zones.length ? h('section', {}, h('h3', {}, 'المناطق المرسومة'), zoneTable()) : null);
  }

  // Each drawn zone, editable in place (name, kind, position, size) or deleted; booths follow
  // the zone they lie in.
  function zoneTable() {
    const rows = plan.zones.map((z) => {
      const num = (n) => h('input', { type: 'number', step: '0.5', value: z[n], 'aria-label': n, class: `z-${n}` });
      const name = h('input', { type: 'text', value: z.name_ar, 'aria-label': 'اسم المنطقة', class: 'z-name' });
      const kindSel = h('select', { 'aria-label': 'نوع المنطقة', class: 'z-kind' }, ZONE_KINDS.map(([c, l]) => h('option', { value: c, selected: c === z.kind }, l)));
      const inputs = { x: num('x'), y: num('y'), w: num('w'), h: num('h') };
      const save = h('button.btn.small', { type: 'button' }, 'حفظ');
      save.addEventListener('click', async () => {
        try {
          await call('zone_save', { forum_id: forumId, zone: { id: z.id, kind: kindSel.value, name_ar: name.value,
            ...Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, Number(el.value)])) } });
          toast(`حُفظت منطقة «${name.value}»`);
          await load();
        } catch (e) { toast(e.message, 'error'); }
      });
      const del = h('button.btn.small.danger-outline', { type: 'button' }, 'حذف');
      del.addEventListener('click', async () => {
        if (!(await confirmDialog('حذف منطقة', `ستُحذف منطقة «${z.name_ar}»؛ تبقى أركانها في أماكنها.`, 'حذف'))) return;
        try { await call('zone_delete', { forum_id: forumId, id: z.id }); await load(); } catch (e) { toast(e.message, 'error'); }
      });
      return h('tr', { dataset: { zoneId: z.id } }, h('td', {}, name), h('td', {}, kindSel),
        ...['x', 'y', 'w', 'h'].map((k) => h('td', {}, inputs[k])), h('td.row-actions', {}, save, del));
    });
    return h('div.table-wrap.short', {}, h('table.data.zones', { id: 'zone-table' },
      h('thead', {}, h('tr', {}, ['الاسم', 'النوع', 'من اليسار', 'من الأعلى', 'العرض', 'العمق', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
  }
  const zoneName = h('input', { type: 'text', id: 'zone-name', maxlength: 60 });

  function formOf(id, numbers, submit, action, extra = []) {
    const form = h('form', { id, novalidate: true },
      h('div.grid.three', {}, extra, numbers.map(([n, label, value]) =>
        field(n, label, h('input', { type: 'number', step: '0.5', id: `${id}-${n}`, name: n, value })))),
      h('div.form-error', { role: 'alert' }),
      h('button.btn.small.primary', { type: 'submit' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = Object.fromEntries(numbers.map(([n]) => [n, Number(form.querySelector(`#${id}-${n}`).value)]));
      try {
        await action(v);
        await load();
      } catch (e) { showErrors(form, e); }
    });
    return form;
  }

  try {
    await load();
  } catch (e) {
    planBox.replaceChildren(errorBox(e));
  }
}
