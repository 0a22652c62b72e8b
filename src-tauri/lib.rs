//! Multaqa (ملتقى): runs a regional Social Empowerment Forum end to end.
//!
//! Core modules (no Tauri or HTTP types): [`forum`], [`person`], [`checkin`], [`demo`], [`calendar`], [`text`],
//! [`store`], [`error`], [`state`]. The command registry [`api`] is what the three adapters in
//! [`adapters`] (window, HTTP, CLI) call. See `ARCHITECTURE.md`.

pub mod account;
pub mod adapters;
pub mod admin;
pub mod api;
pub mod archive;
pub mod assets;
pub mod audit;
pub mod badge;
pub mod bench;
pub mod calendar;
pub mod certificate;
pub mod checkin;
pub mod demo;
pub mod desk;
pub mod entity;
pub mod error;
pub mod family;
pub mod floor;
pub mod forum;
pub mod forum_report;
pub mod import;
pub mod logs;
pub mod name_generator;
pub mod pdf;
pub mod person;
pub mod qr;
pub mod retention;
pub mod session;
pub mod sheet;
pub mod state;
pub mod store;
pub mod text;
pub mod track;

pub use error::{AppError, Result};
pub use state::Core;
