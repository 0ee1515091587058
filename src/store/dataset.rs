//! What an import brings, and the rules that build it from the files a user names.

use std::path::{Path, PathBuf};

use super::{GpkgStore, Bilingual, StoreError};
use crate::inventory::{self, LayerName, LayerSource, CATALOGUE_FILE, POLICIES_FILE};

/// What an import brings: whole layers, and optionally a new catalogue or policy file.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Layer files; each replaces its layer.
    pub layers: Vec<LayerSource>,
    /// `industries.json` text, replacing the catalogue.
    pub catalogue: Option<String>,
    /// `policies.json` text, replacing the policy measures.
    pub policies: Option<String>,
}

impl Dataset {
    /// Reads import files: GeoJSON layers named after their layer (`parcels.geojson`),
    /// GeoPackages by table (see [`GpkgStore::read_layers`]), `industries.json` and
    /// `policies.json`. A layer given twice or a file of another name is refused.
    pub fn from_files(files: &[PathBuf]) -> Result<Dataset, StoreError> {
        let mut dataset = Dataset::default();
        for path in files {
            if path.extension().is_some_and(|e| e == "gpkg") {
                for source in GpkgStore::read_layers(path)? {
                    dataset.add_layer(source)?;
                }
                continue;
            }
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
            if !matches!(extension.as_str(), "geojson" | "json") {
                let file = path.display();
                let en = format!(
                    "{file}: import reads GeoJSON (.geojson, .json) and GeoPackage (.gpkg) files, not .{extension}; convert it first, e.g. with ogr2ogr -f GeoJSON parcels.geojson FILE"
                );
                let zh = format!("{file}：导入只读取 GeoJSON（.geojson、.json）和 GeoPackage（.gpkg）文件，不读取 .{extension} 文件；请先转换，例如 ogr2ogr -f GeoJSON parcels.geojson 文件");
                return Err(StoreError::Refused(Bilingual::new(en, zh)));
            }
            let text = std::fs::read_to_string(path).map_err(|e| StoreError::Missing(Bilingual::new(format!("cannot read {}: {e}", path.display()), format!("无法读取 {}：{}", path.display(), crate::error::io_zh(&e)))))?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if name == CATALOGUE_FILE {
                dataset.catalogue = Some(text);
            } else if name == POLICIES_FILE {
                dataset.policies = Some(text);
            } else if let Some(layer) = LayerName::parse(stem) {
                dataset.add_layer(LayerSource { layer, origin: path.display().to_string(), text })?;
            } else {
                let file = path.display();
                return Err(StoreError::Refused(Bilingual::new(
                    format!("{file}: name a layer file after its layer (districts, parks, zones, parcels, buildings .geojson), or give industries.json or policies.json"),
                    format!("{file}：图层文件须以图层命名（districts、parks、zones、parcels、buildings .geojson），或给出 industries.json、policies.json"),
                )));
            }
        }
        Ok(dataset)
    }

    /// Reads a data directory as `serve --data` does: its layers and catalogue must load,
    /// policies.json is taken when present.
    pub fn from_dir(dir: &Path) -> Result<Dataset, StoreError> {
        let (layers, _) = inventory::read_dir(dir).map_err(StoreError::Inventory)?;
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        Ok(Dataset { layers, catalogue: read(CATALOGUE_FILE), policies: read(POLICIES_FILE) })
    }

