//! The floor plan (المخطط) and its booths (الأركان): the hall drawn once, its zones (entities,
//! productive families, services, stage, entrances), and booths with a code, position and size,
//! created one by one or as a row or grid in one step, moved and resized. Coordinates are metres
//! from the hall's top-left corner (y downwards, as drawn on screen). A booth belongs to the zone
//! its centre lies in: booths in the families zone are the families' stalls.

pub mod assign;
pub mod print;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError, Result};
use crate::text;

pub const ZONE_KINDS: &[(&str, &str)] = &[
    ("entities", "أركان الجهات الممكنة"),
    ("families", "معرض الأسر المنتجة"),
    ("services", "خدمات"),
    ("stage", "المسرح"),
    ("entrance", "مدخل"),
];

/// The most booths one grid may create (a hall for 200 entities and 500 stalls needs a few).
const MAX_GRID: u32 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hall {
    pub width: f64,
    pub depth: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub name_ar: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    fn contains(&self, (px, py): (f64, f64)) -> bool {
        px >= self.x && px <= self.x + self.w && py >= self.y && py <= self.y + self.h
    }

    /// Overlap with a small tolerance, so booths that share an edge do not count.
    fn overlaps(&self, o: &Rect) -> bool {
        const EPS: f64 = 0.01;
        self.x + EPS < o.x + o.w
            && o.x + EPS < self.x + self.w
            && self.y + EPS < o.y + o.h
            && o.y + EPS < self.y + self.h
    }

    fn inside(&self, hall: &Hall) -> bool {
        self.x >= -0.001
            && self.y >= -0.001
            && self.x + self.w <= hall.width + 0.001
            && self.y + self.h <= hall.depth + 0.001
    }
}

/// Who holds a booth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occupant {
    /// `entity` or `family`.
    pub kind: &'static str,
    pub id: i64,
    pub name: String,
    /// The entity's kind, or the family's product category.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Booth {
    pub id: i64,
    pub code: String,
    pub zone_id: Option<i64>,
    pub zone_kind: Option<String>,
    /// In the families zone: a stall for a productive family.
    pub is_stall: bool,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub occupant: Option<Occupant>,
}

impl Booth {
    fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }
}

/// An entity or family without a booth yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waiting {
    pub id: i64,
    pub name: String,
    pub detail: String,
}

/// Everything the plan screen draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub hall: Option<Hall>,
    pub zones: Vec<Zone>,
    pub booths: Vec<Booth>,
    /// Entities (not withdrawn) without a booth.
    pub unassigned_entities: Vec<Waiting>,
    /// Approved families without a stall.
    pub unassigned_families: Vec<Waiting>,
    pub free_booths: usize,
    pub free_stalls: usize,
}

pub fn hall(conn: &Connection, forum_id: i64) -> Result<Option<Hall>> {
    Ok(conn
        .query_row(
            "SELECT width, depth FROM hall WHERE forum_id = ?1",
            [forum_id],
            |r| {
                Ok(Hall {
                    width: r.get(0)?,
                    depth: r.get(1)?,
                })
            },
        )
        .optional()?)
}

fn require_hall(conn: &Connection, forum_id: i64) -> Result<Hall> {
    hall(conn, forum_id)?
        .ok_or_else(|| AppError::field("hall", "ارسم القاعة أولًا: أدخل عرضها وعمقها بالأمتار"))
}

