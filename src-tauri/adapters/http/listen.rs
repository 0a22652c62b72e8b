//! Accepting connections so that slow, idle or many connections cannot starve the server:
//! HTTP/1.1 only, a deadline for each request's headers (which also closes a kept-alive
//! connection left idle), and caps on the connections another machine may hold, per address
//! and in all. The host's own loopback connections are not capped (nobody else can make them).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// A request's headers must arrive within this; an idle kept-alive connection closes after it.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections one other machine may hold at once (a browser opens about six).
pub const MAX_PER_ADDRESS: usize = 16;
/// Connections all other machines together may hold at once.
pub const MAX_REMOTE: usize = 256;

/// Open connections per remote address.
#[derive(Clone, Default)]
struct Counts(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One counted connection; uncounted when dropped.
struct Slot {
    counts: Counts,
    ip: IpAddr,
}

impl Counts {
    fn take(&self, ip: IpAddr) -> Option<Slot> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = map.values().sum();
        let mine = map.get(&ip).copied().unwrap_or(0);
        if mine >= MAX_PER_ADDRESS || total >= MAX_REMOTE {
            return None;
        }
        *map.entry(ip).or_insert(0) += 1;
        Some(Slot {
            counts: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Is this connection from the host machine itself?
pub fn is_host(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4 == std::net::Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => v6 == std::net::Ipv6Addr::LOCALHOST,
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; each request carries
/// `ConnectInfo<SocketAddr>` of its peer.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let counts = Counts::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors or similar: let connections close, then go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let slot = if is_host(peer.ip()) {
            None
        } else {
            match counts.take(peer.ip()) {
                Some(slot) => Some(slot),
                None => continue, // over the cap: closed at once
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move { app.oneshot(req.map(axum::body::Body::new)).await }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            loop {
                tokio::select! {
                    _ = conn.as_mut() => break,
                    changed = stop.changed() => {
                        conn.as_mut().graceful_shutdown();
                        if changed.is_err() {
                            // The server is gone: finish this connection's request and stop.
                            let _ = conn.as_mut().await;
                            break;
                        }
                    }
                }
            }
        });
    }
    let _ = stop_tx.send(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_capped_per_address_and_in_all() {
        let counts = Counts::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let held: Vec<Slot> = (0..MAX_PER_ADDRESS)
            .map(|_| counts.take(a).unwrap())
            .collect();
        assert!(counts.take(a).is_none());
        drop(held);
        let one = counts.take(a);
        assert!(one.is_some(), "closed connections free their slots");
        let many: Vec<Slot> = (0..MAX_REMOTE)
            .filter_map(|i| counts.take(IpAddr::from([10, 1, (i / 250) as u8, (i % 250) as u8])))
            .collect();
        assert_eq!(many.len(), MAX_REMOTE - 1, "one slot is still held above");
        assert!(counts.take("10.9.9.9".parse().unwrap()).is_none());
        assert!(is_host("127.0.0.1".parse().unwrap()) && !is_host("127.0.0.2".parse().unwrap()));
    }
}
