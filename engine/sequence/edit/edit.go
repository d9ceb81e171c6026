// Package edit is the task sequence editor as pure state: a selection in
// the tree of groups and steps, every tree operation of Configuration
// Manager's task sequence editor (add, remove, move up and down, move into
// and out of a group, copy and paste of items and conditions), property
// edits as commands, and undo and redo. It draws nothing; tui/editor_*.go
// is its screen.
//
// Every change goes through one method that records the state before it,
// so undo and redo restore whole snapshots of the tree. Snapshots are deep
// copies: a sequence is a few dozen small items, and the stack is bounded
// (MaxUndo), so memory stays small whatever the user does.
package edit

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// Path locates an item: the index in the top-level list, then in each
// group down to the item. The empty path is the root (the sequence).
type Path []int

// Equal reports whether two paths are the same.
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// Parent is the path of the enclosing group (the root for a top-level
// item).
func (p Path) Parent() Path {
	if len(p) == 0 {
		return nil
	}
	return p[: len(p)-1 : len(p)-1]
}

// Index is the item's index in its list.
func (p Path) Index() int {
	if len(p) == 0 {
		return -1
	}
	return p[len(p)-1]
}

// Key is the key path of the item as sequence.Validate writes it, e.g.
// steps[0].steps[3].
func (p Path) Key() string {
	var b strings.Builder
	for i, n := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprintf(&b, "steps[%d]", n)
	}
	return b.String()
}

func (p Path) with(i int) Path {
	out := make(Path, len(p)+1)
	copy(out, p)
	out[len(p)] = i
	return out
}

func (p Path) clone() Path { return append(Path(nil), p...) }

