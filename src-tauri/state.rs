//! `Core`: the one handle every adapter holds — the open store plus app-level operations
//! (first start, info). Cheap to clone; shared by the window, the HTTP server and the CLI.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::store::{self, migrations, Store};

#[derive(Clone)]
pub struct Core {
    store: Arc<Store>,
    jobs: Arc<Mutex<HashMap<String, JobStatus>>>,
    pairing: Arc<crate::desk::PairingThrottle>,
    names: Arc<crate::person::name_index::NameIndex>,
    admin: Arc<crate::admin::Sessions>,
    sign_ins: Arc<crate::account::SignIns>,
}

/// Progress of long work (an import) that the UI polls: rows done of total, then the result
/// or the error.
#[derive(Debug, Clone, Serialize, Default)]
pub struct JobStatus {
    pub done: usize,
    pub total: usize,
    pub finished: bool,
    pub result: Option<serde_json::Value>,
    pub error: Option<serde_json::Value>,
}

/// How many finished jobs are remembered for late pollers.
const KEEP_JOBS: usize = 32;

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub db_path: String,
    pub schema_version: i64,
}

impl Core {
    pub fn open(path: &Path) -> Result<Core> {
        let store = Store::open(path)?;
        // An import interrupted by a crash or a power cut leaves none of its rows.
        crate::import::batch::recover(&store)?;
        Ok(Core {
            store: Arc::new(store),
            jobs: Arc::new(Mutex::new(HashMap::new())),
            pairing: Arc::default(),
            names: Arc::default(),
            admin: Arc::new(crate::admin::sessions()),
            sign_ins: Arc::default(),
        })
    }

    /// A backup of the database now, named by `reason`, into the backups folder and the second
    /// folder when one is set (see [`crate::store::backup`]).
    pub fn backup(&self, reason: &str) -> Result<crate::store::backup::BackupFile> {
        let mirror = store::get_setting(&*self.read()?, crate::store::backup::MIRROR_SETTING)?
            .filter(|m| !m.trim().is_empty())
            .map(std::path::PathBuf::from);
        crate::store::backup::make(self.store.path(), reason, mirror.as_deref())
    }

    /// Replaces the live database with the backup `file` while the app runs (Settings): the
    /// file is checked, what it replaces is backed up, the content goes in through SQLite under
    /// the writer, and what the app kept in memory about the old content (the name index, the
    /// sign-ins and the admin's sessions) is dropped. Refused while an import or another job
    /// runs. Returns the backup of what was replaced.
    pub fn restore(&self, file: &Path) -> Result<crate::store::backup::BackupFile> {
        if self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .any(|j| !j.finished)
        {
            return Err(AppError::Conflict(
                "يجري استيراد أو إصدار الآن؛ انتظر حتى ينتهي ثم استرجع النسخة".into(),
            ));
        }
        crate::store::backup::check(file)?;
        let before = self.backup("restore")?;
        {
            let mut conn = self.conn();
            crate::store::backup::restore_into(&mut conn, file)?;
        }
        self.names.clear();
        self.sign_ins.end_all();
        self.admin.close_all();
        Ok(before)
    }

    /// Restores one of the listed backups (the backups folder or the second folder), by its
    /// path or file name — nothing else can be restored from a screen. See [`Core::restore`].
    pub fn restore_listed(&self, wanted: &str) -> Result<serde_json::Value> {
        use crate::store::backup;
        let mut known = backup::list(&backup::folder(self.store.path()))?;
        if let Some(m) = store::get_setting(&*self.read()?, backup::MIRROR_SETTING)?
            .filter(|m| !m.trim().is_empty())
        {
            known.extend(backup::list(Path::new(&m))?);
        }
        let file = known
            .into_iter()
            .find(|b| b.path == wanted || b.file_name == wanted)
            .ok_or_else(|| {
                AppError::field(
                    "file",
                    "النسخة المطلوبة غير موجودة في قائمة النسخ الاحتياطية",
                )
            })?;
        let before = self.restore(Path::new(&file.path))?;
        Ok(serde_json::json!({ "restored": file, "previous_kept_in": before }))
    }

