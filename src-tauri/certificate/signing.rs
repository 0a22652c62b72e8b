//! Certificates anyone can verify: the QR code carries the serial, the name and an Ed25519
//! signature of both (`SEF-1441-01-000123|سارة علي|…`). The installation's private key stays
//! in its database; the public key can be given to an employer or a ministry, who then verify a
//! certificate without the app's database and cannot make new ones ([`check_offline`]).
//!
//! Certificates printed before (the `SERIAL.SIGNATURE` of a keyed hash) still verify in the app.

use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::store;

const SETTING: &str = "certificate_ed25519_seed";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The installation's signing key, made on first use from the system's randomness.
pub fn signing_key(conn: &Connection) -> Result<SigningKey> {
    if store::get_setting(conn, SETTING)?.is_none() {
        let mut seed = [0u8; 32];
        seed[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        seed[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        conn.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            [SETTING, &B64.encode(seed)],
        )?;
    }
    let stored = store::get_setting(conn, SETTING)?.unwrap_or_default();
    let bytes: [u8; 32] = B64
        .decode(stored)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| AppError::Internal("مفتاح توقيع الشهادات تالف".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// The public key to give verifiers (base64url, 43 characters).
pub fn public_key(conn: &Connection) -> Result<String> {
    Ok(B64.encode(signing_key(conn)?.verifying_key().to_bytes()))
}

fn message(serial: &str, name: &str) -> Vec<u8> {
    format!("{serial}|{name}").into_bytes()
}

/// What the QR code of a certificate says.
pub fn qr(key: &SigningKey, serial: &str, name: &str) -> String {
    let sig = key.sign(&message(serial, name));
    format!("{serial}|{name}|{}", B64.encode(sig.to_bytes()))
}

/// The parts of a signed QR text: serial, name, signature.
pub fn parse(text: &str) -> Option<(&str, &str, &str)> {
    let (rest, sig) = text.trim().rsplit_once('|')?;
    let (serial, name) = rest.split_once('|')?;
    Some((serial.trim(), name, sig.trim()))
}

/// Does `sig` sign `serial|name` under `public` (base64url)?
pub fn signed(public: &VerifyingKey, serial: &str, name: &str, sig: &str) -> bool {
    let Some(bytes) = B64
        .decode(sig)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    public
        .verify(&message(serial, name), &Signature::from_bytes(&bytes))
        .is_ok()
}

pub fn verifying_key(public: &str) -> Result<VerifyingKey> {
    B64.decode(public.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| {
            AppError::field(
                "public_key",
                "المفتاح العام غير صحيح (43 حرفًا كما أعطته اللجنة)",
            )
        })
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Offline {
    /// `genuine` or `forged`.
    pub status: &'static str,
    pub serial: String,
    pub name: String,
    pub message: String,
}

/// Verifies a certificate's QR text with the public key alone (no database): whether the
/// committee that holds the private key issued it to that name. Revocation needs the app.
pub fn check_offline(public: &str, text: &str) -> Result<Offline> {
    let key = verifying_key(public)?;
    let (serial, name, sig) = parse(text)
        .ok_or_else(|| AppError::field("text", "هذا ليس رمز شهادة موقَّعة (الرقم|الاسم|التوقيع)"))?;
    Ok(if signed(&key, serial, name, sig) {
        Offline {
            status: "genuine",
            message: format!("شهادة صحيحة برقم {serial} صادرة باسم «{name}»"),
            serial: serial.into(),
            name: name.into(),
        }
    } else {
        Offline {
            status: "forged",
            message: "التوقيع لا يطابق المفتاح العام: الشهادة مزوّرة أو عُدّلت".into(),
            serial: serial.into(),
            name: name.into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_verifies_with_the_public_key_alone_and_an_edit_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        let key = signing_key(&conn).unwrap();
        assert_eq!(
            signing_key(&conn).unwrap().to_bytes(),
            key.to_bytes(),
            "made once"
        );
        let public = public_key(&conn).unwrap();
        assert_eq!(public.len(), 43);
        let text = qr(&key, "SEF-1441-01-000007", "أ. سارة بنت علي الشهري");
        let ok = check_offline(&public, &text).unwrap();
        assert_eq!(ok.status, "genuine");
        assert_eq!(ok.name, "أ. سارة بنت علي الشهري");
        // Another name, another serial, another key: forged.
        for bad in [
            text.replace("سارة", "نورة"),
            text.replace("000007", "000008"),
            qr(
                &SigningKey::from_bytes(&[7u8; 32]),
                "SEF-1441-01-000007",
                "أ. سارة بنت علي الشهري",
            ),
        ] {
            assert_eq!(
                check_offline(&public, &bad).unwrap().status,
                "forged",
                "{bad}"
            );
        }
        assert!(check_offline(&public, "SEF-1441-01-000007.AAAA").is_err());
        assert!(check_offline("not a key", &text).is_err());
    }
}
