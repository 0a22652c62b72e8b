//! Sessions kept by the running app: a random token for something (the admin lock's unlocked
//! window, a signed-in committee member), forgotten after a stated time without use.
//!
//! Invariant: tokens are 256 random bits, never stored in the database; a session ends after
//! its idle time, when closed, or when the app stops.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;

/// Tokens for values of `V`, each kept while used within `idle`.
pub struct Sessions<V> {
    idle: Duration,
    open: Mutex<HashMap<String, (V, Instant)>>,
}

impl<V: Clone> Sessions<V> {
    pub fn new(idle: Duration) -> Self {
        Sessions {
            idle,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (V, Instant)>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session for `value`: its token.
    pub fn open(&self, value: V) -> String {
        let mut bytes = [0u8; 32];
        bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        self.lock().insert(token.clone(), (value, Instant::now()));
        token
    }

    /// The value of an open session; each use keeps it open.
    pub fn get(&self, token: Option<&str>) -> Option<V> {
        let token = token?;
        let mut open = self.lock();
        let idle = self.idle;
        open.retain(|_, (_, at)| at.elapsed() < idle);
        let (value, at) = open.get_mut(token)?;
        *at = Instant::now();
        Some(value.clone())
    }

    pub fn close(&self, token: &str) {
        self.lock().remove(token);
    }

    /// Ends the sessions whose value answers `end`.
    pub fn close_where(&self, end: impl Fn(&V) -> bool) {
        self.lock().retain(|_, (v, _)| !end(v));
    }

    pub fn close_all(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_while_used_and_ends_when_closed_or_idle() {
        let s = Sessions::new(Duration::from_millis(200));
        let a = s.open(1);
        let b = s.open(2);
        assert_ne!(a, b);
        assert!(a.len() >= 43, "256 bits");
        assert_eq!(s.get(Some(&a)), Some(1));
        assert_eq!(s.get(Some("other")), None);
        assert_eq!(s.get(None), None);
        s.close_where(|v| *v == 2);
        assert_eq!(s.get(Some(&b)), None);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(s.get(Some(&a)), None, "idle too long");
        let c = s.open(3);
        s.close(&c);
        assert_eq!(s.get(Some(&c)), None);
    }
}
