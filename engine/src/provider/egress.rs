//! Where chuda may send vendor requests. Vendor credentials travel in request bodies, so an
//! endpoint must not be pointed at the operator's own network: hosts that resolve to private,
//! link-local, CGNAT, unspecified or multicast addresses are refused (at connect time, through
//! the HTTP client's resolver, and for IP literals when the host is saved). Loopback stays
//! allowed for the built-in simulator. Redirects are never followed (a 307 would re-send the
//! password body elsewhere).

use std::net::{IpAddr, SocketAddr};

/// Whether vendor traffic may go to `ip`.
pub fn allowed(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || !(v4.is_private()
                    || v4.is_link_local()
                    || v4.is_unspecified()
                    || v4.is_broadcast()
                    || v4.is_multicast()
                    || v4.is_documentation()
                    || o[0] == 0
                    || (o[0] == 100 && (64..128).contains(&o[1]))
                    || (o[0] == 198 && (18..20).contains(&o[1]))
                    || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return allowed(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || !(v6.is_unspecified()
                    || v6.is_multicast()
                    || (seg[0] & 0xfe00) == 0xfc00
                    || (seg[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// The resolver of vendor HTTP clients: system DNS, then only allowed addresses.
pub struct Resolver;

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = found.iter().copied().filter(|a| allowed(a.ip())).collect();
            if ok.is_empty() {
                let msg = format!("{host} resolves only to private or link-local addresses; refused");
                return Err(msg.into());
            }
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_link_local_targets_are_refused_loopback_and_public_allowed() {
        for bad in [
            "10.0.0.8",
            "172.16.3.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "fe80::1",
            "fd00::1",
            "::ffff:10.1.2.3",
        ] {
            assert!(!allowed(bad.parse().expect("ip")), "{bad}");
        }
        for good in ["127.0.0.1", "::1", "101.37.0.1", "2408:4000::1"] {
            assert!(allowed(good.parse().expect("ip")), "{good}");
        }
    }

    /// A vendor endpoint answering 307 towards another host must not get the password body
    /// re-sent there.
    #[tokio::test]
    async fn redirects_are_not_followed() {
        use std::sync::atomic::{AtomicU64, Ordering};
        let hits = std::sync::Arc::new(AtomicU64::new(0));
        let counted = hits.clone();
        let thief = axum::Router::new().fallback(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { "{\"code\":\"0\",\"balance\":\"1\"}" }
        });
        let thief_addr = serve(thief).await;
        let target = format!("http://{thief_addr}/steal");
        let redirecting = axum::Router::new().fallback(move || {
            let target = target.clone();
            async move { (axum::http::StatusCode::TEMPORARY_REDIRECT, [(axum::http::header::LOCATION, target)]) }
        });
        let addr = serve(redirecting).await;
        let creds = crate::settings::chuanglan::Credentials {
            config: crate::settings::chuanglan::Config {
                signature: "示例商城".into(),
                account: "N1234567".into(),
                host: addr.to_string(),
                plain_http: true,
                options: Default::default(),
            },
            password: "secret-password".into(),
        };
        let e = crate::provider::chuanglan::Client::default().balance(&creds).await.expect_err("a 307 is an error");
        assert_eq!(e.code, "http-307");
        assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the redirect target");
    }

    async fn serve(router: axum::Router) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    }
}
