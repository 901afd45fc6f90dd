use proptest::prelude::*;
use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use super::{
    Trace, a_twin_follows, assert_found_by_key, assert_ids_are_the_inserted_rows,
    assert_still_reversing_unordered_selects, reverse_unordered_selects, rows_of, says_order_by,
    some_column_reads, start_trace, stop_trace, words_outside_double_quotes,
};
use crate::generic_repo::*;

/// A third table the kata never mentions: adding it must take this impl and nothing else.
/// `order` is an SQL keyword, so the repository has to quote its identifiers.
#[derive(Debug, Clone, PartialEq)]
struct Quest {
    title: String,
    order: i64,
    reward: Option<f64>,
}

impl Entity for Quest {
    const TABLE: &'static str = "quests";
    const COLUMNS: &'static [&'static str] = &["title", "order", "reward"];

    fn values(&self) -> Vec<Value> {
        vec![
            Value::from(self.title.clone()),
            Value::from(self.order),
            Value::from(self.reward),
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            title: row.get("title")?,
            order: row.get("order")?,
            reward: row.get("reward")?,
        })
    }
}

/// A fourth table whose name needs quoting: a space and a double quote.
#[derive(Debug, Clone, PartialEq)]
struct Note {
    text: String,
}

impl Entity for Note {
    const TABLE: &'static str = "camp \"notes\"";
    const COLUMNS: &'static [&'static str] = &["the \"text\""];

    fn values(&self) -> Vec<Value> {
        vec![Value::from(self.text.clone())]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            text: row.get("the \"text\"")?,
        })
    }
}

/// An entity whose `values` forgets a column.
#[derive(Debug, Clone, PartialEq)]
struct Broken;

impl Entity for Broken {
    const TABLE: &'static str = "broken";
    const COLUMNS: &'static [&'static str] = &["a", "b"];

    fn values(&self) -> Vec<Value> {
        vec![Value::from(1)]
    }

    fn from_row(_row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self)
    }
}

fn database() -> Connection {
    Connection::open_in_memory().expect("an in-memory database should open")
}

fn table<E: Entity>(conn: &Connection) -> Repo<'_, E> {
    let repo = Repo::<E>::new(conn);
    repo.create_table().expect("create_table must succeed");
    repo
}

/// Inserts every entity in turn and returns their ids.
fn insert_all<E: Entity>(repo: &Repo<'_, E>, entities: impl IntoIterator<Item = E>) -> Vec<i64> {
    entities
        .into_iter()
        .map(|entity| repo.insert(&entity).expect("insert"))
        .collect()
}

fn arjuna() -> Warrior {
    Warrior {
        name: "Arjuna".into(),
        power: 9900,
    }
}

#[test]
fn warriors_insert_get_update_delete() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    a_twin_follows(&conn, "Arjuna");
    let id = repo.insert(&arjuna()).expect("insert must succeed");
    let again = repo.insert(&arjuna()).expect("insert must succeed");
    assert_ids_are_the_inserted_rows(&conn, "Arjuna", &[id, again], "insert");
    assert_eq!(
        repo.get(id).expect("get"),
        Some(arjuna()),
        "get of the id insert returned must give what insert stored"
    );
    let stronger = Warrior {
        name: "Arjuna the Archer".into(),
        power: 10_000,
    };
    assert!(
        repo.update(id, &stronger).expect("update"),
        "update of an existing id is true"
    );
    assert_eq!(
        repo.get(id).expect("get"),
        Some(stronger),
        "update replaces every column, the first one included"
    );
    assert!(
        repo.delete(id).expect("delete"),
        "delete of an existing id is true"
    );
    assert_eq!(repo.get(id).expect("get"), None, "a deleted entity is gone");
}

#[test]
fn weapons_keep_a_null_owner() {
    let conn = database();
    let repo = table::<Weapon>(&conn);
    let lost = Weapon {
        name: "Sudarshana".into(),
        damage: 100,
        warrior_id: None,
    };
    let held = Weapon {
        name: "Gandiva".into(),
        damage: 80,
        warrior_id: Some(1),
    };
    let a = repo.insert(&lost).expect("insert");
    let b = repo.insert(&held).expect("insert");
    assert_eq!(
        repo.all().expect("all"),
        [(a, lost), (b, held)],
        "all returns every weapon with its id, in id order; NULL comes back as None"
    );
}

