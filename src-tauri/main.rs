// No console window on Windows release builds (a double-click opens the window alone); a
// command given in `cmd` or PowerShell prints in that console (adapters::console).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    #[cfg(windows)]
    multaqa::adapters::console::attach_parent();
    multaqa::adapters::cli::main()
}
