//! Certificates as A4 landscape pages through the shared PDF engine. The parts that are the
//! same on every page (forum name, title, body, signatories) are shaped once per batch; only
//! the name, the serial and the QR code are made per page.

use rusqlite::Connection;

use super::{Issued, Template};
use crate::error::{AppError, Result};
use crate::forum::Forum;
use crate::pdf::layout::{align, fit_name, paragraph};
use crate::pdf::shape::shape_line;
use crate::pdf::{Align, Color, Doc, Face, Page, Stamp, Style};

const W_MM: f32 = 297.0;
const H_MM: f32 = 210.0;

/// One certificate to print.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub female: bool,
    pub serial: String,
    pub qr: String,
    /// Attendance: the days this person came, in words (Hijri, Gregorian); `None` prints the
    /// forum's last day.
    pub dates: Option<(String, String)>,
}

impl From<&Issued> for Sheet {
    fn from(i: &Issued) -> Self {
        Sheet {
            name: i.name.clone(),
            female: i.female,
            serial: i.serial.clone(),
            qr: i.qr.clone(),
            dates: None,
        }
    }
}

/// The days each of these people attended (check-ins not undone), in words.
pub fn attended_dates(
    conn: &Connection,
    forum: &Forum,
    people: &[i64],
) -> Result<std::collections::HashMap<i64, (String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT day FROM checkin WHERE person_id = ?1 AND undone_at IS NULL ORDER BY day",
    )?;
    let mut out = std::collections::HashMap::new();
    for id in people {
        let dates: Vec<chrono::NaiveDate> = stmt
            .query_map([id], |r| r.get::<_, u32>(0))?
            .collect::<rusqlite::Result<Vec<u32>>>()?
            .into_iter()
            .filter_map(|d| forum.days.get(d as usize - 1))
            .filter_map(|d| crate::calendar::parse_iso(&d.label.date))
            .collect();
        if !dates.is_empty() {
            out.insert(*id, crate::calendar::days_ar(&dates));
        }
    }
    Ok(out)
}

/// Fills the placeholders that are the same for every recipient. For entity kinds `{الجهة}` is
/// the recipient (so a line of only `{الجهة}` prints the entity's name large, like `{الاسم}`);
/// for a course it is the entity that gave it, `{الدورة}` its title, `{الساعات}` its hours
/// counted in words that agree («20 ساعة تدريبية»), and the dates its last day (the forum's
/// last day when the course has no end date).
pub fn fill(text: &str, forum: &Forum, kind: &str, course: Option<&super::Course>) -> String {
    let entity = if super::for_entities(kind) {
        "{الاسم}"
    } else {
        course.map_or("", |c| c.entity.as_str())
    };
    // Attendance prints the days each person came ([`fill_dates`], per sheet).
    if kind == "attendance" {
        return text
            .replace("{الملتقى}", &forum.name_ar)
            .replace("{الجهة}", "")
            .replace("{الدورة}", "")
            .replace("{الساعات}", "");
    }
    let last = forum.days.last().map(|d| d.label.clone());
    let date = course
        .and_then(|c| c.end_date.as_deref())
        .and_then(crate::calendar::parse_iso)
        .map(crate::calendar::label)
        .or(last);
    let hours = course
        .and_then(|c| c.hours)
        .map(|h| crate::text::counted(h.max(0) as u64, &crate::text::HOURS))
        .unwrap_or_default();
    text.replace("{الملتقى}", &forum.name_ar)
        .replace(
            "{التاريخ_الهجري}",
            date.as_ref().map(|d| d.hijri.as_str()).unwrap_or_default(),
        )
        .replace(
            "{التاريخ_الميلادي}",
            date.as_ref()
                .map(|d| d.gregorian.as_str())
                .unwrap_or_default(),
        )
        .replace("{الجهة}", entity)
        .replace("{الدورة}", course.map_or("", |c| c.title.as_str()))
        .replace("{الساعات}", &hours)
}

