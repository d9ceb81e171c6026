package engine

import "github.com/refimage/refimage/media/wim"

// Exports for the step tests (package engine_test).
var (
	StageWinPE          = stageWinPE
	BootOnceInstalledOS = bootOnceInstalledOS
	RestartCommand      = restartCommand
	ParseDISMProgress   = parseDISMProgress
	PartialName         = partialName
	CaptureConfigINI    = captureConfigINI
)

// SetVerifyWIM replaces the verification of captured WIMs until the
// returned function restores it.
func SetVerifyWIM(f func(path string) error) (restore func()) {
	old := verifyWIM
	verifyWIM = func(path string, _ wim.ProgressFunc) error { return f(path) }
	return func() { verifyWIM = old }
}

// SetSelfExe replaces the path of the running refimage executable.
func SetSelfExe(path string) (restore func()) {
	old := selfExe
	selfExe = func() (string, error) { return path, nil }
	return func() { selfExe = old }
}
