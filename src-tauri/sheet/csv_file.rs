//! CSV files: UTF-8 (BOM optional) or Windows-1256, the delimiter guessed from the first
//! non-empty line. Row numbers are what a spreadsheet shows: blank lines count as rows, and a
//! quoted cell with line breaks inside stays one row.

use super::{bad_file, Builder, Table};
use crate::error::Result;

pub(super) fn read(bytes: &[u8]) -> Result<Table> {
    let text = super::decode_text(bytes);
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
    let mut builder = Builder::default();
    // Line breaks inside quoted cells of earlier records: lines that are not rows.
    let mut inner_breaks: u64 = 0;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(bad_file(&format!(
                    "السطر {line} في ملف CSV غير مقروء؛ تأكد أن علامات التنصيص مغلقة"
                )));
            }
        }
        // The reader's position is where it started looking, before any blank lines it
        // skipped: those lines are rows of their own.
        let line = record.position().map_or(1, |p| {
            let skipped = text.as_bytes()[(p.byte() as usize).min(text.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .filter(|b| **b == b'\n')
                .count();
            p.line() + skipped as u64
        });
        let row = line.saturating_sub(inner_breaks).max(1);
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        for (col, cell) in record.iter().enumerate() {
            builder.push(row, u32::try_from(col).unwrap_or(u32::MAX), cell)?;
            inner_breaks += cell.bytes().filter(|b| *b == b'\n').count() as u64;
        }
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::super::read_table;

    #[test]
    fn rows_are_numbered_as_the_sheet_shows_them() {
        let csv = "\n\nالاسم,الجوال\nسارة,055\n\n\"علي\nحسن\",056\nمنى,057\n";
        let t = read_table("a.csv", csv.as_bytes()).unwrap();
        assert_eq!(t.headers, ["الاسم", "الجوال"]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1][0], "علي\nحسن");
        // Header on row 3; سارة row 4; a blank row 5; the two-line cell is row 6; منى row 7.
        assert_eq!(
            (0..3).map(|i| t.row_number(i)).collect::<Vec<_>>(),
            [4, 6, 7]
        );
    }

    #[test]
    fn a_cell_past_the_limits_is_named() {
        let wide = format!("الاسم{}س\n", ",".repeat(300));
        let e = read_table("w.csv", wide.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("KO1"), "{e}");
        let long = format!("الاسم\n{}\n", "ب".repeat(40_000));
        let e = read_table("l.csv", long.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("A2") && e.contains("32767"), "{e}");
        let e = read_table("q.csv", "الاسم\n\"غير مغلق\n".as_bytes());
        assert!(e.is_ok() || e.unwrap_err().to_string().contains("CSV"));
    }
}
