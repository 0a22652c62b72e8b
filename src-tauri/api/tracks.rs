//! Commands of the three tracks: opportunities, referrals (the booth scan) and their outcomes.
//! Same rules as the rest of the registry: one arm per command, the behaviour lives in
//! [`crate::track`].

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{args, out, start_import, ImportArgs};
use crate::error::Result;
use crate::state::Core;
use crate::track::{self, opportunity, referral};

#[derive(Deserialize)]
struct Id {
    id: i64,
}

#[derive(Deserialize)]
struct ListArgs {
    forum_id: i64,
    #[serde(default)]
    track: Option<String>,
    #[serde(default)]
    entity_id: Option<i64>,
}

#[derive(Deserialize)]
struct CreateArgs {
    forum_id: i64,
    opportunity: opportunity::OpportunityInput,
}

#[derive(Deserialize)]
struct UpdateArgs {
    id: i64,
    opportunity: opportunity::OpportunityInput,
}

#[derive(Deserialize)]
struct ReferralListArgs {
    forum_id: i64,
    #[serde(flatten)]
    filter: referral::Filter,
}

#[derive(Deserialize)]
struct ImpactArgs {
    forum_id: i64,
    #[serde(default)]
    require_90_days: bool,
}

#[derive(Deserialize)]
struct DueArgs {
    forum_id: i64,
    #[serde(default)]
    until: Option<String>,
}

#[derive(Deserialize)]
struct EntityArgs {
    entity_id: i64,
}

#[derive(Deserialize)]
struct VisitorArgs {
    forum_id: i64,
    entity_id: i64,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    person_id: Option<i64>,
}

fn vocab(table: &[(&str, &str)]) -> Vec<Value> {
    table
        .iter()
        .map(|(code, label)| json!({ "code": code, "label": label }))
        .collect()
}

