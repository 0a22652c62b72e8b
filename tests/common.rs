//! Helpers shared by the integration tests: temporary databases, the app binary, child
//! processes that are always killed, free loopback ports, screenshot folder.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use multaqa::Core;
use serde_json::{json, Value};

pub const APP: &str = env!("CARGO_BIN_EXE_multaqa");

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_db() -> TempDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("multaqa.sqlite3");
    TempDb { dir, path }
}

pub fn core(db: &TempDb) -> Core {
    Core::open(&db.path).expect("open core")
}

/// A child process killed (and reaped) when dropped, so a failing test leaves nothing behind.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Waits until something accepts connections on the port.
pub fn wait_for_port(port: u16, timeout: Duration) {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listened on port {port} within {timeout:?}");
}

/// Starts `multaqa --db DB serve --bind 127.0.0.1:0`; returns the process and its base URL.
pub fn spawn_serve(db: &TempDb) -> (ChildGuard, String) {
    let mut child = Command::new(APP)
        .args([
            "--db",
            db.path.to_str().expect("utf-8 path"),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn multaqa serve");
    let stdout = child.stdout.take().expect("stdout");
    let guard = ChildGuard(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(i) = line.find("http://") {
                let _ = tx.send(line[i..].trim_end_matches('/').to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("multaqa serve printed its URL");
    (guard, url)
}

/// Where tests leave screenshots for people to look at: `<target>/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().map(|p| p.join("screenshots")).unwrap_or(tmp);
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// A valid forum form as the UI sends it.
pub fn forum_json(name: &str) -> Value {
    json!({
        "name_ar": name,
        "name_en": "Test Forum",
        "region": "منطقة جازان",
        "venue": "جازان",
        "start_date": "2024-03-11",
        "day_count": "٢",
        "patron": "أمير المنطقة",
        "organizing_committee": [{"name": "سعد علي", "role": "رئيس"}],
        "executive_committee": []
    })
}

/// Runs a command-line tool (poppler's pdf tools, zbarimg) and returns what it printed.
pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} (Debian poppler-utils / zbar-tools) must be installed: {e}")
    });
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text without spaces or bidi embedding marks, to compare what a PDF extracts.
pub fn no_space(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{202A}'..='\u{202E}'))
        .collect()
}

/// Runs the app's command line on a database: its whole output (status, stdout, stderr).
pub fn cli_output(db: &TempDb, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(APP)
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .output()
        .expect("run the app")
}

/// Runs the app's command line on a database: stdout on success, stderr on failure.
pub fn cli(db: &TempDb, args: &[&str]) -> Result<String, String> {
    let out = Command::new(APP)
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .output()
        .expect("run the app");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