    /// Adds a layer unless one of its name is already there.
    fn add_layer(&mut self, source: LayerSource) -> Result<(), StoreError> {
        if self.layers.iter().any(|s| s.layer == source.layer) {
            let layer = source.layer;
            return Err(StoreError::Refused(Bilingual::new(format!("{layer} is given twice"), format!("{layer}（{}）图层给出了两次", layer.zh()))));
        }
        self.layers.push(source);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::gpkg::{create_metadata, register_feature_table};
    use crate::store::test_support::{sample_dataset, sample_dir};

    const LAYERS: [LayerName; 5] = LayerName::ALL;

    fn sample_files() -> Vec<PathBuf> {
        let dir = sample_dir();
        let mut files: Vec<PathBuf> = LAYERS.iter().map(|l| dir.join(format!("{l}.geojson"))).collect();
        files.extend([CATALOGUE_FILE, POLICIES_FILE].map(|f| dir.join(f)));
        files
    }

    /// A GeoPackage with one empty feature table called `table`.
    fn one_table_gpkg(path: &Path, table: &str) {
        let db = rusqlite::Connection::open(path).unwrap();
        create_metadata(&db).unwrap();
        db.execute_batch(&format!("CREATE TABLE {table} (fid INTEGER PRIMARY KEY, geom BLOB, id TEXT)")).unwrap();
        register_feature_table(&db, table, "test", "MULTIPOLYGON", None).unwrap();
    }

    #[test]
    fn layers_go_by_file_name_and_the_documents_by_theirs() {
        let dataset = Dataset::from_files(&sample_files()).unwrap();
        assert_eq!(dataset.layers.iter().map(|s| s.layer).collect::<Vec<_>>(), LAYERS.to_vec());
        let parcels = &dataset.layers[3];
        assert_eq!(parcels.origin, sample_dir().join("parcels.geojson").display().to_string());
        assert_eq!(parcels.text, std::fs::read_to_string(sample_dir().join("parcels.geojson")).unwrap());
        let sample = sample_dataset();
        assert_eq!((dataset.catalogue, dataset.policies), (sample.catalogue, sample.policies));
    }

    #[test]
    fn geopackages_go_by_table_or_by_the_name_of_a_file_with_one_table() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store.gpkg");
        GpkgStore::import_new(&store, &sample_dataset(), &crate::store::Import::default()).unwrap();
        let from_store = Dataset::from_files(std::slice::from_ref(&store)).unwrap();
        // tables come in name order
        let mut layers: Vec<LayerName> = from_store.layers.iter().map(|s| s.layer).collect();
        layers.sort();
        assert_eq!(layers, LAYERS.to_vec());
        let parcels = from_store.layers.iter().find(|s| s.layer == LayerName::Parcels).unwrap();
        assert_eq!(parcels.origin, format!("{} (parcels)", store.display()));
        assert!(from_store.catalogue.is_none(), "a GeoPackage brings layers only");

        let lots = dir.path().join("parcels.gpkg");
        one_table_gpkg(&lots, "lots");
        let one = Dataset::from_files(std::slice::from_ref(&lots)).unwrap();
        assert_eq!((one.layers.len(), one.layers[0].layer), (1, LayerName::Parcels));
        assert!(one.layers[0].origin.ends_with("(lots)"), "{}", one.layers[0].origin);

        let other = dir.path().join("other.gpkg");
        one_table_gpkg(&other, "lots");
        let e = Dataset::from_files(&[other]).unwrap_err().to_string();
        assert!(e.contains("no feature table is named after a layer"), "{e}");
    }

    #[test]
    fn a_layer_given_twice_is_refused_whatever_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("parcels.geojson");
        std::fs::copy(sample_dir().join("parcels.geojson"), &copy).unwrap();
        let e = Dataset::from_files(&[sample_dir().join("parcels.geojson"), copy.clone()]).unwrap_err();
        assert!(matches!(&e, StoreError::Refused(m) if m.en == "parcels is given twice" && m.zh == "parcels（地块）图层给出了两次"), "{e}");

        let lots = dir.path().join("lots.gpkg");
        one_table_gpkg(&lots, "parcels");
        let e = Dataset::from_files(&[copy, lots]).unwrap_err().to_string();
        assert_eq!(e, "parcels is given twice");
    }

    #[test]
    fn a_file_of_another_name_or_unreadable_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lots = dir.path().join("lots.geojson");
        std::fs::write(&lots, "{}").unwrap();
        let e = Dataset::from_files(&[lots]).unwrap_err().to_string();
        assert!(e.contains("lots.geojson: name a layer file after its layer"), "{e}");
        let e = Dataset::from_files(&[dir.path().join("parcels.geojson")]).unwrap_err().to_string();
        assert!(e.starts_with("cannot read ") && e.contains("parcels.geojson"), "{e}");
        let sheet = dir.path().join("list.xlsx");
        std::fs::write(&sheet, [0x50, 0x4b, 0x03, 0x04]).unwrap();
        let e = Dataset::from_files(&[sheet]).unwrap_err().to_string();
        assert!(e.contains("list.xlsx") && e.contains("GeoJSON (.geojson, .json) and GeoPackage (.gpkg)") && e.contains("not .xlsx"), "{e}");
    }

    #[test]
    fn a_data_directory_reads_as_the_sample() {
        let dataset = Dataset::from_dir(&sample_dir()).unwrap();
        let sample = sample_dataset();
        assert_eq!(dataset.layers.len(), sample.layers.len());
        assert_eq!((dataset.catalogue, dataset.policies), (sample.catalogue, sample.policies));
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(Dataset::from_dir(empty.path()), Err(StoreError::Inventory(_))));
    }
}