/// The date placeholders of an attendance certificate: the sheet's days, else the forum's last.
pub fn fill_dates(text: &str, forum: &Forum, dates: Option<&(String, String)>) -> String {
    if !text.contains("{التاريخ_") {
        return text.to_string();
    }
    let last = forum.days.last().map(|d| d.label.clone());
    let (hijri, gregorian) = match dates {
        Some((h, g)) => (h.clone(), g.clone()),
        None => last.map(|l| (l.hijri, l.gregorian)).unwrap_or_default(),
    };
    text.replace("{التاريخ_الهجري}", &hijri)
        .replace("{التاريخ_الميلادي}", &gregorian)
}

/// `{حضر/حضرت}` → `حضر` for a man (or unknown), `حضرت` for a woman.
pub fn gendered(text: &str, female: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + len];
        out.push_str(&rest[..open]);
        match inner.split_once('/') {
            Some((m, f)) => out.push_str(if female { f } else { m }),
            None => out.push_str(&rest[open..=open + len]),
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

enum Block {
    /// The same on every page of a gender (and, for attendance, of a set of days): drawn once
    /// as a stamp per variant, placed at the page's running height.
    Fixed(String),
    /// Contains the name inline: shaped per page.
    WithName(String),
    /// The name on its own line(s), fitted to the width.
    Name,
}

const BODY_LEADING: f32 = 32.0;
const NAME_LEADING: f32 = 44.0;
const STAMP_TOP: f32 = 60.0;

/// Everything printing needs, read from the database at once so it is not held while pages
/// are drawn.
#[derive(Debug, Clone)]
pub struct Batch {
    pub forum: Forum,
    pub template: Template,
    /// The forum's logo (PNG, JPEG or WebP), if it has one.
    pub logo: Option<Vec<u8>>,
    /// Course certificates: the course every sheet of the batch completed.
    pub course: Option<super::Course>,
    pub sheets: Vec<Sheet>,
}

impl Batch {
    /// A batch of `sheets` in the forum's current design for `kind` (and `course`).
    pub fn load(
        conn: &Connection,
        forum_id: i64,
        kind: &str,
        course: Option<i64>,
        sheets: Vec<Sheet>,
    ) -> Result<Batch> {
        Ok(Batch {
            forum: crate::forum::get(conn, forum_id)?,
            template: super::template(conn, forum_id, kind)?,
            logo: crate::forum::logo_bytes(conn, forum_id)?,
            course: super::course_of(conn, forum_id, kind, course)?,
            sheets,
        })
    }
}

/// The merged PDF of all the batch's sheets in the template's design.
pub fn render(batch: &Batch) -> Result<Vec<u8>> {
    render_with_progress(batch, &batch.sheets, &mut |_, _| {})
}

/// One PDF per certificate: `(file name, PDF)`, named by serial and name.
pub fn render_each(
    batch: &Batch,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<(String, Vec<u8>)>> {
    let total = batch.sheets.len();
    batch
        .sheets
        .iter()
        .enumerate()
        .map(|(i, sheet)| {
            progress(i, total);
            Ok((file_name(sheet), render_one(batch, sheet)?))
        })
        .collect()
}

/// `SEF-1441-000123 — اسم المستفيد.pdf`, without characters file systems refuse.
pub fn file_name(sheet: &Sheet) -> String {
    format!("{} — {}.pdf", sheet.serial, safe_name(&sheet.name))
}

/// The merged PDF of `sheets`, calling `progress(done, total)` as pages are made.
///
/// Everything that is the same on every page (background, frame, logo, header, title, fixed
/// paragraphs, signatories) is shaped once and written once as a stamp; a page holds only the
/// name, the serial and the QR code.
/// The certificates of `sheets` as one PDF in memory ([`render_to`] into a buffer).
pub fn render_with_progress(
    batch: &Batch,
    sheets: &[Sheet],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>> {
    Ok(render_to(batch, sheets, Vec::new(), progress)?.0)
}

/// One person's certificate as its own PDF (small: the in-memory writer, fonts subset).
fn render_one(batch: &Batch, sheet: &Sheet) -> Result<Vec<u8>> {
    compose(
        batch,
        std::slice::from_ref(sheet),
        &mut |_, _| {},
        &mut |doc, page| {
            doc.add_page(page);
            Ok(())
        },
    )?
    .finish()
}

/// The live preview of the template editor: one page of the unsaved `draft`, as SVG, for the
/// first person eligible (or a sample name). A draft without a background keeps the stored one.
pub fn preview_draft(conn: &Connection, forum_id: i64, draft: &Template) -> Result<String> {
    super::check_placeholders(&draft.body).map_err(|m| AppError::field("body", &m))?;
    // A course's design is previewed with the first course that gives a certificate (or a
    // sample course when there is none yet).
    let course = if draft.kind == "course" {
        let first = super::courses(conn, forum_id)?
            .into_iter()
            .max_by_key(|c| c.completed);
        Some(first.unwrap_or(super::Course {
            id: 0,
            title: "مهارات إدارة المشاريع الصغيرة".into(),
            hours: Some(20),
            entity: "بنك التنمية الاجتماعية".into(),
            end_date: None,
            completed: 0,
            issued: 0,
        }))
    } else {
        None
    };
    let mut batch = Batch {
        forum: crate::forum::get(conn, forum_id)?,
        template: super::template(conn, forum_id, &draft.kind)?,
        logo: crate::forum::logo_bytes(conn, forum_id)?,
        course: course.clone(),
        sheets: Vec::new(),
    };
    let background = draft
        .background
        .clone()
        .or(batch.template.background.take());
    batch.template = Template {
        background,
        ..draft.clone()
    };
    let who = match &course {
        Some(c) if c.id > 0 => super::eligible(conn, forum_id, &draft.kind, Some(c.id))?,
        Some(_) => Vec::new(),
        None => super::eligible(conn, forum_id, &draft.kind, None)?,
    };
    let (name, female) = who
        .first()
        .map(|r| (r.name.clone(), r.female))
        .unwrap_or_else(|| {
            if super::for_entities(&draft.kind) {
                ("بنك التنمية الاجتماعية".to_string(), true)
            } else {
                ("عبدالرحمن بن عبدالعزيز الشهري".to_string(), false)
            }
        });
    preview(&batch, &name, female)
}

/// The batch as one file to hand over: a merged PDF, or (`per_person`) a zip of one folder
/// with a PDF per person. Returns the file name and its bytes.
pub fn output(
    batch: &Batch,
    per_person: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(String, Vec<u8>)> {
    let kind = super::kind_label(&batch.template.kind).unwrap_or("شهادات");
    let label = match &batch.course {
        Some(c) => format!("{kind} — {}", safe_name(&c.title)),
        None => kind.to_string(),
    };
    let label = label.as_str();
    if per_person {
        let files = render_each(batch, progress)?;
        Ok((
            format!("{label}.zip"),
            crate::archive::zip_folder(label, &files)?,
        ))
    } else {
        let pdf = render_with_progress(batch, &batch.sheets, progress)?;
        Ok((format!("{label}.pdf"), pdf))
    }
}

/// A name fit for a file: characters no file system takes become `_`.
fn safe_name(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    name.trim().to_string()
}

/// One page with `name` in the batch's template, as SVG (the serial and QR are samples).
pub fn preview(batch: &Batch, name: &str, female: bool) -> Result<String> {
    let sample = Sheet {
        name: name.to_string(),
        female,
        serial: "SEF-1441-00-000000".into(),
        qr: "SEF-1441-00-000000.preview".into(),
        dates: None,
    };
    let mut svg = String::new();
    compose(batch, &[sample], &mut |_, _| {}, &mut |doc, page| {
        svg = crate::pdf::svg::page(doc, &page)?;
        Ok(())
    })?;
    Ok(svg)
}

/// Draws the pages of `sheets`, handing each to `each`.
/// What every page of a batch shares, drawn into one [`Doc`]: the frame (background, logo,
/// borders, forum name, title, signatories) as one stamp, the body's paragraphs, and each fixed
/// paragraph's stamp per variant (its final text), made when first needed.
struct Layout<'a> {
    batch: &'a Batch,
    frame: Stamp,
    blocks: Vec<Block>,
    stamps: std::collections::HashMap<String, (Stamp, f32)>,
    w: f32,
    h: f32,
    text_w: f32,
    body_style: Style,
}

impl<'a> Layout<'a> {
    fn new(batch: &'a Batch, doc: &mut Doc) -> Result<Self> {
        let (forum, template) = (&batch.forum, &batch.template);
        let mut frame = doc.page(W_MM, H_MM);
        let (w, h) = (frame.width, frame.height);
        if let Some(bg) = template.background.as_deref().filter(|b| !b.is_empty()) {
            let bytes = crate::forum::image_from_data_url(bg, "صورة الخلفية")
                .map_err(|m| AppError::field("background", &m))?;
            let image = doc.image(&bytes)?;
            frame.image(&image, 0.0, 0.0, w, h);
        }
        if let Some(logo) = batch.logo.as_deref().filter(|_| template.show_logo) {
            let image = doc.image(logo)?;
            let (lw, lh) = image.fit(78.0, 78.0);
            frame.image(
                &image,
                w - 48.0 - 78.0 + (78.0 - lw) / 2.0,
                h - 48.0 - lh,
                lw,
                lh,
            );
        }
        frame.stroke_rect(18.0, 18.0, w - 36.0, h - 36.0, 3.0, Color::GREEN);
        frame.stroke_rect(26.0, 26.0, w - 52.0, h - 52.0, 0.8, Color::GOLD);
        let mut header = shape_line(&forum.name_ar, Style::new(Face::NaskhBold, 16.0))?;
        let header_x = align(&mut header, 0.0, w, Align::Center, true);
        doc.text(&mut frame, &header, header_x, h - 72.0, Color::GREEN)?;
        let mut title = shape_line(&template.title, Style::new(Face::AmiriBold, 44.0))?;
        let title_x = align(&mut title, 0.0, w, Align::Center, true);
        doc.text(&mut frame, &title, title_x, h - 130.0, Color::GREEN)?;
        let signatories = &template.signatories[..template.signatories.len().min(3)];
        let n = signatories.len().max(1) as f32;
        let col_w = (w - 260.0) / n;
        for (i, s) in signatories.iter().enumerate() {
            let col_x = w - 130.0 - (i as f32 + 1.0) * col_w;
            let mut t = shape_line(&s.title, Style::new(Face::NaskhRegular, 12.0))?;
            let mut name = shape_line(&s.name, Style::new(Face::AmiriBold, 16.0))?;
            let tx = align(&mut t, col_x, col_w, Align::Center, true);
            let nx = align(&mut name, col_x, col_w, Align::Center, true);
            doc.text(&mut frame, &t, tx, 118.0, Color::BLACK)?;
            doc.text(&mut frame, &name, nx, 96.0, Color::BLACK)?;
        }
        let serial_label = shape_line("رقم الشهادة:", Style::new(Face::NaskhRegular, 10.0))?;
        doc.text(&mut frame, &serial_label, 118.0, 64.0, Color::BLACK)?;
        let frame = doc.stamp(frame);
        let blocks: Vec<Block> = template
            .body
            .split('\n')
            .map(|p| fill(p.trim(), forum, &template.kind, batch.course.as_ref()))
            .filter(|p| !p.is_empty())
            .map(|p| {
                if p == "{الاسم}" {
                    Block::Name
                } else if p.contains("{الاسم}") {
                    Block::WithName(p)
                } else {
                    Block::Fixed(p)
                }
            })
            .collect();
        Ok(Layout {
            batch,
            frame,
            blocks,
            stamps: std::collections::HashMap::new(),
            w,
            h,
            text_w: w - 220.0,
            body_style: Style::new(Face::AmiriRegular, 19.0),
        })
    }

    /// One certificate's page.
    fn page(&mut self, doc: &mut Doc, sheet: &Sheet, qr: &crate::qr::QrMatrix) -> Result<Page> {
        let (w, h, text_w, body_style) = (self.w, self.h, self.text_w, self.body_style);
        let forum = &self.batch.forum;
        let mut page = doc.page(W_MM, H_MM);
        page.stamp(&self.frame, 0.0, 0.0);
        let mut y = h - 185.0;
        for block in &self.blocks {
            match block {
                Block::Fixed(p) => {
                    let text = gendered(&fill_dates(p, forum, sheet.dates.as_ref()), sheet.female);
                    if !self.stamps.contains_key(&text) {
                        let mut stamp = doc.page(W_MM, H_MM);
                        let mut sy = h - STAMP_TOP;
                        for mut l in paragraph(&text, body_style, text_w)? {
                            let x = align(&mut l, 0.0, w, Align::Center, true);
                            doc.text(&mut stamp, &l, x, sy, Color::BLACK)?;
                            sy -= BODY_LEADING;
                        }
                        let made = (doc.stamp(stamp), h - STAMP_TOP - sy);
                        self.stamps.insert(text.clone(), made);
                    }
                    let (stamp, height) = &self.stamps[&text];
                    page.stamp(stamp, 0.0, y - (h - STAMP_TOP));
                    y -= height;
                }
                Block::WithName(p) => {
                    let text = gendered(
                        &fill_dates(
                            &p.replace("{الاسم}", &sheet.name),
                            forum,
                            sheet.dates.as_ref(),
                        ),
                        sheet.female,
                    );
                    for mut l in paragraph(&text, body_style, text_w)? {
                        let x = align(&mut l, 0.0, w, Align::Center, true);
                        doc.text(&mut page, &l, x, y, Color::BLACK)?;
                        y -= BODY_LEADING;
                    }
                }
                Block::Name => {
                    y -= 12.0;
                    let lines =
                        fit_name(&sheet.name, Style::new(Face::AmiriBold, 36.0), 20.0, text_w)?;
                    for mut l in lines {
                        let x = align(&mut l, 0.0, w, Align::Center, true);
                        doc.text(&mut page, &l, x, y, Color::GREEN)?;
                        y -= NAME_LEADING;
                    }
                    y -= 4.0;
                }
            }
        }
        page.qr(qr, 44.0, 44.0, 66.0, Color::BLACK);
        let serial = shape_line(&sheet.serial, Style::new(Face::LatinRegular, 10.0))?;
        doc.text(&mut page, &serial, 118.0, 50.0, Color::BLACK)?;
        Ok(page)
    }
}

fn title(batch: &Batch) -> String {
    format!("{} — {}", batch.template.title, batch.forum.name_ar)
}

/// The pages of `sheets` handed to `each` one by one (previews, one person's PDF).
fn compose(
    batch: &Batch,
    sheets: &[Sheet],
    progress: &mut dyn FnMut(usize, usize),
    each: &mut dyn FnMut(&mut Doc, Page) -> Result<()>,
) -> Result<Doc> {
    let mut doc = Doc::new(&title(batch));
    let mut layout = Layout::new(batch, &mut doc)?;
    for (i, sheet) in sheets.iter().enumerate() {
        if i % 50 == 0 {
            progress(i, sheets.len());
        }
        let qr = crate::qr::matrix_fixed_mask(&sheet.qr)?;
        let page = layout.page(&mut doc, sheet, &qr)?;
        each(&mut doc, page)?;
    }
    progress(sheets.len(), sheets.len());
    Ok(doc)
}

/// The certificates of `sheets` as one PDF written to `out` as the pages are made (memory
/// stays flat at any count): the machine's cores draw them, each its own share (page `i` on
/// lane `i mod lanes`), and the pages go into the file in order. Returns `out` and the bytes
/// written.
pub fn render_to<W: std::io::Write>(
    batch: &Batch,
    sheets: &[Sheet],
    out: W,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(W, u64)> {
    use crate::pdf::stream::{self, PageBytes};
    let lanes = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(sheets.len().max(1));
    let mut writer = stream::Writer::new(out, lanes)?;
    let title = title(batch);
    let docs = std::thread::scope(|scope| -> Result<Vec<Doc>> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<PageBytes>)>(lanes * 8);
        let workers: Vec<_> = (0..lanes)
            .map(|lane| {
                let tx = tx.clone();
                let title = &title;
                scope.spawn(move || -> Option<Doc> {
                    let mut doc = Doc::new(title);
                    let mut bytes = stream::PageWriter::default();
                    let mut layout = match Layout::new(batch, &mut doc) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = tx.send((lane, Err(e)));
                            return None;
                        }
                    };
                    for i in (lane..sheets.len()).step_by(lanes) {
                        let made = crate::qr::matrix_fixed_mask(&sheets[i].qr)
                            .and_then(|qr| layout.page(&mut doc, &sheets[i], &qr))
                            .and_then(|page| bytes.bytes(&doc, &page));
                        let failed = made.is_err();
                        if tx.send((i, made)).is_err() || failed {
                            return None;
                        }
                    }
                    Some(doc)
                })
            })
            .collect();
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (i, page) in rx {
            waiting.insert(i, page);
            while let Some(page) = waiting.remove(&next) {
                writer.page(next % lanes, page?)?;
                next += 1;
                if next % 50 == 0 {
                    progress(next, sheets.len());
                }
            }
        }
        let mut docs = Vec::with_capacity(lanes);
        for w in workers {
            match w.join() {
                Ok(Some(doc)) => docs.push(doc),
                _ => return Err(AppError::Internal("توقف رسم صفحات الشهادات".into())),
            }
        }
        Ok(docs)
    })?;
    if sheets.is_empty() {
        // A document has a page: a batch of none is the frame alone.
        let mut doc = Doc::new(&title);
        let layout = Layout::new(batch, &mut doc)?;
        let mut page = doc.page(W_MM, H_MM);
        page.stamp(&layout.frame, 0.0, 0.0);
        writer.page(0, stream::PageWriter::default().bytes(&doc, &page)?)?;
        let out = writer.finish(vec![doc], &title)?;
        progress(0, 0);
        return Ok(out);
    }
    let out = writer.finish(docs, &title)?;
    progress(sheets.len(), sheets.len());
    Ok(out)
}

