//! The command registry: every operation the UI can ask for, by name, with JSON arguments and a
//! JSON result. The Tauri window (`invoke(name, args)`), the HTTP API (`POST /api/<name>`) and
//! the tests all come through [`call`], so a command exists once and behaves the same everywhere.
//!
//! To add a command: write the behaviour in its domain module, add one arm here and its name to
//! [`COMMANDS`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::demo;
use crate::error::{AppError, Result};
use crate::forum::{self, ForumInput, LooseInt};
use crate::state::Core;

/// Every command name [`call`] understands.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "forum_list",
    "forum_get",
    "forum_create",
    "forum_update",
    "forum_delete",
    "forum_logo",
    "forum_days",
    "demo_status",
    "demo_load",
    "demo_remove",
];

#[derive(Deserialize)]
struct Id {
    id: i64,
}

#[derive(Deserialize)]
struct ForumArgs {
    forum: ForumInput,
}

#[derive(Deserialize)]
struct ForumUpdateArgs {
    id: i64,
    forum: ForumInput,
}

#[derive(Deserialize)]
struct DaysArgs {
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    day_count: Option<LooseInt>,
    #[serde(default)]
    end_date: Option<String>,
}

fn args<T: DeserializeOwned>(v: Value) -> Result<T> {
    let v = if v.is_null() { json!({}) } else { v };
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(e.to_string()))
}

fn out<T: Serialize>(t: T) -> Result<Value> {
    serde_json::to_value(t).map_err(|e| AppError::Internal(e.to_string()))
}

/// Runs one command. Blocking (SQLite): async adapters call it from a blocking task.
pub fn call(core: &Core, command: &str, a: Value) -> Result<Value> {
    match command {
        "app_info" => out(core.info()?),
        "forum_list" => out(forum::list(&core.conn())?),
        "forum_get" => out(forum::get(&core.conn(), args::<Id>(a)?.id)?),
        "forum_create" => out(forum::create(
            &mut core.conn(),
            &args::<ForumArgs>(a)?.forum,
        )?),
        "forum_update" => {
            let a: ForumUpdateArgs = args(a)?;
            out(forum::update(&mut core.conn(), a.id, &a.forum)?)
        }
        "forum_delete" => {
            forum::delete(&core.conn(), args::<Id>(a)?.id)?;
            out(json!({ "deleted": true }))
        }
        "forum_logo" => out(forum::logo(&core.conn(), args::<Id>(a)?.id)?),
        "forum_days" => {
            let a: DaysArgs = args(a)?;
            out(forum::preview_days(&a.start_date, a.day_count, a.end_date)?)
        }
        "demo_status" => out(demo::status(&core.conn())?),
        "demo_load" => out(json!({ "forum_id": demo::load(&mut core.conn())? })),
        "demo_remove" => out(json!({ "removed": demo::remove(&core.conn())? })),
        other => Err(AppError::UnknownCommand(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_command_is_known_and_unknown_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(&dir.path().join("m.sqlite3")).unwrap();
        for name in COMMANDS {
            if let Err(e) = call(&core, name, json!({})) {
                assert_ne!(e.code(), "unknown_command", "{name}");
            }
        }
        assert_eq!(
            call(&core, "nope", Value::Null).unwrap_err().code(),
            "unknown_command"
        );
        assert_eq!(
            call(&core, "forum_get", json!({"id": "x"}))
                .unwrap_err()
                .code(),
            "bad_request"
        );
    }
}
