package engine

import (
	"errors"
	"fmt"
)

// Exit and error codes the engine uses and explains (configmgr.md §3.8).
// Codes are Windows exit codes: a process exit code, a Win32 error or an
// HRESULT. They are kept as int64 so that both the decimal exit codes of
// processes (3010) and HRESULTs (0x80004005) compare the way Windows
// compares them (as 32-bit values).
const (
	CodeSuccess        int64 = 0
	CodeRebootRequired int64 = 3010       // ERROR_SUCCESS_REBOOT_REQUIRED
	CodeFail           int64 = 0x80004005 // E_FAIL
	CodeAbort          int64 = 0x80004004 // E_ABORT
	CodeNotImplemented int64 = 0x80004001 // E_NOTIMPL
	CodeFileNotFound   int64 = 0x80070002 // ERROR_FILE_NOT_FOUND
	CodePathNotFound   int64 = 0x80070003 // ERROR_PATH_NOT_FOUND
	CodeAccessDenied   int64 = 0x80070005 // ERROR_ACCESS_DENIED
	CodeNotSupported   int64 = 0x80070032 // ERROR_NOT_SUPPORTED
	CodeInvalidParam   int64 = 0x80070057 // ERROR_INVALID_PARAMETER
	CodeDiskFull       int64 = 0x80070070 // ERROR_DISK_FULL
	CodeCancelled      int64 = 0x800704C7 // ERROR_CANCELLED
	CodeTimeout        int64 = 0x800705B4 // ERROR_TIMEOUT
	CodeAnswerFile     int64 = 0x80220005 // answer file / SMI error
)

// SameCode reports whether two codes are the same 32-bit value, so that
// -2147467259 and 0x80004005 match.
func SameCode(a, b int64) bool { return uint32(a) == uint32(b) }

// FormatCode shows a code in hex and decimal, e.g. "0x80004005
// (-2147467259)" or "3010 (0x00000BC2)".
func FormatCode(c int64) string {
	u := uint32(c)
	if u&0x80000000 != 0 {
		return fmt.Sprintf("0x%08X (%d)", u, int32(u))
	}
	return fmt.Sprintf("%d (0x%08X)", u, u)
}

// Hex is the code as 8 hex digits without 0x, as smsts.log writes
// errors ("Error: 80070002").
func Hex(c int64) string { return fmt.Sprintf("%08X", uint32(c)) }

// Decimal is the code as a signed 32-bit decimal, as status messages
// write it ("with the error code -2147467259").
func Decimal(c int64) string {
	u := uint32(c)
	if u&0x80000000 != 0 {
		return fmt.Sprint(int32(u))
	}
	return fmt.Sprint(u)
}

// CodeInfo explains a common code.
type CodeInfo struct {
	Code    int64
	Name    string
	Meaning string
}

// KnownCodes are the codes the run summary explains.
var KnownCodes = []CodeInfo{
	{0, "ERROR_SUCCESS", "success"},
	{1, "ERROR_INVALID_FUNCTION", "incorrect function; often a script that exits through a bad path"},
	{2, "ERROR_FILE_NOT_FOUND", "a file was not found (exit code 2 of a process usually means the same)"},
	{5, "ERROR_ACCESS_DENIED", "access denied"},
	{3010, "ERROR_SUCCESS_REBOOT_REQUIRED", "success, a restart is required: the engine restarts and continues with the next step"},
	{1641, "ERROR_SUCCESS_REBOOT_INITIATED", "success, the installer started a restart"},
	{CodeFail, "E_FAIL", "unspecified failure: the generic \"task sequence failed\" code; read the step's output and smsts.log"},
	{CodeAbort, "E_ABORT", "aborted: a group or the sequence stopped after a failure"},
	{CodeNotImplemented, "E_NOTIMPL", "not implemented in this version of refimage"},
	{CodeFileNotFound, "ERROR_FILE_NOT_FOUND", "file not found: missing content, script or program"},
	{CodePathNotFound, "ERROR_PATH_NOT_FOUND", "path not found: a folder or drive does not exist"},
	{CodeAccessDenied, "ERROR_ACCESS_DENIED", "access denied: typically the capture share or account permissions"},
	{CodeNotSupported, "ERROR_NOT_SUPPORTED", "not supported here: e.g. a Windows PE-only step in the full OS"},
	{CodeInvalidParam, "ERROR_INVALID_PARAMETER", "invalid parameter: a property or variable has a bad value"},
	{CodeDiskFull, "ERROR_DISK_FULL", "there is not enough space on the disk"},
	{CodeCancelled, "ERROR_CANCELLED", "cancelled by the user"},
	{CodeTimeout, "ERROR_TIMEOUT", "the step ran longer than its timeout and was stopped"},
	{CodeAnswerFile, "", "answer file error in Apply Windows Settings (often the computer name)"},
}

// LookupCode explains a code, if it is a known one.
func LookupCode(c int64) (CodeInfo, bool) {
	for _, ci := range KnownCodes {
		if SameCode(ci.Code, c) {
			return ci, true
		}
	}
	return CodeInfo{}, false
}

// Error is an error with a Windows code. Steps return it to say which
// code their failure has; a plain error counts as CodeFail.
type Error struct {
	Code int64
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Msg != "" && e.Err != nil:
		return e.Msg + ": " + e.Err.Error()
	case e.Msg != "":
		return e.Msg
	case e.Err != nil:
		return e.Err.Error()
	}
	return "error " + FormatCode(e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code.
func Errorf(code int64, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// CodeOf returns the code of an error: the Code of an *Error in its chain,
// CodeTimeout for a timeout, CodeCancelled for a cancellation, otherwise
// CodeFail. nil is CodeSuccess.
func CodeOf(err error) int64 {
	if err == nil {
		return CodeSuccess
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return CodeTimeout
	}
	if errors.Is(err, ErrKilled) {
		return CodeCancelled
	}
	return CodeFail
}
