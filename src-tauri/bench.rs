//! Benchmarks that print figures (never timed tests): `multaqa bench search`.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::error::Result;
use crate::name_generator::{self, Rng};
use crate::person::{self, search};
use crate::state::Core;

#[derive(Debug, Serialize)]
pub struct SearchBench {
    pub people: usize,
    pub insert_seconds: f64,
    pub queries: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_results: f64,
    /// p99 per kind of query, to see which kind is slowest.
    pub p99_ms_by_kind: std::collections::BTreeMap<&'static str, f64>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Registers `people` synthetic people in the forum (one transaction); returns what was given.
fn register_people(
    core: &Core,
    forum_id: i64,
    people: usize,
    rng: &mut Rng,
) -> Result<Vec<crate::person::PersonInput>> {
    let mut samples = Vec::with_capacity(people);
    let mut conn = core.conn();
    let tx = conn.transaction()?;
    let mut registrar = person::Registrar::new(&tx, forum_id)?;
    while samples.len() < people {
        let p = name_generator::person(rng);
        match registrar.insert(&tx, &p) {
            Ok(_) => samples.push(p),
            Err(crate::error::AppError::Duplicate { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    registrar.finish(&tx)?;
    tx.commit()?;
    Ok(samples)
}

#[derive(Debug, Serialize)]
pub struct BoothBench {
    pub people: usize,
    pub referrals: i64,
    pub scans: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// A booth scan as the host answers it (the visitor's view, then the referral, through the
/// command registry) over a forum of `people` people and about `referrals` referrals.
pub fn booth_bench(db: &Path, people: usize, referrals: usize, scans: usize) -> Result<BoothBench> {
    let core = Core::open(db)?;
    let forum_id = crate::demo::load(&mut core.conn())?;
    let mut rng = Rng::new(7_000);
    register_people(&core, forum_id, people, &mut rng)?;
    let opps: Vec<(i64, i64)> =
        crate::track::opportunity::list(&*core.read()?, forum_id, None, None)?
            .into_iter()
            .filter(|o| o.status == "open")
            .map(|o| (o.id, o.entity_id))
            .collect();
    let codes: Vec<(i64, String)> = {
        let conn = core.read()?;
        let mut stmt = conn.prepare("SELECT id, badge_code FROM person WHERE forum_id = ?1")?;
        let rows = stmt.query_map([forum_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    {
        let mut conn = core.conn();
        let tx = conn.transaction()?;
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO referral(forum_id, person_id, opportunity_id, state, source, device, scanned_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'referred', 'booth_scan', 'قياس', '2019-11-10T09:00:00Z', '2019-11-10T09:00:00Z', '2019-11-10T09:00:00Z')",
        )?;
        for _ in 0..referrals {
            let (pid, _) = &codes[rng.below(codes.len() as u64) as usize];
            let (oid, _) = opps[rng.below(opps.len() as u64) as usize];
            insert.execute(rusqlite::params![forum_id, pid, oid])?;
        }
        drop(insert);
        tx.commit()?;
    }
    let mut times = Vec::with_capacity(scans);
    for _ in 0..scans {
        let (_, code) = &codes[rng.below(codes.len() as u64) as usize];
        let (oid, entity) = opps[rng.below(opps.len() as u64) as usize];
        let t = Instant::now();
        let seen = crate::api::call(
            &core,
            "booth_visitor",
            serde_json::json!({ "forum_id": forum_id, "entity_id": entity, "code": code }),
        )?;
        crate::api::call(
            &core,
            "referral_create",
            serde_json::json!({ "forum_id": forum_id, "person_id": seen["person"]["id"],
                                "opportunity_ids": [oid], "rating": 4, "desk": "ركن" }),
        )?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let total: i64 = core
        .read()?
        .query_row("SELECT count(*) FROM referral", [], |r| r.get(0))?;
    Ok(BoothBench {
        people,
        referrals: total,
        scans,
        p50_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
    })
}

#[derive(Debug, Serialize)]
pub struct ImpactBench {
    pub people: usize,
    pub referrals: i64,
    pub events: i64,
    pub families_empowered: usize,
    pub seconds: Vec<f64>,
}

/// The families-empowered report over `people` people and about `referrals` referrals spread
/// over every state of their tracks (each with its events), timed `runs` times.
pub fn impact_bench(
    db: &Path,
    people: usize,
    referrals: usize,
    runs: usize,
) -> Result<ImpactBench> {
    let core = Core::open(db)?;
    let forum_id = crate::demo::load(&mut core.conn())?;
    let mut rng = Rng::new(6_136);
    register_people(&core, forum_id, people, &mut rng)?;
    let opps: Vec<(i64, String)> =
        crate::track::opportunity::list(&*core.read()?, forum_id, None, None)?
            .into_iter()
            .map(|o| (o.id, o.track))
            .collect();
    let persons: Vec<i64> = {
        let conn = core.read()?;
        let mut stmt = conn.prepare("SELECT id FROM person WHERE forum_id = ?1")?;
        let rows = stmt.query_map([forum_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    {
        let mut conn = core.conn();
        let tx = conn.transaction()?;
        // Families: about one file for every two people.
        tx.execute(
            "UPDATE person_row SET ss_file = CAST(50000000 + id / 2 AS TEXT) WHERE forum_id = ?1 AND ss_file IS NULL",
            [forum_id],
        )?;
        let mut referral = tx.prepare(
            "INSERT OR IGNORE INTO referral(forum_id, person_id, opportunity_id, state, placed, source, device, scanned_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 0, 'booth_scan', 'قياس', '2019-11-10T09:00:00Z', '2019-11-10T09:00:00Z', '2019-11-10T09:00:00Z')",
        )?;
        let mut event = tx.prepare(
            "INSERT INTO referral_event(referral_id, from_state, to_state, at, by) VALUES (?1, ?2, ?3, ?4, 'قياس')",
        )?;
        for _ in 0..referrals {
            let person = persons[rng.below(persons.len() as u64) as usize];
            let (opp, track) = &opps[rng.below(opps.len() as u64) as usize];
            let Some(t) = crate::track::track(track) else {
                continue;
            };
            // A path along the track's moves, stopped at random.
            let mut path = vec!["referred"];
            while rng.below(100) < 60 {
                let next = t.next(path[path.len() - 1]);
                if next.is_empty() {
                    break;
                }
                path.push(next[rng.below(next.len() as u64) as usize].state);
            }
            let state = path[path.len() - 1];
            if referral.execute(rusqlite::params![forum_id, person, opp, state])? == 0 {
                continue;
            }
            let id = tx.last_insert_rowid();
            let mut prev: Option<&str> = None;
            for (k, s) in path.iter().enumerate() {
                let at = format!(
                    "2019-{:02}-{:02}T09:00:00Z",
                    11 + k / 2 % 2,
                    10 + k * 5 % 18
                );
                event.execute(rusqlite::params![id, prev, s, at])?;
                prev = Some(s);
            }
        }
        drop((referral, event));
        tx.commit()?;
    }
    let conn = core.read()?;
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let mut seconds = Vec::with_capacity(runs);
    let mut families = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        families = crate::track::report::impact(&conn, forum_id, false)?.families_empowered;
        seconds.push(t.elapsed().as_secs_f64());
    }
    Ok(ImpactBench {
        people,
        referrals: count("SELECT count(*) FROM referral")?,
        events: count("SELECT count(*) FROM referral_event")?,
        families_empowered: families,
        seconds,
    })
}

/// Registers `people` synthetic people in a new forum of the database at `db`, then times
/// `queries` searches of the kinds a desk types: name fragments, full names, IDs, mobiles, codes.
pub fn search_bench(db: &Path, people: usize, queries: usize) -> Result<SearchBench> {
    let core = Core::open(db)?;
    let forum_id = crate::demo::load(&mut core.conn())?;
    let mut rng = Rng::new(50_000);
    let t = Instant::now();
    let samples = register_people(&core, forum_id, people, &mut rng)?;
    let insert_seconds = t.elapsed().as_secs_f64();

    let conn = core.conn();
    // The server builds the forum's name index once, on its first search; that is not a
    // desk's search.
    search::search(&conn, core.names(), forum_id, "مستفيد", 1)?;
    let codes: Vec<String> = {
        let mut stmt =
            conn.prepare("SELECT badge_code FROM person WHERE forum_id = ?1 LIMIT 200")?;
        let rows = stmt.query_map([forum_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut times = Vec::with_capacity(queries);
    let mut by_kind: std::collections::BTreeMap<&'static str, Vec<f64>> = Default::default();
    let kinds = [
        "first_name",
        "family_name",
        "full_name",
        "two_words",
        "id_prefix",
        "id",
        "badge_code",
        "three_letters",
        "first_and_family",
        "family_then_first",
        "typing_family",
        "family_without_article",
        "mobile",
    ];
    let mut results = 0usize;
    for i in 0..queries {
        let p = &samples[rng.below(samples.len() as u64) as usize];
        let words: Vec<&str> = p.full_name.split(' ').collect();
        let first = words[0];
        let family = words[words.len() - 1];
        let kind = kinds[i % kinds.len()];
        let q = match kind {
            "first_name" => first.to_string(),
            "family_name" => family.to_string(),
            "full_name" => p.full_name.clone(),
            "two_words" => format!("{} {}", words[0], words[1]),
            "id_prefix" => p.national_id[..6].to_string(),
            "id" => p.national_id.clone(),
            "badge_code" => codes[rng.below(codes.len() as u64) as usize].clone(),
            "three_letters" => words[1].chars().take(3).collect(),
            "first_and_family" => format!("{first} {family}"),
            "family_then_first" => format!("{family} {first}"),
            "typing_family" => format!("{first} {}", family.chars().take(3).collect::<String>()),
            "family_without_article" => {
                format!("{first} {}", family.strip_prefix("ال").unwrap_or(family))
            }
            _ => p.mobile.clone(),
        };
        let t = Instant::now();
        results += search::search(&conn, core.names(), forum_id, &q, search::DEFAULT_LIMIT)?
            .people
            .len();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        by_kind.entry(kind).or_default().push(ms);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok(SearchBench {
        people,
        insert_seconds,
        queries,
        p50_ms: percentile(&times, 0.50),
        p99_ms: percentile(&times, 0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
        mean_results: results as f64 / queries.max(1) as f64,
        p99_ms_by_kind: by_kind
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| a.total_cmp(b));
                (k, percentile(&v, 0.99))
            })
            .collect(),
    })
}

#[derive(Debug, Serialize)]
pub struct ImportBench {
    pub rows: usize,
    pub xlsx_bytes: usize,
    pub read_seconds: f64,
    pub import_seconds: f64,
    pub total_seconds: f64,
    pub imported: usize,
    pub rejected: usize,
    pub duplicates: usize,
    /// The process's peak resident memory while reading and importing (Linux; 0 elsewhere).
    pub peak_rss_mb: u64,
}

/// Forgets the process's peak resident memory so far (Linux), so the next reading of
/// [`peak_rss_mb`] covers only what follows.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory (VmHWM) in MB, on Linux.
pub fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// A new empty two-day forum to import into.
pub fn scratch_forum(core: &Core, name: &str) -> Result<i64> {
    scratch_forum_in(&mut core.conn(), name)
}

pub fn scratch_forum_in(conn: &mut rusqlite::Connection, name: &str) -> Result<i64> {
    let input = crate::forum::ForumInput {
        name_ar: name.into(),
        start_date: "2026-12-06".into(),
        day_count: Some(crate::forum::LooseInt::Int(2)),
        ..Default::default()
    };
    Ok(crate::forum::create(conn, &input)?.id)
}

/// Writes an .xlsx of `rows` synthetic registrations (Arabic headers), then times reading it
/// and importing it into a new forum of the database at `db`.
pub fn import_bench(db: &Path, rows: usize) -> Result<ImportBench> {
    let mut rng = Rng::new(2019);
    let headers: Vec<String> = [
        "الاسم الكامل",
        "رقم الهوية",
        "الجوال",
        "الفئة",
        "الجنس",
        "مكتب الضمان",
    ]
    .map(String::from)
    .to_vec();
    let data: Vec<Vec<String>> = (0..rows)
        .map(|_| {
            let p = name_generator::person(&mut rng);
            vec![
                p.full_name,
                p.national_id,
                p.mobile,
                p.category,
                p.gender,
                p.office,
            ]
        })
        .collect();
    let bytes = crate::sheet::write_xlsx("المسجلون", &headers, &data)?;
    drop(data);
    let core = Core::open(db)?;
    let forum_id = scratch_forum(&core, "ملتقى قياس الأداء")?;
    reset_peak_rss();
    let t = Instant::now();
    let table = crate::sheet::read_table("bench.xlsx", &bytes)?;
    let read_seconds = t.elapsed().as_secs_f64();
    let mapping = person::import::guess_mapping(&table.headers);
    let t2 = Instant::now();
    let report = person::import::import(
        core.store(),
        forum_id,
        &table,
        &mapping,
        None,
        crate::import::Origin {
            file_name: "bench.xlsx",
            by: "bench",
        },
        &mut |_, _| {},
    )?;
    let import_seconds = t2.elapsed().as_secs_f64();
    Ok(ImportBench {
        rows,
        xlsx_bytes: bytes.len(),
        read_seconds,
        import_seconds,
        total_seconds: t.elapsed().as_secs_f64(),
        imported: report.imported,
        rejected: report.rejected,
        duplicates: report.duplicates,
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Serialize)]
pub struct CertificatesBench {
    pub count: usize,
    pub seconds: f64,
    pub bytes: usize,
    pub bytes_per_page: usize,
    /// The process's peak resident memory, the synthetic names and serials included.
    pub peak_rss_mb: u64,
    /// The plain reportlab script (`tests/bench/reportlab_certificates.py`) on the same
    /// machine in the same run, when python3 has reportlab; and how many times faster this is.
    pub reportlab_seconds: Option<f64>,
    pub times_reportlab: Option<f64>,
}

/// `count` attendance certificates with synthetic names through the real pipeline and the
/// default template, merged into one PDF written to `out`.
pub fn certificates_bench(db: &Path, count: usize, out: &Path) -> Result<CertificatesBench> {
    let core = Core::open(db)?;
    let forum_id = crate::demo::load(&mut core.conn())?;

    let mut rng = Rng::new(6136);
    let sheets: Vec<crate::certificate::render::Sheet> = (0..count)
        .map(|i| {
            let female = rng.below(2) == 0;
            let serial = format!("SEF-1441-{:06}", i + 1);
            let name = name_generator::full_name(&mut rng, female);
            Ok(crate::certificate::render::Sheet {
                dates: None,
                qr: crate::certificate::qr_text(&core.conn(), &serial, &name)?,
                name,
                female,
                serial,
            })
        })
        .collect::<Result<_>>()?;
    let batch = crate::certificate::render::Batch::load(
        &core.conn(),
        forum_id,
        "attendance",
        None,
        sheets,
    )?;
    let t = Instant::now();
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let (_, bytes) =
        crate::certificate::render::render_to(&batch, &batch.sheets, file, &mut |_, _| {})?;
    let seconds = t.elapsed().as_secs_f64();
    let peak_rss_mb = peak_rss_mb();
    let reportlab_seconds = reportlab(count, &out.with_extension("reportlab.pdf"));
    Ok(CertificatesBench {
        count,
        seconds,
        bytes: bytes as usize,
        bytes_per_page: bytes as usize / count.max(1),
        peak_rss_mb,
        reportlab_seconds,
        times_reportlab: reportlab_seconds.map(|r| r / seconds.max(1e-9)),
    })
}

/// Seconds of the plain reportlab script for `count` pages, or `None` without python3 and
/// reportlab (or the script, which lives in the source tree).
fn reportlab(count: usize, out: &Path) -> Option<f64> {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bench/reportlab_certificates.py");
    let run = std::process::Command::new("python3")
        .arg(script)
        .arg(count.to_string())
        .arg(out)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(out);
    if !run.status.success() {
        return None;
    }
    String::from_utf8_lossy(&run.stdout).trim().parse().ok()
}
