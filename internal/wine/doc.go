// Package wine is the Windows test lane: its tests build refimage.exe for
// windows/amd64 and run it for real under Wine, with Windows paths, and
// compare what it does with the Linux binary on the same input.
//
// The lane needs Debian's wine64 and the MinGW cross compiler
// (gcc-mingw-w64-x86-64-win32): Go 1.26 programs need ProcessPrng from
// bcryptprimitives.dll, which Wine 8.0 lacks, so the lane compiles the
// small stand-in in shim/ and installs it in a fresh Wine prefix made
// under the test's temporary folder (one prefix and one persistent
// wineserver per test binary run). Without Wine the tests skip and name
// the packages; with REFIMAGE_ORACLES=required (CI) they fail.
//
// standin/ is the stand-in system tool (diskpart.exe, dism.exe, …) of the
// live-mode run: it records the command line exactly as Windows handed it
// over and answers with scripted output and exit codes.
//
// docs/windows.md lists which Windows code paths the lane proves.
package wine
