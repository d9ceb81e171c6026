package tui

import "github.com/refimage/refimage/wizard"

// User-visible strings of the media wizard's screens and of its
// accessible mode, one catalog per language (the pages' own texts are in
// wizard/mediawiz; keys shared with the Create Task Sequence Wizard, such
// as key.next, come from wizard_text.go). A test fails when a key is
// missing from either.
var mediaText = map[wizard.Lang]map[string]string{wizard.English: mediaTextEN, wizard.Korean: mediaTextKO}

var mediaTextEN = map[string]string{
	"title":                    "refimage %s Task Sequence Media Wizard",
	"status.cancel":            "Cancel the media wizard? Nothing is written.  y: cancel   n: go on",
	"status.stop":              "Stop writing the medium? Nothing is left under its name.  y: stop   n: go on",
	"status.stopping":          "Stopping...",
	"status.help":              "Help: %s scroll, esc or ? closes it.",
	"status.rescanned":         "Looked for disks again.",
	"key.write":                "write",
	"key.rescan":               "look again",
	"key.stop":                 "stop",
	"key.var-new":              "new line",
	"key.var-remove":           "on an empty line removes it",
	"summary.choices":          "Your choices",
	"summary.write":            "Press ctrl+n to write the medium (pgdown scrolls).",
	"summary.erase":            "Everything on %s is lost.",
	"progress.writing":         "Writing %s ...",
	"progress.rate":            "%s / %s  %s/s",
	"progress.eta":             "  ETA %s",
	"progress.took":            "%s in %s",
	"progress.done":            "The medium was written:",
	"progress.files":           "%d files, %s, id %s.",
	"progress.content":         "Content: %d files, listed with SHA-256 on the medium.",
	"progress.failed":          "The medium was not written:",
	"progress.stopped":         "Stopped. Nothing was written under %s.",
	"progress.stopped-device":  "Stopped before anything was written to %s; it is unchanged.",
	"progress.stopped-partial": "Stopped.",
	"progress.rewrite":         "%s holds a partly written medium: write it again before use.",
	"progress.back":            "Press ctrl+p (or pgup) to go back to the Summary.",
	"progress.next":            "Press enter to go on.",
	"phase.boot image":         "Customise the boot image",
	"phase.content":            "Copy the content",
	"phase.split":              "Split large images",
	"phase.write":              "Write the medium",
	"phase.device":             "Write the device",
	"phase.verify":             "Read back and compare",
	"completion.done":          "Wrote %s:",
	"completion.repeat":        "Next time you can run this directly:",
	"completion.scroll":        "%s scroll the command (it is never wrapped, so that it copies whole).",
	"completion.pass":          "(--password asks for the media password; it is not in the command line.)",
	"help.keys":                "tab / shift+tab    next / previous field\nenter              confirm the field (on the last: next page)\nctrl+n, pgdown     next page\nctrl+p, pgup       previous page (always works before writing)\nctrl+s             go to the Summary once every page is valid\n%[1]s                 choose an option / move between fields\nspace              tick or untick a box\nr                  look for disks again (USB device list)\n? or F1            this help (F1 inside a text field)\nesc                cancel, after asking\nctrl+c             quit at once (stops writing; nothing is left)",

	// The machine, as the wizard sees it (media_env.go).
	"env.unc":       `a network folder is \\server\share\folder`,
	"env.disks":     "writing a device directly works on Linux and Windows; on %s write a USB image file and copy it with your imaging tool",
	"env.not-found": "%s: %s = %s (not found)",
	"env.not-dir":   "%s: %s = %s is not a folder",
	"env.not-file":  "%s: %s = %s is not a file",
	"env.pass":      "the sequence holds encrypted secrets: type the passphrase on the Security page (or set %s)",
	"env.too-small": "the medium needs %s but %s holds %s",
	"env.changed":   "%s changed while the medium was built (%d bytes, now %d); nothing was written",

	// Accessible mode (media_plain.go); the rest is shared with the
	// wizard's (answers.* in wizard_text.go).
	"answers.vars":    "Type one NAME=value a line and an empty line at the end; - alone leaves no variables. An empty first line keeps the list.",
	"answers.write":   "Write the medium now? Type y to write, n to cancel",
	"answers.phase":   "%s: %d%%",
	"answers.written": "The medium was written: %s",
	"answers.cli":     "Wrote %s.\nNext time you can run this directly:\n  %s",
	// Field help in accessible mode where the screens' help names keys
	// ("" leaves it out).
	"plain.type.kind":        "",
	"plain.target.target":    "",
	"plain.target.overwrite": "The old file stays until the new one is complete.",
	"plain.target.device":    "Type r to look for disks again. Disks that hold the system or are mounted are listed but cannot be chosen.",
	"plain.security.protect": "Strongly recommended: the password is asked for before the sequence starts.",
}