/// Reads the entity back with a `SELECT` of its own: a decoy column first, then `COLUMNS`
/// in reverse order, then `id`, so no column sits where `SELECT *` would put it.
fn read_in_another_order<E: Entity>(conn: &Connection, entity: E) -> (E, E) {
    let id = table::<E>(conn).insert(&entity).expect("insert");
    let reversed: Vec<String> = E::COLUMNS
        .iter()
        .rev()
        .map(|column| format!("\"{column}\""))
        .collect();
    let sql = format!(
        "SELECT 'decoy' AS decoy, {}, id FROM \"{}\" WHERE id = ?1",
        reversed.join(", "),
        E::TABLE
    );
    let read = conn
        .query_row(&sql, [id], E::from_row)
        .unwrap_or_else(|err| {
            panic!(
                "from_row of {} failed on `{sql}`: {err}; read each column by its name \
                 (row.get(\"name\")), not by its position",
                E::TABLE
            )
        });
    (read, entity)
}

#[test]
fn from_row_reads_columns_by_name_in_any_order() {
    let conn = database();
    let warriors = read_in_another_order(&conn, arjuna());
    let weapons = read_in_another_order(
        &conn,
        Weapon {
            name: "Gandiva".into(),
            damage: 80,
            warrior_id: Some(7),
        },
    );
    let message = "from_row must read each column by its name (row.get(\"name\")), not by its \
                   position: a row whose columns come in another order (here a decoy first, the \
                   columns reversed, id last) is the same entity";
    assert_eq!(warriors.0, warriors.1, "Warrior: {message}");
    assert_eq!(weapons.0, weapons.1, "Weapon: {message}");
}

#[test]
fn missing_ids_are_none_and_false() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    repo.insert(&arjuna()).expect("insert");
    assert_eq!(repo.get(99).expect("get"), None, "no entity 99");
    assert!(
        !repo.update(99, &arjuna()).expect("update"),
        "update of a missing id is false"
    );
    assert!(
        !repo.delete(99).expect("delete"),
        "delete of a missing id is false"
    );
    assert_eq!(repo.all().expect("all").len(), 1, "nothing else changed");
}

#[test]
fn an_update_sqlite_refuses_leaves_the_row_as_it_was() {
    let conn = database();
    conn.execute_batch(
        "CREATE TABLE warriors (id INTEGER PRIMARY KEY, name, power CHECK (power >= 0))",
    )
    .expect("a warriors table that refuses negative power");
    let repo = table::<Warrior>(&conn);
    let id = repo.insert(&arjuna()).expect("insert");
    let cursed = Warrior {
        name: "Arjuna the Cursed".into(),
        power: -1,
    };
    let got = repo.update(id, &cursed);
    assert!(
        matches!(got, Err(RepoError::Sqlite(_))),
        "the table's CHECK refuses a negative power: update must be RepoError::Sqlite, got {got:?}"
    );
    assert_eq!(
        repo.get(id).expect("get"),
        Some(arjuna()),
        "an update SQLite refused lost or changed the row: update it in place with one UPDATE … \
         SET of every column (a DELETE and then an INSERT loses the row when the INSERT fails)"
    );
}

