//! Schema migrations: an empty file and a database at every earlier version reach the latest
//! schema, identical to a fresh one, keeping their data.

use multaqa::store::{migrations, open_connection, Store};
use rusqlite::Connection;

use crate::common::temp_db;

fn schema(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn empty_file_reaches_latest() {
    let db = temp_db();
    std::fs::write(&db.path, b"").unwrap();
    let store = Store::open(&db.path).unwrap();
    assert_eq!(
        migrations::version(&store.conn()).unwrap(),
        migrations::latest()
    );
}

#[test]
fn every_earlier_version_reaches_latest_with_data() {
    let fresh_db = temp_db();
    let fresh = Store::open(&fresh_db.path).unwrap();
    let fresh_schema = schema(&fresh.conn());

    for v in 0..migrations::latest() {
        let db = temp_db();
        {
            let mut conn = open_connection(&db.path).unwrap();
            migrations::apply_up_to(&mut conn, v).unwrap();
            assert_eq!(migrations::version(&conn).unwrap(), v);
            if v >= 1 {
                conn.execute(
                    "INSERT INTO forum(uuid, name_ar, start_date, day_count, created_at, updated_at)
                     VALUES ('u-1', 'ملتقى قديم', '2019-11-10', 2, 'x', 'x')",
                    [],
                )
                .unwrap();
            }
        }
        let store = Store::open(&db.path).unwrap();
        let conn = store.conn();
        assert_eq!(
            migrations::version(&conn).unwrap(),
            migrations::latest(),
            "from v{v}"
        );
        // A database with a schema is backed up before it is migrated, at its old version.
        let backups =
            multaqa::store::backup::list(&multaqa::store::backup::folder(&db.path)).unwrap();
        if v >= 1 {
            assert_eq!(backups.len(), 1, "from v{v}");
            assert_eq!(backups[0].reason, "migration");
            let old = open_connection(std::path::Path::new(&backups[0].path)).unwrap();
            assert_eq!(migrations::version(&old).unwrap(), v);
        } else {
            assert!(backups.is_empty());
        }
        assert_eq!(
            schema(&conn),
            fresh_schema,
            "schema from v{v} equals a fresh one"
        );
        if v >= 1 {
            let f = multaqa::forum::list(&conn).unwrap();
            assert_eq!(f[0].name_ar, "ملتقى قديم", "data kept from v{v}");
            assert_eq!(f[0].days.len(), 2);
        }
    }
}

#[test]
fn a_failing_migration_leaves_the_version_unchanged() {
    let db = temp_db();
    let mut conn = open_connection(&db.path).unwrap();
    migrations::apply_up_to(&mut conn, 1).unwrap();
    // Occupy a name migration 2 creates, so it fails half-way.
    conn.execute_batch("CREATE TABLE setting (x)").unwrap();
    assert!(migrations::apply_all(&mut conn).is_err());
    assert_eq!(migrations::version(&conn).unwrap(), 1);
    let logo_table: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'forum_logo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logo_table, 0, "nothing of migration 2 is left behind");
}
