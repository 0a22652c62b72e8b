//! .xlsx files: the archive is checked before it is parsed, then the first sheet's cells are
//! streamed (calamine's cell reader) into the limit-checking [`Builder`]. Never the sheet as
//! a grid: a file with cells at A1 and XFD1048576 is two cells here, and is refused by the
//! column limit with the cell's name, not by running out of memory.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use super::{bad_file, Builder, Table};
use crate::error::{AppError, Result};

/// Files inside the archive.
const MAX_ENTRIES: usize = 2_000;
/// Any one file inside, unpacked (a 100,000-row sheet is far less).
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
/// The shared strings, which the reader holds in memory.
const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
/// Distinct shared strings.
const MAX_SHARED_STRINGS: usize = 1_000_000;
/// Everything inside, unpacked.
const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Unpacked ÷ packed, for files of more than a megabyte (spreadsheets stay far below).
const MAX_RATIO: u64 = 250;

fn broken() -> AppError {
    bad_file("تعذر قراءة ملف الجدول؛ تأكد أنه ملف Excel سليم")
}

fn suspicious(what: &str) -> AppError {
    bad_file(&format!(
        "رُفض ملف Excel لأن {what}؛ افتح الملف في Excel واحفظه من جديد، أو قسّمه إلى ملفات أصغر"
    ))
}

/// The number of entries the archive's end record declares (zip64 too), before any parsing.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const ZIP64_LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    const ZIP64_EOCD: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = (from..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| bytes[i..i + 4] == EOCD)?;
    let count = u64::from(u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]));
    let Some(loc) = at
        .checked_sub(20)
        .filter(|&l| bytes[l..l + 4] == ZIP64_LOCATOR)
    else {
        return Some(count);
    };
    let offset = u64::from_le_bytes(bytes[loc + 8..loc + 16].try_into().ok()?);
    let offset = usize::try_from(offset).ok()?;
    let record = bytes.get(offset..offset.checked_add(56)?)?;
    if record[..4] != ZIP64_EOCD {
        return None;
    }
    Some(u64::from_le_bytes(record[32..40].try_into().ok()?))
}

/// Checks the archive without trusting it: how many files, how large each says it is once
/// unpacked (the zip reader refuses to unpack more than that), the ratio, and the shared
/// strings' count.
fn check_archive(bytes: &[u8]) -> Result<()> {
    let entries = declared_entries(bytes).ok_or_else(broken)?;
    if entries > MAX_ENTRIES as u64 {
        return Err(suspicious("فيه عددًا كبيرًا جدًا من الملفات الداخلية"));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    let mut total: u64 = 0;
    let mut shared = None;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| broken())?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES {
            return Err(suspicious("حجمه بعد فك الضغط كبير جدًا"));
        }
        if size > 1024 * 1024 && size / packed > MAX_RATIO {
            return Err(suspicious("نسبة ضغطه غير معقولة (ملف مضغوط مفخخ)"));
        }
        let name = f.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if name.ends_with("sharedstrings.xml") {
            if size > MAX_SHARED_STRINGS_BYTES {
                return Err(suspicious("جدول النصوص المشتركة فيه كبير جدًا"));
            }
            shared = Some(i);
        }
    }
    if let Some(i) = shared {
        let f = zip.by_index(i).map_err(|_| broken())?;
        check_shared_strings(f)?;
    }
    Ok(())
}

/// Counts the shared strings (and reads the count the file declares, which the reader would
/// reserve memory for) without keeping them.
fn check_shared_strings(r: impl Read) -> Result<()> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(r));
    let mut buf = Vec::new();
    let mut count = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    for a in e.attributes().flatten() {
                        if a.key.local_name().as_ref() == "uniqueCount" {
                            let n: u64 = a.value.trim().parse().unwrap_or(u64::MAX);
                            if n > MAX_SHARED_STRINGS as u64 {
                                return Err(suspicious("يعلن عددًا غير معقول من النصوص المشتركة"));
                            }
                        }
                    }
                }
                "si" => {
                    count += 1;
                    if count > MAX_SHARED_STRINGS {
                        return Err(suspicious("فيه عددًا كبيرًا جدًا من النصوص المشتركة"));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(_) => return Err(broken()),
        }
    }
}