#[test]
fn an_update_is_an_update_to_sqlite_not_a_delete_and_an_insert() {
    let conn = database();
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         CREATE TABLE warriors (id INTEGER PRIMARY KEY, name, power);
         CREATE TABLE oaths (warrior INTEGER REFERENCES warriors (id) ON DELETE CASCADE);
         CREATE TABLE seen (what TEXT);
         CREATE TRIGGER before_insert BEFORE INSERT ON warriors
             BEGIN INSERT INTO seen VALUES ('before insert'); END;
         CREATE TRIGGER before_update BEFORE UPDATE ON warriors
             BEGIN INSERT INTO seen VALUES ('before update'); END;
         CREATE TRIGGER before_delete BEFORE DELETE ON warriors
             BEGIN INSERT INTO seen VALUES ('before delete'); END;
         CREATE TRIGGER on_insert AFTER INSERT ON warriors
             BEGIN INSERT INTO seen VALUES ('insert'); END;
         CREATE TRIGGER on_update AFTER UPDATE ON warriors
             BEGIN INSERT INTO seen VALUES ('update'); END;
         CREATE TRIGGER on_delete AFTER DELETE ON warriors
             BEGIN INSERT INTO seen VALUES ('delete'); END;",
    )
    .expect("a warriors table with triggers and an oath that cascades on delete");
    let repo = table::<Warrior>(&conn);
    let id = repo.insert(&arjuna()).expect("insert");
    conn.execute("INSERT INTO oaths (warrior) VALUES (?1)", [id])
        .expect("an oath sworn by the warrior");
    conn.execute("DELETE FROM seen", [])
        .expect("forget the insert");
    let stronger = Warrior {
        name: "Arjuna the Archer".into(),
        power: 10_000,
    };
    assert!(
        repo.update(id, &stronger).expect("update"),
        "the warrior exists"
    );
    let seen: Vec<Value> = rows_of(&conn, "SELECT what FROM seen ORDER BY rowid", []).concat();
    let oaths: i64 = conn
        .query_row("SELECT count(*) FROM oaths", [], |row| row.get(0))
        .expect("count the oaths");
    assert_eq!(
        (seen, oaths),
        (
            vec![
                Value::from("before update".to_owned()),
                Value::from("update".to_owned())
            ],
            1
        ),
        "(the triggers that fired on warriors, the oaths left): update must fire the table's \
         BEFORE and AFTER UPDATE triggers once and keep the rows that reference the warrior. A \
         DELETE and an INSERT, or REPLACE INTO / INSERT OR REPLACE (which SQLite runs as a \
         delete and an insert), fire insert and delete triggers and ON DELETE CASCADE; an \
         INSERT … ON CONFLICT DO UPDATE (an upsert) is an INSERT to SQLite and fires BEFORE \
         INSERT: update the row in place with one UPDATE … SET of every column"
    );
}

/// Runs the whole CRUD of `Repo<E>` on a fresh table: `create_table`, `insert` of `first` and
/// `second`, `get`, `update` of the first to `second`, `all` and `delete`; `whose` names the
/// entity in the messages and says why it must work.
fn crud_works<E: Entity + PartialEq + std::fmt::Debug>(first: E, second: E, whose: &str) -> Trace {
    fn ok<T>(whose: &str, call: &str, got: Result<T, RepoError>) -> T {
        got.unwrap_or_else(|error| panic!("{call} failed for {whose}: {error:?}"))
    }
    let conn = database();
    start_trace(&conn);
    let repo = Repo::<E>::new(&conn);
    ok(whose, "create_table", repo.create_table());
    let a = ok(whose, "insert", repo.insert(&first));
    let b = ok(whose, "insert", repo.insert(&second));
    assert_eq!(
        ok(whose, "get", repo.get(a)).as_ref(),
        Some(&first),
        "get must give back what insert stored, for {whose}"
    );
    assert!(
        ok(whose, "update", repo.update(a, &second)),
        "update of an existing id is true, for {whose}"
    );
    assert!(
        ok(whose, "delete", repo.delete(b)),
        "delete of an existing id is true, for {whose}"
    );
    assert_eq!(
        ok(whose, "all", repo.all()),
        [(a, second)],
        "after updating the first to the second and deleting the second, all must hold the \
         first with the second's values, for {whose}"
    );
    stop_trace(&conn)
}

#[test]
fn a_third_table_is_only_a_trait_impl() {
    crud_works(
        Quest {
            title: "Find the Brahmastra".into(),
            order: 3,
            reward: Some(12.5),
        },
        Quest {
            title: "Guard the gate".into(),
            order: 1,
            reward: None,
        },
        "a table the kata never mentions (quests): the CRUD is generic over Entity, not \
         written per table (and `order` must be quoted: \"order\")",
    );
}

