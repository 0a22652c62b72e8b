//! The app's log (سجل التشغيل), for support: daily files `multaqa.YYYY-MM-DD.log` in the `logs/`
//! folder beside the database (the app-data folder), the last [`KEEP_DAYS`] kept. It records the
//! start and stop of each process, every command with its duration and its error code, every
//! request from another machine with its desk, and background jobs (imports, certificates,
//! badges) with their counts; a panic anywhere is logged with its message and place.
//!
//! Invariant: no national ID, mobile or name is ever written here — commands are logged by name,
//! never by their arguments; desks by their own names; members by account number; errors by code
//! (their Arabic messages can quote a name).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::{AppError, Result};

/// Days of logs kept.
pub const KEEP_DAYS: usize = 7;

/// The logs folder beside a database.
pub fn folder(db: &Path) -> PathBuf {
    db.parent()
        .map(|p| p.join("logs"))
        .unwrap_or_else(|| PathBuf::from("logs"))
}

static FOLDER: OnceLock<PathBuf> = OnceLock::new();

/// Starts logging to the folder beside `db` (once per process; later calls do nothing). The
/// level is `info`, or `MULTAQA_LOG` (`error`, `warn`, `info`, `debug`, `trace`). A folder that
/// cannot be written leaves the app without a log rather than without a start.
pub fn init(db: &Path) {
    if FOLDER.get().is_some() {
        return;
    }
    let dir = folder(db);
    let level = std::env::var("MULTAQA_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let appender = std::fs::create_dir_all(&dir).ok().and_then(|_| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("multaqa")
            .filename_suffix("log")
            .max_log_files(KEEP_DAYS)
            .build(&dir)
            .ok()
    });
    let Some(appender) = appender else { return };
    // Written as each line comes (no background writer): a line logged just before the
    // process ends — a panic — is in the file.
    let subscriber = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(level)
        .finish();
    if tracing::subscriber::set_global_default(subscriber).is_ok() {
        let _ = FOLDER.set(dir);
        install_panic_hook();
    }
}

/// Where this process logs (none before [`init`]).
pub fn current_folder() -> Option<&'static Path> {
    FOLDER.get().map(PathBuf::as_path)
}

/// What the window is told when something panicked (a command, a background thread).
type Notify = Box<dyn Fn(&str) + Send + Sync>;
static NOTIFY: OnceLock<Notify> = OnceLock::new();

/// Called with an Arabic message after a panic was logged (the window shows it).
pub fn on_panic(notify: impl Fn(&str) + Send + Sync + 'static) {
    let _ = NOTIFY.set(Box::new(notify));
}

/// What the user is told about a panic (its details are in the log).
pub const PANIC_MESSAGE: &str =
    "حدث خطأ غير متوقع في البرنامج وسُجّل في ملف السجل؛ لم يكتمل الإجراء الأخير. أعد المحاولة، وإن تكرر فاحفظ السجلات من الإعدادات وأرسلها للدعم";

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        tracing::error!(
            thread = thread.name().unwrap_or("unnamed"),
            at = %place,
            "panic: {message}"
        );
        if let Some(notify) = NOTIFY.get() {
            notify(PANIC_MESSAGE);
        }
        previous(info);
    }));
}

/// The log files, newest first.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("multaqa.") && n.ends_with(".log"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.reverse();
    out
}

/// One log file as Settings lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogFile {
    pub file_name: String,
    pub bytes: u64,
}

/// The folder, its files (newest first) and how many days are kept.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Info {
    pub folder: PathBuf,
    pub files: Vec<LogFile>,
    pub keep_days: usize,
}

pub fn info(dir: &Path) -> Info {
    Info {
        folder: dir.to_path_buf(),
        files: files(dir)
            .iter()
            .map(|f| LogFile {
                file_name: f
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                bytes: std::fs::metadata(f).map(|m| m.len()).unwrap_or(0),
            })
            .collect(),
        keep_days: KEEP_DAYS,
    }
}

/// Every log file of the folder in one zip, for support.
pub fn zip(dir: &Path) -> Result<Vec<u8>> {
    let files = files(dir);
    if files.is_empty() {
        return Err(AppError::NotFound {
            what: "ملفات السجل",
        });
    }
    let mut entries = Vec::new();
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        entries.push((name, std::fs::read(f)?));
    }
    crate::archive::zip_folder("multaqa-logs", &entries)
}

/// The numbers of a job's result (`count`, `pages`, `imported` …, and how many items its
/// lists hold), for its log line: numbers only, never the names and files it holds.
pub fn counts(result: &serde_json::Value) -> String {
    let Some(map) = result.as_object() else {
        return String::new();
    };
    map.iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::Number(n) => Some(format!("{k}={n}")),
            serde_json::Value::Array(items) => Some(format!("{k}={}", items.len())),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_any_thread_is_logged_with_its_message_and_told() {
        let dir = tempfile::tempdir().unwrap();
        init(&dir.path().join("m.sqlite3"));
        let folder = current_folder().expect("logging started").to_path_buf();
        let told = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let seen = told.clone();
        on_panic(move |m| *seen.lock().unwrap() = m.to_string());
        let r = std::thread::Builder::new()
            .name("backups".into())
            .spawn(|| panic!("the disk is gone"))
            .unwrap()
            .join();
        assert!(r.is_err());
        let text: String = files(&folder)
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        assert!(text.contains("panic: the disk is gone"), "{text}");
        assert!(text.contains("thread=\"backups\""), "{text}");
        assert!(text.contains("logs.rs:"), "where it happened: {text}");
        assert_eq!(*told.lock().unwrap(), PANIC_MESSAGE);
    }

    #[test]
    fn a_job_logs_its_numbers_only_and_the_folder_zips() {
        let line = counts(&serde_json::json!({
            "count": 3, "pages": 2, "file_name": "شهادات-سارة.zip", "data_base64": "AAAA",
            "people": [{ "full_name": "سارة علي" }]
        }));
        assert_eq!(line, "count=3 pages=2 people=1");
        let dir = tempfile::tempdir().unwrap();
        assert!(zip(dir.path()).is_err(), "nothing to send yet");
        std::fs::write(dir.path().join("multaqa.2026-12-01.log"), "a\n").unwrap();
        std::fs::write(dir.path().join("multaqa.2026-11-30.log"), "b\n").unwrap();
        std::fs::write(dir.path().join("other.txt"), "c\n").unwrap();
        let names: Vec<String> = files(dir.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["multaqa.2026-12-01.log", "multaqa.2026-11-30.log"]);
        let bytes = zip(dir.path()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
