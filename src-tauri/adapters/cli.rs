//! The command line: `multaqa` (no arguments) opens the window; subcommands run headless and
//! print JSON for scripts.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{AppError, Result};
use crate::state::{default_db_path, Core};
use crate::{checkin, demo, entity, family, floor, forum, person};

#[derive(Parser, Debug)]
#[command(
    name = "multaqa",
    version,
    about = "ملتقى — إدارة ملتقى التمكين الاجتماعي"
)]
pub struct Cli {
    /// The SQLite database file (default: the OS app-data folder).
    #[arg(long, global = true, env = "MULTAQA_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the UI and the HTTP API (loopback only, unless --lan).
    Serve {
        /// Address to listen on (default 127.0.0.1:8470, or 0.0.0.0:8470 with --lan).
        #[arg(long)]
        bind: Option<SocketAddr>,
        /// Open to the venue network: desks on other machines pair with a code and need a token.
        #[arg(long)]
        lan: bool,
    },
    /// Load the demo forum into the database (idempotent); `--remove` deletes demo data.
    Demo {
        #[arg(long)]
        remove: bool,
    },
    /// Forums (editions).
    Forum {
        #[command(subcommand)]
        action: ForumAction,
    },
    /// Find people by any part of the name, ID, mobile or badge code (JSON lines).
    Search {
        query: String,
        #[arg(long)]
        forum: i64,
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
    /// The forum's imports of people, latest first, one JSON line each: the file, the state
    /// (running, done, failed, interrupted), the rows written and the counts.
    Imports {
        #[arg(long)]
        forum: i64,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Import from a spreadsheet (.xlsx or .csv). Prints a JSON summary; each rejected row goes
    /// to stderr as a JSON line with its row number and reason.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Issue (or re-use) and print certificates of a kind: one merged PDF (--out), or one PDF
    /// per person in a folder (--out-dir). Prints a JSON summary.
    Certificates {
        #[arg(long)]
        forum: i64,
        /// attendance, appreciation_volunteer, appreciation_entity, appreciation_sponsor, course
        #[arg(long, default_value = "attendance")]
        kind: String,
        /// For `--kind course`: the course (its opportunity ID); everyone who completed it.
        #[arg(long)]
        course: Option<i64>,
        #[arg(long, required_unless_present = "out_dir", conflicts_with = "out_dir")]
        out: Option<PathBuf>,
        #[arg(long)]
        out_dir: Option<PathBuf>,
    },
    /// Print badges (name, category band, forum, QR of the badge code) as one PDF; prints a
    /// JSON summary. Everyone, or one category, or chosen people.
    Badges {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
        /// Only this category (its code, e.g. beneficiary, volunteer).
        #[arg(long)]
        category: Option<String>,
        /// Only these people (IDs, comma-separated).
        #[arg(long, value_delimiter = ',')]
        ids: Vec<i64>,
        /// a6 (one badge per A6 page) or a4 (four per A4 page, with cut marks).
        #[arg(long, default_value = "a6")]
        layout: String,
    },
    /// Tell whether a certificate is genuine, revoked or forged, from its serial or QR text.
    /// With `--public-key` (what the committee gives employers): checked with that key alone,
    /// no database needed (revocation is not known then).
    Verify {
        text: String,
        /// The key is base64url, so it may begin with «-».
        #[arg(long, allow_hyphen_values = true)]
        public_key: Option<String>,
    },
    /// The public key that verifies this installation's certificates (to give verifiers).
    CertificateKey,
    /// Erases a forum's personal data once its follow-up window has passed (every figure
    /// stays); export what you need first (people export). Prints a JSON summary.
    ErasePersonal {
        #[arg(long)]
        forum: i64,
    },
    /// Write the PDF engine's proof sheet (shaped Arabic, tashkeel, mixed text, fitted names, QR).
    PdfSpecimen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Benchmarks; print a JSON line of figures.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Enabling entities (الجهات الممكنة): list, import, export.
    Entities {
        #[command(subcommand)]
        action: EntitiesAction,
    },
    /// Booths on the floor plan: list, print signs, print the plan.
    Booths {
        #[command(subcommand)]
        action: BoothsAction,
    },
    /// A consistent copy of the database (SQLite's own, safe while desks work) to FILE.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Replaces the database with a backup, after checking its integrity and schema version
    /// and backing up what it replaces (through SQLite: safe while the app runs).
    Restore { file: PathBuf },
    /// The audit trail: list it, verify its chain (exits non-zero when it was edited), export it.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Committee members' accounts: add one, list them, set a password, disable or enable one.
    /// Passwords are read from the first line of standard input, never from the command line.
    Account {
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Paired devices (registration desks, booths, the exhibition, the committee's laptops).
    Desk {
        #[command(subcommand)]
        action: DeskAction,
    },
    /// People (الزوار): the attendee lists as .xlsx.
    People {
        #[command(subcommand)]
        action: PeopleAction,
    },
    /// Productive families (الأسر المنتجة): list, import applications, export sales.
    Families {
        #[command(subcommand)]
        action: FamiliesAction,
    },
    /// Opportunities of the three tracks (courses, jobs, support): list, import, export.
    Opportunities {
        #[command(subcommand)]
        action: OpportunitiesAction,
    },
    /// Refer a person (badge code) to an opportunity; prints the referral as JSON (a second
    /// call says it already exists and keeps the one referral).
    Refer {
        code: String,
        #[arg(long)]
        opportunity: i64,
        #[arg(long, default_value = "سطر الأوامر")]
        desk: String,
        /// 1 to 5.
        #[arg(long)]
        rating: Option<i64>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Outcomes filled in by entities: export an entity's sheet, import it back.
    Outcomes {
        #[command(subcommand)]
        action: OutcomesAction,
    },
    /// Reports: the families-empowered report.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
    },
    /// Referrals: list.
    Referrals {
        #[command(subcommand)]
        action: ReferralsAction,
    },
    /// Check a person in by badge code; prints the result as JSON.
    Checkin {
        code: String,
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        day: u32,
        #[arg(long, default_value = "سطر الأوامر")]
        desk: String,
        /// Reuse a UUID to make a retry idempotent.
        #[arg(long)]
        uuid: Option<String>,
        /// When it was scanned (RFC 3339), for a scan sent late; kept within the forum day.
        #[arg(long)]
        scanned_at: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PeopleAction {
    /// Everyone registered (categories, needs, days attended), each day's attendance and who did
    /// not come, as one .xlsx; `--day N`: only that day's attendance; `--absent`: only who did
    /// not come (at all, or on `--day N`). Prints a JSON summary of the rows per sheet.
    Export {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        day: Option<u32>,
        #[arg(long)]
        absent: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// People (attendees); columns are recognised from Arabic or English headers.
    People {
        file: PathBuf,
        #[arg(long)]
        forum: i64,
        /// Also write the rejected rows, with their reasons, to this .xlsx.
        #[arg(long)]
        rejects: Option<PathBuf>,
        /// The category of rows without one (a code such as beneficiary, or its Arabic name).
        #[arg(long)]
        category: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum EntitiesAction {
    /// Every entity of the forum as one JSON line.
    List {
        #[arg(long)]
        forum: i64,
    },
    /// Import from .xlsx/.csv; prints a JSON summary, rejected rows go to stderr.
    Import {
        file: PathBuf,
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
    /// Write the forum's entities to an .xlsx.
    Export {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum OpportunitiesAction {
    /// Every opportunity of the forum as one JSON line.
    List {
        #[arg(long)]
        forum: i64,
        /// training, job or support.
        #[arg(long)]
        track: Option<String>,
    },
    /// Import from .xlsx/.csv; prints a JSON summary, rejected rows go to stderr.
    Import {
        file: PathBuf,
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
    /// Write the forum's opportunities to an .xlsx.
    Export {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        track: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum OutcomesAction {
    /// The entity's referrals as the .xlsx it fills in (contact details only with consent).
    Export {
        #[arg(long)]
        entity: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Apply a filled sheet; prints a JSON summary, rejected rows go to stderr.
    Import {
        file: PathBuf,
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportWhat {
    /// The forum's final report (التقرير الختامي) as JSON; `--out F.pdf` or `--out F.xlsx` also
    /// writes it to a file.
    Forum {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The families-empowered report as JSON (`families_empowered`, `people_empowered`,
    /// `by_track`, `by_office`, …); `--out F.pdf` or `--out F.xlsx` also writes it to a file.
    Impact {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Count a hire or a funding only if still so at the 90-day follow-up.
        #[arg(long)]
        require_90_days: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReferralsAction {
    /// Every referral of the forum as one JSON line, newest first.
    List {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        state: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum BoothsAction {
    /// Every booth of the forum (code, zone, position, occupant) as one JSON line.
    List {
        #[arg(long)]
        forum: i64,
    },
    /// A4 landscape signs for the occupied booths, one PDF.
    Signs {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// The floor plan with its legend as a PDF.
    Plan {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum FamiliesAction {
    /// Every family application as one JSON line (optionally of one status).
    List {
        #[arg(long)]
        forum: i64,
        /// applied, approved, waitlisted, offered, rejected, withdrawn
        #[arg(long)]
        status: Option<String>,
    },
    /// Import applications from .xlsx/.csv; prints a JSON summary, rejected rows go to stderr.
    Import {
        file: PathBuf,
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
    /// Write the exhibition's sales (per family, category and day) to an .xlsx.
    Sales {
        #[arg(long)]
        forum: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
    /// The families-empowered report over 50,000 people and 100,000 referrals.
    Impact {
        #[arg(long, default_value_t = 50_000)]
        people: usize,
        #[arg(long, default_value_t = 100_000)]
        referrals: usize,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// A booth scan on the host (the visitor's view, then the referral) over 50,000 people and
    /// 100,000 referrals.
    Booth {
        #[arg(long, default_value_t = 50_000)]
        people: usize,
        #[arg(long, default_value_t = 100_000)]
        referrals: usize,
        #[arg(long, default_value_t = 2_000)]
        scans: usize,
    },
    /// Check-ins over HTTP on loopback at a steady rate: idle, then during a 50,000-row import
    /// and a 6,136-certificate batch (p50/p99/max per phase, non-200 answers, nothing lost).
    Checkins {
        #[arg(long, default_value_t = 200)]
        rate: u32,
        #[arg(long, default_value_t = 10)]
        idle_seconds: u64,
        #[arg(long, default_value_t = 50_000)]
        import_rows: usize,
        #[arg(long, default_value_t = 6136)]
        certificates: usize,
    },
    /// People search over a synthetic forum (in a new temporary database unless --db is given).
    Search {
        #[arg(long, default_value_t = 50_000)]
        people: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
    },
    /// Personalised attendance certificates in one merged PDF (synthetic names, default template).
    Certificates {
        #[arg(long, default_value_t = 6136)]
        count: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import of a synthetic .xlsx of registrations.
    Import {
        #[arg(long, default_value_t = 50_000)]
        rows: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditAction {
    /// Rows as JSON lines, newest first.
    List {
        #[arg(long)]
        command: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Recomputes the chain; prints the result; exit status 1 when a row was changed or removed.
    Verify,
    /// The trail as an .xlsx.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountAction {
    /// Adds an account (the first one must be an admin) and prints it as JSON; the password is
    /// the first line of standard input.
    Create {
        username: String,
        /// The name the audit trail and the decisions show.
        #[arg(long)]
        name: String,
        /// admin, committee, checkin or exhibition.
        #[arg(long, default_value = "committee")]
        role: String,
    },
    /// Every account as one JSON line.
    List,
    /// Sets an account's password (from standard input); its sign-ins end.
    Password { username: String },
    /// Disables an account (its sign-ins end at once).
    Disable { username: String },
    /// Enables a disabled account.
    Enable { username: String },
}

#[derive(Subcommand, Debug)]
pub enum DeskAction {
    /// Adds a paired device with its role and prints it as JSON with its pairing `code`.
    Create {
        name: String,
        /// checkin, booth (with --entity), exhibition or committee.
        #[arg(long, default_value = "checkin")]
        role: String,
        /// A booth's enabling entity.
        #[arg(long)]
        entity: Option<i64>,
    },
    /// Every device with its role, as one JSON line each.
    List,
}

#[derive(Subcommand, Debug)]
pub enum ForumAction {
    /// Print every forum as one JSON line.
    List,
}

fn db_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.db {
        Some(p) => Ok(p.clone()),
        None => default_db_path(),
    }
}

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    let line = serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    Ok(())
}

/// An import's summary on stdout, each rejected row (number and reason) on stderr, and the
/// rejected rows as .xlsx if asked.
fn print_import(report: &crate::import::Report, rejects: Option<PathBuf>) -> Result<()> {
    for r in &report.rejects {
        eprintln!(
            "{}",
            serde_json::json!({ "row": r.row, "reason": r.reason })
        );
    }
    if let Some(out) = rejects {
        std::fs::write(
            out,
            crate::import::rejects_xlsx(&report.headers, &report.rejects)?,
        )?;
    }
    print_json(&serde_json::json!({
        "imported": report.imported,
        "rejected": report.rejected,
        "duplicates": report.duplicates,
    }))
}

fn run(cli: Cli) -> Result<()> {
    let path = db_path(&cli)?;
    match cli.command {
        Some(Command::Bench { what }) => bench(cli.db.as_deref(), &what),
        Some(Command::Certificates {
            forum,
            kind,
            course,
            out,
            out_dir,
        }) => {
            use crate::certificate::render;
            let core = Core::open(&path)?;
            let (issued, batch) =
                render::prepare(core.store(), forum, &kind, course, None, "سطر الأوامر")?;
            let new = issued.iter().filter(|i| i.new).count();
            if let Some(dir) = out_dir {
                std::fs::create_dir_all(&dir)?;
                let mut bytes = 0;
                for (name, pdf) in render::render_each(&batch, &mut |_, _| {})? {
                    bytes += pdf.len();
                    std::fs::write(dir.join(name), pdf)?;
                }
                return print_json(&serde_json::json!({
                    "count": issued.len(),
                    "new": new,
                    "out_dir": dir.display().to_string(),
                    "bytes": bytes,
                }));
            }
            let out = out.ok_or_else(|| AppError::field("out", "حدد ملف الإخراج"))?;
            let pdf = render::render(&batch)?;
            std::fs::write(&out, &pdf)?;
            print_json(&serde_json::json!({
                "count": issued.len(),
                "new": new,
                "out": out.display().to_string(),
                "bytes": pdf.len(),
            }))
        }
        Some(Command::Badges {
            forum,
            out,
            category,
            ids,
            layout,
        }) => {
            let core = Core::open(&path)?;
            let layout = crate::badge::Layout::parse(&layout)?;
            let sel = crate::badge::Selection { category, ids };
            let batch = crate::badge::load(&core.conn(), forum, &sel)?;
            let printed = crate::badge::render(&batch, layout, &mut |_, _| {})?;
            std::fs::write(&out, &printed.pdf)?;
            print_json(&serde_json::json!({
                "count": printed.count,
                "pages": printed.pages,
                "out": out.display().to_string(),
                "bytes": printed.pdf.len(),
            }))
        }
        Some(Command::Verify {
            text,
            public_key: Some(key),
        }) => {
            let v = crate::certificate::signing::check_offline(&key, &text)?;
            print_json(&v)?;
            if v.status == "genuine" {
                Ok(())
            } else {
                Err(AppError::Conflict(v.message))
            }
        }
        Some(Command::Verify {
            text,
            public_key: None,
        }) => {
            let core = Core::open(&path)?;
            let v = crate::certificate::verify(&core.conn(), &text)?;
            print_json(&v)
        }
        Some(Command::ErasePersonal { forum }) => {
            let core = Core::open(&path)?;
            let today = chrono::Utc::now()
                .with_timezone(&crate::checkin::venue_offset())
                .date_naive();
            let done = crate::retention::erase(core.store(), forum, today)?;
            print_json(&done)
        }
        Some(Command::CertificateKey) => {
            let core = Core::open(&path)?;
            let key = crate::certificate::signing::public_key(&core.conn())?;
            print_json(&serde_json::json!({ "public_key": key }))
        }
        Some(Command::PdfSpecimen { out }) => {
            std::fs::write(&out, crate::pdf::specimen::specimen()?)?;
            print_json(&serde_json::json!({ "out": out.display().to_string() }))
        }
        Some(Command::Imports { forum, limit }) => {
            let core = Core::open(&path)?;
            for b in crate::import::batch::list(core.store(), forum, limit)? {
                print_json(&b)?;
            }
            Ok(())
        }
        Some(Command::Import {
            what:
                ImportWhat::People {
                    file,
                    forum,
                    rejects,
                    category,
                },
        }) => {
            let core = Core::open(&path)?;
            let report = person::import::import_file(
                core.store(),
                forum,
                &file,
                category.as_deref(),
                "سطر الأوامر",
                &mut |_, _| {},
            )?;
            print_import(&report, rejects)
        }
        Some(Command::Opportunities { action }) => {
            let core = Core::open(&path)?;
            match action {
                OpportunitiesAction::List { forum, track } => {
                    let conn = core.read()?;
                    for o in crate::track::opportunity::list(&conn, forum, track.as_deref(), None)?
                    {
                        print_json(&o)?;
                    }
                    Ok(())
                }
                OpportunitiesAction::Import {
                    file,
                    forum,
                    rejects,
                } => {
                    let report = crate::track::import::import_file(&mut core.conn(), forum, &file)?;
                    print_import(&report, rejects)
                }
                OpportunitiesAction::Export { forum, out, track } => {
                    let all = crate::track::opportunity::list(
                        &*core.read()?,
                        forum,
                        track.as_deref(),
                        None,
                    )?;
                    std::fs::write(&out, crate::track::import::export_xlsx(&all)?)?;
                    print_json(&serde_json::json!({ "exported": all.len(), "out": out }))
                }
            }
        }
        Some(Command::Refer {
            code,
            opportunity,
            desk,
            rating,
            note,
        }) => {
            let core = Core::open(&path)?;
            let o = crate::track::opportunity::get(&*core.read()?, opportunity)?;
            let done = crate::track::referral::refer(
                &mut core.conn(),
                &crate::track::referral::ReferInput {
                    forum_id: o.forum_id,
                    code: Some(code),
                    opportunity_ids: vec![opportunity],
                    rating,
                    note,
                    source: "committee".into(),
                    desk,
                    ..Default::default()
                },
            )?;
            for d in done {
                let message = if d.new {
                    format!(
                        "أُحيل {} إلى «{}»",
                        d.referral.person_name, d.referral.opportunity_title
                    )
                } else {
                    format!(
                        "سبقت إحالة {} إلى «{}»؛ حُدّثت الإحالة نفسها",
                        d.referral.person_name, d.referral.opportunity_title
                    )
                };
                print_json(&serde_json::json!({
                    "referral": d.referral,
                    "new": d.new,
                    "already": !d.new,
                    "message": message,
                }))?;
            }
            Ok(())
        }
        Some(Command::Report {
            what: ReportWhat::Forum { forum, out },
        }) => {
            let core = Core::open(&path)?;
            let conn = core.read()?;
            let report = crate::forum_report::figures(&conn, forum)?;
            if let Some(out) = out {
                write_report(
                    &out,
                    || crate::forum_report::print::pdf(&conn, &report),
                    || crate::forum_report::export_xlsx(&report),
                )?;
            }
            print_json(&report)
        }
        Some(Command::Report {
            what:
                ReportWhat::Impact {
                    forum,
                    out,
                    require_90_days,
                },
        }) => {
            let core = Core::open(&path)?;
            let report = crate::track::report::impact(&*core.read()?, forum, require_90_days)?;
            if let Some(out) = out {
                write_report(
                    &out,
                    || crate::track::report::print::pdf(&*core.read()?, &report),
                    || crate::track::report::export_xlsx(&report),
                )?;
            }
            print_json(&report)
        }
        Some(Command::People {
            action:
                PeopleAction::Export {
                    forum,
                    out,
                    day,
                    absent,
                },
        }) => {
            let core = Core::open(&path)?;
            let e = crate::person::export::export_xlsx(
                &*core.read()?,
                forum,
                crate::person::export::Which { day, absent },
            )?;
            std::fs::write(&out, &e.bytes)?;
            let sheets: serde_json::Map<String, serde_json::Value> = e
                .rows
                .iter()
                .map(|(name, n)| (name.clone(), serde_json::json!(n)))
                .collect();
            print_json(&serde_json::json!({ "out": out, "sheets": sheets }))
        }
        Some(Command::Outcomes { action }) => {
            let core = Core::open(&path)?;
            match action {
                OutcomesAction::Export { entity, out } => {
                    let bytes = crate::track::outcomes::export_xlsx(&*core.read()?, entity)?;
                    std::fs::write(&out, bytes)?;
                    print_json(&serde_json::json!({ "out": out }))
                }
                OutcomesAction::Import {
                    file,
                    forum,
                    rejects,
                } => {
                    let report =
                        crate::track::outcomes::import_file(&mut core.conn(), forum, &file)?;
                    print_import(&report, rejects)
                }
            }
        }
        Some(Command::Referrals {
            action: ReferralsAction::List { forum, state },
        }) => {
            let core = Core::open(&path)?;
            let conn = core.read()?;
            let filter = crate::track::referral::Filter {
                state,
                ..Default::default()
            };
            for r in crate::track::referral::list(&conn, forum, &filter)? {
                print_json(&r)?;
            }
            Ok(())
        }
        Some(Command::Entities { action }) => {
            let core = Core::open(&path)?;
            match action {
                EntitiesAction::List { forum } => {
                    for e in entity::list(&core.conn(), forum)? {
                        print_json(&e)?;
                    }
                    Ok(())
                }
                EntitiesAction::Import {
                    file,
                    forum,
                    rejects,
                } => {
                    let report = entity::import::import_file(&mut core.conn(), forum, &file)?;
                    print_import(&report, rejects)
                }
                EntitiesAction::Export { forum, out } => {
                    let all = entity::list(&core.conn(), forum)?;
                    std::fs::write(&out, entity::import::export_xlsx(&all)?)?;
                    print_json(
                        &serde_json::json!({ "entities": all.len(), "out": out.display().to_string() }),
                    )
                }
            }
        }
        Some(Command::Booths { action }) => {
            let core = Core::open(&path)?;
            match action {
                BoothsAction::List { forum } => {
                    for b in floor::booths(&core.conn(), forum)? {
                        print_json(&b)?;
                    }
                    Ok(())
                }
                BoothsAction::Signs { forum, out } => {
                    let printed = floor::print::signs(&core.conn(), forum)?;
                    std::fs::write(&out, &printed.pdf)?;
                    print_json(
                        &serde_json::json!({ "signs": printed.count, "out": out.display().to_string() }),
                    )
                }
                BoothsAction::Plan { forum, out } => {
                    let pdf = floor::print::plan(&core.conn(), forum)?;
                    std::fs::write(&out, pdf)?;
                    print_json(&serde_json::json!({ "out": out.display().to_string() }))
                }
            }
        }
        Some(Command::Families { action }) => {
            let core = Core::open(&path)?;
            match action {
                FamiliesAction::List { forum, status } => {
                    for f in family::list(&core.conn(), forum, status.as_deref(), None)? {
                        print_json(&f)?;
                    }
                    Ok(())
                }
                FamiliesAction::Import {
                    file,
                    forum,
                    rejects,
                } => {
                    let report = family::import::import_file(&mut core.conn(), forum, &file)?;
                    print_import(&report, rejects)
                }
                FamiliesAction::Sales { forum, out } => {
                    let t = family::market::totals(&core.conn(), forum)?;
                    std::fs::write(&out, family::market::export_xlsx(&t)?)?;
                    print_json(&serde_json::json!({
                        "families": t.per_family.len(),
                        "sales_halalas": t.total.sales_halalas,
                        "items": t.total.items,
                        "out": out.display().to_string(),
                    }))
                }
            }
        }
        None => crate::adapters::window::run(Core::open_interactive(&path)?),
        Some(Command::Serve { bind, lan }) => {
            let core = Core::open_interactive(&path)?;
            let bind = bind.unwrap_or_else(|| {
                let ip = if lan { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
                SocketAddr::from((ip, 8470))
            });
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let listener = crate::adapters::http::bind(bind, lan).await?;
                let addr = listener.local_addr()?;
                if addr.ip().is_unspecified() {
                    println!("Multaqa serving on http://127.0.0.1:{}/", addr.port());
                } else {
                    println!("Multaqa serving on http://{addr}/");
                }
                if lan {
                    for url in crate::adapters::http::lan_urls(addr.port()) {
                        println!("Desks on the venue network: {url}");
                    }
                }
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                crate::adapters::http::serve(core, listener, lan, shutdown).await
            })
        }
        Some(Command::Demo { remove }) => {
            let core = Core::open(&path)?;
            let mut conn = core.conn();
            if remove {
                print_json(&serde_json::json!({ "removed": demo::remove(&conn)? }))
            } else {
                print_json(&serde_json::json!({ "forum_id": demo::load(&mut conn)? }))
            }
        }
        Some(Command::Search {
            query,
            forum,
            limit,
        }) => {
            let core = Core::open(&path)?;
            let found = person::search::search(&core.conn(), core.names(), forum, &query, limit)?;
            for p in found.people {
                print_json(&p)?;
            }
            if found.more {
                eprintln!("توجد نتائج أخرى غير المعروضة؛ زد --limit أو اكتب الاسم كاملًا");
            }
            Ok(())
        }
        Some(Command::Checkin {
            code,
            forum,
            day,
            desk,
            uuid,
            scanned_at,
        }) => {
            let core = Core::open(&path)?;
            let req = checkin::CheckinRequest {
                forum_id: forum,
                code: Some(code),
                person_id: None,
                day,
                desk,
                uuid,
                scanned_at,
            };
            let outcome = checkin::check_in(&mut core.conn(), &req)?;
            print_json(&outcome)
        }
        Some(Command::Backup { out }) => {
            if !path.exists() {
                return Err(AppError::field(
                    "db",
                    &format!("لا توجد قاعدة بيانات في {}", path.display()),
                ));
            }
            let bytes = crate::store::backup::copy_to(&path, &out)?;
            print_json(&serde_json::json!({ "out": out, "bytes": bytes }))
        }
        Some(Command::Audit { action }) => {
            let core = Core::open(&path)?;
            let conn = core.read()?;
            match action {
                AuditAction::List { command, limit } => {
                    for e in crate::audit::list(&conn, command.as_deref(), None, limit)? {
                        print_json(&e)?;
                    }
                    Ok(())
                }
                AuditAction::Verify => {
                    let v = crate::audit::verify(&conn)?;
                    print_json(&v)?;
                    if v.ok {
                        Ok(())
                    } else {
                        Err(AppError::Conflict(v.message))
                    }
                }
                AuditAction::Export { out } => {
                    std::fs::write(&out, crate::audit::export_xlsx(&conn)?)?;
                    print_json(&serde_json::json!({ "out": out }))
                }
            }
        }
        Some(Command::Restore { file }) => {
            let before = crate::store::backup::restore(&path, &file)?;
            {
                let core = Core::open(&path)?;
                crate::audit::append(
                    &mut core.conn(),
                    "سطر الأوامر",
                    "restore",
                    &serde_json::json!({ "file": file }),
                    &serde_json::json!({}),
                )?;
            }
            print_json(&serde_json::json!({
                "restored": file,
                "db": path,
                "previous_kept_in": before.map(|b| b.path),
            }))
        }
        Some(Command::Account { action }) => {
            let core = Core::open(&path)?;
            let password = || -> Result<String> {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Ok(line.trim_end_matches(['\r', '\n']).to_string())
            };
            let enabling = matches!(action, AccountAction::Enable { .. });
            match action {
                AccountAction::Create {
                    username,
                    name,
                    role,
                } => print_json(&crate::account::create(
                    &core.conn(),
                    &crate::account::AccountInput {
                        username,
                        display_name: name,
                        role,
                        password: password()?,
                    },
                )?),
                AccountAction::List => {
                    for a in crate::account::list(&*core.read()?)? {
                        print_json(&a)?;
                    }
                    Ok(())
                }
                AccountAction::Password { username } => {
                    let a = crate::account::by_username(&*core.read()?, &username)?;
                    crate::account::set_password(&core.conn(), a.id, &password()?)?;
                    print_json(&serde_json::json!({ "reset": true, "username": a.username }))
                }
                AccountAction::Disable { username } | AccountAction::Enable { username } => {
                    let a = crate::account::by_username(&*core.read()?, &username)?;
                    print_json(&crate::account::update(
                        &mut core.conn(),
                        a.id,
                        &crate::account::AccountChange {
                            active: Some(enabling),
                            ..Default::default()
                        },
                    )?)
                }
            }
        }
        Some(Command::Desk { action }) => {
            let core = Core::open(&path)?;
            match action {
                DeskAction::Create { name, role, entity } => {
                    let d = crate::desk::create(&core.conn(), &name, &role, entity)?;
                    crate::audit::append(
                        &mut core.conn(),
                        "سطر الأوامر",
                        "desk_create",
                        &serde_json::json!({ "role": role, "entity_id": entity }),
                        &serde_json::json!({ "id": d.id }),
                    )?;
                    let mut v = serde_json::to_value(&d)
                        .map_err(|e| AppError::Internal(format!("تعذر كتابة الجهاز: {e}")))?;
                    v["code"] = serde_json::Value::from(d.pairing_code.clone());
                    print_json(&v)
                }
                DeskAction::List => {
                    for d in crate::desk::list(&*core.read()?)? {
                        print_json(&d)?;
                    }
                    Ok(())
                }
            }
        }
        Some(Command::Forum {
            action: ForumAction::List,
        }) => {
            let core = Core::open(&path)?;
            for f in forum::list(&core.conn())? {
                print_json(&f)?;
            }
            Ok(())
        }
    }
}

fn bench(db: Option<&std::path::Path>, what: &BenchWhat) -> Result<()> {
    let dir = tempfile_dir()?;
    let path = db
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("bench.sqlite3"));
    let result = match what {
        BenchWhat::Search { people, queries } => {
            print_json(&crate::bench::search_bench(&path, *people, *queries)?)
        }
        BenchWhat::Import { rows } => print_json(&crate::bench::import_bench(&path, *rows)?),
        BenchWhat::Impact {
            people,
            referrals,
            runs,
        } => print_json(&crate::bench::impact_bench(
            &path, *people, *referrals, *runs,
        )?),
        BenchWhat::Booth {
            people,
            referrals,
            scans,
        } => print_json(&crate::bench::booth_bench(
            &path, *people, *referrals, *scans,
        )?),
        BenchWhat::Checkins {
            rate,
            idle_seconds,
            import_rows,
            certificates,
        } => print_json(&crate::adapters::http::load::checkin_load(
            &path,
            *rate,
            *idle_seconds,
            *import_rows,
            *certificates,
        )?),
        BenchWhat::Certificates { count, out } => {
            print_json(&crate::bench::certificates_bench(&path, *count, out)?)
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A fresh private folder under the system temp dir for benchmark databases.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("multaqa-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Writes a report to `out` as a PDF or an .xlsx, by its extension.
fn write_report(
    out: &std::path::Path,
    pdf: impl FnOnce() -> Result<Vec<u8>>,
    xlsx: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<()> {
    let lower = out.to_string_lossy().to_lowercase();
    let bytes = if lower.ends_with(".xlsx") {
        xlsx()?
    } else if lower.ends_with(".pdf") {
        pdf()?
    } else {
        return Err(AppError::field(
            "out",
            "اكتب اسم ملف ينتهي بـ ‎.pdf‎ أو ‎.xlsx‎",
        ));
    };
    std::fs::write(out, bytes)?;
    Ok(())
}

/// The audit name of a command line that changes data (`None`: it only reads or prints).
fn changes(command: &Option<Command>) -> Option<&'static str> {
    Some(match command.as_ref()? {
        Command::Demo { .. } => "demo_load",
        Command::Import { .. } => "person_import",
        Command::Certificates { .. } => "certificate_issue",
        Command::Checkin { .. } => "checkin",
        Command::Refer { .. } => "referral_create",
        Command::ErasePersonal { .. } => "retention_erase",
        Command::Account {
            action: AccountAction::Create { .. },
        } => "account_create",
        Command::Account {
            action: AccountAction::Password { .. },
        } => "account_password_reset",
        Command::Account {
            action: AccountAction::Disable { .. } | AccountAction::Enable { .. },
        } => "account_update",
        Command::Entities {
            action: EntitiesAction::Import { .. },
        } => "entity_import",
        Command::Families {
            action: FamiliesAction::Import { .. },
        } => "family_import",
        Command::Opportunities {
            action: OpportunitiesAction::Import { .. },
        } => "opportunity_import",
        Command::Outcomes {
            action: OutcomesAction::Import { .. },
        } => "outcomes_import",
        _ => return None,
    })
}

/// Entry point of the `multaqa` binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // A change made from the command line is audited like one made in the window.
    let audited = changes(&cli.command).map(|name| (name, format!("{:?}", cli.command)));
    let db = db_path(&cli).ok();
    // The log beside the database: this process's start and stop (the subcommand's name only,
    // never its arguments: they can hold names and numbers).
    let mode = cli
        .command
        .as_ref()
        .map(|c| {
            format!("{c:?}")
                .split(|ch: char| !ch.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_lowercase()
        })
        .unwrap_or_else(|| "window".to_string());
    if let Some(db) = &db {
        crate::logs::init(db);
    }
    let started = std::time::Instant::now();
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        mode,
        pid = std::process::id(),
        "start"
    );
    let done = run(cli);
    let secs = format!("{:.1}", started.elapsed().as_secs_f64());
    match &done {
        Ok(()) => tracing::info!(mode, secs, "stop"),
        Err(e) => tracing::warn!(mode, secs, error = e.code(), "stop with an error"),
    }
    if let (Ok(()), Some((name, line)), Some(db)) = (&done, audited, db) {
        let appended = Core::open(&db).and_then(|core| {
            crate::audit::append(
                &mut core.conn(),
                "سطر الأوامر",
                name,
                &serde_json::json!({ "code": line }),
                &serde_json::json!({}),
            )
        });
        if let Err(e) = appended {
            tracing::error!(
                command = name,
                error = e.code(),
                "the audit row could not be written"
            );
            eprintln!("audit: {name}: {e}");
        }
    }
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("خطأ [{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command};

    /// A public key (base64url) that begins with «-» is the key, not an option.
    #[test]
    fn verify_takes_a_public_key_that_begins_with_a_hyphen() {
        let cli = Cli::try_parse_from([
            "multaqa",
            "verify",
            "SEF-1441-01-000001|name|sig",
            "--public-key",
            "-yAbC_dEf",
        ])
        .expect("parsed");
        match cli.command {
            Some(Command::Verify { public_key, .. }) => {
                assert_eq!(public_key.as_deref(), Some("-yAbC_dEf"))
            }
            other => panic!("{other:?}"),
        }
    }
}
