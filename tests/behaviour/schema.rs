//! The MySQL and SQLite migrations must describe one schema. Each database is migrated and asked
//! what it now holds; both answers are reduced to facts both dialects express the same way (column
//! types and nullability, primary keys, unique column lists, foreign keys with their delete
//! action) and compared, printing the facts only one side has.

use std::collections::{BTreeMap, BTreeSet};

use opbx::adapters::sql::{SqlStore, big, opt_text, text};
use opbx_tests::{fresh_sqlite, mysql_store};
use sqlx::any::AnyRow;

type Facts = BTreeSet<String>;

/// Spells a column type the way both dialects can agree on: lower case, integer display widths
/// dropped (MariaDB reports `int(11)`, `bigint(20)`), `int` = `integer`, every TEXT size = `text`.
/// VARCHAR lengths are kept: they are limits the application relies on.
fn normalise_type(raw: &str) -> String {
    let lower = raw.trim().to_ascii_lowercase();
    // "int(10) unsigned" → "int", "(10)", " unsigned".
    let split_at = lower
        .find(')')
        .map(|close| close + 1)
        .or_else(|| lower.find(' '))
        .unwrap_or(lower.len());
    let (head, modifiers) = lower.split_at(split_at);
    let base = &head[..head.find('(').unwrap_or(head.len())];
    let name = match base {
        "int" | "integer" => "integer".to_owned(),
        "bigint" | "smallint" => base.to_owned(),
        "tinytext" | "text" | "mediumtext" | "longtext" => "text".to_owned(),
        _ => head.to_owned(),
    };
    match modifiers.trim() {
        "" => name,
        modifiers => format!("{name} {modifiers}"),
    }
}

/// InnoDB treats RESTRICT and NO ACTION alike, and SQLite reports an unspecified action as
/// NO ACTION while MariaDB reports RESTRICT.
fn normalise_action(raw: &str) -> String {
    match raw.trim().to_ascii_lowercase().as_str() {
        "restrict" | "no action" => "no action".to_owned(),
        other => other.to_owned(),
    }
}

fn column_fact(table: &str, column: &str, ty: &str, nullable: bool) -> String {
    let null = if nullable { "null" } else { "not null" };
    format!("{table}.{column}: {} {null}", normalise_type(ty))
}

fn key_fact(table: &str, kind: &str, columns: &[String]) -> String {
    format!("{table}: {kind} ({})", columns.join(", "))
}

/// One foreign key, gathered from one row per column.
struct ForeignKey {
    target: String,
    on_delete: String,
    columns: Vec<String>,
    target_columns: Vec<String>,
}

impl ForeignKey {
    fn new(target: String, on_delete: String) -> Self {
        Self {
            target,
            on_delete,
            columns: Vec::new(),
            target_columns: Vec::new(),
        }
    }

    fn fact(&self, table: &str) -> String {
        format!(
            "{table}: foreign key ({}) references {} ({}) on delete {}",
            self.columns.join(", "),
            self.target,
            self.target_columns.join(", "),
            normalise_action(&self.on_delete)
        )
    }
}

async fn fetch(store: &SqlStore, sql: &str, table: Option<&str>) -> Vec<AnyRow> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    if let Some(table) = table {
        query = query.bind(table.to_owned());
    }
    query
        .fetch_all(store.pool())
        .await
        .unwrap_or_else(|e| panic!("schema query failed: {e}\n{sql}"))
}

fn get(row: &AnyRow, column: &str) -> String {
    text(row, column).unwrap()
}

/// Groups `(group, item)` pairs, keeping the items' order within each group.
fn grouped(pairs: impl IntoIterator<Item = (String, String)>) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (group, item) in pairs {
        groups.entry(group).or_default().push(item);
    }
    groups
}