/// Sets the hall's size. Shrinking it below a zone or booth is refused (naming it).
pub fn save_hall(conn: &mut Connection, forum_id: i64, h: Hall) -> Result<Hall> {
    if !(5.0..=1000.0).contains(&h.width) || !(5.0..=1000.0).contains(&h.depth) {
        return Err(AppError::field(
            "hall",
            "أبعاد القاعة بين 5 و1000 متر للعرض وللعمق",
        ));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::forum::get(&tx, forum_id)?;
    for b in booths(&tx, forum_id)? {
        if !b.rect().inside(&h) {
            return Err(AppError::field(
                "hall",
                &format!("الركن {} يقع خارج القاعة بهذه الأبعاد", b.code),
            ));
        }
    }
    for z in zones(&tx, forum_id)? {
        let r = Rect {
            x: z.x,
            y: z.y,
            w: z.w,
            h: z.h,
        };
        if !r.inside(&h) {
            return Err(AppError::field(
                "hall",
                &format!("منطقة «{}» تقع خارج القاعة بهذه الأبعاد", z.name_ar),
            ));
        }
    }
    tx.execute(
        "INSERT INTO hall(forum_id, width, depth) VALUES (?1, ?2, ?3)
         ON CONFLICT(forum_id) DO UPDATE SET width = excluded.width, depth = excluded.depth",
        params![forum_id, h.width, h.depth],
    )?;
    tx.commit()?;
    Ok(h)
}

pub fn zones(conn: &Connection, forum_id: i64) -> Result<Vec<Zone>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, name_ar, x, y, w, h FROM zone WHERE forum_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([forum_id], |r| {
            let kind: String = r.get(1)?;
            Ok(Zone {
                id: r.get(0)?,
                kind_label: crate::entity::label_of(ZONE_KINDS, &kind).to_string(),
                kind,
                name_ar: r.get(2)?,
                x: r.get(3)?,
                y: r.get(4)?,
                w: r.get(5)?,
                h: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct ZoneInput {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name_ar: String,
    #[serde(flatten)]
    pub rect: Rect,
}

fn check_rect(errors: &mut Vec<FieldError>, r: &Rect, hall: &Hall, what: &str) {
    if !(r.w > 0.0 && r.h > 0.0 && [r.x, r.y, r.w, r.h].iter().all(|v| v.is_finite())) {
        errors.push(FieldError::new("rect", format!("أبعاد {what} غير صحيحة")));
    } else if !r.inside(hall) {
        errors.push(FieldError::new(
            "rect",
            format!(
                "{what} يخرج عن حدود القاعة ({} × {} م)",
                hall.width, hall.depth
            ),
        ));
    }
}

/// Re-derives every booth's zone from where its centre lies (after zones or booths change).
fn rezone(conn: &Connection, forum_id: i64) -> Result<()> {
    let zones = zones(conn, forum_id)?;
    let mut stmt = conn.prepare("SELECT id, x, y, w, h, zone_id FROM booth WHERE forum_id = ?1")?;
    let all = stmt
        .query_map([forum_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Rect {
                    x: r.get(1)?,
                    y: r.get(2)?,
                    w: r.get(3)?,
                    h: r.get(4)?,
                },
                r.get::<_, Option<i64>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (id, rect, old) in all {
        let zone = zone_at(&zones, &rect);
        if zone != old {
            conn.execute(
                "UPDATE booth SET zone_id = ?2 WHERE id = ?1",
                params![id, zone],
            )?;
        }
    }
    Ok(())
}

/// The smallest zone holding the rectangle's centre.
fn zone_at(zones: &[Zone], r: &Rect) -> Option<i64> {
    zones
        .iter()
        .filter(|z| {
            Rect {
                x: z.x,
                y: z.y,
                w: z.w,
                h: z.h,
            }
            .contains(r.centre())
        })
        .min_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h)))
        .map(|z| z.id)
}

/// Refuses a plan where a booth would sit in a zone its occupant cannot use (an entity in the
/// families zone, a family outside it).
fn check_occupants_fit(conn: &Connection, forum_id: i64) -> Result<()> {
    for b in booths(conn, forum_id)? {
        if let Some(o) = &b.occupant {
            if (o.kind == "family") != b.is_stall {
                return Err(AppError::Conflict(if b.is_stall {
                    format!(
                        "الركن {} مخصص لجهة «{}» ولا يصح أن يقع في معرض الأسر المنتجة",
                        b.code, o.name
                    )
                } else {
                    format!(
                        "الركن {} مخصص لأسرة «{}» ويجب أن يبقى في معرض الأسر المنتجة",
                        b.code, o.name
                    )
                }));
            }
        }
    }
    Ok(())
}

/// Adds or changes a zone; booths follow the zone they now lie in.
pub fn save_zone(conn: &mut Connection, forum_id: i64, input: &ZoneInput) -> Result<Zone> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let id = save_zone_in(&tx, forum_id, input)?;
    tx.commit()?;
    zones(conn, forum_id)?
        .into_iter()
        .find(|z| z.id == id)
        .ok_or(AppError::NotFound {
            what: "المنطقة"
        })
}

pub(crate) fn save_zone_in(tx: &Connection, forum_id: i64, input: &ZoneInput) -> Result<i64> {
    let hall = require_hall(tx, forum_id)?;
    let mut errors = Vec::new();
    let kind = ZONE_KINDS
        .iter()
        .find(|(k, l)| *k == input.kind.trim() || *l == text::clean(&input.kind))
        .map(|(k, _)| *k);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "اختر نوع المنطقة"));
    }
    let mut name = text::clean(&input.name_ar);
    if name.is_empty() {
        name = kind
            .map(|k| crate::entity::label_of(ZONE_KINDS, k).to_string())
            .unwrap_or_default();
    }
    if text::char_len(&name) > 60 {
        errors.push(FieldError::new("name_ar", "اسم المنطقة أطول من 60 حرفًا"));
    }
    check_rect(&mut errors, &input.rect, &hall, "المنطقة");
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let r = input.rect;
    let id = match input.id {
        Some(id) => {
            let n = tx.execute(
                "UPDATE zone SET kind = ?3, name_ar = ?4, x = ?5, y = ?6, w = ?7, h = ?8
                  WHERE id = ?1 AND forum_id = ?2",
                params![id, forum_id, kind, name, r.x, r.y, r.w, r.h],
            )?;
            if n == 0 {
                return Err(AppError::NotFound {
                    what: "المنطقة"
                });
            }
            id
        }
        None => {
            tx.execute(
                "INSERT INTO zone(forum_id, kind, name_ar, x, y, w, h) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![forum_id, kind, name, r.x, r.y, r.w, r.h],
            )?;
            tx.last_insert_rowid()
        }
    };
    rezone(tx, forum_id)?;
    check_occupants_fit(tx, forum_id)?;
    Ok(id)
}

