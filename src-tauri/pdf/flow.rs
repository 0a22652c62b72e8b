//! Reports: A4 portrait pages written top to bottom — a title band with the logo, headline
//! figures, headings, paragraphs, tables whose cells may hold bars (the charts, drawn as vector
//! rectangles) — with a new page whenever the next block does not fit, a running header on every
//! page after the first and «صفحة ن من م» at the foot of each.
//!
//! Everything is right to left: a table's first column is at the right edge, and a bar grows from
//! the right of its cell towards the left.

use super::fonts::{Face, Style};
use super::layout::{align, fit_line, fit_name, paragraph, Align};
use super::shape::Line;
use super::writer::{Color, Doc, Image, Page};
use crate::error::Result;

pub const MM: f32 = 72.0 / 25.4;
const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 15.0 * MM;
const FOOTER: f32 = 12.0 * MM;
const RULE: Color = Color(0xdd, 0xe2, 0xdf);
const ZEBRA: Color = Color(0xf4, 0xf7, 0xf5);

/// One column of a [`Flow::table`]: its title, its width in millimetres (`0.0`: what is left),
/// and how its text sits.
#[derive(Debug, Clone, Copy)]
pub struct Col<'a> {
    pub title: &'a str,
    pub width_mm: f32,
    pub align: Align,
}

