//! Spreadsheets in and out: .xlsx and .csv (UTF-8 with or without BOM, or Windows-1256 Arabic;
//! comma, semicolon or tab) read into one plain table; .xlsx written right-to-left with values
//! that Excel would run as formulas kept as text (the quote-prefix cell format, so the value
//! itself is unchanged and re-imports as it was).
//!
//! Files from outside are hostile until checked. Invariants of reading: an .xlsx archive is
//! checked before it is parsed ([`xlsx`]: entry count, declared sizes, compression ratio,
//! shared strings); cells are streamed one by one into a [`Builder`] that refuses, with an
//! Arabic reason naming the cell, anything past [`MAX_ROWS`], [`MAX_COLUMNS`],
//! [`MAX_CELL_CHARS`], [`MAX_CELLS`] or [`MAX_TEXT_BYTES`], so memory stays bounded whatever
//! the file declares; no dense grid of the sheet is ever built. Row numbers are the sheet's own.

mod csv_file;
#[doc(hidden)]
pub mod fixture;
mod xlsx;

use std::collections::BTreeMap;

use crate::error::{AppError, Result};

/// Rows with something in them (the header included).
pub const MAX_ROWS: usize = 100_000;
/// Columns a table may use (A to IV).
pub const MAX_COLUMNS: u32 = 256;
/// Characters in one cell (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Cells of the table (data rows × header columns, and non-empty cells read).
pub const MAX_CELLS: usize = 3_000_000;
/// Text in all cells together.
pub const MAX_TEXT_BYTES: usize = 128 * 1024 * 1024;

/// A sheet as text: the header row and the data rows, each with its row number in the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The sheet's row number of each data row (empty: the header is row 1 and rows follow).
    pub numbers: Vec<usize>,
}

impl Table {
    /// The spreadsheet row number of data row `i`.
    pub fn row_number(&self, i: usize) -> usize {
        self.numbers.get(i).copied().unwrap_or(i + 2)
    }
}

pub(crate) fn bad_file(msg: &str) -> AppError {
    AppError::field("file", msg)
}

/// The cell's name as a spreadsheet shows it: column letters and row number (`XFD1048576`).
pub fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col as u64 + 1;
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        letters.push((b'A' + r) as char);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", letters.into_iter().collect::<String>())
}

/// Gathers the non-empty cells of a sheet, checking every limit as each cell arrives.
#[derive(Default)]
pub(crate) struct Builder {
    /// Sheet row (1-based) → its cells (column from 0, text).
    rows: BTreeMap<u32, Vec<(u32, String)>>,
    cells: usize,
    text: usize,
}

impl Builder {
    /// Adds the cell at sheet row `row` (from 1) and column `col` (from 0), or says which limit
    /// it breaks.
    pub(crate) fn push(&mut self, row: u32, col: u32, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Ok(());
        }
        if col >= MAX_COLUMNS {
            return Err(bad_file(&format!(
                "في الخلية {} قيمة خارج حدود الجدول المقبولة (أول {} من A إلى IV)؛ احذفها أو انقل الجدول إلى ورقة جديدة",
                cell_ref(row, col),
                crate::text::counted(MAX_COLUMNS as u64, &crate::text::COLUMNS)
            )));
        }
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(bad_file(&format!(
                "الخلية {} أطول من {}؛ لا يقبل الاستيراد نصًا بهذا الطول",
                cell_ref(row, col),
                crate::text::counted(MAX_CELL_CHARS as u64, &crate::text::CHARACTERS)
            )));
        }
        self.cells += 1;
        self.text += text.len();
        if self.cells > MAX_CELLS || self.text > MAX_TEXT_BYTES {
            return Err(too_big());
        }
        if !self.rows.contains_key(&row) && self.rows.len() >= MAX_ROWS {
            return Err(bad_file(&format!(
                "الملف فيه أكثر من {} ألف صف؛ قسّمه إلى ملفات أصغر",
                MAX_ROWS / 1000
            )));
        }
        self.rows
            .entry(row)
            .or_default()
            .push((col, text.to_string()));
        Ok(())
    }

    /// The table: the first row with something in it is the header (empty rows above it are
    /// skipped, and so are empty rows between); cells right of the last header column are not
    /// part of it.
    pub(crate) fn finish(self) -> Result<Table> {
        let mut rows = self.rows.into_iter();
        let Some((_, header_cells)) = rows.next() else {
            return Err(bad_file("الملف فارغ"));
        };
        let width = header_cells
            .iter()
            .map(|(c, _)| *c as usize + 1)
            .max()
            .unwrap_or(0);
        let mut headers = vec![String::new(); width];
        for (c, v) in header_cells {
            headers[c as usize] = crate::text::clean(&v);
        }
        let rows: Vec<_> = rows.collect();
        let data_rows = rows.len();
        if data_rows.saturating_mul(width.max(1)) > MAX_CELLS {
            return Err(too_big());
        }
        let mut table = Table {
            headers,
            rows: Vec::with_capacity(data_rows),
            numbers: Vec::with_capacity(data_rows),
        };
        for (number, cells) in rows {
            let mut row = vec![String::new(); width];
            let mut any = false;
            for (c, v) in cells {
                if let Some(slot) = row.get_mut(c as usize) {
                    *slot = v;
                    any = true;
                }
            }
            if any {
                table.rows.push(row);
                table.numbers.push(number as usize);
            }
        }
        Ok(table)
    }
}

