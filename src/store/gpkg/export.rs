//! Exports: a compact GeoPackage copy of the store, and its documents for a data directory
//! (written by the store-independent `Store::export_dir`).

use std::path::Path;

use super::schema::{document, CATALOGUE, POLICIES};
use super::GpkgStore;
use crate::store::{Documents, Bilingual, StoreError};

/// A compact copy of the whole file (`VACUUM INTO`) at `out`, which must not exist.
pub(super) fn copy_to(store: &GpkgStore, out: &Path) -> Result<(), StoreError> {
    if out.exists() {
        return Err(StoreError::Missing(Bilingual::new(format!("{} exists; give a new file", out.display()), format!("{} 已存在；请给一个新文件名", out.display()))));
    }
    let target = out.to_str().ok_or_else(|| StoreError::Missing(Bilingual::new(format!("{} is not a UTF-8 path", out.display()), format!("{} 不是 UTF-8 路径", out.display()))))?;
    store.connection().execute("VACUUM INTO ?1", [target]).map_err(store.error())?;
    Ok(())
}

/// The catalogue and policies texts of `chanye_documents`.
pub(super) fn documents(store: &GpkgStore) -> Result<Documents, StoreError> {
    let db = store.connection();
    Ok(Documents { catalogue: document(&db, CATALOGUE).map_err(store.error())?, policies: document(&db, POLICIES).map_err(store.error())? })
}

#[cfg(test)]
mod tests {
    use crate::inventory::LayerName;
    use crate::model::Role;
    use crate::store::test_support::sample_dataset;
    use crate::store::{GpkgStore, Store};

    #[test]
    fn a_copy_holds_the_layers_their_versions_and_the_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let store = GpkgStore::create(&dir.path().join("s.gpkg")).unwrap();
        store.import(&sample_dataset(), &crate::store::Import::default()).unwrap();
        let secret = store.create_token("li", Role::Editor, &crate::model::Scope::City).unwrap();
        let copy = dir.path().join("copy.gpkg");
        store.copy_to(&copy).unwrap();
        let copied = GpkgStore::open(&copy).unwrap();
        assert_eq!(copied.snapshot().unwrap().snapshot.counts(), store.snapshot().unwrap().snapshot.counts());
        assert_eq!(copied.versions(LayerName::Parcels).unwrap(), store.versions(LayerName::Parcels).unwrap());
        assert!(copied.authenticate(&secret).unwrap().is_some());
        assert_eq!(copied.documents().unwrap(), store.documents().unwrap());
        assert!(store.copy_to(&copy).unwrap_err().to_string().contains("exists"));
    }
}