/// The tests' own entity on a table name the kata knows (`warriors`, or `weapons` when
/// `ON_WEAPONS`), with columns of its own: only the entity's description says what they are.
#[derive(Debug, Clone, PartialEq)]
struct Champion<const ON_WEAPONS: bool> {
    title: Option<String>,
    name: String,
    power: i64,
}

impl<const ON_WEAPONS: bool> Entity for Champion<ON_WEAPONS> {
    const TABLE: &'static str = if ON_WEAPONS { "weapons" } else { "warriors" };
    const COLUMNS: &'static [&'static str] = &["title", "name", "power"];

    fn values(&self) -> Vec<Value> {
        vec![
            Value::from(self.title.clone()),
            Value::from(self.name.clone()),
            Value::from(self.power),
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            title: row.get("title")?,
            name: row.get("name")?,
            power: row.get("power")?,
        })
    }
}

/// The whole CRUD of a [`Champion`] on the table `Champion::<ON_WEAPONS>::TABLE`.
fn champions_work<const ON_WEAPONS: bool>() {
    crud_works(
        Champion::<ON_WEAPONS> {
            title: Some("the Archer".into()),
            name: "Arjuna".into(),
            power: 9900,
        },
        Champion::<ON_WEAPONS> {
            title: None,
            name: "Karna".into(),
            power: 9800,
        },
        &format!(
            "the tests' Champion entity, on the table `{}` with the columns title, name and \
             power: every statement is built from E::TABLE and E::COLUMNS; SQL written by hand \
             for the tables the kata knows (a match on the table name) is the per-table \
             boilerplate the generic repository removes, and it does not fit another entity on \
             that table; nor does SQL cached under the table name alone (the kata's own entity \
             ran on this table name just before, in this thread): key any cache by the \
             entity's description, or build the SQL each time",
            Champion::<ON_WEAPONS>::TABLE
        ),
    );
}

#[test]
fn the_sql_comes_from_the_entity_not_from_its_table_name() {
    let first = "the kata's own entity, run in this thread just before the tests' Champion on \
                 the same table name";
    let karna = Warrior {
        name: "Karna".into(),
        power: 9800,
    };
    crud_works(arjuna(), karna, first);
    champions_work::<false>();
    let (bow, disc) = (
        Weapon {
            name: "Gandiva".into(),
            damage: 80,
            warrior_id: Some(1),
        },
        Weapon {
            name: "Sudarshana".into(),
            damage: 100,
            warrior_id: None,
        },
    );
    crud_works(bow, disc, first);
    champions_work::<true>();
}

#[test]
fn identifiers_with_spaces_and_quotes_are_quoted() {
    let conn = database();
    start_trace(&conn);
    let repo = table::<Note>(&conn);
    let note = Note {
        text: "camp at dawn".into(),
    };
    let id = repo
        .insert(&note)
        .expect("a table named camp \"notes\" with a column the \"text\" needs \"camp \"\"notes\"\"\" and \"the \"\"text\"\"\" in SQL");
    let _ = (repo.get(id), repo.all(), repo.update(id, &note));
    let trace = stop_trace(&conn);
    let stored: String = conn
        .query_row(
            "SELECT \"the \"\"text\"\"\" FROM \"camp \"\"notes\"\"\" WHERE id = ?1",
            [id],
            |row| row.get(0),
        )
        .expect("the table must be named exactly camp \"notes\" and its column the \"text\"");
    assert_eq!(stored, "camp at dawn");
    assert!(
        repo.delete(id).expect("delete"),
        "delete must find the note"
    );
    let misquoted: Vec<&str> = trace
        .sql()
        .into_iter()
        .filter(|sql| sql.contains("camp") && !sql.contains(r#""camp ""notes""""#))
        .collect();
    assert!(
        misquoted.is_empty(),
        "these statements name the table camp \"notes\" without double quotes: {misquoted:?}. \
         An identifier goes inside double quotes with every \" doubled (\"camp \"\"notes\"\"\"); \
         'camp \"notes\"' in single quotes is a string, which SQLite reads as a name only where \
         no string may stand, and a column quoted that way in a SELECT or WHERE is a constant"
    );
}

/// A fifth table whose names hold the characters other quoting styles end on.
#[derive(Debug, Clone, PartialEq)]
struct Scroll {
    text: String,
}

impl Entity for Scroll {
    const TABLE: &'static str = "scrolls] [`x";
    const COLUMNS: &'static [&'static str] = &["te]xt`"];

    fn values(&self) -> Vec<Value> {
        vec![Value::from(self.text.clone())]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            text: row.get("te]xt`")?,
        })
    }
}

