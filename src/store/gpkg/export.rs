//! Exports: a compact GeoPackage copy of the store, or a data directory of GeoJSON layers.

use std::path::Path;

use super::schema::{document, CATALOGUE, POLICIES};
use super::GpkgStore;
use crate::inventory::LayerName;
use crate::store::{Store, StoreError};

impl GpkgStore {
    /// Writes a compact copy of the whole store to `out`, which must not exist.
    pub fn copy_to(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Missing(format!("{} exists; give a new file", out.display())));
        }
        let target = out.to_str().ok_or_else(|| StoreError::Missing(format!("{} is not a UTF-8 path", out.display())))?;
        self.connection().execute("VACUUM INTO ?1", [target]).map_err(self.error())?;
        Ok(())
    }

    /// Writes the store as a data directory: one GeoJSON file per layer, industries.json and
    /// policies.json; `out` must not exist.
    pub fn export_dir(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Missing(format!("{} exists; give a new directory", out.display())));
        }
        let loaded = self.snapshot()?;
        let (catalogue, policies) = {
            let db = self.connection();
            (document(&db, CATALOGUE).map_err(self.error())?, document(&db, POLICIES).map_err(self.error())?)
        };
        let io = |e: std::io::Error| StoreError::Missing(format!("{}: {e}", out.display()));
        std::fs::create_dir_all(out).map_err(io)?;
        for (layer, count) in loaded.snapshot.counts() {
            if count == 0 && layer != LayerName::Districts {
                continue;
            }
            let fc = crate::inventory::export::layer_collection(&loaded.snapshot, layer);
            let text = serde_json::to_string(&fc).map_err(|e| StoreError::Missing(e.to_string()))?;
            std::fs::write(out.join(format!("{layer}.geojson")), text).map_err(io)?;
        }
        for (name, text) in [(CATALOGUE, catalogue), (POLICIES, policies)] {
            if let Some(text) = text {
                std::fs::write(out.join(name), text).map_err(io)?;
            }
        }
        Ok(())
    }
}
