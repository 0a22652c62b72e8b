//! Who may run which command, decided here for every adapter (the window, the HTTP API, the
//! tests): the table of commands with the roles that may run them, the size of the arguments
//! they may carry over the network, the argument that records who acted, and the argument a
//! booth device's entity is written into.
//!
//! Roles: the host (its window, its CLI, a browser on it) is the admin and runs everything; a
//! paired device has the role it was paired with — a check-in desk (search, check-in, walk-in,
//! the badge of the person in front of it), a booth of one entity (its booth screen and
//! referrals), an exhibition desk (the families' presence and sales), or the committee
//! (everything but what is the host's alone).
//!
//! Invariants: a name that is not exactly one row of [`COMMANDS`] is refused (there is no
//! decoding or case folding here: the registry dispatches on the same string this table
//! decides on); a refused command runs nothing; a desk's own name is written into the "who"
//! argument of its commands, and a booth's own entity into the entity argument, whatever the
//! client sent; devices other than the committee's see national IDs and mobiles masked.

use std::net::IpAddr;

use serde_json::Value;

use crate::account::Account;
use crate::desk::Desk;
use crate::error::{AppError, Result};

/// The role of a paired device, as a bit of a [`Access::Roles`] set.
pub mod role {
    pub const CHECKIN: u8 = 1;
    pub const BOOTH: u8 = 2;
    pub const EXHIBITION: u8 = 4;
    pub const COMMITTEE: u8 = 8;
    pub const ALL: u8 = CHECKIN | BOOTH | EXHIBITION | COMMITTEE;

    /// The bit of a role's code (`checkin` …), none for an unknown one.
    pub fn bit(code: &str) -> u8 {
        match code {
            "checkin" => CHECKIN,
            "booth" => BOOTH,
            "exhibition" => EXHIBITION,
            "committee" => COMMITTEE,
            _ => 0,
        }
    }
}

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any machine, even without a desk token: pairing itself.
    Anyone,
    /// The host and paired devices of these roles ([`role`] bits).
    Roles(u8),
    /// The host machine only (its window, its CLI, a browser on it).
    Host,
}

/// How large a command's arguments may be when they come over the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Forms and look-ups.
    Small,
    /// Forms that carry images (logos, photos, a certificate background).
    Images,
    /// A spreadsheet to import (or its rejected rows to save).
    File,
}

impl Body {
    /// The most bytes a request body of this class may have (JSON with base64 inside).
    pub fn limit(self) -> usize {
        match self {
            Body::Small => 1024 * 1024,
            // Four photos of up to 2 MB each, in base64, with the form.
            Body::Images => 12 * 1024 * 1024,
            // A file of MAX_FILE_BYTES in base64 (4/3) with the mapping.
            Body::File => MAX_FILE_BYTES / 3 * 4 + 1024 * 1024,
        }
    }

    /// What to tell the user when a body is past the limit.
    pub fn too_large(self) -> AppError {
        AppError::TooLarge(match self {
            Body::Small => "الطلب أكبر من الحد المسموح (1 ميغابايت)".to_string(),
            Body::Images => {
                "الصور المرسلة أكبر من الحد المسموح (2 ميغابايت لكل صورة)؛ اختر صورًا أصغر"
                    .to_string()
            }
            Body::File => too_large_file(None),
        })
    }
}

