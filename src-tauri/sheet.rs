//! Spreadsheets in and out: .xlsx (calamine) and .csv (UTF-8 with or without BOM, or Windows-1256
//! Arabic; comma, semicolon or tab) read into one plain table; .xlsx written right-to-left with
//! values that Excel would run as formulas kept as text (the quote-prefix cell format, so the
//! value itself is unchanged and re-imports as it was).

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use crate::error::{AppError, Result};

/// A sheet as text: the header row and the data rows. `rows[i]` is spreadsheet row `i + 2`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The spreadsheet row number of data row `i` (the header is row 1).
    pub fn row_number(i: usize) -> usize {
        i + 2
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

fn bad_file(msg: &str) -> AppError {
    AppError::field("file", msg)
}

/// Reads the first sheet of an .xlsx/.xls/.ods, or a .csv, by its file name's extension.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table> {
    let lower = file_name.to_lowercase();
    let mut rows: Vec<Vec<String>> = if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)?
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".ods") {
        let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|_| bad_file("تعذر قراءة ملف الجدول؛ تأكد أنه ملف Excel سليم"))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| bad_file("ملف الجدول لا يحتوي على أي ورقة"))?
            .map_err(|_| bad_file("تعذر قراءة الورقة الأولى من الملف"))?;
        range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect()
    } else {
        return Err(bad_file(
            "نوع الملف غير مدعوم؛ استخدم ملف Excel (.xlsx) أو CSV",
        ));
    };
    // Leading empty rows (titles above the header are common) are skipped.
    while rows
        .first()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.remove(0);
    }
    if rows.is_empty() {
        return Err(bad_file("الملف فارغ"));
    }
    let headers: Vec<String> = rows
        .remove(0)
        .into_iter()
        .map(|h| crate::text::clean(&h))
        .collect();
    let width = headers.len();
    for r in &mut rows {
        r.resize(width.max(r.len()), String::new());
    }
    Ok(Table { headers, rows })
}

/// Decodes CSV bytes: UTF-8 (BOM optional), else Windows-1256.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1256.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let text = decode_text(bytes);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| bad_file(&format!("سطر {} في ملف CSV غير مقروء: {e}", i + 1)))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(rows)
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
