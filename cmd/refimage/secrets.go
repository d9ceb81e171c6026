package main

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/refimage/refimage/engine/sequence/secret"
)

// The one password reader: every secret refimage asks for on the
// command line (the passphrase of refimage new, the media password,
// prompt secrets of a run, passwords typed in the accessible wizards) is
// read here, without echo, from the terminal that stdin is.

// secretTerminal is the terminal stdin is, or nil when stdin is not one
// (piped answers, tests).
func secretTerminal(env *cmdEnv) *os.File {
	f, ok := env.stdin.(*os.File)
	if !ok || !env.isTerminal() || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return f
}

// secretReader reads one line without echo from the terminal, or is nil
// without one. A terminal hands over one line per read, so a buffered
// reader of the same stdin holds nothing when a secret is read directly.
func secretReader(env *cmdEnv) func() (string, error) {
	f := secretTerminal(env)
	if f == nil {
		return nil
	}
	return func() (string, error) {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
}

// askSecret prints prompt on stderr and reads a secret without echo;
// secret.ErrNoPrompt without a terminal.
func askSecret(env *cmdEnv, prompt string) (string, error) {
	read := secretReader(env)
	if read == nil {
		return "", secret.ErrNoPrompt
	}
	fmt.Fprint(env.stderr, prompt)
	s, err := read()
	fmt.Fprintln(env.stderr)
	return s, err
}

// askNewSecret reads a new secret twice and insists they match. what
// names it in the messages ("password", "passphrase"); noTerminal is the
// usage error without a terminal.
func askNewSecret(env *cmdEnv, prompt, what, noTerminal string) (string, error) {
	p1, err := askSecret(env, prompt)
	if errors.Is(err, secret.ErrNoPrompt) {
		return "", usageErrorf("%s", noTerminal)
	}
	if err != nil {
		return "", failedf("%v", err)
	}
	if p1 == "" {
		return "", usageErrorf("an empty %s protects nothing", what)
	}
	p2, err := askSecret(env, "Again: ")
	if err != nil {
		return "", failedf("%v", err)
	}
	if p1 != p2 {
		return "", usageErrorf("the %ss do not match", what)
	}
	return p1, nil
}
