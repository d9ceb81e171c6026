package interop

import (
	"bytes"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// Conditions in the forms an import gives back (see docs/interop.md: a
// nested all(…)/any(…) comes back infix, a root any(…) as "or").
var condPool = []string{
	`_SMSTSInWinPE == "false"`,
	`_SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI != "true"`,
	`X exists`, `Ring <= 3`, `Model like "HP*"`, `Model not like "*VM*"`, `not Ring == "1"`,
	`all(A == "1", B == "2")`, `all(A == "1")`, `none(A == "1", B exists)`,
	`A == "1" or B == "2" and C == "3"`, `(A == "1" or B == "2") and C == "3"`,
	`wmi("SELECT * FROM Win32_Battery")`, `wmi("SELECT * FROM MSFT_Disk", "root\Microsoft\Windows\Storage")`,
	`file("%windir%\explorer.exe") exists`, `file("C:\x.exe") not exists`, `file("C:\x.exe").version >= "10.0.19041.1"`,
	`file("C:\x.exe").date < "2024-01-31T09:30:00Z"`, `file("C:\a.dll").version > "1.2" and file("C:\a.dll").date <= "2024-02-01T00:00:00Z"`,
	`folder("C:\Drivers") exists`, `folder("C:\Drivers").date >= "2024-06-01T00:00:00Z"`,
	`registry("HKLM\SOFTWARE\Contoso", "Ring", REG_DWORD) exists`, `registry("HKEY_LOCAL_MACHINE\SOFTWARE\Contoso", "") == "installed"`,
	`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}", name: "7-Zip") installed`,
	`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0.4266.1001") installed`,
	`os.platform in ("Windows 10 x64", "Windows 11 x64")`,
	`wmi("SELECT * FROM Win32_Battery") or os.platform in ("Windows Server 2022")`,
}

var strPool = []string{"", "abc", `C:\Temp\x`, "%OSDisk%", `\\srv\share$\f.wim`, `odd "quotes" -- <xml> & 'single'`, "한국어", "line\nbreak"}

var enums = map[string][]string{
	"restart-computer.target": {"winpe", "installed-os"}, "install-software-updates.target": {"mandatory", "all"},
	"style": {"gpt", "mbr"}, "type": {"primary", "efi", "msr", "recovery", "extended", "logical", "hidden"},
	"size_unit": {"mb", "gb", "percent"}, "file_system": {"", "ntfs", "fat32"},
	"destination":  {"next-available", "disk-partition", "drive-letter", "variable"},
	"license_mode": {"none", "per-seat", "per-server"}, "join": {"workgroup", "domain"}, "compression": {"xpress", "lzx", "none"},
}

func randSecret(r *rand.Rand) secret.Value {
	s := []string{"", "env:ADMIN_PW", "prompt"}[r.Intn(3)]
	v, _ := secret.Parse(s)
	return v
}

func fill(r *rand.Rand, typ string, v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		key := f.Tag.Get("toml")
		if r.Intn(3) == 0 {
			continue // keep the default
		}
		switch {
		case f.Type == secretType:
			sv := randSecret(r)
			if f.Tag.Get("secret") == "productkey" && sv.IsSet() {
				sv = sv.AsProductKey()
			}
			fv.Set(reflect.ValueOf(sv))
		case f.Type.Kind() == reflect.String:
			if e, ok := enums[typ+"."+key]; ok {
				fv.SetString(e[r.Intn(len(e))])
			} else if e, ok := enums[key]; ok {
				fv.SetString(e[r.Intn(len(e))])
			} else {
				fv.SetString(strPool[r.Intn(len(strPool))])
			}
		case f.Type.Kind() == reflect.Int:
			fv.SetInt(int64(r.Intn(200)))
		case f.Type.Kind() == reflect.Bool:
			fv.SetBool(r.Intn(2) == 0)
		case f.Type == reflect.TypeOf([]string(nil)):
			var l []string
			for j := r.Intn(3); j > 0; j-- {
				l = append(l, fmt.Sprintf("cat-%d", r.Intn(9)))
			}
			fv.Set(reflect.ValueOf(l))
		case f.Type == reflect.TypeOf([]int(nil)):
			fv.Set(reflect.ValueOf([]int{0, r.Intn(5000)}))
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			n := r.Intn(4)
			out := reflect.MakeSlice(f.Type, n, n)
			for j := 0; j < n; j++ {
				ev := out.Index(j)
				if d, ok := ev.Addr().Interface().(interface{ Defaults() }); ok {
					d.Defaults()
				}
				fill(r, typ, ev)
			}
			fv.Set(out)
		}
	}
}

