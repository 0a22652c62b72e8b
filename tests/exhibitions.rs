//! The two exhibitions end to end: two connections racing for one booth (the database keeps
//! one occupant and the loser hears who won), the command line on the demo forum (lists,
//! imports with bad rows reported by row number, sales export), booth signs and the plan as
//! PDFs that extract in logical order, and the commands through the registry.

use std::process::Command;
use std::sync::{Arc, Barrier};

use multaqa::api::call;
use serde_json::{json, Value};

use crate::common::{cli, core, no_space, temp_db, tool, TempDb, APP};

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs the CLI and returns (stdout, stderr), asserting success.
fn cli_both(db: &TempDb, args: &[&str]) -> (String, String) {
    let out = Command::new(APP)
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .output()
        .expect("run the app");
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{args:?}: {e}");
    (o, e)
}

#[test]
fn two_laptops_assigning_one_booth_at_once_get_one_occupant() {
    let db = temp_db();
    let host = core(&db);
    let forum = call(
        &host,
        "forum_create",
        json!({"forum": crate::common::forum_json("ملتقى السباق")}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    call(
        &host,
        "hall_save",
        json!({"forum_id": forum, "width": 30, "depth": 20}),
    )
    .unwrap();
    call(
        &host,
        "zone_save",
        json!({"forum_id": forum, "zone": {"kind": "entities", "x": 0, "y": 0, "w": 30, "h": 20}}),
    )
    .unwrap();
    let booths = call(
        &host,
        "booth_grid",
        json!({"forum_id": forum, "grid": {"prefix": "A", "cols": 5, "x": 1, "y": 1, "w": 3, "h": 3}}),
    )
    .unwrap();
    let booth = booths[0]["id"].as_i64().unwrap();
    let names = ["بنك التنمية الاجتماعية", "صندوق تنمية الموارد البشرية"];
    let ids: Vec<i64> = names
        .iter()
        .map(|n| {
            call(
                &host,
                "entity_create",
                json!({"forum_id": forum, "entity": {"name_ar": n, "kind": "حكومية"}}),
            )
            .unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    drop(host);

    // Twenty rounds: two separate connections (two "laptops") race for the same free booth.
    for round in 0..20 {
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ids
            .iter()
            .map(|&entity| {
                let barrier = barrier.clone();
                let laptop = core(&db);
                std::thread::spawn(move || {
                    barrier.wait();
                    call(
                        &laptop,
                        "booth_assign",
                        json!({"booth_id": booth, "entity_id": entity, "by": "laptop"}),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let won: Vec<usize> = (0..2).filter(|i| results[*i].is_ok()).collect();
        assert_eq!(won.len(), 1, "round {round}: exactly one assignment wins");
        let winner = won[0];
        let loser = results[1 - winner].as_ref().unwrap_err();
        assert_eq!(loser.code(), "conflict");
        assert!(
            loser
                .to_string()
                .contains(&format!("مشغول بـ«{}»", names[winner])),
            "the refusal names the occupant: {loser}"
        );
        let plan = call(&core(&db), "floor_plan", json!({"forum_id": forum})).unwrap();
        let taken: Vec<&Value> = plan["booths"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| !b["occupant"].is_null())
            .collect();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0]["occupant"]["name"], names[winner]);
        assert_eq!(plan["unassigned_entities"].as_array().unwrap().len(), 1);
        call(&core(&db), "booth_unassign", json!({"booth_id": booth})).unwrap();
    }
}

#[test]
fn command_line_lists_imports_and_exports_the_exhibitions() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let entities = json_lines(&cli(&db, &["entities", "list", "--forum", "1"]).unwrap());
    assert_eq!(entities.len(), 30);
    assert!(entities
        .iter()
        .any(|e| e["name_ar"] == "بنك التنمية الاجتماعية" && e["booth_code"] == "A1"));
    let booths = json_lines(&cli(&db, &["booths", "list", "--forum", "1"]).unwrap());
    assert_eq!(booths.len(), 72);
    assert_eq!(booths.iter().filter(|b| b["is_stall"] == true).count(), 40);
    let approved = json_lines(
        &cli(
            &db,
            &["families", "list", "--forum", "1", "--status", "approved"],
        )
        .unwrap(),
    );
    assert_eq!(approved.len(), 38);
    assert_eq!(
        json_lines(&cli(&db, &["families", "list", "--forum", "1"]).unwrap()).len(),
        80
    );

    // Entity import with bad rows: good rows in, bad rows reported with row number and reason.
    let csv = db.dir.path().join("entities.csv");
    std::fs::write(
        &csv,
        "اسم الجهة,نوع الجهة,الجوال\nجمعية وعي الصحية,غير ربحية,0551112233\n,حكومية,\nشركة أ,مريخية,12\nبنك التنمية الاجتماعيه,حكومي,\n",
    )
    .unwrap();
    let (out, err) = cli_both(
        &db,
        &["entities", "import", csv.to_str().unwrap(), "--forum", "1"],
    );
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        summary,
        json!({"imported": 1, "rejected": 2, "duplicates": 1})
    );
    let rows: Vec<Value> = json_lines(&err);
    assert_eq!(
        rows.iter()
            .map(|r| r["row"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [3, 4, 5]
    );
    assert!(rows[1]["reason"].as_str().unwrap().contains("«مريخية»"));

    // Family applications from an online form's export.
    let csv = db.dir.path().join("families.csv");
    std::fs::write(
        &csv,
        "اسم رب الأسرة,رقم الهوية,الجوال,فئة المنتجات\nمنى سالم العتيبي,1000000008,0559998877,حلويات\nمنى,123,0559998877,سيارات\n",
    )
    .unwrap();
    let (out, err) = cli_both(
        &db,
        &["families", "import", csv.to_str().unwrap(), "--forum", "1"],
    );
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["imported"], 1);
    assert!(err.contains("\"row\":3"), "{err}");

    let xlsx = db.dir.path().join("sales.xlsx");
    let s: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "families",
                "sales",
                "--forum",
                "1",
                "--out",
                xlsx.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(s["families"], 38);
    assert!(s["sales_halalas"].as_i64().unwrap() > 0);
    let out = db.dir.path().join("entities.xlsx");
    let e: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "entities",
                "export",
                "--forum",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(e["entities"], 31);
}

#[test]
fn booth_signs_and_the_plan_print_with_shaped_extractable_arabic() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let signs = db.dir.path().join("signs.pdf");
    let s: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "booths",
                "signs",
                "--forum",
                "1",
                "--out",
                signs.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    // A sign for every occupied booth: the 28 entities' booths and the families' stalls.
    let store = multaqa::store::Store::open(&db.path).unwrap();
    let (entities, stalls): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT count(entity_id), count(family_id) FROM booth_occupant",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(entities, 28);
    assert!(stalls > 0);
    assert_eq!(s["signs"], entities + stalls);
    let info = tool("pdfinfo", &[signs.to_str().unwrap()]);
    assert!(
        info.contains(&format!("Pages:           {}", entities + stalls)),
        "{info}"
    );
    let family: String = store
        .conn()
        .query_row(
            "SELECT f.head_name FROM booth_occupant o JOIN booth b ON b.id = o.booth_id
               JOIN family f ON f.id = o.family_id ORDER BY length(b.code) DESC, b.code DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let last = (entities + stalls).to_string();
    let stall = no_space(&tool(
        "pdftotext",
        &["-f", &last, "-l", &last, signs.to_str().unwrap(), "-"],
    ));
    assert!(stall.contains("معرضالأسرالمنتجة"), "{stall}");
    assert!(stall.contains(&no_space(&family)), "{family} in {stall}");
    assert!(
        info.contains("841.89 x 595.276 pts (A4)"),
        "A4 landscape: {info}"
    );
    let first = no_space(&tool(
        "pdftotext",
        &["-f", "1", "-l", "1", signs.to_str().unwrap(), "-"],
    ));
    assert!(first.contains("بنكالتنميةالاجتماعية"), "{first}");
    assert!(first.contains("A1"), "{first}");
    let fonts = tool("pdffonts", &[signs.to_str().unwrap()]);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")),
        "{fonts}"
    );

    let plan = db.dir.path().join("plan.pdf");
    cli(
        &db,
        &[
            "booths",
            "plan",
            "--forum",
            "1",
            "--out",
            plan.to_str().unwrap(),
        ],
    )
    .unwrap();
    let text = no_space(&tool("pdftotext", &[plan.to_str().unwrap(), "-"]));
    for want in [
        "مخططالقاعة",
        "معرضالأسرالمنتجة",
        "المسرحالرئيس",
        "دليلالأركان",
        "F38",
        "B16",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    // The directory pairs the code with the entity.
    let layout = tool(
        "pdftotext",
        &["-layout", "-f", "2", "-l", "2", plan.to_str().unwrap(), "-"],
    );
    assert!(
        layout
            .lines()
            .any(|l| l.contains("A1") && no_space(l).contains("بنكالتنميةالاجتماعية")),
        "{layout}"
    );
}

#[test]
fn family_review_and_sales_through_the_commands() {
    let db = temp_db();
    let c = core(&db);
    let forum = call(&c, "demo_load", Value::Null).unwrap()["forum_id"]
        .as_i64()
        .unwrap();
    let list = call(
        &c,
        "family_list",
        json!({"forum_id": forum, "status": "waitlisted"}),
    )
    .unwrap();
    let waiting = &list["families"][0];
    // Food is full: approving a wait-listed food family is refused and points to the list.
    let food = list["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == "food")
        .unwrap();
    let e = call(
        &c,
        "family_decide",
        json!({"id": food["id"], "to": "approved", "by": "اللجنة"}),
    )
    .unwrap_err();
    assert!(e.to_string().contains("قائمة الانتظار"), "{e}");
    // A rejected family can neither be approved nor given a stall.
    let rejected = call(
        &c,
        "family_list",
        json!({"forum_id": forum, "status": "rejected"}),
    )
    .unwrap()["families"][0]
        .clone();
    assert_eq!(
        call(
            &c,
            "family_decide",
            json!({"id": rejected["id"], "to": "approved"})
        )
        .unwrap_err()
        .code(),
        "conflict"
    );
    let plan = call(&c, "floor_plan", json!({"forum_id": forum})).unwrap();
    let free_stall = plan["booths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["is_stall"] == true && b["occupant"].is_null())
        .unwrap();
    let e = call(
        &c,
        "booth_assign",
        json!({"booth_id": free_stall["id"], "family_id": rejected["id"]}),
    )
    .unwrap_err();
    assert!(e.to_string().contains("أسرة مقبولة"), "{e}");
    // Sales: Arabic-Indic digits accepted, text and negative amounts refused.
    let sheet = call(&c, "family_day_sheet", json!({"forum_id": forum, "day": 1})).unwrap();
    let fam = sheet[0]["family_id"].as_i64().unwrap();
    let row = call(
        &c,
        "family_day_record",
        json!({"family_id": fam, "day": 1, "present": true, "sales": "٢٥٠٫٧٥", "items": "١٢"}),
    )
    .unwrap();
    assert_eq!(
        (row["sales_halalas"].as_i64(), row["items"].as_i64()),
        (Some(25_075), Some(12))
    );
    for bad in ["-10", "مئتان", "1.999"] {
        let e = call(
            &c,
            "family_day_record",
            json!({"family_id": fam, "day": 1, "sales": bad}),
        )
        .unwrap_err();
        assert_eq!(e.code(), "validation", "{bad}");
    }
    let totals = call(&c, "family_totals", json!({"forum_id": forum})).unwrap();
    assert!(totals["total"]["sales_halalas"].as_i64().unwrap() > 25_075);
    assert!(waiting["status"] == "waitlisted");
    let found = call(&c, "where_is", json!({"forum_id": forum, "q": "الراجحي"})).unwrap();
    assert_eq!(found[0]["kind"], "entity");
    assert!(found[0]["booth_code"].is_string());
}

#[test]
fn enabling_entities_receive_appreciation_certificates_that_verify() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let pdf = db.dir.path().join("entities.pdf");
    let args = [
        "certificates",
        "--forum",
        "1",
        "--kind",
        "appreciation_entity",
        "--out",
        pdf.to_str().unwrap(),
    ];
    let s: Value = serde_json::from_str(&cli(&db, &args).unwrap()).unwrap();
    // 30 entities, 2 withdrew: 28 thanked.
    assert_eq!(
        (s["count"].as_u64(), s["new"].as_u64()),
        (Some(28), Some(28))
    );
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let flat = no_space(&text);
    assert!(flat.contains("بنكالتنميةالاجتماعية"), "{text}");
    assert!(flat.contains("بالشكروالتقديرإلى"));
    assert!(
        !flat.contains("برنامجسكني"),
        "a withdrawn entity is not thanked"
    );
    let serial = text
        .lines()
        .find(|l| l.contains("SEF-"))
        .unwrap()
        .trim()
        .trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .to_string();
    let v: Value = serde_json::from_str(&cli(&db, &["verify", &serial]).unwrap()).unwrap();
    assert_eq!(v["status"], "genuine", "{v}");
    assert!(v["name"].is_null(), "a bare serial names nobody: {v}");
    // Sponsors are the entities marked as such (three in the demo).
    let sponsors = db.dir.path().join("sponsors.pdf");
    let s: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "certificates",
                "--forum",
                "1",
                "--kind",
                "appreciation_sponsor",
                "--out",
                sponsors.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(s["count"], 3);
    assert!(
        no_space(&tool("pdftotext", &[sponsors.to_str().unwrap(), "-"])).contains("بابرزقجميل")
    );
    // Re-printing keeps the serials.
    let again: Value = serde_json::from_str(&cli(&db, &args).unwrap()).unwrap();
    assert_eq!(again["new"], 0);
}
