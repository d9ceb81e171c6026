package engine

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Install Software Updates (configmgr.md §2.8): installs the .msu and
// .cab packages of a folder (source), the mandatory ones or all of them
// as the folder's manifest (updates.txt, docs/steps.md) says.
//
//   - Full OS: wusa.exe FILE.msu /quiet /norestart, dism.exe /Online
//     /Add-Package /PackagePath:FILE.cab /Quiet /NoRestart.
//   - In Windows PE (which the sequence format does not allow for this
//     step today): offline servicing of the applied image, dism.exe
//     /Image:W:\ /Add-Package /PackagePath:FILE.
//
// Exit code 3010: the update is installed and needs a restart; the other
// updates are installed, then the computer restarts and the step runs
// again (SMSTSRetryRequested), skipping what it installed
// (RefimageUpdatesDone). An update that fails while a restart is pending
// is tried again after it. "Already installed" (0x00240006) and "not
// applicable" (0x80240017, 0x800F081E) count as done, so the step can run
// again after an unexpected restart (the engine's retry_count).
type installSoftwareUpdates struct{}

func init() { Register("install-software-updates", installSoftwareUpdates{}) }

// UpdatesManifest is the file of a source folder that says which updates
// are mandatory.
const UpdatesManifest = "updates.txt"

const varUpdatesDone = "RefimageUpdatesDone"

// Exit codes of wusa and DISM.
const (
	codeAlreadyInstalled int64 = 0x00240006 // WU_S_ALREADY_INSTALLED
	codeNotApplicable    int64 = 0x80240017 // WU_E_NOT_APPLICABLE
	codeCBSNotApplicable int64 = 0x800F081E // CBS_E_NOT_APPLICABLE
	codeRebootInitiated  int64 = 1641
	updatesListSeparator       = "\x1f"
)

// update is one package to install.
type update struct {
	File      string
	Mandatory bool
	Note      string
}

