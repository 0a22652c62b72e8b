//! Numbered schema migrations. The schema version lives in `PRAGMA user_version`; migration N
//! (1-based) takes a database from version N-1 to N inside one transaction. Never edit a
//! migration that has shipped: add a new one at the end.
//!
//! Foreign keys are off while migrations run (so a table can be rebuilt, SQLite's twelve
//! steps) and every migration must leave none broken: `foreign_key_check` runs before its
//! commit. Since 22 the people's table is `person_row` and `person` is the view of the people
//! everyone sees (see migration 22); a migration that changes people's columns alters
//! `person_row`.

use rusqlite::Connection;

use crate::error::{AppError, Result};

/// One migration: SQL, or code for what SQL alone cannot say (a table rebuilt).
pub enum Migration {
    Sql(&'static str),
    Code(fn(&Connection) -> Result<()>),
}
use Migration::{Code, Sql};

pub const MIGRATIONS: &[Migration] = &[
    // 1: forums and their committees.
    Sql(r#"
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
    "#),
    // 2: forum logos (kept out of the forum row so lists stay light) and app settings.
    Sql(r#"
    CREATE TABLE forum_logo (
        forum_id    INTEGER PRIMARY KEY REFERENCES forum(id) ON DELETE CASCADE,
        mime        TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp')),
        bytes       BLOB NOT NULL
    );
    CREATE TABLE setting (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL
    );
    "#),
    // 3: people (registration), their categories and social-security offices, and check-ins.
    Sql(r#"
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
    "#),
    // 4: registration desks on the venue network: pairing codes and revocable tokens.
    Sql(r#"
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
    "#),
    // 5: certificates: one editable template per kind and forum, issued certificates with
    // never-reused serials, and revocation.
    Sql(r#"
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
    "#),
    // 6: certificate designs: the forum's logo shown or not, and an optional background image.
    Sql(r#"
    ALTER TABLE certificate_template ADD COLUMN show_logo INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE certificate_template ADD COLUMN background BLOB;
    "#),
    // 7: the two exhibitions: enabling entities (with their staff among the people), the floor
    // plan (hall, zones, booths, one occupant per booth), and the productive families with
    // their review decisions, quotas, daily presence and sales.
    Sql(r#"
    CREATE TABLE entity (
        id            INTEGER PRIMARY KEY,
        forum_id      INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        uuid          TEXT NOT NULL UNIQUE,
        name_ar       TEXT NOT NULL CHECK (length(trim(name_ar)) > 0),
        name_key      TEXT NOT NULL,
        name_en       TEXT NOT NULL DEFAULT '',
        kind          TEXT NOT NULL CHECK (kind IN ('government', 'private', 'nonprofit')),
        sector        TEXT NOT NULL DEFAULT '',
        services      TEXT NOT NULL DEFAULT '',
        tags          TEXT NOT NULL DEFAULT '',
        contact_name  TEXT NOT NULL DEFAULT '',
        mobile        TEXT CHECK (mobile IS NULL OR (length(mobile) = 10 AND mobile GLOB '05*')),
        email         TEXT NOT NULL DEFAULT '',
        status        TEXT NOT NULL DEFAULT 'invited'
                      CHECK (status IN ('invited', 'confirmed', 'arrived', 'withdrew')),
        need_power    INTEGER NOT NULL DEFAULT 0 CHECK (need_power IN (0, 1)),
        need_tables   INTEGER NOT NULL DEFAULT 0 CHECK (need_tables BETWEEN 0 AND 50),
        need_chairs   INTEGER NOT NULL DEFAULT 0 CHECK (need_chairs BETWEEN 0 AND 200),
        need_screen   INTEGER NOT NULL DEFAULT 0 CHECK (need_screen IN (0, 1)),
        need_internet INTEGER NOT NULL DEFAULT 0 CHECK (need_internet IN (0, 1)),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        UNIQUE (forum_id, name_key)
    );
    CREATE TABLE entity_logo (
        entity_id   INTEGER PRIMARY KEY REFERENCES entity(id) ON DELETE CASCADE,
        mime        TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp')),
        bytes       BLOB NOT NULL
    );
    ALTER TABLE person ADD COLUMN entity_id INTEGER REFERENCES entity(id) ON DELETE SET NULL;
    CREATE INDEX person_entity ON person(entity_id) WHERE entity_id IS NOT NULL;

    CREATE TABLE family (
        id            INTEGER PRIMARY KEY,
        forum_id      INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        uuid          TEXT NOT NULL UNIQUE,
        head_name     TEXT NOT NULL CHECK (length(trim(head_name)) > 0),
        name_key      TEXT NOT NULL,
        national_id   TEXT NOT NULL CHECK (length(national_id) = 10 AND national_id NOT GLOB '*[^0-9]*'),
        mobile        TEXT CHECK (mobile IS NULL OR (length(mobile) = 10 AND mobile GLOB '05*')),
        ss_file       TEXT NOT NULL DEFAULT '',
        city          TEXT NOT NULL DEFAULT '',
        category      TEXT NOT NULL
                      CHECK (category IN ('food', 'sweets', 'handicrafts', 'perfume', 'sewing', 'beauty', 'other')),
        products      TEXT NOT NULL DEFAULT '',
        need_power    INTEGER NOT NULL DEFAULT 0 CHECK (need_power IN (0, 1)),
        need_fridge   INTEGER NOT NULL DEFAULT 0 CHECK (need_fridge IN (0, 1)),
        table_size    TEXT NOT NULL DEFAULT 'medium' CHECK (table_size IN ('small', 'medium', 'large')),
        status        TEXT NOT NULL DEFAULT 'applied'
                      CHECK (status IN ('applied', 'approved', 'waitlisted', 'offered', 'rejected', 'withdrawn')),
        -- The waiting list's order: when the family was put on it.
        waitlisted_at TEXT,
        source        TEXT NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'import')),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        UNIQUE (forum_id, national_id)
    );
    CREATE INDEX family_forum_status ON family(forum_id, category, status, waitlisted_at);
    CREATE TABLE family_photo (
        id          INTEGER PRIMARY KEY,
        family_id   INTEGER NOT NULL REFERENCES family(id) ON DELETE CASCADE,
        mime        TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp')),
        bytes       BLOB NOT NULL
    );
    CREATE TABLE family_decision (
        id          INTEGER PRIMARY KEY,
        family_id   INTEGER NOT NULL REFERENCES family(id) ON DELETE CASCADE,
        from_status TEXT,
        to_status   TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        decided_by  TEXT NOT NULL DEFAULT '',
        decided_at  TEXT NOT NULL
    );
    CREATE INDEX family_decision_family ON family_decision(family_id, id);
    CREATE TABLE family_quota (
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        category    TEXT NOT NULL,
        max_stalls  INTEGER NOT NULL CHECK (max_stalls BETWEEN 0 AND 10000),
        PRIMARY KEY (forum_id, category)
    );
    -- One row per family and forum day: presence and the sales the family reported.
    CREATE TABLE family_day (
        family_id     INTEGER NOT NULL REFERENCES family(id) ON DELETE CASCADE,
        day           INTEGER NOT NULL CHECK (day BETWEEN 1 AND 29),
        present       INTEGER CHECK (present IS NULL OR present IN (0, 1)),
        sales_halalas INTEGER CHECK (sales_halalas IS NULL OR sales_halalas >= 0),
        items         INTEGER CHECK (items IS NULL OR items >= 0),
        updated_at    TEXT NOT NULL,
        updated_by    TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (family_id, day)
    );

    CREATE TABLE hall (
        forum_id    INTEGER PRIMARY KEY REFERENCES forum(id) ON DELETE CASCADE,
        name        TEXT NOT NULL DEFAULT '',
        width       REAL NOT NULL CHECK (width BETWEEN 5 AND 1000),
        depth       REAL NOT NULL CHECK (depth BETWEEN 5 AND 1000)
    );
    CREATE TABLE zone (
        id          INTEGER PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL CHECK (kind IN ('entities', 'families', 'services', 'stage', 'entrance')),
        name_ar     TEXT NOT NULL CHECK (length(trim(name_ar)) > 0),
        x REAL NOT NULL, y REAL NOT NULL,
        w REAL NOT NULL CHECK (w > 0), h REAL NOT NULL CHECK (h > 0)
    );
    CREATE TABLE booth (
        id          INTEGER PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        zone_id     INTEGER REFERENCES zone(id) ON DELETE SET NULL,
        code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 12),
        x REAL NOT NULL, y REAL NOT NULL,
        w REAL NOT NULL CHECK (w > 0), h REAL NOT NULL CHECK (h > 0),
        UNIQUE (forum_id, code)
    );
    -- The booth is the key: a booth has at most one occupant, whichever laptop assigns it.
    -- An entity or a family holds at most one booth.
    CREATE TABLE booth_occupant (
        booth_id    INTEGER PRIMARY KEY REFERENCES booth(id) ON DELETE CASCADE,
        entity_id   INTEGER UNIQUE REFERENCES entity(id) ON DELETE CASCADE,
        family_id   INTEGER UNIQUE REFERENCES family(id) ON DELETE CASCADE,
        assigned_at TEXT NOT NULL,
        assigned_by TEXT NOT NULL DEFAULT '',
        CHECK ((entity_id IS NULL) <> (family_id IS NULL))
    );
    "#),
    // 8: appreciation certificates for enabling entities and sponsors: the recipient is an
    // entity; an entity may be a sponsor of the forum.
    Sql(r#"
    ALTER TABLE entity ADD COLUMN is_sponsor INTEGER NOT NULL DEFAULT 0 CHECK (is_sponsor IN (0, 1));
    ALTER TABLE certificate ADD COLUMN entity_id INTEGER REFERENCES entity(id) ON DELETE SET NULL;
    CREATE UNIQUE INDEX certificate_once_entity ON certificate(forum_id, kind, entity_id) WHERE entity_id IS NOT NULL;
    "#),
    // 9: a desk records the address it paired from (shown to the host).
    Sql(r#"
    ALTER TABLE desk ADD COLUMN paired_from TEXT;
    "#),
    // 10: name search by words in memory (person::name_index), fed by a log of changed people;
    // the trigram index it replaces goes.
    Sql(r#"
    DROP TRIGGER person_fts_delete;
    DROP TRIGGER person_fts_update;
    DROP TABLE person_fts;
    CREATE TABLE person_change (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL
    );
    CREATE TRIGGER person_change_insert AFTER INSERT ON person BEGIN
        INSERT INTO person_change(person_id) VALUES (new.id);
    END;
    CREATE TRIGGER person_change_update AFTER UPDATE OF name_key, forum_id ON person BEGIN
        INSERT INTO person_change(person_id) VALUES (new.id);
    END;
    CREATE TRIGGER person_change_delete AFTER DELETE ON person BEGIN
        INSERT INTO person_change(person_id) VALUES (old.id);
    END;
    "#),
    // 11: imports write in short transactions; their rows carry the batch, so a failed or
    // interrupted import is removed whole.
    Sql(r#"
    CREATE TABLE import_batch (
        id          TEXT PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        started_at  TEXT NOT NULL,
        alive_at    TEXT NOT NULL,
        finished_at TEXT
    );
    ALTER TABLE person ADD COLUMN import_batch TEXT REFERENCES import_batch(id) ON DELETE SET NULL;
    CREATE INDEX person_import_batch ON person(import_batch) WHERE import_batch IS NOT NULL;
    "#),
    // 12: the three tracks: opportunities offered by entities, referrals (one per person and
    // opportunity) with their state and an append-only event log; seats and vacancies are
    // limits the database keeps.
    Sql(r#"
    CREATE TABLE opportunity (
        id            INTEGER PRIMARY KEY,
        forum_id      INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        entity_id     INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
        track         TEXT NOT NULL CHECK (track IN ('training', 'job', 'support')),
        title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
        status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'full', 'closed')),
        capacity      INTEGER CHECK (capacity IS NULL OR capacity > 0),
        eligibility   TEXT NOT NULL DEFAULT '',
        accreditor    TEXT NOT NULL DEFAULT '',
        hours         INTEGER,
        start_date    TEXT,
        end_date      TEXT,
        place         TEXT NOT NULL DEFAULT '',
        online        INTEGER NOT NULL DEFAULT 0,
        certificate   INTEGER NOT NULL DEFAULT 0,
        salary_min    INTEGER,
        salary_max    INTEGER,
        city          TEXT NOT NULL DEFAULT '',
        work_mode     TEXT NOT NULL DEFAULT '',
        disability_ok INTEGER NOT NULL DEFAULT 0,
        requirements  TEXT NOT NULL DEFAULT '',
        support_kind  TEXT NOT NULL DEFAULT '',
        funder        TEXT NOT NULL DEFAULT '',
        ceiling       INTEGER,
        conditions    TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX opportunity_forum ON opportunity(forum_id, track, entity_id);
    CREATE TABLE referral (
        id             INTEGER PRIMARY KEY,
        forum_id       INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        person_id      INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        opportunity_id INTEGER NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
        state          TEXT NOT NULL,
        -- Counts against the opportunity's seats or vacancies (enrolled, hired …).
        placed         INTEGER NOT NULL DEFAULT 0 CHECK (placed IN (0, 1)),
        source         TEXT NOT NULL CHECK (source IN ('booth_scan', 'committee', 'import')),
        device         TEXT NOT NULL,
        scanned_at     TEXT NOT NULL,
        rating         INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
        note           TEXT NOT NULL DEFAULT '',
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        UNIQUE (person_id, opportunity_id)
    );
    CREATE INDEX referral_forum_state ON referral(forum_id, state);
    CREATE INDEX referral_opportunity ON referral(opportunity_id, placed);
    CREATE TABLE referral_event (
        id          INTEGER PRIMARY KEY,
        referral_id INTEGER NOT NULL REFERENCES referral(id) ON DELETE CASCADE,
        from_state  TEXT,
        to_state    TEXT NOT NULL,
        reason      TEXT,
        reason_text TEXT NOT NULL DEFAULT '',
        verified_by TEXT,
        at          TEXT NOT NULL,
        by          TEXT NOT NULL
    );
    CREATE INDEX referral_event_referral ON referral_event(referral_id, id);
    -- Seats and vacancies: a placement past the opportunity's capacity is refused here, inside
    -- the writer's transaction, so two laptops can never overshoot.
    CREATE TRIGGER referral_capacity_update BEFORE UPDATE OF placed ON referral
      WHEN new.placed = 1 AND old.placed = 0
    BEGIN
        SELECT RAISE(ABORT, 'capacity_full')
         WHERE (SELECT capacity FROM opportunity WHERE id = new.opportunity_id) IS NOT NULL
           AND (SELECT count(*) FROM referral WHERE opportunity_id = new.opportunity_id AND placed = 1)
               >= (SELECT capacity FROM opportunity WHERE id = new.opportunity_id);
    END;
    CREATE TRIGGER referral_capacity_insert BEFORE INSERT ON referral WHEN new.placed = 1
    BEGIN
        SELECT RAISE(ABORT, 'capacity_full')
         WHERE (SELECT capacity FROM opportunity WHERE id = new.opportunity_id) IS NOT NULL
           AND (SELECT count(*) FROM referral WHERE opportunity_id = new.opportunity_id AND placed = 1)
               >= (SELECT capacity FROM opportunity WHERE id = new.opportunity_id);
    END;
    -- A person's social-security file number (the family key) and consent to share contact
    -- details with enabling entities (the sentence's version and when it was given).
    ALTER TABLE person ADD COLUMN ss_file TEXT;
    ALTER TABLE person ADD COLUMN consent_version INTEGER;
    ALTER TABLE person ADD COLUMN consent_at TEXT;
    CREATE INDEX person_ss_file ON person(forum_id, ss_file) WHERE ss_file IS NOT NULL;
    "#),
    // 13: follow-ups of a placement at +30, +90 and +180 days.
    Sql(r#"
    CREATE TABLE follow_up (
        id          INTEGER PRIMARY KEY,
        referral_id INTEGER NOT NULL REFERENCES referral(id) ON DELETE CASCADE,
        days        INTEGER NOT NULL CHECK (days IN (30, 90, 180)),
        due         TEXT NOT NULL CHECK (date(due) = due),
        done_at     TEXT,
        result      TEXT,
        note        TEXT NOT NULL DEFAULT '',
        by          TEXT,
        UNIQUE (referral_id, days)
    );
    CREATE INDEX follow_up_open ON follow_up(due) WHERE done_at IS NULL;
    "#),
    // 14: course completion certificates: one per course referral (a person may complete
    // several courses), so the one-per-person rule is for the other kinds.
    Sql(r#"
    ALTER TABLE certificate ADD COLUMN referral_id INTEGER REFERENCES referral(id) ON DELETE SET NULL;
    DROP INDEX certificate_once;
    CREATE UNIQUE INDEX certificate_once ON certificate(forum_id, kind, person_id)
        WHERE person_id IS NOT NULL AND kind <> 'course';
    CREATE UNIQUE INDEX certificate_once_referral ON certificate(referral_id) WHERE referral_id IS NOT NULL;
    "#),
    // 15: a booth device is paired as the booth of one enabling entity.
    Sql(r#"
    ALTER TABLE desk ADD COLUMN entity_id INTEGER REFERENCES entity(id) ON DELETE SET NULL;
    "#),
    // 16: a revoked certificate can be replaced by a new one that points back to it (so the
    // one-per-recipient rules count only certificates in force), and a name corrected after
    // issuing keeps the names it was printed with, so old paper still verifies.
    Sql(r#"
    ALTER TABLE certificate ADD COLUMN replaces TEXT REFERENCES certificate(serial);
    DROP INDEX certificate_once;
    CREATE UNIQUE INDEX certificate_once ON certificate(forum_id, kind, person_id)
        WHERE person_id IS NOT NULL AND kind <> 'course' AND revoked_at IS NULL;
    DROP INDEX certificate_once_entity;
    CREATE UNIQUE INDEX certificate_once_entity ON certificate(forum_id, kind, entity_id)
        WHERE entity_id IS NOT NULL AND revoked_at IS NULL;
    DROP INDEX certificate_once_referral;
    CREATE UNIQUE INDEX certificate_once_referral ON certificate(referral_id)
        WHERE referral_id IS NOT NULL AND revoked_at IS NULL;
    CREATE INDEX certificate_person ON certificate(person_id, kind);
    CREATE TABLE certificate_name (
        serial  TEXT NOT NULL REFERENCES certificate(serial) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        until   TEXT NOT NULL
    );
    CREATE INDEX certificate_name_serial ON certificate_name(serial);
    "#),
    // 17: the booth an entity gave up when it withdrew, returned if it is set back in time.
    Sql(r#"
    ALTER TABLE entity ADD COLUMN released_booth_id INTEGER REFERENCES booth(id) ON DELETE SET NULL;
    "#),
    // 18: every paired device has a role (what it may do is decided in api::access). Desks
    // paired before roles keep doing what they did (the committee's), booth devices are booths.
    Sql(r#"
    ALTER TABLE desk ADD COLUMN role TEXT NOT NULL DEFAULT 'committee'
        CHECK (role IN ('checkin', 'booth', 'exhibition', 'committee'));
    UPDATE desk SET role = 'booth' WHERE entity_id IS NOT NULL;
    "#),
    // 19: the audit trail, append-only, each row hashed with the one before it; the personal
    // column is outside the hash (retention may erase it).
    Sql(r#"
    CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        who       TEXT NOT NULL,
        command   TEXT NOT NULL,
        record    TEXT NOT NULL DEFAULT '',
        summary   TEXT NOT NULL DEFAULT '',
        personal  TEXT NOT NULL DEFAULT '',
        hash      TEXT NOT NULL
    );
    CREATE INDEX audit_command ON audit(command, id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE OF id, at, who, command, record, summary, hash ON audit
    BEGIN SELECT RAISE(ABORT, 'سجل التدقيق يُضاف إليه فقط'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'سجل التدقيق يُضاف إليه فقط'); END;
    "#),
    // 20: when a forum's personal data was erased (retention).
    Sql(r#"
    ALTER TABLE forum ADD COLUMN personal_erased_at TEXT;
    "#),
    // 21: committee members' own accounts (who signs in records a person, not a machine).
    Sql(r#"
    CREATE TABLE account (
        id              INTEGER PRIMARY KEY,
        username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name    TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('admin', 'committee', 'checkin', 'exhibition')),
        password_hash   TEXT NOT NULL,
        disabled_at     TEXT,
        created_at      TEXT NOT NULL,
        last_sign_in_at TEXT
    );
    "#),
    // 22: an import is all or nothing as others see it, and removing a person never removes
    // what they did. See `import_visible_people`.
    Code(import_visible_people),
];

/// Migration 22.
/// - What a person did (check-ins, referrals, certificates) no longer goes with the person:
///   their references lose `ON DELETE CASCADE` / `SET NULL`, so deleting a person who has any
///   is refused by the database itself (`store::tests` fails if an action comes back).
/// - The people's rows move to `person_row`; `person` becomes the view of the rows everyone
///   sees: those of no import, or of an import that finished. An import's rows appear together
///   when one update of its `import_batch` row sets `state = 'done'`.
/// - `import_batch` records what the import screen shows: the file, who, how far, the state
///   (running, done, failed, interrupted), the counts and why it failed.
fn import_visible_people(conn: &Connection) -> Result<()> {
    let keep = "REFERENCES person(id)";
    rebuild(
        conn,
        "checkin",
        &[("REFERENCES person(id) ON DELETE CASCADE", keep)],
    )?;
    rebuild(
        conn,
        "referral",
        &[("REFERENCES person(id) ON DELETE CASCADE", keep)],
    )?;
    rebuild(
        conn,
        "certificate",
        &[("REFERENCES person(id) ON DELETE SET NULL", keep)],
    )?;
    conn.execute_batch(
        r#"
        ALTER TABLE person RENAME TO person_row;
        ALTER TABLE import_batch ADD COLUMN kind TEXT NOT NULL DEFAULT 'people';
        ALTER TABLE import_batch ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE import_batch ADD COLUMN by TEXT NOT NULL DEFAULT '';
        ALTER TABLE import_batch ADD COLUMN state TEXT NOT NULL DEFAULT 'running'
            CHECK (state IN ('running', 'done', 'failed', 'interrupted'));
        ALTER TABLE import_batch ADD COLUMN total_rows INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE import_batch ADD COLUMN done_rows INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE import_batch ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE import_batch ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE import_batch ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
        -- Rows of a failed or interrupted import kept because someone acted on them.
        ALTER TABLE import_batch ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE import_batch ADD COLUMN error TEXT NOT NULL DEFAULT '';
        UPDATE import_batch SET state = 'done' WHERE finished_at IS NOT NULL;
        CREATE INDEX import_batch_forum ON import_batch(forum_id, started_at);
        CREATE VIEW person AS
            SELECT * FROM person_row
             WHERE import_batch IS NULL
                OR import_batch IN (SELECT id FROM import_batch WHERE state = 'done');
        -- The name index learns of people who become visible from the change log.
        CREATE TRIGGER import_batch_done AFTER UPDATE OF state ON import_batch
          WHEN new.state = 'done' AND old.state <> 'done'
        BEGIN
            INSERT INTO person_change(person_id) SELECT id FROM person_row WHERE import_batch = new.id;
        END;
        CREATE TRIGGER person_change_batch AFTER UPDATE OF import_batch ON person_row BEGIN
            INSERT INTO person_change(person_id) VALUES (new.id);
        END;
        "#,
    )?;
    Ok(())
}

/// Rebuilds `table` with its `CREATE TABLE` text edited (`(from, to)`, each found once), as
/// SQLite documents for changes ALTER TABLE cannot make: a new table, the rows copied, the old
/// one dropped, the new one renamed, its indexes and triggers made again.
fn rebuild(conn: &Connection, table: &str, edits: &[(&str, &str)]) -> Result<()> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let temp = format!("{table}_rebuilt");
    let head = format!("CREATE TABLE {table} ");
    let Some(rest) = sql.strip_prefix(&head) else {
        return Err(AppError::Internal(format!("مخطط الجدول {table} غير متوقع")));
    };
    let mut new_sql = format!("CREATE TABLE {temp} {rest}");
    for (from, to) in edits {
        if new_sql.matches(from).count() != 1 {
            return Err(AppError::Internal(format!(
                "مخطط الجدول {table} لا يحوي «{from}» مرة واحدة"
            )));
        }
        new_sql = new_sql.replacen(from, to, 1);
    }
    let others: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT sql FROM sqlite_schema
              WHERE tbl_name = ?1 AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        )?;
        let rows = stmt.query_map([table], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    conn.execute_batch(&new_sql)?;
    conn.execute_batch(&format!(
        "INSERT INTO {temp} SELECT * FROM {table};
         DROP TABLE {table};
         ALTER TABLE {temp} RENAME TO {table};"
    ))?;
    for sql in others {
        conn.execute_batch(&sql)?;
    }
    Ok(())
}

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
    // Off between transactions only (the pragma does nothing inside one), on again whatever
    // happens.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let applied = (|| -> Result<()> {
        for n in (current + 1)..=target.min(latest()) {
            let tx = conn.transaction()?;
            match &MIGRATIONS[(n - 1) as usize] {
                Sql(sql) => tx.execute_batch(sql)?,
                Code(step) => step(&tx)?,
            }
            let broken: i64 =
                tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if broken > 0 {
                return Err(AppError::Internal(format!(
                    "الترحيل {n} ترك {broken} مراجع مكسورة"
                )));
            }
            tx.pragma_update(None, "user_version", n)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", "ON")?;
    applied
}

pub fn apply_all(conn: &mut Connection) -> Result<()> {
    apply_up_to(conn, latest())
}
