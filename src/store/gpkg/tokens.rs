//! Bearer tokens: made at random, kept only as SHA-256 hashes, revoked by name.

use rusqlite::params;

use super::{now, GpkgStore};
use crate::model::Role;
use crate::store::{Actor, StoreError};

/// A token as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: String,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl GpkgStore {
    /// Makes a bearer token for `name` with `role` and returns it; only its SHA-256 is kept,
    /// so it is shown this once. Names are unique.
    pub fn create_token(&self, name: &str, role: Role) -> Result<String, StoreError> {
        if name.trim().is_empty() {
            return Err(StoreError::Refused("a token needs a name".into()));
        }
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(|e| StoreError::Refused(format!("no randomness available: {e}")))?;
        let token = format!("cy_{}", secret.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let db = self.connection();
        let taken: i64 = db.query_row("SELECT count(*) FROM chanye_tokens WHERE name = ?1", [name], |r| r.get(0)).map_err(self.error())?;
        if taken > 0 {
            return Err(StoreError::Refused(format!("a token named '{name}' exists; revoke it or choose another name")));
        }
        db.execute(
            "INSERT INTO chanye_tokens (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), token_hash(&token).to_vec(), now()],
        )
        .map_err(self.error())?;
        Ok(token)
    }

    /// Revokes the token called `name`; false when there is no such live token.
    pub fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        let n = self
            .connection()
            .execute("UPDATE chanye_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL", params![name, now()])
            .map_err(self.error())?;
        Ok(n > 0)
    }

    /// Every token (never the token itself), by name.
    pub fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let db = self.connection();
        let mut q = db.prepare("SELECT name, role, created_at, revoked_at FROM chanye_tokens ORDER BY name").map_err(self.error())?;
        let rows = q
            .query_map([], |r| Ok(TokenInfo { name: r.get(0)?, role: r.get(1)?, created_at: r.get(2)?, revoked_at: r.get(3)? }))
            .map_err(self.error())?;
        rows.collect::<Result<_, _>>().map_err(self.error())
    }
}

/// The holder of a live token, comparing every live hash in constant time.
pub(super) fn authenticate(store: &GpkgStore, token: &str) -> Result<Option<Actor>, StoreError> {
    use subtle::ConstantTimeEq;
    let wanted = token_hash(token);
    let db = store.connection();
    let mut q = db.prepare("SELECT name, role, hash FROM chanye_tokens WHERE revoked_at IS NULL").map_err(store.error())?;
    let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))).map_err(store.error())?;
    let mut found = None;
    // every live hash is compared, each in constant time, so timing says nothing of the token
    for row in rows {
        let (name, role, hash) = row.map_err(store.error())?;
        if bool::from(hash.as_slice().ct_eq(&wanted)) {
            found = role.parse::<Role>().ok().map(|role| Actor { name, role });
        }
    }
    Ok(found)
}

/// What is kept of a token.
fn token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}
