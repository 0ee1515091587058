//! The inventory: loading and validating GeoJSON layers, the spatial join, R-tree indexes and
//! the immutable snapshot everything above reads.

pub mod datum;
pub mod decode;
pub mod edit;
mod error;
pub mod export;
mod freshness;
pub mod index;
pub mod join;
pub mod labels;
pub mod layer;
pub mod load;
mod progress;
pub mod raw;
pub mod report;
pub mod snapshot;
pub mod stats;

pub use edit::{EditError, EditMode, Space};
pub use error::InventoryError;
pub use freshness::{beijing_today, set_stale_after_days, stale_after_days, stale_list, Freshness, StaleEntry, StaleQuery, DEFAULT_STALE_AFTER_DAYS};
pub use layer::{Feature, Layer, LayerName, Shape};
pub use load::{
    check_policies, load, load_dir, load_dir_strict, load_inputs, read_dir, read_policies, Input, LayerSource, LoadOptions, Loaded, StoredFeature, StoredLayer, CATALOGUE_FILE,
    POLICIES_FILE, RULES,
};
pub use progress::{NoProgress, Progress};
pub use report::{FeatureRef, Problem, Report, Severity};
pub use snapshot::{Snapshot, SnapshotCell};
pub(crate) use snapshot::with_layer;
