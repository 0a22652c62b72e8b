//! The Windows console. A release build is a GUI-subsystem program (no console flashes when the
//! window is opened by a double-click), and such a program prints nothing in `cmd` or PowerShell.
//! [`attach_parent`] joins the console of the process that started it, when there is one and a
//! command was asked for, so that `multaqa --version`, `multaqa demo`, `multaqa serve` … print
//! there. Elsewhere (Linux, macOS) the program is a console program and nothing is needed.

use std::ffi::OsString;

/// Whether the arguments ask for a command-line command (anything but the window, which takes
/// at most `--db PATH`). The window is never attached: a Ctrl+C in the console that started it
/// would otherwise close it.
pub fn wants_console(args: impl IntoIterator<Item = OsString>) -> bool {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--db" {
            args.next();
        } else if !a.to_string_lossy().starts_with("--db=") {
            return true;
        }
    }
    false
}

/// Joins the parent's console for a command-line command, and points the standard handles that
/// were not redirected (to a file or a pipe, which stay as they are) at it. Does nothing when
/// the parent has no console (Explorer, the Start menu) or no command was asked for.
#[cfg(windows)]
pub fn attach_parent() {
    use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::Storage::FileSystem::{
        CreateFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
    };
    use windows_sys::Win32::System::Console::{
        AttachConsole, GetStdHandle, SetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE,
        STD_HANDLE, STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
    };

    if !wants_console(std::env::args_os().skip(1)) {
        return;
    }
    let missing = |which: STD_HANDLE| {
        // SAFETY: GetStdHandle only reads the process's handle table.
        let h = unsafe { GetStdHandle(which) };
        h.is_null() || h == INVALID_HANDLE_VALUE
    };
    let handles = [
        (STD_INPUT_HANDLE, "CONIN$"),
        (STD_OUTPUT_HANDLE, "CONOUT$"),
        (STD_ERROR_HANDLE, "CONOUT$"),
    ];
    if !handles.iter().any(|&(which, _)| missing(which)) {
        return; // all three redirected by the caller: print where it asked
    }
    // SAFETY: plain Win32 calls with valid arguments; a failure leaves the process as it was.
    unsafe {
        if AttachConsole(ATTACH_PARENT_PROCESS) == 0 {
            return; // started without a console: none is made
        }
        for (which, device) in handles {
            if !missing(which) {
                continue;
            }
            let name = super::wide(device);
            let h = CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                std::ptr::null(),
                OPEN_EXISTING,
                0,
                std::ptr::null_mut(),
            );
            if h != INVALID_HANDLE_VALUE {
                SetStdHandle(which, h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_command_wants_the_console_the_window_does_not() {
        assert!(!wants_console(args(&[])));
        assert!(!wants_console(args(&[
            "--db",
            r"C:\Users\نورة\ملتقى.sqlite3"
        ])));
        assert!(!wants_console(args(&["--db=D:\\data\\m.sqlite3"])));
        assert!(wants_console(args(&["--version"])));
        assert!(wants_console(args(&["--db", "x.sqlite3", "forum", "list"])));
        assert!(wants_console(args(&["serve", "--db", "x.sqlite3"])));
        assert!(wants_console(args(&["--help"])));
    }
}
