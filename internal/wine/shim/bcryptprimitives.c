/*
 * bcryptprimitives.dll for Wine 8.0 — test lane only, never shipped.
 *
 * Why: since Go 1.24 the Windows runtime gets its random bytes from
 * ProcessPrng, exported by bcryptprimitives.dll (Windows 10 and later),
 * and it loads that DLL at start-up: when the DLL is missing the program
 * dies with "fatal error: bcryptprimitives.dll not found" before main.
 * Debian's Wine 8.0 has no bcryptprimitives.dll, so no Go 1.26 program
 * starts under it. Real Windows (and WinPE) have the DLL; refimage needs
 * nothing from this file there.
 *
 * What: the one function Go calls, ProcessPrng(PBYTE, SIZE_T) -> BOOL
 * (always TRUE on Windows), on top of RtlGenRandom (advapi32's
 * SystemFunction036), which Wine implements. RtlGenRandom takes a ULONG
 * length, so large requests are served in pieces.
 *
 * Built by internal/wine's test lane with Debian's MinGW cross compiler
 * (gcc-mingw-w64-x86-64-win32):
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll \
 *       bcryptprimitives.c -ladvapi32
 *
 * and copied into the test Wine prefix's C:\windows\system32.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
