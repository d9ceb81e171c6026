package form

// Flow is the way through a form's pages: the page shown, the pages
// visited, and the order of the pages (which may depend on the state:
// a choice on the first page can decide what follows).
//
// The messages it returns are the catalog's "nav.invalid" (the page has
// errors), "nav.first", "nav.last" and "nav.fix-page" (with the title of
// the page to fix).
type Flow[S any, P ~int] struct {
	s       S
	form    *Form[S, P]
	order   func(s S) []P
	cur     P
	visited map[P]bool
}

// NewFlow starts the state s on page start; order gives the pages of
// the flow. A wizard embeds its flow, so that its pages, the page shown
// and their problems are its own methods.
func NewFlow[S any, P ~int](f *Form[S, P], s S, start P, order func(s S) []P) *Flow[S, P] {
	return &Flow[S, P]{s: s, form: f, order: order, cur: start, visited: map[P]bool{start: true}}
}

// Pages returns the pages of the flow in order.
func (n *Flow[S, P]) Pages() []*Page[S, P] {
	ids := n.order(n.s)
	out := make([]*Page[S, P], len(ids))
	for i, id := range ids {
		out[i] = n.form.pages[id]
	}
	return out
}

// CurrentID is the ID of the page shown.
func (n *Flow[S, P]) CurrentID() P { return n.cur }

// Current is the page shown.
func (n *Flow[S, P]) Current() *Page[S, P] { return n.form.pages[n.cur] }

// PageErrors returns the problems of a page.
func (n *Flow[S, P]) PageErrors(id P) []FieldError[S, P] { return n.form.pages[id].Errors(n.s) }

// PageWarnings returns the warnings of a page.
func (n *Flow[S, P]) PageWarnings(id P) []FieldError[S, P] { return n.form.pages[id].Warnings(n.s) }

// Visited reports whether the page has been shown.
func (n *Flow[S, P]) Visited(id P) bool { return n.visited[id] }

// Goto shows a page directly.
func (n *Flow[S, P]) Goto(id P) {
	n.cur = id
	n.visited[id] = true
}

// Index is the position of a page in the flow (-1 when it is not in it).
func (n *Flow[S, P]) Index(id P) int {
	for i, p := range n.order(n.s) {
		if p == id {
			return i
		}
	}
	return -1
}

// Invalid is the error Next returns when the page has errors.
func (n *Flow[S, P]) Invalid() error { return n.form.problem(n.s, "nav.invalid") }

// Done reports whether a page is visited, left and valid.
func (n *Flow[S, P]) Done(id P) bool {
	return id != n.cur && n.visited[id] && len(n.form.pages[id].Errors(n.s)) == 0
}

// Next checks the page shown and goes to the next one.
func (n *Flow[S, P]) Next() error {
	if len(n.Current().Errors(n.s)) > 0 {
		return n.Invalid()
	}
	return n.Advance()
}

// Advance goes to the next page without checking the one shown (the
// caller has).
func (n *Flow[S, P]) Advance() error {
	ids := n.order(n.s)
	i := n.Index(n.cur)
	if i < 0 || i+1 >= len(ids) {
		return n.form.problem(n.s, "nav.last")
	}
	n.Goto(ids[i+1])
	return nil
}

// Prev goes to the previous page, keeping every value, invalid ones
// included.
func (n *Flow[S, P]) Prev() error {
	i := n.Index(n.cur)
	if i <= 0 {
		return n.form.problem(n.s, "nav.first")
	}
	n.cur = n.order(n.s)[i-1]
	return nil
}

// FirstInvalid returns the first page of the flow before stop that has
// errors, or false when they are all valid.
func (n *Flow[S, P]) FirstInvalid(stop P) (P, bool) {
	for _, id := range n.order(n.s) {
		if id == stop {
			break
		}
		if len(n.form.pages[id].Errors(n.s)) > 0 {
			return id, true
		}
	}
	var zero P
	return zero, false
}

// JumpTo goes straight to a page (the Summary) when every page before it
// is valid; they count as visited. Otherwise it says which page to fix
// (FirstInvalid tells which it is, to go there).
func (n *Flow[S, P]) JumpTo(target P) error {
	if id, bad := n.FirstInvalid(target); bad {
		return n.form.problem(n.s, "nav.fix-page", n.form.pages[id].Title(n.s))
	}
	for _, id := range n.order(n.s) {
		if id == target {
			break
		}
		n.visited[id] = true
	}
	n.Goto(target)
	return nil
}
