//! Numbered schema migrations. The schema version lives in `PRAGMA user_version`; migration N
//! (1-based) takes a database from version N-1 to N inside one transaction. Never edit a
//! migration that has shipped: add a new one at the end.

use rusqlite::Connection;

use crate::error::{AppError, Result};

pub const MIGRATIONS: &[&str] = &[
    // 1: forums and their committees.
    r#"
    CREATE TABLE forum (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        name_ar     TEXT NOT NULL CHECK (length(trim(name_ar)) > 0),
        name_en     TEXT NOT NULL DEFAULT '',
        region      TEXT NOT NULL DEFAULT '',
        venue       TEXT NOT NULL DEFAULT '',
        start_date  TEXT NOT NULL CHECK (date(start_date) = start_date),
        day_count   INTEGER NOT NULL CHECK (day_count BETWEEN 1 AND 29),
        patron      TEXT NOT NULL DEFAULT '',
        is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE committee_member (
        id          INTEGER PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        committee   TEXT NOT NULL CHECK (committee IN ('organizing', 'executive')),
        position    INTEGER NOT NULL,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role        TEXT NOT NULL DEFAULT '',
        UNIQUE (forum_id, committee, position)
    );
    "#,
    // 2: forum logos (kept out of the forum row so lists stay light) and app settings.
    r#"
    CREATE TABLE forum_logo (
        forum_id    INTEGER PRIMARY KEY REFERENCES forum(id) ON DELETE CASCADE,
        mime        TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp')),
        bytes       BLOB NOT NULL
    );
    CREATE TABLE setting (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL
    );
    "#,
    // 3: people (registration), their categories and social-security offices, and check-ins.
    r#"
    CREATE TABLE category (
        code        TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 40),
        label_ar    TEXT NOT NULL CHECK (length(trim(label_ar)) > 0),
        color       TEXT NOT NULL DEFAULT '#0b6b4a',
        position    INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO category(code, label_ar, color, position) VALUES
        ('beneficiary',   'مستفيد',            '#0b6b4a', 1),
        ('family_member', 'فرد من الأسرة',      '#2f7d6d', 2),
        ('disability',    'شخص ذو إعاقة',       '#1f5fa8', 3),
        ('visitor',       'زائر',              '#5b6660', 4),
        ('vip',           'ضيف شرف',           '#8a6d00', 5),
        ('media',         'إعلام',             '#7b3fa0', 6),
        ('volunteer',     'متطوع',             '#c2410c', 7),
        ('entity_staff',  'منسوب جهة ممكنة',    '#0e7490', 8),
        ('organizer',     'اللجنة المنظمة',     '#b3261e', 9);

    CREATE TABLE office (
        id          INTEGER PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        name_ar     TEXT NOT NULL CHECK (length(trim(name_ar)) > 0),
        UNIQUE (forum_id, name_ar)
    );

    CREATE TABLE person (
        id              INTEGER PRIMARY KEY,
        forum_id        INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        uuid            TEXT NOT NULL UNIQUE,
        full_name       TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
        name_key        TEXT NOT NULL,
        name_en         TEXT NOT NULL DEFAULT '',
        national_id     TEXT CHECK (national_id IS NULL OR (length(national_id) = 10 AND national_id NOT GLOB '*[^0-9]*')),
        mobile          TEXT CHECK (mobile IS NULL OR (length(mobile) = 10 AND mobile GLOB '05*')),
        gender          TEXT CHECK (gender IS NULL OR gender IN ('m', 'f')),
        category        TEXT NOT NULL REFERENCES category(code) ON UPDATE CASCADE,
        needs_wheelchair INTEGER NOT NULL DEFAULT 0,
        needs_sign      INTEGER NOT NULL DEFAULT 0,
        needs_companion INTEGER NOT NULL DEFAULT 0,
        needs_other     TEXT NOT NULL DEFAULT '',
        office_id       INTEGER REFERENCES office(id) ON DELETE SET NULL,
        source          TEXT NOT NULL CHECK (source IN ('pre', 'import', 'walk_in')),
        badge_code      TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        UNIQUE (forum_id, badge_code),
        UNIQUE (forum_id, national_id)
    );
    CREATE INDEX person_forum_key ON person(forum_id, name_key);
    CREATE INDEX person_forum_mobile ON person(forum_id, mobile);
    CREATE VIRTUAL TABLE person_fts USING fts5(
        name_key, content = 'person', content_rowid = 'id', tokenize = 'trigram'
    );
    -- New people enter person_fts in bulk (person::Registrar::finish): an insert trigger would
    -- make FTS5 flush its buffer on every row. Deletes and renames keep it in step here.
    CREATE TRIGGER person_fts_delete AFTER DELETE ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    END;
    CREATE TRIGGER person_fts_update AFTER UPDATE OF name_key ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
        INSERT INTO person_fts(rowid, name_key) VALUES (new.id, new.name_key);
    END;

    CREATE TABLE checkin (
        uuid        TEXT PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 29),
        desk        TEXT NOT NULL,
        at          TEXT NOT NULL,
        undone_at   TEXT,
        undo_reason TEXT,
        undone_by   TEXT
    );
    CREATE UNIQUE INDEX checkin_once_per_day ON checkin(person_id, day) WHERE undone_at IS NULL;
    CREATE INDEX checkin_forum_day ON checkin(forum_id, day, at);
    "#,
    // 4: registration desks on the venue network: pairing codes and revocable tokens.
    r#"
    CREATE TABLE desk (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
        pairing_code    TEXT,
        pairing_expires TEXT,
        token_hash      TEXT UNIQUE,
        created_at      TEXT NOT NULL,
        paired_at       TEXT,
        last_seen_at    TEXT,
        revoked_at      TEXT
    );
    CREATE UNIQUE INDEX desk_pairing_code ON desk(pairing_code) WHERE pairing_code IS NOT NULL;
    "#,
    // 5: certificates: one editable template per kind and forum, issued certificates with
    // never-reused serials, and revocation.
    r#"
    CREATE TABLE certificate_template (
        forum_id     INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        title        TEXT NOT NULL,
        body         TEXT NOT NULL,
        signatories  TEXT NOT NULL DEFAULT '[]',
        min_days     INTEGER NOT NULL DEFAULT 1 CHECK (min_days BETWEEN 1 AND 29),
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (forum_id, kind)
    );
    CREATE TABLE certificate_serial (
        forum_id     INTEGER PRIMARY KEY REFERENCES forum(id) ON DELETE CASCADE,
        last         INTEGER NOT NULL
    );
    CREATE TABLE certificate (
        serial         TEXT PRIMARY KEY,
        forum_id       INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        person_id      INTEGER REFERENCES person(id) ON DELETE SET NULL,
        recipient_name TEXT NOT NULL,
        issued_at      TEXT NOT NULL,
        issued_by      TEXT NOT NULL DEFAULT '',
        revoked_at     TEXT,
        revoke_reason  TEXT
    );
    CREATE UNIQUE INDEX certificate_once ON certificate(forum_id, kind, person_id) WHERE person_id IS NOT NULL;
    "#,
    // 6: certificate designs: the forum's logo shown or not, and an optional background image.
    r#"
    ALTER TABLE certificate_template ADD COLUMN show_logo INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE certificate_template ADD COLUMN background BLOB;
    "#,
];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies every migration above the database's version, up to `target`.
pub fn apply_up_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current = version(conn)?;
    if current > latest() {
        return Err(AppError::SchemaTooNew {
            found: current,
            known: latest(),
        });
    }
    for n in (current + 1)..=target.min(latest()) {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[(n - 1) as usize])?;
        tx.pragma_update(None, "user_version", n)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn apply_all(conn: &mut Connection) -> Result<()> {
    apply_up_to(conn, latest())
}
