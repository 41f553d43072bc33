; Inno Setup 6 script for povdesk (Windows). Build the one-folder program first
; (py tools\dev.py bundle), then: iscc installer\povdesk.iss   -> dist\installer\povdesk-<version>-setup.exe
; Name and version come from build\installer\version.iss, written by povdesk.spec from the package.
; Silent install (county IT): povdesk-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
#include "..\build\installer\version.iss"

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (ArchitecturesAllowed=x64compatible)
#endif

#define AppPublisher "povdesk"
#define AppExe AppName + ".exe"

[Setup]
; never change AppId: installing a newer version over an older one finds the old one by it
AppId={{6D0E2C7B-5B1A-4E0C-9B7E-2C1F0D9A4E51}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
; numbers only (povdesk.spec: "0.2.0rc1" -> 0.2.0.0)
VersionInfoVersion={#AppNumericVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\dist\installer
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\build\installer\{#AppName}.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; an office machine is installed once for all its users (Program Files, %ProgramData%\povdesk);
; without administrator rights the user may choose an install for himself only
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
; the program must not run while its files are replaced (upgrade) or removed (uninstall)
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto

[Languages]
; Inno Setup ships no Simplified Chinese (its ChineseSimplified.isl is unofficial): the English
; messages with the visible pages translated in installer\ChineseSimplified-povdesk.isl
Name: "chinesesimplified"; MessagesFile: "compiler:Default.isl,ChineseSimplified-povdesk.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Dirs]
; The office's database folder, the first run's default (povdesk.config.machine_data_dir:
; %ProgramData%\povdesk): made writable for every user of the machine and NEVER removed by the
; uninstaller (uninsneveruninstall). Settings, backups and logs are each Windows user's
; %LOCALAPPDATA%\povdesk\povdesk (povdesk.config.data_dir), which this script never names.
Name: "{commonappdata}\{#AppName}"; Permissions: users-modify; Flags: uninsneveruninstall; Check: IsAdminInstallMode

[InstallDelete]
; an upgrade replaces the program folder's files; the data folder is elsewhere and untouched
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; the whole one-folder build: executables, Qt, translations, fonts, migrations, code lists
Source: "..\dist\{#AppName}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the program folder holds; nothing under {commonappdata} or the user profile is listed
Type: filesandordirs; Name: "{app}\_internal"

[Messages]
english.ConfirmUninstall=Are you sure you want to remove %1? The office's data folder is not removed.

[CustomMessages]
; the Chinese text is in ChineseSimplified-povdesk.isl (UTF-8 with BOM); this file stays ASCII
english.DataKept=Your data was not removed: the database stays in its folder (%1, unless another folder was chosen at the first start), the settings, backups and logs in %2. Delete them yourself only when they are no longer needed.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { say where the data stayed; the uninstaller never deletes it. The database's default folder is
    the machine's (also for a per-user install); settings, backups and logs are the user's. }
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'),
                      [ExpandConstant('{commonappdata}\{#AppName}'),
                       ExpandConstant('{localappdata}\{#AppName}\{#AppName}')]),
           mbInformation, MB_OK);
end;
