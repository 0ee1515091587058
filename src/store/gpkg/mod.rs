//! The embedded store: one GeoPackage file (SQLite in WAL mode). Each layer is a GeoPackage
//! feature table with the public properties as columns (lists and objects as JSON, declared
//! `application/json` in `gpkg_data_columns` so GDAL reads them as JSON), an `id` that is
//! unique, and a `version` for optimistic concurrency. The catalogue and the policy measures
//! are kept as documents in `chanye_documents`.
//!
//! By concern: [`schema`] (tables and column kinds), [`tokens`], [`import`] (layers in and
//! out of feature tables), [`edits`] (with the audit trail) and [`export`].

mod edits;
mod export;
mod import;
mod schema;
mod tokens;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use super::{Actor, AuditEntry, AuditQuery, Batch, Committed, Dataset, Documents, Edit, Imported, Store, StoreError, TokenInfo};
use crate::model::Role;
use crate::export::gpkg::quote;
use crate::inventory::{LayerName, Loaded};
use import::{load_all, read_all, Stored};

/// A GeoPackage store. One connection, used by one writer at a time.
pub struct GpkgStore {
    path: PathBuf,
    db: Mutex<Connection>,
}

impl GpkgStore {
    /// SQLite's errors, naming this store's file.
    fn error(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| StoreError::Sqlite { path: self.path.display().to_string(), source }
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<GpkgStore, StoreError> {
        let not_a_store = |reason: &str| StoreError::NotAStore { path: path.display().to_string(), reason: reason.to_string() };
        if !path.exists() {
            return Err(not_a_store("the file does not exist"));
        }
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|source| StoreError::Sqlite { path: path.display().to_string(), source })?;
        let application_id: i64 = db.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|_| not_a_store("not an SQLite file"))?;
        if application_id != 0x4750_4B47 {
            return Err(not_a_store("not a GeoPackage (application_id is not GPKG)"));
        }
        let has_documents = schema::has_documents(&db).map_err(|_| not_a_store("unreadable"))?;
        if !has_documents {
            return Err(not_a_store("a GeoPackage without chanye's tables"));
        }
        schema::configure(path, &db)?;
        schema::ensure_tables(path, &db)?;
        Ok(GpkgStore { path: path.to_path_buf(), db: Mutex::new(db) })
    }

    /// Creates an empty store; the file must not exist.
    pub fn create(path: &Path) -> Result<GpkgStore, StoreError> {
        if path.exists() {
            return Err(StoreError::NotAStore { path: path.display().to_string(), reason: "the file already exists".into() });
        }
        let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        let db = Connection::open(path).map_err(fail)?;
        schema::configure(path, &db)?;
        schema::create_tables(path, &db)?;
        Ok(GpkgStore { path: path.to_path_buf(), db: Mutex::new(db) })
    }

    /// Creates a store at `path` holding `dataset`; when the import is refused, no file is
    /// left behind (the file must not exist).
    pub fn import_new(path: &Path, dataset: &Dataset) -> Result<(GpkgStore, Imported), StoreError> {
        let store = GpkgStore::create(path)?;
        match store.import(dataset) {
            Ok(imported) => Ok((store, imported)),
            Err(e) => {
                drop(store);
                // a store that never held data is not worth keeping
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                Err(e)
            }
        }
    }

    /// Opens the store at `path`, or creates it and imports the data directory `seed` into it.
    pub fn open_or_seed(path: &Path, seed: &Path) -> Result<GpkgStore, StoreError> {
        if path.exists() {
            return GpkgStore::open(path);
        }
        let dataset = Dataset::from_dir(seed)?;
        GpkgStore::import_new(path, &dataset).map(|(store, _)| store)
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The one connection.
    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // a panic while holding the lock leaves SQLite consistent: transactions roll back on drop
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The current instant, UTC, RFC 3339 with milliseconds.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store for GpkgStore {
    fn snapshot(&self) -> Result<Loaded, StoreError> {
        let db = self.connection();
        let Stored { layers, catalogue, policies } = read_all(self, &db)?;
        let catalogue = catalogue.ok_or_else(|| StoreError::Missing(format!("{} holds no industry catalogue; import industries.json", self.path.display())))?;
        drop(db);
        let mut loaded = load_all(&layers, &catalogue, policies.as_deref())?;
        let versions = self.versions(LayerName::Parcels)?;
        loaded.snapshot.parcels.update_all(|p| p.version = versions.get(&p.id).copied().unwrap_or(1));
        let versions = self.versions(LayerName::Buildings)?;
        loaded.snapshot.buildings.update_all(|b| b.version = versions.get(&b.id).copied().unwrap_or(1));
        Ok(loaded)
    }

    fn import(&self, dataset: &Dataset) -> Result<Imported, StoreError> {
        import::import(self, dataset)
    }

    fn versions(&self, layer: LayerName) -> Result<std::collections::HashMap<String, u64>, StoreError> {
        let db = self.connection();
        if !schema::has_table(&db, layer.as_str()).map_err(self.error())? {
            return Ok(Default::default());
        }
        let mut q = db.prepare(&format!("SELECT id, version FROM {}", quote(layer.as_str()))).map_err(self.error())?;
        let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))).map_err(self.error())?;
        rows.collect::<Result<_, _>>().map_err(self.error())
    }

    fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        tokens::authenticate(self, token)
    }

    fn apply(&self, edits: &[Edit], batch: Batch) -> Result<Vec<Result<Committed, StoreError>>, StoreError> {
        edits::apply(self, edits, batch)
    }

    fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        edits::audit(self, query)
    }

    fn create_token(&self, name: &str, role: Role) -> Result<String, StoreError> {
        tokens::create(self, name, role)
    }

    fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        tokens::list(self)
    }

    fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        tokens::revoke(self, name)
    }

    fn documents(&self) -> Result<Documents, StoreError> {
        export::documents(self)
    }

    fn copy_to(&self, out: &Path) -> Result<(), StoreError> {
        export::copy_to(self, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::sample_dataset;

    #[test]
    fn a_refused_first_import_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.gpkg");
        let mut dataset = sample_dataset();
        dataset.catalogue = None;
        let e = GpkgStore::import_new(&path, &dataset).err().expect("no catalogue, no store");
        assert!(matches!(e, StoreError::Missing(_)), "{e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_first_import_makes_a_store_that_opens_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.gpkg");
        let (store, imported) = GpkgStore::import_new(&path, &sample_dataset()).unwrap();
        assert_eq!((imported.layers.len(), imported.catalogue, imported.policies), (5, true, true));
        let counts = store.snapshot().unwrap().snapshot.counts();
        drop(store);
        assert_eq!(GpkgStore::open(&path).unwrap().snapshot().unwrap().snapshot.counts(), counts);
        // an existing file is never replaced, nor removed
        let e = GpkgStore::import_new(&path, &sample_dataset()).err().expect("the file exists");
        assert!(matches!(e, StoreError::NotAStore { .. }), "{e}");
        assert!(GpkgStore::open(&path).is_ok());
    }
}