/// The largest spreadsheet that can be imported (from a desk's browser, the window or the CLI).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The Arabic reason a file past [`MAX_FILE_BYTES`] is refused (with its size when known).
pub fn too_large_file(size: Option<usize>) -> String {
    let mb = |n: usize| format!("{:.1}", n as f64 / (1024.0 * 1024.0));
    match size {
        Some(n) => format!(
            "حجم الملف {} ميغابايت، والحد الأقصى للاستيراد {} ميغابايت؛ قسّم الملف إلى ملفات أصغر",
            mb(n),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
        None => format!(
            "الملف أكبر من الحد الأقصى للاستيراد ({} ميغابايت)؛ قسّم الملف إلى ملفات أصغر",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    }
}

/// One command of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    pub access: Access,
    pub body: Body,
    /// The argument that records who acted (`by`): the signed-in member's name, else a
    /// desk's own name from its token — never what a desk sent.
    pub who: Option<&'static str>,
    /// The argument that records the device it was done at (`desk`): a desk's own name.
    pub at: Option<&'static str>,
    /// It runs before anyone signs in (what the sign-in screen itself needs).
    pub open: bool,
    /// The argument that names the entity: a booth device's own entity is written into it.
    pub entity: Option<&'static str>,
    /// It changes data: each run is appended to the audit trail (see [`crate::audit`]).
    pub writes: bool,
    /// Settings, pairing, deletion, demo removal: behind the admin password when the host is
    /// locked (see [`crate::admin`]).
    pub admin: bool,
}

impl Command {
    const fn new(name: &'static str, access: Access) -> Command {
        Command {
            name,
            access,
            body: Body::Small,
            who: None,
            at: None,
            open: false,
            entity: None,
            writes: false,
            admin: false,
        }
    }
    const fn admin(mut self) -> Command {
        self.admin = true;
        self
    }
    const fn writes(mut self) -> Command {
        self.writes = true;
        self
    }
    /// The host and the committee's devices.
    const fn committee(name: &'static str) -> Command {
        Command::new(name, Access::Roles(role::COMMITTEE))
    }
    /// The host and the devices of `roles` besides the committee's.
    const fn also(mut self, roles: u8) -> Command {
        if let Access::Roles(r) = self.access {
            self.access = Access::Roles(r | roles);
        }
        self
    }
    const fn entity(mut self, field: &'static str) -> Command {
        self.entity = Some(field);
        self
    }
    const fn host(name: &'static str) -> Command {
        Command::new(name, Access::Host)
    }
    const fn images(mut self) -> Command {
        self.body = Body::Images;
        self
    }
    const fn file(mut self) -> Command {
        self.body = Body::File;
        self
    }
    const fn by(mut self, field: &'static str) -> Command {
        self.who = Some(field);
        self
    }
    const fn at(mut self, field: &'static str) -> Command {
        self.at = Some(field);
        self
    }
    const fn open(mut self) -> Command {
        self.open = true;
        self
    }
}

/// Every command, with who may run it. A command missing here cannot be run at all.
pub const COMMANDS: &[Command] = &[
    Command::committee("app_info").also(ALL).open(),
    Command::committee("forum_list").also(ALL),
    Command::committee("forum_default").also(ALL),
    Command::committee("hijri_date").also(ALL),
    Command::committee("forum_get").also(ALL),
    Command::committee("forum_create").images().writes(),
    Command::committee("forum_update").images().writes(),
    Command::host("forum_delete").writes().admin(),
    Command::committee("forum_logo").also(ALL),
    Command::committee("forum_days").also(ALL),
    Command::committee("demo_status"),
    Command::host("demo_load").writes().admin(),
    Command::host("demo_remove").writes().admin(),
    Command::host("admin_status"),
    Command::host("admin_unlock"),
    Command::host("admin_lock"),
    Command::host("admin_password_set").writes(),
    Command::committee("account_me").also(ALL).open(),
    Command::committee("account_sign_in").also(ALL).open(),
    Command::committee("account_sign_out").also(ALL).open(),
    Command::committee("account_password_change")
        .also(ALL)
        .writes(),
    Command::host("account_list"),
    Command::host("account_create").writes().admin(),
    Command::host("account_update").writes().admin(),
    Command::host("account_password_reset").writes().admin(),
    Command::host("backup_list"),
    Command::committee("retention_status"),
    Command::host("retention_erase").writes().admin(),
    Command::host("audit_list"),
    Command::host("audit_verify"),
    Command::host("audit_export_xlsx"),
    Command::host("logs_info"),
    Command::host("logs_zip"),
    Command::host("backup_now"),
    Command::host("backup_restore").writes().admin(),
    Command::host("backup_mirror_set").writes().admin(),
    Command::committee("categories").also(ALL),
    Command::committee("consent_text").also(CHECKIN),
    Command::committee("offices"),
    Command::committee("person_list"),
    Command::committee("people_export_xlsx"),
    Command::committee("person_get"),
    Command::committee("person_create").also(CHECKIN).writes(),
    Command::committee("person_update").writes(),
    Command::committee("person_delete").writes(),
    Command::committee("person_search").also(CHECKIN | BOOTH),
    Command::committee("desk_context").also(ALL),
    Command::committee("checkin")
        .also(CHECKIN)
        .at("desk")
        .writes(),
    Command::committee("checkin_undo")
        .also(CHECKIN)
        .by("by")
        .writes(),
    Command::committee("checkin_stats").also(CHECKIN),
    Command::committee("import_preview").file(),
    Command::committee("person_import_start")
        .file()
        .by("by")
        .writes(),
    Command::committee("person_import_rejects_xlsx").file(),
    Command::committee("person_imports"),
    Command::committee("job_status").also(ALL),
    Command::host("category_save").writes().admin(),
    Command::host("desk_list"),
    Command::host("desk_create").writes().admin(),
    Command::committee("desk_me").also(ALL).open(),
    Command::host("desk_new_code").writes().admin(),
    Command::host("desk_revoke").writes().admin(),
    Command::host("desk_pairing_log"),
    Command::new("desk_pair", Access::Anyone).open().writes(),
    Command::committee("qr_svg").also(ALL),
    Command::committee("certificate_kinds"),
    Command::committee("certificate_eligible"),
    Command::committee("certificate_courses"),
    Command::committee("certificate_placeholders"),
    Command::committee("certificate_public_key"),
    Command::committee("certificate_issue_start")
        .by("by")
        .writes(),
    Command::committee("certificate_verify"),
    Command::committee("certificate_template"),
    Command::committee("certificate_template_save")
        .images()
        .writes(),
    Command::committee("certificate_preview").images(),
    Command::committee("certificate_revoke").writes(),
    Command::committee("badge_print_start").also(CHECKIN),
    // The exhibitions (api/exhibition.rs).
    Command::committee("entity_vocab").also(BOOTH | EXHIBITION),
    Command::committee("entity_list").also(BOOTH | EXHIBITION),
    Command::committee("entity_get"),
    Command::committee("entity_create").images().writes(),
    Command::committee("entity_update").images().writes(),
    Command::host("entity_delete").writes().admin(),
    Command::committee("entity_status").writes(),
    Command::committee("entity_staff_add").writes(),
    Command::committee("entity_staff_link").writes(),
    Command::committee("entity_import_start").file().writes(),
    Command::committee("entity_export_xlsx"),
    Command::committee("floor_plan").also(EXHIBITION),
    Command::committee("hall_save").writes(),
    Command::committee("zone_save").writes(),
    Command::host("zone_delete").writes().admin(),
    Command::committee("booth_create").writes(),
    Command::committee("booth_grid").writes(),
    Command::committee("booth_update").writes(),
    Command::host("booth_delete").writes().admin(),
    Command::committee("booth_assign").by("by").writes(),
    Command::committee("booth_unassign").writes(),
    Command::committee("where_is").also(EXHIBITION | CHECKIN),
    Command::committee("booth_signs_pdf"),
    Command::committee("floor_plan_pdf"),
    Command::committee("family_vocab").also(EXHIBITION),
    Command::committee("family_list").also(EXHIBITION),
    Command::committee("family_get").also(EXHIBITION),
    Command::committee("family_create")
        .images()
        .by("by")
        .writes(),
    Command::committee("family_update").images().writes(),
    Command::host("family_delete").writes().admin(),
    Command::committee("family_decide").by("by").writes(),
    Command::committee("family_quotas").also(EXHIBITION),
    Command::committee("family_quota_save").writes(),
    Command::committee("family_day_sheet").also(EXHIBITION),
    Command::committee("family_day_record")
        .also(EXHIBITION)
        .by("by")
        .writes(),
    Command::committee("family_totals").also(EXHIBITION),
    Command::committee("family_sales_xlsx"),
    Command::committee("family_import_start")
        .file()
        .by("by")
        .writes(),
    // The three tracks (api/tracks.rs).
    Command::committee("track_vocab").also(BOOTH),
    Command::committee("opportunity_list"),
    Command::committee("opportunity_get"),
    Command::committee("opportunity_waitlist"),
    Command::committee("opportunity_create").writes(),
    Command::committee("opportunity_update").writes(),
    Command::host("opportunity_delete").writes().admin(),
    Command::committee("opportunity_import_start")
        .file()
        .writes(),
    Command::committee("opportunity_export_xlsx"),
    Command::committee("referral_create")
        .also(BOOTH)
        .at("desk")
        .entity("entity_id")
        .writes(),
    Command::committee("referral_list"),
    Command::committee("referral_get"),
    Command::committee("referral_move").by("by").writes(),
    Command::committee("booth_visitor")
        .also(BOOTH)
        .entity("entity_id"),
    Command::committee("outcomes_export_xlsx"),
    Command::committee("follow_up_list"),
    Command::committee("impact_report"),
    Command::committee("impact_report_xlsx"),
    Command::committee("impact_report_pdf"),
    Command::committee("forum_report"),
    Command::committee("forum_report_file"),
    Command::committee("follow_up_record").by("by").writes(),
    Command::committee("outcomes_import_start")
        .file()
        .by("by")
        .writes(),
];

use role::{ALL, BOOTH, CHECKIN, EXHIBITION};

/// The command of exactly this name.
pub fn command(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Caller {
    /// This machine: the window, the CLI, a browser on loopback.
    Host,
    /// A paired desk, known by its token.
    Desk { desk: Box<Desk>, addr: IpAddr },
    /// Another machine without a valid desk token: it may only pair.
    Stranger { addr: IpAddr },
}

impl Caller {
    /// The network address a request came from (`None` for the host itself).
    pub fn addr(&self) -> Option<IpAddr> {
        match self {
            Caller::Host => None,
            Caller::Desk { addr, .. } | Caller::Stranger { addr } => Some(*addr),
        }
    }
}

/// May `caller` run the command called `name`? The command's row when yes; the error to
/// answer (nothing run, nothing changed) when not.
pub fn authorize(caller: &Caller, name: &str) -> Result<&'static Command> {
    let command = command(name).ok_or_else(|| AppError::UnknownCommand(name.to_string()))?;
    match (caller, command.access) {
        (Caller::Host, _) | (_, Access::Anyone) => Ok(command),
        (Caller::Desk { desk, .. }, Access::Roles(roles)) => {
            if roles & role::bit(&desk.role) != 0 {
                Ok(command)
            } else {
                Err(AppError::Forbidden(format!(
                    "هذا الإجراء غير متاح لجهاز بدور «{}»؛ يتاح لأجهزة اللجنة المنظمة وللجهاز الرئيس",
                    desk.role_label
                )))
            }
        }
        (Caller::Desk { .. }, Access::Host) => Err(AppError::Forbidden(
            "هذا الإجراء متاح على الجهاز الرئيس فقط".into(),
        )),
        (Caller::Stranger { .. }, _) => Err(AppError::DeskTokenRequired),
    }
}

/// The commands `caller` (and the member signed in there) may run, for a screen to offer
/// only those.
pub fn allowed(caller: &Caller, account: Option<&Account>) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .filter(|c| authorize(caller, c.name).is_ok())
        .filter(|c| account.is_none_or(|a| authorize_account(a, c).is_ok()))
        .map(|c| c.name)
        .collect()
}

