//! The one integration-test binary (each extra test binary would relink the whole app).

mod accounts;
mod app_log;
mod audit;
mod backups;
mod badges;
mod cli;
mod common;
mod exhibitions;
mod forum_commands;
mod hostile_files;
mod http_api;
mod imports;
mod lan_desks;
mod migrations;
mod pdf_engine;
mod people_checkin;
mod tauri_mock;
mod tracks;
mod ui_browser;
mod venue_network;
