//! Realistic demo data so a new user sees the app working: the first Social Empowerment Forum
//! of the Jazan region. Marked `is_demo`, loaded idempotently, removable from the settings.

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::forum::{self, ForumInput, LooseInt, Member};

/// Fixed identity of the demo forum, so loading twice never creates two.
pub const DEMO_FORUM_UUID: &str = "5ef0d3a0-0000-4000-8000-000000001441";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DemoStatus {
    pub present: bool,
    pub forum_ids: Vec<i64>,
}

fn member(name: &str, role: &str) -> Member {
    Member {
        name: name.to_string(),
        role: role.to_string(),
    }
}

pub fn demo_forum() -> ForumInput {
    ForumInput {
        name_ar: "ملتقى التمكين الاجتماعي بمنطقة جازان".into(),
        name_en: "Social Empowerment Forum — Jazan Region".into(),
        region: "منطقة جازان".into(),
        venue: "مركز الأمير سلطان الحضاري، جازان".into(),
        start_date: "2019-11-10".into(),
        day_count: Some(LooseInt::Int(2)),
        end_date: None,
        patron: "صاحب السمو الملكي أمير منطقة جازان".into(),
        organizing_committee: vec![
            member(
                "أ. عبدالله بن محمد المالكي",
                "رئيس اللجنة المنظمة — مدير الضمان الاجتماعي بالمنطقة",
            ),
            member(
                "أ. فاطمة بنت علي الحازمي",
                "نائبة الرئيس — التمكين والشراكات",
            ),
            member("أ. حسن بن أحمد عريشي", "أمين اللجنة"),
            member("أ. نورة بنت سالم الشهري", "عضو — الإعلام والتواصل"),
            member("م. خالد بن يحيى صميلي", "عضو — الجهات الممكنة"),
        ],
        executive_committee: vec![
            member("أ. إبراهيم بن موسى النعمي", "رئيس اللجنة التنفيذية"),
            member("أ. مريم بنت حسين القحطاني", "التسجيل ومنصات الاستقبال"),
            member("أ. علي بن عيسى مدخلي", "التجهيزات والأركان"),
            member("أ. هدى بنت محمد عطيف", "معرض الأسر المنتجة"),
            member("أ. ماجد بن ناصر الزهراني", "المتطوعون"),
        ],
        logo: None,
    }
}

pub fn status(conn: &Connection) -> Result<DemoStatus> {
    let mut stmt = conn.prepare("SELECT id FROM forum WHERE is_demo = 1 ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(DemoStatus {
        present: !ids.is_empty(),
        forum_ids: ids,
    })
}

/// Loads the demo forum unless it is already there; returns its id.
pub fn load(conn: &mut Connection) -> Result<i64> {
    let existing: Option<i64> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT id FROM forum WHERE uuid = ?1",
        [DEMO_FORUM_UUID],
        |r| r.get(0),
    ))?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(forum::create_with(conn, &demo_forum(), DEMO_FORUM_UUID, true)?.id)
}

/// Deletes everything marked as demo data; returns how many forums went.
pub fn remove(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM forum WHERE is_demo = 1", [])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn load_is_idempotent_and_remove_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let a = load(&mut conn).unwrap();
        let b = load(&mut conn).unwrap();
        assert_eq!(a, b);
        let f = forum::get(&conn, a).unwrap();
        assert!(f.is_demo);
        assert_eq!(f.days.len(), 2);
        assert_eq!(f.executive_committee.len(), 5);
        assert_eq!(status(&conn).unwrap().forum_ids, vec![a]);
        assert_eq!(remove(&conn).unwrap(), 1);
        assert!(!status(&conn).unwrap().present);
    }
}