async fn sqlite_facts(store: &SqlStore) -> Facts {
    let mut facts = Facts::new();
    let tables = fetch(
        store,
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        None,
    )
    .await;
    for table in tables.iter().map(|row| get(row, "name")) {
        // `xinfo`: generated columns too, which `table_info` leaves out.
        let columns = fetch(
            store,
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_xinfo(?)",
            Some(&table),
        )
        .await;
        let mut primary_key = Vec::new();
        for row in &columns {
            let name = get(row, "name");
            let nullable = big(row, "not_null").unwrap() == 0;
            facts.insert(column_fact(&table, &name, &get(row, "type"), nullable));
            let position = big(row, "pk").unwrap();
            if position > 0 {
                primary_key.push((position, name));
            }
        }
        primary_key.sort();
        let primary_key: Vec<String> = primary_key.into_iter().map(|(_, name)| name).collect();
        facts.insert(key_fact(&table, "primary key", &primary_key));

        // Unique indexes whatever their origin (UNIQUE constraint or CREATE UNIQUE INDEX), except
        // the one SQLite builds for the primary key, which is a fact of its own above.
        let indexes = fetch(
            store,
            "SELECT name, \"unique\" AS is_unique, origin FROM pragma_index_list(?)",
            Some(&table),
        )
        .await;
        for index in &indexes {
            if big(index, "is_unique").unwrap() == 0 || get(index, "origin") == "pk" {
                continue;
            }
            let columns: Vec<String> = fetch(
                store,
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                Some(&get(index, "name")),
            )
            .await
            .iter()
            .map(|row| get(row, "name"))
            .collect();
            facts.insert(key_fact(&table, "unique", &columns));
        }

        let foreign_keys = fetch(
            store,
            "SELECT id, \"table\" AS target, \"from\" AS source, \"to\" AS target_column, \
             on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            Some(&table),
        )
        .await;
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for row in &foreign_keys {
            let key = by_id
                .entry(big(row, "id").unwrap())
                .or_insert_with(|| ForeignKey::new(get(row, "target"), get(row, "on_delete")));
            key.columns.push(get(row, "source"));
            // NULL when the key points at the target's primary key implicitly.
            key.target_columns
                .push(opt_text(row, "target_column").unwrap().unwrap_or_default());
        }
        facts.extend(by_id.values().map(|key| key.fact(&table)));
    }
    facts
}

async fn mysql_facts(store: &SqlStore) -> Facts {
    let mut facts = Facts::new();
    let tables: BTreeSet<String> = fetch(
        store,
        "SELECT CAST(TABLE_NAME AS CHAR) AS name FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' \
         AND TABLE_NAME <> '_sqlx_migrations'",
        None,
    )
    .await
    .iter()
    .map(|row| get(row, "name"))
    .collect();

    let columns = fetch(
        store,
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(COLUMN_NAME AS CHAR) AS name, \
         CAST(COLUMN_TYPE AS CHAR) AS type, CAST(IS_NULLABLE AS CHAR) AS nullable \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
        None,
    )
    .await;
    for row in columns
        .iter()
        .filter(|row| tables.contains(&get(row, "table_name")))
    {
        facts.insert(column_fact(
            &get(row, "table_name"),
            &get(row, "name"),
            &get(row, "type"),
            get(row, "nullable") == "YES",
        ));
    }

    let unique = fetch(
        store,
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(INDEX_NAME AS CHAR) AS index_name, \
         CAST(COLUMN_NAME AS CHAR) AS name FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND CAST(NON_UNIQUE AS SIGNED) = 0 \
         ORDER BY TABLE_NAME, INDEX_NAME, CAST(SEQ_IN_INDEX AS SIGNED)",
        None,
    )
    .await;
    let indexes = grouped(
        unique
            .iter()
            .filter(|row| tables.contains(&get(row, "table_name")))
            .map(|row| {
                let key = format!("{}\n{}", get(row, "table_name"), get(row, "index_name"));
                (key, get(row, "name"))
            }),
    );
    for (key, columns) in indexes {
        let (table, index) = key.split_once('\n').unwrap();
        let kind = if index == "PRIMARY" {
            "primary key"
        } else {
            "unique"
        };
        facts.insert(key_fact(table, kind, &columns));
    }

    let foreign_keys = fetch(
        store,
        "SELECT CAST(k.TABLE_NAME AS CHAR) AS table_name, \
         CAST(k.CONSTRAINT_NAME AS CHAR) AS constraint_name, \
         CAST(k.COLUMN_NAME AS CHAR) AS source, \
         CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS target, \
         CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS target_column, \
         CAST(r.DELETE_RULE AS CHAR) AS on_delete \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME \
          AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, CAST(k.ORDINAL_POSITION AS SIGNED)",
        None,
    )
    .await;
    let mut by_constraint: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
    for row in foreign_keys
        .iter()
        .filter(|row| tables.contains(&get(row, "table_name")))
    {
        let key = by_constraint
            .entry((get(row, "table_name"), get(row, "constraint_name")))
            .or_insert_with(|| ForeignKey::new(get(row, "target"), get(row, "on_delete")));
        key.columns.push(get(row, "source"));
        key.target_columns.push(get(row, "target_column"));
    }
    facts.extend(
        by_constraint
            .iter()
            .map(|((table, _), key)| key.fact(table)),
    );
    facts
}

