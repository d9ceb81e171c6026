package drivers

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf16"
)

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xFF, 0xFE}
	}
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// Sample driver packages. They are made up but shaped like real ones.

const nicINF = `; Intel(R) Ethernet sample
[Version]
Signature   = "$WINDOWS NT$"
Class       = Net
ClassGUID   = {4d36e972-e325-11ce-bfc1-08002be10318}
Provider    = %Intel%
CatalogFile = e1d.cat
DriverVer   = 05/01/2023,12.19.1.37

[Manufacturer]
%Intel% = Intel, NTamd64.10.0...16299, NTarm64

[Intel.NTamd64.10.0...16299]
; DisplayName               Section   DeviceID
%E15BBNC.DeviceDesc%  = E15BB.10.0.1, PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028, PCI\VEN_8086&DEV_15BB
%E15D7NC.DeviceDesc%  = E15D7.10.0.1, PCI\VEN_8086&DEV_15D7

[Intel.NTarm64]
%E15BBNC.DeviceDesc%  = E15BB.arm, PCI\VEN_8086&DEV_15BB

[E15BB.10.0.1]
FeatureScore = 0xFE
Characteristics = 0x84

[Strings]
Intel = "Intel"
E15BBNC.DeviceDesc = "Intel(R) Ethernet Connection (""I219-LM"")"
E15D7NC.DeviceDesc = "Intel(R) Ethernet Connection I219-V"
`

const storINF = `[Version]
Signature="$Windows NT$"
Class=SCSIAdapter
ClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}
Provider=%VEN%
CatalogFile.NTamd64=iastor.cat
DriverVer=%DATE%,%VERSION%

[Manufacturer]
%VEN%=Storage,NTamd64

[Storage.NTamd64]
%Ctrl% = iaStor_Inst, \
    PCI\VEN_8086&DEV_A0D3&CC_0106, \ ; the RST controller
    PCI\CC_0106

[Strings]
VEN="Example Storage ; not a comment"
Ctrl="RAID/AHCI controller 100%% sure"
DATE=03/15/2022
VERSION=18.1.0.1006
`

const storNewINF = `[Version]
Signature="$Windows NT$"
Class=SCSIAdapter
ClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}
Provider="Example Storage"
CatalogFile=iastor.cat
DriverVer=11/02/2023,19.5.0.1037

[Manufacturer]
"Example Storage"=Storage,NTamd64

[Storage.NTamd64]
"RAID/AHCI controller" = iaStor_Inst, PCI\VEN_8086&DEV_A0D3&CC_0106, PCI\CC_0106
`

const videoINF = `[Version]
Signature   = "$Windows NT$"
Provider    = %Vendor%
ClassGUID   = {4D36E968-E325-11CE-BFC1-08002BE10318}
Class       = Display
CatalogFile = video.cat
DriverVer   = 01/10/2024,31.0.101.5186

[Manufacturer]
%Vendor% = Gfx, NTamd64, NTamd64.10.0...17763, NTamd64.10.0...22000, NTamd64.10.0.3, NTx86, NTarm64

[Gfx.NTamd64]
%Legacy% = Old_Install, PCI\VEN_8086&DEV_9A49
[Gfx.NTamd64.10.0...17763]
%Iris% = Iris_1809, PCI\VEN_8086&DEV_9A49
[Gfx.NTamd64.10.0...22000]
%Iris% = Iris_W11, PCI\VEN_8086&DEV_9A49
[Gfx.NTamd64.10.0.3]
%Iris% = Iris_Server, PCI\VEN_8086&DEV_9A49
[Gfx.NTx86]
%Iris% = Iris_x86, PCI\VEN_8086&DEV_9A49
[Gfx.NTarm64]
%Iris% = Iris_arm, PCI\VEN_8086&DEV_9A49

[Strings]
Vendor = "Example Graphics"
Iris   = "Iris(R) Xe Graphics"
Legacy = "Legacy graphics"
`

// basicINF is a generic class driver matched by compatible ID only.
const basicINF = `[Version]
Signature="$Windows NT$"
Class=Display
ClassGuid={4d36e968-e325-11ce-bfc1-08002be10318}
Provider=Microsoft
CatalogFile=basic.cat
DriverVer=06/21/2006,10.0.22621.1

[Manufacturer]
Generic=Basic,NTamd64

[Basic.NTamd64]
"Basic Display Adapter" = Basic_Inst, , PCI\CC_0300, PCI\CC_0380
`

