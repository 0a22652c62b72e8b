// The booth screen (شاشة الركن): an entity's staff scan a visitor's badge (or search the name),
// see who they are and what they were already referred to, and put them forward to one or more
// of the entity's open opportunities with a rating and a note. Scanning the same visitor again
// updates the referral. Keys (with the scan field empty): ↑ ↓ move among the opportunities,
// Space picks one, Enter refers. (Digits are not keys here: badge codes start with them.)
// A device paired as an entity's booth is fixed to that entity. When the host cannot be reached,
// a scanned badge is referred to the entity's opportunities as last seen, and the referral is
// queued here with the time it was scanned, then sent (same scan time) when the host is back.
import { call } from '../api.js';
import { h, noForum, errorBox, categoryChip, debounce, normalizeCode as normalize, looksLikeCode, venueTime, counted, NOUNS } from '../dom.js';
import { currentForumId } from '../forum-context.js';


export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  document.body.classList.add('fullscreen');
  const { entities } = await call('entity_list', { forum_id: forumId });
  const me = await call('desk_me').catch(() => ({ host: true, desk: null }));
  const KEY = `multaqa.booth.entity.${forumId}`;
  // A booth device's entity comes from its pairing; elsewhere the staff pick it once.
  const fixed = me.desk && me.desk.entity_id && me.desk.forum_id === forumId ? me.desk.entity_id : null;
  if (fixed) localStorage.setItem(KEY, String(fixed));
  const entitySel = h('select', { id: 'booth-entity', 'aria-label': 'الجهة صاحبة الركن', disabled: Boolean(fixed) },
    h('option', { value: '' }, '— اختر جهة هذا الركن —'),
    entities.filter((e) => e.status !== 'withdrew').map((e) => h('option', { value: e.id, selected: String(e.id) === localStorage.getItem(KEY) }, `${e.name_ar}${e.booth_code ? ` (${e.booth_code})` : ''}`)));
  const pending = h('span.pending', { id: 'booth-pending', hidden: true });
  const scan = h('input.scan', { type: 'text', id: 'booth-scan', autocomplete: 'off', placeholder: 'امسح بطاقة الزائر أو اكتب اسمه', 'aria-label': 'رمز البطاقة أو الاسم' });
  const results = h('ul.desk-results', { id: 'booth-results', role: 'listbox' });
  const card = h('section', { id: 'booth-visitor', 'aria-live': 'polite' });
  const status = h('div', { id: 'booth-status', role: 'status' });
  view.append(h('div.desk.booth', {},
    h('header.desk-head', {},
      h('div', {}, h('h1', {}, 'شاشة الركن'), h('p.hint', {}, 'إحالة الزوار إلى فرص الجهة: دورات ووظائف ودعم ريادي')),
      h('div.desk-controls', {}, entitySel, pending, fixed ? null : h('a.btn', { href: '#/tracks' }, 'خروج'))),
    scan, results, status, card));

  let visitor = null;
  let chosen = new Set();
  let rating = null;
  let found = [];
  let cursor = -1;

  const entityId = () => Number(entitySel.value) || null;
  entitySel.addEventListener('change', () => {
    localStorage.setItem(KEY, entitySel.value);
    if (visitor) open({ person_id: visitor.person.id });
    scan.focus();
  });

  // The scan field keeps the focus unless the staff are typing a note.
  const keepFocus = () => setTimeout(() => {
    if (!document.activeElement || document.activeElement === document.body) scan.focus();
  }, 0);
  view.addEventListener('focusout', keepFocus);

  scan.addEventListener('keydown', async (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      const text = scan.value.trim();
      if (!text && visitor && chosen.size) return refer();
      if (looksLikeCode(normalize(text))) return open({ code: normalize(text) });
      if (found.length === 1) return open({ person_id: found[0].id });
      if (found.length > 1) status.replaceChildren(h('p.notice', {}, 'اختر الزائر من القائمة بالنقر عليه.'));
    } else if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && !scan.value && visitor?.opportunities.length) {
      ev.preventDefault();
      const n = visitor.opportunities.length;
      cursor = (cursor + (ev.key === 'ArrowDown' ? 1 : -1) + n) % n;
      paint();
    } else if (ev.key === ' ' && !scan.value && visitor && cursor >= 0) {
      ev.preventDefault();
      toggle(visitor.opportunities[cursor].id);
    }
  });
  scan.addEventListener('input', debounce(async () => {
    const text = scan.value.trim();
    if (text.length < 2 || looksLikeCode(normalize(text))) { found = []; results.replaceChildren(); return; }
    try {
      found = (await call('person_search', { forum_id: forumId, q: text, limit: 8 })).people;
    } catch { found = []; }
    results.replaceChildren(...found.map((p) => h('li', { role: 'option', onclick: () => open({ person_id: p.id }) },
      h('span.name', {}, p.full_name), categoryChip(p), h('span.code', { dir: 'ltr' }, p.badge_code))));
  }, 150));

  const unreachable = (e) => e.code === 'offline' || e.code === 'transport' || e.code === 'busy';
  const OFFERS_KEY = () => `multaqa.booth.offers.${forumId}.${entityId()}`;

  async function open(who) {
    status.replaceChildren();
    if (!entityId()) {
      status.replaceChildren(errorBox(new Error('اختر جهة هذا الركن أولًا')));
      return;
    }
    const scannedAt = new Date().toISOString();
    try {
      visitor = await call('booth_visitor', { forum_id: forumId, entity_id: entityId(), ...who });
      localStorage.setItem(OFFERS_KEY(), JSON.stringify(visitor.opportunities));
    } catch (e) {
      if (!(unreachable(e) && who.code)) {
        status.replaceChildren(errorBox(e));
        return;
      }
      // The host is out of reach: refer the badge to the offers as last seen; sent later.
      const offers = JSON.parse(localStorage.getItem(OFFERS_KEY()) || '[]');
      visitor = { offline: true, code: who.code, person: null, referrals: [], opportunities: offers };
      status.replaceChildren(h('p.notice', { id: 'booth-offline' },
        'لا يوجد اتصال بالجهاز الرئيس — حُفظ المسح. اختر الفرص ثم «إحالة»، وتُرسل الإحالة تلقائيًا عند عودة الاتصال بوقت المسح نفسه.'));
    }
    visitor.scannedAt = scannedAt;
    scan.value = '';
    found = [];
    results.replaceChildren();
    // Opportunities this visitor is already referred to start chosen: a rescan updates them.
    chosen = new Set(visitor.referrals.filter((r) => r.entity_id === entityId()).map((r) => r.opportunity_id)
      .filter((id) => visitor.opportunities.some((o) => o.id === id)));
    rating = null;
    cursor = visitor.opportunities.length ? 0 : -1;
    paint();
    scan.focus();
  }

  function toggle(id) {
    if (chosen.has(id)) chosen.delete(id); else chosen.add(id);
    paint();
  }

  const note = h('input', { type: 'text', id: 'booth-note', placeholder: 'ملاحظة (اختياري)', 'aria-label': 'ملاحظة' });

  function paint() {
    if (visitor.offline) return paintOffline();
    const p = visitor.person;
    const mine = visitor.referrals.filter((r) => r.entity_id === entityId());
    const others = visitor.referrals.filter((r) => r.entity_id !== entityId());
    card.replaceChildren(h('div.booth-grid', {},
      h('section.card.booth-person', {},
        h('p.person-name', { id: 'booth-person-name' }, p.full_name),
        h('p.person-meta', {}, categoryChip(p), p.needs_label ? h('span.needs', {}, `♿ ${p.needs_label}`) : null, p.office ? h('span.hint', {}, p.office) : null),
        p.consent
          ? h('p', {}, 'الجوال: ', h('bdi', { dir: 'ltr' }, p.mobile || '—'), ' · الهوية: ', h('bdi', { dir: 'ltr' }, p.national_id || '—'))
          : h('p.notice', { id: 'booth-no-consent' }, 'لم يوافق الزائر على مشاركة بيانات التواصل مع الجهات؛ تُسجَّل الإحالة دون الهوية والجوال، وتتواصل اللجنة معه.'),
        h('h3', {}, 'إحالاته السابقة'),
        visitor.referrals.length
          ? h('ul.plain', { id: 'booth-history' }, [...mine, ...others].map((r) => h('li', {}, `${r.opportunity_title} — ${r.entity_name}: `, h('strong', {}, r.state_label))))
          : h('p.hint', {}, 'لم يُحَل إلى أي فرصة بعد.')),
      h('section.card.booth-offers', {},
        h('h3', {}, 'فرص الجهة المتاحة'),
        h('p.hint', {}, 'انقر الفرصة، أو تنقّل بالسهمين ↑ ↓ واختر بالمسافة، ثم Enter للإحالة.'),
        visitor.opportunities.length
          ? h('div.offer-list', { id: 'booth-offers' }, visitor.opportunities.map((o, i) => h('button.offer', {
            type: 'button', 'aria-pressed': chosen.has(o.id) ? 'true' : 'false', dataset: { id: o.id }, class: i === cursor ? 'cursor' : '', onclick: () => toggle(o.id),
          }, h('span.key', {}, chosen.has(o.id) ? '✓' : String(i + 1)), h('span.title', {}, o.title), h('span.hint', {}, `${o.track_label}${o.capacity ? ` · ${o.placed} من ${o.capacity}` : ''}`))))
          : h('p.hint', {}, 'لا توجد فرص متاحة لهذه الجهة. تُضاف الفرص من شاشة «المسارات والفرص».'),
        h('div.rating', { role: 'radiogroup', 'aria-label': 'تقييم الزائر' }, 'التقييم: ',
          [1, 2, 3, 4, 5].map((n) => h('button.btn.small', { type: 'button', 'aria-pressed': rating === n ? 'true' : 'false', onclick: () => { rating = rating === n ? null : n; paint(); } }, String(n)))),
        note,
        h('div.actions', {}, h('button.btn.primary.big', { type: 'button', id: 'booth-refer', disabled: chosen.size === 0, onclick: refer },
          mine.length ? `تحديث الإحالة (${chosen.size})` : `إحالة (${chosen.size})`)))));
  }

  /** The visitor card while the host is out of reach: the badge code and the offers last seen. */
  function paintOffline() {
    card.replaceChildren(h('div.booth-grid', {},
      h('section.card.booth-person', {},
        h('p.person-name', { id: 'booth-person-name' }, 'البطاقة ', h('bdi', { dir: 'ltr' }, visitor.code)),
        h('p.hint', {}, 'يظهر اسم الزائر وإحالاته السابقة عند عودة الاتصال.')),
      h('section.card.booth-offers', {},
        h('h3', {}, 'فرص الجهة (كما عُرضت آخر مرة)'),
        visitor.opportunities.length
          ? h('div.offer-list', { id: 'booth-offers' }, visitor.opportunities.map((o, i) => h('button.offer', {
            type: 'button', 'aria-pressed': chosen.has(o.id) ? 'true' : 'false', dataset: { id: o.id }, class: i === cursor ? 'cursor' : '', onclick: () => toggle(o.id),
          }, h('span.key', {}, chosen.has(o.id) ? '✓' : String(i + 1)), h('span.title', {}, o.title), h('span.hint', {}, o.track_label))))
          : h('p.hint', {}, 'لم تُعرض فرص هذه الجهة على هذا الجهاز بعد؛ تُحال الزيارة عند عودة الاتصال.'),
        h('div.rating', { role: 'radiogroup', 'aria-label': 'تقييم الزائر' }, 'التقييم: ',
          [1, 2, 3, 4, 5].map((n) => h('button.btn.small', { type: 'button', 'aria-pressed': rating === n ? 'true' : 'false', onclick: () => { rating = rating === n ? null : n; paint(); } }, String(n)))),
        note,
        h('div.actions', {}, h('button.btn.primary.big', { type: 'button', id: 'booth-refer', disabled: chosen.size === 0, onclick: refer },
          `إحالة (${chosen.size})`)))));
  }

  // Referrals made while the host was out of reach, sent in order when it is back.
  const QUEUE_KEY = `multaqa.booth.queue.${forumId}`;
  const queue = JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]');
  function saveQueue() {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    pending.hidden = queue.length === 0;
    pending.textContent = `إحالات بانتظار الإرسال: ${queue.length}`;
  }
  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length) {
        try {
          await call('referral_create', queue[0]);
        } catch (e) {
          if (unreachable(e)) return;
          // A real refusal (the opportunity closed, an unknown badge …): said, and not retried.
          status.replaceChildren(errorBox(new Error(`لم تُرسل إحالة محفوظة (${queue[0].code || ''}): ${e.message}`)));
        }
        queue.shift();
        saveQueue();
      }
    } finally {
      flushing = false;
    }
  }
  saveQueue();
  const flusher = setInterval(() => { if (queue.length) flush(); }, 5000);
  window.addEventListener('online', flush);

  async function refer() {
    if (!visitor || !chosen.size) return;
    const args = {
      forum_id: forumId, opportunity_ids: [...chosen], rating, note: note.value,
      source: 'booth_scan', desk: localStorage.getItem('multaqa.desk') || 'شاشة الركن', scanned_at: visitor.scannedAt,
      ...(visitor.offline ? { code: visitor.code } : { person_id: visitor.person.id }),
    };
    const queueIt = () => {
      queue.push(args);
      saveQueue();
      note.value = '';
      chosen = new Set();
      card.replaceChildren();
      visitor = null;
      status.replaceChildren(h('div.desk-card.queued', { id: 'booth-queued' },
        h('span.card-label', {}, 'محفوظة'),
        h('p.big', {}, 'لا يوجد اتصال بالجهاز الرئيس — حُفظت الإحالة وستُرسل تلقائيًا'),
        h('p.detail', {}, `بوقت المسح ${venueTime(args.scanned_at)}`)));
      scan.focus();
    };
    if (visitor.offline) return queueIt();
    try {
      const done = await call('referral_create', args);
      const fresh = done.filter((d) => d.new).length;
      note.value = '';
      await open({ person_id: visitor.person.id });
      status.replaceChildren(h('div.desk-card.ok', { id: 'booth-done' },
        h('span.card-label', {}, 'إحالة'),
        h('p.big', {}, fresh ? `أُحيل ${visitor.person.full_name} إلى ${counted(fresh, NOUNS.opportunity)}` : 'حُدّثت الإحالة نفسها (لا تتكرر)'),
        h('p.detail', {}, done.map((d) => d.referral.opportunity_title).join('، '))));
    } catch (e) {
      if (unreachable(e)) return queueIt();
      status.replaceChildren(errorBox(e));
    }
  }

  scan.focus();
  return () => {
    document.body.classList.remove('fullscreen');
    view.removeEventListener('focusout', keepFocus);
    clearInterval(flusher);
    window.removeEventListener('online', flush);
  };
}