#[test]
fn identifiers_with_brackets_and_backticks_are_quoted_in_double_quotes() {
    let conn = database();
    let repo = Repo::<Scroll>::new(&conn);
    let made = repo.create_table();
    assert!(
        made.is_ok(),
        "a table named `scrolls] [`x` with a column `te]xt`` could not be created ({made:?}): \
         [name] and `name` quoting end at the first ] or `; quote identifiers in double quotes, \
         doubling every \" inside"
    );
    let id = repo
        .insert(&Scroll {
            text: "the map".into(),
        })
        .expect("insert into a table whose name holds ] and `");
    let stored: String = conn
        .query_row(
            "SELECT \"te]xt`\" FROM \"scrolls] [`x\" WHERE id = ?1",
            [id],
            |row| row.get(0),
        )
        .expect("the table and column must be named exactly as TABLE and COLUMNS say");
    assert_eq!(stored, "the map");
    assert_eq!(
        repo.all().expect("all"),
        [(
            id,
            Scroll {
                text: "the map".into()
            }
        )]
    );
}

/// A table whose columns are SQL keywords, next to plain names that need no quotes.
#[derive(Debug, Clone, PartialEq)]
struct Tally {
    limit: i64,
    check: String,
    default: Option<i64>,
    values: String,
    count: i64,
}

impl Entity for Tally {
    const TABLE: &'static str = "tallies";
    const COLUMNS: &'static [&'static str] = &["limit", "check", "default", "values", "count_"];

    fn values(&self) -> Vec<Value> {
        vec![
            Value::from(self.limit),
            Value::from(self.check.clone()),
            Value::from(self.default),
            Value::from(self.values.clone()),
            Value::from(self.count),
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            limit: row.get("limit")?,
            check: row.get("check")?,
            default: row.get("default")?,
            values: row.get("values")?,
            count: row.get("count_")?,
        })
    }
}

#[test]
fn every_identifier_is_quoted_even_a_plain_one() {
    let trace = crud_works(
        Tally {
            limit: 10,
            check: "north gate".into(),
            default: Some(3),
            values: "spears".into(),
            count: 7,
        },
        Tally {
            limit: 20,
            check: "south gate".into(),
            default: None,
            values: "bows".into(),
            count: 2,
        },
        "a table whose columns are named limit, check, default, values and count_: SQL \
         keywords are only names when quoted, so quote every identifier (\"limit\"), not only \
         those a keyword list of your own knows",
    );
    let bare: Vec<&str> = trace
        .sql()
        .into_iter()
        .filter(|sql| {
            words_outside_double_quotes(sql)
                .iter()
                .any(|word| word == "tallies" || word == "count_")
        })
        .collect();
    assert!(
        bare.is_empty(),
        "these statements name the table tallies or the column count_ without double quotes: \
         {bare:?}. Quote every identifier the entity gives, plain or not (\"tallies\", \
         \"count_\"): deciding which names look safe is a keyword list to keep up to date, \
         and a name it misses breaks the SQL"
    );
}

#[test]
fn two_entities_live_side_by_side_on_one_connection() {
    let conn = database();
    let warriors = table::<Warrior>(&conn);
    let quests = table::<Quest>(&conn);
    warriors.insert(&arjuna()).expect("insert warrior");
    quests
        .insert(&Quest {
            title: "Guard the gate".into(),
            order: 1,
            reward: None,
        })
        .expect("insert quest");
    assert_eq!(warriors.all().expect("all").len(), 1, "one warrior");
    assert_eq!(quests.all().expect("all").len(), 1, "one quest");
}

