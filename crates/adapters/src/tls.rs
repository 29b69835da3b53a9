//! rustls on ring, one crypto stack for every TLS link opsdeck makes (PostgreSQL, the health
//! probes; the AWS clients' HTTPS client is built on the same provider).

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;

/// The crypto provider of every TLS link.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The roots to verify servers against: the PEM bundle at `bundle` (a private CA, RDS's
/// bundle), or the public web roots. `setting` names the option in errors.
pub fn roots(bundle: Option<&Path>, setting: &str) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let Some(path) = bundle else {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(roots);
    };
    let pem = std::fs::read(path)
        .map_err(|error| format!("cannot read {setting} {}: {error}", path.display()))?;
    let mut reader = std::io::Cursor::new(pem);
    for cert in rustls_pemfile::certs(&mut reader) {
        let cert = cert.map_err(|error| {
            format!("{setting} {} is not a PEM bundle: {error}", path.display())
        })?;
        roots
            .add(cert)
            .map_err(|error| format!("{setting} {}: {error}", path.display()))?;
    }
    if roots.is_empty() {
        return Err(format!("{setting} {} holds no certificate", path.display()));
    }
    Ok(roots)
}
