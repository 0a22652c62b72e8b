//! The command registry: every operation the UI can ask for, by name, with JSON arguments and a
//! JSON result. The Tauri window (`invoke(name, args)`), the HTTP API (`POST /api/<name>`) and
//! the tests all come through [`call`], so a command exists once and behaves the same everywhere.
//!
//! To add a command: write the behaviour in its domain module, add one arm here and its row
//! to [`access::COMMANDS`] (who may run it, how large its arguments may be, who it records).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::checkin::{self, CheckinRequest};
use crate::demo;
use crate::desk;
use crate::error::{AppError, Result};
use crate::forum::{self, ForumInput, LooseInt};
use crate::person::{self, PersonInput};
use crate::state::Core;

pub mod access;
pub mod exhibition;
pub mod tracks;

pub use access::{authorize, Access, Body, Caller, Command, COMMANDS};

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

#[derive(Deserialize)]
struct EraseArgs {
    forum_id: i64,
    #[serde(default)]
    confirm: String,
}

fn venue_today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&checkin::venue_offset())
        .date_naive()
}

#[derive(Deserialize)]
struct AuditArgs {
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    who: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
}

#[derive(Deserialize)]
struct RestoreArgs {
    #[serde(default)]
    file: String,
}

#[derive(Deserialize)]
struct SignInArgs {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct AccountUpdateArgs {
    id: i64,
    #[serde(flatten)]
    change: crate::account::AccountChange,
}

#[derive(Deserialize)]
struct PasswordResetArgs {
    id: i64,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct FolderArgs {
    #[serde(default)]
    folder: String,
}

fn store_setting(core: &Core, key: &str) -> Result<Option<String>> {
    crate::store::get_setting(&*core.read()?, key)
}

#[derive(Deserialize)]
struct HijriArgs {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Deserialize)]
struct ReportFileArgs {
    forum_id: i64,
    /// `pdf` or `xlsx`.
    format: String,
}

#[derive(Deserialize)]
struct PeopleExportArgs {
    forum_id: i64,
    #[serde(default)]
    day: Option<u32>,
    #[serde(default)]
    absent: bool,
}

#[derive(Deserialize)]
struct DeskCreateArgs {
    name: String,
    /// `checkin` (the default), `booth` (with `entity_id`), `exhibition` or `committee`.
    #[serde(default)]
    role: Option<String>,
    /// A booth device: the entity whose booth it is.
    #[serde(default)]
    entity_id: Option<i64>,
}

#[derive(Deserialize)]
struct ForumId {
    forum_id: i64,
}

#[derive(Deserialize)]
struct PersonCreateArgs {
    forum_id: i64,
    person: PersonInput,
}

#[derive(Deserialize)]
struct PersonUpdateArgs {
    id: i64,
    person: PersonInput,
}

#[derive(Deserialize)]
struct PersonListArgs {
    forum_id: i64,
    #[serde(flatten)]
    filter: person::Filter,
}

#[derive(Deserialize)]
struct SearchArgs {
    forum_id: i64,
    #[serde(default)]
    q: String,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Deserialize)]
struct UndoArgs {
    uuid: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    by: String,
}

#[derive(Deserialize)]
struct StatsArgs {
    forum_id: i64,
    day: u32,
}

/// A file sent by the UI: its name (for the type) and its bytes in base64.
#[derive(Deserialize)]
pub(crate) struct FileArgs {
    pub(crate) file_name: String,
    data_base64: String,
}

impl FileArgs {
    pub(crate) fn bytes(&self) -> Result<Vec<u8>> {
        use base64::Engine;
        let data = self
            .data_base64
            .split_once(";base64,")
            .map(|(_, d)| d)
            .unwrap_or(&self.data_base64);
        let size = data.trim().len() / 4 * 3;
        if size > access::MAX_FILE_BYTES {
            return Err(AppError::TooLarge(access::too_large_file(Some(size))));
        }
        base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| AppError::field("file", "تعذر قراءة الملف المرسل"))
    }
}