/// May the signed-in `account` run `command`? What both the device (see [`authorize`]) and the
/// account allow is allowed: an admin account anything, a committee member what a committee
/// device may and, on the host, the host's own screens except what the admin lock holds;
/// volunteers their role's rows.
pub fn authorize_account(account: &Account, command: &Command) -> Result<()> {
    let ok = match (account.role.as_str(), command.access) {
        (_, Access::Anyone) | ("admin", _) => true,
        (role, Access::Roles(roles)) => roles & role::bit(role) != 0,
        ("committee", Access::Host) => !command.admin,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "هذا الإجراء غير متاح لحساب بدور «{}»؛ اطلبه من مشرف البرنامج",
            account.role_label
        )))
    }
}

/// Does `caller` sign in once accounts are in use? The host and the committee's devices do;
/// check-in, booth and exhibition desks may (volunteers often have no account).
pub fn signs_in(caller: &Caller) -> bool {
    match caller {
        Caller::Host => true,
        Caller::Desk { desk, .. } => desk.role == "committee",
        Caller::Stranger { .. } => false,
    }
}

/// The arguments as the command will see them: the signed-in member's name (else a desk's own
/// name) in the "who" argument, a desk's name in the "at" argument, a booth's own entity in the
/// entity argument (a booth without one is refused).
pub fn stamp(
    caller: &Caller,
    account: Option<&Account>,
    command: &Command,
    mut args: Value,
) -> Result<Value> {
    let desk = match caller {
        Caller::Desk { desk, .. } => Some(desk),
        _ => None,
    };
    if desk.is_none() && account.is_none() {
        return Ok(args);
    }
    if args.is_null() {
        args = Value::Object(Default::default());
    }
    if let Value::Object(map) = &mut args {
        let person = account
            .map(|a| a.display_name.clone())
            .or_else(|| desk.map(|d| d.name.clone()));
        if let (Some(field), Some(person)) = (command.who, person) {
            map.insert(field.to_string(), Value::String(person));
        }
        if let (Some(field), Some(desk)) = (command.at, desk) {
            map.insert(field.to_string(), Value::String(desk.name.clone()));
        }
        if let (Some(field), Some(desk)) = (command.entity, desk) {
            if desk.role == "booth" {
                let entity = desk.entity_id.ok_or_else(|| {
                    AppError::Forbidden(
                        "جهاز الركن غير مرتبط بجهة؛ أعد اقترانه من الجهاز الرئيس".into(),
                    )
                })?;
                map.insert(field.to_string(), Value::from(entity));
            }
        }
    }
    Ok(args)
}

