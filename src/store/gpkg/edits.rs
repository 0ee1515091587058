//! Edits of parcels and buildings, each with its entry in the audit trail, and the trail read
//! back.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::schema::{columns, ensure_columns, write_feature, Write, WriteError};
use super::{now, GpkgStore};
use crate::export::gpkg::quote;
use crate::store::merge::changed_properties;
use crate::inventory::{LayerName, Space};
use crate::model::{check_transition, Place, Role, SpaceStatus};
use crate::store::{Actor, AuditEntry, AuditQuery, Batch, Change, Committed, Edit, Bilingual, StoreError};

/// Why one edit failed: refused (the batch goes on) or SQLite failed.
enum Failure {
    Refusal(StoreError),
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sql(e)
    }
}

/// The stored version of a feature, checked against what the caller saw.
fn checked_version(tx: &Connection, layer: LayerName, id: &str, expected: u64) -> Result<u64, Failure> {
    let version: Option<i64> = tx.query_row(&format!("SELECT version FROM {} WHERE id = ?1", quote(layer.as_str())), [id], |r| r.get(0)).optional()?;
    let Some(version) = version else {
        return Err(Failure::Refusal(StoreError::NotFound { layer, id: id.to_string() }));
    };
    let version = version as u64;
    if version != expected {
        return Err(Failure::Refusal(StoreError::Conflict { layer, id: id.to_string(), expected, current: version }));
    }
    Ok(version)
}

/// Writes a space's row (inserting it at version 1, or overwriting it one version up),
/// adding any column the table lacks.
fn write_row(tx: &Connection, space: &Space, insert: bool) -> Result<(), Failure> {
    let table = space.layer().as_str();
    let properties = space.stored_properties();
    let kinds = ensure_columns(tx, table, &properties)?;
    let how = if insert { Write::Insert } else { Write::Update };
    match write_feature(tx, table, &kinds, &properties, &space.geometry(), how) {
        Ok(()) => Ok(()),
        Err(WriteError::Geometry(e)) => Err(Failure::Refusal(StoreError::Refused(Bilingual::new(
            format!("{} {}: {e}", space.layer(), space.id()),
            format!("{} {}：几何无法写入（{e}）", space.layer().zh(), space.id()),
        )))),
        Err(WriteError::Sql(rusqlite::Error::SqliteFailure(e, _))) if e.code == rusqlite::ErrorCode::ConstraintViolation => Err(Failure::Refusal(StoreError::Refused(Bilingual::new(
            format!("{} already has '{}'", space.layer(), space.id()),
            format!("{}中已有 '{}'", space.layer().zh(), space.id()),
        )))),
        Err(WriteError::Sql(e)) => Err(Failure::Sql(e)),
    }
}

/// An audit entry in the making.
pub(super) struct Entry<'a> {
    pub(super) layer: LayerName,
    pub(super) feature: &'a str,
    pub(super) action: &'a str,
    pub(super) before: Value,
    pub(super) after: Value,
    pub(super) geometry_changed: bool,
    pub(super) project: Option<&'a str>,
    pub(super) project_id: Option<&'a str>,
    pub(super) note: Option<&'a str>,
    /// Where the feature is after the change (before it, for a deletion).
    pub(super) place: Option<Place<'a>>,
    /// Where it was before, when that differs.
    pub(super) place_before: Option<Place<'a>>,
}

