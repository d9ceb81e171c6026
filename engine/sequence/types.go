package sequence

import (
	"time"

	"github.com/refimage/refimage/engine/sequence/secret"
)

// FormatVersion is the version of the file format this package reads and
// writes.
const FormatVersion = 1

// Kind of task sequence, as chosen on the wizard's first page.
const (
	KindBuildAndCapture = "build-and-capture"
	KindCustom          = "custom"
)

// Boot image architectures.
const (
	ArchX86   = "x86"
	ArchX64   = "x64"
	ArchARM64 = "arm64"
)

// Where a step may run (ConfigMgr's SupportedEnvironment / runIn).
const (
	RunInWinPE  = "winpe"
	RunInFullOS = "full-os"
	RunInAny    = "any"
)

// GroupType is the type of a group item.
const GroupType = "group"

// Sequence is a task sequence file.
type Sequence struct {
	Version     int       `toml:"version"`
	Name        string    `toml:"name"`
	Description string    `toml:"description"`
	Kind        string    `toml:"kind"`
	BootImage   BootImage `toml:"boot_image"`
	// Variables are the sequence (and media) variables, in file order.
	Variables []Variable `toml:"-"`
	Steps     []*Item    `toml:"-"`

	file string    // the file it was loaded from
	ix   *posIndex // key positions in that file
}

// File is the file the sequence was loaded from, if any.
func (s *Sequence) File() string { return s.file }

// PosOf returns the position of a key path in the file the sequence was
// loaded from (zero if unknown).
func (s *Sequence) PosOf(path string) Pos { return s.ix.key(path) }

// BootImage is the WinPE boot image the sequence restarts into and media
// are made from.
type BootImage struct {
	Path string `toml:"path"`
	Arch string `toml:"arch"`
}

// Variable is a sequence variable.
type Variable struct {
	Name  string
	Value string
}

// Item is a group or a step. Groups have Type "group" and Steps; steps
// have their type's Props.
type Item struct {
	Type            string
	Name            string
	Description     string
	Disabled        bool
	ContinueOnError bool
	// Condition is the condition's text (docs/conditions.md); empty means
	// always.
	Condition string

	// Steps only.
	RunIn        string
	SuccessCodes []int
	Timeout      time.Duration
	RetryCount   int
	Props        Props

	// Groups only.
	Steps []*Item

	// Pos is where the item starts in the file it was loaded from.
	Pos Pos
}

// IsGroup reports whether the item is a group.
func (it *Item) IsGroup() bool { return it.Type == GroupType }

// Pos is a position in a file; Line and Col start at 1. The zero Pos means
// unknown.
type Pos struct {
	Line, Col int
}

// Props are a step type's own properties. Each step type has its own
// struct; see steptypes.go.
type Props interface {
	StepType() string
}

// DefaultSuccessCodes are ConfigMgr's default success codes.
var DefaultSuccessCodes = []int{0, 3010}

// Walk calls fn for every item in execution order (depth first); parents
// are the enclosing groups, outermost first. Returning false from fn skips
// a group's children.
func (s *Sequence) Walk(fn func(it *Item, parents []*Item) bool) {
	var walk func(items []*Item, parents []*Item)
	walk = func(items []*Item, parents []*Item) {
		for _, it := range items {
			if fn(it, parents) && it.IsGroup() {
				walk(it.Steps, append(parents[:len(parents):len(parents)], it))
			}
		}
	}
	walk(s.Steps, nil)
}

// secretField is implemented by props that hold secrets, for masking
// checks and sealing.
type secretHolder interface {
	Secrets() []*secret.Value
}
