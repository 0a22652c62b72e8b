// Settings (الإعدادات): about this installation, and the demo data.
import { call } from '../api.js';
import { h, toast, confirmDialog } from '../dom.js';

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
  view.append(
    h('header.page-head', {}, h('h1', {}, 'الإعدادات')),
    h('section.card', {},
      h('h2', {}, 'عن البرنامج'),
      h('dl.facts', {},
        h('dt', {}, 'الإصدار'), h('dd', { dir: 'ltr' }, info.version),
        h('dt', {}, 'ملف قاعدة البيانات'), h('dd', { dir: 'ltr' }, h('code', {}, info.db_path)),
        h('dt', {}, 'إصدار مخطط البيانات'), h('dd', {}, String(info.schema_version)))),
    demoSection);

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
