package mediawiz

import (
	"strings"
	"testing"
)

// Issue 15: the passphrase has its own Korean word (암호 문구), apart
// from the passwords (암호).
func TestKoreanPassphraseTerm(t *testing.T) {
	for k, en := range catalogEN {
		if strings.Contains(k, "passphrase") || strings.Contains(strings.ReplaceAll(en, "REFIMAGE_PASSPHRASE", ""), "passphrase") {
			if ko := catalogKO[k]; !strings.Contains(ko, "암호 문구") {
				t.Errorf("%s: %q does not say 암호 문구", k, ko)
			}
		}
	}
}
