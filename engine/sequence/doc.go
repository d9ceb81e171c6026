// Package sequence is the TOML task sequence, format version 1: its types,
// strict loading with file:line:col positions, semantic validation and
// deterministic saving. See docs/sequence.md.
package sequence
