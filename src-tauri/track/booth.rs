//! The booth screen's view of a visitor: who they are (contact details only with their consent),
//! what they were already referred to by anyone, and the entity's open opportunities.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::opportunity::{self, Opportunity};
use super::referral::{self, Filter, Referral};
use crate::error::{AppError, Result};
use crate::person::{self, badge_code};

/// The visitor as the entity's staff see them.
#[derive(Debug, Clone, Serialize)]
pub struct BoothPerson {
    pub id: i64,
    pub full_name: String,
    pub category_label: String,
    pub category_color: String,
    pub needs_label: String,
    pub badge_code: String,
    pub office: Option<String>,
    /// Whether the person agreed that entities receive their contact details.
    pub consent: bool,
    /// Only with consent.
    pub national_id: Option<String>,
    pub mobile: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoothVisitor {
    pub person: BoothPerson,
    /// Every referral of the person, by any entity.
    pub referrals: Vec<Referral>,
    /// The entity's opportunities open to new referrals.
    pub opportunities: Vec<Opportunity>,
}

/// Has the person agreed to share their contact details with enabling entities?
pub fn consented(conn: &Connection, person_id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT consent_at IS NOT NULL FROM person WHERE id = ?1",
            [person_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

pub fn visitor(
    conn: &Connection,
    forum_id: i64,
    entity_id: i64,
    code: Option<&str>,
    person_id: Option<i64>,
) -> Result<BoothVisitor> {
    let p = match (person_id, code) {
        (Some(id), _) => person::get(conn, id)?,
        (None, Some(raw)) => {
            let code = badge_code::normalize(raw);
            if !badge_code::is_valid(&code) {
                return Err(AppError::field(
                    "code",
                    &format!("الرمز «{code}» غير صحيح — أعد المسح أو ابحث بالاسم"),
                ));
            }
            person::by_badge_code(conn, forum_id, &code)?.ok_or_else(|| {
                AppError::field("code", &format!("الرمز «{code}» غير مسجل في هذا الملتقى"))
            })?
        }
        (None, None) => return Err(AppError::field("code", "امسح بطاقة الزائر أو ابحث باسمه")),
    };
    if p.forum_id != forum_id {
        return Err(AppError::field("code", "هذا الشخص مسجل في ملتقى آخر"));
    }
    let consent = consented(conn, p.id)?;
    let referrals = referral::list(
        conn,
        forum_id,
        &Filter {
            person_id: Some(p.id),
            ..Default::default()
        },
    )?;
    let opportunities = opportunity::list(conn, forum_id, None, Some(entity_id))?
        .into_iter()
        .filter(|o| o.status == "open")
        .collect();
    Ok(BoothVisitor {
        person: BoothPerson {
            id: p.id,
            full_name: p.full_name,
            category_label: p.category_label,
            category_color: p.category_color,
            needs_label: p.needs_label,
            badge_code: p.badge_code,
            office: p.office,
            consent,
            national_id: if consent { p.national_id } else { None },
            mobile: if consent { p.mobile } else { None },
        },
        referrals,
        opportunities,
    })
}