#[test]
fn values_that_do_not_match_the_columns_are_refused() {
    // No `broken` table exists: preparing any statement for it fails with "no such table",
    // so only a check made in Rust, before any SQL is prepared, can answer WrongArity.
    let conn = database();
    let repo = Repo::<Broken>::new(&conn);
    start_trace(&conn);
    let got = repo.insert(&Broken);
    assert!(
        matches!(
            got,
            Err(RepoError::WrongArity {
                table: "broken",
                columns: 2,
                values: 1
            })
        ),
        "2 columns but 1 value must be RepoError::WrongArity, found in Rust before any SQL is \
         prepared (here the table does not even exist; leaving the count to rusqlite's \
         InvalidParameterCount means preparing the statement first), got {got:?}"
    );
    let got = repo.update(1, &Broken);
    assert!(
        matches!(got, Err(RepoError::WrongArity { .. })),
        "update checks the arity too, in Rust before preparing any SQL, got {got:?}"
    );
    let trace = stop_trace(&conn);
    assert!(
        trace.runs.is_empty(),
        "a refused call runs no SQL, yet these ran: {:?}",
        trace.sql()
    );
}

#[test]
fn a_missing_table_is_an_sqlite_error() {
    let conn = database();
    let repo = Repo::<Warrior>::new(&conn);
    let got = repo.get(1);
    assert!(
        matches!(got, Err(RepoError::Sqlite(_))),
        "without create_table the table does not exist: RepoError::Sqlite, got {got:?}"
    );
}

#[test]
fn values_are_bound_not_pasted_into_the_sql() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    let sly = Warrior {
        name: "x'); DROP TABLE warriors; --".into(),
        power: 1,
    };
    start_trace(&conn);
    let id = repo.insert(&sly).expect("insert must succeed");
    let trace = stop_trace(&conn);
    for sql in trace.sql() {
        assert!(
            !sql.contains("DROP TABLE"),
            "the repository sent {sql:?}: values go in as parameters, only identifiers are formatted"
        );
    }
    assert_eq!(
        repo.get(id).expect("get"),
        Some(sly),
        "the name is stored as text"
    );
}

/// The trace of `insert`, `get`, `update`, `delete` (on `missing`) and `all` on a fresh quest
/// table; checks that the quest round-trips.
fn traced_quest_calls(quest: &Quest, missing: i64) -> Trace {
    let conn = database();
    let repo = table::<Quest>(&conn);
    start_trace(&conn);
    let id = repo.insert(quest).expect("insert must succeed");
    let _ = repo.get(missing);
    let _ = repo.update(missing, quest);
    let _ = repo.delete(missing);
    let _ = repo.all();
    let trace = stop_trace(&conn);
    assert_eq!(
        repo.get(id).expect("get").as_ref(),
        Some(quest),
        "the quest round-trips"
    );
    trace
}

#[test]
fn no_value_and_no_id_is_ever_pasted_into_the_sql() {
    let quest = Quest {
        title: "Zebulon's quest".into(),
        order: 424_242,
        reward: Some(0.125),
    };
    let trace = traced_quest_calls(&quest, 987_654);
    let pasted = trace.carrying(&["Zebulon", "424242", "0.125", "987654"]);
    let other = Quest {
        title: "Ygritte".into(),
        order: -3,
        reward: Some(7.5),
    };
    let other = traced_quest_calls(&other, 31_337);
    let differ = trace.texts_not_shared_with(&other);
    assert!(
        pasted.is_empty() && differ.is_empty() && trace.runs.len() >= 5,
        "the repository ran {:?}; these carry a value or an id in their SQL text: {pasted:?}, \
         and the same calls on other values and ids ran other texts: {differ:?} (a value pasted \
         in any spelling, hex or blob literals included). Only identifiers are formatted into \
         the SQL; values and ids are bound parameters, so one text serves every value",
        trace.sql()
    );
}

#[test]
fn all_runs_one_statement_whatever_the_number_of_rows() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    insert_all(
        &repo,
        (0..12).map(|power| Warrior {
            name: format!("warrior {power}"),
            power,
        }),
    );
    start_trace(&conn);
    let all = repo.all();
    let trace = stop_trace(&conn);
    assert_eq!(
        all.map(|rows| rows.len()).ok(),
        Some(12),
        "all must list the 12 warriors"
    );
    assert!(
        trace.runs.len() == 1 && trace.rows == 12,
        "listing 12 entities ran {} statements ({:?}) producing {} rows: `all` is one SELECT of \
         every column, one row per entity; selecting the ids and then calling get per id is \
         the N+1 query the suite is about",
        trace.runs.len(),
        trace.sql(),
        trace.rows
    );
}

