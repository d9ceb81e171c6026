package tui

import (
	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/wizard"
)

// User-visible strings of the run progress view and its summary: one
// catalog per language (the view's, from RunViewOptions.Lang). A test
// fails when a key is missing from either or the format verbs differ.
// What the engine itself writes (log lines, a step's output, the reason
// a step failed) stays as the engine wrote it, as in smsts.log.
var runText = map[wizard.Lang]map[string]string{wizard.English: runTextEN, wizard.Korean: runTextKO}

var runTextEN = map[string]string{
	"check.title":           "pre-flight check",
	"check.ok":              "ok",
	"check.warning":         "warning",
	"check.willfail":        "will fail",
	"check.allok":           "Nothing here will fail.",
	"check.fails":           "%d lines will fail: fix them, or debug knowing it.",
	"check.key":             "any key: on to the debugger",
	"check.key.other":       "any other key: on to the debugger",
	"console.refused":       "No command prompt here: media allow it only when built with --allow-console",
	"console.open":          "Command prompt open: exit returns here",
	"dbgl.stopped":          "stopped before %s (%s)",
	"dbgl.failed":           "%s failed: %s (exit code %s). retry, ignore or fail?",
	"dbgl.confirm":          "moving the pointer to [%d] %s %s. yes or no?",
	"dbgl.unknown":          "unknown command %q; help lists them",
	"dbgl.help":             "commands: step (or Enter), run, run to STEP, break STEP, skip, goto STEP,\nset NAME=VALUE, vars [FILTER], list, check, retry / ignore / fail (after a\nfailure), quit, help. STEP is a name, a path (Group/Step) or an instruction number.",
	"dbg.title":             "Debug: %s",
	"dbg.before":            "Stopped before %s",
	"dbg.end":               "the end of the sequence",
	"dbg.reason.start":      "debug mode: start",
	"dbg.reason.step":       "stepped",
	"dbg.reason.breakpoint": "breakpoint",
	"dbg.reason.cursor":     "run to here",
	"dbg.reason.failure":    "a step failed",
	"dbg.reason.requested":  "debug mode entered",
	"dbg.reason.resumed":    "resumed in debug mode",
	"dbg.reason.moved":      "pointer moved",
	"dbg.confirm":           "Move the pointer to %s? It %s. y: move   other: keep",
	"dbg.stays":             "The pointer stays.",
	"dbg.edit":              "Set a variable (NAME=VALUE, enter sets, esc cancels):",
	"dbg.edit.form":         "Type NAME=VALUE.",
	"dbg.failed":            "%s failed (%s): y retry, i ignore and go on, f continue as failed",
	"dbg.tree":              "Instructions (> next, * breakpoint)",
	"dbg.if":                "if",
	"dbg.vars":              "Variables (%d)",
	"dbg.ro":                "read-only",
	"dbg.key.step":          "step",
	"dbg.key.run":           "run",
	"dbg.key.runto":         "run to",
	"dbg.key.break":         "break",
	"dbg.key.move":          "move here",
	"dbg.key.skip":          "skip",
	"dbg.key.set":           "set",
	"dbg.key.filter":        "filter",
	"dbg.key.quit":          "quit",
	"dbg.key.retry":         "retry",
	"dbg.key.ignore":        "ignore",
	"dbg.key.fail":          "fail",
	"dbg.requested":         "Debug mode at the next step",
	"title":                 "Running: %s",
	"elapsed":               "elapsed %s",
	"starting":              "Starting",
	"step":                  "Step %d of %d: %s",
	"attempt":               " (attempt %d)",
	"running.for":           "running for %s",
	"overall":               "Overall",
	"eta":                   "ETA %s",
	"overall.count":         "%d of %d",
	"restarting":            "Restarting",
	"log":                   "Log",
	"ask.stop":              "Stop the task sequence? The running step's processes are ended; the state is kept and refimage run --resume continues.",
	"stopping":              "Stopping the running step",
	"key.stop":              "stop",
	"key.keep":              "keep running",
	"key.debug":             "debug",
	"key.console":           "command prompt",
	"key.close":             "close",
	"key.scroll":            "scroll",
	"more.below":            "(more below)",
	"more.above":            "(more above)",
	"more.both":             "(more above and below)",
	"no.start":              "%s: could not start",
	"status.ok":             "completed successfully",
	"status.failed":         "failed",
	"status.stopped":        "stopped",
	"status.restart":        "restarting",
	"status.needs":          "needs a restart",
	"end":                   "%s: %s (%s).",
	"msg.ok":                "the task sequence completed successfully",
	"msg.failed":            "the task sequence failed",
	"msg.stopped":           "stopped by the user; refimage run --resume continues",
	"msg.restart":           "restarting; the run continues after the restart",
	"msg.needs":             "a restart is needed that this platform cannot do",
	"failed.step":           "Failed step: %s (%s) with %s: %s",
	"last.output":           "Its last output:",
	"log.path":              "Log: %s",
	"codes":                 "What the codes mean:",
	"col.num":               "#",
	"col.step":              "Step",
	"col.result":            "Result",
	"col.code":              "Exit code",
	"col.time":              "Time",
	"out.succeeded":         "succeeded",
	"out.failed":            "failed",
	"out.failedcont":        "failed (continued)",
	"out.skipped":           "skipped",
	"out.disabled":          "disabled",
	"out.notrun":            "not run",
	"out.cancelled":         "cancelled",
	"out.interrupt":         "interrupted",
	"plain.start":           "Running: %s (%d steps, %s in %s)",
	"plain.resume":          "Resuming: %s (%d steps, %s in %s)",
	"plain.fullos":          "the full operating system",
	"plain.bytes":           "%s of %s",
	"plain.ok":              "succeeded, exit code %s, %s",
	"plain.warning":         "warning: %s",
	"plain.restart":         "Restarting to %s (asked by %s).",
	"plain.to.os":           "the installed operating system",
	"plain.to.default":      "the default operating system",
	"cli.restarts":          "the computer restarts; the run continues after the restart",
	"cli.stopped":           "stopped; 'refimage run --resume' continues (state in %s)",
	"plain.ctrlc":           "ctrl+c: press it again to stop the running step (its processes are ended; the state is kept and 'refimage run --resume' continues)",
}