pub fn delete_zone(conn: &mut Connection, forum_id: i64, id: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if tx.execute(
        "DELETE FROM zone WHERE id = ?1 AND forum_id = ?2",
        params![id, forum_id],
    )? == 0
    {
        return Err(AppError::NotFound {
            what: "المنطقة"
        });
    }
    rezone(&tx, forum_id)?;
    check_occupants_fit(&tx, forum_id)?;
    tx.commit()?;
    Ok(())
}

const BOOTH_SELECT: &str = "SELECT b.id, b.code, b.zone_id, z.kind, b.x, b.y, b.w, b.h,
        o.entity_id, e.name_ar, e.kind, o.family_id, f.head_name, f.category
   FROM booth b
   LEFT JOIN zone z ON z.id = b.zone_id
   LEFT JOIN booth_occupant o ON o.booth_id = b.id
   LEFT JOIN entity e ON e.id = o.entity_id
   LEFT JOIN family f ON f.id = o.family_id";

fn booth_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Booth> {
    let zone_kind: Option<String> = r.get(3)?;
    let occupant = match (r.get::<_, Option<i64>>(8)?, r.get::<_, Option<i64>>(11)?) {
        (Some(id), _) => Some(Occupant {
            kind: "entity",
            id,
            name: r.get(9)?,
            detail: crate::entity::label_of(crate::entity::KINDS, &r.get::<_, String>(10)?)
                .to_string(),
        }),
        (None, Some(id)) => Some(Occupant {
            kind: "family",
            id,
            name: r.get(12)?,
            detail: crate::family::category_label(&r.get::<_, String>(13)?).to_string(),
        }),
        _ => None,
    };
    Ok(Booth {
        id: r.get(0)?,
        code: r.get(1)?,
        zone_id: r.get(2)?,
        is_stall: zone_kind.as_deref() == Some("families"),
        zone_kind,
        x: r.get(4)?,
        y: r.get(5)?,
        w: r.get(6)?,
        h: r.get(7)?,
        occupant,
    })
}