fn too_big() -> AppError {
    bad_file(&format!(
        "الجدول أكبر من الحد المقبول ({} مليون خلية)؛ قسّمه إلى ملفات أصغر أو احذف الأعمدة غير اللازمة",
        MAX_CELLS / 1_000_000
    ))
}

/// Reads the first sheet of an .xlsx, or a .csv, by its file name's extension.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table> {
    let lower = file_name.to_lowercase();
    if bytes.len() > crate::api::access::MAX_FILE_BYTES {
        return Err(AppError::TooLarge(crate::api::access::too_large_file(
            Some(bytes.len()),
        )));
    }
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        csv_file::read(bytes)
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        xlsx::read(bytes)
    } else if lower.ends_with(".xls") || lower.ends_with(".ods") {
        Err(bad_file(
            "هذه الصيغة (‎.xls‎ القديمة أو ‎.ods‎) غير مدعومة؛ افتح الملف واحفظه بصيغة Excel ‏(‎.xlsx‎) ثم استورده",
        ))
    } else {
        Err(bad_file(
            "نوع الملف غير مدعوم؛ استخدم ملف Excel (.xlsx) أو CSV",
        ))
    }
}

/// Decodes CSV bytes: UTF-8 (BOM optional), else Windows-1256.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1256.decode(bytes).0.into_owned(),
    }
}

/// Would Excel take this text for a formula if a user edited the cell (`= + - @`, tab, CR)?
pub fn looks_like_formula(v: &str) -> bool {
    matches!(v.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// One cell of an exported sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// One sheet of an exported workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetData {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// An .xlsx with one right-to-left sheet: a bold header row, then the rows, all as text.
pub fn write_xlsx(sheet_name: &str, headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    write_xlsx_sheets(&[SheetData {
        name: sheet_name.to_string(),
        headers: headers.to_vec(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|v| Cell::Text(v.clone())).collect())
            .collect(),
    }])
}

/// An .xlsx of right-to-left sheets, each with a bold, frozen header row. Text that Excel would
/// run as a formula is written with the quote prefix; numbers stay numbers.
pub fn write_xlsx_sheets(sheets: &[SheetData]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err =
        |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("تعذر كتابة ملف Excel: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_quote_prefix();
    let text = Format::new().set_quote_prefix();
    for data in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(&data.name).map_err(err)?;
        sheet.set_right_to_left(true);
        for (c, h) in data.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
            sheet.set_column_width(c as u16, 22).map_err(err)?;
        }
        for (r, row) in data.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Cell::Text(v) if looks_like_formula(v) => {
                        sheet
                            .write_string_with_format(r, c, v, &text)
                            .map_err(err)?;
                    }
                    Cell::Text(v) => {
                        sheet.write_string(r, c, v).map_err(err)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_bom_and_windows_1256_with_any_delimiter() {
        let utf8 = "\u{FEFF}الاسم;الجوال\nفاطمة علي;0551234567\n"
            .as_bytes()
            .to_vec();
        let t = read_table("a.csv", &utf8).unwrap();
        assert_eq!(t.headers, ["الاسم", "الجوال"]);
        assert_eq!(t.rows, [["فاطمة علي", "0551234567"]]);

        let (cp1256, _, bad) = encoding_rs::WINDOWS_1256.encode("الاسم,الفئة\nأحمد علي,مستفيد\n");
        assert!(!bad);
        let t = read_table("b.CSV", &cp1256).unwrap();
        assert_eq!(t.headers, ["الاسم", "الفئة"]);
        assert_eq!(t.rows[0], ["أحمد علي", "مستفيد"]);
    }

    #[test]
    fn xlsx_round_trip_keeps_arabic_and_neutralises_formulas() {
        let headers = vec!["الاسم".to_string(), "ملاحظة".to_string()];
        let rows = vec![vec![
            "سارة علي".to_string(),
            "=HYPERLINK(\"x\")".to_string(),
        ]];
        let bytes = write_xlsx("المرفوضة", &headers, &rows).unwrap();
        let t = read_table("r.xlsx", &bytes).unwrap();
        assert_eq!(t.headers, headers);
        assert_eq!(t.rows[0][0], "سارة علي");
        assert_eq!(
            t.rows[0][1], "=HYPERLINK(\"x\")",
            "the value is kept, as text"
        );
        assert!(looks_like_formula("+966"));
        assert!(!looks_like_formula("0551234567"));
    }

    #[test]
    fn unreadable_files_say_so_in_arabic() {
        assert!(read_table("x.pdf", b"%PDF")
            .unwrap_err()
            .to_string()
            .contains("غير مدعوم"));
        assert!(read_table("x.xlsx", b"not a zip")
            .unwrap_err()
            .to_string()
            .contains("Excel"));
        assert!(read_table("x.csv", b"")
            .unwrap_err()
            .to_string()
            .contains("فارغ"));
    }
}