var runTextKO = map[string]string{
	"check.title":           "사전 점검",
	"check.ok":              "정상",
	"check.warning":         "경고",
	"check.willfail":        "실패 예정",
	"check.allok":           "실패할 항목이 없습니다.",
	"check.fails":           "%d개 항목이 실패합니다: 고치거나 알고서 디버그하세요.",
	"check.key":             "아무 키: 디버거로",
	"check.key.other":       "다른 키: 디버거로",
	"console.refused":       "명령 프롬프트를 열 수 없습니다: --allow-console로 만든 미디어에서만 열립니다",
	"console.open":          "명령 프롬프트가 열려 있습니다: exit로 돌아옵니다",
	"dbgl.stopped":          "%s 앞에서 멈춤 (%s)",
	"dbgl.failed":           "%s 실패: %s (종료 코드 %s). retry, ignore, fail 중 하나를 입력하세요",
	"dbgl.confirm":          "포인터를 [%d] %s(으)로 옮깁니다: %s. yes 또는 no?",
	"dbgl.unknown":          "알 수 없는 명령 %q; help로 명령을 봅니다",
	"dbgl.help":             "명령: step (또는 Enter), run, run to 단계, break 단계, skip, goto 단계,\nset 이름=값, vars [필터], list, check, retry / ignore / fail (실패 뒤),\nquit, help. 단계는 이름, 경로(그룹/단계) 또는 명령 번호입니다.",
	"dbg.title":             "디버그: %s",
	"dbg.before":            "%s 앞에서 멈춤",
	"dbg.end":               "작업 순서의 끝",
	"dbg.reason.start":      "디버그 모드: 시작",
	"dbg.reason.step":       "한 단계 실행",
	"dbg.reason.breakpoint": "중단점",
	"dbg.reason.cursor":     "여기까지 실행",
	"dbg.reason.failure":    "단계 실패",
	"dbg.reason.requested":  "디버그 모드 진입",
	"dbg.reason.resumed":    "디버그 모드로 다시 시작",
	"dbg.reason.moved":      "포인터 이동",
	"dbg.confirm":           "포인터를 %s(으)로 옮길까요? 이동하면 %s. y: 이동   다른 키: 유지",
	"dbg.stays":             "포인터를 그대로 둡니다.",
	"dbg.edit":              "변수 설정 (이름=값, enter: 설정, esc: 취소):",
	"dbg.edit.form":         "이름=값 형식으로 입력하세요.",
	"dbg.failed":            "%s 실패 (%s): y 다시 시도, i 무시하고 계속, f 실패로 계속",
	"dbg.tree":              "명령 (> 다음, * 중단점)",
	"dbg.if":                "조건",
	"dbg.vars":              "변수 (%d)",
	"dbg.ro":                "읽기 전용",
	"dbg.key.step":          "단계",
	"dbg.key.run":           "실행",
	"dbg.key.runto":         "여기까지",
	"dbg.key.break":         "중단점",
	"dbg.key.move":          "현재로",
	"dbg.key.skip":          "건너뛰기",
	"dbg.key.set":           "변수",
	"dbg.key.filter":        "필터",
	"dbg.key.quit":          "끝",
	"dbg.key.retry":         "다시",
	"dbg.key.ignore":        "무시",
	"dbg.key.fail":          "실패로",
	"dbg.requested":         "다음 단계에서 디버그 모드",
	"title":                 "실행 중: %s",
	"elapsed":               "경과 %s",
	"starting":              "시작하는 중",
	"step":                  "단계 %d/%d: %s",
	"attempt":               " (%d번째 시도)",
	"running.for":           "%s째 실행 중",
	"overall":               "전체",
	"eta":                   "남은 시간 %s",
	"overall.count":         "%d/%d",
	"restarting":            "다시 시작하는 중",
	"log":                   "로그",
	"ask.stop":              "작업 순서를 중지할까요? 실행 중인 단계의 프로세스가 종료됩니다. 상태는 보존되며 refimage run --resume으로 계속할 수 있습니다.",
	"stopping":              "실행 중인 단계를 중지하는 중",
	"key.stop":              "중지",
	"key.keep":              "계속 실행",
	"key.debug":             "디버그",
	"key.console":           "명령 프롬프트",
	"key.close":             "닫기",
	"key.scroll":            "스크롤",
	"more.below":            "(아래에 더 있음)",
	"more.above":            "(위에 더 있음)",
	"more.both":             "(위아래에 더 있음)",
	"no.start":              "%s: 시작할 수 없음",
	"status.ok":             "성공적으로 완료됨",
	"status.failed":         "실패",
	"status.stopped":        "중지됨",
	"status.restart":        "다시 시작하는 중",
	"status.needs":          "다시 시작 필요",
	"end":                   "%s: %s (%s).",
	"msg.ok":                "작업 순서가 성공적으로 완료되었습니다",
	"msg.failed":            "작업 순서가 실패했습니다",
	"msg.stopped":           "사용자가 중지했습니다. refimage run --resume으로 계속합니다",
	"msg.restart":           "다시 시작하는 중입니다. 다시 시작한 후 실행이 계속됩니다",
	"msg.needs":             "이 플랫폼에서 할 수 없는 다시 시작이 필요합니다",
	"failed.step":           "실패한 단계: %s (%s), 코드 %s: %s",
	"last.output":           "마지막 출력:",
	"log.path":              "로그: %s",
	"codes":                 "코드의 의미:",
	"col.num":               "#",
	"col.step":              "단계",
	"col.result":            "결과",
	"col.code":              "종료 코드",
	"col.time":              "시간",
	"out.succeeded":         "성공",
	"out.failed":            "실패",
	"out.failedcont":        "실패 (계속함)",
	"out.skipped":           "건너뜀",
	"out.disabled":          "사용 안 함",
	"out.notrun":            "실행 안 함",
	"out.cancelled":         "취소됨",
	"out.interrupt":         "중단됨",
	"plain.start":           "실행 중: %s (%d단계, %s, %s)",
	"plain.resume":          "다시 시작 중: %s (%d단계, %s, %s)",
	"plain.fullos":          "전체 운영 체제",
	"plain.bytes":           "%s / %s",
	"plain.ok":              "성공, 종료 코드 %s, %s",
	"plain.warning":         "경고: %s",
	"plain.restart":         "%s(으)로 다시 시작합니다 (요청한 단계: %s).",
	"plain.to.os":           "설치된 운영 체제",
	"plain.to.default":      "기본 운영 체제",
	"cli.restarts":          "컴퓨터가 다시 시작됩니다. 다시 시작한 후 실행이 계속됩니다",
	"cli.stopped":           "중지됨. 'refimage run --resume'으로 계속합니다 (상태: %s)",
	"plain.ctrlc":           "ctrl+c: 한 번 더 누르면 실행 중인 단계를 중지합니다 (프로세스가 종료되고 상태는 보존되며 'refimage run --resume'으로 계속합니다)",
}