// ParseKey splits a problem's key path (steps[0].steps[3].product_key)
// into the path of the item it is about and the rest (product_key). A key
// that is not about an item (name, boot_image.path) gives a nil path.
func ParseKey(key string) (Path, string) {
	var p Path
	rest := key
	for strings.HasPrefix(rest, "steps[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		n, err := strconv.Atoi(rest[len("steps["):end])
		if err != nil {
			break
		}
		p = append(p, n)
		rest = strings.TrimPrefix(rest[end+1:], ".")
	}
	return p, rest
}

// Where says where an added or pasted item goes, relative to the
// selection.
type Where int

const (
	After  Where = iota // after the selected item, in the same list
	Before              // before the selected item
	Under               // inside the selected group, at its end
)

// Errors of the tree operations; the editor shows them as they are.
var (
	ErrNoSelection = errors.New("nothing is selected")
	ErrNotGroup    = errors.New("the selection is not a group")
	ErrAtTop       = errors.New("already at the top")
	ErrAtBottom    = errors.New("already at the bottom")
	ErrNoGroupUp   = errors.New("there is no group just above to move into")
	ErrNotInGroup  = errors.New("the item is not in a group")
	ErrEmptyClip   = errors.New("nothing has been copied")
	ErrNoUndo      = errors.New("nothing to undo")
	ErrNoRedo      = errors.New("nothing to redo")
	ErrNoCondition = errors.New("the item has no condition to copy")
	ErrUnknownType = errors.New("unknown step type")
)

// MaxUndo is how many changes can be undone.
const MaxUndo = 200

// Editor is an editing session over a sequence.
type Editor struct {
	seq *sequence.Sequence
	sel Path

	undo, redo []snapshot
	lastKey    string // the coalescing key of the last Edit
	state      int    // id of the current state
	nextState  int
	savedState int

	clip *Clip
}

// Clip is the clipboard: an item (step or group) or a condition.
type Clip struct {
	Item      *sequence.Item // a deep copy
	Condition string
}

type snapshot struct {
	steps  []*sequence.Item
	header header
	sel    Path
	state  int
	label  string
}

type header struct {
	name, description, kind string
	boot                    sequence.BootImage
	vars                    []sequence.Variable
}

// New starts editing seq; the first item is selected.
func New(seq *sequence.Sequence) *Editor {
	e := &Editor{seq: seq}
	if len(seq.Steps) > 0 {
		e.sel = Path{0}
	}
	return e
}

// Sequence is the sequence being edited.
func (e *Editor) Sequence() *sequence.Sequence { return e.seq }

// Selection is the selected path (nil when the sequence is empty).
func (e *Editor) Selection() Path { return e.sel.clone() }

// Selected is the selected item, or nil.
func (e *Editor) Selected() *sequence.Item { return e.Item(e.sel) }

// Item returns the item at p, or nil.
func (e *Editor) Item(p Path) *sequence.Item {
	if len(p) == 0 {
		return nil
	}
	list := e.seq.Steps
	var it *sequence.Item
	for _, i := range p {
		if i < 0 || i >= len(list) {
			return nil
		}
		it = list[i]
		list = it.Steps
	}
	return it
}

// Select selects p if it names an item.
func (e *Editor) Select(p Path) bool {
	if e.Item(p) == nil {
		return false
	}
	e.sel = p.clone()
	return true
}

// Clipboard is what was copied, or nil.
func (e *Editor) Clipboard() *Clip { return e.clip }

// Dirty reports whether the sequence differs from the last MarkSaved (or
// from how it was opened).
func (e *Editor) Dirty() bool { return e.state != e.savedState }

// MarkSaved records that the current state is on disk.
func (e *Editor) MarkSaved() { e.savedState = e.state; e.lastKey = "" }

// CanUndo and CanRedo report whether there is something to undo or redo.
func (e *Editor) CanUndo() bool { return len(e.undo) > 0 }

// CanRedo reports whether there is something to redo.
func (e *Editor) CanRedo() bool { return len(e.redo) > 0 }

// UndoLabel names the change Undo would take back ("" if none).
func (e *Editor) UndoLabel() string {
	if len(e.undo) == 0 {
		return ""
	}
	return e.undo[len(e.undo)-1].label
}

// RedoLabel names the change Redo would make again ("" if none).
func (e *Editor) RedoLabel() string {
	if len(e.redo) == 0 {
		return ""
	}
	return e.redo[len(e.redo)-1].label
}

func (e *Editor) snap(label string) snapshot {
	s := e.seq
	return snapshot{
		steps: CloneItems(s.Steps),
		header: header{s.Name, s.Description, s.Kind, s.BootImage,
			append([]sequence.Variable(nil), s.Variables...)},
		sel: e.sel.clone(), state: e.state, label: label,
	}
}

func (e *Editor) restore(sn snapshot) {
	s := e.seq
	s.Steps = sn.steps
	s.Name, s.Description, s.Kind, s.BootImage = sn.header.name, sn.header.description, sn.header.kind, sn.header.boot
	s.Variables = sn.header.vars
	e.sel = sn.sel
	e.state = sn.state
}

// change runs fn as one undoable change. If fn fails, nothing changes.
// key coalesces consecutive changes with the same non-empty key (typing
// in one field) into one undo entry.
func (e *Editor) change(label, key string, fn func() error) error {
	coalesce := key != "" && key == e.lastKey && len(e.undo) > 0
	before := e.snap(label)
	if err := fn(); err != nil {
		st := e.state
		e.restore(before)
		e.state = st
		return err
	}
	if !coalesce {
		e.undo = append(e.undo, before)
		if len(e.undo) > MaxUndo {
			e.undo = append(e.undo[:0:0], e.undo[len(e.undo)-MaxUndo:]...)
		}
	}
	e.redo = nil
	e.lastKey = key
	e.nextState++
	e.state = e.nextState
	if e.Item(e.sel) == nil {
		e.fixSelection()
	}
	return nil
}

// Undo takes back the last change.
func (e *Editor) Undo() error {
	if len(e.undo) == 0 {
		return ErrNoUndo
	}
	sn := e.undo[len(e.undo)-1]
	e.undo = e.undo[:len(e.undo)-1]
	cur := e.snap(sn.label)
	e.redo = append(e.redo, cur)
	e.restore(sn)
	e.lastKey = ""
	return nil
}

// Redo makes the last undone change again.
func (e *Editor) Redo() error {
	if len(e.redo) == 0 {
		return ErrNoRedo
	}
	sn := e.redo[len(e.redo)-1]
	e.redo = e.redo[:len(e.redo)-1]
	e.undo = append(e.undo, e.snap(sn.label))
	e.restore(sn)
	e.lastKey = ""
	return nil
}

// list returns the list that holds the item at p (its parent's steps),
// and a setter for it.
func (e *Editor) list(parent Path) (*[]*sequence.Item, bool) {
	if len(parent) == 0 {
		return &e.seq.Steps, true
	}
	g := e.Item(parent)
	if g == nil || !g.IsGroup() {
		return nil, false
	}
	return &g.Steps, true
}

func insert(list *[]*sequence.Item, i int, it *sequence.Item) {
	l := *list
	l = append(l, nil)
	copy(l[i+1:], l[i:])
	l[i] = it
	*list = l
}

func removeAt(list *[]*sequence.Item, i int) *sequence.Item {
	l := *list
	it := l[i]
	*list = append(l[:i:i], l[i+1:]...)
	return it
}

// place inserts it relative to the selection and selects it.
func (e *Editor) place(it *sequence.Item, where Where) error {
	if len(e.sel) == 0 || e.Selected() == nil {
		e.seq.Steps = append(e.seq.Steps, it)
		e.sel = Path{len(e.seq.Steps) - 1}
		return nil
	}
	switch where {
	case Under:
		g := e.Selected()
		if !g.IsGroup() {
			return ErrNotGroup
		}
		g.Steps = append(g.Steps, it)
		e.sel = e.sel.with(len(g.Steps) - 1)
	case Before, After:
		parent := e.sel.Parent()
		l, _ := e.list(parent)
		i := e.sel.Index()
		if where == After {
			i++
		}
		insert(l, i, it)
		e.sel = parent.with(i)
	}
	return nil
}

// AddStep adds a step of the type with its defaults, named after the type
// as the editor does, and selects it.
func (e *Editor) AddStep(typ string, where Where) error {
	it := sequence.NewStep(typ)
	if it == nil {
		return fmt.Errorf("%w %q", ErrUnknownType, typ)
	}
	return e.change("add "+it.Name, "", func() error { return e.place(it, where) })
}

// DefaultGroupName is the name of a new group, as in ConfigMgr.
const DefaultGroupName = "New Group"

// AddGroup adds an empty group and selects it.
func (e *Editor) AddGroup(name string, where Where) error {
	if name == "" {
		name = DefaultGroupName
	}
	return e.change("add group", "", func() error { return e.place(sequence.NewGroup(name), where) })
}

// Remove deletes the selected item (a group with all it holds). The next
// item is selected, else the previous one, else the parent.
func (e *Editor) Remove() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	return e.change("remove "+it.Name, "", func() error {
		parent := e.sel.Parent()
		l, _ := e.list(parent)
		i := e.sel.Index()
		removeAt(l, i)
		switch {
		case i < len(*l):
			e.sel = parent.with(i)
		case i > 0:
			e.sel = parent.with(i - 1)
		default:
			e.sel = parent
		}
		return nil
	})
}

