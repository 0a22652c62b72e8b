//! Commands of the two exhibitions: enabling entities, the floor plan and its booths, and the
//! productive families. Same rules as the rest of the registry: one arm per command, the
//! behaviour lives in the domain modules.

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{args, out, start_import, ImportArgs};
use crate::entity::{self, EntityInput};
use crate::error::Result;
use crate::family::{self, market, review, FamilyInput};
use crate::floor::{self, assign, BoothInput, GridInput, Hall, ZoneInput};
use crate::person::PersonInput;
use crate::state::Core;

#[derive(Deserialize)]
struct Id {
    id: i64,
}

#[derive(Deserialize)]
struct ForumId {
    forum_id: i64,
}

#[derive(Deserialize)]
struct EntityCreate {
    forum_id: i64,
    entity: EntityInput,
}

#[derive(Deserialize)]
struct EntityUpdate {
    id: i64,
    entity: EntityInput,
}

#[derive(Deserialize)]
struct StatusArgs {
    id: i64,
    status: String,
}

#[derive(Deserialize)]
struct StaffAdd {
    entity_id: i64,
    person: PersonInput,
}

#[derive(Deserialize)]
struct StaffLink {
    person_id: i64,
    #[serde(default)]
    entity_id: Option<i64>,
}

#[derive(Deserialize)]
struct HallArgs {
    forum_id: i64,
    width: f64,
    depth: f64,
}

#[derive(Deserialize)]
struct ZoneArgs {
    forum_id: i64,
    zone: ZoneInput,
}

#[derive(Deserialize)]
struct ZoneDelete {
    forum_id: i64,
    id: i64,
}

#[derive(Deserialize)]
struct BoothCreate {
    forum_id: i64,
    booth: BoothInput,
}

#[derive(Deserialize)]
struct GridArgs {
    forum_id: i64,
    grid: GridInput,
}

#[derive(Deserialize)]
struct BoothUpdate {
    id: i64,
    booth: BoothInput,
}

#[derive(Deserialize)]
struct AssignArgs {
    booth_id: i64,
    #[serde(default)]
    entity_id: Option<i64>,
    #[serde(default)]
    family_id: Option<i64>,
    #[serde(default)]
    by: String,
}

#[derive(Deserialize)]
struct BoothId {
    booth_id: i64,
}

#[derive(Deserialize)]
struct WhereArgs {
    forum_id: i64,
    #[serde(default)]
    q: String,
}

#[derive(Deserialize)]
struct FamilyListArgs {
    forum_id: i64,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    category: Option<String>,
}

#[derive(Deserialize)]
struct FamilyCreate {
    forum_id: i64,
    family: FamilyInput,
    #[serde(default)]
    by: String,
}

#[derive(Deserialize)]
struct FamilyUpdate {
    id: i64,
    family: FamilyInput,
}

#[derive(Deserialize)]
struct DecideArgs {
    id: i64,
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    by: String,
}

#[derive(Deserialize)]
struct QuotaArgs {
    forum_id: i64,
    category: String,
    #[serde(default)]
    max_stalls: Option<i64>,
}

#[derive(Deserialize)]
struct DayArgs {
    forum_id: i64,
    day: u32,
}

#[derive(Deserialize)]
struct DayRecord {
    #[serde(flatten)]
    day: market::DayInput,
    #[serde(default)]
    by: String,
}

fn file(name: &str, bytes: &[u8]) -> Result<Value> {
    out(json!({
        "file_name": name,
        "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
    }))
}

fn vocab(table: &[(&str, &str)]) -> Vec<Value> {
    table
        .iter()
        .map(|(code, label)| json!({ "code": code, "label": label }))
        .collect()
}