/// The facts only one side has, one per line, marked with the side's name.
fn differences(left_name: &str, left: &Facts, right_name: &str, right: &Facts) -> Vec<String> {
    let only_left = left
        .difference(right)
        .map(|fact| format!("only in {left_name}: {fact}"));
    let only_right = right
        .difference(left)
        .map(|fact| format!("only in {right_name}: {fact}"));
    only_left.chain(only_right).collect()
}

/// Facts that must be present in any reading of the OpBX schema, so that two readers returning
/// nothing (a broken query, the wrong database) cannot pass as equal.
const LANDMARKS: &[&str] = &[
    "call_logs.path: text not null",
    "call_logs.started_at: bigint not null",
    "cdrs.raw: text not null",
    "voicemail_messages.heard: integer not null",
    "organizations.id: varchar(36) not null",
    "ring_group_members: primary key (ring_group_id, extension_id)",
    "call_logs: unique (organization_id, call_sid)",
    "voicemail_messages: unique (organization_id, call_sid, extension_id)",
    "extensions: foreign key (user_id) references users (id) on delete set null",
    "ivr_direct_dial: foreign key (extension_id) references extensions (id) on delete no action",
    "audit_log: foreign key (organization_id) references organizations (id) on delete cascade",
];

fn assert_landmarks(name: &str, facts: &Facts) {
    for landmark in LANDMARKS {
        assert!(
            facts.contains(*landmark),
            "the {name} schema lacks {landmark:?}; it has:\n{}",
            facts.iter().cloned().collect::<Vec<_>>().join("\n")
        );
    }
}

#[tokio::test]
async fn mysql_and_sqlite_migrations_build_the_same_schema() {
    let (sqlite, _file) = fresh_sqlite().await;
    let mysql = mysql_store().await;
    let sqlite = sqlite_facts(&sqlite).await;
    let mysql = mysql_facts(&mysql).await;
    assert_landmarks("sqlite", &sqlite);
    assert_landmarks("mysql", &mysql);
    let diff = differences("sqlite", &sqlite, "mysql", &mysql);
    assert!(
        diff.is_empty(),
        "the migrations disagree:\n{}",
        diff.join("\n")
    );
}

#[tokio::test]
async fn the_comparison_reports_each_kind_of_difference() {
    let (pristine, _pristine_file) = fresh_sqlite().await;
    let (altered, _altered_file) = fresh_sqlite().await;
    for statement in [
        "ALTER TABLE cdrs DROP COLUMN billsec",
        "ALTER TABLE audit_log ADD COLUMN note VARCHAR(10) NULL",
        "CREATE UNIQUE INDEX uq_cdrs_call ON cdrs (call_sid)",
        "DROP TABLE ivr_direct_dial",
    ] {
        sqlx::query(statement)
            .execute(altered.pool())
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    let diff = differences(
        "pristine",
        &sqlite_facts(&pristine).await,
        "altered",
        &sqlite_facts(&altered).await,
    );
    let expected = [
        "only in pristine: cdrs.billsec: integer not null",
        "only in pristine: ivr_direct_dial.extension_id: varchar(36) not null",
        "only in pristine: ivr_direct_dial.menu_id: varchar(36) not null",
        "only in pristine: ivr_direct_dial.organization_id: varchar(36) not null",
        "only in pristine: ivr_direct_dial: foreign key (extension_id) references extensions (id) \
         on delete no action",
        "only in pristine: ivr_direct_dial: foreign key (menu_id) references ivr_menus (id) \
         on delete cascade",
        "only in pristine: ivr_direct_dial: foreign key (organization_id) references \
         organizations (id) on delete cascade",
        "only in pristine: ivr_direct_dial: primary key (menu_id, extension_id)",
        "only in altered: audit_log.note: varchar(10) null",
        "only in altered: cdrs: unique (call_sid)",
    ];
    assert_eq!(diff, expected);
}

#[test]
fn types_are_compared_by_meaning_not_spelling() {
    for (a, b) in [
        ("int(11)", "INTEGER"),
        ("bigint(20)", "BIGINT"),
        ("mediumtext", "TEXT"),
        ("longtext", "text"),
        ("varchar(36)", "VARCHAR(36)"),
        ("int(10) unsigned", "integer unsigned"),
    ] {
        assert_eq!(normalise_type(a), normalise_type(b), "{a} vs {b}");
    }
    for (a, b) in [
        ("varchar(36)", "varchar(64)"),
        ("integer", "bigint"),
        ("text", "varchar(255)"),
        ("int(10) unsigned", "int(11)"),
    ] {
        assert_ne!(normalise_type(a), normalise_type(b), "{a} vs {b}");
    }
    assert_eq!(normalise_action("RESTRICT"), normalise_action("NO ACTION"));
    assert_ne!(normalise_action("CASCADE"), normalise_action("SET NULL"));
}
