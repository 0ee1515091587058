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
mod guard;
mod import;
mod migrate;
mod rows;
mod schema;
mod tokens;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Actor, AuditEntry, AuditQuery, Batch, Committed, Dataset, Documents, Edit, Import, Imported, Bilingual, Store, StoreError, TokenInfo};
use crate::model::{Role, Scope};
use crate::export::gpkg::quote;
use crate::inventory::{Input, LayerName, LoadOptions, Loaded, Progress};
use import::load_inputs;

/// A GeoPackage store. One connection, used by one writer at a time, and a checkpointer.
pub struct GpkgStore {
    path: PathBuf,
    db: Mutex<Connection>,
    /// Dropped with the store, which stops the checkpointer.
    _checkpointer: mpsc::Sender<()>,
}

/// How soon after a commit the main file has it.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Copies committed pages from the write-ahead log into the main file within
/// [`CHECKPOINT_EVERY`] of any commit (by any connection), so that the `.gpkg` file alone is a
/// complete GeoPackage shortly after a write; SQLite would wait for 1000 pages of log. It runs
/// on a connection of its own and stops when `stop` is dropped.
fn start_checkpointer(path: &Path) -> Result<mpsc::Sender<()>, StoreError> {
    let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(fail)?;
    db.busy_timeout(Duration::from_secs(1)).map_err(fail)?;
    let (stop, stopped) = mpsc::channel::<()>();
    let shown = path.display().to_string();
    std::thread::Builder::new()
        .name("gpkg-checkpoint".into())
        .spawn(move || {
            let version = |db: &Connection| db.pragma_query_value(None, "data_version", |r| r.get::<_, i64>(0)).ok();
            let mut seen = None;
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                let now = version(&db);
                if now == seen {
                    continue;
                }
                // (busy, log frames, frames checkpointed): done when all frames are in the file
                match db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))) {
                    Ok((0, log, done)) if log == done => seen = now,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(store = %shown, error = %e, "checkpoint failed; retrying"),
                }
            }
        })
        .map_err(|e| StoreError::Failed(Bilingual::new(format!("cannot start the checkpointer: {e}"), format!("无法启动检查点线程：{e}"))))?;
    Ok(stop)
}