// RunText returns a string of the run view's catalog in the current
// language (for the command line's plain mode).
func RunText(l wizard.Lang, key string) string { return textsIn(l).rtx(key) }

// rtx returns a string of the run view in the screen's language.
func (t texts) rtx(key string) string {
	if s, ok := runText[t.lang][key]; ok {
		return s
	}
	if s, ok := runTextEN[key]; ok {
		return s
	}
	return key
}

var outcomeKeys = map[engine.Outcome]string{
	engine.Succeeded: "out.succeeded", engine.Failed: "out.failed", engine.FailedCont: "out.failedcont",
	engine.Skipped: "out.skipped", engine.Disabled: "out.disabled", engine.NotRun: "out.notrun",
	engine.Cancelled: "out.cancelled", engine.Interrupted: "out.interrupt",
}

// outcomeText is a step's result in the screen's language.
func (t texts) outcomeText(o engine.Outcome) string {
	if k, ok := outcomeKeys[o]; ok {
		return t.rtx(k)
	}
	return string(o)
}

var statusKeys = map[engine.Status][2]string{
	engine.StatusSucceeded:     {"status.ok", "msg.ok"},
	engine.StatusFailed:        {"status.failed", "msg.failed"},
	engine.StatusCancelled:     {"status.stopped", "msg.stopped"},
	engine.StatusRestarting:    {"status.restart", "msg.restart"},
	engine.StatusRestartNeeded: {"status.needs", "msg.needs"},
}