#[derive(Deserialize)]
pub(crate) struct ImportArgs {
    pub(crate) forum_id: i64,
    #[serde(flatten)]
    pub(crate) file: FileArgs,
    pub(crate) mapping: Vec<Option<String>>,
    /// Who imports (recorded with family applications).
    #[serde(default)]
    pub(crate) by: String,
    /// People: the category of rows without one.
    #[serde(default)]
    pub(crate) default_category: Option<String>,
}

#[derive(Deserialize)]
struct PreviewArgs {
    /// people (default), entities or families.
    #[serde(default)]
    kind: Option<String>,
    #[serde(flatten)]
    file: FileArgs,
}

#[derive(Deserialize)]
struct RejectsArgs {
    headers: Vec<String>,
    rejects: Vec<crate::import::Reject>,
}

#[derive(Deserialize)]
struct CategoryArgs {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    label_ar: String,
    #[serde(default)]
    color: String,
}

#[derive(Deserialize)]
struct KindArgs {
    forum_id: i64,
    kind: String,
    /// Course certificates: the course.
    #[serde(default)]
    course_id: Option<i64>,
}

#[derive(Deserialize)]
struct IssueArgs {
    forum_id: i64,
    kind: String,
    /// Course certificates: the course (each course is its own batch).
    #[serde(default)]
    course_id: Option<i64>,
    /// Only these people (re-printing one certificate); everyone eligible when absent.
    #[serde(default)]
    person_ids: Option<Vec<i64>>,
    /// One PDF per person, in a zip of one folder; one merged PDF otherwise.
    #[serde(default)]
    per_person: bool,
    #[serde(default)]
    by: String,
}

#[derive(Deserialize)]
struct TemplateArgs {
    forum_id: i64,
    template: crate::certificate::Template,
}

