//! Who may run which command, decided here for every adapter (the window, the HTTP API, the
//! tests): the table of commands with their access, the size of the arguments they may carry
//! over the network, and the argument that records who acted.
//!
//! Invariants: a name that is not exactly one row of [`COMMANDS`] is refused (there is no
//! decoding or case folding here: the registry dispatches on the same string this table
//! decides on); a desk's own name is written into the "who" argument of its commands, whatever
//! the client sent.

use std::net::IpAddr;

use serde_json::Value;

use crate::desk::Desk;
use crate::error::{AppError, Result};

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any machine, even without a desk token: pairing itself.
    Anyone,
    /// The host and every paired desk.
    Desk,
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
    /// The argument that records who acted (`desk`, `by`): set from the desk's token for a
    /// desk, never taken from what the desk sent.
    pub who: Option<&'static str>,
}

impl Command {
    const fn new(name: &'static str, access: Access) -> Command {
        Command {
            name,
            access,
            body: Body::Small,
            who: None,
        }
    }
    const fn desk(name: &'static str) -> Command {
        Command::new(name, Access::Desk)
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
}

/// Every command, with who may run it. A command missing here cannot be run at all.
pub const COMMANDS: &[Command] = &[
    Command::desk("app_info"),
    Command::desk("forum_list"),
    Command::desk("forum_default"),
    Command::desk("hijri_date"),
    Command::desk("forum_get"),
    Command::desk("forum_create").images(),
    Command::desk("forum_update").images(),
    Command::host("forum_delete"),
    Command::desk("forum_logo"),
    Command::desk("forum_days"),
    Command::desk("demo_status"),
    Command::host("demo_load"),
    Command::host("demo_remove"),
    Command::desk("categories"),
    Command::desk("consent_text"),
    Command::desk("offices"),
    Command::desk("person_list"),
    Command::desk("people_export_xlsx"),
    Command::desk("person_get"),
    Command::desk("person_create"),
    Command::desk("person_update"),
    Command::desk("person_delete"),
    Command::desk("person_search"),
    Command::desk("desk_context"),
    Command::desk("checkin").by("desk"),
    Command::desk("checkin_undo").by("by"),
    Command::desk("checkin_stats"),
    Command::desk("import_preview").file(),
    Command::desk("person_import_start").file().by("by"),
    Command::desk("person_import_rejects_xlsx").file(),
    Command::desk("job_status"),
    Command::host("category_save"),
    Command::host("desk_list"),
    Command::host("desk_create"),
    Command::desk("desk_me"),
    Command::host("desk_new_code"),
    Command::host("desk_revoke"),
    Command::host("desk_pairing_log"),
    Command::new("desk_pair", Access::Anyone),
    Command::desk("qr_svg"),
    Command::desk("certificate_kinds"),
    Command::desk("certificate_eligible"),
    Command::desk("certificate_courses"),
    Command::desk("certificate_placeholders"),
    Command::desk("certificate_issue_start").by("by"),
    Command::desk("certificate_verify"),
    Command::desk("certificate_template"),
    Command::desk("certificate_template_save").images(),
    Command::desk("certificate_preview").images(),
    Command::desk("certificate_revoke"),
    Command::desk("badge_print_start"),
    // The exhibitions (api/exhibition.rs).
    Command::desk("entity_vocab"),
    Command::desk("entity_list"),
    Command::desk("entity_get"),
    Command::desk("entity_create").images(),
    Command::desk("entity_update").images(),
    Command::host("entity_delete"),
    Command::desk("entity_status"),
    Command::desk("entity_staff_add"),
    Command::desk("entity_staff_link"),
    Command::desk("entity_import_start").file(),
    Command::desk("entity_export_xlsx"),
    Command::desk("floor_plan"),
    Command::desk("hall_save"),
    Command::desk("zone_save"),
    Command::host("zone_delete"),
    Command::desk("booth_create"),
    Command::desk("booth_grid"),
    Command::desk("booth_update"),
    Command::host("booth_delete"),
    Command::desk("booth_assign").by("by"),
    Command::desk("booth_unassign"),
    Command::desk("where_is"),
    Command::desk("booth_signs_pdf"),
    Command::desk("floor_plan_pdf"),
    Command::desk("family_vocab"),
    Command::desk("family_list"),
    Command::desk("family_get"),
    Command::desk("family_create").images().by("by"),
    Command::desk("family_update").images(),
    Command::host("family_delete"),
    Command::desk("family_decide").by("by"),
    Command::desk("family_quotas"),
    Command::desk("family_quota_save"),
    Command::desk("family_day_sheet"),
    Command::desk("family_day_record").by("by"),
    Command::desk("family_totals"),
    Command::desk("family_sales_xlsx"),
    Command::desk("family_import_start").file().by("by"),
    // The three tracks (api/tracks.rs).
    Command::desk("track_vocab"),
    Command::desk("opportunity_list"),
    Command::desk("opportunity_get"),
    Command::desk("opportunity_waitlist"),
    Command::desk("opportunity_create"),
    Command::desk("opportunity_update"),
    Command::host("opportunity_delete"),
    Command::desk("opportunity_import_start").file(),
    Command::desk("opportunity_export_xlsx"),
    Command::desk("referral_create").by("desk"),
    Command::desk("referral_list"),
    Command::desk("referral_get"),
    Command::desk("referral_move").by("by"),
    Command::desk("booth_visitor"),
    Command::desk("outcomes_export_xlsx"),
    Command::desk("follow_up_list"),
    Command::desk("impact_report"),
    Command::desk("impact_report_xlsx"),
    Command::desk("impact_report_pdf"),
    Command::desk("forum_report"),
    Command::desk("forum_report_file"),
    Command::desk("follow_up_record").by("by"),
    Command::desk("outcomes_import_start").file().by("by"),
];

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
        (Caller::Desk { .. }, Access::Desk) => Ok(command),
        (Caller::Desk { .. }, Access::Host) => Err(AppError::Forbidden(
            "هذا الإجراء متاح على الجهاز الرئيس فقط".into(),
        )),
        (Caller::Stranger { .. }, _) => Err(AppError::DeskTokenRequired),
    }
}