/// Who acted, as the audit trail records it: the member signed in, and the device.
pub fn who(caller: &Caller, account: Option<&Account>) -> String {
    let device = match caller {
        Caller::Host => "الجهاز الرئيس".to_string(),
        Caller::Desk { desk, .. } => format!("{} ({})", desk.name, desk.role_label),
        Caller::Stranger { addr } => format!("جهاز غير مقترن ({addr})"),
    };
    match account {
        Some(a) => format!("{} ({}) — {device}", a.display_name, a.role_label),
        None => device,
    }
}

/// Who asked, as the app's log records it: the device, never a person's name (a member by the
/// number of their account).
pub fn log_label(caller: &Caller, account: Option<&Account>) -> String {
    let device = match caller {
        Caller::Host => "host".to_string(),
        Caller::Desk { desk, addr } => {
            format!("desk#{} «{}» {} {addr}", desk.id, desk.name, desk.role)
        }
        Caller::Stranger { addr } => format!("unpaired {addr}"),
    };
    match account {
        Some(a) => format!("{device} account#{}", a.id),
        None => device,
    }
}

/// Whether `caller` sees personal numbers whole: the host and the committee's devices do.
pub fn sees_personal_numbers(caller: &Caller) -> bool {
    match caller {
        Caller::Host => true,
        Caller::Desk { desk, .. } => desk.role == "committee",
        Caller::Stranger { .. } => false,
    }
}

