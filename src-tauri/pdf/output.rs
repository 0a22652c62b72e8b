//! The last step of every PDF: printpdf's document (as lopdf objects) into bytes. Stamps become
//! form XObjects, and streams are compressed on every core at the fast level (printpdf
//! compresses one stream after another at the slowest level, which dominated big batches).

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use printpdf::XObjectId;

use crate::error::{AppError, Result};

/// `doc` holds `pages` real pages followed by one page per stamp (drawn by printpdf like any
/// page, so its fonts and text maps are complete); each stamp page becomes a form XObject
/// named by its ID and leaves the page tree.
pub fn finish(mut doc: Document, pages: usize, stamps: &[XObjectId]) -> Result<Vec<u8>> {
    let broken = |what: &str| AppError::Internal(format!("بنية ملف PDF غير متوقعة: {what}"));
    if !stamps.is_empty() {
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(|_| broken("Root"))?;
        let pages_id = doc
            .get_dictionary(root)
            .and_then(|c| c.get(b"Pages"))
            .and_then(Object::as_reference)
            .map_err(|_| broken("Pages"))?;
        let kids: Vec<ObjectId> = doc
            .get_dictionary(pages_id)
            .and_then(|p| p.get(b"Kids"))
            .and_then(Object::as_array)
            .map_err(|_| broken("Kids"))?
            .iter()
            .filter_map(|k| k.as_reference().ok())
            .collect();
        if kids.len() != pages + stamps.len() {
            return Err(broken("page count"));
        }
        // Every page shares one XObject dictionary: the stamps' names go there.
        let xobjects = page_entry(&doc, kids[0], b"XObject").ok_or_else(|| broken("XObject"))?;
        for (stamp, page_id) in stamps.iter().zip(&kids[pages..]) {
            let page = doc
                .get_dictionary(*page_id)
                .map_err(|_| broken("stamp page"))?;
            let resources = page
                .get(b"Resources")
                .map_err(|_| broken("Resources"))?
                .clone();
            let media = page
                .get(b"MediaBox")
                .map_err(|_| broken("MediaBox"))?
                .clone();
            let contents = page
                .get(b"Contents")
                .and_then(Object::as_reference)
                .map_err(|_| broken("Contents"))?;
            let content = match doc.get_object(contents) {
                Ok(Object::Stream(s)) => s.content.clone(),
                _ => return Err(broken("stamp content")),
            };
            let form = Dictionary::from_iter(vec![
                ("Type", Object::Name(b"XObject".to_vec())),
                ("Subtype", Object::Name(b"Form".to_vec())),
                ("BBox", media),
                ("Resources", resources),
            ]);
            doc.objects
                .insert(contents, Object::Stream(Stream::new(form, content)));
            doc.objects.remove(page_id);
            let dict = doc
                .get_object_mut(xobjects)
                .and_then(Object::as_dict_mut)
                .map_err(|_| broken("XObject dictionary"))?;
            dict.set(stamp.0.as_bytes().to_vec(), Object::Reference(contents));
        }
        let tree = doc
            .get_object_mut(pages_id)
            .and_then(Object::as_dict_mut)
            .map_err(|_| broken("Pages"))?;
        tree.set(
            "Kids",
            Object::Array(
                kids[..pages]
                    .iter()
                    .map(|k| Object::Reference(*k))
                    .collect(),
            ),
        );
        tree.set("Count", Object::Integer(pages as i64));
    }
    compress_all(&mut doc);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| AppError::Internal(format!("تعذرت كتابة ملف PDF: {e}")))?;
    Ok(out)
}

/// The object a page's resources point to for `key` (printpdf shares one per kind).
fn page_entry(doc: &Document, page: ObjectId, key: &[u8]) -> Option<ObjectId> {
    let res = match doc.get_dictionary(page).ok()?.get(b"Resources").ok()? {
        Object::Reference(r) => doc.get_dictionary(*r).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    res.get(key).ok()?.as_reference().ok()
}

/// Deflates every stream not compressed yet, split over the machine's cores.
fn compress_all(doc: &mut Document) {
    let mut streams: Vec<&mut Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            Object::Stream(s) if s.allows_compression && s.dict.get(b"Filter").is_err() => Some(s),
            _ => None,
        })
        .collect();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let per = streams.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        for chunk in streams.chunks_mut(per) {
            scope.spawn(move || {
                for s in chunk {
                    deflate(s);
                }
            });
        }
    });
}

fn deflate(s: &mut Stream) {
    use std::io::Write;
    // The fast level: page streams are small and repetitive, so it packs them almost as well
    // as the slower ones in a fraction of the time.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    if enc.write_all(&s.content).is_err() {
        return;
    }
    if let Ok(packed) = enc.finish() {
        if packed.len() + 19 < s.content.len() {
            s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            s.set_content(packed);
        }
    }
}
