/* Wine 8 (Debian 12) has no bcryptprimitives.dll, which Rust's standard library imports for
 * ProcessPrng on every Windows it supports (Windows 10 and 11 ship it). This stand-in is for the
 * Wine test only (./dev package-windows-test copies it into the Wine prefix's system32); it is
 * never part of the installer. ProcessPrng fills the buffer from the system's CSPRNG. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
