//! chanye (产业地图): the inventory of Beijing's industrial land and factory space, and the
//! matcher that ranks it against investment projects.
//!
//! Layers, from the bottom up: [`model`] (domain types) → [`geometry`] (CRS, areas,
//! validation) → [`inventory`] (loading, spatial join, R-tree indexes, immutable snapshots)
//! → [`matcher`] (constraints, scores, explanations) → [`http`] (the only layer that knows actix). [`generate`] writes the sample dataset.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod error;
pub mod export;
pub mod features;
pub mod generate;
pub mod geometry;
pub mod http;
pub mod inventory;
pub mod matcher;
pub mod model;
/// District offices' spreadsheets (XLSX, CSV) of land and factory space read into features, and their template.
pub mod sheet;
pub mod store;
pub mod tiles;