// unsignedINF names no catalog.
const unsignedINF = `[Version]
Class=Net
Provider=Tinkerer
DriverVer=12/24/2024,1.0.0.0
[Manufacturer]
Tinkerer=T,NTamd64
[T.NTamd64]
"Home-made NIC" = Inst, PCI\VEN_8086&DEV_15D7
`

func sampleFS() fstest.MapFS {
	return fstest.MapFS{
		"nic/e1d.inf":              {Data: utf16le(crlf(nicINF), true)},
		"nic/e1d.cat":              {Data: []byte("cat")},
		"storage/old/iaStorAC.inf": {Data: append([]byte{0xEF, 0xBB, 0xBF}, crlf(storINF)...)},
		"storage/new/iaStorAC.INF": {Data: []byte(storNewINF)},
		"video/iigd.inf":           {Data: []byte(videoINF)},
		"basic/display.inf":        {Data: utf16le(basicINF, false)},
		"tinker/nic.inf":           {Data: []byte(unsignedINF)},
		"broken/bad.inf":           {Data: []byte("[Version\nClass=Net\n")},
		"readme.txt":               {Data: []byte("not an INF")},
	}
}

const deviceList = `# refimage device list: HardwareIDs|CompatibleIDs|Description
PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028&REV_10,PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028,PCI\VEN_8086&DEV_15BB&CC_020000,PCI\VEN_8086&DEV_15BB|PCI\VEN_8086&CC_020000,PCI\VEN_8086&CC_0200,PCI\VEN_8086,PCI\CC_020000,PCI\CC_0200|Ethernet Controller

PCI\VEN_8086&DEV_A0D3&SUBSYS_0A1F1028&REV_20,PCI\VEN_8086&DEV_A0D3&CC_0106|PCI\VEN_8086&CC_0106,PCI\CC_0106|SATA controller
PCI\VEN_8086&DEV_9A49&SUBSYS_0A1F1028&REV_01 , PCI\VEN_8086&DEV_9A49 | PCI\CC_0300 | Video Controller
PCI\VEN_1234&DEV_1111|PCI\CC_0300|Unknown VGA
USB\VID_0BDA&PID_5411||USB hub without a driver
`

func load(t *testing.T) *Store {
	t.Helper()
	s, errs := LoadFS(sampleFS(), ".")
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "broken/bad.inf") {
		t.Fatalf("errors %v, want one for broken/bad.inf", errs)
	}
	if len(s.INFs) != 6 {
		t.Fatalf("%d INFs loaded, want 6", len(s.INFs))
	}
	return s
}