// parseUpdatesManifest reads updates.txt: one update a line, in install
// order, "mandatory FILE [note]" or "optional FILE [note]"; # comments
// and empty lines are ignored.
func parseUpdatesManifest(data []byte) ([]update, error) {
	var out []update
	var errs []string
	for i, line := range strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			errs = append(errs, fmt.Sprintf("line %d: \"mandatory FILE\" or \"optional FILE\"", i+1))
			continue
		}
		u := update{File: f[1], Note: strings.Join(f[2:], " ")}
		switch strings.ToLower(f[0]) {
		case "mandatory":
			u.Mandatory = true
		case "optional":
		default:
			errs = append(errs, fmt.Sprintf("line %d: %q is not mandatory or optional", i+1, f[0]))
			continue
		}
		if ext := strings.ToLower(path.Ext(u.File)); ext != ".msu" && ext != ".cab" {
			errs = append(errs, fmt.Sprintf("line %d: %s is not an .msu or .cab file", i+1, u.File))
			continue
		}
		if strings.ContainsAny(u.File, `/\`) {
			errs = append(errs, fmt.Sprintf("line %d: %s: a file of the folder, without a path", i+1, u.File))
			continue
		}
		out = append(out, u)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %s", UpdatesManifest, strings.Join(errs, "; "))
	}
	return out, nil
}

// updatesToInstall lists the folder's updates for the target (mandatory
// or all): the manifest's when there is one, else every .msu/.cab of the
// folder by name, all mandatory.
func updatesToInstall(sc *StepContext, source string, all bool) ([]update, error) {
	names, err := sc.Platform.ReadDirNames(source)
	if err != nil {
		return nil, &Error{Code: CodePathNotFound, Msg: "cannot list the update folder " + source, Err: err}
	}
	have := map[string]string{}
	manifest := ""
	for _, n := range names {
		have[strings.ToLower(n)] = n
		if strings.EqualFold(n, UpdatesManifest) {
			manifest = n
		}
	}
	var list []update
	if manifest != "" {
		data, err := sc.Platform.ReadFile(source + `\` + manifest)
		if err != nil {
			return nil, &Error{Code: CodeFileNotFound, Msg: "cannot read " + manifest, Err: err}
		}
		if list, err = parseUpdatesManifest(data); err != nil {
			return nil, &Error{Code: CodeInvalidParam, Msg: err.Error()}
		}
		for i, u := range list {
			n, ok := have[strings.ToLower(u.File)]
			if !ok {
				return nil, &Error{Code: CodeFileNotFound, Msg: fmt.Sprintf("%s names %s, which is not in %s", UpdatesManifest, u.File, source)}
			}
			list[i].File = n
		}
		sc.Log("The manifest %s lists %d updates.", manifest, len(list))
	} else {
		sorted := append([]string(nil), names...)
		sort.Strings(sorted)
		for _, n := range sorted {
			if ext := strings.ToLower(path.Ext(n)); ext == ".msu" || ext == ".cab" {
				list = append(list, update{File: n, Mandatory: true})
			}
		}
		sc.Log("No %s in %s: its %d .msu/.cab packages all count as mandatory, in name order.", UpdatesManifest, source, len(list))
	}
	if all {
		return list, nil
	}
	var out []update
	for _, u := range list {
		if u.Mandatory {
			out = append(out, u)
		}
	}
	return out, nil
}

// updateCommand is the command line that installs one package.
func updateCommand(sc *StepContext, file string) (string, error) {
	isCab := strings.EqualFold(path.Ext(file), ".cab")
	if sc.Machine.InWinPE {
		root, err := targetRoot(sc)
		if err != nil {
			return "", err
		}
		return dismLine([]string{"/Image:" + imageRoot(root), "/Add-Package", "/PackagePath:" + file}), nil
	}
	if isCab {
		return dismLine([]string{"/Online", "/Add-Package", "/PackagePath:" + file, "/Quiet", "/NoRestart"}), nil
	}
	q := file
	if strings.ContainsAny(q, " \t") {
		q = `"` + q + `"`
	}
	return "wusa.exe " + q + " /quiet /norestart", nil
}

func (installSoftwareUpdates) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.InstallSoftwareUpdates)
	if err := requireRunningWindows(sc, "Install Software Updates"); err != nil {
		return 0, err
	}
	scrubAnswerFiles(sc)
	if strings.TrimSpace(p.Source) == "" {
		return 0, &Error{Code: CodeInvalidParam, Msg: "no update folder (source) is set: refimage installs updates from a folder of .msu/.cab packages"}
	}
	source := strings.TrimRight(p.Source, `\`)
	list, err := updatesToInstall(sc, source, p.Target == sequence.UpdatesAll)
	if err != nil {
		return 0, err
	}
	done := map[string]bool{}
	if v, ok := stepProgress(sc, varUpdatesDone); ok && v != "" {
		for _, n := range strings.Split(v, updatesListSeparator) {
			done[strings.ToLower(n)] = true
		}
	}
	var doneList []string
	for n := range done {
		doneList = append(doneList, n)
	}
	sort.Strings(doneList)
	restart := false
	var deferred []string
	for i, u := range list {
		sc.Progress(int64(i), int64(len(list)), "", u.File)
		if done[strings.ToLower(u.File)] {
			sc.Log("%s was installed before the restart: skipped.", u.File)
			continue
		}
		line, err := updateCommand(sc, source+`\`+u.File)
		if err != nil {
			return 0, err
		}
		sc.Log("Installing update %d of %d: %s", i+1, len(list), u.File)
		sc.Log("Executing command line: %s", line)
		code, err := sc.Run(ctx, Command{Line: line})
		if err != nil {
			return 0, err
		}
		sc.Log("Process completed with exit code %d", uint32(code))
		switch {
		case code == 0:
		case SameCode(code, CodeRebootRequired) || code == codeRebootInitiated:
			if !sc.Machine.InWinPE {
				restart = true
			}
			sc.Log("%s is installed and needs a restart.", u.File)
		case SameCode(code, codeAlreadyInstalled):
			sc.Log("%s is already installed.", u.File)
		case SameCode(code, codeNotApplicable), SameCode(code, codeCBSNotApplicable):
			sc.Log("%s does not apply to this Windows: skipped.", u.File)
		default:
			if restart {
				sc.Warn("%s failed with exit code %s while a restart is pending: it is tried again after the restart.", u.File, Hex(code))
				deferred = append(deferred, u.File)
				continue
			}
			return 0, &Error{Code: code, Msg: fmt.Sprintf("the update %s failed with exit code %s (0x%s)", u.File, Decimal(code), Hex(code))}
		}
		done[strings.ToLower(u.File)] = true
		doneList = append(doneList, strings.ToLower(u.File))
	}
	sc.Progress(int64(len(list)), int64(len(list)), "", "")
	if restart {
		setStepProgress(sc, varUpdatesDone, strings.Join(doneList, updatesListSeparator))
		more := ""
		if len(deferred) > 0 {
			more = fmt.Sprintf(" (%d to try again)", len(deferred))
		}
		sc.Log("Updates need a restart: the computer restarts and the step runs again%s.", more)
		sc.Vars.Set("SMSTSRetryRequested", "true")
		sc.RequestReboot("HD")
		return 0, nil
	}
	setStepProgress(sc, varUpdatesDone, "")
	sc.Log("%d updates are installed.", len(list))
	return 0, nil
}

func (installSoftwareUpdates) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.InstallSoftwareUpdates)
	which := "the mandatory updates"
	if p.Target == sequence.UpdatesAll {
		which = "all updates"
	}
	src := p.Source
	if src == "" {
		src = "(no source folder: the step fails)"
	}
	out := append(offlinePlan(pc), "install "+which+" from "+src+" (its "+UpdatesManifest+" says which are mandatory; without it, every .msu/.cab, in name order)")
	if pc.Machine.InWinPE {
		return append(out, `dism.exe /Image:<Windows volume>\ /Add-Package /PackagePath:<each .msu/.cab>`)
	}
	return append(out, "wusa.exe <each .msu> /quiet /norestart; dism.exe /Online /Add-Package /PackagePath:<each .cab> /Quiet /NoRestart",
		"3010: install the others, restart, run the step again for what is left")
}
