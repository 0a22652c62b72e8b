//! The exhibition during the forum: each approved family's presence per day and the sales it
//! reports per day (riyals typed in any digits, stored as integer halalas; number of items),
//! and the totals per family, per category and per day the committee reports the exhibition's
//! economic impact with (dashboard chart, .xlsx export).

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::{category_label, CATEGORIES};
use crate::error::{AppError, FieldError, Result};
use crate::text;

/// The most one family can report for one day (a typo guard): SAR 1,000,000.
const MAX_DAY_HALALAS: i64 = 100_000_000;

/// An amount in riyals as typed («125», «١٢٥٫٥٠», «1,250.5 ريال», «٣٠٠ ر.س») → halalas.
/// Refuses negative amounts, text, and more than two decimals.
pub fn parse_sar(input: &str) -> std::result::Result<i64, String> {
    let mut s = text::latin_digits(&text::clean(input));
    for unit in [
        "ريال سعودي",
        "ريالات",
        "ريال",
        "ر.س",
        "رس",
        "SAR",
        "sar",
        "SR",
        "﷼",
    ] {
        s = s.replace(unit, "");
    }
    // Arabic decimal and thousands separators.
    let s: String = s
        .replace('٫', ".")
        .replace(['٬', ',', '،', ' '], "")
        .trim()
        .to_string();
    if s.is_empty() {
        return Err("اكتب المبلغ بالريال".into());
    }
    if s.starts_with('-') || s.starts_with('−') {
        return Err("المبلغ لا يكون سالبًا".into());
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!(
            "«{}» ليس مبلغًا؛ اكتب أرقامًا مثل 125 أو 125.50",
            text::clean(input)
        ));
    }
    if frac.len() > 2 {
        return Err("المبلغ بالريال وهللتين على الأكثر بعد الفاصلة".into());
    }
    if whole.len() > 9 {
        return Err("المبلغ أكبر من المعقول ليوم واحد".into());
    }
    let riyals: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "مبلغ غير صالح".to_string())?
    };
    let halalas: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let total = riyals * 100 + halalas;
    if total > MAX_DAY_HALALAS {
        return Err("المبلغ أكبر من مليون ريال ليوم واحد؛ راجع الرقم".into());
    }
    Ok(total)
}

/// Halalas as riyals for people: «1,250.50».
pub fn format_sar(halalas: i64) -> String {
    let riyals = halalas / 100;
    let rest = halalas % 100;
    let digits = riyals.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rest == 0 {
        grouped
    } else {
        format!("{grouped}.{rest:02}")
    }
}

fn parse_items(input: &str) -> std::result::Result<i64, String> {
    let s = text::latin_digits(&text::clean(input)).replace(['٬', ','], "");
    if s.starts_with('-') {
        return Err("عدد القطع لا يكون سالبًا".into());
    }
    match s.parse::<i64>() {
        Ok(n) if n <= 1_000_000 => Ok(n),
        Ok(_) => Err("عدد القطع أكبر من المعقول".into()),
        Err(_) => Err(format!("«{}» ليس عددًا صحيحًا للقطع", text::clean(input))),
    }
}

/// What a desk records for one family on one day. Text fields as typed; empty = not reported.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct DayInput {
    pub family_id: i64,
    pub day: u32,
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default)]
    pub sales: Option<String>,
    #[serde(default)]
    pub items: Option<String>,
}

/// One family's line on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayRow {
    pub family_id: i64,
    pub head_name: String,
    pub category: String,
    pub category_label: String,
    pub booth_code: Option<String>,
    pub day: u32,
    pub present: Option<bool>,
    pub sales_halalas: Option<i64>,
    pub items: Option<i64>,
}

/// Records presence and/or sales (only what is given changes). The family must be approved and
/// the day one of the forum's; an absent family reports no sales.
pub fn record_day(conn: &mut Connection, input: &DayInput, by: &str) -> Result<DayRow> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let forum_id = record_day_in(&tx, input, by)?;
    tx.commit()?;
    day_sheet(conn, forum_id, input.day)?
        .into_iter()
        .find(|r| r.family_id == input.family_id)
        .ok_or(AppError::NotFound {
            what: "الأسرة"
        })
}

