//! Exports any store can make from its snapshot and documents.

use std::path::Path;

use super::{Documents, Bilingual, Store, StoreError};
use crate::inventory::{LayerName, CATALOGUE_FILE, POLICIES_FILE};

/// Writes `store` as a data directory at `out`, which must not exist: a GeoJSON file per
/// layer that has features (districts always), and the documents the store keeps.
pub(super) fn write_dir<S: Store + ?Sized>(store: &S, out: &Path) -> Result<(), StoreError> {
    if out.exists() {
        return Err(StoreError::Missing(Bilingual::new(format!("{} exists; give a new directory", out.display()), format!("{} 已存在；请给一个新目录", out.display()))));
    }
    let loaded = store.snapshot()?;
    let Documents { catalogue, policies } = store.documents()?;
    let io = |e: std::io::Error| StoreError::Missing(Bilingual::new(format!("{}: {e}", out.display()), format!("{}：{}", out.display(), crate::error::io_zh(&e))));
    std::fs::create_dir_all(out).map_err(io)?;
    for (layer, count) in loaded.snapshot.counts() {
        if count == 0 && layer != LayerName::Districts {
            continue;
        }
        let path = out.join(format!("{layer}.geojson"));
        let fc = crate::inventory::export::layer_collection(&loaded.snapshot, layer);
        let text = serde_json::to_string(&fc).map_err(|e| StoreError::Missing(Bilingual::new(format!("{}: {e}", path.display()), format!("{}：{}", path.display(), crate::error::plain_reason_zh(&e.to_string())))))?;
        std::fs::write(path, text).map_err(io)?;
    }
    for (name, text) in [(CATALOGUE_FILE, catalogue), (POLICIES_FILE, policies)] {
        if let Some(text) = text {
            std::fs::write(out.join(name), text).map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::GpkgStore;
    use crate::store::test_support::{sample_dataset, sample_dir};

    #[test]
    fn a_data_directory_holds_the_layers_and_the_documents_as_imported() {
        let dir = tempfile::tempdir().unwrap();
        let store = GpkgStore::create(&dir.path().join("s.gpkg")).unwrap();
        store.import(&sample_dataset(), &crate::store::Import::default()).unwrap();
        let out = dir.path().join("out");
        store.export_dir(&out).unwrap();
        for name in [CATALOGUE_FILE, POLICIES_FILE] {
            assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), std::fs::read_to_string(sample_dir().join(name)).unwrap(), "{name}");
        }
        let again = crate::inventory::load_dir_strict(&out).unwrap().snapshot;
        assert_eq!(again.counts(), store.snapshot().unwrap().snapshot.counts());
        let e = store.export_dir(&out).unwrap_err().to_string();
        assert!(e.contains("exists"), "{e}");
    }
}
