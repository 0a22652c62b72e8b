; Multaqa's Windows installer, for Debian's makensis (NSIS 3, Unicode). Built by
; `./dev package-windows`, which passes:
;   VERSION   the app's version (Cargo.toml), e.g. 0.1.0
;   BIN_DIR   the folder with the cross-built multaqa.exe and WebView2Loader.dll
;   ICON      icons/icon.ico
;   OUT_FILE  the installer to write (Multaqa_VERSION_x64-setup.exe)
; Nothing is downloaded: only Debian's NSIS and its own plug-ins (UserInfo, System) are used.
;
; What it does: installs for the current user (%LOCALAPPDATA%\Programs\Multaqa, no administrator
; needed) or, for an administrator who chooses it (or `/AllUsers`), for every user (Program Files);
; a Start-menu entry «ملتقى» and a desktop shortcut with the icon; an entry in «Apps & features»
; with the uninstaller. The uninstaller removes the program and its entries only: the user's data
; (%APPDATA%\sa.multaqa.app\: the database, backups, logs) is never touched.
; Silent: `Multaqa_…-setup.exe /S` (current user), `/S /AllUsers`; the uninstaller takes `/S` too.

; A 64-bit installer (the app is x64 only): it also runs under a 64-bit-only Wine.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!define PRODUCT "Multaqa"
!define PRODUCT_AR "ملتقى"
!define PUBLISHER "Multaqa"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT}"
!define SETTINGS_KEY "Software\${PRODUCT}"
; Microsoft Edge WebView2 Runtime's client key (the window needs it; Windows 10/11 ship it).
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${PRODUCT_AR} — ${PRODUCT}"
OutFile "${OUT_FILE}"
BrandingText "${PRODUCT} ${VERSION}"

; Per user by default; an administrator may install for every user (MultiUser.nsh, NSIS's own).
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${PRODUCT}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!include MultiUser.nsh
!include MUI2.nsh
!include LogicLib.nsh
!include x64.nsh
!include FileFunc.nsh

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\multaqa.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Arabic first (the default where the system's language is neither), English for the rest.
!insertmacro MUI_LANGUAGE "Arabic"
!insertmacro MUI_LANGUAGE "English"

LangString WebView2Missing ${LANG_ARABIC} "لم يُعثر على Microsoft Edge WebView2 على هذا الجهاز، ونافذة ملتقى تحتاجه. يأتي مع ويندوز 11 ومع ويندوز 10 المحدَّث؛ ثبّته من تحديثات ويندوز أو من قسم تقنية المعلومات ثم افتح ملتقى. أوامر سطر الأوامر (multaqa serve وغيرها) تعمل دونه."
LangString WebView2Missing ${LANG_ENGLISH} "Microsoft Edge WebView2 was not found on this computer; Multaqa's window needs it. It comes with Windows 11 and an updated Windows 10: install it through Windows Update or your IT department, then open Multaqa. The command line (multaqa serve and the rest) works without it."
LangString Needs64 ${LANG_ARABIC} "ملتقى يعمل على ويندوز 64 بت فقط."
LangString Needs64 ${LANG_ENGLISH} "Multaqa runs on 64-bit Windows only."

VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${PRODUCT} installer — ${PRODUCT_AR}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "MIT"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "$(Needs64)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "Multaqa" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${BIN_DIR}/multaqa.exe"
  ; The GNU build loads the WebView2 loader beside the program.
  File "${BIN_DIR}/WebView2Loader.dll"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; $SMPROGRAMS and $DESKTOP are the user's or everyone's, as MultiUser chose.
  CreateShortcut "$SMPROGRAMS\${PRODUCT_AR}.lnk" "$INSTDIR\multaqa.exe" "" "$INSTDIR\multaqa.exe" 0
  CreateShortcut "$DESKTOP\${PRODUCT_AR}.lnk" "$INSTDIR\multaqa.exe" "" "$INSTDIR\multaqa.exe" 0

  ; «Apps & features» (SHCTX: HKCU for the current user, HKLM for every user).
  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT_AR} — ${PRODUCT}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$\"$INSTDIR\multaqa.exe$\",0"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\" /$MultiUser.InstallMode"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" "$\"$INSTDIR\uninstall.exe$\" /$MultiUser.InstallMode /S"
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" "$0"

  ; The window needs WebView2: say so once, here, rather than fail at the first start.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "$(WebView2Missing)"
    MessageBox MB_OK|MB_ICONEXCLAMATION "$(WebView2Missing)" /SD IDOK
  ${EndIf}
SectionEnd

Section "Uninstall"
  ; The program, its shortcuts and its entries. Never $APPDATA\sa.multaqa.app: the user's
  ; database, backups and logs stay for the next installation.
  Delete "$INSTDIR\multaqa.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT_AR}.lnk"
  Delete "$DESKTOP\${PRODUCT_AR}.lnk"
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  DeleteRegKey SHCTX "${SETTINGS_KEY}"
SectionEnd
