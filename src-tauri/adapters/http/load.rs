//! `multaqa bench checkins`: check-ins arriving over HTTP on loopback at a steady rate, first
//! with the host idle, then while a 50,000-row import and a 6,136-certificate batch run.
//! Figures, not a test: p50/p99/max per phase, answers that were not 200, and whether every
//! acknowledged check-in is in the database.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{AppError, Result};
use crate::name_generator::{self, Rng};
use crate::state::Core;

#[derive(Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub seconds: f64,
    pub requests: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Answers other than 200 (a 5xx among them would be a defect).
    pub not_ok: usize,
}

#[derive(Debug, Serialize)]
pub struct CheckinLoad {
    pub rate_per_second: u32,
    pub phases: Vec<Phase>,
    /// Check-ins acknowledged (200, checked in) and found in the database afterwards.
    pub acknowledged: usize,
    pub stored: usize,
    pub import_seconds: f64,
    pub certificates_seconds: f64,
}

/// One keep-alive HTTP/1.1 connection that POSTs JSON.
struct Client {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Client {
    fn post(&mut self, path: &str, body: &str) -> std::io::Result<(u16, String)> {
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.stream = Some(BufReader::new(s));
        }
        let result = (|| {
            let reader = self
                .stream
                .as_mut()
                .ok_or(std::io::ErrorKind::NotConnected)?;
            write!(
                reader.get_mut(),
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                self.addr,
                body.len()
            )?;
            let mut status = String::new();
            reader.read_line(&mut status)?;
            let code: u16 = status
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body)?;
            Ok((code, String::from_utf8_lossy(&body).into_owned()))
        })();
        if result.is_err() {
            self.stream = None;
        }
        result
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Registers `n` people and checks them all in on day 1 (so they are eligible for attendance
/// certificates); returns their ids.
fn register(core: &Core, forum_id: i64, n: usize, rng: &mut Rng) -> Result<Vec<i64>> {
    let mut conn = core.conn();
    let tx = conn.transaction()?;
    let mut registrar = crate::person::Registrar::new(&tx, forum_id)?;
    let mut ids = Vec::with_capacity(n);
    while ids.len() < n {
        match registrar.insert(&tx, &name_generator::person(rng)) {
            Ok(id) => ids.push(id),
            Err(AppError::Duplicate { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    registrar.finish(&tx)?;
    let now = crate::calendar::now_utc();
    for id in &ids {
        tx.execute(
            "INSERT INTO checkin(uuid, forum_id, person_id, day, desk, at) VALUES (?1, ?2, ?3, 1, 'منصة 1', ?4)",
            rusqlite::params![uuid::Uuid::new_v4().to_string(), forum_id, id, now],
        )?;
    }
    tx.commit()?;
    Ok(ids)
}

/// Sends check-ins for `people` (day 2) at `rate` per second from several connections until
/// `stop`; returns each request's latency (ms), the answers that were not 200, and the UUIDs
/// acknowledged as checked in.
fn load(
    addr: SocketAddr,
    forum_id: i64,
    people: Arc<Vec<i64>>,
    next: Arc<AtomicUsize>,
    rate: u32,
    stop: Arc<AtomicBool>,
) -> (Vec<f64>, usize, Vec<String>) {
    const WORKERS: u32 = 8;
    let per_worker = Duration::from_secs_f64(f64::from(WORKERS) / f64::from(rate));
    let out = Arc::new(Mutex::new((Vec::new(), 0usize, Vec::new())));
    let threads: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (people, next, stop, out) =
                (people.clone(), next.clone(), stop.clone(), out.clone());
            std::thread::spawn(move || {
                let mut client = Client { addr, stream: None };
                let start = Instant::now() + per_worker.mul_f64(f64::from(w) / f64::from(WORKERS));
                let mut k = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    let due = start + per_worker * k;
                    k += 1;
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let person = people[i % people.len()];
                    let uuid = uuid::Uuid::new_v4().to_string();
                    let body = serde_json::json!({
                        "forum_id": forum_id, "person_id": person, "day": 2,
                        "desk": format!("منصة {}", w + 1), "uuid": uuid,
                    })
                    .to_string();
                    let t = Instant::now();
                    let answer = client.post("/api/checkin", &body);
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    let mut o = out.lock().unwrap_or_else(|p| p.into_inner());
                    o.0.push(ms);
                    match answer {
                        Ok((200, text)) if text.contains("\"checked_in\"") => o.2.push(uuid),
                        Ok((200, _)) => {}
                        _ => o.1 += 1,
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let o = out.lock().unwrap_or_else(|p| p.into_inner());
    (o.0.clone(), o.1, o.2.clone())
}

fn phase(name: &'static str, seconds: f64, mut times: Vec<f64>, not_ok: usize) -> Phase {
    times.sort_by(|a, b| a.total_cmp(b));
    Phase {
        name,
        seconds,
        requests: times.len(),
        p50_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
        not_ok,
    }
}

/// The benchmark: `idle_seconds` of check-ins alone, then as long as an import of
/// `import_rows` rows and a batch of `certificates` certificates take.
pub fn checkin_load(
    db: &Path,
    rate: u32,
    idle_seconds: u64,
    import_rows: usize,
    certificates: usize,
) -> Result<CheckinLoad> {
    let core = Core::open(db)?;
    let forum_id = crate::demo::load(&mut core.conn())?;
    let mut rng = Rng::new(200);
    let eligible = register(&core, forum_id, certificates, &mut rng)?;
    let people = Arc::new(eligible);
    // The spreadsheet the committee imports meanwhile.
    let headers: Vec<String> = ["الاسم الكامل", "رقم الهوية", "الجوال", "الفئة"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = (0..import_rows)
        .map(|_| {
            let p = name_generator::person(&mut rng);
            vec![p.full_name, p.national_id, p.mobile, p.category]
        })
        .collect();
    let xlsx = crate::sheet::write_xlsx("المسجلون", &headers, &rows)?;
    drop(rows);

    let runtime = tokio::runtime::Runtime::new()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server_core = core.clone();
    runtime.spawn(async move {
        let _ = super::serve(server_core, listener, false, async {
            let _ = stopped.await;
        })
        .await;
    });

    let next = Arc::new(AtomicUsize::new(0));
    let mut phases = Vec::new();
    let mut acknowledged = Vec::new();

    // Check-ins arrive for as long as `during` runs.
    let mut measure = |name: &'static str, during: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let loader = {
            let (people, next, stop) = (people.clone(), next.clone(), stop.clone());
            std::thread::spawn(move || load(addr, forum_id, people, next, rate, stop))
        };
        let ran = during();
        stop.store(true, Ordering::Relaxed);
        let (times, not_ok, acks) = loader
            .join()
            .map_err(|_| AppError::Internal("load thread".into()))?;
        phases.push(phase(name, started.elapsed().as_secs_f64(), times, not_ok));
        acknowledged.extend(acks);
        ran
    };
    measure("idle", &mut || {
        std::thread::sleep(Duration::from_secs(idle_seconds));
        Ok(())
    })?;
    let (mut import_seconds, mut certificates_seconds) = (0.0, 0.0);
    measure("import_and_certificates", &mut || {
        let xlsx = xlsx.clone();
        let import = {
            let core = core.clone();
            std::thread::spawn(move || -> Result<f64> {
                let other = crate::bench::scratch_forum(&core, "ملتقى الاستيراد")?;
                let t = Instant::now();
                let table = crate::sheet::read_table("bench.xlsx", &xlsx)?;
                let mapping = crate::person::import::guess_mapping(&table.headers);
                crate::person::import::import(
                    core.store(),
                    other,
                    &table,
                    &mapping,
                    None,
                    crate::import::Origin {
                        file_name: "bench.xlsx",
                        by: "bench",
                    },
                    &mut |_, _| {},
                )?;
                Ok(t.elapsed().as_secs_f64())
            })
        };
        let certs = {
            let core = core.clone();
            std::thread::spawn(move || -> Result<f64> {
                let t = Instant::now();
                let (_, batch) = crate::certificate::render::prepare(
                    core.store(),
                    forum_id,
                    "attendance",
                    None,
                    None,
                    "قياس الأداء",
                )?;
                // Drawing the pages runs as the app's PDF jobs do.
                crate::state::lower_priority();
                crate::certificate::render::render(&batch)?;
                Ok(t.elapsed().as_secs_f64())
            })
        };
        import_seconds = import
            .join()
            .map_err(|_| AppError::Internal("import thread".into()))??;
        certificates_seconds = certs
            .join()
            .map_err(|_| AppError::Internal("certificates thread".into()))??;
        Ok(())
    })?;
    let _ = stop_server.send(());

    let conn = core.read()?;
    let mut stmt = conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM checkin WHERE uuid = ?1)")?;
    let mut stored = 0;
    for uuid in &acknowledged {
        if stmt.query_row([uuid], |r| r.get::<_, bool>(0))? {
            stored += 1;
        }
    }
    Ok(CheckinLoad {
        rate_per_second: rate,
        phases,
        acknowledged: acknowledged.len(),
        stored,
        import_seconds,
        certificates_seconds,
    })
}
