//! The HTTP API (axum): `POST /api/<command>` with the same JSON arguments and result as the
//! window's `invoke`, `GET /api/health`, and the same `ui/` at `/` for browser desks.
//! Errors: `{"error":{"code","message","fields"}}` with a 4xx/5xx status.
//!
//! Loopback only by default. It refuses requests whose `Host` is not its own address (DNS
//! rebinding) and state-changing requests from another `Origin` (CSRF). In LAN mode it also
//! listens on the venue network: a request from another machine is run as the desk its token
//! (`Authorization: Bearer …`, from pairing) belongs to, or as a stranger who may only pair.
//! Which commands each may run is decided in the core ([`crate::api::access`]) on the exact
//! command name from the request path: a path that is not exactly one command's name is
//! refused. Bodies are limited by the command's class, and must arrive in time.

mod listen;
pub mod load;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::blocking;
use crate::api::{self, Caller};
use crate::assets;
use crate::error::{AppError, Result};
use crate::state::Core;

const CSP: &str =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
                   font-src 'self'; script-src 'self'; frame-ancestors 'none'";

#[derive(Clone)]
struct AppState {
    core: Core,
    allowed_hosts: Arc<Vec<String>>,
    port: u16,
    lan: bool,
}

/// How long a request's body may take to arrive, by its class.
fn body_timeout(body: api::Body) -> Duration {
    match body {
        api::Body::Small => Duration::from_secs(15),
        api::Body::Images => Duration::from_secs(60),
        api::Body::File => Duration::from_secs(180),
    }
}

fn status_for(e: &AppError) -> StatusCode {
    match e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound { .. } | AppError::UnknownCommand(_) => StatusCode::NOT_FOUND,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Forbidden(_) | AppError::AdminLocked => StatusCode::FORBIDDEN,
        AppError::DeskTokenRequired | AppError::SignInRequired => StatusCode::UNAUTHORIZED,
        AppError::Duplicate { .. } | AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error_response(e: AppError) -> Response {
    (status_for(&e), Json(json!({ "error": e }))).into_response()
}

/// Host names under which this server may be addressed.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![format!("localhost:{port}")];
    match addr {
        SocketAddr::V4(v4) => hosts.push(format!("{}:{port}", v4.ip())),
        SocketAddr::V6(v6) => hosts.push(format!("[{}]:{port}", v6.ip())),
    }
    hosts
}

fn host_ok(st: &AppState, host: &str) -> bool {
    if st.allowed_hosts.iter().any(|h| h == host) {
        return true;
    }
    // On the venue network desks address the host by its IP: accept IP literals with our
    // port (never names, which is what DNS rebinding needs).
    st.lan
        && host
            .parse::<SocketAddr>()
            .is_ok_and(|a| a.port() == st.port)
}

async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
        .or_else(|| {
            req.uri()
                .authority()
                .map(|a| a.as_str().to_ascii_lowercase())
        });
    let Some(host) = host.filter(|h| host_ok(&st, h)) else {
        return error_response(AppError::Forbidden(
            "عنوان الخادم في الطلب غير معروف؛ افتح البرنامج من عنوانه الصحيح".into(),
        ));
    };
    let reads_only = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !reads_only {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let same = origin
                .to_str()
                .ok()
                .and_then(|o| o.strip_prefix("http://"))
                .is_some_and(|o| o.eq_ignore_ascii_case(&host));
            if !same {
                return error_response(AppError::Forbidden(
                    "رُفض الطلب لأنه صادر من صفحة أخرى غير صفحة البرنامج".into(),
                ));
            }
        }
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let caller = match peer {
        // Static files need no desk; only commands look the token up.
        Some(p) if reads_only && st.lan && !listen::is_host(p.ip()) => {
            Caller::Stranger { addr: p.ip() }
        }
        Some(p) if st.lan && !listen::is_host(p.ip()) => {
            let token = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default()
                .trim()
                .to_string();
            if token.is_empty() {
                Caller::Stranger { addr: p.ip() }
            } else {
                let core = st.core.clone();
                match blocking(move || crate::desk::verify(&core.conn(), &token)).await {
                    Ok(Some(desk)) => Caller::Desk {
                        desk: Box::new(desk),
                        addr: p.ip(),
                    },
                    Ok(None) => Caller::Stranger { addr: p.ip() },
                    Err(e) => return error_response(e),
                }
            }
        }
        // This machine (loopback mode only ever listens on it).
        Some(_) => Caller::Host,
        None => return error_response(AppError::Forbidden("مصدر الطلب غير معروف".into())),
    };
    let mut req = req;
    req.extensions_mut().insert(caller);
    next.run(req).await
}

async fn health(State(st): State<AppState>) -> Response {
    let core = st.core.clone();
    let lan_urls = if st.lan {
        lan_urls(st.port)
    } else {
        Vec::new()
    };
    match blocking(move || core.info()).await {
        Ok(info) => Json(json!({
            "ok": true,
            "name": info.name,
            "version": info.version,
            "schema_version": info.schema_version,
            "lan": st.lan,
            "lan_urls": lan_urls,
        }))
        .into_response(),
        Err(e) => error_response(e),
    }
}