// fixSelection selects the nearest existing item.
func (e *Editor) fixSelection() {
	p := e.sel.clone()
	for len(p) > 0 {
		if e.Item(p) != nil {
			e.sel = p
			return
		}
		if p[len(p)-1] > 0 {
			p[len(p)-1]--
			continue
		}
		p = p.Parent()
	}
	if len(e.seq.Steps) > 0 {
		e.sel = Path{0}
	} else {
		e.sel = nil
	}
}

// MoveUp moves the selected item one place up. The first item of a group
// leaves it and goes just before the group, as in the ConfigMgr editor.
func (e *Editor) MoveUp() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	parent, i := e.sel.Parent(), e.sel.Index()
	if i == 0 && len(parent) == 0 {
		return ErrAtTop
	}
	return e.change("move "+it.Name+" up", "", func() error {
		l, _ := e.list(parent)
		if i > 0 {
			(*l)[i-1], (*l)[i] = (*l)[i], (*l)[i-1]
			e.sel = parent.with(i - 1)
			return nil
		}
		removeAt(l, 0)
		gp := parent.Parent()
		gl, _ := e.list(gp)
		gi := parent.Index()
		insert(gl, gi, it)
		e.sel = gp.with(gi)
		return nil
	})
}

// MoveDown moves the selected item one place down. The last item of a
// group leaves it and goes just after the group.
func (e *Editor) MoveDown() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	parent, i := e.sel.Parent(), e.sel.Index()
	l, _ := e.list(parent)
	last := i == len(*l)-1
	if last && len(parent) == 0 {
		return ErrAtBottom
	}
	return e.change("move "+it.Name+" down", "", func() error {
		if !last {
			(*l)[i+1], (*l)[i] = (*l)[i], (*l)[i+1]
			e.sel = parent.with(i + 1)
			return nil
		}
		removeAt(l, i)
		gp := parent.Parent()
		gl, _ := e.list(gp)
		gi := parent.Index() + 1
		insert(gl, gi, it)
		e.sel = gp.with(gi)
		return nil
	})
}

