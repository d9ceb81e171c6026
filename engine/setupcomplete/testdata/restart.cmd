@echo off
rem refimage-setupcomplete v1
rem Written by refimage. Windows Setup runs this file as SYSTEM when setup is
rem complete, before the first logon; it resumes the task sequence.
setlocal EnableExtensions DisableDelayedExpansion
set "REFIMAGE_LOG=%SystemDrive%\_SMSTaskSequence\Logs\SetupComplete.log"
if not exist "%SystemDrive%\_SMSTaskSequence\Logs\" mkdir "%SystemDrive%\_SMSTaskSequence\Logs"
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] SetupComplete.cmd started

rem The built-in Administrator is the local account whose SID ends in -500,
rem whatever its (localised) name; net user is the fallback.
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] disabling the built-in Administrator account
"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' } | Disable-LocalUser" >>"%REFIMAGE_LOG%" 2>&1
if errorlevel 1 "%SystemRoot%\System32\net.exe" user Administrator /active:no >>"%REFIMAGE_LOG%" 2>&1

rem Resume the task sequence.
if not exist "%SystemDrive%\_SMSTaskSequence\refimage.exe" goto :missing
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] resuming the task sequence
"%SystemDrive%\_SMSTaskSequence\refimage.exe" run --resume --state "%SystemDrive%\_SMSTaskSequence" --plain >>"%REFIMAGE_LOG%" 2>&1
set "REFIMAGE_EXIT=%ERRORLEVEL%"
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] refimage exited with code %REFIMAGE_EXIT%
if not "%REFIMAGE_EXIT%"=="3010" goto :end
rem refimage asked for a restart: schedule it so this script and Setup finish first.
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] restarting in 10 seconds, as refimage asked
"%SystemRoot%\System32\shutdown.exe" /r /t 10 /d p:4:1 /c "refimage: restarting to continue the task sequence" >>"%REFIMAGE_LOG%" 2>&1
goto :end

:missing
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] refimage.exe is missing; the task sequence cannot resume

:end
endlocal
exit /b 0