/// Runs an exhibition command; gives the arguments back when the name is not one of them.
pub fn call(core: &Core, command: &str, a: Value) -> std::result::Result<Result<Value>, Value> {
    Ok(match command {
        "entity_vocab" => out(json!({
            "kinds": vocab(entity::KINDS),
            "statuses": vocab(entity::STATUSES),
            "tags": vocab(entity::TAGS),
        })),
        "entity_list" => (|| {
            let f = args::<ForumId>(a)?.forum_id;
            let conn = core.read()?;
            out(json!({
                "entities": entity::list(&conn, f)?,
                "counts": entity::counts(&conn, f)?,
            }))
        })(),
        "entity_get" => (|| {
            let id = args::<Id>(a)?.id;
            let conn = core.read()?;
            out(json!({
                "entity": entity::get(&conn, id)?,
                "logo": entity::logo(&conn, id)?,
                "staff": entity::staff(&conn, id)?,
            }))
        })(),
        "entity_create" => args::<EntityCreate>(a)
            .and_then(|a| out(entity::create(&mut core.conn(), a.forum_id, &a.entity)?)),
        "entity_update" => args::<EntityUpdate>(a)
            .and_then(|a| out(entity::update(&mut core.conn(), a.id, &a.entity)?)),
        "entity_delete" => args::<Id>(a).and_then(|a| {
            entity::delete(&core.conn(), a.id)?;
            out(json!({ "deleted": true }))
        }),
        "entity_status" => args::<StatusArgs>(a)
            .and_then(|a| out(entity::set_status(&mut core.conn(), a.id, &a.status)?)),
        "entity_staff_add" => args::<StaffAdd>(a)
            .and_then(|a| out(entity::add_staff(&mut core.conn(), a.entity_id, &a.person)?)),
        "entity_staff_link" => args::<StaffLink>(a)
            .and_then(|a| out(entity::link_staff(&core.conn(), a.person_id, a.entity_id)?)),
        "entity_import_start" => args::<ImportArgs>(a).and_then(|a| {
            start_import(core, a, |core, a, table, progress| {
                entity::import::import(&mut core.conn(), a.forum_id, table, &a.mapping, progress)
            })
        }),
        "entity_export_xlsx" => args::<ForumId>(a).and_then(|a| {
            let all = entity::list(&*core.read()?, a.forum_id)?;
            file("الجهات-الممكنة.xlsx", &entity::import::export_xlsx(&all)?)
        }),
        "floor_plan" => {
            args::<ForumId>(a).and_then(|a| out(floor::plan(&*core.read()?, a.forum_id)?))
        }
        "hall_save" => args::<HallArgs>(a).and_then(|a| {
            out(floor::save_hall(
                &mut core.conn(),
                a.forum_id,
                Hall {
                    width: a.width,
                    depth: a.depth,
                },
            )?)
        }),
        "zone_save" => args::<ZoneArgs>(a)
            .and_then(|a| out(floor::save_zone(&mut core.conn(), a.forum_id, &a.zone)?)),
        "zone_delete" => args::<ZoneDelete>(a).and_then(|a| {
            floor::delete_zone(&mut core.conn(), a.forum_id, a.id)?;
            out(json!({ "deleted": true }))
        }),
        "booth_create" => args::<BoothCreate>(a)
            .and_then(|a| out(floor::create_booth(&mut core.conn(), a.forum_id, &a.booth)?)),
        "booth_grid" => args::<GridArgs>(a)
            .and_then(|a| out(floor::create_grid(&mut core.conn(), a.forum_id, &a.grid)?)),
        "booth_update" => args::<BoothUpdate>(a)
            .and_then(|a| out(floor::update_booth(&mut core.conn(), a.id, &a.booth)?)),
        "booth_delete" => args::<Id>(a).and_then(|a| {
            floor::delete_booth(&core.conn(), a.id)?;
            out(json!({ "deleted": true }))
        }),
        "booth_assign" => args::<AssignArgs>(a).and_then(|a| match (a.entity_id, a.family_id) {
            (Some(e), None) => out(assign::assign_entity(
                &mut core.conn(),
                a.booth_id,
                e,
                &a.by,
            )?),
            (None, Some(f)) => out(assign::assign_family(
                &mut core.conn(),
                a.booth_id,
                f,
                &a.by,
            )?),
            _ => Err(crate::error::AppError::BadRequest(
                "حدد جهة أو أسرة واحدة للركن".into(),
            )),
        }),
        "booth_unassign" => {
            args::<BoothId>(a).and_then(|a| out(assign::unassign(&core.conn(), a.booth_id)?))
        }
        "where_is" => args::<WhereArgs>(a)
            .and_then(|a| out(assign::where_is(&*core.read()?, a.forum_id, &a.q, 10)?)),
        "booth_signs_pdf" => args::<ForumId>(a).and_then(|a| {
            let printed = floor::print::signs(&*core.read()?, a.forum_id)?;
            file(&format!("لوحات-الأركان-{}.pdf", printed.count), &printed.pdf)
        }),
        "floor_plan_pdf" => args::<ForumId>(a).and_then(|a| {
            file(
                "مخطط-القاعة.pdf",
                &floor::print::plan(&*core.read()?, a.forum_id)?,
            )
        }),
        "family_vocab" => out(json!({
            "categories": vocab(family::CATEGORIES),
            "statuses": vocab(family::STATUSES),
            "table_sizes": vocab(family::TABLE_SIZES),
        })),
        "family_list" => (|| {
            let a: FamilyListArgs = args(a)?;
            let conn = core.read()?;
            out(json!({
                "families": family::list(&conn, a.forum_id, a.status.as_deref(), a.category.as_deref())?,
                "quotas": review::quotas(&conn, a.forum_id)?,
            }))
        })(),
        "family_get" => (|| {
            let id = args::<Id>(a)?.id;
            let conn = core.read()?;
            out(json!({
                "family": family::get(&conn, id)?,
                "photos": family::photos(&conn, id)?,
                "history": review::history(&conn, id)?,
            }))
        })(),
        "family_create" => args::<FamilyCreate>(a).and_then(|a| {
            out(family::create(
                &mut core.conn(),
                a.forum_id,
                &a.family,
                &a.by,
            )?)
        }),
        "family_update" => args::<FamilyUpdate>(a)
            .and_then(|a| out(family::update(&mut core.conn(), a.id, &a.family)?)),
        "family_delete" => args::<Id>(a).and_then(|a| {
            family::delete(&core.conn(), a.id)?;
            out(json!({ "deleted": true }))
        }),
        "family_decide" => args::<DecideArgs>(a).and_then(|a| {
            out(review::decide(
                &mut core.conn(),
                a.id,
                &a.to,
                &a.reason,
                &a.by,
            )?)
        }),
        "family_quotas" => {
            args::<ForumId>(a).and_then(|a| out(review::quotas(&*core.read()?, a.forum_id)?))
        }
        "family_quota_save" => args::<QuotaArgs>(a).and_then(|a| {
            out(review::set_quota(
                &core.conn(),
                a.forum_id,
                &a.category,
                a.max_stalls,
            )?)
        }),
        "family_day_sheet" => args::<DayArgs>(a)
            .and_then(|a| out(market::day_sheet(&*core.read()?, a.forum_id, a.day)?)),
        "family_day_record" => args::<DayRecord>(a)
            .and_then(|a| out(market::record_day(&mut core.conn(), &a.day, &a.by)?)),
        "family_totals" => {
            args::<ForumId>(a).and_then(|a| out(market::totals(&*core.read()?, a.forum_id)?))
        }
        "family_sales_xlsx" => args::<ForumId>(a).and_then(|a| {
            file(
                "مبيعات-الأسر-المنتجة.xlsx",
                &market::export_xlsx(&market::totals(&*core.read()?, a.forum_id)?)?,
            )
        }),
        "family_import_start" => args::<ImportArgs>(a).and_then(|a| {
            start_import(core, a, |core, a, table, progress| {
                family::import::import(
                    &mut core.conn(),
                    a.forum_id,
                    table,
                    &a.mapping,
                    &a.by,
                    progress,
                )
            })
        }),
        _ => return Err(a),
    })
}
