//! `Core`: the one handle every adapter holds — the open store plus app-level operations
//! (first start, info). Cheap to clone; shared by the window, the HTTP server and the CLI.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::store::{self, migrations, Store};

#[derive(Clone)]
pub struct Core {
    store: Arc<Store>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub db_path: String,
    pub schema_version: i64,
}

impl Core {
    pub fn open(path: &Path) -> Result<Core> {
        Ok(Core {
            store: Arc::new(Store::open(path)?),
        })
    }

    /// Opens the database for an interactive start (window or server): on the very first start
    /// of a new database, loads the demo forum. Removing the demo later keeps it removed.
    pub fn open_interactive(path: &Path) -> Result<Core> {
        let core = Core::open(path)?;
        {
            let mut conn = core.conn();
            if store::get_setting(&conn, "first_start_done")?.is_none() {
                crate::demo::load(&mut conn)?;
                store::set_setting(&conn, "first_start_done", &chrono::Utc::now().to_rfc3339())?;
            }
        }
        Ok(core)
    }

    pub fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.store.conn()
    }

    pub fn info(&self) -> Result<AppInfo> {
        Ok(AppInfo {
            name: "Multaqa",
            version: env!("CARGO_PKG_VERSION"),
            db_path: self.store.path().display().to_string(),
            schema_version: migrations::version(&self.conn())?,
        })
    }
}

/// The default database: `<OS app-data>/sa.multaqa.app/multaqa.sqlite3`
/// (the same folder Tauri uses for the app's identifier).
pub fn default_db_path() -> Result<PathBuf> {
    let base = dirs::data_dir()
        .ok_or_else(|| AppError::Internal("لم يُعثر على مجلد بيانات التطبيقات في النظام".into()))?;
    Ok(base.join("sa.multaqa.app").join("multaqa.sqlite3"))
}
