//! `import`, `export` and `token`: the store of record from the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CliError, ExportFormat, TokenCommand};
use crate::model::{Role, UnknownValue};
use crate::store::{Dataset, GpkgStore, Store};

/// `import`: layer files (and catalogues) into a store, all or nothing; a new store that
/// the import refused is not left behind.
pub(super) fn import(files: &[PathBuf], into: &Path) -> Result<ExitCode, CliError> {
    let dataset = Dataset::from_files(files)?;
    let imported = if into.exists() { GpkgStore::open(into)?.import(&dataset)? } else { GpkgStore::import_new(into, &dataset)?.1 };
    for (layer, n) in &imported.layers {
        println!("{layer}: {n} features");
    }
    if imported.catalogue {
        println!("industries.json: imported");
    }
    if imported.policies {
        println!("policies.json: imported");
    }
    println!("into {}", into.display());
    Ok(ExitCode::SUCCESS)
}

/// `token create|revoke|list`.
pub(super) fn token(store: &Path, command: TokenCommand) -> Result<ExitCode, CliError> {
    let store: &dyn Store = &GpkgStore::open(store)?;
    match command {
        TokenCommand::Create { role, name } => {
            let role: Role = role.parse().map_err(|e: UnknownValue| CliError::Usage(format!("--role: {e}")))?;
            let token = store.create_token(&name, role)?;
            println!("{token}");
            eprintln!("token '{name}' ({role}) created; it is shown only now");
        }
        TokenCommand::Revoke { name } => {
            if !store.revoke_token(&name)? {
                return Err(CliError::Usage(format!("there is no live token named '{name}'")));
            }
            println!("revoked '{name}'");
        }
        TokenCommand::List => {
            for t in store.list_tokens()? {
                let revoked = t.revoked_at.map(|r| format!("\trevoked {r}")).unwrap_or_default();
                println!("{}\t{}\tcreated {}{revoked}", t.name, t.role, t.created_at);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `export`: a store as a data directory or a GeoPackage copy.
pub(super) fn export(from: &Path, format: ExportFormat, out: &Path) -> Result<ExitCode, CliError> {
    let store: &dyn Store = &GpkgStore::open(from)?;
    match format {
        ExportFormat::Gpkg => store.copy_to(out)?,
        ExportFormat::Geojson => store.export_dir(out)?,
    }
    println!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}
