//! Forum setup through the command registry — the calls every adapter makes.

use multaqa::api::call;
use serde_json::{json, Value};

use crate::common::{core, forum_json, temp_db};

#[test]
fn create_list_update_delete() {
    let db = temp_db();
    let core = core(&db);
    let created = call(
        &core,
        "forum_create",
        json!({ "forum": forum_json("ملتقى التمكين الثاني") }),
    )
    .unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["day_count"], 2);
    assert_eq!(created["end_date"], "2024-03-12");
    assert_eq!(
        created["days"][0]["full"],
        "الاثنين 1 رمضان 1445هـ — 11 مارس 2024م"
    );
    assert_eq!(created["days"][1]["hijri"], "2 رمضان 1445هـ");
    assert_eq!(created["organizing_committee"][0]["role"], "رئيس");

    let list = call(&core, "forum_list", Value::Null).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    let mut edit = forum_json("ملتقى التمكين الثاني — معدل");
    edit["day_count"] = json!(null);
    edit["end_date"] = json!("2024-03-13");
    let updated = call(&core, "forum_update", json!({ "id": id, "forum": edit })).unwrap();
    assert_eq!(updated["day_count"], 3);
    assert_eq!(updated["name_ar"], "ملتقى التمكين الثاني — معدل");

    assert_eq!(
        call(&core, "forum_delete", json!({ "id": id })).unwrap()["deleted"],
        true
    );
    let err = call(&core, "forum_get", json!({ "id": id })).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(err.to_string(), "الملتقى غير موجود");
}

#[test]
fn invalid_forms_save_nothing_and_name_each_field() {
    let db = temp_db();
    let core = core(&db);
    let cases = [
        ("name_ar", json!(""), "اسم الملتقى بالعربية مطلوب"),
        (
            "day_count",
            json!(0),
            "عدد أيام الملتقى يجب أن يكون من 1 إلى 29 يومًا",
        ),
        (
            "day_count",
            json!("30"),
            "عدد أيام الملتقى يجب أن يكون من 1 إلى 29 يومًا",
        ),
        (
            "start_date",
            json!("2024-02-30"),
            "تاريخ اليوم الأول غير صحيح",
        ),
        (
            "logo",
            json!("data:application/pdf;base64,JVBERi0xLjQK"),
            "الشعار يجب أن يكون صورة بصيغة PNG أو JPEG أو WebP",
        ),
    ];
    for (field, value, message) in cases {
        let mut f = forum_json("ملتقى");
        f[field] = value;
        let err = call(&core, "forum_create", json!({ "forum": f })).unwrap_err();
        assert_eq!(err.code(), "validation", "{field}");
        let fields = err.fields();
        assert!(
            fields
                .iter()
                .any(|e| e.field == field && e.message == message),
            "{field}: {fields:?}"
        );
    }
    let mut f = forum_json("ملتقى");
    f["end_date"] = json!("2024-03-01");
    f["day_count"] = json!(null);
    let err = call(&core, "forum_create", json!({ "forum": f })).unwrap_err();
    assert_eq!(err.fields()[0].field, "end_date");
    assert_eq!(
        err.fields()[0].message,
        "تاريخ اليوم الأخير يسبق تاريخ اليوم الأول"
    );

    let list = call(&core, "forum_list", Value::Null).unwrap();
    assert_eq!(list, json!([]), "nothing saved");
}

#[test]
fn day_preview_matches_saved_days() {
    let db = temp_db();
    let core = core(&db);
    let days = call(
        &core,
        "forum_days",
        json!({ "start_date": "2024-03-11", "day_count": "٢" }),
    )
    .unwrap();
    let saved = call(&core, "forum_create", json!({ "forum": forum_json("م") })).unwrap();
    assert_eq!(days, saved["days"]);
    let err = call(
        &core,
        "forum_days",
        json!({ "start_date": "", "day_count": 2 }),
    )
    .unwrap_err();
    assert_eq!(err.fields()[0].field, "start_date");
}

#[test]
fn demo_data_is_marked_and_removable() {
    let db = temp_db();
    let core = multaqa::Core::open_interactive(&db.path).unwrap();
    let status = call(&core, "demo_status", Value::Null).unwrap();
    assert_eq!(
        status["present"], true,
        "first interactive start loads the demo forum"
    );
    let list = call(&core, "forum_list", Value::Null).unwrap();
    assert_eq!(list[0]["name_ar"], "ملتقى التمكين الاجتماعي بمنطقة جازان");
    assert_eq!(list[0]["is_demo"], true);
    assert_eq!(
        call(&core, "demo_remove", Value::Null).unwrap()["removed"],
        1
    );
    drop(core);
    // Removed demo data stays removed on the next start.
    let again = multaqa::Core::open_interactive(&db.path).unwrap();
    assert_eq!(call(&again, "forum_list", Value::Null).unwrap(), json!([]));
}