#[test]
fn all_orders_by_id_even_when_sqlite_returns_unordered_rows_backwards() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    // Neither the names nor the powers follow the ids, so only ORDER BY id gives id order.
    let ids = insert_all(
        &repo,
        [("Karna", 3), ("Arjuna", 1), ("Drona", 4), ("Bhima", 0)].map(|(name, power)| Warrior {
            name: name.into(),
            power,
        }),
    );
    reverse_unordered_selects(&conn);
    start_trace(&conn);
    let all = repo.all();
    let trace = stop_trace(&conn);
    assert_still_reversing_unordered_selects(&conn, "`all`");
    let got: Vec<i64> = all.expect("all").into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        got, ids,
        "with PRAGMA reverse_unordered_selects SQLite returns rows of a query without ORDER BY \
         backwards: `all` promises id order, so its SELECT must say ORDER BY id"
    );
    assert!(
        trace.sql().iter().any(|sql| says_order_by(sql)),
        "`all`'s SELECT has no ORDER BY clause (words in a comment or a string are not one, and \
         GROUP BY promises no order): the SQL states the order it promises instead of the \
         rows being sorted in Rust; ran {:?}",
        trace.sql()
    );
    let ids: Vec<Value> = ids.into_iter().map(Value::Integer).collect();
    assert!(
        trace
            .runs_of("SELECT")
            .iter()
            .any(|run| some_column_reads(&rows_of(&conn, &run.sql, []), &ids)),
        "run again as they are, the statements `all` ran ({:?}) return no column of ids in id \
         order: its ORDER BY asks for another order and Rust sorts the rows afterwards. Say \
         ORDER BY id, and return the rows in the order SQLite gives them",
        trace.sql()
    );
}

#[test]
fn get_looks_up_one_row_in_sql_not_in_rust() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    let ids = insert_all(
        &repo,
        (0..50).map(|power| Warrior {
            name: format!("w{power}"),
            power,
        }),
    );
    start_trace(&conn);
    let got = repo.get(ids[30]);
    let trace = stop_trace(&conn);
    assert_eq!(
        got.expect("get"),
        Some(Warrior {
            name: "w30".into(),
            power: 30
        })
    );
    assert_eq!(
        trace.rows, 1,
        "SQLite produced {} rows for get of one id: ask for WHERE id = ?1 and let the primary \
         key find the row, instead of reading the whole table (through `all`) and searching it \
         in Rust",
        trace.rows
    );
    assert_found_by_key(&trace, 50, "get");
}

#[test]
fn create_table_again_keeps_the_table_and_its_rows() {
    let conn = database();
    let repo = table::<Warrior>(&conn);
    let id = repo.insert(&arjuna()).expect("insert");
    let again = repo.create_table();
    assert!(
        again.is_ok(),
        "create_table on an existing table failed with {again:?}: create it only if it is \
         missing (CREATE TABLE IF NOT EXISTS)"
    );
    assert_eq!(
        repo.all().expect("all"),
        [(id, arjuna())],
        "create_table must never drop or empty an existing table"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn all_returns_what_was_inserted_minus_what_was_deleted(
        quests in prop::collection::vec(("[a-z' ]{0,8}", -3i64..=3, prop::option::of(0.0f64..10.0)), 0..8),
        delete_mask in prop::collection::vec(any::<bool>(), 8),
    ) {
        let conn = database();
        let repo = table::<Quest>(&conn);
        let mut expected = Vec::new();
        for (i, (title, order, reward)) in quests.into_iter().enumerate() {
            let quest = Quest { title, order, reward };
            let id = repo.insert(&quest).expect("insert");
            if delete_mask[i] {
                prop_assert!(repo.delete(id).expect("delete"));
            } else {
                expected.push((id, quest));
            }
        }
        prop_assert_eq!(repo.all().expect("all"), expected);
    }
}