// MoveInto moves the selected item into the group just above it (its
// previous sibling), at that group's end.
func (e *Editor) MoveInto() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	parent, i := e.sel.Parent(), e.sel.Index()
	if i == 0 {
		return ErrNoGroupUp
	}
	l, _ := e.list(parent)
	g := (*l)[i-1]
	if !g.IsGroup() {
		return ErrNoGroupUp
	}
	return e.change("move "+it.Name+" into "+g.Name, "", func() error {
		removeAt(l, i)
		g.Steps = append(g.Steps, it)
		e.sel = parent.with(i - 1).with(len(g.Steps) - 1)
		return nil
	})
}

// MoveOut moves the selected item out of its group, just after the group.
func (e *Editor) MoveOut() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	parent := e.sel.Parent()
	if len(parent) == 0 {
		return ErrNotInGroup
	}
	return e.change("move "+it.Name+" out of its group", "", func() error {
		l, _ := e.list(parent)
		removeAt(l, e.sel.Index())
		gp := parent.Parent()
		gl, _ := e.list(gp)
		gi := parent.Index() + 1
		insert(gl, gi, it)
		e.sel = gp.with(gi)
		return nil
	})
}

// Copy puts a copy of the selected item on the clipboard.
func (e *Editor) Copy() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	e.clip = &Clip{Item: CloneItem(it)}
	return nil
}

// Cut copies the selected item and removes it.
func (e *Editor) Cut() error {
	if err := e.Copy(); err != nil {
		return err
	}
	return e.Remove()
}

// CopyCondition puts the selected item's condition on the clipboard.
func (e *Editor) CopyCondition() error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	if it.Condition == "" {
		return ErrNoCondition
	}
	e.clip = &Clip{Condition: it.Condition}
	return nil
}

// Paste inserts a copy of the clipboard's item relative to the selection
// (Under: into the selected group), or, when the clipboard holds a
// condition, adds it to the selected item's condition (the item's
// conditions are all required, as ConfigMgr's root condition is).
func (e *Editor) Paste(where Where) error {
	if e.clip == nil {
		return ErrEmptyClip
	}
	if e.clip.Item == nil {
		return e.PasteCondition(e.clip.Condition)
	}
	it := CloneItem(e.clip.Item)
	if where == Under {
		if g := e.Selected(); g == nil || !g.IsGroup() {
			return ErrNotGroup
		}
	}
	return e.change("paste "+it.Name, "", func() error { return e.place(it, where) })
}

// PasteCondition adds cond to the selected item's condition: it becomes
// the condition, or both must hold.
func (e *Editor) PasteCondition(cond string) error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	add, err := condition.Parse(cond)
	if err != nil {
		return err
	}
	return e.change("paste condition", "", func() error {
		if it.Condition == "" {
			it.Condition = condition.Format(add)
			return nil
		}
		old, err := condition.Parse(it.Condition)
		if err != nil {
			return fmt.Errorf("the item's condition does not parse: %w", err)
		}
		it.Condition = condition.Format(Conjoin(old, add))
		return nil
	})
}

// Conjoin returns "a and b", flattening an infix and on either side.
func Conjoin(a, b condition.Expr) condition.Expr {
	var items []condition.Expr
	for _, x := range []condition.Expr{a, b} {
		if g, ok := x.(*condition.Group); ok && g.Op == condition.All && g.Infix {
			items = append(items, g.Items...)
		} else {
			items = append(items, x)
		}
	}
	return &condition.Group{Op: condition.All, Items: items, Infix: true}
}

