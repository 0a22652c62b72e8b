//! Lines into boxes: wrapping paragraphs, aligning lines (right, centre, left, justified), and
//! fitting a name to its width (shrink to a minimum size, then two lines — never clipped).

use super::fonts::Style;
use super::shape::{shape_line, Line};
use crate::error::{AppError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Right,
    Center,
    Left,
    /// Both edges flush; the last line of a paragraph is set right (Arabic).
    Justify,
}

/// Wraps `text` into lines no wider than `max_width` (points), breaking at spaces.
pub fn paragraph(text: &str, style: Style, max_width: f32) -> Result<Vec<Line>> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let words: Vec<&str> = para.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            lines.push(shape_line("", style)?);
            continue;
        }
        let mut current: Vec<&str> = Vec::new();
        let mut current_line: Option<Line> = None;
        for w in words {
            current.push(w);
            let candidate = shape_line(&current.join(" "), style)?;
            if candidate.width <= max_width || current.len() == 1 {
                if current.len() == 1 && candidate.width > max_width {
                    return Err(AppError::field(
                        "text",
                        &format!("الكلمة «{w}» أعرض من المساحة المتاحة؛ صغّر الخط أو وسّع المساحة"),
                    ));
                }
                current_line = Some(candidate);
            } else {
                current.pop();
                if let Some(l) = current_line.take() {
                    lines.push(l);
                }
                current = vec![w];
                current_line = Some(shape_line(w, style)?);
            }
        }
        if let Some(l) = current_line {
            lines.push(l);
        }
    }
    Ok(lines)
}

/// Positions a line in a box `[left, left + width]`: returns the x of its left end, and for
/// `Justify` stretches its spaces (not on `last`, the paragraph's last line).
pub fn align(line: &mut Line, left: f32, width: f32, how: Align, last: bool) -> f32 {
    let slack = (width - line.width).max(0.0);
    match how {
        Align::Right => left + slack,
        Align::Center => left + slack / 2.0,
        Align::Left => left,
        Align::Justify if last => left + slack,
        Align::Justify => {
            let spaces = line.glyphs.iter().filter(|g| g.text == " ").count();
            if spaces == 0 {
                return left + slack;
            }
            let extra = slack / spaces as f32;
            let mut shift = 0.0;
            for g in &mut line.glyphs {
                g.x += shift;
                if g.text == " " {
                    shift += extra;
                }
            }
            line.width = width;
            left
        }
    }
}

/// A name fitted to `max_width`: the largest size from `style.size` down to `min_size` (in
/// half-point steps) on one line; if even `min_size` is too wide, two lines broken at the space
/// nearest the middle, again as large as fits. An error when nothing fits — never clipped.
pub fn fit_name(text: &str, style: Style, min_size: f32, max_width: f32) -> Result<Vec<Line>> {
    let mut size = style.size;
    let one = shape_line(text, style)?;
    if one.width <= max_width {
        return Ok(vec![one]);
    }
    // Width scales linearly with size: jump close to the answer, then check.
    size = (size * max_width / one.width * 2.0).floor() / 2.0;
    while size >= min_size {
        let l = shape_line(text, style.with_size(size))?;
        if l.width <= max_width {
            return Ok(vec![l]);
        }
        size -= 0.5;
    }
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() >= 2 {
        let total: usize = text.chars().count();
        let mut best = 1;
        let mut best_diff = usize::MAX;
        for i in 1..words.len() {
            let left: usize = words[..i].join(" ").chars().count();
            let diff = left.abs_diff(total - left);
            if diff < best_diff {
                best = i;
                best_diff = diff;
            }
        }
        let (a, b) = (words[..best].join(" "), words[best..].join(" "));
        let mut size = style.size;
        while size >= min_size {
            let la = shape_line(&a, style.with_size(size))?;
            let lb = shape_line(&b, style.with_size(size))?;
            if la.width <= max_width && lb.width <= max_width {
                return Ok(vec![la, lb]);
            }
            size -= 0.5;
        }
    }
    Err(AppError::field(
        "text",
        &format!("النص «{text}» لا يتسع في مكانه حتى بأصغر حجم ({min_size} نقطة)"),
    ))
}

/// One line that must stay one line (a booth code, a legend entry): at `style.size` if it fits,
/// else shrunk to the width — below any minimum rather than clipped or wrapped.
pub fn fit_line(text: &str, style: Style, max_width: f32) -> Result<Line> {
    let one = shape_line(text, style)?;
    if one.width <= max_width || one.width <= 0.0 {
        return Ok(one);
    }
    let mut size = (style.size * max_width / one.width * 4.0).floor() / 4.0;
    loop {
        let l = shape_line(text, style.with_size(size.max(0.25)))?;
        if l.width <= max_width || size <= 0.25 {
            return Ok(l);
        }
        size -= 0.25;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::Face;

    #[test]
    fn paragraphs_wrap_within_the_width() {
        let text = "يسر اللجنة المنظمة لملتقى التمكين الاجتماعي بمنطقة جازان أن تشكر المشارك على حضوره وتفاعله طوال أيام الملتقى";
        let lines = paragraph(text, Style::new(Face::AmiriRegular, 16.0), 200.0).unwrap();
        assert!(lines.len() >= 3, "{}", lines.len());
        assert!(lines.iter().all(|l| l.width <= 200.0));
        let rejoined: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
        assert_eq!(rejoined.join(" "), text);
    }

    #[test]
    fn justify_fills_the_width_except_the_last_line() {
        let mut lines = paragraph(
            "كلمة ثانية ثالثة رابعة خامسة سادسة سابعة ثامنة",
            Style::new(Face::AmiriRegular, 14.0),
            150.0,
        )
        .unwrap();
        let n = lines.len();
        assert!(n >= 2);
        let first = &mut lines[0];
        let x = align(first, 10.0, 150.0, Align::Justify, false);
        assert_eq!(x, 10.0);
        assert!((first.width - 150.0).abs() < 0.01);
        let last = &mut lines[n - 1];
        let w = last.width;
        let x = align(last, 10.0, 150.0, Align::Justify, true);
        assert!((x - (10.0 + 150.0 - w)).abs() < 0.01, "last line set right");
    }

    #[test]
    fn long_names_shrink_then_wrap_and_never_overflow() {
        let style = Style::new(Face::AmiriBold, 36.0);
        let short = fit_name("سارة علي", style, 18.0, 400.0).unwrap();
        assert_eq!((short.len(), short[0].style.size), (1, 36.0));
        let six = "عبدالرحمن بن عبدالعزيز بن محمد بن عبدالله الشهري";
        let fitted = fit_name(six, style, 18.0, 420.0).unwrap();
        assert!(fitted.iter().all(|l| l.width <= 420.0));
        assert!(fitted[0].style.size < 36.0 || fitted.len() == 2);
        let narrow = fit_name(six, style, 18.0, 260.0).unwrap();
        assert_eq!(narrow.len(), 2, "wraps onto two lines at the minimum size");
        assert!(narrow.iter().all(|l| l.width <= 260.0));
        assert!(
            fit_name(six, style, 18.0, 40.0).is_err(),
            "an error, not a clipped name"
        );
    }
}