func devices(t *testing.T) []Device {
	t.Helper()
	d, err := ParseDeviceList([]byte(deviceList))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseINF(t *testing.T) {
	f, err := ParseINF("nic/e1d.inf", utf16le(crlf(nicINF), true))
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != "Net" || f.ClassGUID != "{4D36E972-E325-11CE-BFC1-08002BE10318}" || f.Provider != "Intel" ||
		f.CatalogFile != "e1d.cat" || f.Version != "12.19.1.37" || !f.DriverDate.Equal(time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("version section: %+v", f)
	}
	if len(f.Manufacturers) != 1 || f.Manufacturers[0].Name != "Intel" || f.Manufacturers[0].Section != "Intel" ||
		fmt.Sprint(f.Manufacturers[0].Decorations) != "[NTamd64.10.0...16299 NTarm64]" {
		t.Errorf("manufacturers %+v", f.Manufacturers)
	}
	ds := f.Drivers("nic", Target{Arch: "amd64"})
	if len(ds) != 2 || ds[0].Description != `Intel(R) Ethernet Connection ("I219-LM")` || ds[0].HardwareID != `PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028` ||
		fmt.Sprint(ds[0].CompatibleIDs) != `[PCI\VEN_8086&DEV_15BB]` || ds[0].FeatureScore != 0xFE || ds[1].FeatureScore != 0xFF {
		t.Errorf("drivers %+v %+v", ds[0], ds[1])
	}
	if v, _ := f.String("intel"); v != "Intel" {
		t.Errorf("strings are case-insensitive: %q", v)
	}

	// continuation, comments after a continuation, ; inside quotes, %%
	g, err := ParseINF("stor.inf", []byte(storINF))
	if err != nil {
		t.Fatal(err)
	}
	if g.Provider != "Example Storage ; not a comment" || g.CatalogFile != "iastor.cat" || g.Version != "18.1.0.1006" ||
		g.DriverDate.Year() != 2022 {
		t.Errorf("%+v", g)
	}
	sd := g.Drivers("s", Target{Arch: "x64"})
	if len(sd) != 1 || sd[0].Description != "RAID/AHCI controller 100% sure" || sd[0].HardwareID != `PCI\VEN_8086&DEV_A0D3&CC_0106` ||
		fmt.Sprint(sd[0].CompatibleIDs) != `[PCI\CC_0106]` {
		t.Errorf("continued entry: %+v", sd)
	}
	// UTF-16LE without a BOM, and an empty hardware ID with compatible IDs
	b, err := ParseINF("basic.inf", utf16le(basicINF, false))
	if err != nil {
		t.Fatal(err)
	}
	bd := b.Drivers("b", Target{Arch: "amd64"})
	if len(bd) != 1 || bd[0].HardwareID != "" || fmt.Sprint(bd[0].CompatibleIDs) != `[PCI\CC_0300 PCI\CC_0380]` {
		t.Errorf("basic: %+v", bd)
	}
	if got := b.Drivers("b", Target{Arch: "arm64"}); len(got) != 0 {
		t.Errorf("an NTamd64-only INF gave arm64 drivers: %v", got)
	}
}

func TestSplitEntry(t *testing.T) {
	cases := map[string]string{
		`a = b, c`:                    `a|[b c]`,
		`"x = y" = "1, 2", 3`:         `x = y|[1, 2 3]`,
		`"say ""hi""" = v`:            `say "hi"|[v]`,
		`value only, two`:             `|[value only two]`,
		`k =`:                         `k|[]`,
		`k = a=b`:                     `k|[a=b]`,
		`k = "  padded  "`:            `k|[  padded  ]`,
		`HKR,,"EnableDHCP",0x10001,1`: `|[HKR  EnableDHCP 0x10001 1]`,
	}
	for in, want := range cases {
		e := splitEntry(in, 1)
		if got := e.key + "|" + fmt.Sprint(e.values); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

func TestModelsSection(t *testing.T) {
	f, err := ParseINF("video.inf", []byte(videoINF))
	if err != nil {
		t.Fatal(err)
	}
	m := f.Manufacturers[0]
	cases := []struct {
		t    Target
		want string
	}{
		{Target{Arch: "amd64"}, "Gfx.NTamd64.10.0...22000"},                        // newest
		{Target{Arch: "amd64", Version: "10.0.22631"}, "Gfx.NTamd64.10.0...22000"}, // Windows 11 23H2
		{Target{Arch: "amd64", Version: "10.0.19045"}, "Gfx.NTamd64.10.0...17763"}, // Windows 10 22H2
		{Target{Arch: "amd64", Version: "10.0.14393"}, "Gfx.NTamd64.10.0.3"},       // 1607, type unknown
		{Target{Arch: "amd64", Version: "10.0.14393", ProductType: 1}, "Gfx.NTamd64"},
		{Target{Arch: "amd64", Version: "6.1.7601"}, "Gfx.NTamd64"},
		{Target{Arch: "x86"}, "Gfx.NTx86"},
		{Target{Arch: "arm64"}, "Gfx.NTarm64"},
	}
	for _, c := range cases {
		got, ok := m.ModelsSection(c.t)
		if !ok || got != c.want {
			t.Errorf("%+v: %q %v, want %q", c.t, got, ok, c.want)
		}
		ds := f.Drivers("video", c.t)
		if len(ds) != 1 || ds[0].ModelsSection != c.want {
			t.Errorf("%+v: drivers %v", c.t, ds)
		}
	}
	// undecorated models sections are x86 only
	plain := Manufacturer{Name: "P", Section: "P"}
	if s, ok := plain.ModelsSection(Target{Arch: "x86"}); !ok || s != "P" {
		t.Errorf("x86 undecorated: %q %v", s, ok)
	}
	if _, ok := plain.ModelsSection(Target{Arch: "amd64"}); ok {
		t.Error("an undecorated models section applied to amd64")
	}
	nt := Manufacturer{Name: "P", Section: "P", Decorations: []string{"NT", "NTamd64.6.1"}}
	if s, _ := nt.ModelsSection(Target{Arch: "x86"}); s != "P.NT" {
		t.Errorf("NT decoration on x86: %q", s)
	}
	if s, _ := nt.ModelsSection(Target{Arch: "amd64", Version: "10.0"}); s != "P.NTamd64.6.1" {
		t.Errorf("NTamd64.6.1 on 10.0: %q", s)
	}
	for _, bad := range []string{"Win2000", "NTmips", "NTamd64.x", "NTamd64.10.0.1.0x.5"} {
		if _, ok := parseDecoration(bad); ok {
			t.Errorf("decoration %q accepted", bad)
		}
	}
}

func TestBestMatch(t *testing.T) {
	s := load(t)
	r, err := s.Match(devices(t), Options{Target: Target{Arch: "amd64", Version: "10.0.22631"}, BestMatch: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range r.Matches {
		got[m.Device.Name()] = m.Driver.INF.Path + " " + m.Kind.String() + " " + m.DeviceID
	}
	want := map[string]string{
		// the 2nd device hardware ID is the INF's hardware ID
		"Ethernet Controller": `nic/e1d.inf hardware ID match PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028`,
		// same rank in both storage INFs: the newer DriverVer wins
		"SATA controller": `storage/new/iaStorAC.INF hardware ID match PCI\VEN_8086&DEV_A0D3&CC_0106`,
		// the vendor driver beats the compatible-ID basic driver
		"Video Controller": `video/iigd.inf hardware ID match PCI\VEN_8086&DEV_9A49`,
		// only the basic driver fits: compatible ID to INF compatible ID
		"Unknown VGA": `basic/display.inf compatible ID match PCI\CC_0300`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("matches\n got %v\nwant %v", got, want)
	}
	if len(r.Unmatched) != 1 || r.Unmatched[0].Description != "USB hub without a driver" {
		t.Errorf("unmatched %v", r.Unmatched)
	}
	var dirs []string
	for _, p := range r.Packages {
		dirs = append(dirs, p.Dir)
	}
	if fmt.Sprint(dirs) != "[basic nic storage/new video]" {
		t.Errorf("packages %v", dirs)
	}
	for _, m := range r.Matches {
		if m.Device.Name() == "Ethernet Controller" {
			if m.Rank != 0x00FE0001 {
				t.Errorf("NIC rank 0x%08X, want 0x00FE0001 (signed, feature 0xFE, 2nd hardware ID)", m.Rank)
			}
			want := `Ethernet Controller: PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028 (2nd hardware ID) — hardware ID match of "Intel(R) Ethernet Connection (\"I219-LM\")" in nic/e1d.inf [Intel.NTamd64.10.0...16299], class Net, DriverVer 2023-05-01 12.19.1.37, rank 0x00FE0001`
			if m.Reason != want {
				t.Errorf("reason\n got %s\nwant %s", m.Reason, want)
			}
		}
	}
}

func TestAllCompatible(t *testing.T) {
	s := load(t)
	r, err := s.Match(devices(t), Options{Target: Target{Arch: "amd64"}, BestMatch: false})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string][]string{}
	for _, m := range r.Matches {
		per[m.Device.Name()] = append(per[m.Device.Name()], m.Driver.INF.Path)
	}
	want := map[string][]string{
		"Ethernet Controller": {"nic/e1d.inf"},
		"SATA controller":     {"storage/new/iaStorAC.INF", "storage/old/iaStorAC.inf"},
		"Video Controller":    {"video/iigd.inf", "basic/display.inf"},
		"Unknown VGA":         {"basic/display.inf"},
	}
	if fmt.Sprint(per) != fmt.Sprint(want) {
		t.Errorf("\n got %v\nwant %v", per, want)
	}
	if len(r.Packages) != 5 {
		t.Errorf("packages %v", r.Packages)
	}
}

func TestCategoriesAndSigning(t *testing.T) {
	s := load(t)
	devs := devices(t)
	r, err := s.Match(devs, Options{Target: Target{Arch: "amd64"}, BestMatch: true, Categories: []string{"net", "{4d36e97b-e325-11ce-bfc1-08002be10318}"}})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, p := range r.Packages {
		dirs = append(dirs, p.Dir)
	}
	if fmt.Sprint(dirs) != "[nic storage/new]" {
		t.Errorf("Net + storage GUID: %v", dirs)
	}
	if len(r.Excluded) != 2 || !strings.Contains(strings.Join(r.Excluded, "\n"), "video/iigd.inf: class Display is not among the selected categories") {
		t.Errorf("excluded %v", r.Excluded)
	}

	// The unsigned NIC INF matches the second NIC's ID; signed drivers
	// rank first, and ExcludeUnsigned leaves it out.
	i219v := []Device{{HardwareIDs: []string{`PCI\VEN_8086&DEV_15D7&SUBSYS_00001028`, `PCI\VEN_8086&DEV_15D7`}}}
	r, _ = s.Match(i219v, Options{Target: Target{Arch: "amd64"}, BestMatch: false})
	if len(r.Matches) != 2 || r.Matches[0].Driver.INF.Path != "nic/e1d.inf" || r.Matches[1].Rank>>24 != 0xFF {
		t.Errorf("unsigned ranking: %+v", r.Matches)
	}
	r, _ = s.Match(i219v, Options{Target: Target{Arch: "amd64"}, BestMatch: false, ExcludeUnsigned: true})
	if len(r.Matches) != 1 || len(r.Excluded) != 1 || !strings.Contains(r.Excluded[0], "unsigned") {
		t.Errorf("exclude unsigned: %+v %v", r.Matches, r.Excluded)
	}
	if _, err := s.Match(devs, Options{Target: Target{Arch: "sparc"}}); err == nil {
		t.Error("unknown architecture accepted")
	}
}

func TestArchitectures(t *testing.T) {
	s := load(t)
	nic := []Device{{HardwareIDs: []string{`PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028`, `PCI\VEN_8086&DEV_15BB`}}}
	r, _ := s.Match(nic, Options{Target: Target{Arch: "arm64"}, BestMatch: true})
	if len(r.Matches) != 1 || r.Matches[0].Driver.InstallSection != "E15BB.arm" || r.Matches[0].DeviceID != `PCI\VEN_8086&DEV_15BB` {
		t.Errorf("arm64: %+v", r.Matches)
	}
	r, _ = s.Match(nic, Options{Target: Target{Arch: "x86"}, BestMatch: true})
	if len(r.Matches) != 0 {
		t.Errorf("x86 has no NIC driver: %+v", r.Matches)
	}
	// Windows 10 1607 is older than the NIC's NTamd64.10.0...16299
	r, _ = s.Match(nic, Options{Target: Target{Arch: "amd64", Version: "10.0.14393"}, BestMatch: true})
	if len(r.Matches) != 0 {
		t.Errorf("1607: %+v", r.Matches)
	}
}

func TestDeviceList(t *testing.T) {
	ds := devices(t)
	if len(ds) != 5 {
		t.Fatalf("%d devices", len(ds))
	}
	if ds[2].Line != 5 || fmt.Sprint(ds[2].HardwareIDs) != `[PCI\VEN_8086&DEV_9A49&SUBSYS_0A1F1028&REV_01 PCI\VEN_8086&DEV_9A49]` ||
		fmt.Sprint(ds[2].CompatibleIDs) != `[PCI\CC_0300]` || ds[2].Description != "Video Controller" {
		t.Errorf("%+v", ds[2])
	}
	if len(ds[4].CompatibleIDs) != 0 || ds[4].Name() != "USB hub without a driver" {
		t.Errorf("%+v", ds[4])
	}
	got, err := ParseDeviceList(utf16le("A\\1|B\\2\r\n||\r\n# c\r\nC\\3", true))
	if err == nil || !strings.Contains(err.Error(), "line 2") || len(got) != 2 || got[1].HardwareIDs[0] != `C\3` {
		t.Errorf("%v %v", got, err)
	}
	if d := (Device{CompatibleIDs: []string{"X"}}); d.Name() != "X" {
		t.Error(d.Name())
	}
}

func TestHostileINF(t *testing.T) {
	cases := map[string][]byte{
		"nul":          []byte("[Version]\x00\x01"),
		"open section": []byte("[Version\n"),
		"huge":         make([]byte, MaxINFSize+1),
	}
	for name, data := range cases {
		if _, err := ParseINF(name, data); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	// a bomb: every value expands a 60 KB string
	bomb := "[Strings]\nbig=\"" + strings.Repeat("x", 60000) + "\"\n[Version]\nProvider=" + strings.Repeat("%big%,", 10000) + "\n"
	if _, err := ParseINF("bomb.inf", []byte(bomb)); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("string bomb: %v", err)
	}
	// self-referencing strings are not expanded recursively
	f, err := ParseINF("loop.inf", []byte("[Strings]\na=%a%%a%\n[Version]\nProvider=%a%\n"))
	if err != nil || f.Provider != "%a%a%" {
		t.Errorf("%q %v", f.Provider, err)
	}
	// bad DriverVer is tolerated (no date)
	f, err = ParseINF("d.inf", []byte("[Version]\nDriverVer=13/45/2020,1.2\n"))
	if err != nil || !f.DriverDate.IsZero() || f.Version != "1.2" {
		t.Errorf("%+v %v", f, err)
	}
}

func FuzzParseINF(f *testing.F) {
	for _, s := range []string{nicINF, storINF, storNewINF, videoINF, basicINF, unsignedINF} {
		f.Add([]byte(s))
	}
	f.Add(utf16le(nicINF, true))
	f.Add([]byte("[a]\n\"\\\n;\"x\n%%%a%"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inf, err := ParseINF("f.inf", data)
		if err != nil {
			return
		}
		var s Store
		s.Add(inf, "p")
		for _, arch := range []string{"amd64", "x86", "arm64"} {
			for _, d := range inf.Drivers("p", Target{Arch: arch, Version: "10.0.19045"}) {
				if d.HardwareID == "" && len(d.CompatibleIDs) == 0 {
					t.Fatal("a driver without IDs")
				}
				dev := Device{HardwareIDs: []string{d.HardwareID + "x", d.HardwareID}, CompatibleIDs: d.CompatibleIDs}
				if _, err := s.Match([]Device{dev}, Options{Target: Target{Arch: arch}, BestMatch: true}); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func TestDISM(t *testing.T) {
	a, err := DISMAddDriver(`W:\`, `C:\_SMSTaskSequence\Drivers\nic`, true, false, `X:\Windows\Temp\dism.log`, "/Foo  /Bar")
	if err != nil || strings.Join(a, " ") != `/Image:W:\ /Add-Driver /Driver:C:\_SMSTaskSequence\Drivers\nic /Recurse /LogPath:X:\Windows\Temp\dism.log /Foo /Bar` {
		t.Errorf("%q %v", a, err)
	}
	a, _ = DISMAddDriver(`W:\`, `D:\d`, false, true, "", "")
	if strings.Join(a, " ") != `/Image:W:\ /Add-Driver /Driver:D:\d /ForceUnsigned` {
		t.Errorf("%q", a)
	}
	if _, err := DISMAddDriver(`W:\`, `D:\"x`, false, false, "", ""); err == nil {
		t.Error("quote accepted")
	}
	if _, err := DISMAddDriver("", `D:\d`, false, false, "", ""); err == nil {
		t.Error("no image accepted")
	}
	a, _ = DISMApplyUnattend(`W:\`, `W:\_SMSTaskSequence\drivers.xml`, "")
	if strings.Join(a, " ") != `/Image:W:\ /Apply-Unattend:W:\_SMSTaskSequence\drivers.xml` {
		t.Errorf("%q", a)
	}
}

func FuzzParseDeviceList(f *testing.F) {
	f.Add([]byte(deviceList))
	f.Add(utf16le("A|B|C\n||\n", true))
	f.Fuzz(func(t *testing.T, data []byte) {
		devs, _ := ParseDeviceList(data)
		for _, d := range devs {
			if len(d.HardwareIDs)+len(d.CompatibleIDs) == 0 {
				t.Fatal("a device without IDs")
			}
			for _, id := range append(d.HardwareIDs, d.CompatibleIDs...) {
				if id == "" || strings.ContainsAny(id, ",|") || strings.TrimSpace(id) != id {
					t.Fatalf("bad ID %q", id)
				}
			}
		}
	})
}

var update = flag.Bool("update", false, "rewrite the golden files")

func TestSummaryGolden(t *testing.T) {
	s := load(t)
	var b strings.Builder
	for _, c := range []struct {
		title string
		opt   Options
	}{
		{"best match, amd64, Windows 11 23H2", Options{Target: Target{Arch: "amd64", Version: "10.0.22631"}, BestMatch: true}},
		{"all compatible, amd64", Options{Target: Target{Arch: "amd64"}}},
		{"best match, Net and SCSIAdapter only", Options{Target: Target{Arch: "x64"}, BestMatch: true, Categories: []string{"Net", "SCSIAdapter"}}},
		{"best match, arm64", Options{Target: Target{Arch: "arm64"}, BestMatch: true}},
	} {
		r, err := s.Match(devices(t), c.opt)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s\n%s\n", c.title, r.Summary())
	}
	path := filepath.Join("testdata", "summary.txt")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != b.String() {
		t.Errorf("summary differs from the golden file:\n--- got\n%s\n--- want\n%s", b.String(), want)
	}
	var empty Result
	if empty.Summary() != "No driver package matches the devices.\n" {
		t.Error(empty.Summary())
	}
}
