//! The UI in real browser engines over WebDriver:
//! 1. the real app window (WebKitGTK) under Xvfb through `WebKitWebDriver`;
//! 2. Chromium against `multaqa serve` on loopback — the same screens in a plain browser.
//!
//! Both create a forum through the form and see it listed with its Hijri date. Screenshots go
//! to `<target>/screenshots/`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use multaqa::text::{counted, CERTIFICATES, ELIGIBLE};
use serde_json::{json, Map, Value};

use crate::common::{
    free_port, screenshot_dir, spawn_serve, temp_db, wait_for_port, ChildGuard, APP,
};

const WAIT: Duration = Duration::from_secs(30);

async fn wait_css(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("element {css} did not appear: {e}"))
}

/// The accessible name a screen reader reads for the element (its `aria-label`).
async fn aria_label(c: &Client, css: &str) -> String {
    wait_css(c, css)
        .await
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no aria-label"))
}

/// Waits until the element's text contains `needle`; returns the text.
async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            last = el.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page: Value = c
        .execute(
            "return location.href + ' | ' + document.body.innerText.slice(0, 400)",
            vec![],
        )
        .await
        .unwrap_or_default();
    panic!("{css} never contained «{needle}»; last text: «{last}»; page: {page}");
}

/// Clicks the element once it is there (screens render after their data arrives).
async fn click(c: &Client, css: &str) {
    wait_css(c, css).await.click().await.unwrap();
}

async fn type_in(c: &Client, css: &str, text: &str) {
    wait_css(c, css).await.send_keys(text).await.unwrap();
}

/// From now on, files the page saves are caught instead of downloaded: [`downloaded`] reads them.
async fn catch_downloads(c: &Client) {
    c.execute(
        "window.__downloads = [];
         const blobs = {};
         const make = URL.createObjectURL;
         URL.createObjectURL = (b) => { const u = make(b); blobs[u] = b; return u; };
         HTMLAnchorElement.prototype.click = function () {
           const b = blobs[this.href];
           if (!this.download || !b) return;
           const d = { name: this.download, size: null, head: null };
           window.__downloads.push(d);
           b.slice(0, 4).text().then((head) => { d.head = head; d.size = b.size; });
         };",
        vec![],
    )
    .await
    .unwrap();
}

/// The file called `name` the page saved (its size and first four bytes), waiting for it.
async fn downloaded(c: &Client, name: &str) -> (u64, String) {
    let deadline = Instant::now() + WAIT;
    loop {
        let found: Value = c
            .execute(
                "return (window.__downloads || []).find((d) => d.name === arguments[0] && d.size !== null) || null",
                vec![json!(name)],
            )
            .await
            .unwrap();
        if !found.is_null() {
            return (
                found["size"].as_u64().unwrap(),
                found["head"].as_str().unwrap().to_string(),
            );
        }
        if Instant::now() > deadline {
            let seen: Value = c
                .execute(
                    "return [window.__downloads, document.querySelector('#toasts')?.innerText]",
                    vec![],
                )
                .await
                .unwrap();
            panic!("{name} was never saved: {seen}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(c: &Client, name: &str) {
    // Let fonts load and two frames paint: WebKit otherwise hands back the previous frame.
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         document.fonts.ready.then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(document.fonts.status))));",
        vec![],
    )
    .await
    .expect("fonts and frames settle");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(screenshot_dir().join(name), png).expect("write screenshot");
}