impl GpkgStore {
    /// SQLite's errors, naming this store's file.
    fn error(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| StoreError::Sqlite { path: self.path.display().to_string(), source }
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<GpkgStore, StoreError> {
        let not_a_store = |reason: &str, reason_zh: &str| StoreError::NotAStore { path: path.display().to_string(), reason: Bilingual::new(reason, reason_zh) };
        if !path.exists() {
            return Err(not_a_store("the file does not exist", "文件不存在"));
        }
        // without SQLite's own lock per call, as rusqlite opens by default: the connection
        // sits behind the store's mutex, and a restart made 3 million calls through that lock
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let db = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Sqlite { path: path.display().to_string(), source })?;
        let application_id: i64 = db.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|_| not_a_store("not an SQLite file", "不是 SQLite 文件"))?;
        if application_id != 0x4750_4B47 {
            return Err(not_a_store("not a GeoPackage (application_id is not GPKG)", "不是 GeoPackage（application_id 不是 GPKG）"));
        }
        let has_documents = schema::has_documents(&db).map_err(|_| not_a_store("unreadable", "无法读取"))?;
        if !has_documents {
            return Err(not_a_store("a GeoPackage without chanye's tables", "这个 GeoPackage 没有 chanye 的表"));
        }
        schema::configure(path, &db)?;
        schema::ensure_tables(path, &db)?;
        let store = GpkgStore { path: path.to_path_buf(), db: Mutex::new(db), _checkpointer: start_checkpointer(path)? };
        migrate::buildings_as_points(&store)?;
        Ok(store)
    }

    /// Creates an empty store; the file must not exist.
    pub fn create(path: &Path) -> Result<GpkgStore, StoreError> {
        if path.exists() {
            return Err(StoreError::NotAStore { path: path.display().to_string(), reason: Bilingual::new("the file already exists", "文件已存在") });
        }
        let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        let db = Connection::open(path).map_err(fail)?;
        schema::configure(path, &db)?;
        schema::create_tables(path, &db)?;
        Ok(GpkgStore { path: path.to_path_buf(), db: Mutex::new(db), _checkpointer: start_checkpointer(path)? })
    }

    /// Creates a store at `path` holding `dataset`; when the import is refused, no file is
    /// left behind (the file must not exist).
    pub fn import_new(path: &Path, dataset: &Dataset, how: &Import) -> Result<(GpkgStore, Imported), StoreError> {
        GpkgStore::create_with(path, |store| import::import(store, dataset, how))
    }

    /// Creates a store at `path` and fills it with `fill`; when that fails, no file is left
    /// behind (the file must not exist). The store is built in a file of its own beside
    /// `path` without a journal on disk or syncs, then synced and renamed into place: a crash
    /// while building leaves no half store at `path`, and the rows are written once, not
    /// into the write-ahead log and then again into the file.
    fn create_with<T>(path: &Path, fill: impl FnOnce(&GpkgStore) -> Result<T, StoreError>) -> Result<(GpkgStore, T), StoreError> {
        if path.exists() {
            return Err(StoreError::NotAStore { path: path.display().to_string(), reason: Bilingual::new("the file already exists", "文件已存在") });
        }
        let building = PathBuf::from(format!("{}.building", path.display()));
        // what a crash while building left
        remove_with_journals(&building);
        let built = build_in(path, &building, fill);
        if built.is_err() {
            remove_with_journals(&building);
        }
        let filled = built?;
        Ok((GpkgStore::open(path)?, filled))
    }

    /// Opens the store at `path`, or creates it and imports the data directory `seed` into it.
    pub fn open_or_seed(path: &Path, seed: &Path) -> Result<GpkgStore, StoreError> {
        if path.exists() {
            return GpkgStore::open(path);
        }
        let dataset = Dataset::from_dir(seed)?;
        GpkgStore::import_new(path, &dataset, &Import::default()).map(|(store, _)| store)
    }

    /// Opens the store at `path` and loads it, or creates it from the data directory `seed`
    /// and keeps what that import validated (no second read).
    pub fn open_or_seed_loaded(path: &Path, seed: &Path, progress: &dyn Progress) -> Result<(GpkgStore, Loaded), StoreError> {
        if path.exists() {
            let store = GpkgStore::open(path)?;
            let loaded = store.load(progress)?;
            return Ok((store, loaded));
        }
        let dataset = Dataset::from_dir(seed)?;
        let (store, (_, loaded)) = GpkgStore::create_with(path, |store| import::import_loading(store, &dataset, &Import::default(), progress))?;
        Ok((store, loaded))
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the whole write-ahead log into the main file now and empties it (after an
    /// import: a large write the main file should hold at once). Best effort: a reader may
    /// hold it back, and the checkpointer then finishes.
    fn checkpoint(&self) {
        if let Err(e) = self.connection().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
            tracing::warn!(store = %self.path.display(), error = %e, "checkpoint failed");
        }
    }

    /// The one connection.
    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // a panic while holding the lock leaves SQLite consistent: transactions roll back on drop
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Builds a new store in the file `building` with `fill`, then moves it to `path`.
fn build_in<T>(path: &Path, building: &Path, fill: impl FnOnce(&GpkgStore) -> Result<T, StoreError>) -> Result<T, StoreError> {
    let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
    let db = Connection::open(building).map_err(fail)?;
    schema::configure_for_building(path, &db)?;
    schema::create_tables(path, &db)?;
    // no checkpointer: nothing goes through a write-ahead log while building
    let store = GpkgStore { path: path.to_path_buf(), db: Mutex::new(db), _checkpointer: mpsc::channel().0 };
    let filled = fill(&store)?;
    store.connection().pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
    drop(store);
    let io = |e: std::io::Error| {
        let file = path.display();
        StoreError::Failed(Bilingual::new(format!("cannot put the new store in place at {file}: {e}"), format!("无法将新建的库放到 {file}：{}", crate::error::io_zh(&e))))
    };
    std::fs::File::open(building).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(building, path).map_err(io)?;
    // the rename itself survives a power loss once the directory is synced
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(filled)
}

/// Removes an SQLite file with its journals, if there.
fn remove_with_journals(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The current instant, UTC, RFC 3339 with milliseconds.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store for GpkgStore {
    fn load(&self, progress: &dyn Progress) -> Result<Loaded, StoreError> {
        let db = self.connection();
        let fail = self.error();
        let catalogue = schema::document(&db, schema::CATALOGUE).map_err(&fail)?.ok_or_else(|| {
            let path = self.path.display();
            StoreError::Missing(Bilingual::new(format!("{path} holds no industry catalogue; import industries.json"), format!("{path} 中没有产业目录；请导入 industries.json")))
        })?;
        let policies = schema::document(&db, schema::POLICIES).map_err(&fail)?;
        let validated = schema::validated(&db).map_err(&fail)?;
        if !validated {
            tracing::info!(store = %self.path.display(), "validating every row (the store was not validated under this binary's rules)");
        }
        let mut inputs = Vec::new();
        for layer in LayerName::ALL {
            if let Some(stored) = rows::stored_layer(&db, layer).map_err(&fail)? {
                inputs.push(Input::Stored(stored));
            }
        }
        let options = LoadOptions { trust_geometry: validated, ..LoadOptions::default() };
        let loaded = load_inputs(inputs, &catalogue, policies.as_deref(), options, progress)?;
        if !validated {
            schema::mark_validated(&db).map_err(&fail)?;
        }
        Ok(loaded)
    }

    fn import(&self, dataset: &Dataset, how: &Import) -> Result<Imported, StoreError> {
        import::import(self, dataset, how)
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

    fn insert_token(&self, name: &str, role: Role, scope: &Scope) -> Result<String, StoreError> {
        tokens::create(self, name, role, scope)
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
        let e = GpkgStore::import_new(&path, &dataset, &Import::default()).err().expect("no catalogue, no store");
        assert!(matches!(e, StoreError::Missing(_)), "{e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_first_import_makes_a_store_that_opens_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.gpkg");
        let (store, imported) = GpkgStore::import_new(&path, &sample_dataset(), &Import::default()).unwrap();
        assert_eq!((imported.layers.len(), imported.catalogue, imported.policies), (5, true, true));
        assert!(imported.layers.iter().all(|(_, c)| c.new_layer && c.added.len() == c.total && c.total > 0));
        let counts = store.snapshot().unwrap().snapshot.counts();
        drop(store);
        assert_eq!(GpkgStore::open(&path).unwrap().snapshot().unwrap().snapshot.counts(), counts);
        // an existing file is never replaced, nor removed
        let e = GpkgStore::import_new(&path, &sample_dataset(), &crate::store::Import::default()).err().expect("the file exists");
        assert!(matches!(e, StoreError::NotAStore { .. }), "{e}");
        assert!(GpkgStore::open(&path).is_ok());
    }

    #[test]
    fn a_new_store_is_built_beside_its_path_then_moved_there_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.gpkg");
        let building = dir.path().join("s.gpkg.building");
        std::fs::write(&building, b"what a crash while building left").unwrap();
        let (store, _) = GpkgStore::import_new(&path, &sample_dataset(), &Import::default()).unwrap();
        assert!(!building.exists(), "the half-built file of a crash is replaced, and the new one moved into place");
        let db = store.connection();
        let setting = |name: &str| db.pragma_query_value(None, name, |r| r.get::<_, rusqlite::types::Value>(0)).unwrap();
        // once in place, the store runs as every open configures it
        assert_eq!(setting("journal_mode"), rusqlite::types::Value::Text("wal".into()));
        assert_eq!(setting("synchronous"), rusqlite::types::Value::Integer(2));
        assert_eq!(db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(), "ok");
    }

    #[test]
    fn a_restart_reads_back_the_spaces_a_first_start_worked_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.gpkg");
        let seed = crate::store::test_support::sample_dir();
        let (_, first) = GpkgStore::open_or_seed_loaded(&path, &seed, &crate::inventory::NoProgress).unwrap();
        let (store, again) = GpkgStore::open_or_seed_loaded(&path, &seed, &crate::inventory::NoProgress).unwrap();
        assert!(schema::validated(&store.connection()).unwrap(), "the restart read rows stamped as validated");
        // Debug prints every field, and each f64 exactly
        let parcels = |l: &Loaded| l.snapshot.parcels.items().iter().map(|p| format!("{p:?}")).collect::<Vec<_>>();
        let buildings = |l: &Loaded| l.snapshot.buildings.items().iter().map(|b| format!("{b:?}")).collect::<Vec<_>>();
        assert!(!parcels(&first).is_empty());
        assert_eq!(parcels(&again), parcels(&first));
        assert_eq!(buildings(&again), buildings(&first));
    }
}