    /// Every [`crate::store::backup::EVERY_MINUTES`] minutes while a forum runs (today is one
    /// of its days), a backup; the thread ends when the app closes.
    fn spawn_backups(&self) {
        let weak = Arc::downgrade(&self.store);
        let _ = std::thread::Builder::new()
            .name("backups".into())
            .spawn(move || {
                let every =
                    std::time::Duration::from_secs(crate::store::backup::EVERY_MINUTES * 60);
                let mut last = std::time::Instant::now();
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                    let Some(store) = weak.upgrade() else { return };
                    if last.elapsed() < every {
                        continue;
                    }
                    last = std::time::Instant::now();
                    let running = (|| -> Result<bool> {
                        let conn = store.read()?;
                        let today = chrono::Utc::now()
                            .with_timezone(&crate::checkin::venue_offset())
                            .date_naive();
                        Ok(matches!(
                            crate::forum::default_for(&conn, today)?,
                            Some((_, "running"))
                        ))
                    })()
                    .unwrap_or(false);
                    if running {
                        let mirror = store
                            .read()
                            .ok()
                            .and_then(|c| {
                                store::get_setting(&c, crate::store::backup::MIRROR_SETTING).ok()
                            })
                            .flatten()
                            .filter(|m| !m.trim().is_empty())
                            .map(std::path::PathBuf::from);
                        let _ = crate::store::backup::make(store.path(), "auto", mirror.as_deref());
                    }
                }
            });
    }

    /// Opens the database for an interactive start (window or server): on the very first start
    /// of a new database, loads the demo forum. Removing the demo later keeps it removed.
    pub fn open_interactive(path: &Path) -> Result<Core> {
        let core = Core::open(path)?;
        {
            let mut conn = core.conn();
            if store::get_setting(&conn, "first_start_done")?.is_none() {
                crate::demo::load(&mut conn)?;
                store::set_setting(&conn, "first_start_done", &crate::calendar::now_utc())?;
            }
        }
        core.spawn_backups();
        Ok(core)
    }

    /// Wrong pairing attempts of desks on the venue network (kept while the host runs).
    pub fn pairing(&self) -> &crate::desk::PairingThrottle {
        &self.pairing
    }

    /// The words of every registered name, for the name search.
    pub fn names(&self) -> &crate::person::name_index::NameIndex {
        &self.names
    }

    /// The writer: every change goes through it, one at a time. Hold it only for the length of
    /// one short transaction.
    pub fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.store.conn()
    }

    /// The store itself, for work that takes the writer in short turns (imports).
    /// The window's admin sessions (see [`crate::admin`]).
    pub fn admin(&self) -> &crate::admin::Sessions {
        &self.admin
    }

    /// The committee members signed in (see [`crate::account`]).
    pub fn sign_ins(&self) -> &crate::account::SignIns {
        &self.sign_ins
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A connection for reading, beside the writer (WAL): searches, lists and PDFs use it.
    pub fn read(&self) -> Result<crate::store::ReadConn<'_>> {
        self.store.read()
    }

    /// Runs `work` on its own thread; returns the job id to poll with [`Core::job_status`].
    /// `work` reports progress through the callback it is given.
    pub fn start_job<F>(&self, kind: &'static str, work: F) -> String
    where
        F: FnOnce(&Core, &mut dyn FnMut(usize, usize)) -> Result<serde_json::Value>
            + Send
            + 'static,
    {
        let id = uuid::Uuid::new_v4().to_string();
        {
            let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
            if jobs.len() >= KEEP_JOBS {
                jobs.retain(|_, j| !j.finished);
            }
            jobs.insert(id.clone(), JobStatus::default());
        }
        let core = self.clone();
        let job = id.clone();
        std::thread::spawn(move || {
            let update = |f: &mut dyn FnMut(&mut JobStatus)| {
                let mut jobs = core.jobs.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(j) = jobs.get_mut(&job) {
                    f(j);
                }
            };
            let started = std::time::Instant::now();
            tracing::info!(job = kind, "job started");
            let result = work(&core, &mut |done, total| {
                update(&mut |j| {
                    j.done = done;
                    j.total = total;
                })
            });
            let secs = format!("{:.2}", started.elapsed().as_secs_f64());
            match &result {
                Ok(v) => {
                    tracing::info!(
                        job = kind,
                        secs,
                        counts = crate::logs::counts(v),
                        "job finished"
                    )
                }
                Err(e) => tracing::warn!(job = kind, secs, error = e.code(), "job failed"),
            }
            update(&mut |j| {
                j.finished = true;
                match &result {
                    Ok(v) => j.result = Some(v.clone()),
                    Err(e) => j.error = serde_json::to_value(e).ok(),
                }
            });
        });
        id
    }

    pub fn job_status(&self, id: &str) -> Result<JobStatus> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.get(id).cloned().ok_or(AppError::NotFound {
            what: "العملية"
        })
    }

    pub fn info(&self) -> Result<AppInfo> {
        Ok(AppInfo {
            name: "Multaqa",
            version: env!("CARGO_PKG_VERSION"),
            db_path: self.store.path().display().to_string(),
            schema_version: migrations::version(&*self.read()?)?,
        })
    }
}

/// Makes the calling thread (and the threads it starts) yield the CPU to the desks' requests:
/// PDF batches run at a lower priority (Linux; elsewhere nothing changes). Never for work that
/// takes the writer: a low-priority thread holding it would keep the desks waiting.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take no pointers; on failure the thread keeps its priority.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
}

/// The app's own folder under the OS app-data folder: the database, its backups and the logs.
/// It keeps the name of the app's first identifier, so that a user's data never moves; the
/// identifier became `sa.multaqa.desktop` because a name ending in `.app` clashes with macOS
/// bundles (the webview's own storage follows the identifier).
pub const DATA_FOLDER: &str = "sa.multaqa.app";

/// The default database: `<OS app-data>/sa.multaqa.app/multaqa.sqlite3`.
pub fn default_db_path() -> Result<PathBuf> {
    let base = dirs::data_dir()
        .ok_or_else(|| AppError::Internal("لم يُعثر على مجلد بيانات التطبيقات في النظام".into()))?;
    Ok(base.join(DATA_FOLDER).join("multaqa.sqlite3"))
}
