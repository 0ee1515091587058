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

/// Whether a file is an office's spreadsheet (by its extension).
pub(super) fn is_spreadsheet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("csv"))
}

/// `import list.xlsx --layer buildings --crs gcj02 --into STORE`: spreadsheets of one layer
/// into an existing store, all or nothing, with every problem named by file, sheet, row and
/// column. With `replace`, stored features of the layer that no row names are deleted (listed
/// and confirmed first).
pub(super) fn import_sheets(files: &[PathBuf], into: &Path, layer: Option<&str>, crs: Option<&str>, replace: bool, yes: bool) -> Result<ExitCode, CliError> {
    use crate::inventory::{LayerName, Severity};
    use crate::store::spreadsheet;
    let usage = |en: String, zh: String| CliError::usage(en, zh);
    if let Some(other) = files.iter().find(|f| !is_spreadsheet(f)) {
        return Err(usage(format!("{}: spreadsheets are imported alone; import layer files in another run", other.display()), format!("{}：表格文件须单独导入；图层文件请另行导入", other.display())));
    }
    let layer = match layer.map(LayerName::parse) {
        Some(Some(layer @ (LayerName::Parcels | LayerName::Buildings))) => layer,
        _ => return Err(usage("spreadsheets need --layer parcels or --layer buildings".into(), "导入表格须给出 --layer parcels（地块）或 --layer buildings（厂房楼宇）".into())),
    };
    let crs = crs.map(crate::geometry::Crs::parse).transpose().map_err(|e| usage(format!("--crs: {e}"), format!("--crs：{}", e.zh())))?;
    if !into.exists() {
        return Err(usage(format!("{} does not exist: import the layers first (a spreadsheet has no districts to join)", into.display()), format!("{} 不存在：请先导入图层（表格中没有区划可供关联）", into.display())));
    }
    let store = GpkgStore::open(into)?;
    let snapshot = store.snapshot()?.snapshot;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let actor = Actor::city(format!("import by {user}"), Role::Admin);
    let chinese = super::chinese_locale(|name| std::env::var(name).ok());
    let mut read = crate::sheet::SheetRead { layer, features: Vec::new(), origins: Vec::new(), problems: Vec::new() };
    for file in files {
        let bytes = std::fs::read(file).map_err(|source| CliError::Read { path: file.clone(), source })?;
        let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let one = crate::sheet::read(&bytes, crate::sheet::SheetFormat::sniff(&bytes), &crate::sheet::ReadOptions { layer, crs })
            .map_err(|e| usage(format!("{}: {e}", file.display()), format!("{}：{}", file.display(), e.zh())))?;
        read.features.extend(one.features);
        read.origins.extend(one.origins.into_iter().map(|mut o| {
            o.sheet = format!("{name}/{}", o.sheet);
            o
        }));
        read.problems.extend(one.problems.into_iter().map(|mut p| {
            p.sheet = format!("{name}/{}", p.sheet);
            p
        }));
    }
    let preview = spreadsheet::preview(&snapshot, read, &actor, replace);
    for p in &preview.problems {
        let reason = if chinese { &p.reason_zh } else { &p.reason_en };
        let kind = if p.severity == Severity::Error { "error" } else { "warning" };
        eprintln!("{kind}: {}: {reason}", p.sheet);
    }
    if !preview.can_commit() {
        let refused = spreadsheet::refusal(&preview);
        return Err(usage(refused.to_string(), refused.zh()));
    }
    if !preview.deleted.is_empty() {
        let ids: Vec<&str> = preview.deleted.iter().map(|r| r.id.as_str()).collect();
        eprintln!("--replace deletes {} of {layer}: {}", ids.len(), shortened(&ids, 20));
        if !yes && !confirmed(ids.len())? {
            return Err(usage(format!("--replace would delete {} stored features; nothing was imported", ids.len()), format!("--replace 会删除库中 {} 个要素；未导入任何内容", ids.len())));
        }
    }
    let edits = spreadsheet::edits(&preview, &actor);
    // all or nothing: under Atomic any refusal is the error and nothing is written
    store.apply(&edits, crate::store::Batch::Atomic)?;
    let counts = spreadsheet::summary(&preview);
    println!("{layer}: {} added, {} updated, {} unchanged, {} deleted", counts["new"], counts["changed"], counts["unchanged"], counts["deleted"]);
    println!("into {}", into.display());
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
