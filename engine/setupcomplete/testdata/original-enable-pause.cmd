@echo off
rem refimage-setupcomplete v1
rem Written by refimage. Windows Setup runs this file as SYSTEM when setup is
rem complete, before the first logon; it resumes the task sequence.
setlocal EnableExtensions DisableDelayedExpansion
set "REFIMAGE_LOG=%SystemDrive%\_SMSTaskSequence\Logs\SetupComplete.log"
if not exist "%SystemDrive%\_SMSTaskSequence\Logs\" mkdir "%SystemDrive%\_SMSTaskSequence\Logs"
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] SetupComplete.cmd started

rem The SetupComplete.cmd that was in the image runs first, in its own cmd.exe.
if not exist "%~dp0SetupComplete.refimage-original.cmd" goto :account
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] running the original SetupComplete.cmd
"%SystemRoot%\System32\cmd.exe" /d /c ""%~dp0SetupComplete.refimage-original.cmd"" >>"%REFIMAGE_LOG%" 2>&1
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] the original SetupComplete.cmd exited with code %ERRORLEVEL%

:account
rem The built-in Administrator is the local account whose SID ends in -500,
rem whatever its (localised) name; net user is the fallback.
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] enabling the built-in Administrator account
"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' } | Enable-LocalUser" >>"%REFIMAGE_LOG%" 2>&1
if errorlevel 1 "%SystemRoot%\System32\net.exe" user Administrator /active:yes >>"%REFIMAGE_LOG%" 2>&1

rem SetupCompletePause: wait 30 seconds (ping works without a console; timeout.exe does not).
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] waiting 30 seconds
"%SystemRoot%\System32\PING.EXE" -n 31 127.0.0.1 >nul

rem Resume the task sequence.
if not exist "%SystemDrive%\_SMSTaskSequence\refimage.exe" goto :missing
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] resuming the task sequence
"%SystemDrive%\_SMSTaskSequence\refimage.exe" run --resume --state "%SystemDrive%\_SMSTaskSequence" --plain >>"%REFIMAGE_LOG%" 2>&1
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] refimage exited with code %ERRORLEVEL%
goto :end

:missing
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] refimage.exe is missing; the task sequence cannot resume

:end
endlocal
exit /b 0
