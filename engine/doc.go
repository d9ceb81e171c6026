// Package engine runs a task sequence with Configuration Manager's
// semantics: variables, conditions, groups, reboot and resume, logs and
// events. It reports through events and never prints; step actions reach
// the machine only through the platform interface.
package engine
