//! Bearer tokens: made at random, kept only as SHA-256 hashes, revoked by name.

use rusqlite::params;

use super::{now, GpkgStore};
use crate::model::{Role, Scope};
use crate::store::{Actor, Bilingual, StoreError, TokenInfo};

/// Makes a token `cy_` + 64 hex digits for `name`; only its SHA-256 is kept.
pub(super) fn create(store: &GpkgStore, name: &str, role: Role, scope: &Scope) -> Result<String, StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::Refused(Bilingual::new("a token needs a name", "令牌需要名称")));
    }
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret).map_err(|e| StoreError::Refused(Bilingual::new(format!("no randomness available: {e}"), format!("无法取得随机数：{e}"))))?;
    let token = format!("cy_{}", secret.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let db = store.connection();
    let taken: i64 = db.query_row("SELECT count(*) FROM chanye_tokens WHERE name = ?1", [name], |r| r.get(0)).map_err(store.error())?;
    if taken > 0 {
        return Err(StoreError::Refused(Bilingual::new(
            format!("a token named '{name}' exists; revoke it or choose another name"),
            format!("名为 '{name}' 的令牌已存在；请先吊销它，或另取一个名称"),
        )));
    }
    db.execute(
        "INSERT INTO chanye_tokens (name, role, hash, created_at, scope_kind, scope_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![name, role.as_str(), token_hash(&token).to_vec(), now(), scope.kind(), scope.id()],
    )
    .map_err(store.error())?;
    Ok(token)
}

/// Marks the live token called `name` revoked; false when there is none.
pub(super) fn revoke(store: &GpkgStore, name: &str) -> Result<bool, StoreError> {
    let n = store
        .connection()
        .execute("UPDATE chanye_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL", params![name, now()])
        .map_err(store.error())?;
    Ok(n > 0)
}

/// Every token, by name.
pub(super) fn list(store: &GpkgStore) -> Result<Vec<TokenInfo>, StoreError> {
    let db = store.connection();
    let mut q = db.prepare("SELECT name, role, created_at, revoked_at, scope_kind, scope_id FROM chanye_tokens ORDER BY name").map_err(store.error())?;
    let rows = q
        .query_map([], |r| {
            // roles and scopes are written from their types, so one that does not parse is a damaged row
            let role = r.get::<_, String>(1)?.parse::<Role>().map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?;
            let scope = scope_of(r, 4)?;
            Ok(TokenInfo { name: r.get(0)?, role, scope, created_at: r.get(2)?, revoked_at: r.get(3)? })
        })
        .map_err(store.error())?;
    rows.collect::<Result<_, _>>().map_err(store.error())
}

/// The holder of a live token, comparing every live hash in constant time.
pub(super) fn authenticate(store: &GpkgStore, token: &str) -> Result<Option<Actor>, StoreError> {
    use subtle::ConstantTimeEq;
    let wanted = token_hash(token);
    let db = store.connection();
    let mut q = db.prepare("SELECT name, role, hash, scope_kind, scope_id FROM chanye_tokens WHERE revoked_at IS NULL").map_err(store.error())?;
    let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?, scope_of(r, 3)?))).map_err(store.error())?;
    let mut found = None;
    // every live hash is compared, each in constant time, so timing says nothing of the token
    for row in rows {
        let (name, role, hash, scope) = row.map_err(store.error())?;
        if bool::from(hash.as_slice().ct_eq(&wanted)) {
            found = role.parse::<Role>().ok().map(|role| Actor { name, role, scope });
        }
    }
    Ok(found)
}

/// The scope kept in columns `at` (kind) and `at + 1` (id); tokens from before scopes have
/// none, and are city-wide.
pub(super) fn scope_of(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Scope> {
    let kind: Option<String> = r.get(at)?;
    let id: Option<String> = r.get(at + 1)?;
    Scope::from_parts(kind.as_deref(), id.as_deref()).ok_or_else(|| {
        let reason = format!("scope '{}' '{}' is not city, district or park with an id", kind.unwrap_or_default(), id.unwrap_or_default());
        rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Text, reason.into())
    })
}

/// What is kept of a token.
fn token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use crate::model::{Role, Scope};
    use crate::store::{GpkgStore, Store};

    #[test]
    fn a_token_is_made_once_listed_without_its_secret_and_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = GpkgStore::create(&dir.path().join("s.gpkg")).unwrap();
        let secret = store.create_token("wang", Role::Promoter, &Scope::City).unwrap();
        assert!(secret.starts_with("cy_") && secret.len() == 67, "{secret}");
        assert_eq!(store.authenticate(&secret).unwrap().map(|a| (a.name, a.role, a.scope)), Some(("wang".into(), Role::Promoter, Scope::City)));
        assert!(store.create_token("wang", Role::Admin, &Scope::City).unwrap_err().to_string().contains("exists"));
        assert!(store.create_token("  ", Role::Admin, &Scope::City).is_err());
        let listed = store.list_tokens().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].name.as_str(), listed[0].role, listed[0].revoked_at.as_deref()), ("wang", Role::Promoter, None));
        assert!(store.revoke_token("wang").unwrap());
        assert!(!store.revoke_token("wang").unwrap(), "revoked already");
        assert!(store.authenticate(&secret).unwrap().is_none());
        assert!(store.list_tokens().unwrap()[0].revoked_at.is_some());
    }
}
