//! The HTTP API (axum): `POST /api/<command>` with the same JSON arguments and result as the
//! window's `invoke`, `GET /api/health`, and the same `ui/` at `/` for browser desks.
//! Errors: `{"error":{"code","message","fields"}}` with a 4xx/5xx status.
//!
//! Loopback only in this version. Even so it refuses requests whose `Host` is not its own
//! address (DNS rebinding) and state-changing requests from a foreign `Origin` (CSRF).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::api;
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
}

fn status_for(e: &AppError) -> StatusCode {
    match e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound { .. } | AppError::UnknownCommand(_) => StatusCode::NOT_FOUND,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Duplicate { .. } => StatusCode::CONFLICT,
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
    if !host.as_ref().is_some_and(|h| st.allowed_hosts.contains(h)) {
        return error_response(AppError::Forbidden(
            "عنوان الخادم في الطلب غير معروف؛ افتح البرنامج من عنوانه الصحيح".into(),
        ));
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let ok = origin
                .to_str()
                .ok()
                .and_then(|o| o.strip_prefix("http://"))
                .is_some_and(|o| {
                    st.allowed_hosts
                        .iter()
                        .any(|h| h == &o.to_ascii_lowercase())
                });
            if !ok {
                return error_response(AppError::Forbidden(
                    "رُفض الطلب لأنه صادر من صفحة أخرى غير صفحة البرنامج".into(),
                ));
            }
        }
    }
    next.run(req).await
}

async fn health(State(st): State<AppState>) -> Response {
    let core = st.core.clone();
    match tokio::task::spawn_blocking(move || core.info()).await {
        Ok(Ok(info)) => Json(json!({
            "ok": true,
            "name": info.name,
            "version": info.version,
            "schema_version": info.schema_version,
        }))
        .into_response(),
        Ok(Err(e)) => error_response(e),
        Err(e) => error_response(AppError::Internal(e.to_string())),
    }
}

async fn command(State(st): State<AppState>, Path(name): Path<String>, body: Bytes) -> Response {
    let args: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return error_response(AppError::BadRequest(e.to_string())),
        }
    };
    let core = st.core.clone();
    match tokio::task::spawn_blocking(move || api::call(&core, &name, args)).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => error_response(e),
        Err(e) => error_response(AppError::Internal(e.to_string())),
    }
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

/// The router for a server reachable at `addr`.
pub fn router(core: Core, addr: SocketAddr) -> Router {
    let st = AppState {
        core,
        allowed_hosts: Arc::new(allowed_hosts(addr)),
    };
    Router::new()
        .route("/api/health", get(health))
        .route("/api/{command}", post(command))
        .fallback(get(static_file))
        .layer(middleware::from_fn_with_state(st.clone(), guard))
        .with_state(st)
}

/// Binds a loopback address (refusing any other in this version).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener> {
    if !addr.ip().is_loopback() {
        return Err(AppError::Forbidden(format!(
            "لا يُسمح بتشغيل الخادم إلا على عنوان محلي (127.0.0.1)، والعنوان المطلوب {addr}"
        )));
    }
    Ok(TcpListener::bind(addr).await?)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    core: Core,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener.local_addr()?;
    axum::serve(listener, router(core, addr))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