#[derive(Deserialize)]
struct RevokeArgs {
    serial: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct BadgeArgs {
    forum_id: i64,
    #[serde(flatten)]
    selection: crate::badge::Selection,
    #[serde(default)]
    layout: String,
}

#[derive(Deserialize)]
struct TextArgs {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct CodeArgs {
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
struct SinceArgs {
    #[serde(default)]
    since: Option<String>,
}

#[derive(Deserialize)]
struct JobArgs {
    job_id: String,
}

pub(crate) fn args<T: DeserializeOwned>(v: Value) -> Result<T> {
    let v = if v.is_null() { json!({}) } else { v };
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(e.to_string()))
}

pub(crate) fn out<T: Serialize>(t: T) -> Result<Value> {
    serde_json::to_value(t).map_err(|e| AppError::Internal(e.to_string()))
}

/// Starts an import job: the file is read now (a bad file is answered at once rather than by
/// the job), the rows are imported by `import` in the background.
pub(crate) fn start_import<F>(core: &Core, a: ImportArgs, import: F) -> Result<Value>
where
    F: FnOnce(
            &Core,
            &ImportArgs,
            &crate::sheet::Table,
            &mut dyn FnMut(usize, usize),
        ) -> Result<crate::import::Report>
        + Send
        + 'static,
{
    let table = crate::sheet::read_table(&a.file.file_name, &a.file.bytes()?)?;
    let job = core.start_job("import", move |core, progress| {
        // Every import is preceded by a backup (made beside the desks, never holding the writer).
        core.backup("import")?;
        out(import(core, &a, &table, progress)?)
    });
    out(json!({ "job_id": job }))
}

/// Runs one command as the host itself (the window, the CLI, tests). Blocking (SQLite): async
/// adapters call it from a blocking task.
pub fn call(core: &Core, command: &str, a: Value) -> Result<Value> {
    call_as(core, &Caller::Host, command, a)
}

/// Runs one command for `caller`: refused (nothing run) unless [`access::authorize`] allows
/// it; a desk's commands record the desk by its own name.
pub fn call_as(core: &Core, caller: &Caller, command: &str, a: Value) -> Result<Value> {
    let started = std::time::Instant::now();
    let mut account = None;
    let result = run_as(core, caller, command, a, &mut account);
    // One line per command: its name, who asked (a device, an account number), how long it
    // took and its error code — never its arguments (see crate::logs).
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let by = access::log_label(caller, account.as_ref());
    match &result {
        Ok(_) => tracing::info!(command, by, ms = format!("{ms:.1}"), "command"),
        Err(AppError::Internal(detail)) => {
            tracing::error!(
                command,
                by,
                ms = format!("{ms:.1}"),
                detail,
                "command failed"
            )
        }
        Err(e) => tracing::warn!(
            command,
            by,
            ms = format!("{ms:.1}"),
            error = e.code(),
            "command refused"
        ),
    }
    result
}

fn run_as(
    core: &Core,
    caller: &Caller,
    command: &str,
    a: Value,
    signed: &mut Option<crate::account::Account>,
) -> Result<Value> {
    let row = authorize(caller, command)?;
    let account = signed_in(core, caller, &a)?;
    signed.clone_from(&account);
    match &account {
        Some(account) => access::authorize_account(account, row)?,
        None if !row.open && sign_in_required(core, caller)? => {
            return Err(AppError::SignInRequired)
        }
        None => {}
    }
    // An admin's own sign-in opens what the admin lock holds; anyone else needs the password.
    let admin_signed_in = account.as_ref().is_some_and(|a| a.role == "admin");
    if row.admin
        && !admin_signed_in
        && matches!(caller, Caller::Host)
        && crate::admin::is_locked(&*core.read()?)?
    {
        let token = a.get("admin_token").and_then(Value::as_str);
        if core.admin().get(token).is_none() {
            return Err(AppError::AdminLocked);
        }
    }
    let a = access::stamp(caller, account.as_ref(), row, a)?;
    let recorded = row.writes.then(|| a.clone());
    let out = dispatch(core, caller, account.as_ref(), command, a)?;
    if let Some(args) = recorded {
        // The change is made and answered; its audit row follows it (a failure to write the
        // row is logged, never undoes the change).
        let who = access::who(caller, account.as_ref());
        if let Err(e) = crate::audit::append(&mut core.conn(), &who, command, &args, &out) {
            tracing::error!(
                command,
                error = e.code(),
                "the audit row could not be written"
            );
        }
    }
    Ok(access::shape(caller, out))
}

/// Must `caller` sign in? Once accounts are in use, the host and the committee's devices do.
fn sign_in_required(core: &Core, caller: &Caller) -> Result<bool> {
    Ok(access::signs_in(caller) && crate::account::in_use(&*core.read()?)?)
}

/// Where a caller signs in from (none for a stranger).
fn place(caller: &Caller) -> Option<crate::account::Place> {
    match caller {
        Caller::Host => Some(crate::account::Place::Host),
        Caller::Desk { desk, .. } => Some(crate::account::Place::Desk(desk.id)),
        Caller::Stranger { .. } => None,
    }
}

/// The member signed in where `caller` is, by the `account_token` the screen sends.
fn signed_in(core: &Core, caller: &Caller, a: &Value) -> Result<Option<crate::account::Account>> {
    let Some(token) = a.get("account_token").and_then(Value::as_str) else {
        return Ok(None);
    };
    let Some(place) = place(caller) else {
        return Ok(None);
    };
    core.sign_ins().account(&*core.read()?, Some(token), place)
}

/// Runs an authorized command with its stamped arguments.
fn dispatch(
    core: &Core,
    caller: &Caller,
    account: Option<&crate::account::Account>,
    command: &str,
    a: Value,
) -> Result<Value> {
    match command {
        "app_info" => out(core.info()?),
        "forum_list" => out(forum::list(&*core.read()?)?),
        // The forum a new browser or desk opens (running today, next, or the last one).
        "forum_default" => {
            let today = chrono::Utc::now()
                .with_timezone(&checkin::venue_offset())
                .date_naive();
            out(match forum::default_for(&*core.read()?, today)? {
                Some((id, why)) => json!({ "forum_id": id, "why": why }),
                None => json!({ "forum_id": null, "why": null }),
            })
        }
        "forum_get" => out(forum::get(&*core.read()?, args::<Id>(a)?.id)?),
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
        "forum_logo" => out(forum::logo(&*core.read()?, args::<Id>(a)?.id)?),
        // A date typed in the Hijri calendar, as the Gregorian date the forms store.
        "hijri_date" => {
            let a: HijriArgs = args(a)?;
            out(crate::calendar::hijri_label(a.year, a.month, a.day)?)
        }
        "forum_days" => {
            let a: DaysArgs = args(a)?;
            out(forum::preview_days(&a.start_date, a.day_count, a.end_date)?)
        }
        "demo_status" => out(demo::status(&*core.read()?)?),
        "demo_load" => out(json!({ "forum_id": demo::load_in_steps(core.store())? })),
        "demo_remove" => {
            core.backup("demo_remove")?;
            out(json!({ "removed": demo::remove(&core.conn())? }))
        }
        // Committee members' accounts (see crate::account).
        "account_me" => out(json!({
            "in_use": crate::account::in_use(&*core.read()?)?,
            "required": sign_in_required(core, caller)?,
            "account": account,
        })),
        "account_sign_in" => {
            let a: SignInArgs = args(a)?;
            let place = place(caller).ok_or(AppError::DeskTokenRequired)?;
            let (token, account) =
                core.sign_ins()
                    .sign_in(&core.conn(), &a.username, &a.password, place)?;
            out(json!({
                "account_token": token,
                "account": account,
                "allowed": access::allowed(caller, Some(&account)),
            }))
        }
        "account_sign_out" => {
            if let Some(token) = a.get("account_token").and_then(Value::as_str) {
                core.sign_ins().sign_out(token);
            }
            out(json!({ "signed_out": true }))
        }
        "account_password_change" => {
            let account = account.ok_or(AppError::SignInRequired)?;
            let current = a.get("current").and_then(Value::as_str).unwrap_or_default();
            let new = a.get("new").and_then(Value::as_str).unwrap_or_default();
            crate::account::change_own_password(&core.conn(), account.id, current, new)?;
            out(json!({ "changed": true, "id": account.id }))
        }
        "account_list" => out(json!({
            "accounts": crate::account::list(&*core.read()?)?,
            "roles": crate::account::ROLES
                .iter()
                .map(|(code, label)| json!({ "code": code, "label": label }))
                .collect::<Vec<_>>(),
        })),
        "account_create" => out(crate::account::create(
            &core.conn(),
            &args::<crate::account::AccountInput>(a)?,
        )?),
        "account_update" => {
            let a: AccountUpdateArgs = args(a)?;
            let account = crate::account::update(&mut core.conn(), a.id, &a.change)?;
            if !account.active {
                core.sign_ins().end_all_of(account.id);
            }
            out(account)
        }
        "account_password_reset" => {
            let a: PasswordResetArgs = args(a)?;
            crate::account::set_password(&core.conn(), a.id, &a.password)?;
            core.sign_ins().end_all_of(a.id);
            out(json!({ "reset": true, "id": a.id }))
        }
        "backup_list" => out(json!({
            "folder": crate::store::backup::folder(core.store().path()),
            "mirror": store_setting(core, crate::store::backup::MIRROR_SETTING)?,
            "backups": crate::store::backup::list(&crate::store::backup::folder(core.store().path()))?,
        })),
        "backup_now" => out(core.backup("manual")?),
        // The app's log files, for support (see crate::logs).
        "logs_info" => out(crate::logs::info(&crate::logs::folder(core.store().path()))),
        "logs_zip" => {
            use base64::Engine;
            let bytes = crate::logs::zip(&crate::logs::folder(core.store().path()))?;
            out(json!({
                "file_name": format!("multaqa-logs-{}.zip", venue_today()),
                "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
            }))
        }
        // One of the listed backups back in place (see Core::restore_listed).
        "backup_restore" => out(core.restore_listed(&args::<RestoreArgs>(a)?.file)?),
        "admin_status" => {
            let token = a.get("admin_token").and_then(Value::as_str);
            out(json!({
                "locked": crate::admin::is_locked(&*core.read()?)?,
                "unlocked": core.admin().get(token).is_some(),
            }))
        }
        "admin_unlock" => {
            let password = a
                .get("password")
                .and_then(Value::as_str)
                .unwrap_or_default();
            out(
                json!({ "admin_token": crate::admin::unlock(core.admin(), &*core.read()?, password)? }),
            )
        }
        "admin_lock" => {
            core.admin().close_all();
            out(json!({ "locked": true }))
        }
        "admin_password_set" => {
            let current = a.get("current").and_then(Value::as_str).unwrap_or_default();
            let new = a.get("new").and_then(Value::as_str).unwrap_or_default();
            crate::admin::set_password(&core.conn(), current, new)?;
            core.admin().close_all();
            out(json!({ "locked": !new.is_empty() }))
        }
        "retention_status" => out(crate::retention::status(
            &*core.read()?,
            args::<ForumId>(a)?.forum_id,
            venue_today(),
        )?),
        "retention_erase" => {
            let a: EraseArgs = args(a)?;
            crate::retention::confirm(&*core.read()?, a.forum_id, &a.confirm)?;
            out(crate::retention::erase(
                core.store(),
                a.forum_id,
                venue_today(),
            )?)
        }
        "audit_list" => {
            let a: AuditArgs = args(a)?;
            out(crate::audit::list(
                &*core.read()?,
                a.command.as_deref().filter(|c| !c.is_empty()),
                a.who.as_deref().filter(|c| !c.is_empty()),
                a.limit.unwrap_or(200),
            )?)
        }
        "audit_verify" => out(crate::audit::verify(&*core.read()?)?),
        "audit_export_xlsx" => {
            use base64::Engine;
            out(json!({
                "file_name": "سجل-التدقيق.xlsx",
                "data_base64": base64::engine::general_purpose::STANDARD
                    .encode(crate::audit::export_xlsx(&*core.read()?)?),
            }))
        }
        "backup_mirror_set" => {
            let folder = crate::text::clean(&args::<FolderArgs>(a)?.folder);
            crate::store::set_setting(&core.conn(), crate::store::backup::MIRROR_SETTING, &folder)?;
            out(json!({ "mirror": folder }))
        }
        "categories" => out(person::categories(&*core.read()?)?),
        "consent_text" => out(json!({
            "version": person::CONSENT_VERSION,
            "text": person::CONSENT_TEXT,
        })),
        "offices" => out(person::offices(
            &*core.read()?,
            args::<ForumId>(a)?.forum_id,
        )?),
        "person_list" => {
            let a: PersonListArgs = args(a)?;
            out(person::list(&*core.read()?, a.forum_id, &a.filter)?)
        }
        "forum_report" => out(crate::forum_report::figures(
            &*core.read()?,
            args::<ForumId>(a)?.forum_id,
        )?),
        "forum_report_file" => {
            let a: ReportFileArgs = args(a)?;
            let conn = core.read()?;
            let r = crate::forum_report::figures(&conn, a.forum_id)?;
            let (name, bytes) = match a.format.as_str() {
                "pdf" => (
                    "التقرير-الختامي.pdf",
                    crate::forum_report::print::pdf(&conn, &r)?,
                ),
                "xlsx" => (
                    "التقرير-الختامي.xlsx",
                    crate::forum_report::export_xlsx(&r)?,
                ),
                other => {
                    return Err(AppError::field(
                        "format",
                        &format!("الصيغة «{other}» غير معروفة (pdf أو xlsx)"),
                    ))
                }
            };
            use base64::Engine;
            out(json!({
                "file_name": name,
                "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
            }))
        }
        "people_export_xlsx" => {
            let a: PeopleExportArgs = args(a)?;
            let e = person::export::export_xlsx(
                &*core.read()?,
                a.forum_id,
                person::export::Which {
                    day: a.day,
                    absent: a.absent,
                },
            )?;
            use base64::Engine;
            out(json!({
                "file_name": e.file_name,
                "data_base64": base64::engine::general_purpose::STANDARD.encode(e.bytes),
            }))
        }
        "person_get" => out(person::get(&*core.read()?, args::<Id>(a)?.id)?),
        "person_create" => {
            let a: PersonCreateArgs = args(a)?;
            out(person::create(&mut core.conn(), a.forum_id, &a.person)?)
        }
        "person_update" => {
            let a: PersonUpdateArgs = args(a)?;
            out(person::update(&mut core.conn(), a.id, &a.person)?)
        }
        "person_delete" => {
            person::delete(&core.conn(), args::<Id>(a)?.id)?;
            out(json!({ "deleted": true }))
        }
        "person_search" => {
            let a: SearchArgs = args(a)?;
            let limit = a.limit.unwrap_or(person::search::DEFAULT_LIMIT);
            out(person::search::search(
                &*core.read()?,
                core.names(),
                a.forum_id,
                &a.q,
                limit,
            )?)
        }
        "desk_context" => out(checkin::desk_context(
            &*core.read()?,
            args::<ForumId>(a)?.forum_id,
        )?),
        "checkin" => out(checkin::check_in(
            &mut core.conn(),
            &args::<CheckinRequest>(a)?,
        )?),
        "checkin_undo" => {
            let a: UndoArgs = args(a)?;
            out(checkin::undo(&core.conn(), &a.uuid, &a.reason, &a.by)?)
        }
        "checkin_stats" => {
            let a: StatsArgs = args(a)?;
            out(checkin::stats(&*core.read()?, a.forum_id, a.day)?)
        }
        "import_preview" => {
            let a: PreviewArgs = args(a)?;
            let spec = match a.kind.as_deref().unwrap_or("people") {
                "people" => &person::import::SPEC,
                "entities" => &crate::entity::import::SPEC,
                "families" => &crate::family::import::SPEC,
                "opportunities" => &crate::track::import::SPEC,
                "outcomes" => &crate::track::outcomes::SPEC,
                other => {
                    return Err(AppError::BadRequest(format!(
                        "نوع استيراد غير معروف: {other}"
                    )))
                }
            };
            out(spec.preview(&crate::sheet::read_table(
                &a.file.file_name,
                &a.file.bytes()?,
            )?))
        }
        "person_import_start" => start_import(core, args(a)?, |core, a, table, progress| {
            person::import::import(
                core.store(),
                a.forum_id,
                table,
                &a.mapping,
                a.default_category.as_deref(),
                crate::import::Origin {
                    file_name: &a.file.file_name,
                    by: &a.by,
                },
                progress,
            )
        }),
        "person_imports" => {
            let f = args::<ForumId>(a)?.forum_id;
            out(crate::import::batch::list(core.store(), f, 20)?)
        }
        "person_import_rejects_xlsx" => {
            use base64::Engine;
            let a: RejectsArgs = args(a)?;
            let bytes = crate::import::rejects_xlsx(&a.headers, &a.rejects)?;
            out(json!({
                "file_name": "الصفوف-المرفوضة.xlsx",
                "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
            }))
        }
        "job_status" => out(core.job_status(&args::<JobArgs>(a)?.job_id)?),
        "category_save" => {
            let a: CategoryArgs = args(a)?;
            out(person::save_category(
                &core.conn(),
                a.code.as_deref(),
                &a.label_ar,
                &a.color,
            )?)
        }
        "desk_list" => out(desk::list(&*core.read()?)?),
        "desk_create" => {
            let a: DeskCreateArgs = args(a)?;
            let role = a.role.as_deref().unwrap_or(desk::default_role(a.entity_id));
            let desk = desk::create(&core.conn(), &a.name, role, a.entity_id)?;
            core.pairing().new_code_made();
            out(desk)
        }
        // The device asking: a desk sees itself (a booth device, its entity); the host, nothing.
        "desk_me" => out(match caller {
            Caller::Desk { desk, .. } => json!({
                "host": false,
                "desk": desk::get(&*core.read()?, desk.id)?,
                "allowed": access::allowed(caller, account),
            }),
            _ => json!({ "host": true, "desk": null, "allowed": access::allowed(caller, account) }),
        }),
        "desk_revoke" => out(desk::revoke(&core.conn(), args::<Id>(a)?.id)?),
        "desk_new_code" => {
            let desk = desk::new_pairing_code(&core.conn(), args::<Id>(a)?.id)?;
            core.pairing().new_code_made();
            out(desk)
        }
        "desk_pair" => {
            let code = args::<CodeArgs>(a)?.code;
            let from = caller.addr();
            let pair = || desk::pair(&core.conn(), &code, from);
            match from {
                Some(addr) => out(core.pairing().attempt(addr, pair)?),
                None => out(pair()?),
            }
        }
        "desk_pairing_log" => out(desk::pairing_log(
            &*core.read()?,
            core.pairing(),
            args::<SinceArgs>(a)?.since.as_deref(),
        )?),
        "certificate_kinds" => out(crate::certificate::KINDS
            .iter()
            .map(|(kind, label)| json!({ "kind": kind, "label": label }))
            .collect::<Vec<_>>()),
        "certificate_eligible" => {
            let a: KindArgs = args(a)?;
            out(crate::certificate::eligible(
                &*core.read()?,
                a.forum_id,
                &a.kind,
                a.course_id,
            )?)
        }
        "certificate_public_key" => out(json!({
            "public_key": crate::certificate::signing::public_key(&core.conn())?,
        })),
        "certificate_placeholders" => out(crate::certificate::PLACEHOLDERS),
        "certificate_courses" => out(crate::certificate::courses(
            &*core.read()?,
            args::<ForumId>(a)?.forum_id,
        )?),
        "certificate_issue_start" => {
            let a: IssueArgs = args(a)?;
            // Issue now (quick, and errors are answered at once); draw the pages in the job.
            let (issued, batch) = crate::certificate::render::prepare(
                core.store(),
                a.forum_id,
                &a.kind,
                a.course_id,
                a.person_ids.as_deref(),
                &a.by,
            )?;
            let job = core.start_job("certificates", move |_, progress| {
                use base64::Engine;
                crate::state::lower_priority();
                let (file_name, bytes) =
                    crate::certificate::render::output(&batch, a.per_person, progress)?;
                out(json!({
                    "count": issued.len(),
                    "new": issued.iter().filter(|i| i.new).count(),
                    "file_name": file_name,
                    "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
                }))
            });
            out(json!({ "job_id": job }))
        }
        "certificate_template" => {
            let a: KindArgs = args(a)?;
            out(crate::certificate::template(
                &*core.read()?,
                a.forum_id,
                &a.kind,
            )?)
        }
        "certificate_template_save" => {
            let a: TemplateArgs = args(a)?;
            out(crate::certificate::save_template(
                &core.conn(),
                a.forum_id,
                &a.template,
            )?)
        }
        "certificate_preview" => {
            let a: TemplateArgs = args(a)?;
            let svg =
                crate::certificate::render::preview_draft(&*core.read()?, a.forum_id, &a.template)?;
            out(json!({ "svg": svg }))
        }
        "certificate_revoke" => {
            let a: RevokeArgs = args(a)?;
            crate::certificate::revoke(&core.conn(), &a.serial, &a.reason)?;
            out(json!({ "revoked": a.serial }))
        }
        "certificate_verify" => out(crate::certificate::verify(
            &*core.read()?,
            &args::<TextArgs>(a)?.text,
        )?),
        "badge_print_start" => {
            let a: BadgeArgs = args(a)?;
            let layout = crate::badge::Layout::parse(&a.layout)?;
            // Read now: an empty selection is answered at once, and the database is free
            // while the pages are drawn.
            let batch = crate::badge::load(&*core.read()?, a.forum_id, &a.selection)?;
            let job = core.start_job("badges", move |_, progress| {
                use base64::Engine;
                crate::state::lower_priority();
                let printed = crate::badge::render(&batch, layout, progress)?;
                out(json!({
                    "count": printed.count,
                    "pages": printed.pages,
                    "file_name": format!("بطاقات-{}.pdf", printed.count),
                    "data_base64": base64::engine::general_purpose::STANDARD.encode(printed.pdf),
                }))
            });
            out(json!({ "job_id": job }))
        }
        "qr_svg" => {
            let a: TextArgs = args(a)?;
            if a.text.len() > 1000 {
                return Err(AppError::field("text", "النص أطول من أن يوضع في رمز QR"));
            }
            out(json!({ "svg": crate::qr::svg(&a.text)? }))
        }
        other => exhibition::call(core, other, a)
            .or_else(|a| tracks::call(core, other, a))
            .unwrap_or_else(|_| Err(AppError::UnknownCommand(other.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_command_is_known_and_unknown_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(&dir.path().join("m.sqlite3")).unwrap();
        for c in COMMANDS {
            if let Err(e) = call(&core, c.name, json!({})) {
                assert_ne!(e.code(), "unknown_command", "{}", c.name);
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
