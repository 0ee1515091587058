//! `import`, `export` and `token`: the store of record from the command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CliError, ExportFormat, TokenCommand};
use crate::model::{Role, Scope, UnknownValue};
use crate::store::{Actor, Dataset, GpkgStore, Import, ImportMode, Imported, Store};

/// `import`: layer files (and catalogues) into a store, all or nothing; a new store that
/// the import refused is not left behind. With `replace`, what it deletes is listed first and
/// must be confirmed.
pub(super) fn import(files: &[PathBuf], into: &Path, replace: bool, yes: bool) -> Result<ExitCode, CliError> {
    let dataset = Dataset::from_files(files)?;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let how = Import { mode: if replace { ImportMode::Replace } else { ImportMode::Merge }, actor: Actor::city(format!("import by {user}"), Role::Admin), dry_run: false };
    if !into.exists() {
        let (_, imported) = GpkgStore::import_new(into, &dataset, &how)?;
        print_imported(&imported, into);
        return Ok(ExitCode::SUCCESS);
    }
    let store = GpkgStore::open(into)?;
    if replace {
        let plan = store.import(&dataset, &Import { dry_run: true, ..how.clone() })?;
        let removed: usize = plan.layers.iter().map(|(_, c)| c.removed.len()).sum();
        if removed > 0 {
            for (layer, changes) in &plan.layers {
                if !changes.removed.is_empty() {
                    let ids: Vec<&str> = changes.removed.iter().map(|c| c.id.as_str()).collect();
                    eprintln!("--replace deletes {} of {layer}: {}", ids.len(), shortened(&ids, 20));
                }
            }
            if !yes && !confirmed(removed)? {
                return Err(CliError::usage(
                    format!("--replace would delete {removed} stored features; nothing was imported. Confirm with --yes, or import without --replace to keep them"),
                    format!("--replace 会删除库中 {removed} 个要素；未导入任何内容。确认请加 --yes，或去掉 --replace 以保留它们"),
                ));
            }
        }
    }
    let imported = store.import(&dataset, &how)?;
    print_imported(&imported, into);
    Ok(ExitCode::SUCCESS)
}

/// Up to `n` ids, then how many more.
fn shortened(ids: &[&str], n: usize) -> String {
    let mut text = ids.iter().take(n).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > n {
        text.push_str(&format!(" … and {} more", ids.len() - n));
    }
    text
}

/// Asks at a terminal whether to delete; off a terminal the answer is no.
fn confirmed(removed: usize) -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("delete these {removed} features? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).map_err(|e| CliError::usage(format!("cannot read the answer: {e}"), format!("无法读取回答：{}", crate::error::io_zh(&e))))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn print_imported(imported: &Imported, into: &Path) {
    // imported all the same, but said where a person sees it, not only in the log
    let chinese = super::chinese_locale(|name| std::env::var(name).ok());
    for problem in &imported.warnings {
        if chinese {
            eprintln!("{}", problem.zh());
        } else {
            eprintln!("{problem}");
        }
    }
    for (layer, c) in &imported.layers {
        println!(
            "{layer}: {} added, {} updated, {} unchanged, {} deleted; {} features",
            c.added.len(),
            c.updated.len(),
            c.unchanged,
            c.removed.len(),
            c.total
        );
    }
    if imported.catalogue {
        println!("industries.json: imported");
    }
    if imported.policies {
        println!("policies.json: imported");
    }
    println!("into {}", into.display());
}

/// `token create|revoke|list`.
pub(super) fn token(store: &Path, command: TokenCommand) -> Result<ExitCode, CliError> {
    let store: &dyn Store = &GpkgStore::open(store)?;
    match command {
        TokenCommand::Create { role, name, district, park } => {
            let role: Role = role.parse().map_err(|e: UnknownValue| CliError::usage(format!("--role: {e}"), format!("--role：'{}' 不是角色之一（public、promoter、editor、admin）", e.given)))?;
            let scope = match (district, park) {
                (Some(adcode), _) => Scope::District(adcode.trim().to_string()),
                (None, Some(id)) => Scope::Park(id.trim().to_string()),
                (None, None) => Scope::City,
            };
            let token = store.create_token(&name, role, &scope)?;
            println!("{token}");
            eprintln!("token '{name}' ({role}, {scope}) created; it is shown only now");
        }
        TokenCommand::Revoke { name } => {
            if !store.revoke_token(&name)? {
                return Err(CliError::usage(format!("there is no live token named '{name}'"), format!("没有名为 '{name}' 的有效令牌")));
            }
            println!("revoked '{name}'");
        }
        TokenCommand::List => {
            for t in store.list_tokens()? {
                let revoked = t.revoked_at.map(|r| format!("\trevoked {r}")).unwrap_or_default();
                println!("{}\t{}\t{}\tcreated {}{revoked}", t.name, t.role, t.scope, t.created_at);
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