/// Orders booth codes as people read them: A2 before A10.
fn code_order(code: &str) -> (String, u64, String) {
    let prefix: String = code.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let rest = &code[prefix.len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    (
        prefix,
        digits.parse().unwrap_or(0),
        rest[digits.len()..].to_string(),
    )
}

pub fn booths(conn: &Connection, forum_id: i64) -> Result<Vec<Booth>> {
    let mut stmt = conn.prepare_cached(&format!("{BOOTH_SELECT} WHERE b.forum_id = ?1"))?;
    let mut rows = stmt
        .query_map([forum_id], booth_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by_cached_key(|b| code_order(&b.code));
    Ok(rows)
}

pub fn booth(conn: &Connection, id: i64) -> Result<Booth> {
    conn.query_row(&format!("{BOOTH_SELECT} WHERE b.id = ?1"), [id], booth_row)
        .optional()?
        .ok_or(AppError::NotFound { what: "الركن" })
}

/// The forum a booth belongs to.
pub(super) fn booth_forum(conn: &Connection, id: i64) -> Result<i64> {
    conn.query_row("SELECT forum_id FROM booth WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or(AppError::NotFound { what: "الركن" })
}

pub fn plan(conn: &Connection, forum_id: i64) -> Result<Plan> {
    let booths = booths(conn, forum_id)?;
    let waiting = |sql: &str| -> Result<Vec<Waiting>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt
            .query_map([forum_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(|(id, name, code)| Waiting {
                id,
                name,
                detail: code,
            })
            .collect())
    };
    let mut unassigned_entities = waiting(
        "SELECT id, name_ar, kind FROM entity e WHERE forum_id = ?1 AND status <> 'withdrew'
            AND NOT EXISTS(SELECT 1 FROM booth_occupant o WHERE o.entity_id = e.id) ORDER BY name_ar",
    )?;
    for w in &mut unassigned_entities {
        w.detail = crate::entity::label_of(crate::entity::KINDS, &w.detail).to_string();
    }
    let mut unassigned_families = waiting(
        "SELECT id, head_name, category FROM family f WHERE forum_id = ?1 AND status = 'approved'
            AND NOT EXISTS(SELECT 1 FROM booth_occupant o WHERE o.family_id = f.id) ORDER BY category, head_name",
    )?;
    for w in &mut unassigned_families {
        w.detail = crate::family::category_label(&w.detail).to_string();
    }
    Ok(Plan {
        hall: hall(conn, forum_id)?,
        zones: zones(conn, forum_id)?,
        free_booths: booths
            .iter()
            .filter(|b| !b.is_stall && b.occupant.is_none())
            .count(),
        free_stalls: booths
            .iter()
            .filter(|b| b.is_stall && b.occupant.is_none())
            .count(),
        booths,
        unassigned_entities,
        unassigned_families,
    })
}

/// A booth code as stored: cleaned, Latin letters upper-case, Arabic-Indic digits made Latin.
fn clean_code(code: &str) -> String {
    text::latin_digits(&text::clean(code))
        .to_uppercase()
        .replace(' ', "")
}

fn check_code(errors: &mut Vec<FieldError>, code: &str) {
    if code.is_empty() {
        errors.push(FieldError::new("code", "رمز الركن مطلوب (مثل A1)"));
    } else if code.chars().count() > 12 {
        errors.push(FieldError::new("code", "رمز الركن أطول من 12 حرفًا"));
    }
}

/// Refuses a booth on top of another (booths that only share an edge are fine).
fn check_free_space(
    conn: &Connection,
    forum_id: i64,
    r: &Rect,
    code: &str,
    except: i64,
) -> Result<()> {
    if let Some(other) = booths(conn, forum_id)?
        .into_iter()
        .find(|b| b.id != except && b.rect().overlaps(r))
    {
        return Err(AppError::field(
            "rect",
            &format!("الركن {code} يتداخل مع الركن {}", other.code),
        ));
    }
    Ok(())
}

fn code_taken(conn: &Connection, forum_id: i64, code: &str, except: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM booth WHERE forum_id = ?1 AND code = ?2 AND id <> ?3)",
        )?
        .query_row(params![forum_id, code, except], |r| r.get(0))?)
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct BoothInput {
    #[serde(default)]
    pub code: String,
    #[serde(flatten)]
    pub rect: Rect,
}

fn insert_booth(conn: &Connection, forum_id: i64, hall: &Hall, input: &BoothInput) -> Result<i64> {
    let code = clean_code(&input.code);
    let mut errors = Vec::new();
    check_code(&mut errors, &code);
    check_rect(&mut errors, &input.rect, hall, &format!("الركن {code}"));
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if code_taken(conn, forum_id, &code, -1)? {
        return Err(AppError::field(
            "code",
            &format!("الرمز {code} مستخدم لركن آخر"),
        ));
    }
    check_free_space(conn, forum_id, &input.rect, &code, -1)?;
    let r = input.rect;
    conn.prepare_cached(
        "INSERT INTO booth(forum_id, code, x, y, w, h) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![forum_id, code, r.x, r.y, r.w, r.h])?;
    Ok(conn.last_insert_rowid())
}

pub fn create_booth(conn: &mut Connection, forum_id: i64, input: &BoothInput) -> Result<Booth> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let hall = require_hall(&tx, forum_id)?;
    let id = insert_booth(&tx, forum_id, &hall, input)?;
    rezone(&tx, forum_id)?;
    tx.commit()?;
    booth(conn, id)
}

/// A row or grid of equal booths in one step: `rows × cols` booths of `w × h` metres starting
/// at (`x`, `y`), `gap` metres apart in a row and `aisle` metres between rows, coded
/// `prefix` + number from `first`. Numbers run right to left (the way Arabic reads) unless
/// `left_to_right`.
#[derive(Debug, Clone, Deserialize)]
pub struct GridInput {
    #[serde(default)]
    pub prefix: String,
    #[serde(default = "one")]
    pub first: u32,
    #[serde(default = "one")]
    pub rows: u32,
    #[serde(default = "one")]
    pub cols: u32,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    #[serde(default)]
    pub gap: f64,
    #[serde(default)]
    pub aisle: f64,
    #[serde(default)]
    pub left_to_right: bool,
}

fn one() -> u32 {
    1
}

/// Creates the grid in one transaction: all of it, or nothing (with the first problem named).
pub fn create_grid(conn: &mut Connection, forum_id: i64, g: &GridInput) -> Result<Vec<Booth>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let ids = create_grid_in(&tx, forum_id, g)?;
    tx.commit()?;
    ids.into_iter().map(|id| booth(conn, id)).collect()
}