impl<'a> Col<'a> {
    pub fn text(title: &'a str, width_mm: f32) -> Col<'a> {
        Col {
            title,
            width_mm,
            align: Align::Right,
        }
    }

    pub fn number(title: &'a str, width_mm: f32) -> Col<'a> {
        Col {
            title,
            width_mm,
            align: Align::Center,
        }
    }
}

/// What a table cell holds.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// Bars one above the other, each `(value, colour)` drawn at `value / max` of the cell's
    /// width with its value written at its end.
    Bars {
        bars: Vec<(f64, Color)>,
        max: f64,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn bar(value: f64, max: f64, color: Color) -> Cell {
        Cell::Bars {
            bars: vec![(value, color)],
            max,
        }
    }
}

/// A whole number as it is printed (Latin digits, thousands with a comma).
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with at most one decimal: `0.4567` → `45.7%`.
pub fn percent(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A report being written.
pub struct Flow {
    pub doc: Doc,
    pages: Vec<Page>,
    /// The y (points from the bottom) where the next block starts on the last page.
    y: f32,
    running: String,
}

impl Flow {
    /// A report titled `title` whose later pages carry `running` (the forum's name) at the top.
    pub fn new(title: &str, running: &str) -> Flow {
        let doc = Doc::new(title);
        let page = doc.page(A4.0, A4.1);
        let y = page.height - MARGIN;
        Flow {
            doc,
            pages: vec![page],
            y,
            running: running.to_string(),
        }
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn width(&self) -> f32 {
        A4.0 * MM - 2.0 * MARGIN
    }

    fn bottom() -> f32 {
        MARGIN + FOOTER
    }

    fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page with the running header.
    pub fn new_page(&mut self) -> Result<()> {
        let mut page = self.doc.page(A4.0, A4.1);
        let top = page.height - MARGIN;
        let (left, width) = (self.left(), self.width());
        let mut l = fit_line(&self.running, Style::new(Face::NaskhRegular, 9.0), width)?;
        let x = align(&mut l, left, width, Align::Right, true);
        self.doc
            .text(&mut page, &l, x, top - 3.0 * MM, Color::GREY)?;
        page.line(
            left,
            top - 5.0 * MM,
            left + width,
            top - 5.0 * MM,
            0.6,
            Color::GOLD,
        );
        self.pages.push(page);
        self.y = top - 10.0 * MM;
        Ok(())
    }

    /// Makes room for `h` points: a new page when less is left on this one.
    pub fn ensure(&mut self, h: f32) -> Result<()> {
        if self.y - h < Self::bottom() {
            self.new_page()?;
        }
        Ok(())
    }

    pub fn gap(&mut self, mm: f32) {
        self.y -= mm * MM;
    }

    /// The first page's band: the title in white on green, the logo at its right end (RTL),
    /// then the lines under it (dates, when it was made) in grey.
    pub fn title_band(
        &mut self,
        title: &str,
        subtitle: &str,
        logo: Option<&[u8]>,
        lines: &[String],
    ) -> Result<()> {
        let (left, width) = (self.left(), self.width());
        let band = 30.0 * MM;
        let top = self.y;
        // A logo the engine cannot read (WebP) leaves the band without it rather than no report.
        let logo: Option<Image> = logo.and_then(|bytes| self.doc.image(bytes).ok());
        let page = self.page();
        page.fill_rect(left, top - band, width, band, Color::GREEN);
        let mut text_w = width - 8.0 * MM;
        if let Some(img) = &logo {
            let (lw, lh) = img.fit(24.0 * MM, band - 6.0 * MM);
            let page = self.page();
            page.fill_rect(
                left + width - lw - 6.0 * MM,
                top - band + 2.0 * MM,
                lw + 4.0 * MM,
                band - 4.0 * MM,
                Color::WHITE,
            );
            page.image(
                img,
                left + width - lw - 4.0 * MM,
                top - band + (band - lh) / 2.0,
                lw,
                lh,
            );
            text_w -= lw + 8.0 * MM;
        }
        let mut t = fit_line(title, Style::new(Face::NaskhBold, 20.0), text_w)?;
        let x = align(&mut t, left + 4.0 * MM, text_w, Align::Right, true);
        self.draw(&t, x, top - 13.0 * MM, Color::WHITE)?;
        let mut s = fit_line(subtitle, Style::new(Face::NaskhRegular, 12.0), text_w)?;
        let x = align(&mut s, left + 4.0 * MM, text_w, Align::Right, true);
        self.draw(&s, x, top - 23.0 * MM, Color::WHITE)?;
        self.y = top - band - 7.0 * MM;
        for line in lines {
            self.line(line, Style::new(Face::NaskhRegular, 10.5), Color::GREY)?;
        }
        Ok(())
    }

    /// One line of text, right-aligned, shrunk if it is too wide.
    pub fn line(&mut self, text: &str, style: Style, color: Color) -> Result<()> {
        let step = style.size * 1.5;
        self.ensure(step)?;
        let (left, width) = (self.left(), self.width());
        let mut l = fit_line(text, style, width)?;
        let x = align(&mut l, left, width, Align::Right, true);
        self.draw(&l, x, self.y - style.size, color)?;
        self.y -= step;
        Ok(())
    }

    fn draw(&mut self, line: &Line, x: f32, baseline: f32, color: Color) -> Result<()> {
        let last = self.pages.len() - 1;
        let (doc, pages) = (&mut self.doc, &mut self.pages);
        doc.text(&mut pages[last], line, x, baseline, color)
    }

    /// A section heading with a gold rule under it; never left alone at the foot of a page
    /// (`keep_mm` millimetres of what follows must fit with it).
    pub fn heading(&mut self, text: &str, keep_mm: f32) -> Result<()> {
        let size = 14.0;
        self.ensure(size * 2.2 + keep_mm * MM)?;
        self.y -= 3.0 * MM;
        let (left, width) = (self.left(), self.width());
        let mut l = fit_line(text, Style::new(Face::NaskhBold, size), width)?;
        let x = align(&mut l, left, width, Align::Right, true);
        self.draw(&l, x, self.y - size, Color::GREEN)?;
        self.y -= size * 1.6;
        let y = self.y;
        self.page().line(left, y, left + width, y, 0.8, Color::GOLD);
        self.y -= 3.0 * MM;
        Ok(())
    }

    /// A paragraph, justified, in a tinted box when `boxed`.
    pub fn paragraph(&mut self, text: &str, style: Style, boxed: bool) -> Result<()> {
        let pad = if boxed { 4.0 * MM } else { 0.0 };
        let (left, width) = (self.left(), self.width());
        let lines = paragraph(text, style, width - 2.0 * pad)?;
        let step = style.size * 1.6;
        let h = lines.len() as f32 * step + 2.0 * pad;
        self.ensure(h.min(200.0))?;
        if boxed {
            let y = self.y;
            let page = self.page();
            page.fill_rect(left, y - h, width, h, Color(0xfb, 0xf6, 0xe6));
            page.stroke_rect(left, y - h, width, h, 0.6, Color::GOLD);
        }
        self.y -= pad;
        let n = lines.len();
        for (i, mut l) in lines.into_iter().enumerate() {
            self.ensure(step)?;
            let x = align(
                &mut l,
                left + pad,
                width - 2.0 * pad,
                Align::Justify,
                i + 1 == n,
            );
            self.draw(&l, x, self.y - style.size * 1.1, Color::BLACK)?;
            self.y -= step;
        }
        self.y -= pad + 2.0 * MM;
        Ok(())
    }

    /// Headline figures in boxes side by side, the first at the right: the value large, its
    /// label under it. The first box is filled (the headline).
    pub fn tiles(&mut self, tiles: &[(String, String)]) -> Result<()> {
        if tiles.is_empty() {
            return Ok(());
        }
        let h = 28.0 * MM;
        self.ensure(h)?;
        let (left, width) = (self.left(), self.width());
        let gap = 4.0 * MM;
        let w = (width - gap * (tiles.len() - 1) as f32) / tiles.len() as f32;
        let top = self.y;
        for (i, (value, label)) in tiles.iter().enumerate() {
            let x = left + width - (i as f32 + 1.0) * w - i as f32 * gap;
            let (fill, ink) = if i == 0 {
                (Color::GREEN, Color::WHITE)
            } else {
                (Color(0xe3, 0xf1, 0xea), Color::GREEN)
            };
            let page = self.page();
            page.fill_rect(x, top - h, w, h, fill);
            page.stroke_rect(x, top - h, w, h, 0.8, Color::GREEN);
            let mut v = fit_line(value, Style::new(Face::LatinBold, 26.0), w - 6.0 * MM)?;
            let vx = align(&mut v, x + 3.0 * MM, w - 6.0 * MM, Align::Center, true);
            self.draw(&v, vx, top - 13.5 * MM, ink)?;
            let mut l = fit_line(label, Style::new(Face::NaskhBold, 11.0), w - 6.0 * MM)?;
            let lx = align(&mut l, x + 3.0 * MM, w - 6.0 * MM, Align::Center, true);
            self.draw(&l, lx, top - 22.5 * MM, ink)?;
        }
        self.y = top - h - 4.0 * MM;
        Ok(())
    }

    /// A legend line: a swatch and a label for each colour, right to left.
    pub fn legend(&mut self, items: &[(&str, Color)]) -> Result<()> {
        let size = 9.5;
        self.ensure(size * 2.0)?;
        let mut x = self.left() + self.width();
        let base = self.y - size;
        for (label, color) in items {
            let sw = 4.0 * MM;
            self.page()
                .fill_rect(x - sw, base - 0.5, sw, size * 0.8, *color);
            x -= sw + 1.5 * MM;
            let l = super::shape::shape_line(label, Style::new(Face::NaskhRegular, size))?;
            self.draw(&l, x - l.width, base, Color::BLACK)?;
            x -= l.width + 6.0 * MM;
        }
        self.y -= size * 1.8;
        Ok(())
    }

    /// A table: a header row (repeated on each new page) and rows striped for reading; text
    /// cells are shrunk or put on two lines to fit, never clipped.
    pub fn table(&mut self, cols: &[Col], rows: &[Vec<Cell>]) -> Result<()> {
        let (left, width) = (self.left(), self.width());
        let fixed: f32 = cols.iter().map(|c| c.width_mm * MM).sum();
        let flexible = cols.iter().filter(|c| c.width_mm == 0.0).count().max(1);
        let rest = ((width - fixed) / flexible as f32).max(10.0 * MM);
        // Each column's [x, x + w], the first at the right edge.
        let mut spans = Vec::new();
        let mut right = left + width;
        for c in cols {
            let w = if c.width_mm == 0.0 {
                rest
            } else {
                c.width_mm * MM
            };
            spans.push((right - w, w));
            right -= w;
        }
        let body = Style::new(Face::NaskhRegular, 9.5);
        let pad = 1.6 * MM;
        let head_h = 8.0 * MM;
        let header = |flow: &mut Flow| -> Result<()> {
            let y = flow.y;
            flow.page()
                .fill_rect(left, y - head_h, width, head_h, Color::GREEN);
            for (c, (x, w)) in cols.iter().zip(&spans) {
                let mut l = fit_line(c.title, Style::new(Face::NaskhBold, 9.5), w - 2.0 * pad)?;
                let lx = align(&mut l, x + pad, w - 2.0 * pad, c.align, true);
                flow.draw(&l, lx, y - head_h + 2.6 * MM, Color::WHITE)?;
            }
            flow.y -= head_h;
            Ok(())
        };
        // The header goes with its first rows: a short table stays whole, a long one keeps six.
        self.ensure(head_h + rows.len().clamp(1, 6) as f32 * 7.0 * MM)?;
        header(self)?;
        for (i, row) in rows.iter().enumerate() {
            // Lay the row out first to know its height.
            let mut texts: Vec<Vec<Line>> = Vec::new();
            let mut h: f32 = 7.0 * MM;
            for (cell, (_, w)) in row.iter().zip(&spans) {
                match cell {
                    Cell::Text(s) if !s.is_empty() => {
                        let lines = match fit_name(s, body, 7.5, w - 2.0 * pad) {
                            Ok(lines) => lines,
                            Err(_) => vec![fit_line(s, body, w - 2.0 * pad)?],
                        };
                        h = h.max(lines.len() as f32 * body.size * 1.3 + 3.0 * MM);
                        texts.push(lines);
                    }
                    Cell::Bars { bars, .. } => {
                        h = h.max(bars.len() as f32 * 3.6 * MM + 2.4 * MM);
                        texts.push(Vec::new());
                    }
                    Cell::Text(_) => texts.push(Vec::new()),
                }
            }
            if self.y - h < Self::bottom() {
                self.new_page()?;
                header(self)?;
            }
            let top = self.y;
            if i % 2 == 1 {
                self.page().fill_rect(left, top - h, width, h, ZEBRA);
            }
            for ((cell, lines), ((x, w), c)) in
                row.iter().zip(texts).zip(spans.iter().zip(cols.iter()))
            {
                match cell {
                    Cell::Text(_) => {
                        let n = lines.len() as f32;
                        let step = body.size * 1.3;
                        let mut baseline = top - (h - n * step) / 2.0 - body.size * 0.95;
                        for mut l in lines {
                            let lx = align(&mut l, x + pad, w - 2.0 * pad, c.align, true);
                            self.draw(&l, lx, baseline, Color::BLACK)?;
                            baseline -= step;
                        }
                    }
                    Cell::Bars { bars, max } => {
                        let bh = 2.8 * MM;
                        let label_w = 12.0 * MM;
                        let span = (w - 2.0 * pad - label_w).max(1.0);
                        let mut by = top - (h - bars.len() as f32 * 3.6 * MM) / 2.0 - bh;
                        for (v, color) in bars {
                            let share = if *max > 0.0 {
                                (v / max).clamp(0.0, 1.0) as f32
                            } else {
                                0.0
                            };
                            let bw = (span * share).max(if *v > 0.0 { 0.8 } else { 0.0 });
                            let bx = x + w - pad - bw;
                            self.page().fill_rect(bx, by, bw, bh, *color);
                            let l = super::shape::shape_line(
                                &count(*v as usize),
                                Style::new(Face::LatinRegular, 7.5),
                            )?;
                            self.draw(&l, bx - l.width - 1.2 * MM, by + 0.5, Color::BLACK)?;
                            by -= 3.6 * MM;
                        }
                    }
                }
            }
            self.y -= h;
            let y = self.y;
            self.page().line(left, y, left + width, y, 0.3, RULE);
        }
        self.y -= 4.0 * MM;
        Ok(())
    }

    /// The document, with «صفحة ن من م» at the foot of every page.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let total = self.pages.len();
        let (left, width) = (self.left(), self.width());
        for (i, mut page) in std::mem::take(&mut self.pages).into_iter().enumerate() {
            let mut l = super::shape::shape_line(
                &format!("صفحة {} من {}", i + 1, total),
                Style::new(Face::NaskhRegular, 8.5),
            )?;
            let x = align(&mut l, left, width, Align::Center, true);
            page.line(
                left,
                MARGIN + 5.0 * MM,
                left + width,
                MARGIN + 5.0 * MM,
                0.4,
                RULE,
            );
            self.doc.text(&mut page, &l, x, MARGIN, Color::GREY)?;
            self.doc.add_page(page);
        }
        self.doc.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_with_thousands_and_percent_with_one_decimal() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(6136), "6,136");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.4567), "45.7%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
    }

    #[test]
    fn a_long_table_runs_onto_more_pages_with_its_header_again() {
        let mut f = Flow::new("اختبار", "ملتقى التمكين الاجتماعي");
        let rows: Vec<Vec<Cell>> = (0..120)
            .map(|i| {
                vec![
                    Cell::text(format!("مكتب الضمان الاجتماعي رقم {i}")),
                    Cell::text(count(i)),
                    Cell::bar(i as f64, 120.0, Color::GREEN),
                ]
            })
            .collect();
        f.table(
            &[
                Col::text("المكتب", 70.0),
                Col::number("العدد", 20.0),
                Col::text("", 0.0),
            ],
            &rows,
        )
        .unwrap();
        assert!(f.pages.len() >= 3, "{} pages", f.pages.len());
        let pdf = f.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
}