/// The fields holding national IDs and mobile numbers, wherever they are in an answer.
const PERSONAL_NUMBERS: &[&str] = &["national_id", "mobile"];

/// An answer as `caller` may see it: national IDs and mobiles masked to their last four digits
/// for devices other than the committee's.
pub fn shape(caller: &Caller, mut out: Value) -> Value {
    if !sees_personal_numbers(caller) {
        mask(&mut out);
    }
    out
}

fn mask(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                match x {
                    Value::String(s) if PERSONAL_NUMBERS.contains(&k.as_str()) => {
                        let n = s.chars().count();
                        let tail: String = s.chars().skip(n.saturating_sub(4)).collect();
                        *s = format!("{}{tail}", "•".repeat(n.saturating_sub(4).min(6)));
                    }
                    other => mask(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk_as(role: &str) -> Caller {
        Caller::Desk {
            desk: Box::new(Desk {
                id: 1,
                name: "منصة 2".into(),
                pairing_code: None,
                pairing_expires: None,
                paired: true,
                revoked: false,
                last_seen_at: None,
                paired_at: None,
                paired_from: None,
                role: role.into(),
                role_label: crate::desk::role_label(role).into(),
                entity_id: (role == "booth").then_some(7),
                entity_name: None,
                forum_id: None,
            }),
            addr: "10.0.0.7".parse().unwrap(),
        }
    }

    fn desk() -> Caller {
        desk_as("committee")
    }

    #[test]
    fn names_are_exact_and_unique() {
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(
                c.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                c.name
            );
            assert!(
                COMMANDS[i + 1..].iter().all(|d| d.name != c.name),
                "{} twice",
                c.name
            );
        }
        assert!(command("demo_remove").is_some());
        for near in [
            "demo%5Fremove",
            "DEMO_REMOVE",
            "demo_remove ",
            "demo_remove/",
            "",
        ] {
            assert!(command(near).is_none(), "{near:?}");
        }
    }

    #[test]
    fn every_role_runs_exactly_its_rows_and_strangers_may_only_pair() {
        let stranger = Caller::Stranger {
            addr: "10.0.0.9".parse().unwrap(),
        };
        for (code, _) in crate::desk::ROLES {
            let caller = desk_as(code);
            let bit = role::bit(code);
            assert_ne!(bit, 0, "{code} has a bit");
            for c in COMMANDS {
                let got = authorize(&caller, c.name);
                let want = match c.access {
                    Access::Anyone => true,
                    Access::Roles(r) => r & bit != 0,
                    Access::Host => false,
                };
                assert_eq!(got.is_ok(), want, "{code} × {}", c.name);
                if let Err(e) = got {
                    assert_eq!(e.code(), "forbidden", "{code} × {}", c.name);
                    assert!(!e.to_string().is_empty());
                }
                assert!(authorize(&Caller::Host, c.name).is_ok());
                if c.access != Access::Anyone {
                    assert_eq!(
                        authorize(&stranger, c.name).unwrap_err().code(),
                        "desk_token_required"
                    );
                }
            }
        }
        // The roles' shape: a check-in desk checks in and registers walk-ins but lists and
        // exports nobody; a booth refers; the exhibition records sales; the committee does all
        // but the host's own.
        let can = |role: &str, name: &str| authorize(&desk_as(role), name).is_ok();
        assert!(can("checkin", "checkin") && can("checkin", "person_create"));
        assert!(!can("checkin", "person_list") && !can("checkin", "people_export_xlsx"));
        assert!(can("booth", "booth_visitor") && can("booth", "referral_create"));
        assert!(!can("booth", "checkin") && !can("booth", "referral_move"));
        assert!(can("exhibition", "family_day_record") && !can("exhibition", "family_decide"));
        assert!(can("committee", "person_list") && !can("committee", "demo_remove"));
        assert_eq!(
            authorize(&desk(), "demo%5Fremove").unwrap_err().code(),
            "unknown_command"
        );
    }

    #[test]
    fn a_desk_is_recorded_by_its_own_name_and_a_booth_by_its_own_entity() {
        let checkin = command("checkin").unwrap();
        let a = stamp(
            &desk(),
            None,
            checkin,
            serde_json::json!({ "code": "X", "desk": "الجهاز الرئيس" }),
        )
        .unwrap();
        assert_eq!(a["desk"], "منصة 2");
        assert_eq!(a["code"], "X");
        let a = stamp(
            &desk(),
            None,
            command("family_decide").unwrap(),
            Value::Null,
        )
        .unwrap();
        assert_eq!(a["by"], "منصة 2");
        // The host names itself.
        let a = stamp(
            &Caller::Host,
            None,
            checkin,
            serde_json::json!({ "desk": "منصة 1" }),
        )
        .unwrap();
        assert_eq!(a["desk"], "منصة 1");
        // A booth refers for its own entity, whatever it sends.
        let a = stamp(
            &desk_as("booth"),
            None,
            command("referral_create").unwrap(),
            serde_json::json!({ "entity_id": 99, "opportunity_ids": [1] }),
        )
        .unwrap();
        assert_eq!(a["entity_id"], 7);
        // The committee's device is not limited to an entity.
        let a = stamp(
            &desk(),
            None,
            command("booth_visitor").unwrap(),
            serde_json::json!({ "entity_id": 3 }),
        )
        .unwrap();
        assert_eq!(a["entity_id"], 3);
    }

    fn account(role: &str) -> Account {
        Account {
            id: 4,
            username: "sara".into(),
            display_name: "سارة الحربي".into(),
            role: role.into(),
            role_label: crate::account::role_label(role).into(),
            active: true,
            created_at: String::new(),
            last_sign_in_at: None,
        }
    }

    #[test]
    fn an_account_runs_what_its_role_allows_and_is_recorded_by_name() {
        for (code, _) in crate::account::ROLES {
            let a = account(code);
            for c in COMMANDS {
                let want = match (*code, c.access) {
                    (_, Access::Anyone) | ("admin", _) => true,
                    ("committee", Access::Host) => !c.admin,
                    (_, Access::Host) => false,
                    (r, Access::Roles(bits)) => bits & role::bit(r) != 0,
                };
                assert_eq!(
                    authorize_account(&a, c).is_ok(),
                    want,
                    "{code} × {}",
                    c.name
                );
            }
        }
        let can = |role: &str, name: &str| {
            authorize_account(&account(role), command(name).unwrap()).is_ok()
        };
        assert!(can("admin", "demo_remove") && can("admin", "account_create"));
        assert!(can("committee", "audit_list") && !can("committee", "account_create"));
        assert!(!can("committee", "demo_remove"));
        assert!(can("checkin", "checkin") && !can("checkin", "person_list"));
        assert!(can("exhibition", "family_day_record") && !can("exhibition", "checkin"));
        // Who: the member's name in "by", the device's in "at" and beside the name.
        let a = account("committee");
        let args = stamp(
            &desk(),
            Some(&a),
            command("family_decide").unwrap(),
            serde_json::json!({"by": "x"}),
        )
        .unwrap();
        assert_eq!(args["by"], "سارة الحربي");
        let args = stamp(
            &desk(),
            Some(&a),
            command("checkin").unwrap(),
            serde_json::json!({"desk": "x"}),
        )
        .unwrap();
        assert_eq!(args["desk"], "منصة 2");
        let args = stamp(
            &Caller::Host,
            Some(&a),
            command("referral_move").unwrap(),
            Value::Null,
        )
        .unwrap();
        assert_eq!(args["by"], "سارة الحربي");
        assert_eq!(
            who(&desk(), Some(&a)),
            "سارة الحربي (عضو اللجنة المنظمة) — منصة 2 (جهاز اللجنة المنظمة)"
        );
        assert_eq!(who(&Caller::Host, None), "الجهاز الرئيس");
        assert!(signs_in(&Caller::Host) && signs_in(&desk()) && !signs_in(&desk_as("checkin")));
    }

    #[test]
    fn devices_other_than_the_committee_s_see_personal_numbers_masked() {
        let answer = serde_json::json!({
            "people": [{ "full_name": "سارة علي", "national_id": "1098765432", "mobile": "0551234567" }],
            "person": { "mobile": null, "badge_code": "K7M4QX2" }
        });
        let seen = shape(&desk_as("checkin"), answer.clone());
        assert_eq!(seen["people"][0]["national_id"], "••••••5432");
        assert_eq!(seen["people"][0]["mobile"], "••••••4567");
        assert_eq!(seen["people"][0]["full_name"], "سارة علي");
        assert_eq!(seen["person"]["badge_code"], "K7M4QX2");
        assert!(seen["person"]["mobile"].is_null());
        for whole in [desk(), Caller::Host] {
            assert_eq!(shape(&whole, answer.clone()), answer);
        }
    }
}