/// [`create_grid`] inside the caller's transaction; returns the new booths' ids.
pub(crate) fn create_grid_in(tx: &Connection, forum_id: i64, g: &GridInput) -> Result<Vec<i64>> {
    if g.rows == 0 || g.cols == 0 || g.rows.checked_mul(g.cols).is_none_or(|n| n > MAX_GRID) {
        return Err(AppError::field(
            "grid",
            &format!("عدد الأركان في الدفعة الواحدة من 1 إلى {MAX_GRID}"),
        ));
    }
    if g.gap < 0.0 || g.aisle < 0.0 {
        return Err(AppError::field("grid", "المسافات بين الأركان لا تكون سالبة"));
    }
    let prefix = clean_code(&g.prefix);
    if prefix.chars().count() > 6 {
        return Err(AppError::field("prefix", "بادئة الرمز أطول من 6 أحرف"));
    }
    let hall = require_hall(tx, forum_id)?;
    let mut ids = Vec::new();
    let mut n = g.first;
    for row in 0..g.rows {
        for i in 0..g.cols {
            let col = if g.left_to_right { i } else { g.cols - 1 - i };
            let rect = Rect {
                x: g.x + col as f64 * (g.w + g.gap),
                y: g.y + row as f64 * (g.h + g.aisle),
                w: g.w,
                h: g.h,
            };
            ids.push(insert_booth(
                tx,
                forum_id,
                &hall,
                &BoothInput {
                    code: format!("{prefix}{n}"),
                    rect,
                },
            )?);
            n += 1;
        }
    }
    rezone(tx, forum_id)?;
    Ok(ids)
}

