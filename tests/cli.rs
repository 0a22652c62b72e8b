//! The `multaqa` command line, run as a real process.

use std::process::Command;

use serde_json::Value;

use crate::common::{cli, no_space, spawn_serve, temp_db, tool, APP};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(APP)
        .args(args)
        .env_remove("MULTAQA_DB")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn version() {
    let (ok, out, _) = run(&["--version"]);
    assert!(ok);
    assert_eq!(out.trim(), format!("multaqa {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn demo_is_idempotent_and_forum_list_prints_json_lines() {
    let db = temp_db();
    let p = db.path.to_str().unwrap();
    let (ok, first, err) = run(&["--db", p, "demo"]);
    assert!(ok, "{err}");
    let (_, second, _) = run(&["--db", p, "demo"]);
    assert_eq!(first, second, "loading twice gives the same forum");

    let (ok, out, _) = run(&["--db", p, "forum", "list"]);
    assert!(ok);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["name_ar"], "ملتقى التمكين الاجتماعي بمنطقة جازان");
    assert_eq!(
        lines[0]["days"][0]["full"],
        "الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م"
    );
    let id: Value = serde_json::from_str(first.trim()).unwrap();
    assert_eq!(id["forum_id"], lines[0]["id"]);

    let (ok, out, _) = run(&["--db", p, "demo", "--remove"]);
    assert!(ok);
    assert_eq!(out.trim(), r#"{"removed":1}"#);
    let (_, out, _) = run(&["--db", p, "forum", "list"]);
    assert_eq!(out, "");
}

#[test]
fn serve_refuses_non_loopback_and_unusable_databases_with_arabic_messages() {
    let db = temp_db();
    let p = db.path.to_str().unwrap();
    let (ok, _, err) = run(&["--db", p, "serve", "--bind", "0.0.0.0:0"]);
    assert!(!ok);
    assert!(
        err.contains("لا يُسمح بتشغيل الخادم إلا على عنوان محلي"),
        "{err}"
    );

    // A folder where the database file should be.
    let (ok, _, err) = run(&["--db", db.dir.path().to_str().unwrap(), "forum", "list"]);
    assert!(!ok);
    assert!(err.contains("تعذر فتح قاعدة البيانات"), "{err}");
}

#[test]
fn serve_answers_health_and_loads_demo_on_first_start() {
    let db = temp_db();
    let (_child, url) = spawn_serve(&db);
    let h: Value = reqwest::blocking::get(format!("{url}/api/health"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(h["ok"], true);
    let list: Value = reqwest::blocking::Client::new()
        .post(format!("{url}/api/forum_list"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(list[0]["is_demo"], true);
}

#[test]
fn people_export_writes_everyone_a_day_and_the_absent() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let dir = db.dir.path();
    let all = dir.join("all.xlsx");
    let r: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "people",
                "export",
                "--forum",
                "1",
                "--out",
                all.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    let registered = r["sheets"]["المسجلون"].as_u64().unwrap();
    let day1 = r["sheets"]["حضور اليوم 1"].as_u64().unwrap();
    let never = r["sheets"]["لم يحضروا"].as_u64().unwrap();
    assert!(registered > 200 && day1 > 0 && never > 0 && day1 < registered);
    let book = multaqa::sheet::read_table("all.xlsx", &std::fs::read(&all).unwrap()).unwrap();
    assert_eq!(book.rows.len() as u64, registered);
    assert_eq!(book.headers[0], "الاسم");
    assert!(book.headers.iter().any(|h| h == "تاريخ التسجيل (هجري)"));
    let days_col = book
        .headers
        .iter()
        .position(|h| h == "أيام الحضور")
        .unwrap();
    let zero = book.rows.iter().filter(|r| r[days_col] == "0").count() as u64;
    assert_eq!(zero, never, "the absent are those with no day");

    let one = dir.join("day1.xlsx");
    let r: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "people",
                "export",
                "--forum",
                "1",
                "--out",
                one.to_str().unwrap(),
                "--day",
                "1",
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(r["sheets"]["حضور اليوم 1"].as_u64().unwrap(), day1);
    let sheet = multaqa::sheet::read_table("d.xlsx", &std::fs::read(&one).unwrap()).unwrap();
    for h in ["وقت الحضور", "المنصة", "التاريخ الهجري", "التاريخ الميلادي"]
    {
        assert!(sheet.headers.iter().any(|x| x == h), "{h}");
    }
    let absent1 = dir.join("absent1.xlsx");
    let r: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "people",
                "export",
                "--forum",
                "1",
                "--out",
                absent1.to_str().unwrap(),
                "--day",
                "1",
                "--absent",
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        r["sheets"]["لم يحضروا اليوم 1"].as_u64().unwrap() + day1,
        registered
    );
    let e = cli(
        &db,
        &[
            "people", "export", "--forum", "1", "--out", "x.xlsx", "--day", "5",
        ],
    )
    .unwrap_err();
    assert!(e.contains("أيام"), "{e}");
}

#[test]
fn report_forum_writes_the_final_report_as_pdf_and_xlsx() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let pdf = db.dir.path().join("final.pdf");
    let r: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "report",
                "forum",
                "--forum",
                "1",
                "--out",
                pdf.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    let registered = r["attendance"]["registered"].as_i64().unwrap();
    assert!(registered > 200);
    assert!(r["empowerment"]["families_empowered"].as_u64().unwrap() > 0);
    let text = no_space(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    for want in [
        "التقرير الختامي",
        "ملتقى التمكين الاجتماعي بمنطقة جازان",
        "1441هـ",
        "2019م",
        "صاحب السمو الملكي أمير منطقة جازان",
        "اللجنة المنظمة",
        "اللجنة التنفيذية",
        "الحضور حسب اليوم",
        "حسب مكتب الضمان الاجتماعي",
        "ذوو الإعاقة واحتياجاتهم",
        "الجهات الممكنة والأركان",
        "معرض الأسر المنتجة",
        "الشهادات الصادرة",
        "التمكين",
    ] {
        assert!(text.contains(&no_space(want)), "{want} missing");
    }
    assert!(text.contains(&registered.to_string()));
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2, "charts are vectors: {images}");
    let xlsx = db.dir.path().join("final.xlsx");
    cli(
        &db,
        &[
            "report",
            "forum",
            "--forum",
            "1",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    )
    .unwrap();
    let sheet = multaqa::sheet::read_table("f.xlsx", &std::fs::read(&xlsx).unwrap()).unwrap();
    assert_eq!(sheet.rows[0][1], "ملتقى التمكين الاجتماعي بمنطقة جازان");
    assert!(
        cli(&db, &["report", "forum", "--forum", "1", "--out", "x.doc"])
            .unwrap_err()
            .contains(".pdf")
    );
}