/// The user's path through forum setup, the same in both engines.
async fn create_forum_through_the_form(c: &Client, engine: &str) {
    let dir: Value = c
        .execute(
            "return document.documentElement.dir + '/' + getComputedStyle(document.body).direction",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(dir, json!("rtl/rtl"));

    wait_css(c, "#new-forum").await.click().await.unwrap();
    let name = wait_css(c, "#f-name_ar").await;

    // Saving an empty form shows the Arabic message beside the field and saves nothing.
    click(c, "#save-forum").await;
    wait_text(c, "#err-name_ar", "اسم الملتقى بالعربية مطلوب").await;
    wait_text(c, "#err-start_date", "تاريخ اليوم الأول مطلوب").await;
    screenshot(c, &format!("{engine}-forum-form-errors.png")).await;

    name.send_keys("ملتقى الاختبار الآلي").await.unwrap();
    let err: Value = c
        .execute(
            "return document.querySelector('#err-name_ar').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(err, json!(""), "editing a field clears its error");
    type_in(c, "#f-region", "منطقة جازان").await;
    // Date pickers differ between engines; set the ISO value as the picker would.
    c.execute(
        "const el = document.querySelector('#f-start_date'); el.value = '2024-03-11'; el.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    let count = c.find(Locator::Css("#f-day_count")).await.unwrap();
    count.clear().await.unwrap();
    count.send_keys("2").await.unwrap();
    wait_text(c, "#days-preview", "الثلاثاء 2 رمضان 1445هـ — 12 مارس 2024م").await;
    // An end date before the start, changed six times: its error is shown once.
    c.execute(
        "const el = document.querySelector('#f-end_date');
         for (const d of ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06']) {
           el.value = d; el.dispatchEvent(new Event('change'));
         }",
        vec![],
    )
    .await
    .unwrap();
    let shown = wait_text(c, "#err-end_date", "يسبق").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let shown_later: Value = c
        .execute(
            "return document.querySelector('#err-end_date').textContent",
            vec![],
        )
        .await
        .unwrap();
    let text = shown_later.as_str().unwrap();
    assert!(
        !text.is_empty() && text.lines().count() == 1,
        "{shown} / {text}"
    );
    let bubbles: Value = c
        .execute(
            "return document.querySelector('#forum-form, form').noValidate",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        bubbles,
        json!(true),
        "the app's messages, not the browser's bubbles"
    );
    screenshot(c, &format!("{engine}-forum-form-end-before-start.png")).await;
    c.execute(
        "const el = document.querySelector('#f-end_date'); el.value = '2024-03-12'; el.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    wait_text(c, "#days-preview", "الثلاثاء 2 رمضان 1445هـ — 12 مارس 2024م").await;
    // The first day typed in the Hijri calendar: 30 Sha'ban 1445 does not exist, 1 Ramadan does.
    type_in(c, "#f-start_date-hd", "30").await;
    click(c, "#f-start_date-hm option[value='8']").await;
    type_in(c, "#f-start_date-hy", "1445").await;
    c.execute(
        "document.querySelector('#f-start_date-hy').dispatchEvent(new Event('change'))",
        vec![],
    )
    .await
    .unwrap();
    wait_text(
        c,
        "#f-start_date-hijri-said",
        "لا يوجد يوم 30 في شعبان 1445هـ",
    )
    .await;
    let hd = c.find(Locator::Css("#f-start_date-hd")).await.unwrap();
    hd.clear().await.unwrap();
    hd.send_keys("1").await.unwrap();
    click(c, "#f-start_date-hm option[value='9']").await;
    wait_text(
        c,
        "#f-start_date-hijri-said",
        "الاثنين 1 رمضان 1445هـ — 11 مارس 2024م",
    )
    .await;
    let start: Value = c
        .execute(
            "return document.querySelector('#f-start_date').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(start, json!("2024-03-11"));
    wait_text(c, "#days-preview", "الثلاثاء 2 رمضان 1445هـ — 12 مارس 2024م").await;
    screenshot(c, &format!("{engine}-forum-form-hijri.png")).await;
    type_in(c, "#f-organizing_committee .m-name", "سعد علي").await;
    type_in(c, "#f-organizing_committee .m-role", "رئيس اللجنة").await;
    screenshot(c, &format!("{engine}-forum-form.png")).await;

    click(c, "#save-forum").await;
    let list = wait_text(c, "#forum-list", "ملتقى الاختبار الآلي").await;
    assert!(
        list.contains("الاثنين 1 رمضان 1445هـ — 11 مارس 2024م"),
        "{list}"
    );
    assert!(list.contains("منطقة جازان"), "{list}");
    screenshot(c, &format!("{engine}-forum-list.png")).await;
}

fn caps(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("capabilities are an object"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_against_multaqa_serve() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/forums")).await.unwrap();
    // The demo forum of the first start is listed with its Hijri dates.
    wait_text(
        &c,
        "#forum-list",
        "الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م",
    )
    .await;
    create_forum_through_the_form(&c, "chromium").await;

    // Retention: the 2019 forum's follow-up window has passed; its personal data is erased
    // after the export is offered and its name is typed again; the figures stay.
    let forum_id = api(&url, "forum_list", json!({}))
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["is_demo"] == true)
        .unwrap()["id"]
        .clone();
    let before = api(&url, "impact_report", json!({ "forum_id": forum_id })).await;
    catch_downloads(&c).await;
    click(&c, &format!("button[data-erase='{forum_id}']")).await;
    click(&c, "#confirm-ok").await;
    downloaded(&c, "كشف-الزوار.xlsx").await;
    type_in(
        &c,
        &format!("#erase-confirm-{forum_id}"),
        "ملتقى التمكين الاجتماعي بمنطقة جازان\u{E007}",
    )
    .await;
    wait_text(&c, "#toasts", "مُحيت البيانات الشخصية").await;
    wait_text(&c, "#forum-list", "مُحيت البيانات الشخصية").await;
    screenshot(&c, "chromium-forum-erased.png").await;
    let after = api(&url, "impact_report", json!({ "forum_id": forum_id })).await;
    assert_eq!(after["families_empowered"], before["families_empowered"]);
    let people = api(
        &url,
        "person_list",
        json!({ "forum_id": forum_id, "limit": 5 }),
    )
    .await;
    for p in people["people"].as_array().unwrap() {
        assert!(
            p["full_name"].as_str().unwrap().starts_with("مشارك رقم"),
            "{p}"
        );
        assert!(p["national_id"].is_null() && p["mobile"].is_null(), "{p}");
    }
    c.close().await.unwrap();
}

/// Starts a private X server; returns it and its display name (`:N`).
fn start_xvfb() -> (ChildGuard, String) {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (Debian package xvfb) must be installed");
    let stdout = child.stdout.take().unwrap();
    let guard = ChildGuard(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb display number");
    (guard, format!(":{}", line.trim()))
}

#[tokio::test(flavor = "multi_thread")]
async fn real_app_window_under_xvfb() {
    let db = temp_db();
    // `./dev package-test` points this at the installed package's binary.
    let app = std::env::var("MULTAQA_APP").unwrap_or_else(|_| APP.to_string());
    let (_x, display) = start_xvfb();
    let port = free_port();
    let _driver = ChildGuard(
        Command::new("WebKitWebDriver")
            .arg(format!("--port={port}"))
            .env("DISPLAY", &display)
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("WebKitWebDriver (Debian package webkit2gtk-driver) must be installed"),
    );
    wait_for_port(port, WAIT);
    let c = ClientBuilder::native()
        .capabilities(caps(json!({
            "webkitgtk:browserOptions": {
                "binary": app,
                "args": ["--db", db.path.to_str().unwrap()]
            }
        })))
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("app window session");
    let url = c.current_url().await.unwrap();
    assert_eq!(
        url.scheme(),
        "tauri",
        "the real app window, not a browser: {url}"
    );
    // First start: the dashboard of the demo forum; then to the forums screen by its link.
    wait_text(
        &c,
        "#kpi-registered",
        &multaqa::demo::DEMO_REGISTERED.to_string(),
    )
    .await;
    screenshot(&c, "webkit-app-dashboard.png").await;
    wait_css(&c, "#nav a[data-route='forums']")
        .await
        .click()
        .await
        .unwrap();
    wait_text(
        &c,
        "#forum-list",
        "الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م",
    )
    .await;
    screenshot(&c, "webkit-app-first-start.png").await;
    create_forum_through_the_form(&c, "webkit").await;
    c.close().await.unwrap();
}

/// Starts Debian's chromedriver on a free loopback port.
fn start_chromedriver() -> (ChildGuard, u16) {
    let port = free_port();
    let driver = ChildGuard(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) must be installed"),
    );
    wait_for_port(port, WAIT);
    (driver, port)
}

async fn chromium_session(profile: &tempfile::TempDir, port: u16) -> Client {
    ClientBuilder::native()
        .capabilities(caps(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1280,900", "--lang=ar",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        })))
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromium session")
}

async fn api(url: &str, command: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{url}/api/{command}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn today_count(c: &Client) -> i64 {
    let t = c
        .find(Locator::Css("#today-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    t.trim().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_desk_checks_in_by_scan_and_by_name() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let forum_id = api(&url, "forum_list", json!({})).await[0]["id"].clone();
    let nid = |nine: &str| {
        format!(
            "{nine}{}",
            multaqa::person::rules::luhn_check_digit(nine).unwrap()
        )
    };
    let fatima = api(&url, "person_create", json!({ "forum_id": forum_id, "person": {
        "full_name": "فاطمة علي الحازمي", "gender": "f", "national_id": nid("109876543"), "category": "disability", "needs_wheelchair": true } })).await;
    let code = fatima["badge_code"]
        .as_str()
        .expect("badge code")
        .to_string();
    api(
        &url,
        "person_create",
        json!({ "forum_id": forum_id, "person": {
        "full_name": "سندس يحيى القعود", "mobile": "0559998877", "category": "beneficiary" } }),
    )
    .await;
    // Two people of one name, told apart by the last digits of their IDs.
    for (nine, mobile) in [("109870001", "0559990001"), ("109870002", "0559990002")] {
        api(
            &url,
            "person_create",
            json!({ "forum_id": forum_id, "person": {
            "full_name": "ريمان سعد الحربي", "national_id": nid(nine), "mobile": mobile,
            "category": "beneficiary" } }),
        )
        .await;
    }

    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/desk")).await.unwrap();
    let scan = wait_css(&c, "#scan").await;
    let focused: Value = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("scan"), "the scan field has the focus");
    let before = today_count(&c).await;
    let pending_shown: Value = c
        .execute(
            "return getComputedStyle(document.getElementById('desk-pending')).display",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        pending_shown,
        json!("none"),
        "no offline queue badge while nothing waits"
    );

    // A scanner types the code (lower case here) and Enter.
    scan.send_keys(&format!("{}\u{E007}", code.to_lowercase()))
        .await
        .unwrap();
    let card = wait_text(&c, "#desk-card.ok", "تم تسجيل الحضور").await;
    assert!(
        card.contains("فاطمة علي الحازمي") && card.contains("كرسي متحرك"),
        "{card}"
    );
    assert!(!card.contains("null"), "{card}");
    assert_eq!(today_count(&c).await, before + 1);
    screenshot(&c, "chromium-desk-checked-in.png").await;

    // The same badge again: «سبق» (worded for her), and not counted twice.
    type_in(&c, "#scan", &format!("{code}\u{E007}")).await;
    let card = wait_text(&c, "#desk-card.already", "سبق تسجيل حضورها اليوم").await;
    assert!(
        card.contains("— منصة 1") && !card.contains("null"),
        "{card}"
    );
    assert_eq!(today_count(&c).await, before + 1);
    screenshot(&c, "chromium-desk-already.png").await;

    // Typing a name in the same field searches; Enter checks in the highlighted person.
    let focused: Value = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("scan"), "focus stays in the scan field");
    type_in(&c, "#scan", "سندس").await;
    wait_text(&c, "#desk-results", "سندس يحيى القعود").await;
    screenshot(&c, "chromium-desk-search.png").await;
    type_in(&c, "#scan", "\u{E007}").await;
    let card = wait_text(&c, "#desk-card.ok", "سندس يحيى القعود").await;
    assert!(card.contains("مستفيد"), "{card}");
    assert_eq!(today_count(&c).await, before + 2);

    // Several people answer: Enter waits for a choice made with the arrow keys.
    type_in(&c, "#scan", "ريمان الحربي").await;
    let listed = wait_text(&c, "#desk-results", "ريمان سعد الحربي").await;
    let last4 = |nine: &str| nid(nine)[6..].to_string();
    assert!(
        listed.contains(&format!("••••••{}", last4("109870001")))
            && listed.contains(&format!("••••••{}", last4("109870002"))),
        "masked IDs tell them apart: {listed}"
    );
    assert!(!listed.contains(&nid("109870001")), "never the whole ID");
    screenshot(&c, "chromium-desk-two-of-one-name.png").await;
    type_in(&c, "#scan", "\u{E007}").await;
    wait_text(&c, "#desk-card", "يوجد شخصان بهذا الاسم").await;
    assert_eq!(today_count(&c).await, before + 2, "nobody checked in yet");
    type_in(&c, "#scan", "\u{E015}\u{E007}").await;
    wait_text(&c, "#desk-card.ok", "ريمان سعد الحربي").await;
    assert_eq!(today_count(&c).await, before + 3);
    let undo_before = before + 1;

    // A wrong check-in is undone, with a reason, and no longer counted.
    click(&c, "#undo-checkin").await;
    let reason = wait_css(&c, "#undo-reason").await;
    reason.send_keys("مسح بطاقة شخص آخر\u{E007}").await.unwrap();
    wait_text(&c, "#desk-card", "أُلغي تسجيل الحضور").await;
    let deadline = Instant::now() + WAIT;
    while today_count(&c).await != undo_before + 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(today_count(&c).await, undo_before + 1);
    screenshot(&c, "chromium-desk-undone.png").await;

    // An unknown code is refused in red, with words.
    type_in(&c, "#scan", "K7M4QXA\u{E007}").await;
    wait_text(&c, "#desk-card.refused", "غير صحيح").await;

    // A walk-in: registered and checked in, the new badge code shown, the A6 badge at once.
    catch_downloads(&c).await;
    click(&c, "#walkin").await;
    type_in(&c, "#p-full_name", "نوف عبدالله الفيفي").await;
    type_in(&c, "#p-mobile", "0557770011").await;
    click(&c, "#save-person").await;
    wait_text(&c, "#desk-card.ok", "نوف عبدالله الفيفي").await;
    let shown = wait_css(&c, "#walkin-code").await.text().await.unwrap();
    let found = api(
        &url,
        "person_search",
        json!({ "forum_id": forum_id, "q": "نوف الفيفي" }),
    )
    .await;
    assert_eq!(shown, found["people"][0]["badge_code"].as_str().unwrap());
    click(&c, "#walkin-badge").await;
    let (size, head) = downloaded(&c, "بطاقات-1 — نوف عبدالله الفيفي.pdf").await;
    assert!(size > 1000 && head == "%PDF", "{size} {head}");
    screenshot(&c, "chromium-desk-walk-in.png").await;
    // Someone already registered (same ID): checked in, not turned away.
    click(&c, "#walkin").await;
    type_in(&c, "#p-full_name", "فاطمة الحازمي").await;
    type_in(&c, "#p-national_id", &nid("109876543")).await;
    click(&c, "#save-person").await;
    wait_text(&c, "#person-form-error", "مسجل").await;
    click(&c, "#checkin-existing").await;
    wait_text(&c, "#desk-card.already", "سبق تسجيل حضورها اليوم").await;
    wait_text(&c, "#desk-card", "فاطمة علي الحازمي").await;

    // The host out of reach: a scan is kept and said so (never «سبق»), a name search says the
    // host cannot be reached (never «لا يوجد شخص بهذا الاسم»), and the scan is sent later.
    let sondos = api(
        &url,
        "person_search",
        json!({ "forum_id": forum_id, "q": "ريمان الحربي" }),
    )
    .await["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["national_id"] == json!(nid("109870002")))
        .cloned()
        .unwrap();
    let stats_before = today_count(&c).await;
    c.execute(
        "window.__offline = true; const f = window.fetch; \
         window.fetch = (u, o) => window.__offline && String(u).includes('/api/') \
           ? Promise.reject(new TypeError('Failed to fetch')) : f(u, o);",
        vec![],
    )
    .await
    .unwrap();
    type_in(&c, "#scan", "مريم الزهراني\u{E007}").await;
    let card = wait_text(&c, "#desk-card", "لا يوجد اتصال بالجهاز الرئيس").await;
    assert!(!card.contains("لا يوجد شخص"), "{card}");
    type_in(&c, "#scan", "\u{E003}".repeat(20).as_str()).await;
    type_in(
        &c,
        "#scan",
        &format!("{}\u{E007}", sondos["badge_code"].as_str().unwrap()),
    )
    .await;
    let card = wait_text(&c, "#desk-card.queued", "حُفظ المسح وسيُرسل تلقائيًا").await;
    assert!(!card.contains("سبق"), "{card}");
    screenshot(&c, "chromium-desk-offline.png").await;
    c.execute("window.__offline = false;", vec![])
        .await
        .unwrap();
    let deadline = Instant::now() + WAIT;
    while today_count(&c).await != stats_before + 1 {
        assert!(
            Instant::now() < deadline,
            "the kept scan is sent when the host is back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_imports_a_spreadsheet_with_mapping_and_rejects() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let nid = |nine: &str| {
        format!(
            "{nine}{}",
            multaqa::person::rules::luhn_check_digit(nine).unwrap()
        )
    };
    let headers = ["الاسم", "السجل المدني", "رقم الجوال", "الفئة", "ملاحظات"]
        .map(String::from)
        .to_vec();
    let rows = vec![
        vec![
            "هيفاء ناصر الحكمي".into(),
            nid("108877665"),
            "0551239876".into(),
            "مستفيد".into(),
            "".into(),
        ],
        vec![
            "خالد".into(),
            "".into(),
            "0551239877".into(),
            "مستفيد".into(),
            "".into(),
        ],
        vec![
            "منى سالم عواجي".into(),
            "".into(),
            "0561239878".into(),
            "متطوعة؟".into(),
            "".into(),
        ],
    ];
    let file = db.dir.path().join("قائمة-المسجلين.xlsx");
    std::fs::write(
        &file,
        multaqa::sheet::write_xlsx("المسجلون", &headers, &rows).unwrap(),
    )
    .unwrap();

    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/people")).await.unwrap();
    wait_css(&c, "#import-people").await.click().await.unwrap();
    wait_css(&c, "#import-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    let mapping = wait_text(&c, "#import-mapping", "السجل المدني").await;
    assert!(mapping.contains("هيفاء ناصر الحكمي"), "{mapping}");
    let chosen: Value = c
        .execute(
            "return [...document.querySelectorAll('#import-mapping select')].map(s => s.value)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        chosen,
        json!(["full_name", "national_id", "mobile", "category", ""])
    );
    screenshot(&c, "chromium-import-mapping.png").await;
    click(&c, "#import-start").await;
    let summary = wait_text(&c, "#import-summary", "استُورد").await;
    assert!(summary.contains('1'), "{summary}");
    let rejects = wait_text(&c, "#import-rejects", "ثنائيًا").await;
    assert!(rejects.contains("الفئة «متطوعة؟» غير معروفة"), "{rejects}");
    screenshot(&c, "chromium-import-report.png").await;

    // A file without a category column: its rows take the default category offered (and
    // «ذوو الإعاقة» is understood).
    let plain = db.dir.path().join("بلا-فئة.xlsx");
    std::fs::write(
        &plain,
        multaqa::sheet::write_xlsx(
            "المسجلون",
            &["الاسم", "رقم الجوال", "ذوو الإعاقة"].map(String::from),
            &[
                vec!["سعاد يحيى الحربي".into(), "0561230001".into(), "لا".into()],
                vec!["ماجد علي الفيفي".into(), "0561230002".into(), "نعم".into()],
            ],
        )
        .unwrap(),
    )
    .unwrap();
    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    c.goto(&format!("{url}/#/people")).await.unwrap();
    wait_css(&c, "#import-people").await.click().await.unwrap();
    wait_css(&c, "#import-file")
        .await
        .send_keys(plain.to_str().unwrap())
        .await
        .unwrap();
    wait_text(&c, "#import-mapping", "ذوو الإعاقة").await;
    let deadline = Instant::now() + WAIT;
    loop {
        let v: Value = c
            .execute(
                "return document.getElementById('import-default-category').value",
                vec![],
            )
            .await
            .unwrap();
        if v == json!("beneficiary") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the default category is offered: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&c, "chromium-import-default-category.png").await;
    click(&c, "#import-start").await;
    let summary = wait_text(&c, "#import-summary", "استُورد").await;
    assert!(summary.contains('2'), "{summary}");
    let found = api(
        &url,
        "person_search",
        json!({ "forum_id": 1, "q": "ماجد الفيفي" }),
    )
    .await;
    assert_eq!(found["people"][0]["category"], "disability");
    let found = api(
        &url,
        "person_search",
        json!({ "forum_id": 1, "q": "سعاد الحربي" }),
    )
    .await;
    assert_eq!(found["people"][0]["category"], "beneficiary");
    // The import screen lists the imports as the core recorded them: these two done, and one
    // that a power cut interrupted (its writer gone, none of its rows imported).
    let history = wait_text(&c, "#import-history", "بلا-فئة.xlsx").await;
    assert!(
        history.contains("قائمة-المسجلين.xlsx") && history.contains("اكتمل"),
        "{history}"
    );
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .execute(
            "INSERT INTO import_batch(id, forum_id, started_at, alive_at, file_name, by, total_rows, done_rows)
             VALUES ('b-cut', 1, '2099-01-01T08:00:00Z', '2000-01-01T08:00:00Z', 'المسجلون-الكامل.xlsx',
                     'سطر الأوامر', 50000, 12500)",
            [],
        )
        .unwrap();
    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    c.goto(&format!("{url}/#/people")).await.unwrap();
    wait_css(&c, "#import-people").await.click().await.unwrap();
    let history = wait_text(&c, "#import-history", "المسجلون-الكامل.xlsx").await;
    assert!(history.contains("انقطع"), "{history}");
    assert!(history.contains("لم يُستورد أي صف"), "{history}");
    let first: Value = c
        .execute(
            "return document.querySelector('#import-history li').dataset.state",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(first, json!("interrupted"));
    screenshot(&c, "chromium-import-history.png").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_pairs_a_desk_from_the_qr_link() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let desk = api(
        &url,
        "desk_create",
        json!({ "name": "منصة البوابة الشمالية" }),
    )
    .await;
    let code = desk["pairing_code"]
        .as_str()
        .expect("pairing code")
        .to_string();

    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    // The host sees each new pairing on whatever screen is open, with the desk's address.
    c.goto(&format!("{url}/#/settings")).await.unwrap();
    let code_shown = wait_text(&c, "#desk-table", "رمز الاقتران").await;
    assert!(
        code_shown.contains(&format!("{} {}", &code[..4], &code[4..])),
        "{code_shown}"
    );
    let second = api(&url, "desk_create", json!({ "name": "منصة 2" })).await;
    let paired = api(&url, "desk_pair", json!({ "code": second["pairing_code"] })).await;
    assert_eq!(paired["desk_name"], "منصة 2");
    wait_text(&c, "#toasts", "اقترنت «منصة 2»").await;
    screenshot(&c, "chromium-pairing-toast.png").await;
    // A backup on request, listed with its reason.
    click(&c, "#backup-now").await;
    wait_text(&c, "#toasts", "حُفظت نسخة احتياطية").await;
    wait_text(&c, "#backup-table", "يدوية").await;
    // Restored from the list while the app runs: it asks first, then says what it kept.
    click(&c, "#backup-table tbody tr:first-child .row-actions button").await;
    wait_text(&c, "#confirm-text", "تُحفظ نسخة مما سيُستبدل").await;
    click(&c, "#confirm-ok").await;
    wait_text(&c, "#toasts", "استُرجعت نسخة").await;
    wait_text(&c, "#backup-table", "قبل استرجاع").await;
    screenshot(&c, "chromium-restored.png").await;
    // The audit trail: the pairing just made is there, and the chain verifies.
    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    c.goto(&format!("{url}/#/settings")).await.unwrap();
    wait_text(&c, "#audit-table", "desk_pair").await;
    click(&c, "#audit-verify").await;
    wait_text(&c, "#audit-state", "سجل التدقيق سليم").await;
    screenshot(&c, "chromium-audit.png").await;
    let listed = api(&url, "backup_list", json!({})).await;
    assert!(listed["backups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["reason"] == "manual"));
    // What the QR code on the host's settings screen opens.
    c.goto(&format!("{url}/#/pair/{code}")).await.unwrap();
    wait_css(&c, "#scan").await;
    let stored: Value = c
        .execute("return [localStorage.getItem('multaqa.deskToken') !== null, localStorage.getItem('multaqa.desk'), location.hash]", vec![])
        .await
        .unwrap();
    assert_eq!(stored, json!([true, "منصة البوابة الشمالية", "#/desk"]));
    let desks = api(&url, "desk_list", json!({})).await;
    assert_eq!(desks[0]["paired"], true);

    // The admin lock: with a password set, adding a device asks for it first.
    api(
        &url,
        "admin_password_set",
        json!({ "current": "", "new": "كلمة-سر-اللجنة" }),
    )
    .await;
    let refused = api(&url, "desk_create", json!({ "name": "منصة 9" })).await;
    assert_eq!(refused["error"]["code"], "admin_locked", "{refused}");
    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    c.goto(&format!("{url}/#/settings")).await.unwrap();
    wait_text(&c, "#admin-state", "البرنامج مقفل").await;
    type_in(&c, "#desk-new-name", "منصة 9").await;
    click(&c, "#desk-add").await;
    wait_css(&c, "#unlock-dialog[open]").await;
    type_in(&c, "#unlock-password", "خطأ\u{E007}").await;
    wait_text(&c, "#unlock-error", "غير صحيحة").await;
    screenshot(&c, "chromium-admin-unlock.png").await;
    let pw = wait_css(&c, "#unlock-password").await;
    pw.clear().await.unwrap();
    pw.send_keys("كلمة-سر-اللجنة\u{E007}").await.unwrap();
    wait_text(&c, "#desk-table", "منصة 9").await;
    let desks = api(&url, "desk_list", json!({})).await;
    assert!(desks
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "منصة 9"));
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_issues_certificates_and_verifies_one() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/certificates")).await.unwrap();
    let count = wait_text(&c, "#cert-count", "مستحق").await;
    let eligible: usize = count
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(eligible > 100, "{count}");
    wait_css(&c, "#cert-issue").await.click().await.unwrap();
    wait_text(
        &c,
        "#cert-done",
        &format!(
            "طُبعت {}، الجديدة منها {eligible}",
            counted(eligible as u64, &CERTIFICATES)
        ),
    )
    .await;
    wait_text(&c, "#cert-table", "SEF-1441-01-000001").await;
    let input = c.find(Locator::Css("#verify-input")).await.unwrap();
    input.send_keys("SEF-1441-01-000001\u{E007}").await.unwrap();
    wait_text(&c, "#verify-result", "صحيحة").await;
    screenshot(&c, "chromium-certificates.png").await;
    input.clear().await.unwrap();
    input.send_keys("SEF-1441-999999\u{E007}").await.unwrap();
    wait_text(&c, "#verify-result", "غير موجودة").await;

    // Revoke one from its row, with a reason; verifying it then says so.
    click(&c, "#cert-table button.revoke").await;
    type_in(&c, ".revoke-reason", "صدرت باسم خاطئ").await;
    click(&c, ".inline-form button[type=submit]").await;
    wait_text(&c, "#cert-table", "ملغاة").await;
    let input = c.find(Locator::Css("#verify-input")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("SEF-1441-01-000001\u{E007}").await.unwrap();
    wait_text(&c, "#verify-result", "ملغاة").await;
    screenshot(&c, "chromium-certificate-revoked.png").await;
    // The revoked one is replaced from its row: a new serial that points back to it.
    catch_downloads(&c).await;
    click(&c, "#cert-table button.replace").await;
    wait_text(&c, "#cert-table", "بديل عن SEF-1441-01-000001").await;
    let replaced = wait_text(
        &c,
        "#cert-table",
        &format!("SEF-1441-01-{:06}", eligible + 1),
    )
    .await;
    assert!(!replaced.is_empty());
    screenshot(&c, "chromium-certificate-replaced.png").await;

    // The design editor: the live preview redraws as the title changes; saving keeps it.
    click(&c, "#cert-design").await;
    wait_css(&c, "#tpl-preview").await;
    let preview = |c: &Client| {
        let c = c.clone();
        async move {
            c.execute(
                "return document.querySelector('#tpl-preview').innerHTML",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_string()
        }
    };
    let mut before = String::new();
    for _ in 0..100 {
        before = preview(&c).await;
        if before.contains("<use") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        before.contains("<svg") && before.contains("<use"),
        "preview drawn"
    );
    let title = c.find(Locator::Css("#tpl-title")).await.unwrap();
    title.clear().await.unwrap();
    title.send_keys("شهادة حضور وتقدير").await.unwrap();
    let mut after = before.clone();
    for _ in 0..100 {
        after = preview(&c).await;
        if after != before && after.contains("<use") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(after, before, "the preview follows the edit");
    screenshot(&c, "chromium-certificate-design.png").await;
    // An unknown placeholder: refused once, with the valid ones.
    type_in(&c, "#tpl-body", " {اسم_خطأ}").await;
    let err = wait_text(&c, "#tpl-errors", "{اسم_خطأ}").await;
    assert!(err.contains("{الساعات}"), "{err}");
    let shown = c
        .find_all(Locator::Css("#tpl-errors li"))
        .await
        .unwrap()
        .len();
    assert_eq!(shown, 1, "the error is shown once");
    screenshot(&c, "chromium-certificate-placeholder.png").await;
    for _ in 0..10 {
        type_in(&c, "#tpl-body", "\u{E003}").await;
    }
    let deadline = Instant::now() + WAIT;
    while !wait_css(&c, "#tpl-errors")
        .await
        .text()
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the error goes with the placeholder"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&c, "#tpl-save").await;
    let mut saved = Value::Null;
    for _ in 0..50 {
        saved = api(
            &url,
            "certificate_template",
            json!({"forum_id": 1, "kind": "attendance"}),
        )
        .await;
        if saved["title"] == "شهادة حضور وتقدير" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(saved["title"], "شهادة حضور وتقدير");

    // Badges from the attendees screen, four to a page.
    c.goto(&format!("{url}/#/people")).await.unwrap();
    click(&c, "#print-badges").await;
    click(&c, "#badge-layout option[value=a4]").await;
    click(&c, "#badge-go").await;
    let done = wait_text(&c, "#badge-done", "بطاقة").await;
    assert!(done.contains("صفحة"), "{done}");
    screenshot(&c, "chromium-people-badges.png").await;
    c.close().await.unwrap();
}

/// The floor plan in Chromium: an entity assigned from the booth's list and another dragged
/// onto a booth are drawn in their booths; «where is» highlights the booth; the entities
/// screen shows the booth.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_assigns_entities_to_booths_on_the_plan() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let forum = api(&url, "forum_list", json!({})).await[0]["id"].clone();
    let mut ids = Vec::new();
    for name in ["جمعية وعي الصحية", "شركة سابك"] {
        let e = api(
            &url,
            "entity_create",
            json!({"forum_id": forum, "entity": {"name_ar": name, "kind": "غير ربحية"}}),
        )
        .await;
        ids.push(e["id"].as_i64().expect("entity created"));
    }
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/floor")).await.unwrap();
    wait_text(&c, "#waiting-entities", "جمعية وعي الصحية").await;

    // From the list: choose the free booth B16, pick the entity, assign.
    click(&c, "[data-code=\"B16\"] rect").await;
    wait_text(&c, "#booth-panel", "الركن B16").await;
    click(&c, &format!("#booth-pick option[value=\"{}\"]", ids[0])).await;
    click(&c, "#booth-assign").await;
    wait_text(&c, "#booth-occupant", "جمعية وعي الصحية").await;
    let drawn: Value = c
        .execute(
            "const g = document.querySelector('[data-code=\"B16\"]');
             return [g.classList.contains('taken'), g.querySelector('title').textContent];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(drawn, json!([true, "B16 — جمعية وعي الصحية"]));

    // Drag and drop: the waiting entity onto booth B15 (HTML drag events, as a mouse sends them).
    c.execute(
        "const item = document.querySelector('#waiting-entities .waiting-item');
         const booth = document.querySelector('[data-code=\"B15\"]');
         const dt = new DataTransfer();
         item.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt }));
         booth.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
         booth.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));",
        vec![],
    )
    .await
    .unwrap();
    wait_text(&c, "#booth-occupant", "شركة سابك").await;
    let plan = api(&url, "floor_plan", json!({"forum_id": forum})).await;
    let b15 = plan["booths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == "B15")
        .unwrap();
    assert_eq!(b15["occupant"]["name"], "شركة سابك");
    assert_eq!(plan["unassigned_entities"], json!([]));

    // A second entity on an occupied booth is refused with the occupant's name.
    let refused = api(
        &url,
        "booth_assign",
        json!({"booth_id": b15["id"], "entity_id": ids[0]}),
    )
    .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("مشغول بـ«شركة سابك»"),
        "{refused}"
    );

    // Where is …?
    type_in(&c, "#where-input", "وعي").await;
    wait_text(&c, "#where-results", "B16").await;
    wait_css(&c, "[data-code=\"B16\"].hl").await;
    screenshot(&c, "chromium-floor-plan.png").await;

    // Names readable on screen: drawn as large as their booth allows (never a few pixels), the
    // plan zooms and pans, and the directory names every occupant in full.
    // Every name shown is at least 8 px tall on this screen; the rest wait for the zoom.
    let names = |c: &Client| {
        let c = c.clone();
        async move {
            let v: Value = c
                .execute(
                    "const taken = document.querySelectorAll('.booth.taken').length;
                     const shown = [...document.querySelectorAll('.booth.taken .booth-name')]
                       .filter((n) => getComputedStyle(n).display !== 'none');
                     return [taken, new Set(shown.map((n) => n.parentNode)).size,
                             Math.min(99, ...shown.map((n) => n.getBoundingClientRect().height))];",
                    vec![],
                )
                .await
                .unwrap();
            (
                v[0].as_f64().unwrap(),
                v[1].as_f64().unwrap(),
                v[2].as_f64().unwrap(),
            )
        }
    };
    let (_, _, smallest) = names(&c).await;
    assert!(
        smallest >= 7.5,
        "the smallest name shown is {smallest} px tall"
    );
    let outline: Value = c
        .execute(
            "const g = document.querySelector('[data-code=\"B16\"]'); g.focus();
             return getComputedStyle(g).outlineStyle",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outline, json!("none"), "no focus oval drawn over a booth");
    click(&c, "#plan-zoom-in").await;
    click(&c, "#plan-zoom-in").await;
    click(&c, "#plan-zoom-in").await;
    wait_text(&c, "#plan-zoom-label", "350").await;
    let (taken, named, smallest) = names(&c).await;
    assert!(
        named >= taken * 0.8,
        "zoomed in, {named} of {taken} booths show their name"
    );
    assert!(
        smallest >= 7.5,
        "the smallest name shown is {smallest} px tall"
    );
    let scrolls: Value = c
        .execute(
            "const p = document.getElementById('plan'); return p.scrollWidth > p.clientWidth * 1.5",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(scrolls, json!(true), "zoomed in, the plan pans");
    screenshot(&c, "chromium-floor-zoomed.png").await;
    click(&c, "#plan-directory summary").await;
    let directory = wait_text(&c, "#plan-directory", "شركة سابك").await;
    assert!(directory.contains("B15"), "{directory}");
    click(
        &c,
        &format!("#plan-directory button[data-booth-id=\"{}\"]", b15["id"]),
    )
    .await;
    wait_text(&c, "#booth-panel", "الركن B15").await;
    click(&c, "#plan-zoom-fit").await;
    wait_text(&c, "#plan-zoom-label", "100").await;

    // Zones are edited in place: the stage renamed and made deeper.
    click(&c, "#plan-tools summary").await;
    let stage = plan["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["kind"] == "stage")
        .unwrap()["id"]
        .clone();
    let row = format!("#zone-table tr[data-zone-id=\"{stage}\"]");
    let name = wait_css(&c, &format!("{row} .z-name")).await;
    name.clear().await.unwrap();
    name.send_keys("منصة الحفل").await.unwrap();
    let depth = wait_css(&c, &format!("{row} .z-h")).await;
    depth.clear().await.unwrap();
    depth.send_keys("7").await.unwrap();
    click(&c, &format!("{row} .row-actions button")).await;
    wait_text(&c, "#toasts", "حُفظت منطقة «منصة الحفل»").await;
    let zones = api(&url, "floor_plan", json!({"forum_id": forum})).await["zones"].clone();
    let z = zones
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["id"] == stage)
        .unwrap();
    assert_eq!(
        (z["name_ar"].as_str(), z["h"].as_f64()),
        (Some("منصة الحفل"), Some(7.0))
    );
    screenshot(&c, "chromium-floor-tools.png").await;

    c.goto(&format!("{url}/#/entities")).await.unwrap();
    wait_text(&c, "#entities-table", "جمعية وعي الصحية").await;
    let row = wait_text(&c, &format!("[data-entity-id=\"{}\"]", ids[0]), "B16").await;
    assert!(row.contains("غير ربحية"), "{row}");
    screenshot(&c, "chromium-entities.png").await;
    // The entity's form with its staff: one more member registered from it gets a badge code.
    click(
        &c,
        &format!("[data-entity-id=\"{}\"] td.row-actions button", ids[0]),
    )
    .await;
    type_in(&c, "#s-full_name", "هند علي الشهري").await;
    type_in(&c, "#s-mobile", "0551239876").await;
    click(&c, "#staff-form button[type=submit]").await;
    wait_text(&c, "#entity-staff", "هند علي الشهري").await;
    screenshot(&c, "chromium-entity-form.png").await;

    // «اعتذرت» frees the booth only once confirmed; a mistaken one set back returns it.
    c.goto(&format!("{url}/#/entities")).await.unwrap();
    let status = format!("[data-entity-id=\"{}\"] select.entity-status", ids[0]);
    click(&c, &format!("{status} option[value=\"withdrew\"]")).await;
    wait_text(&c, "#confirm-text", "B16").await;
    screenshot(&c, "chromium-entity-withdraw-confirm.png").await;
    click(&c, "#confirm-dialog button[value=\"cancel\"]").await;
    let kept = api(&url, "entity_get", json!({ "id": ids[0] })).await;
    assert_eq!(
        (
            kept["entity"]["status"].as_str(),
            kept["entity"]["booth_code"].as_str()
        ),
        (Some("invited"), Some("B16"))
    );
    click(&c, &format!("{status} option[value=\"withdrew\"]")).await;
    wait_text(&c, "#confirm-text", "B16").await;
    click(&c, "#confirm-ok").await;
    wait_text(&c, "#toasts", "أصبح الركن B16 فارغًا").await;
    click(&c, &format!("{status} option[value=\"invited\"]")).await;
    wait_text(&c, "#toasts", "عاد إليها الركن B16").await;
    let back = api(&url, "entity_get", json!({ "id": ids[0] })).await;
    assert_eq!(back["entity"]["booth_code"], "B16");

    // The entities that took part are thanked: their appreciation certificates from the
    // certificates screen (the two just created are only invited).
    c.goto(&format!("{url}/#/certificates")).await.unwrap();
    wait_css(&c, "#cert-table").await;
    click(&c, "#cert-kind option[value=\"appreciation_entity\"]").await;
    wait_text(&c, "#cert-count", "28").await;
    wait_text(&c, "#cert-table", "بنك التنمية الاجتماعية").await;
    click(&c, "#cert-issue").await;
    wait_text(&c, "#cert-done", "طُبعت 28 شهادة، الجديدة منها 28").await;
    screenshot(&c, "chromium-certificates-entities.png").await;
    c.close().await.unwrap();
}

/// The people list in Chromium: everyone in pages of 100, filters (attendance by day, needs,
/// office) that agree with the API, sorting by name, and the export that follows the filter.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_people_pages_filters_and_exports() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let forum_id = api(&url, "forum_list", json!({})).await[0]["id"].clone();
    let total = api(
        &url,
        "person_list",
        json!({ "forum_id": forum_id, "limit": 1 }),
    )
    .await["total"]
        .as_i64()
        .unwrap();
    assert!(total > 200);
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/people")).await.unwrap();
    wait_text(&c, "#people-range", &format!("1–100 من {total}")).await;
    let rows = c
        .find_all(Locator::Css("#people-table tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 100);
    // Page to the end: the last page holds the rest.
    let mut seen = 100;
    while seen < total {
        click(&c, "#people-next").await;
        let upto = (seen + 100).min(total);
        wait_text(
            &c,
            "#people-range",
            &format!("{}–{upto} من {total}", seen + 1),
        )
        .await;
        seen = upto;
    }
    let rows = c
        .find_all(Locator::Css("#people-table tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, total - (total - 1) / 100 * 100);
    screenshot(&c, "chromium-people-last-page.png").await;

    // Not yet checked in on day 2: the count is the API's, and the export follows.
    let absent = api(
        &url,
        "person_list",
        json!({ "forum_id": forum_id, "day": 2, "attended": false, "limit": 1 }),
    )
    .await["total"]
        .as_i64()
        .unwrap();
    click(&c, "#people-attendance option[value='n2']").await;
    wait_text(&c, "#people-count", &format!("({absent})")).await;
    wait_text(&c, "#people-export", "من لم يحضر اليوم 2").await;
    let days: Vec<String> = {
        let mut out = Vec::new();
        for td in c
            .find_all(Locator::Css("#people-table td.days"))
            .await
            .unwrap()
        {
            out.push(td.text().await.unwrap());
        }
        out
    };
    assert!(days.iter().all(|d| !d.contains('2')), "{days:?}");
    // Needs and name order combine with it.
    click(&c, "#people-needs option[value='any']").await;
    click(&c, "#people-sort option[value='name']").await;
    let want = api(
        &url,
        "person_list",
        json!({ "forum_id": forum_id, "day": 2, "attended": false, "needs": "any", "sort": "name", "limit": 100 }),
    )
    .await;
    let first = want["people"][0]["full_name"].as_str().unwrap().to_string();
    wait_text(&c, "#people-count", &format!("({})", want["total"])).await;
    wait_text(&c, "#people-table tbody tr:first-child td.name", &first).await;
    let label = aria_label(&c, "#people-table tbody tr:first-child .badge-one").await;
    assert_eq!(
        label,
        format!("بطاقة {first}"),
        "row buttons name their person"
    );
    // The screens count nouns as the core does (one rule, written for print and for screen).
    let numbers = [
        0u64, 1, 2, 3, 6, 10, 11, 99, 100, 101, 102, 103, 111, 200, 1000, 1012,
    ];
    for (js, core_noun) in [
        ("person", &multaqa::text::PEOPLE),
        ("eligible", &multaqa::text::ELIGIBLE),
        ("row", &multaqa::text::ROWS),
    ] {
        let screen: Value = c
            .execute_async(
                "const [ns, noun, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
                 import('/js/dom.js').then((m) => done(ns.map((n) => m.counted(n, m.NOUNS[noun]))));",
                vec![json!(numbers), json!(js)],
            )
            .await
            .unwrap();
        let core: Vec<String> = numbers
            .iter()
            .map(|n| multaqa::text::counted(*n, core_noun))
            .collect();
        assert_eq!(screen, json!(core), "{js}");
    }
    screenshot(&c, "chromium-people-filtered.png").await;
    catch_downloads(&c).await;
    click(&c, "#people-export").await;
    let (_, head) = downloaded(&c, "لم-يحضروا-اليوم-2.xlsx").await;
    assert!(head.starts_with("PK"));
    c.close().await.unwrap();
}

/// A new browser opens the forum running today — not the newest one made — and shows its full
/// name under the picker.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_opens_the_forum_running_today_with_its_full_name() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let running = api(
        &url,
        "forum_create",
        json!({ "forum": { "name_ar": "ملتقى التمكين الاجتماعي بمنطقة عسير — الدورة الثانية", "start_date": today, "day_count": 2 } }),
    )
    .await;
    api(
        &url,
        "forum_create",
        json!({ "forum": { "name_ar": "ملتقى التمكين الاجتماعي بمنطقة نجران", "start_date": "2030-03-03", "day_count": 2 } }),
    )
    .await;
    let def = api(&url, "forum_default", json!({})).await;
    assert_eq!(def["forum_id"], running["id"]);
    assert_eq!(def["why"], "running");
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    // The desk (full screen) names the forum it checks in for.
    c.goto(&format!("{url}/#/desk")).await.unwrap();
    let title = wait_text(&c, ".desk-title", "الدورة الثانية").await;
    assert!(title.contains("ملتقى التمكين الاجتماعي بمنطقة عسير — الدورة الثانية"));
    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    let name = wait_text(&c, "#forum-name", "الدورة الثانية").await;
    assert!(
        name.contains("ملتقى التمكين الاجتماعي بمنطقة عسير — الدورة الثانية"),
        "{name}"
    );
    let picked: Value = c
        .execute(
            "return document.getElementById('forum-picker').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(picked, json!(running["id"].to_string()));
    screenshot(&c, "chromium-forum-running-today.png").await;
    c.close().await.unwrap();
}

/// The families exhibition in Chromium: a rejection needs its reason; an approved family's
/// withdrawal offers the place to the first on the waiting list; a day's sales typed in
/// Arabic-Indic digits are saved; the dashboard shows the exhibition's sales.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_reviews_families_and_records_sales() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let forum = api(&url, "forum_list", json!({})).await[0]["id"].clone();
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/families")).await.unwrap();
    wait_text(&c, "#quota-strip", "أطعمة").await;

    // Reject an application: the reason is asked for, then recorded.
    let applied = api(
        &url,
        "family_list",
        json!({"forum_id": forum, "status": "applied"}),
    )
    .await["families"][0]
        .clone();
    let id = applied["id"].as_i64().unwrap();
    let row = format!("[data-family-id=\"{id}\"]");
    click(&c, &format!("{row} [data-to=\"rejected\"]")).await;
    click(&c, &format!("{row} .reason-form button[type=submit]")).await;
    wait_text(&c, "#toasts", "اكتب سبب الرفض").await;
    type_in(
        &c,
        &format!("{row} input.reason"),
        "المنتج يحتاج ترخيصًا من البلدية",
    )
    .await;
    click(&c, &format!("{row} .reason-form button[type=submit]")).await;
    wait_text(&c, &row, "مرفوضة").await;
    // The application's details show the decision with its reason and who took it.
    let label = aria_label(&c, &format!("{row} td.row-actions button:last-child")).await;
    assert_eq!(
        label,
        format!("تفاصيل {}", applied["head_name"].as_str().unwrap()),
        "row buttons name their family"
    );
    click(&c, &format!("{row} td.row-actions button:last-child")).await;
    wait_text(&c, "#family-history", "المنتج يحتاج ترخيصًا من البلدية").await;
    wait_css(&c, "#fa-photos").await;
    screenshot(&c, "chromium-family-form.png").await;
    let detail = api(&url, "family_get", json!({"id": id})).await;
    let last = detail["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["reason"], "المنتج يحتاج ترخيصًا من البلدية");
    // Its time in venue time (UTC+3), never the stored UTC.
    let at = chrono::DateTime::parse_from_rfc3339(last["decided_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap());
    let history = wait_text(&c, "#family-history", "المنتج").await;
    let clock = at.format("%I:%M").to_string();
    assert!(history.contains(&clock), "{clock} in {history}");
    assert!(
        !history.contains('T') && !history.contains('Z'),
        "{history}"
    );

    // An approved sweets family withdraws: the first wait-listed sweets family is offered the place.
    let approved = api(
        &url,
        "family_list",
        json!({"forum_id": forum, "status": "approved", "category": "sweets"}),
    )
    .await["families"][0]
        .clone();
    let first_waiting = api(
        &url,
        "family_list",
        json!({"forum_id": forum, "status": "waitlisted", "category": "sweets"}),
    )
    .await["families"][0]
        .clone();
    let row = format!("[data-family-id=\"{}\"]", approved["id"]);
    click(&c, &format!("{row} [data-to=\"withdrawn\"]")).await;
    click(&c, &format!("{row} .reason-form button[type=submit]")).await;
    wait_text(
        &c,
        "#toasts",
        &format!(
            "عُرض المكان على «{}»",
            first_waiting["head_name"].as_str().unwrap()
        ),
    )
    .await;
    screenshot(&c, "chromium-families-review.png").await;

    // Day 1 sales, typed in Arabic-Indic digits.
    click(&c, "#tab-days").await;
    wait_css(&c, "#sales-table tbody tr .sales").await;
    let first = c.find(Locator::Css("#sales-table tbody tr")).await.unwrap();
    let fid: String = first.attr("data-family-id").await.unwrap().unwrap();
    let sales = first.find(Locator::Css("input.sales")).await.unwrap();
    sales.clear().await.unwrap();
    sales.send_keys("١٢٣٤٫٥").await.unwrap();
    first
        .find(Locator::Css(".save-day"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(
        &c,
        &format!("[data-family-id=\"{fid}\"] .row-state"),
        "1,234.5",
    )
    .await;
    // The day's total follows the saved line.
    let totals = api(&url, "family_totals", json!({"forum_id": forum})).await;
    let want = totals["per_day"][0]["sales_halalas"].as_f64().unwrap() / 100.0;
    let deadline = Instant::now() + WAIT;
    loop {
        let shown = c
            .find(Locator::Css("#day-sales"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let got: f64 = shown.replace(',', "").parse().unwrap_or(-1.0);
        if (got - want).abs() < 0.005 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "day total shows {shown}, expected {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&c, "chromium-families-sales.png").await;
    click(&c, "#tab-quotas").await;
    wait_text(&c, "#quota-table", "حلويات").await;
    screenshot(&c, "chromium-families-quotas.png").await;

    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    wait_text(&c, "#dash-exhibition", "إجمالي المبيعات").await;
    wait_css(&c, "#sales-by-category li").await;
    screenshot(&c, "chromium-dashboard-exhibition.png").await;
    // The final report, from the dashboard.
    catch_downloads(&c).await;
    click(&c, "#final-report-pdf").await;
    let (size, head) = downloaded(&c, "التقرير-الختامي.pdf").await;
    assert!(size > 10_000 && head == "%PDF", "{size} {head}");
    click(&c, "#final-report-xlsx").await;
    let (_, head) = downloaded(&c, "التقرير-الختامي.xlsx").await;
    assert!(head.starts_with("PK"), "an .xlsx is a zip");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_booth_scans_refers_and_a_rescan_updates() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let forum_id = api(&url, "forum_list", json!({})).await[0]["id"].clone();
    let offers = api(
        &url,
        "opportunity_list",
        json!({ "forum_id": forum_id, "track": "job" }),
    )
    .await;
    let offer = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["status"] == "open")
        .expect("an open job")
        .clone();
    let entity = offer["entity_id"].clone();
    let visitor = api(
        &url,
        "person_create",
        json!({ "forum_id": forum_id, "person": {
            "full_name": "جود سالم العبدلي", "mobile": "0553332211", "category": "beneficiary" } }),
    )
    .await;
    let code = visitor["badge_code"].as_str().unwrap().to_string();

    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    // The booth device remembers its entity.
    c.goto(&format!("{url}/#/dashboard")).await.unwrap();
    c.execute(
        &format!("localStorage.setItem('multaqa.booth.entity.{forum_id}', '{entity}')"),
        vec![],
    )
    .await
    .unwrap();
    c.goto(&format!("{url}/#/booth")).await.unwrap();
    wait_css(&c, "#booth-scan").await;
    let focused: Value = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("booth-scan"), "the scan field has the focus");
    type_in(
        &c,
        "#booth-scan",
        &format!("{}\u{E007}", code.to_lowercase()),
    )
    .await;
    wait_text(&c, "#booth-person-name", "جود سالم العبدلي").await;
    wait_text(&c, "#booth-no-consent", "لم يوافق").await;
    let offers_text = wait_text(&c, "#booth-offers", offer["title"].as_str().unwrap()).await;
    assert!(!offers_text.is_empty());
    click(
        &c,
        &format!("#booth-offers .offer[data-id='{}']", offer["id"]),
    )
    .await;
    screenshot(&c, "chromium-booth-chosen.png").await;
    click(&c, "#booth-refer").await;
    wait_text(&c, "#booth-done", "أُحيل جود سالم العبدلي").await;
    wait_text(&c, "#booth-history", offer["title"].as_str().unwrap()).await;
    screenshot(&c, "chromium-booth-referred.png").await;

    // The same visitor again: the referral is updated, never duplicated.
    type_in(&c, "#booth-scan", &format!("{code}\u{E007}")).await;
    wait_text(&c, "#booth-refer", "تحديث الإحالة").await;
    click(&c, "#booth-refer").await;
    wait_text(&c, "#booth-done", "حُدّثت الإحالة نفسها").await;
    let referrals = api(
        &url,
        "referral_list",
        json!({ "forum_id": forum_id, "person_id": visitor["id"] }),
    )
    .await;
    assert_eq!(referrals.as_array().unwrap().len(), 1, "{referrals}");
    assert_eq!(referrals[0]["source"], "booth_scan");

    // The host out of reach: a badge is referred to the offers last seen, queued with its scan
    // time, and sent when the host answers again.
    let second = api(
        &url,
        "person_create",
        json!({ "forum_id": forum_id, "person": {
            "full_name": "ليان حسن المدخلي", "mobile": "0553332299", "category": "beneficiary" } }),
    )
    .await;
    c.execute(
        "window.__offline = true; const f = window.fetch; \
         window.fetch = (u, o) => window.__offline && String(u).includes('/api/') \
           ? Promise.reject(new TypeError('Failed to fetch')) : f(u, o);",
        vec![],
    )
    .await
    .unwrap();
    type_in(
        &c,
        "#booth-scan",
        &format!("{}\u{E007}", second["badge_code"].as_str().unwrap()),
    )
    .await;
    wait_text(&c, "#booth-offline", "لا يوجد اتصال بالجهاز الرئيس").await;
    click(
        &c,
        &format!("#booth-offers .offer[data-id='{}']", offer["id"]),
    )
    .await;
    click(&c, "#booth-refer").await;
    wait_text(&c, "#booth-queued", "حُفظت الإحالة وستُرسل تلقائيًا").await;
    wait_text(&c, "#booth-pending", "بانتظار الإرسال: 1").await;
    screenshot(&c, "chromium-booth-queued.png").await;
    let queued: Value = c
        .execute(
            &format!(
                "return JSON.parse(localStorage.getItem('multaqa.booth.queue.{forum_id}'))[0].scanned_at"
            ),
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    c.execute("window.__offline = false;", vec![])
        .await
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let sent = loop {
        let r = api(
            &url,
            "referral_list",
            json!({ "forum_id": forum_id, "person_id": second["id"] }),
        )
        .await;
        if !r.as_array().unwrap().is_empty() || Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(sent.as_array().unwrap().len(), 1, "{sent}");
    assert_eq!(sent[0]["opportunity_id"], offer["id"]);
    let at = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .timestamp()
    };
    assert_eq!(
        at(&sent[0]["scanned_at"]),
        at(&queued),
        "the time it was scanned, not when it arrived"
    );
    let pending_shown: Value = c
        .execute(
            "return getComputedStyle(document.getElementById('booth-pending')).display",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(pending_shown, json!("none"));

    // The committee sees it on the tracks screen and moves it on.
    c.goto(&format!("{url}/#/tracks")).await.unwrap();
    click(&c, "#tab-referrals").await;
    wait_text(&c, "#referrals-table", "جود سالم العبدلي").await;
    click(&c, "#referrals-table tbody tr").await;
    wait_text(&c, "#referral-card", "قُبل للمقابلة").await;
    click(&c, "#referral-card button[data-to='interview']").await;
    wait_text(&c, "#referral-card", "الحالة الآن: قُبل للمقابلة").await;
    screenshot(&c, "chromium-tracks-referral.png").await;
    click(&c, "#tab-job").await;
    wait_text(&c, "#opportunities-table", offer["title"].as_str().unwrap()).await;
    click(&c, "#opportunities-table button.waitlist").await;
    wait_text(&c, "#waitlist", "قائمة الانتظار").await;
    screenshot(&c, "chromium-tracks-jobs.png").await;
    // Follow-ups of the demo's placements, by office; recording one moves it off the list.
    click(&c, "#tab-follow_up").await;
    let before = wait_text(&c, "#follow-up-count", "متابعة").await;
    click(
        &c,
        "table.follow-ups tbody tr button[data-result='not_reachable']",
    )
    .await;
    wait_text(&c, "#toasts", "سُجلت المتابعة").await;
    let deadline = Instant::now() + WAIT;
    while wait_text(&c, "#follow-up-count", "متابعة").await == before && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_ne!(wait_text(&c, "#follow-up-count", "متابعة").await, before);
    screenshot(&c, "chromium-tracks-follow-ups.png").await;
    // The families-empowered report, under its definition.
    click(&c, "#tab-impact").await;
    wait_text(&c, "#impact-definition", "تُعدّ الأسرة ممكَّنة").await;
    let families = wait_css(&c, "#impact-families").await.text().await.unwrap();
    let report = api(&url, "impact_report", json!({ "forum_id": forum_id })).await;
    assert_eq!(families, report["families_empowered"].to_string());
    wait_text(&c, "#impact-reconciliation", "أشخاص في أكثر من مسار").await;
    // Every breakdown is on the screen with its bars, in the report's order.
    for (id, key) in [
        ("#impact-offices", "by_office"),
        ("#impact-entities", "by_entity"),
        ("#impact-gender", "by_gender"),
        ("#impact-disability", "by_disability"),
        ("#impact-days", "by_day"),
    ] {
        let first = report[key][0]["key"].as_str().unwrap();
        let text = wait_text(&c, id, first).await;
        assert!(text.contains(first), "{id}");
        let bars = c
            .find_all(Locator::Css(&format!("{id} .bar-fill")))
            .await
            .unwrap();
        assert_eq!(bars.len(), report[key].as_array().unwrap().len(), "{id}");
    }
    let days = wait_text(&c, "#impact-days", "اليوم 1").await;
    assert!(days.find("اليوم 1") < days.find("اليوم 2"), "days in order");
    catch_downloads(&c).await;
    click(&c, "#impact-pdf").await;
    let (size, head) = downloaded(&c, "تقرير-التمكين.pdf").await;
    assert!(size > 10_000 && head == "%PDF", "{size} {head}");
    screenshot(&c, "chromium-impact-report.png").await;
    c.execute(
        "document.querySelector('#impact-offices').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "chromium-impact-breakdowns.png").await;

    // Course completion certificates: one batch per course, for those who completed it.
    let courses = api(&url, "certificate_courses", json!({ "forum_id": forum_id })).await;
    let best = courses
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|c| c["completed"].as_u64().unwrap())
        .unwrap()
        .clone();
    let completed = best["completed"].as_u64().unwrap();
    assert!(completed > 0);
    c.goto(&format!("{url}/#/certificates")).await.unwrap();
    wait_css(&c, "#cert-table").await;
    click(&c, "#cert-kind option[value=\"course\"]").await;
    click(
        &c,
        &format!("#cert-course option[value=\"{}\"]", best["id"]),
    )
    .await;
    wait_text(
        &c,
        "#cert-count",
        &format!("({})", counted(completed, &ELIGIBLE)),
    )
    .await;
    click(&c, "#cert-issue").await;
    wait_text(
        &c,
        "#cert-done",
        &format!(
            "طُبعت {}، الجديدة منها {completed}",
            counted(completed, &CERTIFICATES)
        ),
    )
    .await;
    screenshot(&c, "chromium-certificates-course.png").await;

    // The committee refers from the person's row too.
    c.goto(&format!("{url}/#/people")).await.unwrap();
    type_in(&c, "#people-search", "جود العبدلي").await;
    wait_text(&c, "#people-count", "نتيجة").await;
    click(
        &c,
        &format!("tr[data-person-id='{}'] .refer-one", visitor["id"]),
    )
    .await;
    let pick = wait_css(&c, "#refer-opportunity").await;
    pick.select_by_index(2).await.unwrap();
    click(&c, "#refer-go").await;
    wait_text(&c, "#refer-status", "جود سالم العبدلي").await;
    screenshot(&c, "chromium-people-refer.png").await;

    // Registration asks for the file number and the consent sentence.
    c.goto(&format!("{url}/#/people")).await.unwrap();
    click(&c, "#new-person").await;
    let form = wait_text(&c, "#person-form", "أوافق على أن تتسلم الجهات الممكنة").await;
    assert!(form.contains("رقم ملف الضمان"), "{form}");
    screenshot(&c, "chromium-person-form.png").await;
    c.close().await.unwrap();
}

/// Accounts in Chromium (issue 13): once the committee has an account the host asks who is
/// working, every screen waits for the one sign-in, the sidebar names the member, the admin
/// adds a member from Settings, and signing out asks again.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_signs_in_members_and_the_admin_adds_one() {
    let db = temp_db();
    let (_server, url) = spawn_serve(&db);
    let sara = api(
        &url,
        "account_create",
        json!({ "username": "sara", "display_name": "سارة الحربي", "role": "admin", "password": "كلمة-مرور-سارة" }),
    )
    .await;
    assert_eq!(sara["role"], "admin", "{sara}");
    let (_driver, port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(&profile, port).await;
    c.goto(&format!("{url}/#/settings")).await.unwrap();
    wait_css(&c, "#sign-in-dialog[open]").await;
    type_in(&c, "#sign-in-username", "sara").await;
    type_in(&c, "#sign-in-password", "خطأ").await;
    click(&c, "#sign-in-ok").await;
    wait_text(&c, "#sign-in-error", "غير صحيحة").await;
    c.find(Locator::Css("#sign-in-password"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_in(&c, "#sign-in-password", "كلمة-مرور-سارة").await;
    screenshot(&c, "chromium-sign-in.png").await;
    click(&c, "#sign-in-ok").await;
    wait_text(&c, "#account-name", "سارة الحربي — مشرف").await;
    wait_text(&c, "#account-table", "سارة الحربي").await;
    // The admin adds a member.
    type_in(&c, "#account-new-name", "علي عسيري").await;
    type_in(&c, "#account-new-username", "ali").await;
    c.execute(
        "const s = document.getElementById('account-new-role'); s.value = 'committee'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    type_in(&c, "#account-new-password", "كلمة-مرور-علي").await;
    click(&c, "#account-add").await;
    wait_text(&c, "#account-table", "علي عسيري").await;
    c.execute(
        "document.getElementById('accounts-section').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "chromium-accounts.png").await;
    // Signing out asks again; Ali signs in and the sidebar names him.
    click(&c, "#account-sign-out").await;
    wait_css(&c, "#sign-in-dialog[open]").await;
    type_in(&c, "#sign-in-username", "ali").await;
    type_in(&c, "#sign-in-password", "كلمة-مرور-علي").await;
    click(&c, "#sign-in-ok").await;
    wait_text(&c, "#account-name", "علي عسيري — عضو اللجنة المنظمة").await;
    // What he cannot do is not offered: managing accounts is the admin's.
    wait_text(&c, "#accounts-admin-only", "لحسابات المشرفين").await;
    assert!(c.find(Locator::Css("#account-add")).await.is_err());
    c.close().await.unwrap();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let who: String = conn
        .query_row(
            "SELECT who FROM audit WHERE command = 'account_create' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(who.starts_with("سارة الحربي (مشرف)"), "{who}");
}
