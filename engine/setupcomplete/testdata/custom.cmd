@echo off
rem refimage-setupcomplete v1
rem Written by refimage. Windows Setup runs this file as SYSTEM when setup is
rem complete, before the first logon; it resumes the task sequence.
setlocal EnableExtensions DisableDelayedExpansion
set "REFIMAGE_LOG=D:\logs\sc.log"
if not exist "D:\logs\" mkdir "D:\logs"
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] SetupComplete.cmd started

rem The built-in Administrator account is left as Windows Setup made it.

rem Resume the task sequence.
if not exist "C:\Program Files\refimage\refimage.exe" goto :missing
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] resuming the task sequence
"C:\Program Files\refimage\refimage.exe" run "D:\_SMSTaskSequence\sequence.toml" --resume --state "D:\_SMSTaskSequence" --plain --log "D:\log dir" --var A=1 >>"%REFIMAGE_LOG%" 2>&1
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] refimage exited with code %ERRORLEVEL%
goto :end

:missing
>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] refimage.exe is missing; the task sequence cannot resume

:end
endlocal
exit /b 0
