//! `match` and `recommend`: a project file against a data directory or a store.

use std::process::ExitCode;
use std::sync::Arc;

use super::{CliError, Format, ProjectArgs};
use crate::matcher::{Matcher, ProjectRequest};

impl ProjectArgs {
    /// The parsed project and a matcher over the loaded data.
    fn open(&self) -> Result<(ProjectRequest, Matcher), CliError> {
        let text = std::fs::read_to_string(&self.project).map_err(|source| CliError::Read { path: self.project.clone(), source })?;
        let request = ProjectRequest::from_json(&text).map_err(|source| CliError::Project { path: self.project.clone(), source })?;
        let loaded = super::inventory::load(&self.from)?;
        Ok((request, Matcher::new(Arc::new(loaded.snapshot))))
    }
}

/// `match`: the ranked land and building space.
pub(super) fn matches(args: &ProjectArgs) -> Result<ExitCode, CliError> {
    let (request, matcher) = args.open()?;
    let result = matcher.run(&request).map_err(|source| CliError::Project { path: args.project.clone(), source })?;
    let text = match args.format {
        Format::Table => result.to_table(),
        Format::Json => serde_json::to_string_pretty(&result)?,
        Format::Geojson => serde_json::to_string_pretty(&result.to_feature_collection())?,
    };
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// `recommend`: the districts ranked for the project (首谈制).
pub(super) fn recommend(args: &ProjectArgs) -> Result<ExitCode, CliError> {
    let (request, matcher) = args.open()?;
    let result = matcher.recommend_districts(&request).map_err(|source| CliError::Project { path: args.project.clone(), source })?;
    let text = match args.format {
        Format::Table => result.to_table(),
        Format::Json | Format::Geojson => serde_json::to_string_pretty(&result)?,
    };
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