/// Issues (or re-uses) the certificates of a kind and reads what printing them needs.
pub fn prepare(
    store: &crate::store::Store,
    forum_id: i64,
    kind: &str,
    course: Option<i64>,
    only: Option<&[i64]>,
    by: &str,
) -> Result<(Vec<super::Issued>, Batch)> {
    let issued = super::issue_in_chunks(store, forum_id, kind, course, only, by)?;
    let mut sheets: Vec<Sheet> = issued.iter().map(Sheet::from).collect();
    let conn = store.read()?;
    let mut batch = Batch::load(&conn, forum_id, kind, course, Vec::new())?;
    if kind == "attendance" {
        let ids: Vec<i64> = issued.iter().filter_map(|i| i.person_id).collect();
        let dates = attended_dates(&conn, &batch.forum, &ids)?;
        for (sheet, i) in sheets.iter_mut().zip(&issued) {
            sheet.dates = i.person_id.and_then(|id| dates.get(&id).cloned());
        }
    }
    batch.sheets = sheets;
    Ok((issued, batch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_follows_the_recipient() {
        let t = "قد {حضر/حضرت} الملتقى، متمنين {له/لها} التوفيق — {الاسم}";
        assert_eq!(
            gendered(t, false),
            "قد حضر الملتقى، متمنين له التوفيق — {الاسم}"
        );
        assert_eq!(
            gendered(t, true),
            "قد حضرت الملتقى، متمنين لها التوفيق — {الاسم}"
        );
        assert_eq!(gendered("بلا أقواس {", true), "بلا أقواس {");
    }
}