fn tracks() -> Vec<Value> {
    track::TRACKS
        .iter()
        .map(|t| {
            json!({
                "code": t.code,
                "label": t.label,
                "stages": t.stages.iter().map(|s| json!({
                    "state": s.state, "label": s.label, "funnel": s.funnel, "holds_place": s.holds_place,
                })).collect::<Vec<_>>(),
                "moves": t.moves.iter().map(|(f, to)| json!([f, to])).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Runs a tracks command; gives the arguments back when the name is not one of them.
pub fn call(core: &Core, command: &str, a: Value) -> std::result::Result<Result<Value>, Value> {
    Ok(match command {
        "track_vocab" => out(json!({
            "tracks": tracks(),
            "reasons": vocab(track::REASONS),
            "verified_by": vocab(track::VERIFIED_BY),
            "statuses": vocab(opportunity::STATUSES),
            "eligibility": vocab(opportunity::ELIGIBILITY),
            "work_modes": vocab(opportunity::WORK_MODES),
            "support_kinds": vocab(opportunity::SUPPORT_KINDS),
            "follow_up_results": vocab(track::follow_up::RESULTS),
        })),
        "opportunity_list" => args::<ListArgs>(a).and_then(|a| {
            out(opportunity::list(
                &*core.read()?,
                a.forum_id,
                a.track.as_deref(),
                a.entity_id,
            )?)
        }),
        "opportunity_get" => {
            args::<Id>(a).and_then(|a| out(opportunity::get(&*core.read()?, a.id)?))
        }
        "opportunity_waitlist" => {
            args::<Id>(a).and_then(|a| out(referral::waitlist(&*core.read()?, a.id)?))
        }
        "opportunity_create" => args::<CreateArgs>(a).and_then(|a| {
            out(opportunity::create(
                &mut core.conn(),
                a.forum_id,
                &a.opportunity,
            )?)
        }),
        "opportunity_update" => args::<UpdateArgs>(a)
            .and_then(|a| out(opportunity::update(&mut core.conn(), a.id, &a.opportunity)?)),
        "opportunity_delete" => args::<Id>(a).and_then(|a| {
            opportunity::delete(&core.conn(), a.id)?;
            out(json!({ "deleted": true }))
        }),
        "opportunity_import_start" => args::<ImportArgs>(a).and_then(|a| {
            start_import(core, a, |core, a, table, progress| {
                track::import::import(
                    &mut core.conn(),
                    a.forum_id,
                    table,
                    &a.mapping,
                    None,
                    progress,
                )
            })
        }),
        "opportunity_export_xlsx" => args::<ListArgs>(a).and_then(|a| {
            let all = opportunity::list(
                &*core.read()?,
                a.forum_id,
                a.track.as_deref(),
                a.entity_id,
            )?;
            out(json!({
                "file_name": "الفرص.xlsx",
                "data_base64": base64::engine::general_purpose::STANDARD
                    .encode(track::import::export_xlsx(&all)?),
            }))
        }),
        "referral_create" => args::<referral::ReferInput>(a)
            .and_then(|a| out(referral::refer(&mut core.conn(), &a)?)),
        "referral_list" => args::<ReferralListArgs>(a)
            .and_then(|a| out(referral::list(&*core.read()?, a.forum_id, &a.filter)?)),
        "referral_get" => args::<Id>(a).and_then(|a| {
            let conn = core.read()?;
            let r = referral::get(&conn, a.id)?;
            let next: Vec<Value> = track::track(&r.track)
                .map(|t| {
                    t.next(&r.state)
                        .iter()
                        .map(|s| json!({ "state": s.state, "label": s.label, "negative": s.funnel == 0 }))
                        .collect()
                })
                .unwrap_or_default();
            out(json!({
                "referral": r,
                "events": referral::events(&conn, a.id)?,
                "next": next,
            }))
        }),
        "referral_move" => args::<referral::MoveInput>(a)
            .and_then(|a| out(referral::move_to(&mut core.conn(), &a)?)),
        "outcomes_export_xlsx" => args::<EntityArgs>(a).and_then(|a| {
            let conn = core.read()?;
            let name = crate::entity::get(&conn, a.entity_id)?.name_ar;
            out(json!({
                "file_name": format!("نتائج-إحالات-{name}.xlsx"),
                "data_base64": base64::engine::general_purpose::STANDARD
                    .encode(track::outcomes::export_xlsx(&conn, a.entity_id)?),
            }))
        }),
        "outcomes_import_start" => args::<ImportArgs>(a).and_then(|a| {
            start_import(core, a, |core, a, table, _progress| {
                track::outcomes::import(&mut core.conn(), a.forum_id, table, &a.mapping, &a.by)
            })
        }),
        "follow_up_list" => args::<DueArgs>(a).and_then(|a| {
            out(track::follow_up::due(
                &*core.read()?,
                a.forum_id,
                a.until.as_deref(),
            )?)
        }),
        "follow_up_record" => args::<track::follow_up::RecordInput>(a)
            .and_then(|a| out(track::follow_up::record(&mut core.conn(), &a)?)),
        "impact_report" => args::<ImpactArgs>(a).and_then(|a| {
            out(track::report::impact(
                &*core.read()?,
                a.forum_id,
                a.require_90_days,
            )?)
        }),
        "impact_report_xlsx" => args::<ImpactArgs>(a).and_then(|a| {
            let r = track::report::impact(&*core.read()?, a.forum_id, a.require_90_days)?;
            out(json!({
                "file_name": "تقرير-التمكين.xlsx",
                "data_base64": base64::engine::general_purpose::STANDARD
                    .encode(track::report::export_xlsx(&r)?),
            }))
        }),
        "impact_report_pdf" => args::<ImpactArgs>(a).and_then(|a| {
            let conn = core.read()?;
            let r = track::report::impact(&conn, a.forum_id, a.require_90_days)?;
            out(json!({
                "file_name": "تقرير-التمكين.pdf",
                "data_base64": base64::engine::general_purpose::STANDARD
                    .encode(track::report::print::pdf(&conn, &r)?),
            }))
        }),
        "booth_visitor" => args::<VisitorArgs>(a).and_then(|a| {
            out(track::booth::visitor(
                &*core.read()?,
                a.forum_id,
                a.entity_id,
                a.code.as_deref(),
                a.person_id,
            )?)
        }),
        _ => return Err(a),
    })
}