/// The arguments as the command will see them: a desk's name in the "who" argument.
pub fn stamp(caller: &Caller, command: &Command, mut args: Value) -> Value {
    if let (Caller::Desk { desk, .. }, Some(field)) = (caller, command.who) {
        if args.is_null() {
            args = Value::Object(Default::default());
        }
        if let Value::Object(map) = &mut args {
            map.insert(field.to_string(), Value::String(desk.name.clone()));
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk() -> Caller {
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
                entity_id: None,
                entity_name: None,
                forum_id: None,
            }),
            addr: "10.0.0.7".parse().unwrap(),
        }
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
    fn desks_are_refused_host_commands_and_strangers_may_only_pair() {
        let stranger = Caller::Stranger {
            addr: "10.0.0.9".parse().unwrap(),
        };
        for c in COMMANDS {
            let as_desk = authorize(&desk(), c.name);
            let as_stranger = authorize(&stranger, c.name);
            assert!(authorize(&Caller::Host, c.name).is_ok());
            match c.access {
                Access::Host => {
                    assert_eq!(as_desk.unwrap_err().code(), "forbidden", "{}", c.name)
                }
                Access::Desk => assert!(as_desk.is_ok()),
                Access::Anyone => assert!(as_desk.is_ok() && as_stranger.is_ok()),
            }
            if c.access != Access::Anyone {
                assert_eq!(as_stranger.unwrap_err().code(), "desk_token_required");
            }
        }
        assert_eq!(
            authorize(&desk(), "demo%5Fremove").unwrap_err().code(),
            "unknown_command"
        );
    }

    #[test]
    fn a_desk_is_recorded_by_its_own_name() {
        let checkin = command("checkin").unwrap();
        let a = stamp(
            &desk(),
            checkin,
            serde_json::json!({ "code": "X", "desk": "الجهاز الرئيس" }),
        );
        assert_eq!(a["desk"], "منصة 2");
        assert_eq!(a["code"], "X");
        let a = stamp(&desk(), command("family_decide").unwrap(), Value::Null);
        assert_eq!(a["by"], "منصة 2");
        // The host names itself.
        let a = stamp(
            &Caller::Host,
            checkin,
            serde_json::json!({ "desk": "منصة 1" }),
        );
        assert_eq!(a["desk"], "منصة 1");
    }
}