/// `POST /api/<command>`: the command is the path's last segment exactly as sent (never
/// decoded), decided on before the body is read.
async fn command(State(st): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Some(caller) = parts.extensions.get::<Caller>().cloned() else {
        return error_response(AppError::Forbidden("مصدر الطلب غير معروف".into()));
    };
    let name = parts
        .uri
        .path()
        .strip_prefix("/api/")
        .unwrap_or_default()
        .to_string();
    // A request refused here never reaches the registry (which logs every command it runs):
    // logged here, with the device and the address.
    let refuse = |e: AppError| {
        let status = status_for(&e);
        if !matches!(caller, Caller::Host) {
            tracing::warn!(
                path = %parts.uri.path(),
                by = crate::api::access::log_label(&caller, None),
                status = status.as_u16(),
                error = e.code(),
                "request refused"
            );
        }
        error_response(e)
    };
    let row = match api::authorize(&caller, &name) {
        Ok(row) => row,
        Err(e) => return refuse(e),
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_MAX as u64) {
        return refuse(row.body.too_large());
    }
    let body = match tokio::time::timeout(
        body_timeout(row.body),
        read_body(Body::new(body), row.body.limit()),
    )
    .await
    {
        Ok(Ok(Some(bytes))) => bytes,
        Ok(Ok(None)) => return refuse(row.body.too_large()),
        Ok(Err(_)) | Err(_) => {
            return refuse(AppError::BadRequest(
                "انقطع إرسال الطلب قبل اكتماله؛ أعد المحاولة".into(),
            ))
        }
    };
    let args: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return refuse(AppError::BadRequest(e.to_string())),
        }
    };
    drop(body);
    let core = st.core.clone();
    match blocking(move || api::call_as(&core, &caller, &name, args)).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => error_response(e),
    }
}

/// Past this, a refused body is not even read to its end (the connection is closed instead).
const DRAIN_MAX: usize = 64 * 1024 * 1024;

/// The body's bytes, or `None` when it is longer than `limit`. A body over the limit is still
/// read (and dropped) up to [`DRAIN_MAX`], so the sender's browser receives the Arabic answer
/// instead of a broken connection.
async fn read_body(
    mut body: Body,
    limit: usize,
) -> std::result::Result<Option<Vec<u8>>, axum::Error> {
    use http_body_util::BodyExt;
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            seen += data.len();
            if seen <= limit {
                bytes.extend_from_slice(&data);
            } else {
                bytes = Vec::new();
                if seen > DRAIN_MAX {
                    break;
                }
            }
        }
    }
    Ok((seen <= limit).then_some(bytes))
}

async fn static_file(uri: Uri) -> Response {
    match assets::get(uri.path()) {
        Some((bytes, mime)) => {
            let mut headers = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&mime) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            (headers, bytes.into_owned()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "404").into_response(),
    }
}

/// The router for a server reachable at `addr` (`lan`: also from the venue network).
pub fn router(core: Core, addr: SocketAddr, lan: bool) -> Router {
    let st = AppState {
        core,
        allowed_hosts: Arc::new(allowed_hosts(addr)),
        port: addr.port(),
        lan,
    };
    Router::new()
        .route("/api/health", get(health))
        .route("/api/{*command}", post(command))
        .fallback(get(static_file))
        .layer(middleware::from_fn_with_state(st.clone(), guard))
        .with_state(st)
}

/// Binds the server's address: loopback only, unless `lan`.
pub async fn bind(addr: SocketAddr, lan: bool) -> Result<TcpListener> {
    if !lan && !addr.ip().is_loopback() {
        return Err(AppError::Forbidden(format!(
            "لا يُسمح بتشغيل الخادم إلا على عنوان محلي (127.0.0.1) ما لم يُفعَّل وضع الشبكة (--lan)، والعنوان المطلوب {addr}"
        )));
    }
    Ok(TcpListener::bind(addr).await?)
}

/// Serves until `shutdown` resolves. `lan`: accept desks from the venue network (with tokens).
pub async fn serve(
    core: Core,
    listener: TcpListener,
    lan: bool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener.local_addr()?;
    listen::serve(listener, router(core, addr, lan), shutdown).await;
    Ok(())
}

/// This machine's IPv4 addresses on the venue network, for desks to open.
pub fn lan_urls(port: u16) -> Vec<String> {
    if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback())
        .filter_map(|i| match i.ip() {
            std::net::IpAddr::V4(v4) => Some(format!("http://{v4}:{port}/")),
            std::net::IpAddr::V6(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_that_panics_is_answered_500_in_arabic_and_the_server_goes_on() {
        let e = blocking(|| -> Result<()> { panic!("a bug in a command") })
            .await
            .unwrap_err();
        assert_eq!(status_for(&e), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(blocking(|| Ok(7)).await.unwrap(), 7, "the next work runs");
    }
}