var mediaTextKO = map[string]string{
	"title":                    "refimage %s 작업 순서 미디어 만들기 마법사",
	"status.cancel":            "미디어 마법사를 취소할까요? 아무것도 쓰지 않습니다.  y: 취소   n: 계속",
	"status.stop":              "미디어 쓰기를 중지할까요? 해당 이름으로 남는 것은 없습니다.  y: 중지   n: 계속",
	"status.stopping":          "중지하는 중...",
	"status.help":              "도움말: %s 스크롤, esc 또는 ?로 닫습니다.",
	"status.rescanned":         "디스크를 다시 찾았습니다.",
	"key.write":                "쓰기",
	"key.rescan":               "다시 찾기",
	"key.stop":                 "중지",
	"key.var-new":              "새 줄",
	"key.var-remove":           "빈 줄 제거",
	"summary.choices":          "선택 내용",
	"summary.write":            "ctrl+n을 누르면 미디어를 씁니다 (pgdown은 스크롤).",
	"summary.erase":            "%s의 모든 내용이 지워집니다.",
	"progress.writing":         "%s에 쓰는 중...",
	"progress.rate":            "%s / %s  %s/s",
	"progress.eta":             "  남은 시간 %s",
	"progress.took":            "%s, %s 걸림",
	"progress.done":            "미디어를 썼습니다:",
	"progress.files":           "파일 %d개, %s, ID %s.",
	"progress.content":         "콘텐츠: 파일 %d개, 미디어에 SHA-256과 함께 나열됨.",
	"progress.failed":          "미디어를 쓰지 못했습니다:",
	"progress.stopped":         "중지했습니다. %s(으)로 쓴 것은 없습니다.",
	"progress.stopped-device":  "%s에 아무것도 쓰기 전에 중지했습니다. 변경되지 않았습니다.",
	"progress.stopped-partial": "중지했습니다.",
	"progress.rewrite":         "%s에 일부만 쓴 미디어가 있습니다: 사용하기 전에 다시 쓰십시오.",
	"progress.back":            "ctrl+p(또는 pgup)를 누르면 요약으로 돌아갑니다.",
	"progress.next":            "enter를 누르면 계속합니다.",
	"phase.boot image":         "부팅 이미지 사용자 지정",
	"phase.content":            "콘텐츠 복사",
	"phase.split":              "큰 이미지 분할",
	"phase.write":              "미디어 쓰기",
	"phase.device":             "장치에 쓰기",
	"phase.verify":             "다시 읽어 비교",
	"completion.done":          "%s 쓰기 완료:",
	"completion.repeat":        "다음에는 이 명령을 바로 실행할 수 있습니다:",
	"completion.scroll":        "%s 명령을 옆으로 스크롤합니다 (복사할 때 끊기지 않도록 줄을 바꾸지 않습니다).",
	"completion.pass":          "(--password는 미디어 암호를 묻습니다. 암호는 명령줄에 없습니다.)",
	"help.keys":                "tab / shift+tab    다음 / 이전 필드\nenter              필드 확인 (마지막 필드에서는 다음 페이지)\nctrl+n, pgdown     다음 페이지\nctrl+p, pgup       이전 페이지 (쓰기 전에는 항상 가능)\nctrl+s             모든 페이지가 올바르면 요약으로 이동\n%[1]s                 옵션 선택 / 필드 사이 이동\nspace              확인란 선택 또는 해제\nr                  디스크 다시 찾기 (USB 장치 목록)\n? 또는 F1          이 도움말 (텍스트 필드에서는 F1)\nesc                확인 후 취소\nctrl+c             즉시 끝내기 (쓰기를 중지하며 남는 것 없음)",

	"env.unc":       `네트워크 폴더는 \\server\share\folder 형식입니다`,
	"env.disks":     "장치에 직접 쓰기는 Linux와 Windows에서 됩니다. %s에서는 USB 이미지 파일을 쓴 다음 이미징 도구로 복사하십시오",
	"env.not-found": "%s: %s = %s (찾을 수 없음)",
	"env.not-dir":   "%s: %s = %s은(는) 폴더가 아닙니다",
	"env.not-file":  "%s: %s = %s은(는) 파일이 아닙니다",
	"env.pass":      "작업 순서에 암호화된 비밀 정보가 있습니다: 보안 페이지에서 암호 문구를 입력하십시오(또는 %s 설정)",
	"env.too-small": "미디어에 %s이(가) 필요하지만 %s의 크기는 %s입니다",
	"env.changed":   "미디어를 만드는 동안 %s이(가) 바뀌었습니다(%d바이트에서 %d바이트로). 아무것도 쓰지 않았습니다",

	"answers.vars":    "한 줄에 NAME=value 하나씩 입력하고 마지막에 빈 줄을 입력하십시오. -만 입력하면 변수가 없습니다. 첫 줄을 비우면 목록을 유지합니다.",
	"answers.write":   "지금 미디어를 쓸까요? 쓰려면 y, 취소하려면 n을 입력하십시오",
	"answers.phase":   "%s: %d%%",
	"answers.written": "미디어를 썼습니다: %s",
	"answers.cli":     "%s을(를) 썼습니다.\n다음에는 이 명령을 바로 실행할 수 있습니다:\n  %s",

	"plain.type.kind":        "",
	"plain.target.target":    "",
	"plain.target.overwrite": "새 파일이 완성될 때까지 이전 파일은 그대로 있습니다.",
	"plain.target.device":    "r을 입력하면 디스크를 다시 찾습니다. 시스템 디스크와 탑재된 디스크는 표시되지만 선택할 수 없습니다.",
	"plain.security.protect": "사용을 강력히 권장합니다. 작업 순서가 시작되기 전에 암호를 묻습니다.",
}

// MediaText returns a string of the media wizard's screens in the
// language l (for what the command prints after the screen closes).
func MediaText(l wizard.Lang, key string) string { return textsIn(l).mtx(key) }

func (t texts) mtx(key string) string {
	if s, ok := mediaText[t.lang][key]; ok {
		return s
	}
	if s, ok := mediaTextEN[key]; ok {
		return s
	}
	return t.tx(key)
}