func genItems(r *rand.Rand, depth int, types []*sequence.StepInfo) []*sequence.Item {
	var out []*sequence.Item
	for i := r.Intn(5) + 1; i > 0; i-- {
		var it *sequence.Item
		if depth < 3 && r.Intn(4) == 0 {
			it = sequence.NewGroup(fmt.Sprintf("Group %d", r.Intn(100)))
			it.Steps = genItems(r, depth+1, types)
		} else {
			si := types[r.Intn(len(types))]
			it = sequence.NewStep(si.Type)
			it.RunIn = si.RunIn[r.Intn(len(si.RunIn))]
			it.RetryCount = r.Intn(6)
			it.Timeout = time.Duration(r.Intn(3)) * 90 * time.Second
			if r.Intn(3) == 0 {
				it.SuccessCodes = []int{0, 1, 3010 + r.Intn(3)}
			}
			fill(r, si.Type, reflect.ValueOf(it.Props).Elem())
		}
		it.Name = fmt.Sprintf("%s %d", it.Name, r.Intn(1000))
		if r.Intn(2) == 0 {
			it.Description = strPool[r.Intn(len(strPool))]
		}
		it.Disabled = r.Intn(4) == 0
		it.ContinueOnError = r.Intn(4) == 0
		if r.Intn(2) == 0 {
			e, err := condition.Parse(condPool[r.Intn(len(condPool))])
			if err != nil {
				panic(err)
			}
			it.Condition = condition.Format(e)
		}
		out = append(out, it)
	}
	return out
}

// TOML → XML → TOML is the identity for generated sequences, in both
// formats, with and without a package map.
func TestGeneratedSequencesRoundTrip(t *testing.T) {
	pm, err := ParsePackageMap("map.toml", []byte(`PS100001 = 'C:\Temp\x'
PS100002 = '\\srv\share$\f.wim'`))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(17))
	types := sequence.StepTypes()
	for i := 0; i < 300; i++ {
		seq := &sequence.Sequence{Version: sequence.FormatVersion, Name: fmt.Sprintf("Generated %d", i), Kind: []string{"custom", "build-and-capture"}[r.Intn(2)]}
		if r.Intn(2) == 0 {
			seq.Description = strPool[r.Intn(len(strPool))]
			seq.BootImage = sequence.BootImage{Path: `\\srv\boot$\boot.wim`, Arch: "x64"}
		}
		for j := r.Intn(4); j > 0; j-- {
			seq.Variables = append(seq.Variables, sequence.Variable{Name: fmt.Sprintf("Var%d", j), Value: strPool[r.Intn(len(strPool))]})
		}
		seq.Steps = genItems(r, 0, types)
		want := marshal(t, seq)
		// Through the TOML first, as a file would be.
		seq, probs := sequence.Decode("gen.toml", want)
		if seq == nil {
			t.Fatalf("generated TOML does not load: %v\n%s", probs, want)
		}
		for _, format := range []string{FormatConfigMgr, FormatMDT} {
			for _, m := range []*PackageMap{nil, pm} {
				x, _, err := Export(seq, ExportOptions{Format: format, Packages: m})
				if err != nil {
					t.Fatalf("sequence %d: export: %v\n%s", i, err, want)
				}
				back, rep, err := Import("gen.xml", x, ImportOptions{Packages: m})
				if err != nil {
					t.Fatalf("sequence %d: import: %v\n%s", i, err, x)
				}
				if len(rep.Foreign) > 0 {
					t.Fatalf("sequence %d (%s): steps came back foreign: %v\n%s", i, format, rep.Foreign, x)
				}
				if got := marshal(t, back); !bytes.Equal(got, want) {
					t.Fatalf("sequence %d (%s, map %v): round trip differs:\n%s\n--- xml\n%s", i, format, m != nil, lineDiff(string(want), string(got)), x)
				}
			}
		}
	}
}

func lineDiff(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := 0; i < len(al) && i < len(bl); i++ {
		if !bytes.Equal(al[i], bl[i]) {
			return fmt.Sprintf("line %d:\nwant %s\n got %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}

func newRand() *rand.Rand { return rand.New(rand.NewSource(1)) }

func reflectValue(p sequence.Props) reflect.Value { return reflect.ValueOf(p).Elem() }
