// Package wizard is the Create Task Sequence Wizard as pure state: pages,
// fields, defaults, visibility, validation, and the conversion of answers
// into a task sequence. It draws nothing; package tui renders it.
package wizard
