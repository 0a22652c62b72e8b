// The registration desk (منصة التسجيل), full screen for volunteers at a counter. The scan field
// always has the focus: a USB scanner types the badge code and Enter; typing a name in the same
// field searches instead. Results are big cards with colour *and* words.
import { call } from '../api.js';
import { h, noForum, categoryChip, debounce, dayName, normalizeCode, looksLikeCode, counted, NOUNS, followJob, saveFile } from '../dom.js';
import { currentForumId } from '../forum-context.js';
import { personForm } from './people.js';

const DESK_KEY = 'multaqa.desk';
const DAY_KEY = 'multaqa.desk.day';

/** A v4 UUID also where `crypto.randomUUID` is missing (plain http on a LAN is not a secure context). */
function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}


export async function render(view) {
  const forumId = currentForumId();
  if (!forumId) {
    view.append(noForum());
    return;
  }
  document.body.classList.add('fullscreen');
  const ctx = await call('desk_context', { forum_id: forumId });
  const forum = ctx.forum;
  let day = ctx.today_day ?? (Number(sessionStorage.getItem(DAY_KEY)) || 1);
  if (day > forum.day_count) day = 1;

  const count = h('strong.count-number', { id: 'today-count' }, String(ctx.counts[day - 1] ?? 0));
  const deskName = h('input', { type: 'text', id: 'desk-name', value: localStorage.getItem(DESK_KEY) || 'منصة 1', 'aria-label': 'اسم المنصة', maxlength: 60 });
  deskName.addEventListener('change', () => localStorage.setItem(DESK_KEY, deskName.value.trim() || 'منصة 1'));
  const daySelect = h('select', { id: 'desk-day', 'aria-label': 'يوم الملتقى' },
    forum.days.map((d) => h('option', { value: d.number, selected: d.number === day }, `${dayName(d.number)} — ${d.full}`)));
  daySelect.addEventListener('change', async () => {
    day = Number(daySelect.value);
    sessionStorage.setItem(DAY_KEY, String(day));
    const c = await call('desk_context', { forum_id: forumId });
    count.textContent = String(c.counts[day - 1] ?? 0);
    scan.focus();
  });
  const banner = ctx.today_day ? null : h('div.notice.warn', { id: 'not-forum-day' },
    `اليوم (${ctx.today.full}) ليس من أيام الملتقى. اختر اليوم الذي تسجّل له، للتجربة أو للتدريب.`);

  const scan = h('input.scan', {
    type: 'text', id: 'scan', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'امسح البطاقة أو اكتب الاسم أو رقم الهوية', 'aria-label': 'رمز البطاقة أو الاسم',
  });
  const results = h('ul.desk-results', { id: 'desk-results', role: 'listbox', 'aria-label': 'نتائج البحث' });
  const card = h('section.desk-card.idle', { id: 'desk-card', role: 'status', 'aria-live': 'assertive' },
    h('p.big', {}, 'جاهز للمسح'), h('p', {}, 'امسح رمز البطاقة، أو اكتب جزءًا من الاسم ثم اختر الشخص.'));
  const walkInSlot = h('div.walkin-slot', { id: 'walkin-slot' });

  view.append(h('div.desk', {},
    h('header.desk-head', {},
      h('div.desk-title', {}, h('h1', {}, 'منصة التسجيل'), h('p', {}, forum.name_ar)),
      h('div.desk-controls', {}, daySelect, deskName),
      h('div.desk-count', {}, h('span', {}, 'حضور اليوم'), count),
      h('div.desk-actions', {},
        h('button.btn', { type: 'button', id: 'walkin', onclick: openWalkIn }, '+ تسجيل حضور جديد'),
        h('a.btn', { href: '#/dashboard', id: 'desk-exit' }, 'خروج'))),
    banner,
    scan,
    results,
    walkInSlot,
    card));

  // Keep the focus in the scan field (unless the volunteer is using another control).
  const keepFocus = () => setTimeout(() => {
    const a = document.activeElement;
    if (a && a !== document.body && a !== scan && view.contains(a)) return;
    if (!document.querySelector('dialog[open]')) scan.focus();
  }, 0);
  scan.addEventListener('blur', keepFocus);
  document.addEventListener('click', keepFocus);

  // Physical keys typed since the field was last cleared: a scanner on an Arabic keyboard layout
  // types Arabic letters, but the keys (KeyK, Digit7 …) still spell the code.
  let physical = '';
  let found = [];
  let more = false;
  let searchOffline = false;
  let selected = -1;

  scan.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      submit();
    } else if (ev.key === 'Escape') {
      clearScan();
    } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (!found.length) return;
      selected = (selected + (ev.key === 'ArrowDown' ? 1 : -1) + found.length) % found.length;
      paintResults();
    } else if (/^Key[A-Z]$/.test(ev.code)) {
      physical += ev.code.slice(3);
    } else if (/^(Digit|Numpad)[0-9]$/.test(ev.code)) {
      physical += ev.code.slice(-1);
    } else if (ev.key === 'Backspace') {
      physical = physical.slice(0, -1);
    }
  });
  scan.addEventListener('input', debounce(() => {
    const text = scan.value.trim();
    if (!text) { physical = ''; found = []; paintResults(); return; }
    if (looksLikeCode(normalizeCode(text))) return; // a code: wait for Enter
    liveSearch(text);
  }, 150));

  async function liveSearch(text) {
    if (text.length < 2) { found = []; more = false; paintResults(); return; }
    let answer = { people: [], more: false };
    searchOffline = false;
    try {
      answer = await call('person_search', { forum_id: forumId, q: text, limit: 8 });
    } catch (e) {
      searchOffline = e.code === 'offline' || e.code === 'transport';
    }
    if (scan.value.trim() !== text) return; // typed on meanwhile
    found = answer.people;
    more = answer.more;
    // One match can be checked in with Enter; with several, Enter waits for a choice.
    selected = found.length === 1 ? 0 : -1;
    paintResults();
  }

  /** The last four digits only: enough to tell two people of one name apart at the counter. */
  const masked = (id) => (id ? `••••••${id.slice(-4)}` : '');

  function paintResults() {
    const items = found.map((p, i) => h('li', {
      role: 'option', 'aria-selected': i === selected ? 'true' : 'false', class: i === selected ? 'selected' : '',
      onclick: () => checkIn({ person_id: p.id }),
    }, h('span.name', {}, p.full_name), categoryChip(p),
    p.national_id ? h('span.id', { dir: 'ltr', title: 'آخر أربعة أرقام من الهوية' }, masked(p.national_id)) : null,
    p.office ? h('span.office', {}, p.office) : null,
    h('span.code', { dir: 'ltr' }, p.badge_code)));
    if (more) items.push(h('li.more', { role: 'note' }, 'توجد نتائج أخرى غير المعروضة؛ أكمل كتابة الاسم (الاسم واسم العائلة مثلًا)'));
    results.replaceChildren(...items);
  }

  function clearScan() {
    scan.value = '';
    physical = '';
    found = [];
    more = false;
    selected = -1;
    paintResults();
  }

  async function submit() {
    const typed = scan.value.trim();
    if (!typed) return;
    if (found.length && selected >= 0 && !looksLikeCode(normalizeCode(typed))) {
      return checkIn({ person_id: found[selected].id });
    }
    if (found.length > 1 && !looksLikeCode(normalizeCode(typed))) {
      showCard('idle', (more ? `يوجد أكثر من ${counted(found.length, NOUNS.person)} بهذا الاسم` : `يوجد ${counted(found.length, NOUNS.person)} بهذا الاسم`), 'اختر الشخص بالسهمين ↑ ↓ ثم اضغط Enter، أو انقر عليه.');
      return;
    }
    const code = normalizeCode(typed);
    const candidate = looksLikeCode(code) ? code : looksLikeCode(physical) ? physical : null;
    if (!candidate) {
      await liveSearch(typed);
      if (searchOffline) showCard('refused', 'لا يوجد اتصال بالجهاز الرئيس', 'تعذر البحث بالاسم الآن؛ امسح البطاقة (يُحفظ المسح ويُرسل تلقائيًا) أو انتظر عودة الاتصال.');
      else if (found.length > 1) showCard('idle', (more ? `يوجد أكثر من ${counted(found.length, NOUNS.person)} بهذا الاسم` : `يوجد ${counted(found.length, NOUNS.person)} بهذا الاسم`), 'اختر الشخص بالسهمين ↑ ↓ ثم اضغط Enter، أو انقر عليه.');
      else if (found.length === 1) return checkIn({ person_id: found[0].id });
      else showCard('refused', 'لا يوجد شخص بهذا الاسم أو الرقم', 'جرّب الاسم الأول واسم العائلة، أو سجّله حضورًا جديدًا.');
      return;
    }
    const outcome = await checkIn({ code: candidate }, { keepOnInvalid: !looksLikeCode(code) });
    if (outcome === 'fallback') await liveSearch(typed);
  }

  async function checkIn(target, { keepOnInvalid = false } = {}) {
    // The scan's own time travels with it: a check-in queued while the host is out of reach
    // is recorded when it was scanned, not when it arrives.
    const req = { forum_id: forumId, day, desk: deskName.value.trim() || 'منصة 1', uuid: uuid4(), scanned_at: new Date().toISOString(), ...target };
    let outcome = null;
    for (let attempt = 0; attempt < 3 && !outcome; attempt++) {
      try {
        outcome = await call('checkin', req);
      } catch (e) {
        if (e.code !== 'offline' && e.code !== 'transport' && e.code !== 'busy') {
          showCard('refused', 'تعذر تسجيل الحضور', e.message);
          return null;
        }
        showCard('idle', 'جارٍ إعادة المحاولة…', 'انقطع الاتصال بالجهاز الرئيس');
        await new Promise((r) => setTimeout(r, 700 * (attempt + 1)));
      }
    }
    if (!outcome) {
      // Keep it: the same UUID is sent when the host is back, so it can never count twice.
      queue.push(req);
      saveQueue();
      clearScan();
      showCard('queued', 'لا يوجد اتصال بالجهاز الرئيس — حُفظ المسح وسيُرسل تلقائيًا',
        target.code ? `الرمز ${target.code}. تابع المسح؛ لا حاجة لإعادة هذه البطاقة.` : 'تابع التسجيل؛ لا حاجة لإعادة اختيار هذا الشخص.');
      return null;
    }
    if (keepOnInvalid && outcome.reason === 'invalid_code') return 'fallback';
    clearScan();
    count.textContent = String(outcome.today_count);
    const p = outcome.person;
    if (outcome.status === 'checked_in') {
      showCard('ok', 'تم تسجيل الحضور ✓', null, p, outcome.checkin);
      card.append(undoControl(outcome.checkin));
    } else if (outcome.status === 'already') {
      showCard('already', outcome.message, null, p);
    } else {
      showCard('refused', outcome.message, refusalHint(outcome.reason), p);
    }
    return outcome;
  }

  function refusalHint(reason) {
    return {
      invalid_code: 'قد تكون البطاقة تالفة أو الرمز مكتوبًا خطأ. اكتب الاسم للبحث.',
      unknown_code: 'اكتب الاسم للبحث، أو سجّله حضورًا جديدًا.',
      other_forum: 'هذه البطاقة ليست لهذا الملتقى.',
      not_forum_day: 'اختر يوم الملتقى الصحيح في أعلى الشاشة.',
    }[reason] || '';
  }

  function showCard(kind, title, detail, person, rec) {
    card.className = `desk-card ${kind}`;
    const label = { ok: 'حضور', already: 'سبق', refused: 'مرفوض', queued: 'محفوظ', idle: '' }[kind];
    card.replaceChildren(...[
      label ? h('span.card-label', {}, label) : null,
      h('p.big', {}, title),
      person ? h('p.person-name', {}, person.full_name) : null,
      person ? h('p.person-meta', {}, categoryChip(person), person.needs_label ? h('span.needs', {}, `♿ ${person.needs_label}`) : null) : null,
      rec ? h('p.time', {}, `${rec.time} — ${rec.desk}`) : null,
      detail ? h('p.detail', {}, detail) : null,
    ].filter(Boolean));
  }

  /** «تراجع»: undo the check-in just made (wrong person scanned …); a reason is required. */
  function undoControl(rec) {
    const box = h('div.undo', {});
    const start = h('button.btn.small', { type: 'button', id: 'undo-checkin' }, 'تراجع عن هذا التسجيل');
    start.addEventListener('click', () => {
      const reason = h('input', { type: 'text', id: 'undo-reason', placeholder: 'سبب التراجع (مطلوب)', 'aria-label': 'سبب التراجع' });
      const confirm = h('button.btn.small.danger', { type: 'submit' }, 'تأكيد التراجع');
      const form = h('form.undo-form', {}, reason, confirm);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await call('checkin_undo', { uuid: rec.uuid, reason: reason.value, by: deskName.value });
          const c = await call('desk_context', { forum_id: forumId });
          count.textContent = String(c.counts[day - 1] ?? 0);
          showCard('idle', 'أُلغي تسجيل الحضور', `السبب: ${reason.value.trim()}`);
          scan.focus();
        } catch (e) {
          reason.setAttribute('aria-invalid', 'true');
          reason.placeholder = e.message;
          reason.focus();
        }
      });
      box.replaceChildren(form);
      reason.focus();
    });
    box.append(start);
    return box;
  }

  /** The new person's badge: its code, and their A6 badge printed at once. */
  function badgeOffer(saved) {
    const state = h('span.badge-state', { id: 'walkin-badge-state', role: 'status' });
    const print = h('button.btn.primary', {
      type: 'button', id: 'walkin-badge',
      onclick: async () => {
        print.disabled = true;
        state.textContent = 'جارٍ تجهيز البطاقة…';
        try {
          const { job_id } = await call('badge_print_start', { forum_id: forumId, layout: 'a6', ids: [saved.id] });
          const r = await followJob(job_id, () => {});
          await saveFile(r.file_name.replace('.pdf', ` — ${saved.full_name}.pdf`), r.data_base64, 'application/pdf');
          state.textContent = 'جُهّزت البطاقة للطباعة';
        } catch (e) {
          state.textContent = e.message;
        } finally {
          print.disabled = false;
          scan.focus();
        }
      },
    }, 'طباعة البطاقة الآن (A6)');
    return h('div.walkin-badge', { id: 'walkin-badge-box' },
      h('p', {}, 'رمز البطاقة: ', h('strong.code', { dir: 'ltr', id: 'walkin-code' }, saved.badge_code)),
      print, state);
  }

  async function openWalkIn() {
    const categories = await call('categories');
    const close = () => { walkInSlot.replaceChildren(); scan.focus(); };
    const form = await personForm(forumId, categories, null, async (saved) => {
      walkInSlot.replaceChildren();
      const outcome = await checkIn({ person_id: saved.id });
      if (outcome) card.append(badgeOffer(saved));
      scan.focus();
    }, close, {
      walkIn: true,
      onExisting: async (id) => {
        walkInSlot.replaceChildren();
        await checkIn({ person_id: id });
        scan.focus();
      },
    });
    walkInSlot.replaceChildren(form);
    form.querySelector('#p-full_name').focus();
  }

  // Check-ins scanned while the host was unreachable, sent again (same UUIDs) when it is back.
  const QUEUE_KEY = `multaqa.desk.queue.${forumId}`;
  const queue = JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]');
  const pending = h('span.pending', { id: 'desk-pending', hidden: true });
  view.querySelector('.desk-count').append(pending);
  function saveQueue() {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    pending.hidden = queue.length === 0;
    pending.textContent = `بانتظار الإرسال: ${queue.length}`;
  }
  async function flush() {
    while (queue.length) {
      try {
        const o = await call('checkin', queue[0]);
        if (o.checkin && o.checkin.day === day) count.textContent = String(o.today_count);
      } catch (e) {
        if (e.code === 'offline' || e.code === 'transport' || e.code === 'busy') return;
        // A real refusal (unknown code …) is dropped from the queue: nothing to retry.
      }
      queue.shift();
      saveQueue();
    }
  }
  saveQueue();
  const flusher = setInterval(() => { if (queue.length) flush(); }, 5000);

  scan.focus();
  return () => {
    document.removeEventListener('click', keepFocus);
    clearInterval(flusher);
  };
}
