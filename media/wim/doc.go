// Package wim reads and writes Windows Imaging (WIM) files natively:
// read, capture, apply, update, verify, split and export.
package wim