fn cell_text<'a>(v: &'a DataRef<'_>) -> Option<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow;
    Some(match v {
        DataRef::Empty => return None,
        DataRef::SharedString(s) => Cow::Borrowed(*s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.as_str())
        }
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cow::Owned(format!("{}", *f as i64))
        }
        DataRef::Float(f) => Cow::Owned(f.to_string()),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Bool(b) => Cow::Owned(if *b { "TRUE" } else { "FALSE" }.to_string()),
        DataRef::DateTime(d) => Cow::Owned(calamine::Data::DateTime(*d).to_string()),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
    })
}

pub(super) fn read(bytes: &[u8]) -> Result<Table> {
    check_archive(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| broken())?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| bad_file("ملف الجدول لا يحتوي على أي ورقة"))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| bad_file("تعذر قراءة الورقة الأولى من الملف"))?;
    let mut builder = Builder::default();
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) => return Err(bad_file("تعذر قراءة الورقة الأولى من الملف")),
        };
        let (row, col) = cell.get_position();
        if let Some(text) = cell_text(cell.get_value()) {
            builder.push(row.saturating_add(1), col, &text)?;
        }
    }
    builder.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::fixture::{inline, xlsx_with};
    use super::super::read_table;
    use super::*;

    #[test]
    fn a_cell_at_the_far_corner_is_refused_by_name() {
        let sheet = format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            inline("A1", "الاسم"),
            inline("XFD1048576", "x")
        );
        let e = read_table("corner.xlsx", &xlsx_with(&sheet, None))
            .unwrap_err()
            .to_string();
        assert!(e.contains("XFD1048576"), "{e}");
    }

    #[test]
    fn a_table_far_down_the_sheet_keeps_its_row_numbers() {
        // Read cell by cell: nothing is done per empty row above it.
        let t = read_table("far.xlsx", &super::super::fixture::far_down()).unwrap();
        assert_eq!(t.headers, ["الاسم الكامل", "الجوال", "الفئة"]);
        assert_eq!(t.rows[0], ["سارة علي الشهري", "0551234567", "زائر"]);
        assert_eq!((t.row_number(0), t.row_number(1)), (1_048_001, 1_048_575));
    }

    #[test]
    fn a_huge_shared_string_repeated_is_refused_at_its_first_cell() {
        let huge = "ب".repeat(200_000);
        let strings = format!(
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>الاسم</t></si><si><t>{huge}</t></si></sst>"#
        );
        let cells: String = (2..3000)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>"#))
            .collect();
        let sheet = format!(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>{cells}"#);
        let e = read_table("strings.xlsx", &xlsx_with(&sheet, Some(&strings)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("A2") && e.contains("32767"), "{e}");
    }

    #[test]
    fn declared_counts_and_bombs_are_refused_before_reading() {
        let lying = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="99999999999"><si><t>a</t></si></sst>"#;
        let e = read_table(
            "count.xlsx",
            &xlsx_with(
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
                Some(lying),
            ),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("النصوص المشتركة"), "{e}");
        // 40 MB of one repeated row packs into a few dozen kilobytes.
        let row = r#"<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>"#;
        let bomb = row.repeat(40_000_000 / row.len());
        let bytes = xlsx_with(&bomb, None);
        assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
        let e = read_table("bomb.xlsx", &bytes).unwrap_err().to_string();
        assert!(e.contains("نسبة ضغطه"), "{e}");
    }

    #[test]
    fn files_that_are_not_spreadsheets_say_so() {
        for bytes in [&b"PK\x05\x06"[..], b"not a zip at all", &[0u8; 30]] {
            let e = read_table("x.xlsx", bytes).unwrap_err();
            assert_eq!(e.code(), "validation");
        }
        assert!(read_table("old.xls", b"\xD0\xCF\x11\xE0")
            .unwrap_err()
            .to_string()
            .contains(".xlsx"));
        assert_eq!(
            declared_entries(&xlsx_with("", None)),
            Some(5),
            "the end record is read"
        );
    }
}