// Edit changes the selected item with fn as one undoable change named
// label. Consecutive edits with the same non-empty key (keystrokes in one
// field) are undone together. If fn fails nothing changes.
func (e *Editor) Edit(label, key string, fn func(it *sequence.Item) error) error {
	it := e.Selected()
	if it == nil {
		return ErrNoSelection
	}
	path := e.sel.clone()
	return e.change(label, key, func() error {
		e.sel = path
		return fn(e.Selected())
	})
}

// EditSequence changes the sequence's own properties (name, description,
// boot image, variables) as one undoable change.
func (e *Editor) EditSequence(label, key string, fn func(s *sequence.Sequence) error) error {
	return e.change(label, key, func() error { return fn(e.seq) })
}

// EndTyping ends the coalescing of edits: the next Edit is a change of
// its own even with the same key (the user left the field and came back).
func (e *Editor) EndTyping() { e.lastKey = "" }

// Rename renames the selected item.
func (e *Editor) Rename(name string) error {
	return e.Edit("rename", "", func(it *sequence.Item) error { it.Name = name; return nil })
}

// SetDisabled disables or enables the selected item.
func (e *Editor) SetDisabled(off bool) error {
	label := "enable"
	if off {
		label = "disable"
	}
	return e.Edit(label, "", func(it *sequence.Item) error { it.Disabled = off; return nil })
}

// SetContinueOnError sets the selected item's continue on error.
func (e *Editor) SetContinueOnError(on bool) error {
	return e.Edit("continue on error", "", func(it *sequence.Item) error { it.ContinueOnError = on; return nil })
}

// SetCondition sets the selected item's condition; the text must parse
// (empty means always). It is stored in canonical form.
func (e *Editor) SetCondition(text string) error {
	text = strings.TrimSpace(text)
	if text != "" {
		x, err := condition.Parse(text)
		if err != nil {
			return err
		}
		text = condition.Format(x)
	}
	return e.Edit("condition", "", func(it *sequence.Item) error { it.Condition = text; return nil })
}

// CloneItems deep-copies a list of items.
func CloneItems(items []*sequence.Item) []*sequence.Item {
	if items == nil {
		return nil
	}
	out := make([]*sequence.Item, len(items))
	for i, it := range items {
		out[i] = CloneItem(it)
	}
	return out
}

// CloneItem deep-copies an item: its properties, lists and children.
func CloneItem(it *sequence.Item) *sequence.Item {
	if it == nil {
		return nil
	}
	c := *it
	c.SuccessCodes = append([]int(nil), it.SuccessCodes...)
	if it.SuccessCodes == nil {
		c.SuccessCodes = nil
	}
	c.Steps = CloneItems(it.Steps)
	if it.Props != nil {
		c.Props = cloneProps(it.Props)
	}
	return &c
}

// cloneProps copies a step's property struct, with fresh slices.
func cloneProps(p sequence.Props) sequence.Props {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer {
		return p
	}
	n := reflect.New(v.Elem().Type())
	n.Elem().Set(deepCopy(v.Elem()))
	return n.Interface().(sequence.Props)
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(deepCopy(v.Index(i)))
		}
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if f := n.Field(i); f.CanSet() && f.Kind() == reflect.Slice {
				f.Set(deepCopy(v.Field(i)))
			}
		}
		return n
	}
	return v
}

// CopyText puts a condition's text on the clipboard (the condition
// builder copies one test or if statement this way).
func (e *Editor) CopyText(cond string) { e.clip = &Clip{Condition: cond} }

// HasComments reports whether TOML data holds a comment: a # outside a
// string. Saving drops comments, so the editor says so first.
func HasComments(data []byte) bool {
	s := string(data)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '#':
			return true
		case '"', '\'':
			delim := string(c)
			if strings.HasPrefix(s[i:], delim+delim+delim) {
				delim = delim + delim + delim
			}
			j := i + len(delim)
			for j < len(s) && !strings.HasPrefix(s[j:], delim) {
				if c == '"' && s[j] == '\\' {
					j++
				}
				if len(delim) == 1 && s[j] == '\n' {
					break
				}
				j++
			}
			i = j + len(delim) - 1
		}
	}
	return false
}
