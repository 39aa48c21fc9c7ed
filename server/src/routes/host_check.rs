//! Request checks that depend on how chuda is deployed: the `Host` header must be one chuda
//! answers to (a DNS-rebinding page that points its own name at 127.0.0.1 is refused), and
//! HSTS is sent when chuda is served over https (`server.secure_cookies`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use std::sync::Arc;

/// The deployment facts the checks need.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    /// Accepted host names (lower case, no port); `None` accepts any.
    pub hosts: Option<Arc<Vec<String>>>,
    pub hsts: bool,
}

impl HttpPolicy {
    /// From the configuration: on a loopback listener the loopback names are always accepted;
    /// an empty list on another listener accepts any host.
    pub fn new(listen_loopback: bool, configured: &[String], https: bool) -> Self {
        let mut hosts: Vec<String> = configured.iter().map(|h| strip_port(&h.trim().to_ascii_lowercase())).collect();
        if listen_loopback {
            hosts.extend(["127.0.0.1", "localhost", "[::1]"].map(str::to_owned));
        }
        let open = hosts.is_empty();
        Self { hosts: (!open).then(|| Arc::new(hosts)), hsts: https }
    }

    fn accepts(&self, host: Option<&str>) -> bool {
        match (&self.hosts, host) {
            (None, _) | (_, None) => true,
            (Some(list), Some(h)) => list.contains(&strip_port(&h.to_ascii_lowercase())),
        }
    }
}

fn strip_port(host: &str) -> String {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => name.to_owned(),
        _ => host.to_owned(),
    }
}

pub async fn check(policy: HttpPolicy, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    if !policy.accepts(host) {
        tracing::warn!(host = host.unwrap_or(""), "request for an unknown host refused");
        let body = "此地址未被允许访问 chuda（请在 server.allowed_hosts 中配置）";
        return (StatusCode::MISDIRECTED_REQUEST, body).into_response();
    }
    let mut res = next.run(req).await;
    if policy.hsts {
        res.headers_mut()
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_listeners_answer_loopback_names_and_configured_ones() {
        let p = HttpPolicy::new(true, &["SMS.example.com:443".into()], false);
        for ok in ["127.0.0.1:3000", "localhost", "[::1]:3000", "sms.example.com"] {
            assert!(p.accepts(Some(ok)), "{ok}");
        }
        assert!(!p.accepts(Some("rebind.attacker.example:3000")));
        assert!(HttpPolicy::new(false, &[], false).accepts(Some("anything.example")), "open when unconfigured");
    }
}
