//! DKIM signing (RFC 6376) of outgoing messages with the organization's key, through
//! mail-auth (Stalwart's DKIM library, the one mail-send's own `dkim` feature uses; that
//! feature pulls a mail parser needing a newer Rust, so Slate calls mail-auth itself).
//!
//! The key is a PEM file: RSA (PKCS #1 `BEGIN RSA PRIVATE KEY` or PKCS #8 `BEGIN PRIVATE
//! KEY`, signing `rsa-sha256`) or Ed25519 (PKCS #8, signing `ed25519-sha256`, RFC 8463).
//! Headers and body are canonicalized "relaxed/relaxed", which survives the re-folding some
//! relays do.

use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{Canonicalization, DkimSigner, Done};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

/// The headers a signature covers: everything a reader sees or a filter judges by.
const SIGNED_HEADERS: [&str; 10] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
    "Auto-Submitted",
    "List-Unsubscribe",
];

enum Key {
    Rsa(DkimSigner<RsaKey<Sha256>, Done>),
    Ed25519(DkimSigner<Ed25519Key, Done>),
}

/// Signs messages as `domain` with the key published at `selector._domainkey.domain`.
pub struct Dkim {
    key: Key,
    domain: String,
    selector: String,
}

impl std::fmt::Debug for Dkim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("Dkim")
            .field("domain", &self.domain)
            .field("selector", &self.selector)
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

impl Dkim {
    /// A signer from a PEM private key (RSA or Ed25519).
    ///
    /// # Errors
    /// A message saying what is wrong with the domain, the selector or the key (never the
    /// key's contents).
    pub fn from_pem(domain: &str, selector: &str, pem: &str) -> Result<Self, String> {
        let valid_label = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
        };
        if !valid_label(domain) {
            return Err(format!("the signing domain {domain:?} is not a domain name"));
        }
        if !valid_label(selector) {
            return Err(format!("the selector {selector:?} is not a DNS label"));
        }
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(
            |_| "no private key in PEM form was found (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)",
        )?;
        let key = match &der {
            PrivateKeyDer::Pkcs1(_) => Key::Rsa(Self::signer(
                RsaKey::<Sha256>::from_key_der(der).map_err(|e| format!("not a usable RSA key: {e}"))?,
                domain,
                selector,
            )),
            PrivateKeyDer::Pkcs8(pkcs8) => match Ed25519Key::from_pkcs8_maybe_unchecked_der(pkcs8.secret_pkcs8_der()) {
                Ok(ed) => Key::Ed25519(Self::signer(ed, domain, selector)),
                Err(_) => Key::Rsa(Self::signer(
                    RsaKey::<Sha256>::from_key_der(der.clone_key())
                        .map_err(|e| format!("neither an RSA nor an Ed25519 key: {e}"))?,
                    domain,
                    selector,
                )),
            },
            _ => return Err("an EC key: DKIM signs with RSA or Ed25519 only".to_owned()),
        };
        Ok(Self { key, domain: domain.to_owned(), selector: selector.to_owned() })
    }

    fn signer<T: mail_auth::common::crypto::SigningKey>(key: T, domain: &str, selector: &str) -> DkimSigner<T, Done> {
        DkimSigner::from_key(key)
            .domain(domain)
            .selector(selector)
            .headers(SIGNED_HEADERS)
            .header_canonicalization(Canonicalization::Relaxed)
            .body_canonicalization(Canonicalization::Relaxed)
    }

    /// `"rsa-sha256"` or `"ed25519-sha256"`.
    #[must_use]
    pub const fn algorithm(&self) -> &'static str {
        match self.key {
            Key::Rsa(_) => "rsa-sha256",
            Key::Ed25519(_) => "ed25519-sha256",
        }
    }

    /// `message` with a `DKIM-Signature` header in front.
    ///
    /// # Errors
    /// The signing failed (a message without headers, or the crypto library refusing).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let signature = match &self.key {
            Key::Rsa(s) => s.sign(message),
            Key::Ed25519(s) => s.sign(message),
        }
        .map_err(|e| format!("DKIM signing failed: {e}"))?;
        let mut signed = Vec::with_capacity(message.len() + 512);
        signature.write_header(&mut signed);
        signed.extend_from_slice(message);
        Ok(signed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Throwaway test keys, generated for these tests only (`openssl genpkey`).
    const ED25519: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIOGSn1YkROM/B0Bgv2XT7owxFBvxnXF51l85V8oHlFWC\n-----END PRIVATE KEY-----\n";

    const MESSAGE: &[u8] =
        b"From: Acme <interviews@acme.example>\r\nTo: ada@example.com\r\nSubject: Hello\r\n\r\nBody\r\n";

    #[test]
    fn an_ed25519_key_signs_with_the_domain_and_selector() {
        let dkim = Dkim::from_pem("acme.example", "slate2026", ED25519).unwrap();
        assert_eq!(dkim.algorithm(), "ed25519-sha256");
        let signed = String::from_utf8(dkim.sign(MESSAGE).unwrap()).unwrap();
        let header = signed.split("\r\nFrom:").next().unwrap();
        assert!(header.starts_with("DKIM-Signature:"), "{signed}");
        for tag in ["a=ed25519-sha256", "d=acme.example", "s=slate2026", "c=relaxed/relaxed"] {
            assert!(header.contains(tag), "{tag} in {header}");
        }
        let signed_headers: String =
            header.split("h=").nth(1).unwrap().split(';').next().unwrap().split_whitespace().collect();
        let signed_headers: Vec<_> = signed_headers.split(':').map(str::to_ascii_lowercase).collect();
        for name in ["from", "to", "subject", "date", "message-id", "reply-to", "content-type"] {
            assert!(signed_headers.iter().any(|h| h == name), "{name} signed: {signed_headers:?}");
        }
        assert!(signed.ends_with("\r\n\r\nBody\r\n"), "the message follows unchanged");
    }

    #[test]
    fn bad_settings_and_keys_are_refused_saying_why_and_never_echoing_the_key() {
        let e = Dkim::from_pem("acme.example", "s1", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .unwrap_err();
        assert!(e.contains("neither an RSA nor an Ed25519 key"), "{e}");
        let e = Dkim::from_pem("acme.example", "s1", "not a key").unwrap_err();
        assert!(e.contains("no private key in PEM form"), "{e}");
        assert!(Dkim::from_pem("acme example", "s1", ED25519).unwrap_err().contains("signing domain"));
        assert!(Dkim::from_pem("acme.example", "s 1", ED25519).unwrap_err().contains("selector"));
        let debug = format!("{:?}", Dkim::from_pem("acme.example", "s1", ED25519).unwrap());
        assert!(!debug.contains("MC4C") && debug.contains("ed25519-sha256"), "{debug}");
    }
}
