//! The server's secret key for hashing resident ID numbers. An 18-digit ID number has few enough
//! possibilities (birth dates, regions, a check digit) that a plain hash of it is reversed by
//! trying them all in minutes; keyed with a secret that is not in the database
//! (HMAC-SHA-256), a copy of the database alone reveals nothing.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// 32 secret bytes, kept outside the database (a file or `ANJU_ID_KEY`).
#[derive(Clone)]
pub struct IdKey([u8; 32]);

/// Never the secret itself, whatever is logged.
impl std::fmt::Debug for IdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdKey(…)")
    }
}

impl IdKey {
    /// The key from 64 hex digits.
    pub fn from_hex(hex_text: &str) -> Option<IdKey> {
        let bytes = hex::decode(hex_text.trim()).ok()?;
        Some(IdKey(bytes.try_into().ok()?))
    }

    /// A new random key.
    pub fn generate() -> IdKey {
        IdKey::from_hex(&crate::sessions::new_secret()).expect("32 random bytes in hex")
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key in `path`, created (readable by its owner only) when there is none yet.
    pub fn load_or_create(path: &std::path::Path) -> std::io::Result<IdKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => IdKey::from_hex(&text).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{}：应为64位十六进制密钥 / must hold a key of 64 hex digits",
                        path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = IdKey::generate();
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                use std::io::Write;
                opts.open(path)?.write_all(key.to_hex().as_bytes())?;
                Ok(key)
            }
            Err(e) => Err(e),
        }
    }

    /// The keyed hash of `text` (hex), with a label so that hashes of different kinds of data
    /// never coincide.
    pub fn hash(&self, label: &str, text: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_the_key() {
        let (a, b) = (IdKey::generate(), IdKey::generate());
        let id = "11010519491231002X";
        assert_eq!(a.hash("id", id), a.hash("id", id));
        assert_ne!(a.hash("id", id), b.hash("id", id));
        assert_ne!(a.hash("id", id), a.hash("name", id));
        assert_eq!(
            IdKey::from_hex(&a.to_hex()).unwrap().hash("id", id),
            a.hash("id", id)
        );
    }
}
