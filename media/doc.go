// Package media writes bootable WinPE media: layout, boot image
// customisation, ISO, USB image and device.
package media