/// Moves, resizes or re-codes a booth. Its occupant stays; a move that would put an entity in
/// the families zone (or a family out of it) is refused.
pub fn update_booth(conn: &mut Connection, id: i64, input: &BoothInput) -> Result<Booth> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let forum_id = booth_forum(&tx, id)?;
    let hall = require_hall(&tx, forum_id)?;
    let code = clean_code(&input.code);
    let mut errors = Vec::new();
    check_code(&mut errors, &code);
    check_rect(&mut errors, &input.rect, &hall, &format!("الركن {code}"));
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if code_taken(&tx, forum_id, &code, id)? {
        return Err(AppError::field(
            "code",
            &format!("الرمز {code} مستخدم لركن آخر"),
        ));
    }
    check_free_space(&tx, forum_id, &input.rect, &code, id)?;
    let r = input.rect;
    tx.execute(
        "UPDATE booth SET code = ?2, x = ?3, y = ?4, w = ?5, h = ?6 WHERE id = ?1",
        params![id, code, r.x, r.y, r.w, r.h],
    )?;
    rezone(&tx, forum_id)?;
    check_occupants_fit(&tx, forum_id)?;
    tx.commit()?;
    booth(conn, id)
}

/// Deletes an empty booth; an occupied one is refused with its occupant's name.
pub fn delete_booth(conn: &Connection, id: i64) -> Result<()> {
    let b = booth(conn, id)?;
    if let Some(o) = b.occupant {
        return Err(AppError::Conflict(format!(
            "الركن {} مخصص لـ«{}»؛ ألغِ التخصيص قبل حذفه",
            b.code, o.name
        )));
    }
    conn.execute("DELETE FROM booth WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
pub(crate) fn test_hall(conn: &mut Connection, forum_id: i64) {
    save_hall(
        conn,
        forum_id,
        Hall {
            width: 60.0,
            depth: 40.0,
        },
    )
    .unwrap();
    save_zone(
        conn,
        forum_id,
        &ZoneInput {
            kind: "entities".into(),
            rect: Rect {
                x: 0.0,
                y: 0.0,
                w: 60.0,
                h: 20.0,
            },
            ..Default::default()
        },
    )
    .unwrap();
    save_zone(
        conn,
        forum_id,
        &ZoneInput {
            kind: "families".into(),
            rect: Rect {
                x: 0.0,
                y: 20.0,
                w: 60.0,
                h: 20.0,
            },
            ..Default::default()
        },
    )
    .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn setup() -> (tempfile::TempDir, Store, i64) {
        crate::forum::test_setup()
    }

    fn grid(prefix: &str, x: f64, y: f64, cols: u32, rows: u32) -> GridInput {
        GridInput {
            prefix: prefix.into(),
            first: 1,
            rows,
            cols,
            x,
            y,
            w: 3.0,
            h: 3.0,
            gap: 0.0,
            aisle: 2.0,
            left_to_right: false,
        }
    }

    #[test]
    fn a_grid_is_numbered_right_to_left_and_booths_take_their_zone() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let e = create_grid(&mut conn, forum, &grid("a", 1.0, 1.0, 4, 2)).unwrap_err();
        assert!(e.to_string().contains("ارسم القاعة"));
        test_hall(&mut conn, forum);
        let made = create_grid(&mut conn, forum, &grid("a", 1.0, 1.0, 4, 2)).unwrap();
        assert_eq!(made.len(), 8);
        // A1 is the rightmost booth of the first row.
        let a1 = made.iter().find(|b| b.code == "A1").unwrap();
        let a4 = made.iter().find(|b| b.code == "A4").unwrap();
        assert!(a1.x > a4.x);
        assert_eq!(a1.x, 10.0);
        let a5 = made.iter().find(|b| b.code == "A5").unwrap();
        assert_eq!((a5.x, a5.y), (10.0, 6.0));
        assert!(made
            .iter()
            .all(|b| b.zone_kind.as_deref() == Some("entities")));
        let stalls = create_grid(&mut conn, forum, &grid("F", 1.0, 25.0, 10, 1)).unwrap();
        assert!(stalls.iter().all(|b| b.is_stall));
        let codes: Vec<String> = booths(&conn, forum)
            .unwrap()
            .into_iter()
            .map(|b| b.code)
            .collect();
        assert_eq!(&codes[..3], ["A1", "A2", "A3"]);
        assert_eq!(codes[8..10], ["F1", "F2"]);
        assert_eq!(codes.last().unwrap(), "F10");
        let p = plan(&conn, forum).unwrap();
        assert_eq!((p.free_booths, p.free_stalls), (8, 10));
    }

    #[test]
    fn grids_are_all_or_nothing_and_refuse_overlaps_codes_and_walls() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        test_hall(&mut conn, forum);
        create_grid(&mut conn, forum, &grid("A", 0.0, 0.0, 3, 1)).unwrap();
        // Overlapping A-row: refused, nothing written.
        let e = create_grid(&mut conn, forum, &grid("B", 4.0, 0.0, 3, 1)).unwrap_err();
        assert!(e.to_string().contains("يتداخل مع الركن"), "{e}");
        let e = create_grid(&mut conn, forum, &grid("A", 0.0, 10.0, 3, 1)).unwrap_err();
        assert!(e.to_string().contains("الرمز A1 مستخدم"), "{e}");
        let e = create_grid(&mut conn, forum, &grid("C", 55.0, 10.0, 3, 1)).unwrap_err();
        assert!(e.to_string().contains("حدود القاعة"), "{e}");
        // Counts that would overflow are refused, not multiplied.
        let mut huge = grid("H", 0.0, 30.0, 100_000, 1);
        huge.rows = 100_000;
        let e = create_grid(&mut conn, forum, &huge).unwrap_err();
        assert!(e.to_string().contains("من 1 إلى 300"), "{e}");
        assert_eq!(booths(&conn, forum).unwrap().len(), 3);
        // Sharing an edge is fine.
        create_grid(&mut conn, forum, &grid("B", 9.0, 0.0, 2, 1)).unwrap();
        // Shrinking the hall under a booth is refused.
        let e = save_hall(
            &mut conn,
            forum,
            Hall {
                width: 12.0,
                depth: 40.0,
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("خارج القاعة"));
    }

    #[test]
    fn booths_move_resize_and_change_zone_with_their_position() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        test_hall(&mut conn, forum);
        let b = &create_grid(&mut conn, forum, &grid("A", 0.0, 0.0, 1, 1)).unwrap()[0];
        let moved = update_booth(
            &mut conn,
            b.id,
            &BoothInput {
                code: "a٧".into(),
                rect: Rect {
                    x: 20.0,
                    y: 30.0,
                    w: 4.0,
                    h: 2.5,
                },
            },
        )
        .unwrap();
        assert_eq!(moved.code, "A7");
        assert!(moved.is_stall, "moved into the families zone");
        assert_eq!((moved.w, moved.h), (4.0, 2.5));
        delete_booth(&conn, b.id).unwrap();
        assert!(booths(&conn, forum).unwrap().is_empty());
    }
}