// statusText is how a run ended, in a few words.
func (t texts) statusText(s engine.Status) string {
	if k, ok := statusKeys[s]; ok {
		return t.rtx(k[0])
	}
	return string(s)
}

// endMessage is the sentence of how the run ended: the engine's own in
// English (it may say more), the catalog's in another language.
func (t texts) endMessage(r *engine.Result) string {
	k, ok := statusKeys[r.Status]
	if t.english() && r.Message != "" || !ok {
		return r.Message
	}
	return t.rtx(k[1])
}

// codeMeaningKO explains the engine's known codes (engine.KnownCodes) in
// Korean; a test fails when one is missing.
var codeMeaningKO = map[uint32]string{
	0:                                 "성공",
	1:                                 "잘못된 함수입니다. 잘못된 경로로 끝나는 스크립트인 경우가 많습니다",
	2:                                 "파일을 찾을 수 없습니다 (프로세스의 종료 코드 2도 대개 같은 뜻입니다)",
	5:                                 "액세스가 거부되었습니다",
	3010:                              "성공, 다시 시작해야 합니다. 엔진이 다시 시작한 후 다음 단계로 계속합니다",
	1641:                              "성공, 설치 관리자가 다시 시작을 시작했습니다",
	uint32(engine.CodeFail):           "지정되지 않은 오류입니다. 일반적인 \"작업 순서 실패\" 코드이므로 단계의 출력과 smsts.log를 확인하십시오",
	uint32(engine.CodeAbort):          "중단되었습니다. 실패 후 그룹 또는 작업 순서가 멈췄습니다",
	uint32(engine.CodeNotImplemented): "이 버전의 refimage에는 구현되어 있지 않습니다",
	uint32(engine.CodeFileNotFound):   "파일을 찾을 수 없습니다. 콘텐츠, 스크립트 또는 프로그램이 없습니다",
	uint32(engine.CodePathNotFound):   "경로를 찾을 수 없습니다. 폴더 또는 드라이브가 없습니다",
	uint32(engine.CodeAccessDenied):   "액세스가 거부되었습니다. 대개 캡처 공유 또는 계정의 권한 문제입니다",
	uint32(engine.CodeNotSupported):   "여기서는 지원되지 않습니다. 예: 전체 OS에서 Windows PE 전용 단계",
	uint32(engine.CodeInvalidParam):   "잘못된 매개 변수입니다. 속성 또는 변수의 값이 잘못되었습니다",
	uint32(engine.CodeDiskFull):       "디스크 공간이 부족합니다",
	uint32(engine.CodeCancelled):      "사용자가 취소했습니다",
	uint32(engine.CodeTimeout):        "단계가 시간 제한보다 오래 실행되어 중지되었습니다",
	uint32(engine.CodeAnswerFile):     "Windows 설정 적용의 응답 파일 오류입니다 (대개 컴퓨터 이름)",
}

// codeMeaning is what a known code means, in the screen's language.
func (t texts) codeMeaning(ci engine.CodeInfo) string {
	if t.lang == wizard.Korean {
		if s, ok := codeMeaningKO[uint32(ci.Code)]; ok {
			return s
		}
	}
	return ci.Meaning
}
