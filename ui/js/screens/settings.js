// Settings (الإعدادات): about this installation, and the demo data.
import { call, transport, onHost, ADMIN_KEY } from '../api.js';
import { h, toast, confirmDialog, venueTime, saveFile, debounce, counted, NOUNS } from '../dom.js';
import { formatCode, pairedFrom } from '../pairing-watch.js';
import { currentForumId } from '../forum-context.js';

export async function render(view) {
  const [info, demo] = await Promise.all([call('app_info'), call('demo_status')]);
  const demoSection = h('section.card', { id: 'demo-section' },
    h('h2', {}, 'البيانات التجريبية'),
    demo.present
      ? [
          h('p', {}, 'يحتوي البرنامج على ملتقى تجريبي (ملتقى التمكين الاجتماعي بمنطقة جازان) لتتعرف على البرنامج. احذفه قبل إدخال بيانات ملتقاك الفعلي.'),
          h('button.btn.danger', { type: 'button', id: 'demo-remove', onclick: removeDemo }, 'حذف البيانات التجريبية'),
        ]
      : [
          h('p', {}, 'لا توجد بيانات تجريبية. يمكنك تحميل ملتقى تجريبي كامل للتجربة والتدريب.'),
          h('button.btn', { type: 'button', id: 'demo-load', onclick: loadDemo }, 'تحميل البيانات التجريبية'),
        ]);
  const lan = transport === 'tauri' ? await lanSection() : null;
  const desks = onHost ? await desksSection() : null;
  const cats = onHost ? await categoriesSection() : null;
  const backups = onHost ? await backupsSection() : null;
  const audit = onHost ? await auditSection() : null;
  const logs = onHost ? await logsSection() : null;
  const lock = onHost ? await lockSection() : null;
  const accounts = onHost ? await accountsSection() : null;
  const mine = await myAccountSection();
  view.append(...[
    h('header.page-head', {}, h('h1', {}, 'الإعدادات')),
    lan,
    mine,
    desks,
    accounts,
    lock,
    backups,
    audit,
    logs,
    cats,
    h('section.card', {},
      h('h2', {}, 'عن البرنامج'),
      h('dl.facts', {},
        h('dt', {}, 'الإصدار'), h('dd', { dir: 'ltr' }, info.version),
        h('dt', {}, 'ملف قاعدة البيانات'), h('dd', { dir: 'ltr' }, h('code', {}, info.db_path)),
        h('dt', {}, 'إصدار مخطط البيانات'), h('dd', {}, String(info.schema_version)))),
    demoSection,
  ].filter(Boolean));

  async function lanSection() {
    const status = await call('lan_status');
    const toggle = h('input', { type: 'checkbox', id: 'lan-toggle', checked: status.enabled });
    const info = h('div', { id: 'lan-info' });
    const paint = (s) => info.replaceChildren(s.enabled
      ? h('p', {}, 'افتح أحد هذه العناوين في متصفح كل منصة: ', s.urls.length
        ? s.urls.map((u) => h('code', { dir: 'ltr' }, u)) : h('code', { dir: 'ltr' }, `http://<عنوان هذا الجهاز>:${s.port}/`))
      : h('p.hint', {}, 'مغلق: لا يصل إلى البرنامج إلا هذا الجهاز.'));
    paint(status);
    toggle.addEventListener('change', async () => {
      try {
        paint(await call('lan_set', { enabled: toggle.checked }));
      } catch (e) {
        toggle.checked = !toggle.checked;
        toast(e.message, 'error');
      }
    });
    return h('section.card', { id: 'lan-section' },
      h('h2', {}, 'العمل على شبكة المقر'),
      h('label.check', {}, toggle, 'السماح لمنصات التسجيل في الشبكة بالاتصال بهذا الجهاز'),
      h('p.hint', {}, 'كل منصة تحتاج رمز اقتران مرة واحدة، ويمكن إلغاء اقترانها في أي وقت.'),
      info);
  }

  /** The backups: made every 15 minutes while a forum runs and before every import, migration,
   *  demo removal and restore; a second folder (a USB stick) when set; one made on request. */
  async function backupsSection() {
    const list = h('tbody');
    const mirror = h('input', { type: 'text', id: 'backup-mirror', dir: 'ltr', placeholder: '/media/usb/multaqa', 'aria-label': 'مجلد ثانٍ للنسخ' });
    const paint = async () => {
      const b = await call('backup_list');
      mirror.value = b.mirror || '';
      const reasons = { auto: 'تلقائية', import: 'قبل استيراد', migration: 'قبل تحديث البيانات', demo_remove: 'قبل حذف التجريبي', restore: 'قبل استرجاع', manual: 'يدوية' };
      list.replaceChildren(...(b.backups.length ? b.backups.slice(0, 30).map((x) => h('tr', {},
        h('td', {}, venueTime(x.made_at, { date: true })),
        h('td', {}, reasons[x.reason] || x.reason),
        h('td.num', {}, `${(x.bytes / 1024 / 1024).toFixed(1)} ميغابايت`),
        h('td', { dir: 'ltr' }, h('code', {}, x.file_name)),
        h('td.row-actions', {}, h('button.btn.small.danger-outline', { type: 'button', 'aria-label': `استرجاع نسخة ${venueTime(x.made_at, { date: true })}`, onclick: () => restore(x) }, 'استرجاع'))))
        : [h('tr', {}, h('td.empty-row', { colspan: 5 }, 'لا توجد نسخ بعد.'))]));
      folder.textContent = b.folder;
    };
    const folder = h('code', { dir: 'ltr', id: 'backup-folder' });
    async function restore(x) {
      const when = venueTime(x.made_at, { date: true });
      const ok = await confirmDialog('استرجاع نسخة احتياطية',
        `ستعود كل البيانات إلى ما كانت عليه في ${when}، ويضيع ما أُدخل بعدها من هذا الجهاز والمنصات. تُحفظ نسخة مما سيُستبدل أولًا، ثم يُطلب تسجيل الدخول من جديد.`, 'استرجاع');
      if (!ok) return;
      try {
        const r = await call('backup_restore', { file: x.path });
        sessionStorage.removeItem(ADMIN_KEY);
        sessionStorage.setItem('multaqa.restored', `استُرجعت نسخة ${when}؛ حُفظ ما استُبدل في \u2068${r.previous_kept_in.file_name}\u2069`);
        location.reload();
      } catch (e) { toast(e.message, 'error'); }
    }
    const now = h('button.btn.primary', { type: 'button', id: 'backup-now', onclick: async () => {
      now.disabled = true;
      try { const b = await call('backup_now'); toast(`حُفظت نسخة احتياطية: ${b.file_name}`); await paint(); } catch (e) { toast(e.message, 'error'); } finally { now.disabled = false; }
    } }, 'نسخة احتياطية الآن');
    const saveMirror = h('button.btn', { type: 'button', id: 'backup-mirror-save', onclick: async () => {
      try { await call('backup_mirror_set', { folder: mirror.value }); toast(mirror.value.trim() ? 'تُحفظ النسخ في المجلد الثاني أيضًا' : 'أُلغي المجلد الثاني'); } catch (e) { toast(e.message, 'error'); }
    } }, 'حفظ المجلد');
    await paint();
    return h('section.card', { id: 'backups-section' },
      h('h2', {}, 'النسخ الاحتياطية'),
      h('p.hint', {}, 'تُحفظ نسخة كل 15 دقيقة أثناء أيام الملتقى، وقبل كل استيراد وتحديث وحذف للبيانات التجريبية واسترجاع، وتُبقى آخر 24 نسخة ونسخة من كل يوم. المجلد: ', folder,
        '. الاسترجاع يعيد البيانات إلى وقت النسخة ويحفظ نسخة مما يستبدله أولًا.'),
      h('div.toolbar', {}, now, mirror, saveMirror),
      h('table.data.compact', { id: 'backup-table' },
        h('thead', {}, h('tr', {}, ['الوقت', 'السبب', 'الحجم', 'الملف', ''].map((t) => h('th', { scope: 'col' }, t)))), list));
  }

  /** The admin lock: a password for settings, pairing, deletion and demo removal. */
  async function lockSection() {
    const st = await call('admin_status');
    const current = h('input', { type: 'password', id: 'admin-current', autocomplete: 'current-password', placeholder: 'كلمة المرور الحالية', 'aria-label': 'كلمة المرور الحالية', hidden: !st.locked });
    const next = h('input', { type: 'password', id: 'admin-new', autocomplete: 'new-password', placeholder: 'كلمة مرور جديدة (8 أحرف على الأقل)', 'aria-label': 'كلمة المرور الجديدة' });
    const state = h('p', { id: 'admin-state', role: 'status' }, st.locked ? 'البرنامج مقفل: الإعدادات والاقتران والحذف تحتاج كلمة المرور.' : 'لا توجد كلمة مرور للمشرف.');
    const save = h('button.btn.primary', { type: 'button', id: 'admin-save', onclick: async () => {
      try {
        const r = await call('admin_password_set', { current: current.value, new: next.value });
        sessionStorage.removeItem(ADMIN_KEY);
        toast(r.locked ? 'حُفظت كلمة مرور المشرف؛ البرنامج مقفل' : 'أُزيلت كلمة مرور المشرف');
        current.value = ''; next.value = '';
        current.hidden = !r.locked;
        state.textContent = r.locked ? 'البرنامج مقفل: الإعدادات والاقتران والحذف تحتاج كلمة المرور.' : 'لا توجد كلمة مرور للمشرف.';
      } catch (e) { toast(e.message, 'error'); }
    } }, 'حفظ كلمة المرور');
    const lockNow = h('button.btn', { type: 'button', id: 'admin-lock', onclick: async () => {
      await call('admin_lock');
      sessionStorage.removeItem(ADMIN_KEY);
      toast('قُفل البرنامج');
    } }, 'قفل الآن');
    return h('section.card', { id: 'lock-section' },
      h('h2', {}, 'قفل المشرف'), state,
      h('div.toolbar', {}, current, next, save, lockNow));
  }

  /** The signed-in member's own password. */
  async function myAccountSection() {
    const me = await call('account_me');
    if (!me.account) return null;
    const current = h('input', { type: 'password', id: 'my-current', autocomplete: 'current-password', placeholder: 'كلمة المرور الحالية', 'aria-label': 'كلمة المرور الحالية' });
    const next = h('input', { type: 'password', id: 'my-new', autocomplete: 'new-password', placeholder: 'كلمة مرور جديدة (8 أحرف على الأقل)', 'aria-label': 'كلمة المرور الجديدة' });
    const save = h('button.btn', { type: 'button', id: 'my-password-save', onclick: async () => {
      try { await call('account_password_change', { current: current.value, new: next.value }); current.value = ''; next.value = ''; toast('غُيّرت كلمة مرورك'); } catch (e) { toast(e.message, 'error'); }
    } }, 'تغيير كلمة المرور');
    return h('section.card', { id: 'my-account-section' },
      h('h2', {}, 'حسابي'),
      h('p', {}, `${me.account.display_name} — ${me.account.role_label} (`, h('span', { dir: 'ltr' }, me.account.username), ')'),
      h('div.toolbar', {}, current, next, save));
  }

  /** Committee members' accounts: who signs in is who the audit trail and the decisions name. */
  async function accountsSection() {
    let data;
    let manage;
    try {
      const me = await call('account_me');
      // Managing accounts is the admin's (the host before any account exists is the admin).
      manage = !me.account || me.account.role === 'admin';
      data = await call('account_list');
    } catch (e) {
      return h('section.card', { id: 'accounts-section' }, h('h2', {}, 'حسابات اللجنة'), h('p.hint', {}, e.message));
    }
    const roleSelect = (value, label) => h('select', { 'aria-label': label },
      data.roles.map((r) => h('option', { value: r.code, selected: r.code === value }, r.label)));
    const body = h('tbody');
    const paint = () => body.replaceChildren(...(data.accounts.length ? data.accounts.map((a) => {
      const role = roleSelect(a.role, `دور ${a.display_name}`);
      role.disabled = !manage;
      role.addEventListener('change', () => change(a, { role: role.value }, () => { role.value = a.role; }));
      return h('tr', { class: a.active ? '' : 'muted' },
        h('td.name', {}, a.display_name, h('small.hint', { dir: 'ltr', style: 'display:block' }, a.username)),
        h('td', {}, role),
        h('td', {}, a.active ? (a.last_sign_in_at ? `آخر دخول ${venueTime(a.last_sign_in_at, { date: true })}` : 'لم يدخل بعد')
          : h('span.chip', { style: '--chip:#b3261e' }, 'معطّل')),
        h('td.row-actions', {}, !manage ? null : [
          h('button.btn.small', { type: 'button', 'aria-label': `كلمة مرور جديدة لـ ${a.display_name}`, onclick: (ev) => resetPassword(a, ev.target.closest('td')) }, 'كلمة مرور جديدة'),
          h('button.btn.small', { type: 'button', class: a.active ? 'btn small danger-outline' : 'btn small', 'aria-label': `${a.active ? 'تعطيل' : 'تفعيل'} ${a.display_name}`,
            onclick: () => change(a, { active: !a.active }) }, a.active ? 'تعطيل' : 'تفعيل')]));
    }) : [h('tr', {}, h('td.empty-row', { colspan: 4 }, 'لا توجد حسابات: يعمل الجهاز الرئيس دون تسجيل دخول. أضف حسابًا لكل عضو في اللجنة (الأول مشرف) ليُسجَّل كل إجراء باسم صاحبه.'))]));
    const reload = async () => { data = await call('account_list'); paint(); };
    async function change(a, patch, undo) {
      try { await call('account_update', { id: a.id, ...patch }); toast('حُفظ التغيير'); await reload(); } catch (e) { toast(e.message, 'error'); if (undo) undo(); }
    }
    function resetPassword(a, cell) {
      const pw = h('input', { type: 'password', autocomplete: 'new-password', placeholder: '8 أحرف على الأقل', 'aria-label': `كلمة المرور الجديدة لـ ${a.display_name}` });
      const save = h('button.btn.small.primary', { type: 'button', onclick: async () => {
        try { await call('account_password_reset', { id: a.id, password: pw.value }); toast('غُيّرت كلمة المرور وأُنهيت جلسات الحساب'); paint(); } catch (e) { toast(e.message, 'error'); pw.select(); }
      } }, 'حفظ');
      cell.replaceChildren(pw, save, h('button.btn.small', { type: 'button', onclick: paint }, 'إلغاء'));
      pw.focus();
    }
    const name = h('input', { type: 'text', id: 'account-new-name', placeholder: 'الاسم كما يظهر في السجل', 'aria-label': 'اسم العضو' });
    const username = h('input', { type: 'text', id: 'account-new-username', dir: 'ltr', placeholder: 'sara.h', 'aria-label': 'اسم المستخدم', autocomplete: 'off' });
    const password = h('input', { type: 'password', id: 'account-new-password', placeholder: 'كلمة المرور (8 أحرف على الأقل)', 'aria-label': 'كلمة المرور', autocomplete: 'new-password' });
    const role = roleSelect(data.accounts.length ? 'committee' : 'admin', 'دور الحساب');
    role.id = 'account-new-role';
    const add = h('button.btn.primary', { type: 'button', id: 'account-add', onclick: async () => {
      try {
        const a = await call('account_create', { display_name: name.value, username: username.value, role: role.value, password: password.value });
        toast(`أُضيف حساب ${a.display_name}`);
        name.value = ''; username.value = ''; password.value = ''; role.value = 'committee';
        await reload();
      } catch (e) { toast(e.message, 'error'); }
    } }, 'إضافة حساب');
    paint();
    return h('section.card', { id: 'accounts-section' },
      h('h2', {}, 'حسابات اللجنة'),
      h('p.hint', {}, 'بعد إضافة أول حساب يطلب الجهاز الرئيس وأجهزة اللجنة تسجيل الدخول، ويُسجَّل كل قرار وتغيير باسم من قام به. منصات التسجيل والأركان والمعرض تعمل دون تسجيل دخول.'),
      manage ? h('div.toolbar', {}, name, username, role, password, add) : h('p.hint', { id: 'accounts-admin-only' }, 'إضافة الحسابات وتعديلها لحسابات المشرفين.'),
      h('table.data', { id: 'account-table' }, h('thead', {}, h('tr', {}, ['العضو', 'الدور', 'الحالة', ''].map((t) => h('th', { scope: 'col' }, t)))), body));
  }

  /** The app's log files (a week of them) and a zip of them for support. */
  async function logsSection() {
    const info = await call('logs_info');
    const size = info.files.reduce((n, f) => n + f.bytes, 0);
    const save = h('button.btn', { type: 'button', id: 'logs-save', disabled: !info.files.length, onclick: async () => {
      try { const z = await call('logs_zip'); await saveFile(z.file_name, z.data_base64, 'application/zip'); } catch (e) { toast(e.message, 'error'); }
    } }, 'حفظ السجلات (zip) لإرسالها للدعم');
    return h('section.card', { id: 'logs-section' },
      h('h2', {}, 'سجل التشغيل'),
      h('p.hint', {}, `يسجّل البرنامج تشغيله وإيقافه وكل إجراء ومدته وأخطاءه، دون أسماء أو أرقام هويات أو جوالات، ويُبقي سجلات آخر ${counted(info.keep_days, NOUNS.day)}. المجلد: `,
        h('code', { dir: 'ltr', id: 'logs-folder' }, info.folder)),
      h('p', { id: 'logs-files' }, info.files.length ? `${counted(info.files.length, NOUNS.file)} — ${(size / 1024).toFixed(0)} كيلوبايت` : 'لا توجد سجلات بعد.'),
      h('div.toolbar', {}, save));
  }

  /** The audit trail: the latest changes, filtered by command or by who; verify; export. */
  async function auditSection() {
    const body = h('tbody');
    const command = h('input', { type: 'search', id: 'audit-command', dir: 'ltr', placeholder: 'checkin', 'aria-label': 'الإجراء' });
    const who = h('input', { type: 'search', id: 'audit-who', placeholder: 'منصة 1 (منصة تسجيل الحضور)', 'aria-label': 'من' });
    const state = h('p', { id: 'audit-state', role: 'status' });
    const paint = async () => {
      const rows = await call('audit_list', { command: command.value.trim() || null, who: who.value.trim() || null, limit: 100 });
      body.replaceChildren(...(rows.length ? rows.map((e) => h('tr', {},
        h('td.num', {}, String(e.id)), h('td', {}, venueTime(e.at, { date: true })), h('td', {}, e.who),
        h('td', { dir: 'ltr' }, h('code', {}, e.command)), h('td', { dir: 'ltr' }, e.record)))
        : [h('tr', {}, h('td.empty-row', { colspan: 5 }, 'لا تغييرات مسجلة بعد.'))]));
    };
    const verify = h('button.btn', { type: 'button', id: 'audit-verify', onclick: async () => {
      const v = await call('audit_verify');
      state.className = v.ok ? 'notice ok' : 'notice error';
      state.textContent = v.message;
    } }, 'التحقق من سلامة السجل');
    const exportBtn = h('button.btn', { type: 'button', id: 'audit-export', onclick: async () => {
      const f = await call('audit_export_xlsx');
      await saveFile(f.file_name, f.data_base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    } }, 'تصدير Excel');
    command.addEventListener('input', debounce(paint, 250));
    who.addEventListener('input', debounce(paint, 250));
    await paint();
    return h('section.card', { id: 'audit-section' },
      h('h2', {}, 'سجل التدقيق'),
      h('p.hint', {}, 'كل تغيير يُسجَّل بوقته ومن قام به؛ كل سطر يحمل بصمة السطر الذي قبله فيُكشف أي تعديل للملف.'),
      h('div.toolbar', {}, command, who, verify, exportBtn), state,
      h('div.table-wrap', {}, h('table.data.compact', { id: 'audit-table' },
        h('thead', {}, h('tr', {}, ['#', 'الوقت', 'من', 'الإجراء', 'السجل'].map((t) => h('th', { scope: 'col' }, t)))), body)));
  }

  async function categoriesSection() {
    const body = h('tbody');
    const paint = async () => {
      const categories = await call('categories');
      const row = (c) => {
        const label = h('input', { type: 'text', value: c?.label_ar ?? '', 'aria-label': 'اسم الفئة', placeholder: 'فئة جديدة' });
        const color = h('input', { type: 'color', value: c?.color ?? '#0b6b4a', 'aria-label': 'لون الفئة' });
        const save = h('button.btn.small', { type: 'button' }, c ? 'حفظ' : 'إضافة');
        save.addEventListener('click', async () => {
          try {
            await call('category_save', { code: c?.code ?? null, label_ar: label.value, color: color.value });
            toast(c ? 'حُفظت الفئة' : 'أُضيفت الفئة');
            paint();
          } catch (e) { toast(e.message, 'error'); }
        });
        return h('tr', {}, h('td', {}, label), h('td', {}, color), h('td', {}, save));
      };
      body.replaceChildren(...categories.map(row), row(null));
    };
    await paint();
    return h('section.card', { id: 'categories-section' },
      h('h2', {}, 'فئات الزوار'),
      h('p.hint', {}, 'تظهر الفئة بلونها واسمها في القوائم وعلى منصة التسجيل والبطاقات.'),
      h('table.data.compact', {}, body));
  }

  /** Where desks reach this host on the venue network (empty when not open to it). */
  async function lanUrls() {
    try {
      if (transport === 'tauri') return (await call('lan_status')).urls;
      const health = await (await fetch('/api/health')).json();
      return health.lan_urls || [];
    } catch {
      return [];
    }
  }

  async function pairingQr(url, code) {
    const target = `${url}#/pair/${code}`;
    const { svg } = await call('qr_svg', { text: target });
    const box = h('div.qr', { title: target, 'aria-label': `رمز QR لاقتران المنصة: ${target}`, role: 'img' });
    box.innerHTML = svg; // generated here from our own text, not user HTML
    return h('div.qr-wrap', {}, box, h('code', { dir: 'ltr' }, target));
  }

  async function desksSection() {
    const list = h('tbody');
    const name = h('input', { type: 'text', id: 'desk-new-name', placeholder: 'منصة 2', 'aria-label': 'اسم المنصة' });
    const add = h('button.btn.primary', { type: 'button', id: 'desk-add' }, 'إضافة منصة');
    // Each device gets a role when paired (what it may do is decided in the core); a booth
    // device is the booth of one entity of the current forum.
    const role = h('select', { id: 'desk-new-role', 'aria-label': 'دور الجهاز' },
      [['checkin', 'منصة تسجيل الحضور'], ['booth', 'ركن جهة ممكنة'], ['exhibition', 'منصة معرض الأسر المنتجة'], ['committee', 'جهاز اللجنة المنظمة']]
        .map(([v, l]) => h('option', { value: v }, l)));
    const entity = h('select', { id: 'desk-new-entity', 'aria-label': 'جهة الركن', hidden: true },
      h('option', { value: '' }, '— اختر جهة الركن —'));
    role.addEventListener('change', () => { entity.hidden = role.value !== 'booth'; });
    const forumId = currentForumId();
    if (forumId) {
      try {
        const { entities } = await call('entity_list', { forum_id: forumId });
        entity.append(...entities.filter((e) => e.status !== 'withdrew')
          .map((e) => h('option', { value: e.id }, e.name_ar)));
      } catch { /* registration desks only */ }
    }
    const paint = async () => {
      const desks = await call('desk_list');
      const urls = await lanUrls();
      const qrs = new Map();
      for (const d of desks.filter((x) => x.pairing_code && urls.length)) {
        qrs.set(d.id, await pairingQr(urls[0], d.pairing_code));
      }
      list.replaceChildren(...(desks.length ? desks.map((d) => h('tr', {},
        h('td.name', {}, d.name, h('span.hint', {}, ` — ${d.role_label}${d.entity_name ? `: ${d.entity_name}` : ''}`)),
        h('td', {}, d.revoked ? h('span.chip', { style: '--chip:#b3261e' }, 'أُلغي اقترانها')
          : d.paired ? h('div', {}, h('span.chip', { style: '--chip:#0b6b4a' }, 'مقترنة'),
            d.paired_from ? h('span.hint', {}, ` ${pairedFrom(d)}`) : null)
            : d.pairing_code && new Date(d.pairing_expires) > new Date() ? h('div', {}, h('span', {}, 'رمز الاقتران: ', h('strong.pair-code', { dir: 'ltr' }, formatCode(d.pairing_code))),
              h('span.hint', {}, ' صالح عشر دقائق لمرة واحدة'), qrs.get(d.id))
              : h('span.hint', {}, 'انتهت صلاحية الرمز؛ اطلب رمزًا جديدًا')),
        h('td.row-actions', {},
          h('button.btn.small', { type: 'button', onclick: async () => { await call('desk_new_code', { id: d.id }); paint(); } }, 'رمز جديد'),
          d.revoked ? null : h('button.btn.small.danger-outline', { type: 'button', onclick: async () => { await call('desk_revoke', { id: d.id }); paint(); } }, 'إلغاء الاقتران'))))
        : [h('tr', {}, h('td.empty-row', { colspan: 3 }, 'لا توجد منصات بعد. أضف منصة لكل جهاز تسجيل في المقر.'))]));
    };
    add.addEventListener('click', async () => {
      try {
        await call('desk_create', { name: name.value, role: role.value, entity_id: role.value === 'booth' && entity.value ? Number(entity.value) : null });
        name.value = '';
        entity.value = '';
        paint();
      } catch (e) { toast(e.message, 'error'); }
    });
    await paint();
    const attempts = h('p.hint', { id: 'pairing-attempts' });
    try {
      const log = await call('desk_pairing_log');
      const a = log.attempts;
      if (a.wrong_attempts) {
        attempts.textContent = `محاولات اقتران برمز خاطئ: ${a.wrong_attempts} من ${a.addresses.map((x) => x.address).join('، ')}`
          + (a.paused_secs ? ` — الاقتران موقوف ${counted(a.paused_secs, NOUNS.second)} (الرمز الجديد يعيد فتحه)` : '');
      }
    } catch { /* shown on the next visit */ }
    return h('section.card', { id: 'desks-section' },
      h('h2', {}, 'منصات التسجيل'),
      h('div.toolbar', {}, name, role, entity, add),
      attempts,
      h('table.data', { id: 'desk-table' }, h('tbody', {}), list));
  }

  async function removeDemo() {
    const ok = await confirmDialog('حذف البيانات التجريبية', 'سيُحذف الملتقى التجريبي وكل بياناته. بياناتك الفعلية لا تتأثر.', 'حذف');
    if (!ok) return;
    try {
      const r = await call('demo_remove');
      toast(`حُذفت البيانات التجريبية (${r.removed})`);
      view.replaceChildren();
      await render(view);
    } catch (e) { toast(e.message, 'error'); }
  }
  async function loadDemo() {
    try {
      await call('demo_load');
      toast('حُمّلت البيانات التجريبية');
      location.hash = '#/forums';
    } catch (e) { toast(e.message, 'error'); }
  }
}
