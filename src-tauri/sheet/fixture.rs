//! Hand-written .xlsx files, good and hostile, for the tests (unit and integration) and the
//! import benchmark. Nothing in the app reads files from here.

use std::io::{Cursor, Write};

/// An .xlsx written by hand: `sheet` is the `<sheetData>` content, `strings` the shared
/// strings part (absent when `None`).
pub fn xlsx_with(sheet: &str, strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#)),
    ];
    if let Some(s) = strings {
        parts.push(("xl/sharedStrings.xml", s.to_string()));
    }
    for (name, body) in parts {
        // Writing into memory cannot fail.
        let _ = zip.start_file(name, opts);
        let _ = zip.write_all(body.as_bytes());
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A cell with its text inline.
pub fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Files that once took a reader down: cells at both ends of the sheet, one huge shared
/// string behind every cell, a declared shared-string count of billions, a zip bomb, and a
/// table that starts near the last row (which must import, with its own row numbers).
pub fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let corner = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "الاسم"),
        inline("XFD1048576", "x")
    );
    let huge = "ب".repeat(2_000_000);
    let strings = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>الاسم</t></si><si><t>{huge}</t></si></sst>"#
    );
    let repeated: String =
        std::iter::once(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#.to_string())
            .chain(
                (2..2000).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>"#)),
            )
            .collect();
    let lying = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="99999999999"><si><t>الاسم</t></si></sst>"#;
    let row = r#"<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>"#;
    let bomb = row.repeat(40_000_000 / row.len());
    vec![
        ("corner.xlsx", xlsx_with(&corner, None)),
        (
            "huge-shared-string.xlsx",
            xlsx_with(&repeated, Some(&strings)),
        ),
        (
            "lying-count.xlsx",
            xlsx_with(
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
                Some(lying),
            ),
        ),
        ("bomb.xlsx", xlsx_with(&bomb, None)),
    ]
}

/// A table whose header is on row 1,048,000: it imports, and its rows keep their numbers.
pub fn far_down() -> Vec<u8> {
    xlsx_with(
        &format!(
            r#"<row r="1048000">{}{}{}</row><row r="1048001">{}{}{}</row><row r="1048575">{}{}{}</row>"#,
            inline("A1048000", "الاسم الكامل"),
            inline("B1048000", "الجوال"),
            inline("C1048000", "الفئة"),
            inline("A1048001", "سارة علي الشهري"),
            inline("B1048001", "0551234567"),
            inline("C1048001", "زائر"),
            inline("A1048575", "منى"),
            inline("B1048575", "0551234568"),
            inline("C1048575", "زائر"),
        ),
        None,
    )
}
