//! Credentials at rest: vendor secrets are sealed with XChaCha20-Poly1305 under the master key.
//! Each ciphertext is bound to its purpose (associated data such as `vendor:chuanglan`), so a
//! sealed value copied into another row fails to open. The master key comes from config or from
//! `master.key` in the data directory, generated on first run with mode 0600.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::fmt;
use std::io::Write;
use std::path::Path;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("master key must be 32 bytes encoded as base64")]
    BadKey,
    #[error("cannot read or create the master key file {path}: {source}")]
    KeyFile { path: String, source: std::io::Error },
    #[error("stored secret is corrupted or was sealed with another master key")]
    Tampered,
}

/// The 32-byte key that seals every stored credential. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Parses a base64-encoded 32-byte key (as written in config or the key file).
    pub fn from_base64(text: &str) -> Result<Self, SecretError> {
        let bytes = B64.decode(text.trim()).map_err(|_| SecretError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadKey)?;
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// Loads the key file, or creates it (mode 0600) when it does not exist yet.
    /// Returns the key and whether it was newly created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), SecretError> {
        let err = |source| SecretError::KeyFile { path: path.display().to_string(), source };
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Self::from_base64(&text)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                write_private(path, &B64.encode(key.0)).map_err(err)?;
                Ok((key, true))
            }
            Err(e) => Err(err(e)),
        }
    }

    /// Seals `plaintext` for `purpose`: version byte, random nonce, ciphertext with tag.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload { msg: plaintext, aad: purpose.as_bytes() };
        // Encryption with a valid key and in-memory buffers cannot fail.
        let sealed = cipher.encrypt(XNonce::from_slice(&nonce), payload).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value sealed by [`MasterKey::seal`] for the same `purpose`.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != VERSION {
            return Err(SecretError::Tampered);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let payload = Payload { msg: body, aad: purpose.as_bytes() };
        cipher.decrypt(XNonce::from_slice(nonce), payload).map_err(|_| SecretError::Tampered)
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// Creates `dir` (and parents) and makes it owner-only (0700).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Creates (truncating) an owner-only (0600) file for writing.
pub fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_to_the_same_bytes() {
        let key = MasterKey::generate();
        let sealed = key.seal("vendor:chuanglan", b"Abc123def456");
        assert_eq!(key.open("vendor:chuanglan", &sealed).expect("opens"), b"Abc123def456");
        assert!(!sealed.windows(12).any(|w| w == b"Abc123def456"));
    }

    #[test]
    fn a_flipped_bit_is_detected() {
        let key = MasterKey::generate();
        let mut sealed = key.seal("p", b"secret");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(key.open("p", &sealed), Err(SecretError::Tampered)));
    }

    #[test]
    fn a_secret_sealed_for_another_purpose_does_not_open() {
        let key = MasterKey::generate();
        let sealed = key.seal("vendor:aliyun", b"secret");
        assert!(key.open("vendor:chuanglan", &sealed).is_err());
    }

    #[test]
    fn another_master_key_cannot_open_it() {
        let sealed = MasterKey::generate().seal("p", b"secret");
        assert!(MasterKey::generate().open("p", &sealed).is_err());
    }

    #[test]
    fn truncated_input_is_rejected() {
        assert!(MasterKey::generate().open("p", &[1, 2, 3]).is_err());
    }

    #[test]
    fn the_key_file_is_created_private_and_reloaded() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/master.key");
        let (first, created) = MasterKey::load_or_create(&path).expect("create");
        assert!(created);
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (again, created) = MasterKey::load_or_create(&path).expect("load");
        assert!(!created);
        assert_eq!(again.open("p", &first.seal("p", b"x")).expect("same key"), b"x");
    }

    #[test]
    fn a_malformed_key_is_refused() {
        assert!(matches!(MasterKey::from_base64("c2hvcnQ="), Err(SecretError::BadKey)));
    }
}
