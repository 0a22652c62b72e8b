//! Several generated files handed over as one: a zip holding one folder (one certificate per
//! person), which a browser downloads and every system opens.

use std::io::Write;

use crate::error::{AppError, Result};

/// A zip of `files` (name, bytes) inside a folder called `folder`.
pub fn zip_folder(folder: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let failed = |e: String| AppError::Internal(format!("تعذر إنشاء الملف المضغوط: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        // PDFs are compressed already; text (logs) is not.
        let method = if name.to_lowercase().ends_with(".pdf") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(format!("{folder}/{name}"), opts)
            .map_err(|e| failed(e.to_string()))?;
        zip.write_all(bytes)?;
    }
    let cursor = zip.finish().map_err(|e| failed(e.to_string()))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_land_in_one_folder_with_arabic_names() {
        let files = vec![
            (
                "SEF-1441-000001 — سارة علي.pdf".to_string(),
                b"%PDF-1".to_vec(),
            ),
            ("SEF-1441-000002 — محمد.pdf".to_string(), b"%PDF-2".to_vec()),
        ];
        let bytes = zip_folder("شهادة حضور", &files).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(z.len(), 2);
        let mut f = z.by_name("شهادة حضور/SEF-1441-000002 — محمد.pdf").unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        assert_eq!(s, "%PDF-2");
    }
}