/// [`record_day`] inside the caller's transaction; returns the family's forum.
pub(crate) fn record_day_in(tx: &Connection, input: &DayInput, by: &str) -> Result<i64> {
    let f = super::get(tx, input.family_id)?;
    let forum = crate::forum::get(tx, f.forum_id)?;
    if input.day < 1 || input.day > forum.day_count {
        return Err(AppError::field(
            "day",
            &format!("اليوم من 1 إلى {}", forum.day_count),
        ));
    }
    if f.status != "approved" {
        return Err(AppError::Conflict(format!(
            "«{}» ليست من الأسر المقبولة في المعرض (حالتها: {})",
            f.head_name, f.status_label
        )));
    }
    let mut errors = Vec::new();
    let sales = match input.sales.as_deref().map(text::clean) {
        None => None,
        Some(s) if s.is_empty() => Some(None),
        Some(s) => match parse_sar(&s) {
            Ok(h) => Some(Some(h)),
            Err(m) => {
                errors.push(FieldError::new("sales", m));
                None
            }
        },
    };
    let items = match input.items.as_deref().map(text::clean) {
        None => None,
        Some(s) if s.is_empty() => Some(None),
        Some(s) => match parse_items(&s) {
            Ok(n) => Some(Some(n)),
            Err(m) => {
                errors.push(FieldError::new("items", m));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let ts = crate::calendar::now_utc();
    tx.execute(
        "INSERT INTO family_day(family_id, day, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(family_id, day) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![f.id, input.day, ts, text::clean(by)],
    )?;
    if let Some(p) = input.present {
        tx.execute(
            "UPDATE family_day SET present = ?3 WHERE family_id = ?1 AND day = ?2",
            params![f.id, input.day, p],
        )?;
    }
    if let Some(s) = sales {
        tx.execute(
            "UPDATE family_day SET sales_halalas = ?3 WHERE family_id = ?1 AND day = ?2",
            params![f.id, input.day, s],
        )?;
    }
    if let Some(n) = items {
        tx.execute(
            "UPDATE family_day SET items = ?3 WHERE family_id = ?1 AND day = ?2",
            params![f.id, input.day, n],
        )?;
    }
    let (present, sales, _): (Option<bool>, Option<i64>, Option<i64>) = tx.query_row(
        "SELECT present, sales_halalas, items FROM family_day WHERE family_id = ?1 AND day = ?2",
        params![f.id, input.day],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if present == Some(false) && sales.unwrap_or(0) > 0 {
        return Err(AppError::Conflict(format!(
            "«{}» مسجلة غائبة في اليوم {}؛ لا تُسجل لها مبيعات",
            f.head_name, input.day
        )));
    }
    Ok(f.forum_id)
}

/// Every approved family's line for one day (the desk's sheet), by stall code then name.
pub fn day_sheet(conn: &Connection, forum_id: i64, day: u32) -> Result<Vec<DayRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.head_name, f.category, b.code, d.present, d.sales_halalas, d.items
           FROM family f
           LEFT JOIN family_day d ON d.family_id = f.id AND d.day = ?2
           LEFT JOIN booth_occupant o ON o.family_id = f.id
           LEFT JOIN booth b ON b.id = o.booth_id
          WHERE f.forum_id = ?1 AND f.status = 'approved'
          ORDER BY b.code IS NULL, length(b.code), b.code, f.head_name",
    )?;
    let rows = stmt
        .query_map(params![forum_id, day], |r| {
            let category: String = r.get(2)?;
            Ok(DayRow {
                family_id: r.get(0)?,
                head_name: r.get(1)?,
                category_label: category_label(&category).to_string(),
                category,
                booth_code: r.get(3)?,
                day,
                present: r.get(4)?,
                sales_halalas: r.get(5)?,
                items: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Sum {
    pub sales_halalas: i64,
    pub items: i64,
    /// Family-days present.
    pub present: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayTotal {
    pub day: u32,
    #[serde(flatten)]
    pub sum: Sum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryTotal {
    pub category: String,
    pub label: String,
    pub families: i64,
    #[serde(flatten)]
    pub sum: Sum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyTotal {
    pub family_id: i64,
    pub head_name: String,
    pub category_label: String,
    pub booth_code: Option<String>,
    /// Per forum day: sales in halalas (None: not reported).
    pub days: Vec<Option<i64>>,
    #[serde(flatten)]
    pub sum: Sum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub day_count: u32,
    pub per_day: Vec<DayTotal>,
    pub per_category: Vec<CategoryTotal>,
    pub per_family: Vec<FamilyTotal>,
    pub total: Sum,
    pub total_label: String,
}

/// The exhibition's figures: per day, per category (all categories, zeros included) and per
/// family (by sales, highest first).
pub fn totals(conn: &Connection, forum_id: i64) -> Result<Totals> {
    let forum = crate::forum::get(conn, forum_id)?;
    let n = forum.day_count;
    let mut per_day: Vec<DayTotal> = (1..=n)
        .map(|day| DayTotal {
            day,
            sum: Sum::default(),
        })
        .collect();
    let mut per_category: Vec<CategoryTotal> = CATEGORIES
        .iter()
        .map(|(c, l)| CategoryTotal {
            category: c.to_string(),
            label: l.to_string(),
            families: 0,
            sum: Sum::default(),
        })
        .collect();
    let mut per_family: Vec<FamilyTotal> = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT f.id, f.head_name, f.category, b.code, d.day, d.present, d.sales_halalas, d.items
           FROM family f
           LEFT JOIN family_day d ON d.family_id = f.id
           LEFT JOIN booth_occupant o ON o.family_id = f.id
           LEFT JOIN booth b ON b.id = o.booth_id
          WHERE f.forum_id = ?1 AND (f.status = 'approved' OR d.family_id IS NOT NULL)
          ORDER BY f.id, d.day",
    )?;
    let mut rows = stmt.query([forum_id])?;
    let mut total = Sum::default();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let category: String = r.get(2)?;
        if per_family.last().map(|f| f.family_id) != Some(id) {
            if let Some(c) = per_category.iter_mut().find(|c| c.category == category) {
                c.families += 1;
            }
            per_family.push(FamilyTotal {
                family_id: id,
                head_name: r.get(1)?,
                category_label: category_label(&category).to_string(),
                booth_code: r.get(3)?,
                days: vec![None; n as usize],
                sum: Sum::default(),
            });
        }
        let Some(day) = r.get::<_, Option<u32>>(4)? else {
            continue;
        };
        let present = r.get::<_, Option<bool>>(5)? == Some(true);
        let sales = r.get::<_, Option<i64>>(6)?;
        let items = r.get::<_, Option<i64>>(7)?.unwrap_or(0);
        let add = |s: &mut Sum| {
            s.sales_halalas += sales.unwrap_or(0);
            s.items += items;
            s.present += present as i64;
        };
        if let Some(f) = per_family.last_mut() {
            if let Some(slot) = f.days.get_mut(day as usize - 1) {
                *slot = sales;
            }
            add(&mut f.sum);
        }
        if let Some(d) = per_day.get_mut(day as usize - 1) {
            add(&mut d.sum);
        }
        if let Some(c) = per_category.iter_mut().find(|c| c.category == category) {
            add(&mut c.sum);
        }
        add(&mut total);
    }
    per_family.sort_by(|a, b| {
        b.sum
            .sales_halalas
            .cmp(&a.sum.sales_halalas)
            .then_with(|| a.head_name.cmp(&b.head_name))
    });
    Ok(Totals {
        day_count: n,
        per_day,
        per_category,
        per_family,
        total_label: format!("{} ريال", format_sar(total.sales_halalas)),
        total,
    })
}

/// The figures as an .xlsx: one sheet per family (sales per day and totals), one per category,
/// one per day — numbers as numbers, so the committee can chart them in Excel.
pub fn export_xlsx(t: &Totals) -> Result<Vec<u8>> {
    use crate::sheet::{Cell, SheetData};
    let sar = |h: i64| Cell::Number(h as f64 / 100.0);
    let mut fam_headers = vec!["رب الأسرة".to_string(), "الفئة".into(), "الركن".into()];
    for d in 1..=t.day_count {
        fam_headers.push(format!("مبيعات اليوم {d} (ريال)"));
    }
    fam_headers.extend([
        "إجمالي المبيعات (ريال)".into(),
        "عدد القطع".into(),
        "أيام الحضور".into(),
    ]);
    let fam_rows = t
        .per_family
        .iter()
        .map(|f| {
            let mut row = vec![
                Cell::Text(f.head_name.clone()),
                Cell::Text(f.category_label.clone()),
                Cell::Text(f.booth_code.clone().unwrap_or_default()),
            ];
            row.extend(f.days.iter().map(|d| d.map(sar).unwrap_or(Cell::Empty)));
            row.extend([
                sar(f.sum.sales_halalas),
                Cell::Number(f.sum.items as f64),
                Cell::Number(f.sum.present as f64),
            ]);
            row
        })
        .collect();
    let cat_rows = t
        .per_category
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.label.clone()),
                Cell::Number(c.families as f64),
                sar(c.sum.sales_halalas),
                Cell::Number(c.sum.items as f64),
            ]
        })
        .collect();
    let day_rows = t
        .per_day
        .iter()
        .map(|d| {
            vec![
                Cell::Text(format!("اليوم {}", d.day)),
                Cell::Number(d.sum.present as f64),
                sar(d.sum.sales_halalas),
                Cell::Number(d.sum.items as f64),
            ]
        })
        .collect();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    crate::sheet::write_xlsx_sheets(&[
        SheetData {
            name: "مبيعات الأسر".into(),
            headers: fam_headers,
            rows: fam_rows,
        },
        SheetData {
            name: "حسب الفئة".into(),
            headers: strings(&["الفئة", "عدد الأسر", "المبيعات (ريال)", "عدد القطع"]),
            rows: cat_rows,
        },
        SheetData {
            name: "حسب اليوم".into(),
            headers: strings(&["اليوم", "الأسر الحاضرة", "المبيعات (ريال)", "عدد القطع"]),
            rows: day_rows,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::super::{create, review::decide, sample};
    use super::*;

    #[test]
    fn amounts_in_any_digits_and_bad_amounts_refused() {
        assert_eq!(parse_sar("125"), Ok(12_500));
        assert_eq!(parse_sar("١٢٥٫٥"), Ok(12_550));
        assert_eq!(parse_sar("١٬٢٥٠ ريال"), Ok(125_000));
        assert_eq!(parse_sar("1,250.75 ر.س"), Ok(125_075));
        assert_eq!(parse_sar(".5"), Ok(50));
        assert_eq!(parse_sar("0"), Ok(0));
        assert!(parse_sar("-5").unwrap_err().contains("سالب"));
        assert!(parse_sar("مئة").unwrap_err().contains("ليس مبلغًا"));
        assert!(parse_sar("12.345").unwrap_err().contains("هللتين"));
        assert!(parse_sar("").is_err());
        assert!(parse_sar("5000000").unwrap_err().contains("مليون"));
        assert!(parse_sar("1.2.3").is_err());
        assert_eq!(format_sar(125_075), "1,250.75");
        assert_eq!(format_sar(100_000_000), "1,000,000");
        assert_eq!(format_sar(50), "0.50");
    }

    #[test]
    fn presence_and_sales_add_up_per_family_category_and_day() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        let a = create(
            &mut conn,
            forum,
            &sample("نورة أحمد", "101234561", "أطعمة"),
            "",
        )
        .unwrap();
        let b = create(
            &mut conn,
            forum,
            &sample("سارة علي", "101234562", "بخور"),
            "",
        )
        .unwrap();
        let c = create(
            &mut conn,
            forum,
            &sample("هند محمد", "101234563", "أطعمة"),
            "",
        )
        .unwrap();
        for f in [&a, &b] {
            decide(&mut conn, f.id, "approved", "", "").unwrap();
        }
        let rec = |conn: &mut Connection, id, day, present, sales: &str, items: &str| {
            record_day(
                conn,
                &DayInput {
                    family_id: id,
                    day,
                    present,
                    sales: Some(sales.into()),
                    items: Some(items.into()),
                },
                "منصة المعرض",
            )
        };
        let r = rec(&mut conn, a.id, 1, Some(true), "١٢٠٠٫٥٠", "٣٠").unwrap();
        assert_eq!(
            (r.present, r.sales_halalas, r.items),
            (Some(true), Some(120_050), Some(30))
        );
        rec(&mut conn, a.id, 2, Some(true), "800", "20").unwrap();
        rec(&mut conn, b.id, 1, Some(true), "450", "9").unwrap();
        // Corrections replace the day's figure.
        rec(&mut conn, b.id, 1, None, "500", "10").unwrap();
        // Bad input: nothing changes.
        let e = rec(&mut conn, b.id, 2, Some(true), "-40", "x").unwrap_err();
        assert_eq!(e.fields().len(), 2);
        assert!(rec(&mut conn, b.id, 3, Some(true), "1", "1")
            .unwrap_err()
            .to_string()
            .contains("اليوم من 1 إلى 2"));
        let e = rec(&mut conn, b.id, 2, Some(false), "40", "").unwrap_err();
        assert!(e.to_string().contains("غائبة"));
        // Not approved: refused.
        assert_eq!(
            rec(&mut conn, c.id, 1, Some(true), "1", "1")
                .unwrap_err()
                .code(),
            "conflict"
        );

        let t = totals(&conn, forum).unwrap();
        assert_eq!(t.total.sales_halalas, 120_050 + 80_000 + 50_000);
        assert_eq!(t.total_label, "2,500.50 ريال");
        assert_eq!(t.per_day[0].sum.sales_halalas, 170_050);
        assert_eq!(t.per_day[1].sum.present, 1);
        let food = t
            .per_category
            .iter()
            .find(|c| c.category == "food")
            .unwrap();
        assert_eq!(
            (food.families, food.sum.sales_halalas, food.sum.items),
            (1, 200_050, 50)
        );
        assert_eq!(t.per_family[0].family_id, a.id);
        assert_eq!(t.per_family[0].days, [Some(120_050), Some(80_000)]);
        assert_eq!(t.per_family[1].days, [Some(50_000), None]);

        let bytes = export_xlsx(&t).unwrap();
        let sheet = crate::sheet::read_table("x.xlsx", &bytes).unwrap();
        assert_eq!(sheet.headers[3], "مبيعات اليوم 1 (ريال)");
        assert_eq!(sheet.rows[0][0], "نورة أحمد");
        assert_eq!(sheet.rows[0][5], "2000.5");
    }
}