/// Writes an audit entry and returns its place in the trail.
pub(super) fn record(tx: &Connection, actor: &Actor, e: Entry) -> rusqlite::Result<i64> {
    let text = |v: &Value| (!v.is_null()).then(|| v.to_string());
    let before = e.place_before.filter(|b| Some(*b) != e.place);
    tx.execute(
        "INSERT INTO chanye_audit (at, actor, role, layer, feature, action, before, after, geometry_changed, project, project_id, note,
                                   scope_kind, scope_id, district, park, district_before, park_before)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            now(),
            actor.name,
            actor.role.as_str(),
            e.layer.as_str(),
            e.feature,
            e.action,
            text(&e.before),
            text(&e.after),
            e.geometry_changed as i64,
            e.project,
            e.project_id,
            e.note,
            actor.scope.kind(),
            actor.scope.id(),
            e.place.map(|p| p.district),
            e.place.and_then(|p| p.park),
            before.map(|p| p.district),
            before.and_then(|p| p.park)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Applies one edit inside the open transaction.
fn apply_one(tx: &Connection, edit: &Edit) -> Result<Committed, Failure> {
    let actor = &edit.actor;
    match &edit.change {
        Change::Status(change) => {
            let layer = change.layer;
            let table = quote(layer.as_str());
            let version = checked_version(tx, layer, &change.id, change.expected_version)?;
            let (status, district, park): (String, String, Option<String>) =
                tx.query_row(&format!("SELECT status, district, park FROM {table} WHERE id = ?1"), [&change.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            let from: SpaceStatus = status.parse().map_err(|e: crate::model::UnknownValue| Failure::Refusal(StoreError::Refused(Bilingual::new(e.to_string(), e.zh()))))?;
            if let Err(refused) = check_transition(from, change.to, actor.role) {
                // allowed to a higher role: the role is what is missing
                let higher = Role::ALL.into_iter().any(|r| r > actor.role && check_transition(from, change.to, r).is_ok());
                let reason = Bilingual::new(refused.to_string(), refused.zh());
                return Err(Failure::Refusal(if higher { StoreError::Forbidden(reason) } else { StoreError::Refused(reason) }));
            }
            let kinds = columns(tx, layer.as_str())?;
            for key in crate::inventory::export::CONFIDENTIAL_PROPERTIES {
                if !kinds.contains_key(key) {
                    tx.execute(&format!("ALTER TABLE {table} ADD COLUMN {} TEXT", quote(key)), [])?;
                }
            }
            // the project is what a space is held for; one back on offer or idle has none
            let cleared = matches!(change.to, SpaceStatus::Available | SpaceStatus::Idle);
            tx.execute(
                &format!(
                    "UPDATE {table} SET status = ?1, version = version + 1,
                        project = CASE WHEN ?3 THEN NULL ELSE coalesce(?4, project) END,
                        project_id = CASE WHEN ?3 THEN NULL ELSE coalesce(?5, project_id) END
                     WHERE id = ?2"
                ),
                params![change.to.as_str(), change.id, cleared, change.project, change.project_id],
            )?;
            let audit_seq = record(
                tx,
                actor,
                Entry {
                    layer,
                    feature: &change.id,
                    action: "status",
                    before: serde_json::json!({ "status": from.as_str() }),
                    after: serde_json::json!({ "status": change.to.as_str() }),
                    geometry_changed: false,
                    project: change.project.as_deref(),
                    project_id: change.project_id.as_deref(),
                    note: change.note.as_deref(),
                    place: Some(Place { district: &district, park: park.as_deref() }),
                    place_before: None,
                },
            )?;
            Ok(Committed { version: version + 1, audit_seq })
        }
        Change::Create(space) => {
            write_row(tx, space, true)?;
            let after = Value::Object(space.stored_properties());
            let entry = Entry {
                layer: space.layer(),
                feature: space.id(),
                action: "create",
                before: Value::Null,
                after,
                geometry_changed: true,
                project: None,
                project_id: None,
                note: None,
                place: Some(space.place()),
                place_before: None,
            };
            Ok(Committed { version: 1, audit_seq: record(tx, actor, entry)? })
        }
        Change::Update { expected_version, before, after } => {
            let version = checked_version(tx, after.layer(), after.id(), *expected_version)?;
            write_row(tx, after, false)?;
            let (old, new) = changed_properties(&before.stored_properties(), &after.stored_properties());
            let geometry_changed = !before.same_geometry(after);
            let entry = Entry {
                layer: after.layer(),
                feature: after.id(),
                action: "update",
                before: old,
                after: new,
                geometry_changed,
                project: None,
                project_id: None,
                note: None,
                place: Some(after.place()),
                place_before: Some(before.place()),
            };
            Ok(Committed { version: version + 1, audit_seq: record(tx, actor, entry)? })
        }
        Change::Delete { expected_version, before } => {
            let version = checked_version(tx, before.layer(), before.id(), *expected_version)?;
            tx.execute(&format!("DELETE FROM {} WHERE id = ?1", quote(before.layer().as_str())), [before.id()])?;
            let old = Value::Object(before.stored_properties());
            let entry = Entry {
                layer: before.layer(),
                feature: before.id(),
                action: "delete",
                before: old,
                after: Value::Null,
                geometry_changed: true,
                project: None,
                project_id: None,
                note: None,
                place: Some(before.place()),
                place_before: None,
            };
            Ok(Committed { version: version + 1, audit_seq: record(tx, actor, entry)? })
        }
    }
}

/// Applies the edits in one transaction, a savepoint each under [`Batch::Each`].
pub(super) fn apply(store: &GpkgStore, edits: &[Edit], batch: Batch) -> Result<Vec<Result<Committed, StoreError>>, StoreError> {
    let mut db = store.connection();
    let fail = store.error();
    let tx = db.transaction().map_err(&fail)?;
    let mut answers = Vec::with_capacity(edits.len());
    let mut touched = Vec::new();
    for edit in edits {
        if batch == Batch::Each {
            tx.execute_batch("SAVEPOINT edit").map_err(&fail)?;
        }
        let answer = apply_one(&tx, edit).map_err(|e| match e {
            Failure::Refusal(e) => e,
            Failure::Sql(source) => StoreError::Sqlite { path: store.path.display().to_string(), source },
        });
        let answer = match (answer, batch) {
            // dropping the transaction rolls back everything
            (Err(e), Batch::Atomic) => return Err(e),
            (Err(e), Batch::Each) => {
                tx.execute_batch("ROLLBACK TO edit; RELEASE edit").map_err(&fail)?;
                Err(e)
            }
            (Ok(c), Batch::Each) => {
                tx.execute_batch("RELEASE edit").map_err(&fail)?;
                Ok(c)
            }
            (Ok(c), Batch::Atomic) => Ok(c),
        };
        if answer.is_ok() {
            touched.push(edit.change.target().0);
        }
        answers.push(answer);
    }
    touched.dedup();
    for layer in touched {
        tx.execute("UPDATE gpkg_contents SET last_change = ?2 WHERE table_name = ?1", params![layer.as_str(), now()]).map_err(&fail)?;
    }
    tx.commit().map_err(&fail)?;
    Ok(answers)
}

/// The audit entries asked for, oldest first.
pub(super) fn audit(store: &GpkgStore, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
    let db = store.connection();
    // scoped readers filter as rows stream by, so the limit counts what they may see
    let limit = if query.within.is_some() { -1 } else { query.limit.max(1) as i64 };
    let mut q = db
        .prepare(
            "SELECT seq, at, actor, role, layer, feature, action, before, after, geometry_changed, project, project_id, note,
                    scope_kind, scope_id, district, park, district_before, park_before
             FROM chanye_audit WHERE (?1 IS NULL OR feature = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY seq LIMIT ?3",
        )
        .map_err(store.error())?;
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null);
    let rows = q
        .query_map(params![query.feature, query.since, limit], |r| {
            let district_before: Option<String> = r.get(17)?;
            let park_before: Option<String> = r.get(18)?;
            let entry = AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                role: r.get(3)?,
                scope: super::tokens::scope_of(r, 13)?,
                district: r.get(15)?,
                park: r.get(16)?,
                layer: r.get(4)?,
                feature: r.get(5)?,
                action: r.get(6)?,
                before: json(r.get(7)?),
                after: json(r.get(8)?),
                geometry_changed: r.get::<_, i64>(9)? != 0,
                project: r.get(10)?,
                project_id: r.get(11)?,
                note: r.get(12)?,
            };
            Ok((entry, district_before, park_before))
        })
        .map_err(store.error())?;
    let mut entries = Vec::new();
    for row in rows {
        let (entry, district_before, park_before) = row.map_err(store.error())?;
        if let Some(coverage) = &query.within {
            let at = |d: &Option<String>, p: &Option<String>| d.as_deref().is_some_and(|district| coverage.covers(Place { district, park: p.as_deref() }));
            if !at(&entry.district, &entry.park) && !at(&district_before, &park_before) {
                continue;
            }
        }
        entries.push(entry);
        if entries.len() >= query.limit.max(1) {
            break;
        }
    }
    Ok(entries)
}
